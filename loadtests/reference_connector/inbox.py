"""The durable inbox: every accepted delivery is written down before the portal gets its 2xx.

Why: the portal retries a push until it is acknowledged, so the same delivery can arrive
twice (a timeout on our 2xx, a portal restart). The delivery id is the primary key, so the
second arrival is recognised as a duplicate. And because the body is stored with a state,
a connector restart picks up the deliveries it had acknowledged but not yet processed.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path


class Inbox:
    """Deliveries by id, with their body and processing state (queued, done, failed)."""

    def __init__(self, path: str | Path = ":memory:"):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by greenlets; the lock keeps statements whole if real threads appear.
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                """CREATE TABLE IF NOT EXISTS deliveries (
                    delivery_id TEXT PRIMARY KEY,
                    event TEXT NOT NULL,
                    body TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'queued',
                    received_at REAL NOT NULL,
                    finished_at REAL)"""
            )

    def accept(self, delivery_id: str, event: str, body: str) -> bool:
        """Record a delivery; False when this delivery id was already received (a duplicate)."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO deliveries (delivery_id, event, body, received_at) VALUES (?, ?, ?, ?)",
                [delivery_id, event, body, time.time()],
            )
            return cursor.rowcount == 1

    def finish(self, delivery_id: str, state: str) -> None:
        """Mark a delivery processed (`done`) or given up (`failed`)."""
        with self._lock:
            self._db.execute(
                "UPDATE deliveries SET state = ?, finished_at = ? WHERE delivery_id = ?",
                [state, time.time(), delivery_id],
            )

    def pending(self) -> list[tuple[str, str, str]]:
        """Deliveries acknowledged but not processed yet: (delivery id, event, body), oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT delivery_id, event, body FROM deliveries WHERE state = 'queued' ORDER BY received_at"
            ).fetchall()
        return [tuple(r) for r in rows]
