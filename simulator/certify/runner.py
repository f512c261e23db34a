"""One readiness check end to end: campaign → captured exchanges → grades → report and exit code."""

from __future__ import annotations

import re
import time

from simulator.certify.campaign import Campaign, Progress
from simulator.certify.capture import CaptureSource, SandboxCapture
from simulator.certify.grader import grade
from simulator.certify.options import Options
from simulator.certify.reports import counts
from simulator.certify.sandbox_api import SandboxError

EXIT_READY, EXIT_NOT_READY, EXIT_UNUSABLE = 0, 1, 2
DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")


def parse_duration(text: str) -> float:
    """Seconds from "90", "90s", "10m", "1h" or "500ms" (ValueError naming the text otherwise)."""
    found = DURATION_RE.match(str(text))
    if not found:
        raise ValueError(f"duration {text!r} is not a number with an optional unit (ms, s, m, h)")
    value, unit = float(found.group(1)), found.group(2) or "s"
    return value * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]


def _check_capture_kept_everything(campaign: Campaign, source: SandboxCapture) -> None:
    """Note bodies cut by the capture's bound; fail the run when the capture dropped requests of it (grading would be blind)."""
    record = campaign.record
    if source.cut:
        bound = record.capture.get("body_bytes")
        campaign.note(
            "collect", f"{source.cut} request bod(ies) longer than capture_body_bytes ({bound}) were graded from their first bytes"
        )
    oldest = campaign.api.oldest_captured()
    if oldest is not None and oldest["ts"] > record.since:
        record.error = record.error or (
            f"the sandbox's request capture dropped requests of this run (it keeps capture_max_rows = "
            f"{record.capture.get('max_rows')}): raise SANDBOX_CAPTURE_MAX_ROWS or run the check on a quieter sandbox"
        )


def run_check(options: Options, progress: Progress | None = None, capture: CaptureSource | None = None) -> dict:
    """Run the campaign, grade it and return the report (a JSON-ready dict with `ready` and `exit_code`)."""
    campaign = Campaign(options, progress)
    record = campaign.run()
    exchanges: list = []
    if record.since:
        source = capture or SandboxCapture(campaign.api)
        try:
            exchanges = source.exchanges(options.province, record.since)
            if isinstance(source, SandboxCapture):
                _check_capture_kept_everything(campaign, source)
        except SandboxError as err:
            record.error = record.error or str(err)
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
        "capture": record.capture,
        "campaign": record.to_json(),
    }
    return report
