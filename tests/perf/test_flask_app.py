"""The memoised URL map and `ensure_sync` of `SandboxFlask` behave exactly as Flask's own."""

from __future__ import annotations

import gc
import io
import json
import sys

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
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
