"""Admin routes: fault rules, scenarios, the sandbox clock, the request journal and reset.

Every route needs `Authorization: Bearer <admin token>`; without it the answer is 401 and
nothing changes. Changes are stored in SQLite, so every worker applies them within a second.
Request and reply shapes are in `schemas.py`; scenario documents (YAML/JSON) in `documents.py`.
"""

from __future__ import annotations

import time

from flask import current_app, jsonify
from flask.views import MethodView
from flask_smorest import abort

from simulator.admin import reset as sandbox_reset
from simulator.admin.blueprint import admin_blueprint, admin_doc
from simulator.admin.documents import document_body, rules_as_scenario, scenario_summary, yaml_reply
from simulator.admin.schemas import (
    ClockBody,
    ClockReply,
    JournalPage,
    JournalQuery,
    ResetBody,
    ResetOut,
    RuleBody,
    RuleList,
    RulesQuery,
    ScenarioQuery,
    ScenarioStatus,
    ScenarioSummary,
    json_or_yaml,
    ok,
)
from simulator.app_context import db
from simulator.faults import RuleError, RuleNotFound, ScenarioError, ScenarioNotFound
from simulator.faults import schema as fault_schema
from simulator.faults.scenarios import parse_scenario
from simulator.wire_formats import to_portal

blp = admin_blueprint(
    "admin",
    __name__,
    url_prefix="/sandbox",
    description="Sandbox control (admin token): fault rules, scenarios, clock, request journal, reset.",
)


def faults():
    """This process's fault engine (built by the app factory)."""
    return current_app.extensions["faults"]


def _rule_or_422(raw: dict):
    raw = dict(raw)
    if "expires_in_s" in raw:
        raw["expires_at"] = time.time() + float(raw.pop("expires_in_s"))
    try:
        return faults().put_rule(raw)
    except RuleError as err:
        abort(422, message=f"invalid rule: {err}")


def _by_name(action, name: str):
    """`action(name)` on a scenario (load, apply); 404 when there is none, 422 when its file is broken."""
    try:
        return action(name)
    except ScenarioNotFound:
        abort(404, message=f"no scenario {name!r}")
    except ScenarioError as err:
        abort(422, message=str(err))


@blp.route("/rules")
class Rules(MethodView):
    """Fault rules."""

    @blp.arguments(RulesQuery, location="query")
    @admin_doc(blp, json_or_yaml("The rules (format=yaml: the active rules as a scenario file)", RuleList))
    def get(self, query: dict):
        """List manual rules and the running scenario's current rules (format=yaml: as a scenario file)."""
        manual = [r.to_json() for r in faults().store.list_rules()]
        ids = {r["id"] for r in manual}
        scenario = [r.to_json() for r in faults().active_rules() if r.id not in ids]
        if query["format"] == "yaml":
            return yaml_reply(rules_as_scenario(manual + scenario))
        return jsonify({"rules": manual, "scenario_rules": scenario})

    @blp.arguments(RuleBody)
    @blp.alt_response(422, description="Invalid rule; the message names the field")
    @admin_doc(blp, ok(RuleBody, "The stored rule", status=201))
    def post(self, body: dict):
        """Create a rule (its time window counts from now on the sandbox clock)."""
        return jsonify(_rule_or_422(body).to_json()), 201


@blp.route("/rules/<string:rule_id>")
class RuleItem(MethodView):
    """One rule."""

    @blp.alt_response(404, description="No such rule")
    @admin_doc(blp, ok(RuleBody, "The rule"))
    def get(self, rule_id: str):
        """One rule."""
        try:
            return jsonify(faults().store.get_rule(rule_id).to_json())
        except RuleNotFound:
            abort(404, message=f"no rule {rule_id!r}")

    @blp.arguments(RuleBody)
    @blp.alt_response(422, description="Invalid rule")
    @admin_doc(blp, ok(RuleBody, "The rule"))
    def put(self, body: dict, rule_id: str):
        """Create or replace the rule with this id."""
        return jsonify(_rule_or_422({**body, "id": rule_id}).to_json())

    @blp.response(204)
    @blp.alt_response(404, description="No such rule")
    @admin_doc(blp)
    def delete(self, rule_id: str):
        """Delete a rule."""
        try:
            faults().store.delete_rule(rule_id)
        except RuleNotFound:
            abort(404, message=f"no rule {rule_id!r}")


@blp.route("/scenarios")
@blp.alt_response(422, description="A scenario file is broken (file, line, reason)")
@admin_doc(blp, ok(ScenarioSummary(many=True), "Every scenario file"))
def list_scenarios():
    """Every scenario file with its description and phases."""
    try:
        available = faults().scenarios.available()
    except ScenarioError as err:
        abort(422, message=str(err))
    return jsonify([scenario_summary(s) for s in available.values()])


@blp.route("/scenarios/status")
@admin_doc(blp, ok(ScenarioStatus, "The running scenario, or running false"))
def scenario_status():
    """The running scenario: current phase, time left in it and in total."""
    return jsonify(faults().scenarios.status())


@blp.route("/scenarios/stop", methods=["POST"])
@admin_doc(blp, ok(ScenarioStatus, "Status after stopping (running false)"))
def stop_scenario():
    """Stop the running scenario; its rules stop at once."""
    return jsonify(faults().scenarios.stop())


@blp.route("/scenarios/<string:name>")
class ScenarioItem(MethodView):
    """One scenario: a shipped file or one stored through the API."""

    @blp.arguments(ScenarioQuery, location="query")
    @blp.alt_response(404, description="No such scenario")
    @blp.alt_response(422, description="The scenario file is broken (file, line, reason)")
    @admin_doc(blp, json_or_yaml("format=summary: ScenarioSummary; json or yaml: the whole scenario document", {"type": "object"}))
    def get(self, query: dict, name: str):
        """One scenario: its phases, or (format=json|yaml) the whole scenario to save and replay."""
        scenario = _by_name(faults().scenarios.load, name)
        if query["format"] == "yaml":
            return yaml_reply(scenario.source)
        return jsonify(scenario.source if query["format"] == "json" else scenario_summary(scenario))

    @blp.alt_response(400, description="The body is not JSON or YAML")
    @blp.alt_response(422, description="The scenario does not validate (field path and reason)")
    @admin_doc(
        blp,
        ok(ScenarioSummary, "The stored scenario"),
        requestBody={
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object", "description": "GET /sandbox/schema/scenario"}},
                "application/yaml": {"schema": {"type": "string"}},
            },
        },
    )
    def put(self, name: str):
        """Store a scenario (YAML or JSON, checked by the one schema) under `name`; apply it by name."""
        data = document_body()
        if isinstance(data, dict):
            data = {**data, "name": name}
        try:
            scenario = parse_scenario(data, faults().scenarios.limits, default_name=name)
        except RuleError as err:
            abort(422, message=f"invalid scenario: {err}")
        faults().store.put_scenario(scenario)
        return jsonify(scenario_summary(scenario))

    @blp.response(204)
    @blp.alt_response(404, description="No scenario stored under that name")
    @admin_doc(blp)
    def delete(self, name: str):
        """Forget a scenario stored through the API (shipped files stay)."""
        if not faults().store.delete_scenario(name):
            abort(404, message=f"no stored scenario {name!r}")


@blp.route("/schema/scenario")
@admin_doc(blp, ok({"type": "object"}, "The JSON Schema of scenario files and rules"))
def scenario_schema():
    """The one JSON Schema that scenario files and the rules API are validated against."""
    return jsonify(fault_schema.scenario_schema())


@blp.route("/scenarios/<string:name>/apply", methods=["POST"])
@blp.alt_response(404, description="No such scenario")
@blp.alt_response(422, description="The scenario file is broken (file, line, reason)")
@admin_doc(blp, ok(ScenarioStatus, "The scenario now running"))
def apply_scenario(name: str):
    """Start a scenario now (replacing any running one)."""
    return jsonify(_by_name(faults().scenarios.apply, name))


@blp.route("/clock")
class Clock(MethodView):
    """The sandbox clock."""

    @admin_doc(blp, ok(ClockReply, "The clock"))
    def get(self):
        """Sandbox time, its time scale and time elapsed since the last reset."""
        return jsonify(_clock_state())

    @blp.arguments(ClockBody)
    @admin_doc(blp, ok(ClockReply, "The clock with its new scale"))
    def put(self, body: dict):
        """Change the time scale (no jump in sandbox time)."""
        faults().clock.set_scale(body["scale"])
        return jsonify(_clock_state())


def _clock_state() -> dict:
    clock = faults().clock
    now = clock.now()
    return {
        "now": now.isoformat(),
        "now_portal": to_portal(now),
        "timestamp": clock.timestamp(),
        "scale": clock.scale(),
        "elapsed_s": clock.elapsed().total_seconds(),
    }


@blp.route("/journal")
@blp.arguments(JournalQuery, location="query")
@admin_doc(blp, ok(JournalPage, "Matching rows, newest first"))
def journal(query: dict):
    """Journal rows (newest first) filtered by system, operation, client, status, fault and time."""
    j = faults().journal
    j.flush()
    limit, offset = query.pop("limit"), query.pop("offset")
    return jsonify({"total": j.count(**query), "items": j.query(**query, limit=limit, offset=offset)})


@blp.route("/reset", methods=["POST"])
@blp.arguments(ResetBody)
@admin_doc(blp, ok(ResetOut, "Rows removed per table"))
def reset(body: dict):
    """Reset one province's records, or the whole sandbox (records, rules, scenario, journal, clock)."""
    province = body.get("province")
    if province:
        removed = sandbox_reset.reset_province(db(), province)
    else:
        removed = sandbox_reset.reset_all(db())
        faults().reset()
    return jsonify({"reset": province or "all", "removed": removed})
