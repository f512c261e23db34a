"""Everything the dashboard draws, gathered in one call with aggregate SQL and bounded rows."""

from __future__ import annotations

import time
from typing import Any

import sqlite_utils

from simulator import provinces, statuses
from simulator.dashboard import health
from simulator.dashboard.systems import map_systems
from simulator.flows import arrivals, satisfaction
from simulator.flows.stats import CLOSED
from simulator.wire_formats import to_portal

JOURNAL_ROWS = 15
RULES_SHOWN = 50
_CLOSED_SQL = ", ".join(str(code) for code in sorted(CLOSED))


def current_rules(faults) -> list:
    """The rules in force right now: enabled, not expired, inside their window (manual first)."""
    clock = faults.clock
    real_now, sim_now, local = time.time(), clock.timestamp(), clock.now()
    return [rule for rule, anchor, _ in faults.engine.active_rules() if rule.active_at(real_now, sim_now, local, anchor)]


def systems_state(faults) -> list[dict]:
    """Every map system with its health, reasons, requests per second, error rate and p95."""
    rules = current_rules(faults)
    traffic = health.observed_traffic(faults.journal.db)
    return [{**s.as_dict(), **health.system_health(s.name, rules, traffic.get(s.name))} for s in map_systems()]


def dossier_counts(db: sqlite_utils.Database) -> dict[str, dict[str, int]]:
    """Portal dossiers per province and status code: {"56": {"2": 3, "4": 1}} (one GROUP BY)."""
    out: dict[str, dict[str, int]] = {}
    for province, status, count in db.execute("SELECT province, status, count(*) FROM dossiers GROUP BY province, status"):
        out.setdefault(province, {})[str(status)] = count
    return out


def flow_counts(db: sqlite_utils.Database, now_sim: float, now_text: str, lost_after_s: float) -> dict[str, dict]:
    """Online submissions per province: submitted, synced back, waiting, lost and overdue.

    The same definitions as `GET /sandbox/flows/stats` (simulator.flows.stats), computed in
    SQL so the cost does not grow with Python loops over every submission.
    """
    rows = db.execute(
        f"""WITH joined AS (
               SELECT s.province, s.pushed_sim, d.MaHoSo IS NOT NULL AS synced, d.status,
                      CASE WHEN d.MaHoSo IS NOT NULL THEN coalesce(nullif(d.due, ''), s.due)
                           ELSE s.due END AS deadline
               FROM online_submissions s LEFT JOIN dossiers d ON d.MaHoSo = s.MaHoSo)
            SELECT province, count(*), total(synced), total(NOT synced),
                   total(pushed_sim IS NOT NULL AND NOT synced AND ? - pushed_sim > ?),
                   total(deadline != '' AND deadline < ? AND coalesce(status, 1) NOT IN ({_CLOSED_SQL}))
            FROM joined GROUP BY province""",
        [now_sim, lost_after_s, now_text],
    ).fetchall()
    keys = ("submitted", "synced_back", "waiting", "lost", "overdue")
    return {row[0]: dict(zip(keys, (int(v) for v in row[1:]))) for row in rows}


def _totals(per_province: dict[str, dict]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for figures in per_province.values():
        for key, value in figures.items():
            totals[key] = totals.get(key, 0) + value
    return totals


def manual_rules(faults) -> list[dict]:
    """The manual rules (newest configuration first), so the page can list and lift them."""
    out = []
    for rule in faults.store.snapshot().rules[:RULES_SHOWN]:
        out.append(
            {
                "id": rule.id,
                "name": rule.name,
                "systems": list(rule.system) if rule.system else ["*"],
                "effects": [e.kind for e in rule.effects],
                "expires_at": rule.expires_at,
            }
        )
    return out


def dashboard_state(db: sqlite_utils.Database, faults, settings: dict[str, Any]) -> dict[str, Any]:
    """The whole payload of `GET /sandbox/dashboard/state`."""
    faults.journal.flush()  # this worker's last ~200 ms of requests, so the figures are not behind
    clock = faults.clock
    now_sim, now = clock.timestamp(), clock.now()
    flows = flow_counts(db, now_sim, to_portal(now), settings["lost_after_sim_minutes"] * 60)
    dossiers = dossier_counts(db)
    return {
        "generated_at": time.time(),
        "clock": {"now": now.isoformat(), "now_portal": to_portal(now), "scale": clock.scale()},
        "scenario": faults.scenarios.status(),
        "systems": systems_state(faults),
        "rules": manual_rules(faults),
        "provinces": [{"code": p.code, "name": p.name} for p in provinces.all_provinces()],
        "statuses": [
            {"code": code, "name": s["name"], "name_en": s["name_en"], "final": s["final"]} for code, s in statuses.statuses().items()
        ],
        "dossiers": {
            "by_province": dossiers,
            "total": sum(sum(by_status.values()) for by_status in dossiers.values()),
        },
        "flows": {"by_province": flows, "totals": _totals(flows)},
        "arrivals": arrivals.list_streams(db),
        "journal": faults.journal.query(limit=JOURNAL_ROWS),
        "satisfaction": satisfaction.index(db, "province"),
    }
