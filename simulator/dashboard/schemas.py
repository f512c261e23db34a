"""Marshmallow schemas of `GET /sandbox/dashboard/state` (documented in OpenAPI at /docs)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from simulator.flows.schemas import ArrivalStream

HEALTH = validate.OneOf(["healthy", "slow", "failing"])


class SystemState(Schema):
    """One system of the map with its live health and traffic."""

    name = fields.String(metadata={"description": "Fault-engine system name, e.g. `population`"})
    label_vi = fields.String()
    label_en = fields.String()
    sector_vi = fields.String()
    sector_en = fields.String()
    health = fields.String(validate=HEALTH, metadata={"description": "The worse of health_by_rules and by_traffic"})
    health_by_rules = fields.String(validate=HEALTH, metadata={"description": "From the fault rules in force now"})
    health_by_traffic = fields.String(validate=HEALTH, metadata={"description": "From the journal, last 30 s"})
    reasons = fields.List(fields.String(), metadata={"description": "Why it is not healthy (rule names, figures)"})
    requests = fields.Integer(metadata={"description": "Requests journaled in the last 30 s"})
    rps = fields.Float(metadata={"description": "Requests per second over the last 10 s"})
    error_rate = fields.Float(metadata={"description": "Share of status 0 (connection fault), 429 and 5xx, last 30 s"})
    p95_ms = fields.Float(allow_none=True, metadata={"description": "95th percentile latency, last 30 s"})


class ClockState(Schema):
    """The sandbox clock."""

    now = fields.String(metadata={"description": "ISO 8601, Asia/Ho_Chi_Minh"})
    now_portal = fields.String(metadata={"description": "yyyyMMddHHmmss"})
    scale = fields.Float(metadata={"description": "Simulated seconds per real second"})


class ManualRule(Schema):
    """A manual fault rule, as the page lists it (to lift it early)."""

    id = fields.String()
    name = fields.String()
    systems = fields.List(fields.String())
    effects = fields.List(fields.String())
    expires_at = fields.Float(allow_none=True, metadata={"description": "POSIX seconds (real time)"})


class ProvinceRef(Schema):
    """A province code and short name."""

    code = fields.String()
    name = fields.String()


class StatusRef(Schema):
    """A dossier status code with its names."""

    code = fields.Integer()
    name = fields.String()
    name_en = fields.String()
    final = fields.Boolean()


_COUNTS_BY_STATUS = fields.Dict(keys=fields.String(), values=fields.Integer())


class DossierCounts(Schema):
    """Portal dossiers by province and status."""

    by_province = fields.Dict(
        keys=fields.String(),
        values=_COUNTS_BY_STATUS,
        metadata={"description": 'Province code → status code → count, e.g. {"56": {"2": 3}}'},
    )
    total = fields.Integer()


class FlowFigures(Schema):
    """Online submissions of one province (definitions as in GET /sandbox/flows/stats)."""

    submitted = fields.Integer()
    synced_back = fields.Integer()
    waiting = fields.Integer(metadata={"description": "Submitted, not yet synced back by the province"})
    lost = fields.Integer()
    overdue = fields.Integer()


class FlowCounts(Schema):
    """Online submissions per province and in total."""

    by_province = fields.Dict(keys=fields.String(), values=fields.Nested(FlowFigures))
    totals = fields.Nested(FlowFigures)


class SatisfactionGroup(Schema):
    """The satisfaction index of one province."""

    group = fields.String(metadata={"description": "Province code"})
    count = fields.Integer()
    average_score = fields.Float(metadata={"description": "Out of 18"})
    share_satisfied = fields.Float()


class DashboardState(Schema):
    """Everything the trainer dashboard draws, in one reply."""

    generated_at = fields.Float(metadata={"description": "POSIX seconds"})
    clock = fields.Nested(ClockState)
    scenario = fields.Dict(metadata={"description": "As GET /sandbox/scenarios/status: running, name, phase, ..."})
    systems = fields.List(fields.Nested(SystemState))
    rules = fields.List(fields.Nested(ManualRule))
    provinces = fields.List(fields.Nested(ProvinceRef))
    statuses = fields.List(fields.Nested(StatusRef))
    dossiers = fields.Nested(DossierCounts)
    flows = fields.Nested(FlowCounts)
    arrivals = fields.List(fields.Nested(ArrivalStream))
    journal = fields.List(fields.Dict(), metadata={"description": "The newest journal rows (as GET /sandbox/journal)"})
    satisfaction = fields.List(fields.Nested(SatisfactionGroup))
