"""An asynchronous ministry's table of requests whose result is sent once, when it is ready.

Systems that decide a request's fate at filing time (judicial record, environment) keep one
row per (province, code) with the instant the result is ready and a `notified_at` mark. The
first reader of a ready row — a poll or the job runner's sweep — claims the mark and queues
the system's result callback in the same transaction, so a result is announced exactly once
however many workers look at it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils
from flask_smorest import abort

from simulator.systems import notify


def _dicts(cursor) -> list[dict]:
    """The cursor's rows as dicts keyed by column name."""
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


@dataclass(frozen=True)
class ResultTable:
    """A table keyed by (province, code) whose `ready_column` says when a row's result is out.

    A row whose `ready_column` is NULL is not ready yet (e.g. waiting for the applicant).
    `wire` turns a stored row into the result the system replies and calls back with, at an
    instant: `wire(row, now)`.
    """

    name: str
    event: str
    ready_column: str

    def row(self, database: sqlite_utils.Database, province: str, code: str) -> dict | None:
        """A province's stored row for `code`, or None."""
        cursor = database.execute(f"SELECT * FROM {self.name} WHERE province = ? AND code = ?", [province, code])
        rows = _dicts(cursor)
        return rows[0] if rows else None

    def retried(self, database: sqlite_utils.Database, province: str, code: str, same: Callable[[dict], bool], clash: str) -> dict | None:
        """The stored row when `code` was filed before by the same request (a retry); None for a new code.

        Filing is idempotent: a retry gets the first filing's answer, while another request
        under a code already used is refused with 409 and the `clash` message.
        """
        row = self.row(database, province, code)
        if row is not None and not same(row):
            abort(409, message=clash)
        return row

    def is_ready(self, row: dict, now: float) -> bool:
        """Whether the row's result is out at `now`."""
        ready_at = row[self.ready_column]
        return ready_at is not None and ready_at <= now

    def notify_once(self, database: sqlite_utils.Database, row: dict, now: float, wire: Callable[[dict, float], dict]) -> bool:
        """Queue the result callback if this caller is the first to claim the ready row (atomically)."""
        return notify.claim_and_notify(
            database,
            f"UPDATE {self.name} SET notified_at = ? WHERE province = ? AND code = ? AND notified_at IS NULL",
            [now, row["province"], row["code"]],
            row["province"],
            self.event,
            lambda: wire(row, now),
        )

    def read(
        self, database: sqlite_utils.Database, province: str, code: str, now: float, wire: Callable[[dict, float], dict]
    ) -> dict | None:
        """The wire result of a province's request at `now` (None if unknown), calling back if it just became ready."""
        row = self.row(database, province, code)
        if row is None:
            return None
        if self.is_ready(row, now):
            self.notify_once(database, row, now, wire)
        return wire(row, now)

    def sweep(self, database: sqlite_utils.Database, now: float, wire: Callable[[dict, float], dict]) -> int:
        """Send the callback of every row that became ready by `now` and was not announced; how many were sent."""
        # A NULL ready instant compares as unknown in SQL: such rows are left for later.
        cursor = database.execute(f"SELECT * FROM {self.name} WHERE notified_at IS NULL AND {self.ready_column} <= ?", [now])
        return sum(self.notify_once(database, row, now, wire) for row in _dicts(cursor))
