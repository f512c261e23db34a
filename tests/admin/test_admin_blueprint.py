"""Every route of an admin blueprint refuses a caller without the admin token, and says so in OpenAPI."""

import pytest
from flask import Flask
from flask_smorest import Api

from simulator.admin.blueprint import SECURITY, UNAUTHORIZED, admin_blueprint, admin_doc


def _admin_rules(app):
    """Every (method, rule) under /sandbox: sandbox control is the admin's alone."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/sandbox/") or rule.rule == "/sandbox":
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule


def test_every_admin_route_answers_401_before_reading_its_arguments(app, client):
    routes = list(_admin_rules(app))
    assert len(routes) > 30
    for method, rule in routes:
        path = rule.rule.replace("<string:", "<").replace("<", "").replace(">", "")
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            # A body the route would refuse with 422: the token check comes first.
            reply = client.open(path, method=method, json={"unexpected": True}, headers=headers)
            assert reply.status_code == 401, (method, rule.rule)
            assert "Admin token required" in reply.get_json()["message"]


def test_every_admin_operation_documents_bearer_security_and_its_401(app, client):
    spec = client.get("/openapi.json").get_json()
    for method, rule in _admin_rules(app):
        path = rule.rule.replace("<string:", "{").replace("<", "{").replace(">", "}")
        operation = spec["paths"][path][method.lower()]
        assert operation["security"] == SECURITY, (method, path)
        assert operation["responses"]["401"]["description"] == UNAUTHORIZED, (method, path)


@pytest.fixture
def tiny_api():
    """A bare app with one admin blueprint of one route, to see the helpers alone."""
    app = Flask("tiny")
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3", SANDBOX={"admin_token": "secret"})
    api = Api(app)
    blp = admin_blueprint("tiny", __name__, url_prefix="/sandbox/tiny", description="A test feature")

    @blp.route("/ping")
    @admin_doc(blp, {"200": {"description": "pong"}}, summary="Ping")
    def ping():
        return {"pong": True}

    api.register_blueprint(blp)
    return app, api


def test_admin_doc_merges_its_responses_and_other_doc(tiny_api):
    _, api = tiny_api
    operation = api.spec.to_dict()["paths"]["/sandbox/tiny/ping"]["get"]
    assert operation["summary"] == "Ping"
    assert operation["responses"]["200"]["description"] == "pong"
    assert operation["responses"]["401"]["description"] == UNAUTHORIZED
    assert operation["security"] == SECURITY


def test_an_admin_blueprint_lets_the_admin_token_through(tiny_api):
    app, _ = tiny_api
    client = app.test_client()
    assert client.get("/sandbox/tiny/ping").status_code == 401
    assert client.get("/sandbox/tiny/ping", headers={"Authorization": "Bearer secret"}).get_json() == {"pong": True}
