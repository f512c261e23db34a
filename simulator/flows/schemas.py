"""Marshmallow schemas of the flows admin API and of the push contract (documented in OpenAPI)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from simulator.flows.connectors import BODY_STYLES, DEFAULT_BODY_STYLE
from simulator.flows.push import events as push_events
from simulator.provinces import all_provinces
from simulator.systems import registry as systems

PROVINCE_CODES = [p.code for p in all_provinces()]
province_field = dict(
    validate=validate.OneOf(PROVINCE_CODES, error="province must be one of the 34 province codes (e.g. 56)"),
    metadata={"example": "56"},
)

PUSH_CONTRACT = """**Portal-to-province pushes.** The portal POSTs JSON to the province's registered connector URL
in the connector's `body_style`: `flat` (default) sends the record itself, its fields at the top level
as OpenCPS' receiver `/nps/createdossierfromdvcqg` reads them; `nested` sends `PushDelivery`
(`{delivery_id, event, sent_at, madonvi, data}`). Headers in both: `X-DVCQG-Delivery: <delivery_id>`,
`X-DVCQG-Event: <event>`, `X-DVCQG-Timestamp: <unix seconds>` and `X-DVCQG-Signature: sha256=<hex
HMAC-SHA256(secret, "{timestamp}.{raw body}")>`. Receivers must refuse a timestamp older than 300 s
(replay) and may de-duplicate by delivery id: every retry of a delivery carries the same id. A 2xx
acknowledges unless its JSON body has a non-zero `error_code` (OpenCPS refuses with HTTP 200
`{"error_code": -1, "message": ...}`): that is a refusal, retried like any failure. Failures, and no
answer within `push_timeout_seconds`, are retried with exponential backoff until `job_max_attempts`,
then the delivery is `dead` (see `GET /sandbox/jobs?status=dead`, re-queue with
`POST /sandbox/jobs/{id}/requeue`); a refused delivery is never counted delivered.
Events: `dossier.submitted` (data = the dossier, portal field names, `KenhThucHien` "2", `TrangThaiHoSo`
"1", `MaSoThue` the applicant's ID number; sync it back with `DongBoHoSoMC` using the same `MaHoSo`),
and the result events each ministry system declares (the dashboard state lists them per system:
`civil_status.result`, `judicial_record.result`, `environment.result`, `payment.result`)."""


def _known(event: str, known: tuple[str, ...]) -> None:
    """Validator: an event the sandbox pushes (read from the systems' declarations at call time)."""
    if event not in known:
        raise ValidationError(f"must be one of: {', '.join(known)}")


class PushDelivery(Schema):
    """The JSON body of every portal-to-province push."""

    delivery_id = fields.String(required=True, metadata={"description": "Stable id, the same on every retry"})
    event = fields.String(required=True, validate=lambda event: _known(event, push_events()))
    sent_at = fields.String(required=True, metadata={"description": "yyyyMMddHHmmss, sandbox clock", "example": "20261127093000"})
    madonvi = fields.String(required=True, metadata={"example": "000.00.00.H56"})
    data = fields.Dict(required=True, metadata={"description": "The event's payload (a dossier for dossier.submitted)"})


class PushExample(Schema):
    """A sample signed delivery: the headers and the body a connector receives."""

    url = fields.String()
    headers = fields.Dict(keys=fields.String(), values=fields.String())
    body = fields.Dict(metadata={"description": "Flat style (the default): the record's fields at the top level"})
    nested_body = fields.Nested(PushDelivery, metadata={"description": "The same delivery in the nested style"})
    raw_body = fields.String(metadata={"description": "The exact bytes that were signed"})


class ConnectorIn(Schema):
    """A connector registration."""

    url = fields.Url(required=True, require_tld=False, schemes={"http", "https"}, metadata={"example": "http://127.0.0.1:9000/push"})
    secret = fields.String(
        required=True,
        validate=validate.Length(min=8, max=256),
        metadata={"description": "Shared HMAC secret (8-256 characters)"},
    )
    body_style = fields.String(
        load_default=DEFAULT_BODY_STYLE,
        validate=validate.OneOf(BODY_STYLES),
        metadata={"description": "flat (default: record fields at the top, as OpenCPS reads them) or nested"},
    )


class ConnectorOut(Schema):
    """A registered connector; the secret is shown only as a hint."""

    province = fields.String()
    url = fields.String()
    body_style = fields.String()
    secret_hint = fields.String()
    updated_at = fields.Float()


class SubmissionsIn(Schema):
    """Ask simulated citizens to submit dossiers online."""

    province = fields.String(required=True, **province_field)
    count = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=100_000),
        metadata={"description": "Capped by the submissions_max_count setting"},
    )
    procedure = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "MaTTHC; an online-capable procedure is drawn when absent"},
    )


class SubmissionOut(Schema):
    """One created or listed online submission."""

    MaHoSo = fields.String()
    delivery_id = fields.String()
    MaTTHC = fields.String()
    NgayHenTra = fields.String()
    province = fields.String()
    submitted_at = fields.String()
    pushed_at = fields.Float(allow_none=True)
    acked_at = fields.Float(allow_none=True)
    synced = fields.Boolean()
    status = fields.Integer(allow_none=True)


class SubmissionsQuery(Schema):
    """Filters of the submission listing."""

    province = fields.String(**province_field)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=5000))


class ArrivalsIn(Schema):
    """Start or retune a province's arrival stream."""

    province = fields.String(required=True, **province_field)
    rate_per_min = fields.Float(
        required=True,
        validate=validate.Range(min=0.001, max=100_000),
        metadata={"description": "Submissions per simulated minute (sandbox clock)"},
    )
    procedure = fields.String(validate=validate.Length(min=1, max=64))


class ArrivalsStop(Schema):
    """Stop one province's stream, or all when no province is given."""

    province = fields.String(**province_field)


class ArrivalStream(Schema):
    """An active arrival stream."""

    province = fields.String()
    rate_per_min = fields.Float()
    procedure = fields.String(allow_none=True)
    arrived = fields.Integer()


class StatsQuery(Schema):
    """Filters of the end-to-end figures."""

    province = fields.String(**province_field)
    since = fields.String(
        validate=validate.Regexp(r"^\d{14}$", error="since must be yyyyMMddHHmmss"),
        metadata={"description": "Submitted at or after (yyyyMMddHHmmss, sandbox clock)"},
    )


class Latency(Schema):
    """Push-to-sync latency percentiles in real milliseconds."""

    count = fields.Integer()
    p50 = fields.Float(allow_none=True)
    p95 = fields.Float(allow_none=True)
    p99 = fields.Float(allow_none=True)


class FlowStats(Schema):
    """End-to-end figures of online submissions."""

    province = fields.String(allow_none=True)
    since = fields.String(allow_none=True)
    sandbox_time = fields.String()
    submitted = fields.Integer()
    pushed = fields.Integer()
    acknowledged = fields.Integer()
    synced_back = fields.Integer()
    finished = fields.Integer(metadata={"description": "Synced back and in status 10"})
    lost = fields.Integer(metadata={"description": "Pushed, not synced back within lost_after_sim_minutes"})
    overdue = fields.Integer(metadata={"description": "NgayHenTra passed on the sandbox clock, not 3/7/8/9/10"})
    push_to_sync_ms = fields.Nested(Latency)
    deliveries = fields.Dict(keys=fields.String(), values=fields.Integer())
    lost_dossiers = fields.List(fields.String())


class CallbackIn(Schema):
    """A result event to push to a province (trainer tool)."""

    province = fields.String(required=True, **province_field)
    event = fields.String(required=True, validate=lambda event: _known(event, systems.result_events()))
    MaHoSo = fields.String(validate=validate.Length(min=1, max=64))
    data = fields.Dict(metadata={"description": "Payload; a plausible one is built from MaHoSo when absent"})


class Enqueued(Schema):
    """A queued delivery."""

    delivery_id = fields.String()
    event = fields.String()
    province = fields.String()
