"""The threshold checker: what passes, what fails, and how a failure is worded."""

from __future__ import annotations

import math

from loadtests.thresholds import RequestStats, check_all, check_end_to_end, check_requests, read_locust_stats

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def row(name: str, count: int = 100, failures: int = 0, p95: float = 100, p99: float = 200) -> RequestStats:
    """A stats row with the given percentiles."""
    pct = {"p50": 50, "p66": 60, "p75": 70, "p90": 90, "p95": p95, "p99": p99}
    return RequestStats(name, "POST", count, failures, 50, 60, p99, 10.0, pct)


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


def test_reading_locust_csv_keeps_names_counts_and_percentiles(tmp_path):
    csv_path = tmp_path / "locust_stats.csv"
    csv_path.write_text(
        HEADER
        + "\nPOST,DongBoHoSoMC,40,2,9,12.5,1,70,88,2.0,0.1,9,11,20,20,67,67,67,68,68,68,70"
        + "\nE2E,never,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A"
        + "\n,Aggregated,40,2,9,12.5,1,70,88,2.0,0.1,9,11,20,20,67,67,67,68,68,68,70\n",
        encoding="utf-8",
    )
    stats = read_locust_stats(csv_path)
    assert stats["DongBoHoSoMC"].count == 40 and stats["DongBoHoSoMC"].failures == 2
    assert stats["DongBoHoSoMC"].percentiles["p95"] == 67 and stats["DongBoHoSoMC"].percentiles["p99"] == 68
    assert math.isnan(stats["never"].percentiles["p95"])
    verdicts = check_all({"requests": {"DongBoHoSoMC": {"p99": 50}}, "failure_ratio": 0.1}, stats, None)
    assert [v.passed for v in verdicts] == [False, True]
