"""Documented shapes of the admin API's replies (scenarios, clock, journal, reset).

These describe what the routes already answer, so the OpenAPI document (and the contract
fuzzing in tests/hardening) can hold every reply to its schema.
"""

from __future__ import annotations

from marshmallow import Schema, fields


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


class JournalRow(Schema):
    """One recorded request to a simulated system."""

    id = fields.Integer(required=True)
    ts = fields.Float(required=True, allow_none=True)
    sim_ts = fields.Float(required=True, allow_none=True)
    request_id = fields.String(required=True, allow_none=True)
    client = fields.String(required=True, allow_none=True)
    system = fields.String(required=True, allow_none=True)
    operation = fields.String(required=True, allow_none=True)
    method = fields.String(required=True, allow_none=True)
    path = fields.String(required=True, allow_none=True)
    status = fields.Integer(required=True, allow_none=True)
    fault = fields.String(required=True, allow_none=True, metadata={"description": "Comma-separated effect names"})
    latency_ms = fields.Float(required=True, allow_none=True)


class JournalPage(Schema):
    """Journal rows matching the filters, newest first, and how many match in all."""

    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(JournalRow), required=True)


class ResetOut(Schema):
    """What a reset removed, rows per table."""

    reset = fields.String(required=True, metadata={"description": "The province code, or 'all'"})
    removed = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


def ok(schema: type[Schema] | Schema, description: str, status: int = 200) -> dict:
    """A `@blp.doc(responses=...)` entry for a route that answers with `jsonify` itself."""
    return {str(status): {"description": description, "content": {"application/json": {"schema": schema}}}}
