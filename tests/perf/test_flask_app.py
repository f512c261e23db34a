"""The memoised URL map and `ensure_sync` of `SandboxFlask` behave exactly as Flask's own."""

from __future__ import annotations

import gc
import io
import json
import sys

import pytest
from flask import Flask
from werkzeug.exceptions import BadHost, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.routing.exceptions import RequestRedirect

from simulator import flask_app
from simulator.clients import by_province
from simulator.flask_app import MemoMap, SandboxFlask
from tests.conftest import SEED

SAMPLE = {"PathConverter": "a/b", "UnicodeConverter": "X1"}


def sample_paths(url_map: Map) -> list[tuple[str, str]]:
    """(path, method) for every rule of a URL map, its arguments filled with sample values."""
    adapter = url_map.bind("localhost")
    out = []
    for rule in url_map.iter_rules():
        values = {name: SAMPLE[type(conv).__name__] for name, conv in rule._converters.items()}
        path = adapter.build(rule.endpoint, values, method=next(iter(rule.methods or {"GET"})))
        out.extend((path, method) for method in sorted(rule.methods or {"GET"}))
    return out


def test_every_route_of_the_app_matches_as_werkzeug_matches_it(app):
    assert isinstance(app, SandboxFlask)
    plain = Map([rule.empty() for rule in app.url_map.iter_rules()])
    memo_adapter, plain_adapter = app.url_map.bind("localhost"), plain.bind("localhost")
    paths = sample_paths(app.url_map)
    assert len(paths) > 80
    for _ in range(2):  # the second pass is served from the memo
        for path, method in paths:
            rule, values = memo_adapter.match(path, method, return_rule=True)
            expected_rule, expected_values = plain_adapter.match(path, method, return_rule=True)
            assert (rule.rule, rule.endpoint, values) == (expected_rule.rule, expected_rule.endpoint, expected_values)


def test_a_memoised_match_hands_out_its_own_copy_of_the_values():
    adapter = MemoMap([Rule("/dossiers/<code>", endpoint="dossier")]).bind("localhost")
    _, values = adapter.match("/dossiers/H56-1", return_rule=True)
    values["code"] = "changed by a view"
    assert adapter.match("/dossiers/H56-1") == ("dossier", {"code": "H56-1"})


def test_a_rule_added_later_wins_the_paths_it_should():
    url_map = MemoMap([Rule("/items/<name>", endpoint="item")])
    assert url_map.bind("localhost").match("/items/static") == ("item", {"name": "static"})
    url_map.add(Rule("/items/static", endpoint="static_item"))
    assert url_map.bind("localhost").match("/items/static") == ("static_item", {})


def test_misses_and_redirects_are_raised_every_time():
    adapter = MemoMap([Rule("/a", endpoint="a", methods=["POST"]), Rule("/dir/", endpoint="dir")]).bind("localhost")
    for _ in range(2):
        with pytest.raises(NotFound):
            adapter.match("/nowhere")
        with pytest.raises(MethodNotAllowed):
            adapter.match("/a", "GET")
        with pytest.raises(RequestRedirect):
            adapter.match("/dir")
    assert adapter.match("/a", "POST") == ("a", {})


def test_the_memo_stays_bounded_by_distinct_paths(monkeypatch):
    monkeypatch.setattr(flask_app, "MEMO_MAX", 16)
    url_map = MemoMap([Rule("/dossiers/<code>", endpoint="dossier")])
    adapter = url_map.bind("localhost")
    for n in range(100):
        assert adapter.match(f"/dossiers/{n}") == ("dossier", {"code": str(n)})
    assert 0 < len(url_map._matcher._memo) <= 16


def test_ensure_sync_asks_once_per_function(app, monkeypatch):
    def view():
        return "ok"

    asked = []
    monkeypatch.setattr("flask.app.iscoroutinefunction", lambda func: asked.append(func) or False)
    assert app.ensure_sync(view) is view
    assert app.ensure_sync(view) is view
    assert asked == [view]


def test_a_portal_query_leaves_no_reference_cycle_behind(app, client):
    """Werkzeug's matcher left 8 objects for the garbage collector on every request (issue 19)."""
    credential = by_province(SEED, "56")
    session = client.post("/dvcqg/api/auth", json={"username": credential.username, "password": credential.password}).get_json()
    body = json.dumps({"session": session["session"], "madonvi": credential.madonvi, "service": "TraCuuHoSo", "mahoso": "X"}).encode()

    def query() -> None:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/dvcqg/api/service",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        reply = app(environ, lambda status, headers, exc_info=None: None)
        assert json.loads(b"".join(reply))["error_code"] == "00"
        reply.close()

    query()  # warm: first-use caches are not garbage
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(20):
            query()
        gc.collect()
        garbage = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert garbage == []


ENVIRONS = [
    {"HTTP_HOST": "127.0.0.1:8000"},
    {"HTTP_HOST": "LocalHost:80"},
    {"HTTP_HOST": "sandbox.example:443", "wsgi.url_scheme": "https"},
    {"HTTP_HOST": "bücher.example"},
    {},  # no Host header: the server's address
    {"HTTP_HOST": "127.0.0.1:8000", "HTTP_CONNECTION": "keep-alive, Upgrade", "HTTP_UPGRADE": "websocket"},
    {"HTTP_HOST": "127.0.0.1:8000", "SCRIPT_NAME": "/sandbox", "PATH_INFO": "/dvcqg/api/service"},
    {"HTTP_HOST": "127.0.0.1:8000", "PATH_INFO": "/tra-c\xc3\xbau", "QUERY_STRING": "q=\xc3\xa1&x=1"},
    {"HTTP_HOST": "127.0.0.1:8000", "PATH_INFO": ""},
]


def adapter_state(adapter) -> tuple:
    """Everything a MapAdapter matches and builds URLs with."""
    names = ("server_name", "script_name", "subdomain", "url_scheme", "path_info", "default_method", "query_args", "websocket")
    return tuple(getattr(adapter, name) for name in names)


@pytest.mark.parametrize("extra", ENVIRONS)
def test_the_url_adapter_and_host_are_flasks_own_on_every_request(app, extra):
    base = {"REQUEST_METHOD": "POST", "SERVER_NAME": "10.0.0.5", "SERVER_PORT": "8000", "wsgi.url_scheme": "http", "PATH_INFO": "/healthz"}
    for _ in range(3):  # the first computes, the later ones are built from what it kept
        ours = app.request_class({**base, **extra})
        theirs = app.request_class({**base, **extra})
        adapter = app.create_url_adapter(ours)
        expected = Flask.create_url_adapter(app, theirs)
        assert adapter_state(adapter) == adapter_state(expected)
        assert ours.host == theirs.host


def test_a_host_flask_refuses_is_refused_every_time(app):
    environ = {
        "REQUEST_METHOD": "GET",
        "SERVER_NAME": "x",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "a" * 64 + ".example",
    }
    for _ in range(2):
        with pytest.raises(BadHost):
            app.create_url_adapter(app.request_class(environ))


def test_the_remembered_hosts_stay_bounded(app, monkeypatch):
    monkeypatch.setattr(flask_app, "HOSTS_MAX", 4)
    for n in range(10):
        environ = {
            "REQUEST_METHOD": "GET",
            "SERVER_NAME": "x",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "HTTP_HOST": f"h{n}.example",
        }
        app.create_url_adapter(app.request_class(environ))
        assert len(app._hosts) <= 4


def test_a_request_blueprint_path_follows_its_endpoint(app):
    request = app.request_class({"REQUEST_METHOD": "GET", "SERVER_NAME": "x", "SERVER_PORT": "80", "wsgi.url_scheme": "http"})
    assert request.blueprints == []
    request.url_rule = Rule("/a", endpoint="portal.nested.view")
    assert request.blueprints == ["portal.nested", "portal"]
    request.blueprints.append("changed by a caller")
    assert request.blueprints == ["portal.nested", "portal"]
    request.url_rule = Rule("/b", endpoint="gateway.view")
    assert request.blueprints == ["gateway"]
