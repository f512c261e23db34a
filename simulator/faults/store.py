"""Fault rules and the running scenario, stored in SQLite and cached in every worker.

Tables: `fault_rules` (one JSON rule per row, in rule order), `fault_state` (one row: the
`rules_version` counter and the running scenario). Every change bumps `rules_version` in the
same transaction; each worker keeps a snapshot and checks the counter at most every
`REFRESH_S` seconds (one indexed SELECT of one integer), reloading only when it moved. So a
rule changed in one worker applies in all of them within one second.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from simulator.db import transaction
from simulator.faults.connection import ProcessLocalDB
from simulator.faults.rules import Limits, Rule, RuleError, validate_rule
from simulator.faults.scenarios import Scenario, parse_scenario

REFRESH_S = 0.5


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the fault tables if missing."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS fault_rules ("
        " id TEXT PRIMARY KEY, position INTEGER NOT NULL, rule TEXT NOT NULL, created_at REAL NOT NULL)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS fault_state ("
        " id INTEGER PRIMARY KEY CHECK (id = 1), rules_version INTEGER NOT NULL,"
        " scenario TEXT, scenario_started_real REAL, scenario_started_sim REAL)"
    )
    db.execute("INSERT OR IGNORE INTO fault_state (id, rules_version) VALUES (1, 0)")
    db.execute("CREATE TABLE IF NOT EXISTS fault_scenarios (name TEXT PRIMARY KEY, scenario TEXT NOT NULL, updated REAL NOT NULL)")


@dataclass(frozen=True)
class RunningScenario:
    """The applied scenario and when it started (real and sandbox POSIX seconds)."""

    scenario: Scenario
    started_real: float
    started_sim: float


@dataclass(frozen=True)
class Snapshot:
    """What one worker believes the fault configuration is, at `version`."""

    version: int
    rules: tuple[Rule, ...]
    scenario: RunningScenario | None


class RuleNotFound(KeyError):
    """No rule has that id."""


class FaultStore:
    """Rule CRUD, scenario state and the cached snapshot the engine reads on every request."""

    def __init__(self, db_path: str | Path, limits: Limits | None = None, max_rules: int = 500):
        self._conn = ProcessLocalDB(db_path)
        create_tables(self.db)
        self.limits = limits or Limits()
        self.max_rules = max_rules
        self._snapshot: Snapshot | None = None
        self._checked_at = float("-inf")

    @property
    def db(self) -> sqlite_utils.Database:
        """This process's connection."""
        return self._conn()

    # -- versioning ------------------------------------------------------------------------
    def version(self) -> int:
        """The current `rules_version` counter in SQLite."""
        return int(self.db.execute("SELECT rules_version FROM fault_state WHERE id = 1").fetchone()[0])

    def _bump(self, conn) -> None:
        conn.execute("UPDATE fault_state SET rules_version = rules_version + 1 WHERE id = 1")
        self._checked_at = float("-inf")  # this worker sees its own change at once

    def snapshot(self) -> Snapshot:
        """The cached configuration, re-checked against SQLite at most every REFRESH_S."""
        mono = time.monotonic()
        if self._snapshot is not None and mono - self._checked_at < REFRESH_S:
            return self._snapshot
        self._checked_at = mono
        version = self.version()
        if self._snapshot is None or self._snapshot.version != version:
            self._snapshot = self._load(version)
        return self._snapshot

    def _load(self, version: int) -> Snapshot:
        rows = self.db.execute("SELECT rule FROM fault_rules ORDER BY position, created_at").fetchall()
        rules = []
        for (text,) in rows:
            try:
                rules.append(validate_rule(json.loads(text), self.limits))
            except RuleError:
                continue  # stored under looser caps (settings lowered since); skip rather than crash
        return Snapshot(version, tuple(rules), self._load_scenario())

    def _load_scenario(self) -> RunningScenario | None:
        row = self.db.execute("SELECT scenario, scenario_started_real, scenario_started_sim FROM fault_state WHERE id = 1").fetchone()
        if not row or not row[0]:
            return None
        try:
            scenario = parse_scenario(json.loads(row[0]), self.limits)
        except RuleError:
            return None
        return RunningScenario(scenario, float(row[1]), float(row[2]))

    # -- rules -----------------------------------------------------------------------------
    def list_rules(self) -> list[Rule]:
        """Every stored (manual) rule in order, including disabled and expired ones."""
        return list(self._load(self.version()).rules)

    def get_rule(self, rule_id: str) -> Rule:
        """One stored rule; raise `RuleNotFound`."""
        row = self.db.execute("SELECT rule FROM fault_rules WHERE id = ?", [rule_id]).fetchone()
        if row is None:
            raise RuleNotFound(rule_id)
        return validate_rule(json.loads(row[0]), self.limits)

    def put_rule(self, raw: dict[str, Any], started_at: float | None = None) -> Rule:
        """Create or replace a rule (validated); `started_at` anchors its window (sandbox time)."""
        raw = dict(raw)
        if started_at is not None and "started_at" not in raw:
            raw["started_at"] = started_at
        rule = validate_rule(raw, self.limits)
        with transaction(self.db) as conn:
            existing = conn.execute("SELECT position FROM fault_rules WHERE id = ?", [rule.id]).fetchone()
            if existing is None:
                count, last = conn.execute("SELECT count(*), coalesce(max(position), 0) FROM fault_rules").fetchone()
                if count >= self.max_rules:
                    raise RuleError("", f"too many rules (fault_rules_max is {self.max_rules})")
                position = last + 1
            else:
                position = existing[0]
            conn.execute(
                "INSERT OR REPLACE INTO fault_rules (id, position, rule, created_at) VALUES (?, ?, ?, ?)",
                [rule.id, position, json.dumps(rule.to_json(), ensure_ascii=False), time.time()],
            )
            self._bump(conn)
        return rule

    def set_enabled(self, rule_id: str, enabled: bool) -> Rule:
        """Switch a rule on or off without losing it."""
        data = self.get_rule(rule_id).to_json()
        data["enabled"] = enabled
        return self.put_rule(data)

    def delete_rule(self, rule_id: str) -> None:
        """Remove a rule; raise `RuleNotFound`."""
        with transaction(self.db) as conn:
            if conn.execute("DELETE FROM fault_rules WHERE id = ?", [rule_id]).rowcount == 0:
                raise RuleNotFound(rule_id)
            self._bump(conn)

    def clear_rules(self) -> None:
        """Remove every manual rule (the running scenario is untouched)."""
        with transaction(self.db) as conn:
            conn.execute("DELETE FROM fault_rules")
            self._bump(conn)

    # -- scenario state --------------------------------------------------------------------
    def set_scenario(self, scenario: Scenario, started_real: float, started_sim: float) -> None:
        """Record `scenario` as running from the given instants."""
        with transaction(self.db) as conn:
            conn.execute(
                "UPDATE fault_state SET scenario = ?, scenario_started_real = ?, scenario_started_sim = ? WHERE id = 1",
                [json.dumps(scenario.source, ensure_ascii=False, default=str), started_real, started_sim],
            )
            self._bump(conn)

    def clear_scenario(self) -> None:
        """Forget the running scenario."""
        with transaction(self.db) as conn:
            conn.execute("UPDATE fault_state SET scenario = NULL, scenario_started_real = NULL, scenario_started_sim = NULL WHERE id = 1")
            self._bump(conn)

    # -- scenarios stored through the API ------------------------------------------------------
    def put_scenario(self, scenario: Scenario) -> None:
        """Store (or replace) a validated scenario under its name, for every worker."""
        self.db.execute(
            "INSERT OR REPLACE INTO fault_scenarios (name, scenario, updated) VALUES (?, ?, ?)",
            [scenario.name, json.dumps(scenario.source, ensure_ascii=False, default=str), time.time()],
        )

    def stored_scenarios(self) -> dict[str, Scenario]:
        """Every scenario stored through the API, by name (one that no longer validates is skipped)."""
        found = {}
        for name, text in self.db.execute("SELECT name, scenario FROM fault_scenarios ORDER BY name"):
            try:
                found[name] = parse_scenario(json.loads(text), self.limits)
            except RuleError:
                continue
        return found

    def delete_scenario(self, name: str) -> bool:
        """Forget a stored scenario; False when there was none."""
        return self.db.execute("DELETE FROM fault_scenarios WHERE name = ?", [name]).rowcount > 0

    def running_scenario(self) -> RunningScenario | None:
        """The running scenario, read fresh from SQLite."""
        return self._load_scenario()
