"""One SQLite connection per process, reopened after a fork.

gunicorn may build the app in the master (`--preload`) and fork workers afterwards; an
SQLite connection must never be used by two processes, so every fault-engine object asks
this holder for its connection and gets a fresh one in a new process.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlite_utils

from simulator.db import connect


class ProcessLocalDB:
    """Callable returning this process's connection to `path`."""

    def __init__(self, path: str | Path):
        self.path = path
        self._db: sqlite_utils.Database | None = None
        self._pid: int | None = None

    def __call__(self) -> sqlite_utils.Database:
        """The connection for the current process (opened on first use after a fork)."""
        if self._db is None or self._pid != os.getpid():
            self._db = connect(self.path)
            self._pid = os.getpid()
        return self._db
