"""The short markdown summary written beside Locust's CSV and HTML reports."""

from __future__ import annotations

import math

from loadtests.thresholds import RequestStats, Verdict


def _ms(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.0f}" if isinstance(value, float) else str(value)


def render(info: dict, stats: dict[str, RequestStats], e2e: dict | None, connector: dict | None, verdicts: list[Verdict]) -> str:
    """The summary: run facts, per-request figures, end-to-end figures, connector counters, verdicts."""
    failed = [v for v in verdicts if not v.passed]
    lines = [f"# Load test `{info['name']}`: {'FAIL' if failed else 'PASS'}", ""]
    lines += [f"- **{key}**: {value}" for key, value in info.items() if key != "name" and value not in ("", None)]
    lines += ["", "## Requests", "", "| name | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |"]
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, row in sorted(stats.items(), key=lambda item: (item[0] == "Aggregated", item[0])):
        p = row.percentiles
        lines.append(
            f"| {name} | {row.count} | {row.failures} | {row.rps:.2f} | {_ms(p['p50'])} | {_ms(p['p95'])} "
            f"| {_ms(p['p99'])} | {_ms(row.max_ms)} |"
        )
    lines += ["", "## End to end (push → sync)", ""]
    if e2e:
        source = e2e.get("source", "")
        figures = ", ".join(f"{k} {_ms(v)}" for k, v in e2e.items() if k != "source" and v is not None)
        lines.append(f"{figures} — from {source}")
    else:
        lines.append("not available (no /sandbox/flows/stats and no e2e watch in this run)")
    if connector:
        lines += ["", "## Connector counters (`GET /stats`)", ""]
        lines.append(", ".join(f"{k} {v}" for k, v in connector.items()))
    lines += ["", "## Thresholds", ""]
    lines += [f"- {v.line()}" for v in verdicts] or ["- none defined"]
    lines += ["", "Reports: `report.html` (Locust), `locust_stats.csv`, `locust_failures.csv`, `locust.log`.", ""]
    return "\n".join(lines)
