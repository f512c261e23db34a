"""The fault engine: delays and failures injected in front of every simulated system.

Wiring (what the app factory does):

    from simulator.faults import FaultSandbox, RequestInfo
    faults = FaultSandbox.from_settings(settings)          # settings = simulator.config.resolve()
    app.wsgi_app = faults.middleware(app.wsgi_app, classify)
    # classify(environ) -> RequestInfo | None; the app's is simulator.fault_classifier.make_classifier

and the admin API calls `faults.store` (rules), `faults.scenarios` (apply/status/stop),
`faults.journal` (query), `faults.clock`, `faults.render_metrics()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator import clock
from simulator.clock import SandboxClock, shared_clock
from simulator.faults import buckets, journal, store
from simulator.faults.buckets import SqliteCounters, SqliteTokenBuckets
from simulator.faults.capture import CaptureSettings
from simulator.faults.connection import ProcessLocalDB
from simulator.faults.engine import Decision, Engine, RequestInfo
from simulator.faults.formats import format_error, register_format
from simulator.faults.journal import Journal
from simulator.faults.limits import Limits, RuleError
from simulator.faults.metrics import render_metrics
from simulator.faults.middleware import FaultMiddleware
from simulator.faults.rules import Rule, validate_rule
from simulator.faults.runner import ScenarioNotFound, ScenarioRunner
from simulator.faults.scenarios import ScenarioError
from simulator.faults.store import FaultStore, RuleNotFound


def create_tables(db) -> None:
    """Create every table the fault engine owns (listed in simulator.schema.MODULES)."""

    clock.create_tables(db)
    store.create_tables(db)
    buckets.create_tables(db)
    journal.create_tables(db)


@dataclass
class FaultSandbox:
    """Every part of the fault engine for one database, built once per process."""

    clock: SandboxClock
    store: FaultStore
    engine: Engine
    journal: Journal
    scenarios: ScenarioRunner
    wsgi: FaultMiddleware | None = None  # set by `middleware`
    max_body_bytes: int = 2_000_000  # bodies read (to classify, match and capture) up to this size

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> FaultSandbox:
        """Build the engine from resolved settings (simulator.config.resolve())."""
        limits = Limits.from_settings(settings)
        path = settings["db"]
        clock = shared_clock(path)
        store = FaultStore(path, limits, settings["fault_rules_max"])
        engine = Engine(
            store,
            clock,
            settings["seed"],
            limits,
            SqliteTokenBuckets(ProcessLocalDB(path)),
            enabled=settings["faults_enabled"],
            counters=SqliteCounters(ProcessLocalDB(path)),
        )
        journal = Journal(
            path,
            settings["journal_enabled"],
            settings["journal_max_rows"],
            settings["journal_flush_ms"],
            CaptureSettings.from_settings(settings),
        )
        return cls(
            clock,
            store,
            engine,
            journal,
            ScenarioRunner(store, clock, settings["scenarios_dir"], limits),
            max_body_bytes=settings["max_body_bytes"],
        )

    def put_rule(self, raw: dict[str, Any]) -> Rule:
        """Create or replace a manual rule; its window counts from now on the sandbox clock."""
        return self.store.put_rule(raw, started_at=self.clock.timestamp())

    def active_rules(self) -> list[Rule]:
        """Rules that can apply now: manual ones, then the running scenario phase's (unfiltered by window)."""
        return [rule for rule, _, _ in self.engine.active_rules()]

    def reset(self) -> None:
        """Sandbox reset: no rules, no scenario, empty buckets, journal and metrics, clock at real time."""
        self.store.clear_rules()
        self.store.clear_scenario()
        self.engine.buckets.clear()
        self.engine.reset_counters()
        self.journal.clear()
        self.clock.reset()

    def middleware(self, app, classify) -> FaultMiddleware:
        """Wrap a WSGI app so classified requests meet faults and are journaled."""
        self.wsgi = FaultMiddleware(app, classify, self.engine, self.journal, max_body_bytes=self.max_body_bytes)
        return self.wsgi

    def requests_seen(self) -> int:
        """Requests this process has received so far (0 before `middleware` is called)."""
        return self.wsgi.requests_seen if self.wsgi is not None else 0

    def render_metrics(self) -> tuple[bytes, str]:
        """Prometheus exposition (body, content type) across all workers."""
        return render_metrics(self.journal.db)


__all__ = [
    "Decision",
    "Engine",
    "FaultMiddleware",
    "FaultSandbox",
    "FaultStore",
    "Journal",
    "Limits",
    "RequestInfo",
    "Rule",
    "RuleError",
    "RuleNotFound",
    "SandboxClock",
    "ScenarioError",
    "ScenarioNotFound",
    "ScenarioRunner",
    "create_tables",
    "format_error",
    "register_format",
    "render_metrics",
    "validate_rule",
]
