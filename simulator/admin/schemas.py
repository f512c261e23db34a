"""The admin API's request and reply shapes (rules, scenarios, clock, journal, captured requests, reset).

Requests are loaded through these schemas; replies are described by them, so the OpenAPI
document (and the contract fuzzing in tests/hardening) can hold every reply to its schema.
"""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate


class RuleBody(Schema):
    """A fault rule: what it matches and the effects it applies (see scenarios/README.md)."""

    class Meta:
        unknown = INCLUDE

    id = fields.String(metadata={"description": "Stable id; generated when absent"})
    name = fields.String()
    enabled = fields.Boolean()
    match = fields.Dict(
        metadata={
            "description": "system, operation, method, client, probability, window, body, "
            "headers, query (GET /sandbox/schema/scenario has the full schema)"
        }
    )
    # An effect is a bare name ("reset") or {name: {params}}; the one schema checks it (faults/schema.py).
    effects = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1, max=20))
    times = fields.Integer(metadata={"description": "Fire on the first N matching requests, then retire"})
    after = fields.Integer(metadata={"description": "Fire only after N matching requests"})
    every = fields.Integer(metadata={"description": "Fire on every N-th matching request"})
    expires_at = fields.Raw(allow_none=True, metadata={"description": "POSIX seconds; the rule reverts by itself"})
    expires_in_s = fields.Float(metadata={"description": "Convenience: expire this many real seconds from now"})


class RulesQuery(Schema):
    """How to export the rules."""

    format = fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "yaml"]),
        metadata={"description": "yaml: the active rules as a scenario file"},
    )


class ScenarioQuery(Schema):
    """How to show a scenario."""

    format = fields.String(
        load_default="summary",
        validate=validate.OneOf(["summary", "json", "yaml"]),
        metadata={"description": "summary (phases), or the whole scenario as json or yaml"},
    )


class RuleList(Schema):
    """Every manual rule and the rules the running scenario applies now."""

    rules = fields.List(fields.Dict(), required=True)
    scenario_rules = fields.List(fields.Dict(), required=True)


class ClockBody(Schema):
    """Set the sandbox clock's time scale (simulated seconds per real second)."""

    scale = fields.Float(required=True, validate=validate.Range(min=0.001, max=100_000))


class JournalQuery(Schema):
    """Journal filters."""

    system = fields.String()
    operation = fields.String()
    client = fields.String()
    status = fields.Integer(validate=validate.Range(min=100, max=599))
    fault = fields.String(metadata={"description": "An effect name, or 'none'"})
    since = fields.Float(metadata={"description": "POSIX seconds"})
    until = fields.Float(metadata={"description": "POSIX seconds"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    # Capped at the journal's own largest bound: SQLite refuses an OFFSET beyond 64 bits (was a 500).
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class ResetBody(Schema):
    """What to reset: one province's records, or everything when `province` is absent."""

    province = fields.String(validate=validate.Regexp(r"^\d{2}$", error="province must be a 2-digit code"))


class PhaseSummary(Schema):
    """One phase of a scenario timeline."""

    name = fields.String(required=True)
    start_s = fields.Float(required=True)
    end_s = fields.Float(required=True)
    rules = fields.Integer(required=True, metadata={"description": "How many rules the phase applies"})


class ScenarioSummary(Schema):
    """A scenario file: its description and phases."""

    name = fields.String(required=True)
    description = fields.String(required=True)
    time_scale = fields.Float(required=True, allow_none=True)
    duration_s = fields.Float(required=True)
    phases = fields.List(fields.Nested(PhaseSummary), required=True)


class CurrentPhase(Schema):
    """The phase a running scenario is in."""

    name = fields.String(required=True)
    index = fields.Integer(required=True)
    remaining_s = fields.Float(required=True)
    remaining_real_s = fields.Float(required=True)
    rule_ids = fields.List(fields.String(), required=True)


class ScenarioStatus(Schema):
    """The running scenario, or `{"running": false}`."""

    running = fields.Boolean(required=True)
    name = fields.String()
    description = fields.String()
    seed = fields.Integer(allow_none=True)
    time_scale = fields.Float()
    started_at_real = fields.Float()
    started_at_sim = fields.Float()
    elapsed_s = fields.Float()
    total_s = fields.Float()
    remaining_s = fields.Float()
    remaining_real_s = fields.Float()
    finished = fields.Boolean()
    phase = fields.Nested(CurrentPhase, allow_none=True)
    phases = fields.List(fields.Nested(PhaseSummary))


class ClockReply(Schema):
    """Sandbox time and its scale."""

    now = fields.String(required=True, metadata={"description": "ISO 8601, Asia/Ho_Chi_Minh"})
    now_portal = fields.String(required=True, metadata={"description": "yyyyMMddHHmmss"})
    timestamp = fields.Float(required=True, metadata={"description": "Sandbox POSIX seconds"})
    scale = fields.Float(required=True, metadata={"description": "Simulated seconds per real second"})
    elapsed_s = fields.Float(required=True, metadata={"description": "Sandbox seconds since the last reset"})


class RequestRecord(Schema):
    """What the journal and the capture both record of a request to a simulated system."""

    id = fields.Integer(required=True)
    ts = fields.Float(required=True, allow_none=True)
    request_id = fields.String(required=True, allow_none=True)
    client = fields.String(required=True, allow_none=True)
    system = fields.String(required=True, allow_none=True)
    operation = fields.String(required=True, allow_none=True)
    method = fields.String(required=True, allow_none=True)
    path = fields.String(required=True, allow_none=True)
    status = fields.Integer(required=True, allow_none=True)
    fault = fields.String(required=True, allow_none=True, metadata={"description": "Comma-separated effect names"})
    latency_ms = fields.Float(required=True, allow_none=True)


class JournalRow(RequestRecord):
    """One recorded request to a simulated system."""

    sim_ts = fields.Float(required=True, allow_none=True)


class JournalPage(Schema):
    """Journal rows matching the filters, newest first, and how many match in all."""

    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(JournalRow), required=True)


class CapturedPart(Schema):
    """The request or response half of a captured request (secrets masked)."""

    headers = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "Names lower-case; credentials masked, tokens shortened"},
    )
    body = fields.String(required=True, metadata={"description": "The first capture_body_bytes of the body"})
    body_encoding = fields.String(required=True, metadata={"description": "utf-8, or base64 for other bytes"})
    body_bytes = fields.Integer(required=True, metadata={"description": "The whole body's size"})
    body_truncated = fields.Boolean(required=True, metadata={"description": "True when cut at capture_body_bytes"})


class CapturedRequest(RequestRecord):
    """One simulated request as sent and as answered."""

    id = fields.Integer(required=True, metadata={"description": "Increasing; `after_id` pages forward with it"})
    ts = fields.Float(required=True, metadata={"description": "POSIX seconds (real time) when answered"})
    province = fields.String(required=True, allow_none=True, metadata={"description": "2-digit province code"})
    client = fields.String(required=True, allow_none=True, metadata={"description": "H + province code"})
    system = fields.String(required=True)
    via = fields.String(required=True, allow_none=True, metadata={"description": "gateway, when called through it"})
    query = fields.String(required=True, allow_none=True)
    status = fields.Integer(required=True, allow_none=True, metadata={"description": "0: no response (hang, reset)"})
    request = fields.Nested(CapturedPart, required=True)
    response = fields.Nested(CapturedPart, required=True)


class CaptureState(Schema):
    """Whether capture is on and its bounds."""

    enabled = fields.Boolean(required=True)
    max_rows = fields.Integer(required=True)
    body_bytes = fields.Integer(required=True)


class RequestsPage(Schema):
    """Captured requests, newest first."""

    capture = fields.Nested(CaptureState, required=True)
    items = fields.List(fields.Nested(CapturedRequest), required=True)


class NearMiss(Schema):
    """A request the match did not select, and why."""

    request = fields.Nested(CapturedRequest, required=True)
    missed = fields.List(
        fields.String(), required=True, metadata={"description": "One sentence per failed match field, e.g. body.MaHoSo: expected ..."}
    )


class VerifyReply(Schema):
    """A verification's outcome: 200 when the count is the expected one, 409 otherwise."""

    verified = fields.Boolean(required=True)
    count = fields.Integer(required=True, metadata={"description": "Captured requests the match selects"})
    expected = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    message = fields.String(required=True)
    scanned = fields.Integer(required=True, metadata={"description": "Captured requests examined"})
    matches = fields.List(
        fields.Nested(CapturedRequest), required=True, metadata={"description": "The newest matching requests (at most 10)"}
    )
    nearest = fields.List(fields.Nested(NearMiss), metadata={"description": "409 only: the nearest non-matching requests (at most 5)"})


class ResetOut(Schema):
    """What a reset removed, rows per table."""

    reset = fields.String(required=True, metadata={"description": "The province code, or 'all'"})
    removed = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


def ok(schema: type[Schema] | Schema, description: str, status: int = 200) -> dict:
    """A `@blp.doc(responses=...)` entry for a route that answers with `jsonify` itself."""
    return {str(status): {"description": description, "content": {"application/json": {"schema": schema}}}}


def json_or_yaml(description: str, json_schema: type[Schema] | dict) -> dict:
    """A `responses` entry for a route answering JSON, or a YAML scenario file with `?format=yaml`."""
    content = {"application/json": {"schema": json_schema}, "application/yaml": {"schema": {"type": "object"}}}
    return {"200": {"description": description, "content": content}}
