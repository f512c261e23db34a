"""`make bench`'s report: each target judged from the run's figures, the machine's load stated."""

from __future__ import annotations

from bench.report import BEGIN, END, render, write_report


def _run(rps: dict[str, float], delay_share: float, p99_ms: float) -> dict:
    per_round = {name: [{"rps": v, "cpu_us_per_request": 1e6 / v, "socket_errors": 0, "non_2xx": 0}] for name, v in rps.items()}
    delay = {
        "delay_s": 5.0,
        "connections": 10000,
        "duration_s": 60,
        "bound_rps": 2000.0,
        "steady_rps": 2000.0 * delay_share,
        "share_of_bound": delay_share,
        "p50_ms": 5000.0,
        "p99_ms": p99_ms,
        "p99_over_delay_ms": p99_ms - 5000.0,
        "steady_latency": {"p99": p99_ms},
        "socket_errors": 0,
        "non_2xx": 0,
        "peak_rss_mb": 300.0,
        "steady_cpu_share": 0.97,
        "steady_cpu_us_per_request": 480.0,
    }
    locust = {"rps": 2500.0, "requests": 50000, "failures": 0, "users": 64, "seconds": 20, "cpu_share": 0.6, "rps_per_cpu_s": 4100.0}
    return {
        "started": "2026-11-28T13:00:00",
        "workers": 2,
        "duration": 10,
        "connections": 50,
        "pinning": "servers pinned to core 1",
        "load_before": (1.5, 1.0, 0.5),
        "load_after": (2.25, 1.5, 1.0),
        "throughput": per_round,
        "locust": locust,
        "delays": [delay],
    }


def test_targets_are_met_or_missed_by_the_figures():
    met = render(_run({"bare": 2000.0, "lookup": 1500.0}, 0.97, 5060.0))
    assert "Target ≥ 70 %: **met**" in met and "5 s × 10,000: **met**" in met
    missed = render(_run({"bare": 2000.0, "lookup": 1300.0}, 0.97, 5160.0))
    assert "Target ≥ 70 %: **missed**" in missed and "5 s × 10,000: **missed**" in missed
    assert "5 s × 10,000: **missed**" in render(_run({"bare": 2000.0, "lookup": 1500.0}, 0.90, 5060.0))


def test_the_report_states_the_load_average_and_the_servers_cpu_share():
    text = render(_run({"bare": 2000.0, "lookup": 1500.0}, 0.97, 5060.0))
    assert "load average 1.5 at the start" in text and "Load average at the end of the run: 2.2 (1 min), 1.5 (5 min)" in text
    assert "| 97% | 480 |" in text


def test_writing_replaces_only_the_generated_part(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"{BEGIN}\nold figures\n{END}\n\n## Profile\nkept by hand\n", encoding="utf-8")
    write_report(_run({"bare": 2000.0, "lookup": 1500.0}, 0.97, 5060.0), str(doc))
    text = doc.read_text(encoding="utf-8")
    assert "old figures" not in text and "## Profile\nkept by hand" in text and text.count(BEGIN) == 1
