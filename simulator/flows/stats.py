"""End-to-end figures of online submissions: pushed, acknowledged, synced back, finished, lost, overdue.

"Synced back" means the province created the dossier on the portal (a `dossiers` row with
the same MaHoSo); latency runs, in real milliseconds, from the first push attempt to that
sync. "Lost" is pushed but not synced back within `lost_after_sim_minutes` on the sandbox
clock; "overdue" is past NgayHenTra on the sandbox clock and not finished (9, 10) or closed
(3 rejected, 7 withdrawn, 8 stopped).
"""

from __future__ import annotations

import math
from datetime import datetime

import sqlite_utils

from simulator.clock import shared_clock
from simulator.db import where_clause
from simulator.jobs import queue
from simulator.wire_formats import to_portal

CLOSED = {3, 7, 8, 9, 10}


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank p-th percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return round(ordered[rank - 1], 1)


def _real_seconds(iso_utc: str) -> float:
    return datetime.fromisoformat(iso_utc).timestamp()


def flow_rows(db: sqlite_utils.Database, province: str | None, since: str | None) -> list[tuple]:
    """Each submission joined with its synced dossier (status, due, created_at) when there is one."""
    sql_where, params = where_clause(("s.province = ?", province), ("s.submitted_at >= ?", since))
    return db.execute(
        f"""SELECT s.MaHoSo, s.due, s.pushed_at, s.pushed_sim, s.acked_at, d.status, d.due, d.created_at
            FROM online_submissions s LEFT JOIN dossiers d ON d.MaHoSo = s.MaHoSo{sql_where}""",
        params,
    ).fetchall()


def is_lost(pushed_sim: float | None, synced: bool, now_sim: float, lost_after_s: float) -> bool:
    """Pushed, never synced back, and the allowed (simulated) time has run out."""
    return pushed_sim is not None and not synced and now_sim - pushed_sim > lost_after_s


def flow_stats(db: sqlite_utils.Database, settings: dict, province: str | None = None, since: str | None = None) -> dict:
    """The figures the load-test kit reads from `GET /sandbox/flows/stats`."""
    clock = shared_clock(settings["db"])
    now_sim = clock.timestamp()
    now_text = to_portal(clock.now())
    lost_after_s = settings["lost_after_sim_minutes"] * 60
    figures = dict.fromkeys(("submitted", "pushed", "acknowledged", "synced_back", "finished", "lost", "overdue"), 0)
    latencies, lost_codes = [], []
    for code, due, pushed_at, pushed_sim, acked_at, status, synced_due, synced_created in flow_rows(db, province, since):
        synced = status is not None
        figures["submitted"] += 1
        figures["pushed"] += pushed_at is not None
        figures["acknowledged"] += acked_at is not None
        figures["synced_back"] += synced
        figures["finished"] += status == 10
        if is_lost(pushed_sim, synced, now_sim, lost_after_s):
            figures["lost"] += 1
            lost_codes.append(code)
        deadline = (synced_due or due) if synced else due
        if deadline and deadline < now_text and (status or 1) not in CLOSED:
            figures["overdue"] += 1
        if synced and pushed_at is not None:
            latencies.append(max(0.0, (_real_seconds(synced_created) - pushed_at) * 1000))
    return {
        "province": province,
        "since": since,
        "sandbox_time": now_text,
        **figures,
        "push_to_sync_ms": {
            "count": len(latencies),
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "p99": percentile(latencies, 99),
        },
        "deliveries": queue.counts(db, province),
        "lost_dossiers": lost_codes[:100],
    }
