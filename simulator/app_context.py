"""Accessors for the current app's settings and database, used by every feature's routes."""

from __future__ import annotations

import sqlite_utils
from flask import current_app

from simulator.db import database


def settings() -> dict:
    """The resolved settings of the running app."""
    return current_app.config["SANDBOX"]


def db() -> sqlite_utils.Database:
    """This process's connection to the sandbox database."""
    return database(current_app.config["SANDBOX"]["db"])
