"""Every table the sandbox owns, listed once: each module here exposes `create_tables(db)`.

`create_all` runs them all, idempotently; the app factory, the CLI and the server's master
process call it, so no caller needs to import the app just to learn the table list.
"""

from __future__ import annotations

import importlib

import sqlite_utils

MODULES: tuple[str, ...] = (
    "simulator.portal.store",
    "simulator.gateway.tokens",
    "simulator.rotation",
    "simulator.identity.overlays",
    "simulator.faults",
    "simulator.jobs.queue",
    "simulator.jobs.lease",
    "simulator.flows.connectors",
    "simulator.flows.submissions",
    "simulator.flows.arrivals",
    "simulator.flows.satisfaction",
    # ministry systems: registered children, dossiers, payments, and the sandbox clock
    "simulator.clock",
    "simulator.systems.people",
    "simulator.systems.civil_status.store",
    "simulator.systems.judicial_record",
    "simulator.systems.environment",
    "simulator.systems.payment.store",
    # the connector readiness check
    "simulator.certify.store",
)


def create_all(database: sqlite_utils.Database) -> None:
    """Create every feature's tables and indexes if they do not exist yet.

    Modules are imported by name here (not at the top) because most of them import the
    features that, through the app, import this module.
    """
    for name in MODULES:
        importlib.import_module(name).create_tables(database)
