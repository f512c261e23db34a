"""Scenario files: shipped ones validate, broken ones are refused with file and line; runtime phases."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.faults.engine import RequestInfo
from simulator.faults.rules import Limits
from simulator.faults.runner import ScenarioRunner
from simulator.faults.scenarios import ScenarioError, list_scenarios, load_scenario_file
from simulator.systems import registry

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"
EXPECTED = {"normal-day", "peak-hour", "police-db-outage", "flaky-payments", "long-tail-latency", "scheduled-maintenance", "chaos"}


def test_all_seven_shipped_scenarios_validate_with_default_caps():
    found = list_scenarios(SHIPPED, Limits())
    assert EXPECTED <= set(found)
    for scenario in found.values():
        assert len(scenario.description) > 80, f"{scenario.name} needs a description a trainer understands"
        for phase in scenario.phases:
            for rule in phase.rules:
                assert set(rule.system or ()) <= set(registry.names()) | {"*"}, f"{scenario.name}: unknown system in {rule.id}"


def test_unknown_top_level_keys_are_kept(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text(
        "name: x\narrivals: {'79': 5}\nthresholds: {p95_ms_max: 10}\nphases:\n  - {name: a, start_min: 0, end_min: 1, rules: []}\n"
    )
    assert load_scenario_file(f).extras == {"arrivals": {"79": 5}, "thresholds": {"p95_ms_max": 10}}


BROKEN = """\
name: broken
description: a file with one bad value deep inside
phases:
  - name: ok
    start_min: 0
    end_min: 5
    rules:
      - match: {system: portal}
        effects:
          - latency:
              dist: fixed
              seconds: 1
              cap_s: 9000
"""


def test_invalid_value_is_reported_with_file_line_and_field(tmp_path):
    f = tmp_path / "broken.yaml"
    f.write_text(BROKEN)
    with pytest.raises(ScenarioError) as err:
        load_scenario_file(f, Limits(latency_cap_s=600))
    assert err.value.line == 13
    assert str(err.value) == f"{f}:13: phases[0].rules[0].effects[0].latency.cap_s must be ≤ 600"


def test_missing_field_is_reported_at_its_parent_line(tmp_path):
    f = tmp_path / "nophase.yaml"
    f.write_text("name: nophase\nphases:\n  - name: a\n    start_min: 0\n    rules: []\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario_file(f)
    assert err.value.line == 3 and "phases[0] needs end_min or duration_min" in str(err.value)


def test_yaml_syntax_error_is_reported_with_its_line(tmp_path):
    f = tmp_path / "syntax.yaml"
    f.write_text("name: syntax\nphases:\n  - name: a\n    rules: [unclosed\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario_file(f)
    assert err.value.line is not None and err.value.line >= 4
    assert str(err.value).startswith(f"{f}:") and "invalid YAML" in str(err.value)


SCENARIO = """\
name: two-phase
description: test
seed: 5
time_scale: 60
phases:
  - {name: slow, start_min: 0, end_min: 10, rules: [{match: {system: population}, effects: [{latency: {dist: fixed, seconds: 2}}]}]}
  - {name: down, start_min: 10, duration_min: 5, rules: [{match: {system: population}, effects: [reset]}]}
"""


def test_runner_follows_phases_on_the_sandbox_clock_and_stops(tmp_path, store, clock, engine):
    (tmp_path / "two-phase.yaml").write_text(SCENARIO)
    runner = ScenarioRunner(store, clock.sandbox, tmp_path)
    status = runner.apply("two-phase")
    assert clock.sandbox.scale() == 60
    assert status["phase"]["name"] == "slow" and status["phase"]["remaining_s"] == 600
    assert status["phase"]["remaining_real_s"] == 10
    info = RequestInfo("population", "x", "GET", None)
    assert engine.decide(info).latency_s == 2
    clock.advance(seconds=601 / 60)  # at scale 60: ten minutes and a second of sandbox time
    assert engine.decide(info).terminal.kind == "reset"
    assert runner.status()["phase"]["name"] == "down" and runner.status()["remaining_s"] == 299
    clock.advance(seconds=300 / 60)
    assert runner.status()["finished"] and engine.decide(info).terminal is None
    runner.stop()
    assert runner.status() == {"running": False} and clock.sandbox.scale() == 1.0


def test_manual_rules_take_precedence_over_scenario_rules(tmp_path, store, clock, engine):
    (tmp_path / "two-phase.yaml").write_text(SCENARIO)
    ScenarioRunner(store, clock.sandbox, tmp_path).apply("two-phase")
    clock.advance(seconds=700 / 60)
    store.put_rule({"id": "manual", "effects": [{"error": {"status": 418}}]})
    assert engine.decide(RequestInfo("population", "x", "GET", None)).terminal.kind == "error"


def test_scenario_without_a_name_takes_its_file_name_and_survives_the_round_trip(tmp_path, store, clock, engine):
    (tmp_path / "unnamed.yaml").write_text(SCENARIO.replace("name: two-phase\n", ""))
    runner = ScenarioRunner(store, clock.sandbox, tmp_path)
    assert runner.apply("unnamed")["name"] == "unnamed"
    assert engine.decide(RequestInfo("population", "x", "GET", None)).latency_s == 2


def test_replaying_a_scenario_later_meets_the_same_faults(tmp_path, store, clock, make_engine):
    (tmp_path / "flaky.yaml").write_text(
        "name: flaky\nseed: 3\nphases:\n  - name: p\n    start_min: 0\n    end_min: 600\n    rules:\n"
        "      - match: {probability: 0.4}\n        effects: [{latency: {dist: lognormal, median_s: 1, sigma: 1}},"
        " {error: {status: 503}}]\n"
    )
    runner = ScenarioRunner(store, clock.sandbox, tmp_path)
    info = RequestInfo("payment", "INIT", "POST", "H56")
    engine = make_engine(seed=1)  # the scenario's seed wins over the sandbox seed
    runs = []
    for _ in range(2):
        runner.apply("flaky")  # same worker, an hour later: the draw sequence starts again
        runs.append([(d.latency_s, d.fault_label) for d in (engine.decide(info) for _ in range(100))])
        clock.advance(hours=1)
    assert runs[0] == runs[1] and any(label for _, label in runs[0])
