"""One cache object per worker process and database connection.

Each gunicorn worker keeps what it read (citizens, gateway tokens) in memory; a forked worker
must start empty rather than share its parent's dict, and tests that open several databases
in one process must not see each other's rows. Both caches are found through `PerConnection`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Generic, TypeVar

import sqlite_utils

T = TypeVar("T")


class PerConnection(Generic[T]):
    """The objects `factory` builds, one per (process, database connection)."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self.factory = factory
        self.objects: dict[tuple[int, int], T] = {}

    def get(self, db: sqlite_utils.Database) -> T:
        """The object of this process and `db`'s connection, built on first use."""
        key = (os.getpid(), id(db.conn))
        found = self.objects.get(key)
        if found is None:
            found = self.objects[key] = self.factory()
        return found
