"""Admin routes for captured requests: list them and verify how many a match selects.

`GET /sandbox/requests` shows what connectors really sent and what they got back (secrets
masked, see simulator/faults/capture.py); `POST /sandbox/verify` counts the captured requests
a rule-style match selects and answers 200 when the count is the expected one, else 409 with
the nearest misses and why each missed. Every worker's requests are there: each flushes its
buffer within `journal_flush_ms`, and this worker's buffer is flushed before answering.
"""

from __future__ import annotations

from flask import current_app, jsonify
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from simulator.admin.blueprint import admin_blueprint, admin_doc
from simulator.admin.schemas import RequestsPage, VerifyReply, ok
from simulator.faults import RuleError, capture
from simulator.faults.verify import Expectation, compile_match, verify

blp = admin_blueprint(
    "requests",
    __name__,
    url_prefix="/sandbox",
    description="Captured requests (admin token): what connectors sent and got back; verify expected calls.",
)
PROVINCE = validate.Regexp(r"^H?\d{2}$", error="province must be a 2-digit code (56) or H + code (H56)")


def _journal():
    return current_app.extensions["faults"].journal


class RequestsQuery(Schema):
    """Filters of the captured requests."""

    system = fields.String(validate=validate.Length(max=64))
    operation = fields.String(validate=validate.Length(max=128))
    province = fields.String(validate=PROVINCE, metadata={"description": "The calling province: 56 or H56"})
    body_contains = fields.String(
        validate=validate.Length(min=1, max=500), metadata={"description": "Text the request body contains (as captured, masked)"}
    )
    since = fields.Float(validate=validate.Range(min=0), metadata={"description": "POSIX seconds"})
    after_id = fields.Integer(
        validate=validate.Range(min=0, max=2**62),
        metadata={"description": "Only requests with a larger id, oldest first (to follow new ones)"},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=capture.QUERY_LIMIT_MAX))


class CountBody(Schema):
    """The expected count: exactly, or at_least and/or at_most (at_least 1 when absent)."""

    exactly = fields.Integer(validate=validate.Range(min=0, max=10**9))
    at_least = fields.Integer(validate=validate.Range(min=0, max=10**9))
    at_most = fields.Integer(validate=validate.Range(min=0, max=10**9))

    @validates_schema
    def _consistent(self, data: dict, **kwargs) -> None:
        if "exactly" in data and len(data) > 1:
            raise ValidationError("exactly cannot be combined with at_least or at_most", "exactly")
        if data.get("at_least", 0) > data.get("at_most", 10**9):
            raise ValidationError("at_least must not exceed at_most", "at_least")


class VerifyBody(Schema):
    """A match (a rule's match language) and the count of captured requests it should select."""

    match = fields.Dict(
        required=True,
        metadata={
            "description": "system, operation, method, client, body, headers, query, as in a fault rule (GET /sandbox/schema/scenario)"
        },
    )
    count = fields.Nested(CountBody, load_default=dict)
    since = fields.Float(validate=validate.Range(min=0), metadata={"description": "Only requests answered at or after these POSIX seconds"})


def _province(value: str | None) -> str | None:
    return value[-2:] if value else None


@blp.route("/requests")
@blp.arguments(RequestsQuery, location="query")
@blp.alt_response(422, description="A filter is not valid (the message names it)")
@admin_doc(blp, ok(RequestsPage, "Captured requests matching every filter, newest first"))
def list_requests(query: dict):
    """Captured requests (headers, bodies, response), newest first, filtered by system, province, body text, time."""
    journal = _journal()
    journal.flush()
    query["province"] = _province(query.get("province"))
    settings = journal.capture
    return jsonify(
        {
            "capture": {"enabled": settings.enabled, "max_rows": settings.max_rows, "body_bytes": settings.body_bytes},
            "items": journal.requests(**query),
        }
    )


@blp.route("/verify", methods=["POST"])
@blp.arguments(VerifyBody)
@blp.alt_response(422, description="The match or count is not valid (the message names the field), or capture is off")
@admin_doc(
    blp,
    {
        **ok(VerifyReply, "The count is the expected one"),
        **ok(VerifyReply, "The count is not the expected one: the nearest misses and why", status=409),
    },
)
def verify_requests(body: dict):
    """Verify that a match selects the expected number of captured requests (200), or say why not (409)."""
    journal = _journal()
    if not journal.capture.enabled:
        abort(422, message="request capture is off (setting capture_enabled): there is nothing to verify against")
    try:
        rule = compile_match(body["match"])
    except RuleError as err:
        abort(422, message=f"invalid match: {err}")
    journal.flush()
    items = capture.recent(journal.db, body.get("since"), journal.capture.max_rows)
    result = verify(rule, Expectation(**body["count"]), items)
    return jsonify(result), 200 if result["verified"] else 409
