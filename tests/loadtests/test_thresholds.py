"""The threshold checker: what passes, what fails, and how a failure is worded."""

from __future__ import annotations

import math

import pytest

from loadtests import wire
from loadtests.thresholds import (
    RequestStats,
    ThresholdError,
    check_all,
    check_end_to_end,
    check_requests,
    first_lost,
    parse,
    read_locust_stats,
)
from tests.loadtests.conftest import row


def test_a_percentile_over_its_limit_fails_naming_request_value_limit_and_excess():
    stats = {"DongBoHoSoMC": row("DongBoHoSoMC", p95=812)}
    [verdict] = check_requests({"requests": {"DongBoHoSoMC": {"p95": 500}}}, stats)
    assert not verdict.passed
    assert verdict.detail == "p95 DongBoHoSoMC 812 ms > 500 ms (+62%)"


def test_percentiles_within_limits_pass():
    stats = {"TraCuuHoSo": row("TraCuuHoSo", p95=120, p99=300)}
    verdicts = check_requests({"requests": {"TraCuuHoSo": {"p95": 200, "p99": 300}}}, stats)
    assert [v.passed for v in verdicts] == [True, True]


def test_a_threshold_on_a_request_that_never_ran_fails_instead_of_passing_silently():
    [verdict] = check_requests({"requests": {"Renamed": {"p95": 100}}}, {"Other": row("Other")})
    assert not verdict.passed
    assert "no requests named 'Renamed'" in verdict.detail


def test_failure_ratio_is_failures_over_all_requests():
    stats = {"Aggregated": row("Aggregated", count=200, failures=5)}
    [verdict] = check_requests({"failure_ratio": 0.01}, stats)
    assert not verdict.passed
    assert "0.025 > 0.01" in verdict.detail and "5 of 200" in verdict.detail
    [ok] = check_requests({"failure_ratio": 0.05}, stats)
    assert ok.passed


def test_end_to_end_limits_are_skipped_not_failed_when_no_figures_exist():
    verdicts = check_end_to_end({"end_to_end": {"max_lost": 0, "max_push_sync_p95_ms": 5000}}, None)
    assert all(v.passed and v.skipped for v in verdicts)
    assert "not available" in verdicts[0].line()


def test_lost_dossiers_and_push_sync_latency_are_checked_when_figures_exist():
    limits = {"end_to_end": {"max_lost": 0, "max_push_sync_p95_ms": 1000}}
    verdicts = check_end_to_end(limits, {"lost": 2, "p95_ms": 1500})
    assert [v.passed for v in verdicts] == [False, False]
    assert verdicts[0].detail == "lost dossiers 2 > 0"
    assert verdicts[1].detail == "push→sync p95 1500 ms > 1000 ms (+50%)"


def test_reading_locust_csv_keeps_names_counts_and_percentiles(locust_stats):
    csv_path = locust_stats(
        "POST,DongBoHoSoMC,40,2,9,12.5,1,70,88,2.0,0.1,9,11,20,20,67,67,67,68,68,68,70",
        "E2E,never,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A",
        ",Aggregated,40,2,9,12.5,1,70,88,2.0,0.1,9,11,20,20,67,67,67,68,68,68,70",
    )
    stats = read_locust_stats(csv_path)
    assert stats["DongBoHoSoMC"].count == 40 and stats["DongBoHoSoMC"].failures == 2
    assert stats["DongBoHoSoMC"].percentiles["p95"] == 67 and stats["DongBoHoSoMC"].percentiles["p99"] == 68
    assert math.isnan(stats["never"].percentiles["p95"])
    verdicts = check_all({"requests": {"DongBoHoSoMC": {"p99": 50}}, "failure_ratio": 0.1}, stats, None)
    assert [v.passed for v in verdicts] == [False, True]


def test_a_requests_per_second_floor_fails_below_and_passes_at_or_above():
    stats = {"Aggregated": RequestStats("Aggregated", "", 100, 0, 5, 5, 9, 12.5, {})}
    [low] = check_requests({"requests": {"Aggregated": {"min_rps": 20}}}, stats)
    assert not low.passed and low.detail == "rps Aggregated 12.5 req/s < 20 req/s (-38%)"
    assert (low.measured, low.limit, low.unit) == (12.5, 20.0, "req/s")
    [ok] = check_requests({"requests": {"Aggregated": {"min_rps": 12.5}}}, stats)
    assert ok.passed and ok.detail == "rps Aggregated 12.5 req/s >= 12.5 req/s"


def test_the_long_form_carries_abort_on_fail_and_its_delay():
    block = {
        "failure_ratio": {"limit": 0.02, "abort_on_fail": True},
        "requests": {"DongBoHoSoMC": {"p95": {"limit": 500, "abort_on_fail": True, "delay_abort_eval": "10s"}, "p99": 900}},
    }
    parsed = {t.label: t for t in parse(block)}
    assert parsed["p95 DongBoHoSoMC"].abort_on_fail and parsed["p95 DongBoHoSoMC"].delay_abort_eval_s == 10
    assert parsed["p95 DongBoHoSoMC"].limit == 500 and not parsed["p99 DongBoHoSoMC"].abort_on_fail
    assert parsed["failure ratio"].abort_on_fail and parsed["failure ratio"].limit == 0.02


@pytest.mark.parametrize(
    ("block", "names"),
    [
        ({"requests": {"X": {"p42": 5}}}, "thresholds.requests.X: unknown limit 'p42'"),
        ({"requests": {"X": {"p95": -1}}}, "thresholds.requests.X.p95: a limit is a number >= 0"),
        ({"requests": {"X": {"p95": "fast"}}}, "thresholds.requests.X.p95: a limit is a number"),
        ({"requests": {"X": {"p95": {"abort_on_fail": True}}}}, "thresholds.requests.X.p95: the long form"),
        ({"requests": {"X": {"p95": {"limit": 5, "abort_on_fail": "yes"}}}}, "X.p95.abort_on_fail: true or false"),
        ({"requests": {"X": {"p95": {"limit": 5, "delay_abort_eval": "soon"}}}}, "X.p95.delay_abort_eval"),
        ({"failure_ratio": 2}, "thresholds.failure_ratio: a ratio between 0 and 1"),
        ({"end_to_end": {"max_dropped": 0}}, "thresholds.end_to_end: unknown limit 'max_dropped'"),
        ({"latency": 5}, "thresholds: unknown key(s) latency"),
    ],
)
def test_a_bad_threshold_is_refused_naming_the_field(block, names):
    with pytest.raises(ThresholdError) as err:
        parse(block)
    assert names in str(err.value)


def test_abort_waits_for_its_delay_and_for_something_measured():
    [p95] = parse({"requests": {"DongBoHoSoMC": {"p95": {"limit": 500, "abort_on_fail": True, "delay_abort_eval": "5s"}}}})
    slow = {"DongBoHoSoMC": row("DongBoHoSoMC", p95=812)}
    assert first_lost([p95], slow, elapsed_s=4.9) is None  # lost, but still inside its delay
    assert first_lost([p95], {}, elapsed_s=60) is None  # nothing measured yet: undecided
    lost = first_lost([p95], slow, elapsed_s=5)
    assert lost is not None and lost.detail == "p95 DongBoHoSoMC 812 ms > 500 ms (+62%)"
    assert first_lost([p95], {"DongBoHoSoMC": row("DongBoHoSoMC", p95=400)}, elapsed_s=60) is None


def test_lost_dossiers_from_the_kits_own_watch_can_abort_a_run():
    [lost] = parse({"end_to_end": {"max_lost": {"limit": 0, "abort_on_fail": True}}})
    watch = RequestStats(wire.E2E_NAME, "E2E", 10, 1, 50, 60, 900, 1.0, {"p50": 50, "p95": 90, "p99": 99})
    verdict = first_lost([lost], {wire.E2E_NAME: watch}, elapsed_s=1)
    assert verdict is not None and verdict.detail == "lost dossiers 1 > 0"
