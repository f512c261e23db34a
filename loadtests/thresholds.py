"""Thresholds as data, checked against Locust's CSV statistics and the portal's end-to-end figures.

A run definition's `thresholds` block:

    thresholds:
      failure_ratio: 0.01              # failed / total requests, all names together
      requests:                        # per request name (Locust's `name=`), in milliseconds
        DongBoHoSoMC: {p95: 500, p99: 1000}
        Aggregated: {p95: 800}         # Locust's all-requests row
      end_to_end:                      # from /sandbox/flows/stats (or the kit's own e2e timings)
        max_lost: 0
        max_push_sync_p95_ms: 5000

Every check gives a Verdict; a threshold on a request name that saw no requests fails, so a
renamed request cannot pass silently.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

PERCENTILE_COLUMNS = {"p50": "50%", "p66": "66%", "p75": "75%", "p90": "90%", "p95": "95%", "p99": "99%"}


@dataclass(frozen=True)
class RequestStats:
    """One row of Locust's `*_stats.csv`."""

    name: str
    method: str
    count: int
    failures: int
    median_ms: float
    average_ms: float
    max_ms: float
    rps: float
    percentiles: dict[str, float]


@dataclass(frozen=True)
class Verdict:
    """The outcome of one threshold: `passed`, or not, with a sentence saying by how much."""

    threshold: str
    passed: bool
    detail: str
    skipped: bool = False

    def line(self) -> str:
        """One line for the console and the summary."""
        mark = "SKIP" if self.skipped else ("PASS" if self.passed else "FAIL")
        return f"{mark}  {self.detail}"


def _number(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")  # Locust writes "N/A" for percentiles of names without samples


def read_locust_stats(csv_path: Path | str) -> dict[str, RequestStats]:
    """Locust's `<prefix>_stats.csv` by request name (the all-requests row is `Aggregated`)."""
    rows: dict[str, RequestStats] = {}
    with open(csv_path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["Name"]
            rows[name] = RequestStats(
                name=name,
                method=row.get("Type", ""),
                count=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                median_ms=_number(row["Median Response Time"]),
                average_ms=_number(row["Average Response Time"]),
                max_ms=_number(row["Max Response Time"]),
                rps=_number(row["Requests/s"]),
                percentiles={key: _number(row.get(col, "")) for key, col in PERCENTILE_COLUMNS.items()},
            )
    return rows


def _over(threshold: str, value: float, limit: float, unit: str) -> Verdict:
    if value <= limit:
        return Verdict(threshold, True, f"{threshold} {value:g}{unit} <= {limit:g}{unit}")
    excess = f" (+{(value - limit) / limit:.0%})" if limit > 0 else ""
    return Verdict(threshold, False, f"{threshold} {value:g}{unit} > {limit:g}{unit}{excess}")


def check_requests(thresholds: dict, stats: dict[str, RequestStats]) -> list[Verdict]:
    """Per-name percentile limits and the overall failure ratio."""
    verdicts = []
    for name, limits in (thresholds.get("requests") or {}).items():
        row = stats.get(name)
        for key, limit in limits.items():
            label = f"{key} {name}"
            if key not in PERCENTILE_COLUMNS:
                verdicts.append(Verdict(label, False, f"{label}: unknown percentile {key!r}"))
            elif row is None or row.count == 0:
                verdicts.append(Verdict(label, False, f"{label}: no requests named {name!r} were made"))
            else:
                verdicts.append(_over(label, row.percentiles[key], float(limit), " ms"))
    if "failure_ratio" in thresholds:
        total = stats.get("Aggregated")
        label = "failure ratio"
        if total is None or total.count == 0:
            verdicts.append(Verdict(label, False, "failure ratio: no requests were made at all"))
        else:
            ratio = total.failures / total.count
            verdict = _over(label, round(ratio, 4), float(thresholds["failure_ratio"]), "")
            detail = f"{verdict.detail} ({total.failures} of {total.count} requests failed)"
            verdicts.append(Verdict(label, verdict.passed, detail))
    return verdicts


def check_end_to_end(thresholds: dict, figures: dict | None) -> list[Verdict]:
    """Lost dossiers and push→sync p95 against the figures; skipped when no figures are available."""
    limits = thresholds.get("end_to_end") or {}
    checks = [("max_lost", "lost dossiers", "lost", ""), ("max_push_sync_p95_ms", "push→sync p95", "p95_ms", " ms")]
    verdicts = []
    for key, label, figure, unit in checks:
        if key not in limits:
            continue
        if not figures or figures.get(figure) is None:
            verdicts.append(Verdict(label, True, f"{label}: end-to-end figures not available", skipped=True))
            continue
        verdicts.append(_over(label, float(figures[figure]), float(limits[key]), unit))
    return verdicts


def check_all(thresholds: dict, stats: dict[str, RequestStats], figures: dict | None) -> list[Verdict]:
    """Every threshold of a run definition."""
    return check_requests(thresholds, stats) + check_end_to_end(thresholds, figures)


def failed(verdicts: list[Verdict]) -> list[Verdict]:
    """The verdicts that fail the run."""
    return [v for v in verdicts if not v.passed]
