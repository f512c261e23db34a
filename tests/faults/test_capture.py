"""Request capture and verification through the app: masking, bounds, the match language, the API."""

from __future__ import annotations

import base64
import itertools
import json

import pytest

from simulator.app import create_app
from simulator.clients import by_province
from simulator.faults import capture
from simulator.faults.journal import Journal
from simulator.faults.rules import validate_rule
from simulator.faults.verify import Expectation
from tests.conftest import ADMIN_TOKEN, SEED
from tests.systems.test_payment import init_message

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
CLIENT = by_province(SEED, "56")


def captured(client, **filters) -> list[dict]:
    """GET /sandbox/requests (newest first)."""
    reply = client.get("/sandbox/requests", query_string=filters, headers=AUTH)
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()["items"]


def call(client, method: str, path: str, **kw):
    """One request through the test client, closed so the journal records it."""
    reply = client.open(path, method=method, **kw)
    reply.close()
    return reply


def everything_stored(app) -> str:
    """Every captured row's text, as stored in SQLite."""
    journal = app.extensions["faults"].journal
    journal.flush(in_thread=False)
    return json.dumps([list(r) for r in journal.db.execute("SELECT * FROM request_capture")], ensure_ascii=False)


def test_auth_password_is_masked_and_the_session_shortened_in_request_and_response(client, app):
    call(client, "POST", "/dvcqg/api/auth", json={"username": CLIENT.username, "password": CLIENT.password})
    (item,) = captured(client)
    assert item["system"] == "portal" and item["operation"] == "auth" and item["province"] == "56"
    assert json.loads(item["request"]["body"]) == {"username": CLIENT.username, "password": "***"}
    session = json.loads(item["response"]["body"])["session"]
    assert session.endswith("…") and len(session) == 7
    assert CLIENT.password not in everything_stored(app)


def test_gateway_secret_never_appears_whichever_way_it_was_sent(client, app):
    basic = base64.b64encode(f"{CLIENT.gateway_key}:{CLIENT.gateway_secret}".encode()).decode()
    call(client, "POST", "/ngsp/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"})
    call(
        client,
        "POST",
        "/ngsp/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT.gateway_key, "client_secret": CLIENT.gateway_secret},
    )
    lgsp = base64.b64encode(
        json.dumps(
            {"AccessKey": CLIENT.gateway_key, "SecretKey": CLIENT.gateway_secret, "AppName": "motcua", "PartnerCode": "H56"}
        ).encode()
    ).decode()
    call(client, "POST", "/ngsp/token", headers={"lgspaccesstoken": lgsp})
    items = captured(client, system="gateway")
    assert len(items) == 3
    lgsp_item, form_item, basic_item = items
    assert basic_item["request"]["headers"]["authorization"] == "Basic ***"
    assert "client_secret=***" in form_item["request"]["body"]
    assert f"client_id={CLIENT.gateway_key}" in form_item["request"]["body"]
    assert lgsp_item["request"]["headers"]["lgspaccesstoken"] == "***"
    token = json.loads(basic_item["response"]["body"])["access_token"]
    assert token.endswith("…")
    stored = everything_stored(app)
    assert CLIENT.gateway_secret not in stored and basic not in stored and lgsp not in stored


def test_payment_mac_stays_visible_and_the_shared_secret_never_appears(client, app):
    message = init_message()
    call(client, "POST", "/payment/init", json=message)
    (item,) = captured(client, system="payment")
    assert item["operation"] == "INIT"
    assert json.loads(item["request"]["body"])["MaXacThuc"] == message["MaXacThuc"]
    assert CLIENT.gateway_secret not in everything_stored(app)


def test_bearer_token_is_shortened_so_it_cannot_be_replayed():
    assert capture.mask_header("Authorization", "Bearer abcdefghijklmnop") == "Bearer abcdef…"
    assert capture.mask_header("authorization", "Basic ZGVtbzpzZWNyZXQ=") == "Basic ***"
    assert capture.mask_header("X-Province", "56") == "56"


@pytest.mark.parametrize(
    "body, secret",
    [
        ('{"user": "a", "password": "hunter2-and-more"', "hunter2"),  # cut before the closing quote
        ('{"password": "pa\\"ss-word"}', "ss-word"),  # an escaped quote inside the value
        ("<soap:Body><ns:MatKhau>hunter2</ns:MatKhau></soap:Body>", "hunter2"),
        ("<Body><password>hunter2", "hunter2"),  # cut inside the element
        ("grant_type=password&username=u&password=hunter2", "hunter2"),
        ('{"nested": [{"Client_Secret": "hunter2"}]}', "hunter2"),
    ],
)
def test_masking_works_on_text_that_is_cut_or_not_json(body, secret):
    masked = capture.mask_text(body)
    assert secret not in masked and "***" in masked


@pytest.mark.parametrize(
    "body",
    [
        '{"MaLoi": "03", "MoTaLoi": "wrong MaXacThuc: sha256 of LoaiBanTin|...|Ip|<secret>"}',
        '{"message": "see https://example.test/login?password=reset for help"}',
    ],
)
def test_a_whole_json_body_mentioning_a_secret_in_prose_stays_as_it_is(body):
    assert capture.mask_text(body) == body


def test_a_refused_payload_is_captured_exactly_as_sent(client):
    raw = b'{"session": "x", "madonvi": "000.00.00.H56", "service": "DongBoHoSoMC", "data": [{"MaHoSo": 1}],}'
    reply = call(client, "POST", "/dvcqg/api/service", data=raw, content_type="application/json")
    (item,) = captured(client)
    assert item["request"]["body"] == raw.decode()
    assert item["status"] == reply.status_code
    assert item["response"]["body"].encode() == reply.get_data()
    assert item["request"]["body_bytes"] == len(raw) and not item["request"]["body_truncated"]


def test_hostile_body_refused_by_the_middleware_is_captured_with_its_400(client):
    raw = b"[" * 3000 + b"]" * 3000
    reply = call(client, "POST", "/payment/init", data=raw, content_type="application/json")
    assert reply.status_code == 400
    (item,) = captured(client)
    assert item["status"] == 400 and item["request"]["body"] == raw.decode()
    assert "too deep" in item["response"]["body"] or "nested" in item["response"]["body"]


def test_bodies_are_cut_at_the_byte_bound_with_the_full_size_noted(tmp_path):
    app = create_app({"db": str(tmp_path / "s.db"), "seed": SEED, "admin_token": ADMIN_TOKEN, "TESTING": True, "capture_body_bytes": 40})
    client = app.test_client()
    call(client, "POST", "/dvcqg/api/auth", json={"username": CLIENT.username, "password": CLIENT.password * 3})
    (item,) = captured(client)
    assert item["request"]["body_truncated"] and item["request"]["body_bytes"] > 40
    assert len(item["request"]["body"].encode()) <= 40 and CLIENT.password not in item["request"]["body"]
    assert item["response"]["body_truncated"]


def test_capture_keeps_only_the_newest_max_rows(db_path):
    journal = Journal(db_path, capture_settings=capture.CaptureSettings(max_rows=100, body_bytes=100))
    for i in range(250):
        snap = capture.snapshot(None, f"i={i}", None, 100)
        journal.record(
            {
                "ts": 1000.0 + i,
                "request_id": f"r{i}",
                "client": "H56",
                "system": "population",
                "operation": "TraCuu",
                "method": "GET",
                "path": "/p",
                "status": 200,
                "capture": snap,
            }
        )
        if i % 60 == 0:
            journal.flush(in_thread=False)
    journal.flush(in_thread=False)
    items = journal.requests(limit=500)
    assert len(items) == 100 and items[0]["request_id"] == "r249" and items[-1]["request_id"] == "r150"


def test_capture_off_keeps_nothing_and_verify_says_so(tmp_path):
    app = create_app({"db": str(tmp_path / "s.db"), "seed": SEED, "admin_token": ADMIN_TOKEN, "TESTING": True, "capture_enabled": False})
    client = app.test_client()
    call(client, "POST", "/dvcqg/api/auth", json={"username": CLIENT.username, "password": CLIENT.password})
    reply = client.get("/sandbox/requests", headers=AUTH).get_json()
    assert reply["items"] == [] and reply["capture"]["enabled"] is False
    assert app.extensions["faults"].journal.count(system="portal") == 1  # the journal itself still records
    verdict = client.post("/sandbox/verify", json={"match": {"system": "portal"}}, headers=AUTH)
    assert verdict.status_code == 422 and "capture_enabled" in verdict.get_json()["message"]


def test_filters_select_by_system_operation_province_body_text_time_and_id(client, portal_for):
    portal_for("56").call("TraCuuHoSo", mahoso="000.00.01.H56-261126-0001")
    portal_for("01").call("TraCuuHoSo", mahoso="000.00.01.H01-261126-0002")
    everything = captured(client)
    assert [i["operation"] for i in everything] == ["TraCuuHoSo", "auth", "TraCuuHoSo", "auth"]
    assert [i["province"] for i in captured(client, province="H01")] == ["01", "01"]
    assert [i["province"] for i in captured(client, province="56", operation="TraCuuHoSo")] == ["56"]
    (hit,) = captured(client, body_contains="H01-261126-0002")
    assert hit["province"] == "01"
    assert captured(client, system="payment") == []
    assert len(captured(client, since=everything[1]["ts"])) == 2
    # Following: the rows written after a given one, oldest first.
    assert [i["id"] for i in captured(client, after_id=everything[2]["id"])] == [everything[1]["id"], everything[0]["id"]]
    assert len(captured(client, limit=1)) == 1
    bad = client.get("/sandbox/requests", query_string={"province": "Khánh Hòa"}, headers=AUTH)
    assert bad.status_code == 422 and "province" in json.dumps(bad.get_json())
    assert client.get("/sandbox/requests").status_code == 401


def test_verify_counts_with_the_rule_matcher_and_explains_near_misses(client, portal_for):
    portal_for("56").call("TraCuuHoSo", mahoso="000.00.01.H56-261126-0001")
    match = {"system": "portal", "operation": "TraCuuHoSo", "client": "H56", "body": {"mahoso": "000.00.01.H56-261126-0001"}}
    ok = client.post("/sandbox/verify", json={"match": match, "count": {"exactly": 1}}, headers=AUTH)
    assert ok.status_code == 200 and ok.get_json()["count"] == 1 and ok.get_json()["verified"]
    wrong = {**match, "body": {"mahoso": {"regex": r".*-0002"}}}
    missed = client.post("/sandbox/verify", json={"match": wrong, "count": {"at_least": 1}}, headers=AUTH)
    assert missed.status_code == 409
    data = missed.get_json()
    assert data["count"] == 0 and data["expected"] == {"at_least": 1}
    nearest = data["nearest"][0]
    assert nearest["request"]["operation"] == "TraCuuHoSo"
    assert nearest["missed"] == ["body.mahoso: expected matching /.*-0002/, got '000.00.01.H56-261126-0001'"]
    assert data["nearest"][1]["missed"][0].startswith("operation: expected 'TraCuuHoSo', got 'auth'")
    too_many = client.post("/sandbox/verify", json={"match": {"system": "portal"}, "count": {"at_most": 1}}, headers=AUTH)
    assert too_many.status_code == 409 and too_many.get_json()["count"] == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({"match": {"system": "treasury"}}, "match.system"),
        ({"match": {"system": "payment", "operation": "auth"}}, "match.operation"),
        ({"match": {"window": {"daily": "05:00-06:00"}}}, "match.window"),
        ({"match": {"body": {"x": {"regex": "("}}}}, "match.body.x.regex"),
        ({"match": {}, "count": {"exactly": 1, "at_most": 2}}, "exactly"),
        ({"match": {}, "count": {"at_least": 3, "at_most": 2}}, "at_least"),
        ({"count": {"exactly": 1}}, "match"),
    ],
)
def test_verify_refuses_a_bad_match_or_count_naming_the_field(client, body, field):
    reply = client.post("/sandbox/verify", json=body, headers=AUTH)
    assert reply.status_code == 422
    assert field in json.dumps(reply.get_json(), ensure_ascii=False)


@pytest.mark.parametrize(
    "expectation, holds",
    [
        (Expectation(), [False, True, True]),
        (Expectation(exactly=0), [True, False, False]),
        (Expectation(at_least=2), [False, False, True]),
        (Expectation(at_most=1), [True, True, False]),
        (Expectation(at_least=1, at_most=1), [False, True, False]),
    ],
)
def test_expected_counts_hold_as_named(expectation, holds):
    assert [expectation.holds(n) for n in (0, 1, 2)] == holds


def test_rule_misses_is_the_engine_predicate_worded():
    """For every combination, `misses` is empty exactly when the engine's static match (with via) holds."""
    rule = validate_rule(
        {"match": {"system": ["population", "gateway"], "operation": "verify", "method": "POST", "client": "H56"}, "effects": ["empty"]}
    )
    for system, operation, method, client, via in itertools.product(
        ("population", "gateway", "payment"), ("verify", None, "INIT"), ("POST", "get"), ("H56", "H01", None), (None, "gateway")
    ):
        engine_says = rule.matches_request(system, operation, method, client) or bool(
            via and rule.matches_request(via, None, method, client)
        )
        assert (rule.misses(system, operation, method, client, via=via) == []) == engine_says


def test_requests_and_verify_are_in_the_openapi_document(client):
    spec = client.get("/openapi.json").get_json()
    assert "get" in spec["paths"]["/sandbox/requests"]
    verify = spec["paths"]["/sandbox/verify"]["post"]
    assert {"200", "409", "401", "422"} <= set(verify["responses"])
    assert "CapturedRequest" in json.dumps(spec["components"]["schemas"])
