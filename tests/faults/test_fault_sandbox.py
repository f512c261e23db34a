"""The wiring facade and the middleware in-process (no server): what the app factory relies on."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from flask import Flask, jsonify

from simulator.config import resolve
from simulator.faults import FaultSandbox, RequestInfo
from simulator.faults.classify import prefix_classifier
from simulator.faults.middleware import ConnectionDropped

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def sandbox(tmp_path):
    return FaultSandbox.from_settings(resolve({"db": str(tmp_path / "s.db"), "scenarios_dir": str(SCENARIOS)}, environ={}))


@pytest.fixture
def client(sandbox):
    app = Flask(__name__)

    @app.get("/population/<op>")
    def population(op):
        return jsonify({"op": op, "CongDan": {"SoDienThoai": "09"}})

    @app.get("/metrics")
    def metrics():
        return sandbox.render_metrics()[0]

    app.wsgi_app = sandbox.middleware(app.wsgi_app, prefix_classifier({"/population": "population"}))
    return app.test_client()


def test_put_rule_anchors_the_window_at_the_current_sandbox_time(sandbox):
    rule = sandbox.put_rule({"id": "w", "match": {"window": {"start_offset_s": 0, "duration_s": 60}}, "effects": ["empty"]})
    assert rule.started_at == pytest.approx(sandbox.clock.timestamp(), abs=1)
    assert sandbox.engine.decide(RequestInfo("population")).terminal.kind == "empty"


def test_middleware_in_process_applies_partial_and_journals_with_sandbox_time(sandbox, client):
    sandbox.put_rule({"id": "p", "effects": [{"partial": {"fields": ["SoDienThoai"]}}]})
    r = client.get("/population/x", headers={"X-Request-ID": "in-proc"})
    assert r.json == {"op": "x", "CongDan": {}} and r.headers["X-Sandbox-Fault"] == "partial"
    r.close()  # a WSGI server closes the body iterable after the last byte: that is when the row is made
    sandbox.journal.flush()
    row = sandbox.journal.query(limit=1)[0]
    assert row["request_id"] == "in-proc" and row["fault"] == "partial" and row["sim_ts"] is not None


def test_reset_without_a_gunicorn_socket_still_refuses_to_answer(sandbox, client):
    sandbox.put_rule({"id": "r", "effects": ["reset"]})
    with pytest.raises(ConnectionDropped):
        client.get("/population/x")


def test_unclassified_requests_are_neither_faulted_nor_journaled(sandbox, client):
    sandbox.put_rule({"id": "r", "effects": ["reset"]})
    assert client.get("/metrics").status_code == 200
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
    client.get("/population/x").close()
    sandbox.journal.flush()
    sandbox.reset()
    assert sandbox.store.list_rules() == [] and sandbox.scenarios.status() == {"running": False}
    assert sandbox.journal.count() == 0 and sandbox.clock.scale() == 1.0
    assert b"sandbox_requests_total{" not in sandbox.render_metrics()[0]


def test_classifier_reads_the_portal_service_and_unit_from_the_body_and_bounds_operations():

    classify = prefix_classifier(
        {"/portal": "portal", "/population": "population"},
        body_operation={"portal": "service"},
        body_client={"portal": "madonvi"},
        known_operations={"portal": {"DongBoHoSoMC", "TraCuuHoSo"}},
    )
    body = json.dumps({"service": "TraCuuHoSo", "madonvi": "000.00.00.H56"}).encode()
    environ = {"PATH_INFO": "/portal/api", "REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
    info = classify(environ)
    assert (info.system, info.operation, info.client) == ("portal", "TraCuuHoSo", "000.00.00.H56")
    assert environ["wsgi.input"].read() == body
    odd = json.dumps({"service": "Random123"}).encode()
    environ = {"PATH_INFO": "/portal/api", "CONTENT_LENGTH": str(len(odd)), "wsgi.input": io.BytesIO(odd)}
    assert classify(environ).operation == "unknown"
    assert classify({"PATH_INFO": "/population/citizens/079090001234", "HTTP_X_SANDBOX_CLIENT": "H22"}).operation == "citizens"
    assert classify({"PATH_INFO": "/docs"}) is None
