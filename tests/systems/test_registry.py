"""The one registry of systems: every system declared once, one spelling on every surface."""

from __future__ import annotations

import re

import pytest

from simulator import config
from simulator.flows import push
from simulator.gateway.registry import SERVICES
from simulator.systems import registry
from simulator.systems.registry import Labels, SystemSpec
from tests.conftest import ADMIN, ROOT


def test_every_advertised_gateway_path_reaches_its_system(gw):
    listing = gw.client.get("/ngsp/services", headers=gw.headers).get_json()["services"]
    assert listing
    for service in listing:
        path = service["gateway_path"].replace("{", "").replace("}", "")
        reply = gw.client.open(path, method=service["method"], headers=gw.headers, json={})
        body = reply.get_json(silent=True) or {}
        # The system may refuse the empty body or the made-up identifier, but the route exists.
        assert body.get("error") not in ("unknown_system", "unknown_service"), (service, reply.status_code, body)


def test_system_names_prefixes_and_services_share_one_spelling():
    for spec in registry.ministry_systems():
        assert "-" not in spec.name and spec.prefix == "/" + spec.name
    assert {s.system for s in SERVICES.values()} <= set(registry.names())


def test_dashboard_state_lists_every_declared_system(client):
    state = client.get("/sandbox/dashboard/state", headers=ADMIN)
    assert [s["name"] for s in state.get_json()["systems"]] == list(registry.names())


def test_a_prefix_other_than_the_name_is_refused():
    spec = SystemSpec("made_up", __name__, Labels("x", "x", "x", "x"), prefix="/made-up")
    with pytest.raises(ValueError, match="/made_up"):
        registry.declare(spec)
    assert registry.get("made_up") is None


def test_every_setting_a_system_declares_is_in_the_settings_registry():
    for spec in registry.systems():
        assert set(spec.settings) <= set(config.SETTINGS), (spec.name, set(spec.settings) - set(config.SETTINGS))
    claimed = {name for spec in registry.systems() for name in spec.settings}
    assert {"civil_status_median_minutes", "judicial_median_minutes", "environment_median_minutes"} <= claimed


def test_push_events_and_the_runners_sweep_come_from_the_declarations():
    declared = [event for spec in registry.systems() for event in spec.events]
    assert push.events() == ("dossier.submitted", *declared)
    assert registry.flat_events() == ("payment.result",)
    assert {s.name for s in registry.systems() if s.sweep} == {"civil_status", "judicial_record", "environment"}


def test_the_readme_lists_every_system_in_registry_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = [name for name in re.findall(r"^\| [^|]+\(`(\w+)`\) \|", readme, flags=re.M)]
    assert listed == list(registry.names())
    for spec in registry.ministry_systems():
        assert f"| `{spec.prefix}` | `/ngsp/{spec.name}/...` |" in readme, spec.name
