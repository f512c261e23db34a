"""Thresholds as data, checked against Locust's statistics and the portal's end-to-end figures.

A run definition's `thresholds` block:

    thresholds:
      failure_ratio: 0.01              # failed / total requests, all names together
      requests:                        # per request name (Locust's `name=`)
        DongBoHoSoMC: {p95: 500, p99: 1000}     # percentiles in milliseconds, upper limits
        Aggregated: {p95: 800, min_rps: 20}     # Locust's all-requests row; requests per second, lower limit
      end_to_end:                      # from /sandbox/flows/stats (or the kit's own e2e timings)
        max_lost: 0
        max_push_sync_p95_ms: 5000

Any limit may also be written long, as k6 writes `{threshold, abortOnFail, delayAbortEval}`:

        DongBoHoSoMC: {p95: {limit: 500, abort_on_fail: true, delay_abort_eval: 10s}}

`abort_on_fail` stops the run as soon as the threshold is lost (`loadtests/abort.py` watches
Locust's live statistics), after `delay_abort_eval` seconds of run so early, noisy figures
cannot end it. A limit the live figures cannot decide yet (no request of that name so far,
end-to-end figures that only the portal has) never aborts.

Every check gives a Verdict with the measured value and the limit; a threshold on a request
name that saw no requests fails, so a renamed request cannot pass silently.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from loadtests import wire

PERCENTILE_COLUMNS = {"p50": "50%", "p66": "66%", "p75": "75%", "p90": "90%", "p95": "95%", "p99": "99%"}
# Per-request keys besides the percentiles: (label prefix, unit, True when the limit is an upper bound).
REQUEST_KEYS = {**{key: (key, " ms", True) for key in PERCENTILE_COLUMNS}, "min_rps": ("rps", " req/s", False)}
END_TO_END_KEYS = {"max_lost": ("lost dossiers", "lost", ""), "max_push_sync_p95_ms": ("push→sync p95", "p95_ms", " ms")}
LONG_FORM_KEYS = {"limit", "abort_on_fail", "delay_abort_eval"}
# Locust's abort watch writes `<csv prefix>_abort.json` ({"threshold", "detail", "after_s"}) when it stops a run.
ABORT_SUFFIX = "_abort.json"


class ThresholdError(ValueError):
    """A thresholds block that cannot be checked; the message names the field."""


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
class Threshold:
    """One limit of a run definition: what is measured, the limit, and when to give up early."""

    label: str  # "p95 DongBoHoSoMC", "rps Aggregated", "failure ratio", "lost dossiers", ...
    key: str  # "p95", "min_rps", "failure_ratio", "max_lost", "max_push_sync_p95_ms"
    request: str = ""  # the request name for per-request keys
    limit: float = 0.0
    upper: bool = True  # the measured value must be <= limit (False: >= limit)
    unit: str = ""
    abort_on_fail: bool = False
    delay_abort_eval_s: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """The outcome of one threshold: `passed`, or not, with the measured value, the limit and a sentence."""

    threshold: str
    passed: bool
    detail: str
    skipped: bool = False
    measured: float | None = None  # None: nothing to measure (no requests of that name, no figures)
    limit: float | None = None
    unit: str = ""

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


def _duration(value, where: str) -> float:
    from loadtests.rundef import RunDefinitionError, parse_duration  # noqa: PLC0415 - cycle: rundef imports this module

    try:
        seconds = parse_duration(value)
    except RunDefinitionError as err:
        raise ThresholdError(f"{where}.delay_abort_eval: {err}") from None
    if seconds < 0:
        raise ThresholdError(f"{where}.delay_abort_eval: must not be negative")
    return seconds


def _limit(value, where: str) -> tuple[float, bool, float]:
    """(limit, abort_on_fail, delay_abort_eval_s) from a number or the long form."""
    abort, delay = False, 0.0
    if isinstance(value, dict):
        unknown = set(value) - LONG_FORM_KEYS
        if unknown or "limit" not in value:
            raise ThresholdError(f"{where}: the long form is {{limit, abort_on_fail, delay_abort_eval}}, got {value}")
        if not isinstance(value.get("abort_on_fail", False), bool):
            raise ThresholdError(f"{where}.abort_on_fail: true or false")
        abort = value.get("abort_on_fail", False)
        delay = _duration(value.get("delay_abort_eval", 0), where)
        value = value["limit"]
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value) or value < 0:
        raise ThresholdError(f"{where}: a limit is a number >= 0, got {value!r}")
    return float(value), abort, delay


def parse(block: dict | None) -> list[Threshold]:
    """Every threshold of a `thresholds` block, in the order written; ThresholdError names a bad field."""
    block = block or {}
    if not isinstance(block, dict):
        raise ThresholdError("thresholds: a mapping of failure_ratio, requests and end_to_end")
    unknown = set(block) - {"failure_ratio", "requests", "end_to_end"}
    if unknown:
        raise ThresholdError(f"thresholds: unknown key(s) {', '.join(sorted(unknown))}; use failure_ratio, requests, end_to_end")
    found: list[Threshold] = []
    requests = block.get("requests") or {}
    if not isinstance(requests, dict):
        raise ThresholdError("thresholds.requests: a mapping of request name to limits")
    for name, limits in requests.items():
        where = f"thresholds.requests.{name}"
        if not isinstance(limits, dict) or not limits:
            raise ThresholdError(f"{where}: a mapping such as {{p95: 500}}")
        for key, value in limits.items():
            if key not in REQUEST_KEYS:
                raise ThresholdError(f"{where}: unknown limit {key!r}; use {', '.join(REQUEST_KEYS)}")
            prefix, unit, upper = REQUEST_KEYS[key]
            limit, abort, delay = _limit(value, f"{where}.{key}")
            found.append(Threshold(f"{prefix} {name}", key, str(name), limit, upper, unit, abort, delay))
    if "failure_ratio" in block:
        limit, abort, delay = _limit(block["failure_ratio"], "thresholds.failure_ratio")
        if limit > 1:
            raise ThresholdError("thresholds.failure_ratio: a ratio between 0 and 1")
        found.append(Threshold("failure ratio", "failure_ratio", "Aggregated", limit, True, "", abort, delay))
    end_to_end = block.get("end_to_end") or {}
    if not isinstance(end_to_end, dict):
        raise ThresholdError("thresholds.end_to_end: a mapping such as {max_lost: 0}")
    for key, value in end_to_end.items():
        if key not in END_TO_END_KEYS:
            raise ThresholdError(f"thresholds.end_to_end: unknown limit {key!r}; use {', '.join(END_TO_END_KEYS)}")
        label, _, unit = END_TO_END_KEYS[key]
        limit, abort, delay = _limit(value, f"thresholds.end_to_end.{key}")
        found.append(Threshold(label, key, "", limit, True, unit, abort, delay))
    return found


def _compare(threshold: Threshold, value: float, note: str = "") -> Verdict:
    """The verdict of a measured value against its limit, worded `p95 X 812 ms > 500 ms (+62%)`."""
    value = round(value, 4)
    limit, unit, label = threshold.limit, threshold.unit, threshold.label
    passed = value <= limit if threshold.upper else value >= limit
    if passed:
        sign = "<=" if threshold.upper else ">="
        detail = f"{label} {value:g}{unit} {sign} {limit:g}{unit}"
    else:
        sign = ">" if threshold.upper else "<"
        excess = f" ({(value - limit) / limit:+.0%})" if limit > 0 else ""
        detail = f"{label} {value:g}{unit} {sign} {limit:g}{unit}{excess}"
    return Verdict(label, passed, detail + note, measured=value, limit=limit, unit=unit.strip())


def evaluate(threshold: Threshold, stats: dict[str, RequestStats], figures: dict | None) -> Verdict:
    """One threshold's verdict; `measured` is None when there was nothing to measure."""
    label, limit, unit = threshold.label, threshold.limit, threshold.unit.strip()
    if threshold.key in END_TO_END_KEYS:
        figure = END_TO_END_KEYS[threshold.key][1]
        if not figures or figures.get(figure) is None:
            return Verdict(label, True, f"{label}: end-to-end figures not available", skipped=True, limit=limit, unit=unit)
        return _compare(threshold, float(figures[figure]))
    row = stats.get(threshold.request)
    if threshold.key == "failure_ratio":
        if row is None or row.count == 0:
            return Verdict(label, False, "failure ratio: no requests were made at all", limit=limit)
        return _compare(threshold, row.failures / row.count, f" ({row.failures} of {row.count} requests failed)")
    if row is None or row.count == 0:
        detail = f"{label}: no requests named {threshold.request!r} were made"
        return Verdict(label, False, detail, limit=limit, unit=unit)
    if threshold.key == "min_rps":
        return _compare(threshold, row.rps)
    value = row.percentiles[threshold.key]
    if math.isnan(value):
        return Verdict(label, False, f"{label}: no percentile recorded", limit=limit, unit=unit)
    return _compare(threshold, value)


def check_requests(block: dict, stats: dict[str, RequestStats]) -> list[Verdict]:
    """Per-name limits and the overall failure ratio."""
    return [evaluate(t, stats, None) for t in parse(block) if t.key not in END_TO_END_KEYS]


def check_end_to_end(block: dict, figures: dict | None) -> list[Verdict]:
    """Lost dossiers and push→sync p95 against the figures; skipped when no figures are available."""
    return [evaluate(t, {}, figures) for t in parse(block) if t.key in END_TO_END_KEYS]


def check_all(block: dict, stats: dict[str, RequestStats], figures: dict | None) -> list[Verdict]:
    """Every threshold of a run definition, per-request ones first."""
    return check_requests(block, stats) + check_end_to_end(block, figures)


def failed(verdicts: list[Verdict]) -> list[Verdict]:
    """The verdicts that fail the run."""
    return [v for v in verdicts if not v.passed]


def first_lost(watched: list[Threshold], stats: dict[str, RequestStats], elapsed_s: float) -> Verdict | None:
    """For abort_on_fail: the first watched threshold lost now, if any.

    Lost means its `delay_abort_eval` has passed, the live figures measure it, and they are over
    the limit; a threshold with nothing measured yet (no request of that name, no end-to-end
    figures) is undecided and never ends a run.
    """
    figures = e2e_from_locust(stats)
    for threshold in watched:
        if elapsed_s < threshold.delay_abort_eval_s:
            continue
        verdict = evaluate(threshold, stats, figures)
        if not verdict.passed and not verdict.skipped and verdict.measured is not None:
            return verdict
    return None


def e2e_from_locust(stats: dict[str, RequestStats]) -> dict | None:
    """End-to-end figures from the kit's own e2e watch (used when /sandbox/flows/stats is absent)."""
    row = stats.get(wire.E2E_NAME)
    if row is None or row.count == 0:
        return None
    pushed = stats.get(wire.PUSH_NAME)
    return {
        "pushed": pushed.count if pushed else None,
        "synced_back": row.count - row.failures,
        "lost": row.failures,
        "p50_ms": row.percentiles["p50"],
        "p95_ms": row.percentiles["p95"],
        "p99_ms": row.percentiles["p99"],
        "source": f"the kit's e2e watch (TraCuuHoSo polling, request '{wire.E2E_NAME}')",
    }
