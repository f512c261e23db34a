"""Running a scenario: apply it, ask where it is on its timeline, stop it.

State lives in SQLite (`fault_state`, see store.py) so every worker follows the same
timeline; the phase is computed from the sandbox clock on each request, so phases change
on time without any background task.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from simulator.faults.rules import Limits
from simulator.faults.scenarios import (
    Scenario,
    ScenarioError,
    list_scenarios,
    load_scenario_file,
)
from simulator.faults.store import FaultStore


class ScenarioNotFound(KeyError):
    """No scenario file has that name."""


class ScenarioRunner:
    """Applies scenarios from `scenarios_dir` to a FaultStore, timed by the sandbox clock."""

    def __init__(self, store: FaultStore, clock, scenarios_dir: str | Path, limits: Limits | None = None):
        self.store = store
        self.clock = clock
        self.scenarios_dir = Path(scenarios_dir)
        self.limits = limits or store.limits

    def available(self) -> dict[str, Scenario]:
        """Every scenario file, then every stored one (a stored scenario overrides a file of its name)."""
        return {**list_scenarios(self.scenarios_dir, self.limits), **self.store.stored_scenarios()}

    def load(self, name: str) -> Scenario:
        """One scenario by name: stored through the API, else file `<name>.yaml` or a file whose `name:` matches."""
        stored = self.store.stored_scenarios().get(name)
        if stored is not None:
            return stored
        path = self.scenarios_dir / f"{name}.yaml"
        if path.is_file():
            return load_scenario_file(path, self.limits)
        for scenario in self.available().values():
            if scenario.name == name:
                return scenario
        raise ScenarioNotFound(name)

    def apply(self, name_or_scenario: str | Scenario) -> dict[str, Any]:
        """Start a scenario now (replacing any running one); set its time scale; return status()."""
        scenario = name_or_scenario if isinstance(name_or_scenario, Scenario) else self.load(name_or_scenario)
        if scenario.time_scale is not None:
            self.clock.set_scale(scenario.time_scale)
        self.store.set_scenario(scenario, time.time(), self.clock.timestamp())
        return self.status()

    def stop(self) -> dict[str, Any]:
        """Stop the running scenario (its rules stop at once); the clock goes back to scale 1."""
        running = self.store.running_scenario()
        self.store.clear_scenario()
        if running is not None and running.scenario.time_scale is not None:
            self.clock.set_scale(1.0)
        return self.status()

    def status(self) -> dict[str, Any]:
        """Where the running scenario is: phase, time left in phase and in total (sandbox and real s)."""
        running = self.store.running_scenario()
        if running is None:
            return {"running": False}
        scenario = running.scenario
        scale = self.clock.scale()
        elapsed = self.clock.timestamp() - running.started_sim
        phase = scenario.phase_at(elapsed)
        total_left = max(0.0, scenario.duration_s - elapsed)
        out: dict[str, Any] = {
            "running": True,
            "name": scenario.name,
            "description": scenario.description,
            "seed": scenario.seed,
            "time_scale": scale,
            "started_at_real": running.started_real,
            "started_at_sim": running.started_sim,
            "elapsed_s": round(elapsed, 3),
            "total_s": scenario.duration_s,
            "remaining_s": round(total_left, 3),
            "remaining_real_s": round(total_left / scale, 3),
            "finished": elapsed >= scenario.duration_s,
            "phase": None,
            "phases": [{"name": p.name, "start_s": p.start_s, "end_s": p.end_s, "rules": len(p.rules)} for p in scenario.phases],
        }
        if phase is not None:
            left = phase.end_s - elapsed
            out["phase"] = {
                "name": phase.name,
                "index": scenario.phases.index(phase),
                "remaining_s": round(left, 3),
                "remaining_real_s": round(left / scale, 3),
                "rule_ids": [r.id for r in phase.rules],
            }
        return out


__all__ = ["ScenarioError", "ScenarioNotFound", "ScenarioRunner"]
