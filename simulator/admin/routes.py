"""Admin routes: fault rules, scenarios, the sandbox clock, the request journal and reset.

Every route needs `Authorization: Bearer <admin token>`; without it the answer is 401 and
nothing changes. Changes are stored in SQLite, so every worker applies them within a second.
"""

from __future__ import annotations

import time

import yaml
from flask import Response, current_app, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import INCLUDE, Schema, fields, validate

from simulator import wire_json
from simulator.admin import reset as sandbox_reset
from simulator.admin.schemas import ClockReply, JournalPage, ResetOut, ScenarioStatus, ScenarioSummary, ok
from simulator.app_context import db
from simulator.auth import require_admin
from simulator.faults import RuleError, RuleNotFound, ScenarioError, ScenarioNotFound
from simulator.faults import schema as fault_schema
from simulator.faults.scenarios import parse_scenario

blp = Blueprint(
    "admin",
    __name__,
    url_prefix="/sandbox",
    description="Sandbox control (admin token): fault rules, scenarios, clock, request journal, reset.",
)
SECURITY = [{"bearer": []}]


def faults():
    """This process's fault engine (built by the app factory)."""
    return current_app.extensions["faults"]


@blp.before_request
def _admin_only():
    require_admin()


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


def _rule_or_422(raw: dict):

    raw = dict(raw)
    if "expires_in_s" in raw:
        raw["expires_at"] = time.time() + float(raw.pop("expires_in_s"))
    try:
        return faults().put_rule(raw)
    except RuleError as err:
        abort(422, message=f"invalid rule: {err}")


@blp.route("/rules")
class Rules(MethodView):
    """Fault rules."""

    @blp.arguments(RulesQuery, location="query")
    @blp.doc(
        security=SECURITY,
        responses={
            "200": {
                "description": "The rules (format=yaml: the active rules as a scenario file)",
                "content": {"application/json": {"schema": RuleList}, "application/yaml": {"schema": {"type": "object"}}},
            }
        },
    )
    @blp.alt_response(401, description="Admin token required")
    def get(self, query: dict):
        """List manual rules and the running scenario's current rules (format=yaml: as a scenario file)."""
        manual = [r.to_json() for r in faults().store.list_rules()]
        ids = {r["id"] for r in manual}
        scenario = [r.to_json() for r in faults().active_rules() if r.id not in ids]
        if query["format"] == "yaml":
            return _yaml_reply(rules_as_scenario(manual + scenario))
        return jsonify({"rules": manual, "scenario_rules": scenario})

    @blp.arguments(RuleBody)
    @blp.doc(responses={"201": {"description": "The stored rule", "content": {"application/json": {"schema": RuleBody}}}})
    @blp.alt_response(401, description="Admin token required")
    @blp.alt_response(422, description="Invalid rule; the message names the field")
    @blp.doc(security=SECURITY)
    def post(self, body: dict):
        """Create a rule (its time window counts from now on the sandbox clock)."""
        return jsonify(_rule_or_422(body).to_json()), 201


@blp.route("/rules/<string:rule_id>")
class RuleItem(MethodView):
    """One rule."""

    @blp.doc(
        security=SECURITY,
        responses={"200": {"description": "The rule", "content": {"application/json": {"schema": RuleBody}}}},
    )
    @blp.alt_response(401, description="Admin token required")
    @blp.alt_response(404, description="No such rule")
    def get(self, rule_id: str):
        """One rule."""
        try:
            return jsonify(faults().store.get_rule(rule_id).to_json())
        except RuleNotFound:
            abort(404, message=f"no rule {rule_id!r}")

    @blp.arguments(RuleBody)
    @blp.doc(
        security=SECURITY,
        responses={"200": {"description": "The rule", "content": {"application/json": {"schema": RuleBody}}}},
    )
    @blp.alt_response(401, description="Admin token required")
    @blp.alt_response(422, description="Invalid rule")
    def put(self, body: dict, rule_id: str):
        """Create or replace the rule with this id."""
        return jsonify(_rule_or_422({**body, "id": rule_id}).to_json())

    @blp.response(204)
    @blp.alt_response(401, description="Admin token required")
    @blp.alt_response(404, description="No such rule")
    @blp.doc(security=SECURITY)
    def delete(self, rule_id: str):
        """Delete a rule."""
        try:
            faults().store.delete_rule(rule_id)
        except RuleNotFound:
            abort(404, message=f"no rule {rule_id!r}")


@blp.route("/scenarios")
@blp.doc(security=SECURITY, responses=ok(ScenarioSummary(many=True), "Every scenario file"))
@blp.alt_response(401, description="Admin token required")
@blp.alt_response(422, description="A scenario file is broken (file, line, reason)")
def list_scenarios():
    """Every scenario file with its description and phases."""
    try:
        available = faults().scenarios.available()
    except ScenarioError as err:
        abort(422, message=str(err))
    return jsonify([_scenario_summary(s) for s in available.values()])


def _scenario_summary(scenario) -> dict:
    return {
        "name": scenario.name,
        "description": scenario.description,
        "time_scale": scenario.time_scale,
        "duration_s": scenario.duration_s,
        "phases": [{"name": p.name, "start_s": p.start_s, "end_s": p.end_s, "rules": len(p.rules)} for p in scenario.phases],
    }


@blp.route("/scenarios/status")
@blp.doc(security=SECURITY, responses=ok(ScenarioStatus, "The running scenario, or running false"))
@blp.alt_response(401, description="Admin token required")
def scenario_status():
    """The running scenario: current phase, time left in it and in total."""
    return jsonify(faults().scenarios.status())


@blp.route("/scenarios/stop", methods=["POST"])
@blp.doc(security=SECURITY, responses=ok(ScenarioStatus, "Status after stopping (running false)"))
@blp.alt_response(401, description="Admin token required")
def stop_scenario():
    """Stop the running scenario; its rules stop at once."""
    return jsonify(faults().scenarios.stop())


@blp.route("/scenarios/<string:name>")
class ScenarioItem(MethodView):
    """One scenario: a shipped file or one stored through the API."""

    @blp.arguments(ScenarioQuery, location="query")
    @blp.doc(
        security=SECURITY,
        responses={
            "200": {
                "description": "format=summary: ScenarioSummary; json or yaml: the whole scenario document",
                "content": {"application/json": {"schema": {"type": "object"}}, "application/yaml": {"schema": {"type": "object"}}},
            }
        },
    )
    @blp.alt_response(401, description="Admin token required")
    @blp.alt_response(404, description="No such scenario")
    @blp.alt_response(422, description="The scenario file is broken (file, line, reason)")
    def get(self, query: dict, name: str):
        """One scenario: its phases, or (format=json|yaml) the whole scenario to save and replay."""
        try:
            scenario = faults().scenarios.load(name)
        except ScenarioNotFound:
            abort(404, message=f"no scenario {name!r}")
        except ScenarioError as err:
            abort(422, message=str(err))
        if query["format"] == "yaml":
            return _yaml_reply(scenario.source)
        return jsonify(scenario.source if query["format"] == "json" else _scenario_summary(scenario))

    @blp.doc(
        security=SECURITY,
        requestBody={
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object", "description": "GET /sandbox/schema/scenario"}},
                "application/yaml": {"schema": {"type": "string"}},
            },
        },
        responses=ok(ScenarioSummary, "The stored scenario"),
    )
    @blp.alt_response(400, description="The body is not JSON or YAML")
    @blp.alt_response(401, description="Admin token required")
    @blp.alt_response(422, description="The scenario does not validate (field path and reason)")
    def put(self, name: str):
        """Store a scenario (YAML or JSON, checked by the one schema) under `name`; apply it by name."""
        data = _document_body()
        if isinstance(data, dict):
            data = {**data, "name": name}
        try:
            scenario = parse_scenario(data, faults().scenarios.limits, default_name=name)
        except RuleError as err:
            abort(422, message=f"invalid scenario: {err}")
        faults().store.put_scenario(scenario)
        return jsonify(_scenario_summary(scenario))

    @blp.response(204)
    @blp.alt_response(401, description="Admin token required")
    @blp.alt_response(404, description="No scenario stored under that name")
    @blp.doc(security=SECURITY)
    def delete(self, name: str):
        """Forget a scenario stored through the API (shipped files stay)."""
        if not faults().store.delete_scenario(name):
            abort(404, message=f"no stored scenario {name!r}")


@blp.route("/schema/scenario")
@blp.doc(
    security=SECURITY,
    responses={
        "200": {
            "description": "The JSON Schema of scenario files and rules",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
@blp.alt_response(401, description="Admin token required")
def scenario_schema():
    """The one JSON Schema that scenario files and the rules API are validated against."""
    return jsonify(fault_schema.scenario_schema())


def _yaml_reply(data) -> Response:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    header = "# yaml-language-server: $schema=scenario.schema.json\n"
    return Response(header + text, content_type="application/yaml; charset=utf-8")


def _document_body():
    """The request body as JSON or YAML (by Content-Type; YAML when unsure), or a 400 saying why."""
    raw = request.get_data(cache=True)
    if "json" in (request.mimetype or ""):
        try:
            return wire_json.loads(raw)
        except ValueError as err:
            abort(400, message=f"body is not valid JSON: {err}")
    try:
        return yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as err:
        abort(400, message=f"body is not valid YAML: {str(err).splitlines()[0]}")


def rules_as_scenario(rules: list[dict]) -> dict:
    """Active rules as a scenario file: one day-long phase, anchors dropped, so it replays as found."""
    cleaned = [{k: v for k, v in r.items() if k != "started_at"} for r in rules]
    return {
        "name": "captured-rules",
        "description": "Rules exported from a running sandbox (GET /sandbox/rules?format=yaml).",
        "phases": [{"name": "captured", "start_min": 0, "duration_min": 1440, "rules": cleaned}],
    }


@blp.route("/scenarios/<string:name>/apply", methods=["POST"])
@blp.doc(security=SECURITY, responses=ok(ScenarioStatus, "The scenario now running"))
@blp.alt_response(401, description="Admin token required")
@blp.alt_response(404, description="No such scenario")
@blp.alt_response(422, description="The scenario file is broken (file, line, reason)")
def apply_scenario(name: str):
    """Start a scenario now (replacing any running one)."""
    try:
        return jsonify(faults().scenarios.apply(name))
    except ScenarioNotFound:
        abort(404, message=f"no scenario {name!r}")
    except ScenarioError as err:
        abort(422, message=str(err))


@blp.route("/clock")
class Clock(MethodView):
    """The sandbox clock."""

    @blp.doc(security=SECURITY, responses=ok(ClockReply, "The clock"))
    @blp.alt_response(401, description="Admin token required")
    def get(self):
        """Sandbox time, its time scale and time elapsed since the last reset."""
        return jsonify(_clock_state())

    @blp.arguments(ClockBody)
    @blp.doc(security=SECURITY, responses=ok(ClockReply, "The clock with its new scale"))
    @blp.alt_response(401, description="Admin token required")
    def put(self, body: dict):
        """Change the time scale (no jump in sandbox time)."""
        faults().clock.set_scale(body["scale"])
        return jsonify(_clock_state())


def _clock_state() -> dict:
    clock = faults().clock
    now = clock.now()
    return {
        "now": now.isoformat(),
        "now_portal": now.strftime("%Y%m%d%H%M%S"),
        "timestamp": clock.timestamp(),
        "scale": clock.scale(),
        "elapsed_s": clock.elapsed().total_seconds(),
    }


@blp.route("/journal")
@blp.arguments(JournalQuery, location="query")
@blp.doc(security=SECURITY, responses=ok(JournalPage, "Matching rows, newest first"))
@blp.alt_response(401, description="Admin token required")
def journal(query: dict):
    """Journal rows (newest first) filtered by system, operation, client, status, fault and time."""
    j = faults().journal
    j.flush()
    limit, offset = query.pop("limit"), query.pop("offset")
    return jsonify({"total": j.count(**query), "items": j.query(**query, limit=limit, offset=offset)})


@blp.route("/reset", methods=["POST"])
@blp.arguments(ResetBody)
@blp.doc(security=SECURITY, responses=ok(ResetOut, "Rows removed per table"))
@blp.alt_response(401, description="Admin token required")
def reset(body: dict):
    """Reset one province's records, or the whole sandbox (records, rules, scenario, journal, clock)."""
    province = body.get("province")
    if province:
        removed = sandbox_reset.reset_province(db(), province)
    else:
        removed = sandbox_reset.reset_all(db())
        faults().reset()
    return jsonify({"reset": province or "all", "removed": removed})
