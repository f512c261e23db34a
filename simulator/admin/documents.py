"""Scenario documents in and out of the admin API: summaries, YAML replies, JSON-or-YAML bodies.

A scenario can be saved from a running sandbox (`GET /sandbox/rules?format=yaml`,
`GET /sandbox/scenarios/{name}?format=yaml`) and replayed by storing it again
(`PUT /sandbox/scenarios/{name}`, YAML or JSON), so what is written here reads back unchanged.
"""

from __future__ import annotations

import yaml
from flask import Response, request
from flask_smorest import abort

from simulator import wire_json
from simulator.faults.scenarios import Scenario

# Editors that know the yaml-language-server comment validate the file against the served schema.
YAML_HEADER = "# yaml-language-server: $schema=scenario.schema.json\n"


def scenario_summary(scenario: Scenario) -> dict:
    """A scenario as listed: its description, time scale, duration and phases (rule counts)."""
    return {
        "name": scenario.name,
        "description": scenario.description,
        "time_scale": scenario.time_scale,
        "duration_s": scenario.duration_s,
        "phases": [{"name": p.name, "start_s": p.start_s, "end_s": p.end_s, "rules": len(p.rules)} for p in scenario.phases],
    }


def rules_as_scenario(rules: list[dict]) -> dict:
    """Active rules as a scenario file: one day-long phase, anchors dropped, so it replays as found."""
    cleaned = [{k: v for k, v in r.items() if k != "started_at"} for r in rules]
    return {
        "name": "captured-rules",
        "description": "Rules exported from a running sandbox (GET /sandbox/rules?format=yaml).",
        "phases": [{"name": "captured", "start_min": 0, "duration_min": 1440, "rules": cleaned}],
    }


def yaml_reply(data: dict) -> Response:
    """A scenario document as a YAML file (keys in their order, Vietnamese text as written)."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return Response(YAML_HEADER + text, content_type="application/yaml; charset=utf-8")


def document_body():
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
