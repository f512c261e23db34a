"""Run definitions as data: every shipped run loads, bad ones are refused, and `check` gives a verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from loadtests.__main__ import main
from loadtests.rundef import RunDefinitionError, load_run, parse_duration
from tests.loadtests.conftest import SLOW_SYNC

RUNS = sorted((Path(__file__).resolve().parents[2] / "loadtests" / "runs").glob("*.yaml"))


@pytest.mark.parametrize("path", RUNS, ids=[p.stem for p in RUNS])
def test_every_shipped_run_definition_loads_with_thresholds(path):
    run = load_run(path)
    assert run.name == path.stem and run.user_classes and run.thresholds


def test_an_open_model_run_adds_the_arrival_user():
    run = load_run(next(p for p in RUNS if p.stem == "arrivals"))
    assert run.arrival_rate == 5 and "DossierArrivals" in run.user_classes


def test_durations_read_as_seconds():
    assert [parse_duration(v) for v in (45, "45s", "2m", "1h30m")] == [45, 45, 120, 5400]
    with pytest.raises(RunDefinitionError):
        parse_duration("soon")


def test_an_unknown_target_is_refused_naming_the_choices(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\ntarget: production\n", encoding="utf-8")
    with pytest.raises(RunDefinitionError, match="sandbox, connector"):
        load_run(path)


def test_check_gives_a_non_zero_exit_and_names_the_failed_threshold(tmp_path, capsys, locust_stats):
    stats = locust_stats(SLOW_SYNC)
    definition = tmp_path / "run.yaml"
    definition.write_text("name: run\nthresholds:\n  requests:\n    DongBoHoSoMC: {p95: 500}\n", encoding="utf-8")
    assert main(["check", str(definition), str(stats)]) == 1
    assert "FAIL  p95 DongBoHoSoMC 812 ms > 500 ms (+62%)" in capsys.readouterr().out
