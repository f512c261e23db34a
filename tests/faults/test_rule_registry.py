"""Rules name only what exists: every shipped rule fires, unknown names are refused, one schema.

The proof that shipped scenarios are not inert goes through the app's own classifier (the
same `classify(environ)` the middleware runs) and the engine: each rule, applied alone, meets
a request of every system (and operation) it names and fires.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from werkzeug.test import EnvironBuilder

from simulator.fault_classifier import make_classifier
from simulator.faults.buckets import SqliteCounters, SqliteTokenBuckets
from simulator.faults.engine import Engine, RequestInfo
from simulator.faults.matching import RequestView
from simulator.faults.rules import validate_rule
from simulator.faults.scenarios import ScenarioError, list_scenarios, load_scenario_file
from simulator.faults.schema import schema_json
from simulator.systems import registry
from tests.conftest import ADMIN, ROOT

SCENARIOS = list_scenarios(ROOT / "scenarios")


def request_for(system: str, operation: str | None) -> dict:
    """A WSGI environ for a request the classifier reports as (system, operation)."""
    if system == "portal":
        body = {"username": "x"} if operation == "auth" else {"service": operation or "TraCuuHoSo"}
        path = "/dvcqg/api/auth" if operation == "auth" else "/dvcqg/api/service"
        return EnvironBuilder(path=path, method="POST", json=body).get_environ()
    if system == "gateway":
        return EnvironBuilder(path=f"/ngsp/{operation or 'token'}", method="POST").get_environ()
    if system == "payment" and operation in (None, "INIT", "QUERY", "GET_BILL"):
        body = {"LoaiBanTin": operation or "QUERY"}  # a message, named by its LoaiBanTin
        return EnvironBuilder(path="/payment/messages", method="POST", json=body).get_environ()
    return EnvironBuilder(path=f"/{system}/{operation or registry.get(system).operations[0]}", method="POST").get_environ()


def fires(engine: Engine, rule, info: RequestInfo) -> bool:
    """Whether the rule applies its effects to the request (a rate limit only once its bucket is empty)."""
    for _ in range(rule.effects[0].params.get("burst", 0) + 1 if rule.effects[0].kind == "rate_limit" else 1):
        if rule.id in engine.decide(dataclasses.replace(info)).rule_ids:
            return True
    return False


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_rule_of_every_shipped_scenario_fires_on_each_system_it_names(name, app, store, clock, limits):
    classify = make_classifier(app.config["SANDBOX"]["db"], app.config["SANDBOX"]["max_body_bytes"])
    checked = 0
    for phase in SCENARIOS[name].phases:
        for rule in phase.rules:
            # Alone, certain and timeless: what is proven is that its names reach real requests.
            match = {k: v for k, v in rule.to_json()["match"].items() if k not in ("probability", "window")}
            alone = validate_rule({**rule.to_json(), "match": match}, limits)
            store.clear_rules()
            store.put_rule(alone.to_json())
            engine = Engine(store, clock.sandbox, 7, limits, SqliteTokenBuckets(store.db, clock=clock), real_time=clock)
            for system in rule.system or registry.names():
                for operation in rule.operation or (None,):
                    if operation is not None and operation not in registry.get(system).operations:
                        continue
                    info = classify(request_for(system, operation))
                    assert (info.system, info.operation or operation) == (system, operation or info.operation)
                    assert fires(engine, alone, info), f"{name}: rule {rule.name!r} never fires on {system} {operation}"
                    checked += 1
    assert checked >= sum(len(p.rules) for p in SCENARIOS[name].phases)


def test_the_published_schema_file_is_the_one_the_engine_validates_with():
    assert (ROOT / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8") == schema_json()
    for path in (ROOT / "scenarios").glob("*.yaml"):
        assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=scenario.schema.json\n")


def test_api_schema_endpoint_serves_the_same_schema(client):

    assert client.get("/sandbox/schema/scenario", headers=ADMIN).get_json() == json.loads(schema_json())


@pytest.mark.parametrize(
    ("match", "effects", "words"),
    [
        ({"system": "treasury"}, ["reset"], "unknown system 'treasury' (known: portal, gateway, population"),
        ({"system": "payment", "operation": "init"}, ["reset"], "(known: INIT, QUERY, GET_BILL"),
        ({"system": "population", "operation": "INIT"}, ["reset"], "not an operation of population (expected one of: "),
        ({"system": "civil-status"}, ["reset"], "unknown system 'civil-status'"),
        ({"system": "population"}, ["explode"], "unknown effect 'explode' (expected one of: latency, error"),
    ],
)
def test_api_refuses_unknown_names_listing_the_known_ones(client, match, effects, words):
    reply = client.post("/sandbox/rules", json={"match": match, "effects": effects}, headers=ADMIN)
    assert reply.status_code == 422 and words in reply.get_json()["message"], reply.get_json()


def test_api_accepts_bare_effect_names_as_scenario_files_write_them(client):
    reply = client.post("/sandbox/rules", json={"match": {"system": "population"}, "effects": ["reset"]}, headers=ADMIN)
    assert reply.status_code == 201 and reply.get_json()["effects"] == [{"reset": {}}]


def test_validate_reports_an_unknown_system_with_file_and_line(tmp_path):
    f = tmp_path / "typo.yaml"
    f.write_text("name: typo\nphases:\n  - duration_min: 5\n    rules:\n      - match: {system: treasury}\n        effects: [reset]\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario_file(f)
    assert err.value.line == 5 and "unknown system 'treasury'" in str(err.value) and "payment" in str(err.value)


def test_two_workers_draw_independent_streams_each_reproducible_by_seed(store, clock, limits):
    store.put_rule({"id": "coin", "match": {"system": "population", "probability": 0.5}, "effects": ["reset"]})

    def decisions(stream: int) -> list[bool]:
        engine = Engine(store, clock.sandbox, 7, limits, real_time=clock, stream=stream)
        return [bool(engine.decide(RequestInfo("population", "lookup")).terminal) for _ in range(2000)]

    first, second = decisions(1), decisions(2)
    assert first == decisions(1)  # the same seed and stream replay the same faults
    agree = sum(a == b for a, b in zip(first, second, strict=True)) / len(first)
    # Independent fair coins agree half the time (±3.4 standard deviations over 2,000 pairs).
    assert 0.46 < agree < 0.54, agree
    assert 0.46 < sum(first) / len(first) < 0.54


def test_times_after_every_count_requests_across_workers(store, clock, limits, db_path):
    store.put_rule(
        {"id": "retry", "match": {"system": "payment", "operation": "INIT"}, "times": 2, "effects": [{"error": {"status": 500}}]}
    )
    store.put_rule({"id": "late", "match": {"system": "population"}, "after": 3, "every": 2, "effects": [{"error": {"status": 503}}]})
    workers = [Engine(store, clock.sandbox, 7, limits, real_time=clock, counters=SqliteCounters(store.db), stream=n) for n in (1, 2)]
    init = [bool(workers[i % 2].decide(RequestInfo("payment", "INIT")).terminal) for i in range(5)]
    assert init == [True, True, False, False, False]  # the first two INITs fail, whichever worker took them
    late = [bool(workers[i % 2].decide(RequestInfo("population", "lookup")).terminal) for i in range(9)]
    assert late == [False, False, False, False, True, False, True, False, True]


def test_content_matching_on_body_paths_soap_elements_headers_and_query(store, clock, limits):
    store.put_rule(
        {
            "id": "one-citizen",
            "match": {"body": {"DinhDanhCHS.SoDinhDanh": {"regex": r"056\d{9}"}, "service": "DongBoHoSoMC"}},
            "effects": [{"error": {"status": 500}}],
        }
    )
    store.put_rule(
        {
            "id": "soap",
            "match": {
                "system": "population",
                "body": {"SoDinhDanh": "001088000004"},
                "headers": {"X-Trace": {"regex": "t-.*"}},
                "query": {"v": "2"},
            },
            "effects": ["reset"],
        }
    )
    engine = Engine(store, clock.sandbox, 7, limits, real_time=clock)

    def decide(system, body: bytes, headers=None, query=""):
        environ = EnvironBuilder(method="POST", data=body, headers=headers or {}, query_string=query).get_environ()
        return engine.decide(RequestInfo(system, None, view=RequestView.from_environ(environ, body))).rule_ids

    dossier = b'{"service": "DongBoHoSoMC", "DinhDanhCHS": [{"SoDinhDanh": "001"}, {"SoDinhDanh": "056090001234"}]}'
    assert decide("portal", dossier) == ["one-citizen"]
    assert decide("portal", dossier.replace(b"056090001234", b"079090001234")) == []
    soap = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:TraCuu xmlns:m="urn:x">'
        b"<m:SoDinhDanh>001088000004</m:SoDinhDanh></m:TraCuu></s:Body></s:Envelope>"
    )
    assert decide("population", soap, {"X-Trace": "t-1"}, "v=2") == ["soap"]
    assert decide("population", soap, {"X-Trace": "u-1"}, "v=2") == []
    assert decide("population", soap, {"X-Trace": "t-1"}, "v=3") == []
    with_dtd = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "001088000004">]><x><SoDinhDanh>&e;</SoDinhDanh></x>'
    assert decide("population", with_dtd, {"X-Trace": "t-1"}, "v=2") == []  # no entity is ever expanded


def test_a_scenario_put_as_yaml_exports_and_applies_by_name(client):
    client.post(
        "/sandbox/rules",
        json={"id": "slow", "match": {"system": "population"}, "effects": [{"latency": {"dist": "fixed", "seconds": 1}}]},
        headers=ADMIN,
    )
    exported = client.get("/sandbox/rules?format=yaml", headers=ADMIN)
    assert exported.content_type.startswith("application/yaml") and b"system: population" in exported.data
    stored = client.put("/sandbox/scenarios/found-by-hand", data=exported.data, content_type="application/yaml", headers=ADMIN)
    assert stored.status_code == 200 and stored.get_json()["phases"][0]["rules"] == 1
    again = client.get("/sandbox/scenarios/found-by-hand?format=json", headers=ADMIN).get_json()
    assert again["phases"][0]["rules"][0]["effects"] == [{"latency": {"dist": "fixed", "cap_s": 120.0, "seconds": 1}}]
    assert client.post("/sandbox/scenarios/found-by-hand/apply", headers=ADMIN).get_json()["name"] == "found-by-hand"
    bad = client.put(
        "/sandbox/scenarios/typo",
        json={"phases": [{"duration_min": 1, "rules": [{"match": {"system": "treasury"}, "effects": ["reset"]}]}]},
        headers=ADMIN,
    )
    assert bad.status_code == 422 and "phases[0].rules[0].match.system" in bad.get_json()["message"]
