"""SQLite access through sqlite-utils: one file, WAL mode, one connection per worker greenlet.

Each feature owns its tables and declares them in a `create_tables(db)` function; the list of
those modules is `simulator.schema`, which creates them all, idempotently, at start-up.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import gevent
import sqlite_utils
from gevent import monkey


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open the sandbox database with the pragmas every connection needs."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA foreign_keys=ON")
    return sqlite_utils.Database(conn)


_connections: dict[str, sqlite_utils.Database] = {}
# Connections a forked child inherited: never used again (SQLite connections must not cross a fork),
# and kept referenced so the child does not close the parent's file handles and locks.
_inherited: list[sqlite_utils.Database] = []


def _after_fork_in_child() -> None:
    _inherited.extend(_connections.values())
    _connections.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


def database(path: str | Path) -> sqlite_utils.Database:
    """This process's shared connection to the sandbox file (opened lazily, after any fork).

    Under gevent every greenlet of a worker shares it: SQLite calls never yield, so a
    transaction cannot interleave with another greenlet's statements. Called several times
    per request: a dict lookup, the fork handled once by `os.register_at_fork`.
    """
    db = _connections.get(path)
    if db is None:
        db = _connections.get(str(path))
        if db is None:
            db = _connections[str(path)] = connect(path)
        _connections[path] = db  # also under the caller's own key (a Path or a str)
    return db


def off_loop(fn, *args):
    """`fn(*args)` in a native thread when this process runs gevent, else directly.

    A gevent worker serves every connection from one OS thread, and SQLite never yields: a write
    that waits for another worker's write lock, or commits into a WAL checkpoint and its fsync,
    would freeze every request of the worker meanwhile (tens of ms, seen as latency spikes
    under load). In a native thread only the calling greenlet waits; sqlite3 releases the GIL.
    The caller must not use the same connection from two threads at once (hold a lock around it).
    """
    if _gevent_patched():
        return gevent.get_hub().threadpool.apply(fn, args)
    return fn(*args)


def _gevent_patched() -> bool:
    return monkey.is_module_patched("threading")


class transaction:  # noqa: N801 - used as a context manager, reads like a statement
    """`with transaction(db):` runs the block in one IMMEDIATE transaction (all or nothing)."""

    def __init__(self, db: sqlite_utils.Database):
        self.conn = db.conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
        return False


def where_clause(*conditions: tuple[str, Any]) -> tuple[str, list]:
    """` WHERE a AND b` (or "") and its parameters, from (clause, value) pairs whose value is given.

    A filter left out (None or "") does not narrow the query: `where_clause(("province = ?", None))`
    is `("", [])`. Each clause takes its value as its one `?` parameter.
    """
    given = [(clause, value) for clause, value in conditions if value is not None and value != ""]
    if not given:
        return "", []
    return " WHERE " + " AND ".join(clause for clause, _ in given), [value for _, value in given]
