"""The wiring facade and the middleware in-process (no server), on the real app with its real
classifier: what the app factory relies on."""

from __future__ import annotations

import io
import json

import pytest

from simulator.fault_classifier import make_classifier
from simulator.faults import RequestInfo
from simulator.faults.middleware import ConnectionDropped
from tests.conftest import ROOT


@pytest.fixture
def app_config() -> dict:
    """The shipped scenarios, wherever pytest runs from."""
    return {"scenarios_dir": str(ROOT / "scenarios")}


@pytest.fixture
def sandbox(app):
    """The app's fault engine (FaultSandbox), as `create_app` built it."""
    return app.extensions["faults"]


@pytest.fixture
def classify(app):
    """The app's classifier, as `create_app` built it."""
    return make_classifier(app.config["SANDBOX"]["db"], app.config["SANDBOX"]["max_body_bytes"])


def service(client, portal, name: str, **kwargs):
    """POST a portal service call through the Flask test client."""
    body = {"session": portal.session, "madonvi": portal.client.madonvi, "service": name}
    return client.post("/dvcqg/api/service", json=body, **kwargs)


def test_put_rule_anchors_the_window_at_the_current_sandbox_time(sandbox):
    rule = sandbox.put_rule({"id": "w", "match": {"window": {"start_offset_s": 0, "duration_s": 60}}, "effects": ["empty"]})
    assert rule.started_at == pytest.approx(sandbox.clock.timestamp(), abs=1)
    assert sandbox.engine.decide(RequestInfo("population")).terminal.kind == "empty"


def test_middleware_in_process_applies_partial_and_journals_with_sandbox_time(sandbox, client, portal):
    whole = service(client, portal, "LayDanhMucLinhVuc").json
    assert all("TENLINHVUC" in row for row in whole["result"])
    sandbox.put_rule({"id": "p", "match": {"system": "portal"}, "effects": [{"partial": {"fields": ["TENLINHVUC"]}}]})
    reply = service(client, portal, "LayDanhMucLinhVuc", headers={"X-Request-ID": "in-proc"})
    assert reply.json["result"] == [{k: v for k, v in row.items() if k != "TENLINHVUC"} for row in whole["result"]]
    assert reply.headers["X-Sandbox-Fault"] == "partial"
    reply.close()  # a WSGI server closes the body iterable after the last byte: that is when the row is made
    sandbox.journal.flush()
    row = sandbox.journal.query(limit=1)[0]
    assert (row["request_id"], row["fault"], row["system"], row["operation"]) == ("in-proc", "partial", "portal", "LayDanhMucLinhVuc")
    assert row["sim_ts"] == pytest.approx(sandbox.clock.timestamp(), abs=5)


def test_reset_without_a_gunicorn_socket_still_refuses_to_answer(sandbox, client):
    sandbox.put_rule({"id": "r", "effects": ["reset"]})
    with pytest.raises(ConnectionDropped):
        client.get("/ngsp/services")


def test_unclassified_requests_are_neither_faulted_nor_journaled(sandbox, client):
    sandbox.put_rule({"id": "r", "effects": ["reset"]})
    assert client.get("/metrics").status_code == 200 and client.get("/healthz").json["status"] == "ok"
    sandbox.journal.flush()
    assert sandbox.journal.count() == 0


def test_a_broken_classifier_lets_requests_through(sandbox):
    def broken(environ):
        raise RuntimeError("bug")

    app = sandbox.middleware(lambda environ, sr: (sr("200 OK", []), [b"ok"])[1], broken)
    seen = {}
    body = app({"PATH_INFO": "/x", "REQUEST_METHOD": "GET"}, lambda s, h: seen.update(status=s, headers=dict(h)))
    assert list(body) == [b"ok"] and seen["status"] == "200 OK" and "X-Request-ID" in seen["headers"]


def test_sandbox_reset_forgets_rules_scenario_journal_and_clock_speed(sandbox, client):
    sandbox.put_rule({"id": "slow", "effects": [{"latency": {"dist": "fixed", "seconds": 0.01}}]})
    sandbox.scenarios.apply("chaos")
    sandbox.clock.set_scale(60)
    client.get("/ngsp/services").close()
    sandbox.journal.flush()
    assert sandbox.journal.count() == 1
    sandbox.reset()
    assert sandbox.store.list_rules() == [] and sandbox.scenarios.status() == {"running": False}
    assert sandbox.journal.count() == 0 and sandbox.clock.scale() == 1.0
    assert b"sandbox_requests_total{" not in sandbox.render_metrics()[0]


def environ_for(path: str, body: dict | None = None, **extra) -> dict:
    """A WSGI environ for a POST of `body` as JSON (or a GET without one)."""
    if body is None:
        return {"PATH_INFO": path, "REQUEST_METHOD": "GET", **extra}
    raw = json.dumps(body).encode()
    return {"PATH_INFO": path, "REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(raw)), "wsgi.input": io.BytesIO(raw), **extra}


def test_classifier_reads_the_portal_service_and_unit_from_the_body_and_leaves_it_readable(classify):
    environ = environ_for("/dvcqg/api/service", {"service": "TraCuuHoSo", "madonvi": "000.00.00.H56"})
    info = classify(environ)
    assert (info.system, info.operation, info.client) == ("portal", "TraCuuHoSo", "H56")
    assert json.loads(environ["wsgi.input"].read()) == {"service": "TraCuuHoSo", "madonvi": "000.00.00.H56"}


def test_classifier_bounds_operations_to_the_known_services(classify):
    assert classify(environ_for("/dvcqg/api/service", {"service": "Random123"})).operation == "unknown"
    assert classify(environ_for("/dvcqg/api/service", {"service": ["TraCuuHoSo"]})).operation == "unknown"


def test_classifier_names_a_ministry_operation_by_its_path_on_either_prefix(classify):
    direct = classify(environ_for("/population/citizens/079090001234"))
    gateway = classify(environ_for("/ngsp/population/citizens/079090001234"))
    assert (direct.system, direct.operation, direct.via) == ("population", "citizens", None)
    assert (gateway.system, gateway.operation, gateway.via) == ("population", "citizens", "gateway")


def test_classifier_leaves_the_sandboxs_own_routes_unsimulated(classify):
    assert classify(environ_for("/docs")) is None and classify(environ_for("/sandbox/rules")) is None
