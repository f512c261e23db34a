"""One readiness check end to end: campaign → captured exchanges → grades → report and exit code."""

from __future__ import annotations

import re
import time

from simulator.certify.campaign import Campaign, Options, Progress
from simulator.certify.capture import CaptureSource, SandboxCapture
from simulator.certify.grader import grade
from simulator.certify.reports import counts

EXIT_READY, EXIT_NOT_READY, EXIT_UNUSABLE = 0, 1, 2
DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")


def parse_duration(text: str) -> float:
    """Seconds from "90", "90s", "10m", "1h" or "500ms" (ValueError naming the text otherwise)."""
    found = DURATION_RE.match(str(text))
    if not found:
        raise ValueError(f"duration {text!r} is not a number with an optional unit (ms, s, m, h)")
    value, unit = float(found.group(1)), found.group(2) or "s"
    return value * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]


def run_check(options: Options, progress: Progress | None = None, capture: CaptureSource | None = None) -> dict:
    """Run the campaign, grade it and return the report (a JSON-ready dict with `ready` and `exit_code`)."""
    campaign = Campaign(options, progress)
    record = campaign.run()
    exchanges = []
    if record.since:
        source = capture or SandboxCapture(campaign.api)
        try:
            exchanges = source.exchanges(options.province, record.since)
        finally:
            try:
                campaign.api.disarm_capture(options.province)
            except Exception:  # noqa: BLE001 - disarming is best effort; the arm expires by itself
                pass
    results = [r.to_json() for r in grade(record, exchanges, options)]
    tally = counts(results)
    ready = not record.error and tally["blocking"] == 0
    unusable = bool(record.error) and "setup" not in record.phases
    report = {
        "run_id": record.run_id,
        "ready": ready,
        "exit_code": EXIT_READY if ready else (EXIT_UNUSABLE if unusable else EXIT_NOT_READY),
        "options": record.options,
        "started_at": record.started_at,
        "finished_at": record.finished_at or time.time(),
        "error": record.error,
        "counts": tally,
        "results": results,
        "timeline": record.timeline,
        "faults": [f.__dict__ for f in record.faults],
        "exchanges_seen": len(exchanges),
        "campaign": record.to_json(),
    }
    return report
