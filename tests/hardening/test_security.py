"""Security checks: province isolation, admin-only control, expiry, hostile input, no leaks in
error bodies, loopback by default (signed pushes: test_push_signatures.py).

Mostly through the Flask test client (fast); what depends on the real server (request size
limits at the socket, error pages of gunicorn itself, the listening address) runs against one
served process.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import socket
import sqlite3
import time

import psutil
import pytest
import requests

from simulator import config
from simulator.app import create_app
from simulator.clients import by_province, province_clients
from simulator.flows.satisfaction import INDICATORS
from tests.conftest import ADMIN, ADMIN_TOKEN, ROOT, SEED, dossier, progress
from tests.hardening.callers import gateway_token_for, payment_init

MINE, THEIRS = "56", "01"
CODE = "000.00.01.H56-261126-0001"
SQL = "'; DROP TABLE dossiers; --"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def finished(portal, code: str = CODE) -> None:
    """Sync a dossier and take it to status 10 (returned), so it can be rated."""
    portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(code, MaDoiTuong="056090001234")])
    steps = [progress(code, "4"), progress(code, "9", ThoiDiemXuLy="20261127100000")]
    portal.call("CapNhatTienDoHoSoMC", data=[*steps, progress(code, "10", ThoiDiemXuLy="20261128100000")])


RATING = {**dict.fromkeys(INDICATORS, 2), "MucDoThuanTien": "1", "DanhGiaChung": "1"}


# --- province isolation -------------------------------------------------------------------------


def test_another_province_cannot_read_update_or_report_on_a_dossier_through_the_portal(portal, portal_for):
    finished(portal)
    other = portal_for(THEIRS)
    assert other.call("TraCuuHoSo", mahoso=CODE)["result"] == []
    # TraCuuTechID answers a portal account id only (national, no dossier data to leak).
    assert set(other.call("TraCuuTechID", provider="wso2is", mstorcmnd="056090001234")["result"][0]) == {
        "TECHNICALID",
        "LOAIDOITUONG",
    }
    assert other.call("DongBoHoSoMC", isUpdating="True", data=[dossier(ChuHoSo="Kẻ gian")])["error_code"] in ("-4", "-6")
    assert other.call("CapNhatTienDoHoSoMC", data=[progress(status="4")])["error_code"] in ("-4", "-6")
    stored = portal.call("TraCuuHoSo", mahoso=CODE)["result"][0]
    assert stored["ChuHoSo"] == "Nguyễn Văn An" and stored["TrangThaiHoSo"] == "10"


def test_rest_view_hides_another_provinces_dossiers(client, portal, portal_for):
    finished(portal)
    other = portal_for(THEIRS)
    assert client.get(f"/api/v1/dossiers/{CODE}", headers=bearer(other.session)).status_code == 404
    assert client.get(f"/api/v1/dossiers?province={MINE}", headers=bearer(other.session)).status_code == 403
    assert client.get("/api/v1/dossiers", headers=bearer(other.session)).get_json()["total"] == 0
    assert client.get(f"/api/v1/dossiers/{CODE}", headers=bearer(portal.session)).status_code == 200


def test_another_province_cannot_rate_a_dossier(client, portal, portal_for):
    finished(portal)
    other = portal_for(THEIRS)
    assert client.post(f"/api/v1/dossiers/{CODE}/rating", json=RATING, headers=bearer(other.session)).status_code == 404
    assert client.post(f"/api/v1/dossiers/{CODE}/rating", json=RATING, headers=bearer(portal.session)).status_code == 201


def test_a_province_cannot_open_a_payment_for_another_provinces_dossier(client):
    theirs = bearer(gateway_token_for(client, THEIRS))
    refused = client.post("/ngsp/payment/init", json=payment_init(THEIRS, CODE, "TT-1"), headers=theirs)
    assert refused.status_code == 200 and refused.get_json()["MaLoi"] == "02", refused.get_json()
    own_code = "000.00.01.H01-261126-0001"
    assert client.post("/ngsp/payment/init", json=payment_init(THEIRS, own_code, "TT-1"), headers=theirs).status_code == 200


def test_a_province_cannot_see_another_provinces_payment(client):
    mine = bearer(gateway_token_for(client, MINE))
    assert client.post("/payment/init", json=payment_init(MINE, CODE, "TT-56"), headers=mine).status_code == 200
    info = by_province(SEED, THEIRS)
    msg = {"LoaiBanTin": "QUERY", "PhienBan": "1.0.6", "MaDoiTac": info.madonvi, "MaThamChieu": "TT-56",
           "ThoiGianGD": "20261126091000"}  # fmt: skip
    msg["MaXacThuc"] = hashlib.sha256("|".join([*msg.values(), info.gateway_secret]).encode()).hexdigest()
    reply = client.post("/payment/query", json=msg, headers=bearer(gateway_token_for(client, THEIRS)))
    assert reply.get_json()["MaLoi"] == "05"  # unknown transaction: its own payments only


def test_a_province_cannot_read_another_provinces_ministry_requests(client):
    mine, theirs = bearer(gateway_token_for(client, MINE)), bearer(gateway_token_for(client, THEIRS))
    request = {
        "maHoSoMCDT": CODE,
        "soDinhDanh": "056090001234",
        "hoTen": "Nguyễn Văn An",
        "ngaySinh": "05/08/1990",
        "loaiPhieu": "1",
        "mucDichSuDung": "Xin việc",
    }
    filed = client.post("/ngsp/judicial_record/requests", json=request, headers=mine)
    assert filed.status_code == 200, filed.get_json()
    assert client.get(f"/ngsp/judicial_record/requests/{CODE}", headers=mine).status_code == 200
    assert client.get(f"/ngsp/judicial_record/requests/{CODE}", headers=theirs).status_code == 404
    assert client.get(f"/judicial_record/requests/{CODE}", headers=theirs).status_code == 404


# --- admin API ----------------------------------------------------------------------------------


def _state(app) -> str:
    """A digest of every table's content (what a refused admin call must leave untouched).

    The request journal and traffic metrics are left out: they are written when an earlier
    simulated request's response closes, which may land between two snapshots (admin routes
    themselves are never journaled).
    """
    conn = sqlite3.connect(app.config["SANDBOX"]["db"])
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if r[0] != "request_journal" and not r[0].startswith("metrics_")
        ]
        return hashlib.sha256(
            json.dumps({t: conn.execute(f"SELECT * FROM [{t}]").fetchall() for t in tables}, default=str).encode()
        ).hexdigest()
    finally:
        conn.close()


def _admin_routes(app) -> list[tuple[str, str]]:
    """Every (method, concrete path) under /sandbox/, path arguments filled with plausible values."""
    values = {"province": MINE, "rule_id": "r1", "name": "chaos", "job_id": "1"}
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/sandbox/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: values.get(m.group(1), "x"), rule.rule)
        out += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return out


WRONG_CREDENTIALS = {
    "missing": {},
    "wrong token": bearer("not-the-admin-token"),
    "admin token with a suffix": bearer(ADMIN_TOKEN + "x"),
    "admin token as Basic": {"Authorization": "Basic " + base64.b64encode(ADMIN_TOKEN.encode()).decode()},
    "admin token without scheme": {"Authorization": ADMIN_TOKEN},
}


def test_every_admin_route_refuses_missing_or_wrong_tokens_and_changes_nothing(app, client, portal):
    routes = _admin_routes(app)
    assert len(routes) >= 30  # the url_map really was walked
    credentials = {
        **WRONG_CREDENTIALS,
        "a province's portal session": bearer(portal.session),
        "a province's gateway token": bearer(gateway_token_for(client, MINE)),
    }
    body = {
        "province": MINE,
        "count": 3,
        "scale": 50,
        "url": "http://127.0.0.1:9/x",
        "secret": "s",
        "rate_per_min": 5,
        "effects": [{"error": {"status": 503}}],
        "event": "payment.result",
        "MaHoSo": CODE,
        "service": "population.lookup",
        "allowed": False,
    }
    app.extensions["faults"].journal.flush(in_thread=False)  # the token call's journal row lands now, not mid-test
    before = _state(app)
    for method, path in routes:
        for label, headers in credentials.items():
            reply = client.open(path, method=method, json=body, headers=headers)
            assert reply.status_code == 401, (method, path, label, reply.status_code)
    assert _state(app) == before


def test_province_cannot_register_a_push_endpoint_for_itself(client, portal):
    reply = client.put(f"/sandbox/connectors/{MINE}", json={"url": "http://127.0.0.1:9/x", "secret": "s"}, headers=bearer(portal.session))
    assert reply.status_code == 401
    assert client.get("/sandbox/connectors", headers=ADMIN).get_json() == []


# --- expiry -------------------------------------------------------------------------------------


def test_portal_sessions_expire(client, portal, monkeypatch):
    assert portal.call("TraCuuHoSo", mahoso=CODE)["error_code"] == "00"
    later = time.time() + 1800 + 1  # session_ttl_seconds default
    monkeypatch.setattr(time, "time", lambda: later)
    assert portal.call("TraCuuHoSo", mahoso=CODE)["error_code"] == "-2"
    assert client.get("/api/v1/dossiers", headers=bearer(portal.session)).status_code == 401


def test_gateway_tokens_expire(client, monkeypatch):
    token = gateway_token_for(client, MINE)
    assert client.get("/ngsp/services", headers=bearer(token)).status_code == 200
    later = time.time() + 3600 + 1  # gateway_token_ttl_seconds default
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/ngsp/services", headers=bearer(token)).status_code == 401


# --- hostile input ------------------------------------------------------------------------------


def test_sql_looking_input_is_stored_verbatim_and_never_executed(app, client, portal):
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(ChuHoSo=SQL, TrichYeuHoSo="x' OR '1'='1")])
    assert reply["error_code"] == "00", reply
    stored = portal.call("TraCuuHoSo", mahoso=CODE)["result"][0]
    assert stored["ChuHoSo"] == SQL and stored["TrichYeuHoSo"] == "x' OR '1'='1"
    assert portal.call("TraCuuHoSo", mahoso="x' OR '1'='1")["result"] in ([], None)
    assert client.get("/api/v1/dossiers?procedure=' OR 1=1 --", headers=ADMIN).get_json()["total"] == 0
    assert client.get(f"/sandbox/journal?system={SQL}", headers=ADMIN).get_json()["total"] == 0
    assert client.get(f"/api/v1/dossiers/{SQL}", headers=ADMIN).status_code == 404
    conn = sqlite3.connect(app.config["SANDBOX"]["db"])
    try:
        assert conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 1
    finally:
        conn.close()


def test_a_100k_character_field_is_refused_naming_it_and_nothing_is_stored(portal):
    huge = "Nguyễn " * 15_000
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(ChuHoSo=huge)])
    assert reply["error_code"] == "-1" and "ChuHoSo: Length must be between 1 and 255" in reply["message"]
    assert portal.call("TraCuuHoSo", mahoso=CODE)["result"] == []


# --- against the served process -----------------------------------------------------------------


@pytest.fixture
def served(served_sandbox):
    """The module's real sandbox, for the checks that depend on the server itself."""
    return served_sandbox


@pytest.mark.live
def test_a_10_mb_body_is_refused_with_413(served):
    big = b'{"username":"' + b"a" * 10_000_000 + b'"}'
    info = by_province(SEED, MINE)
    token = requests.post(served.base + "/ngsp/token", auth=(info.gateway_key, info.gateway_secret), timeout=5).json()
    gateway = bearer(token["access_token"])
    for path, auth in [
        ("/dvcqg/api/auth", {}),
        ("/dvcqg/api/service", {}),
        ("/sandbox/rules", ADMIN),
        ("/ngsp/payment/init", gateway),
        ("/payment/init", gateway),
        ("/api/v1/dossiers/x/rating", ADMIN),
    ]:
        reply = requests.post(served.base + path, data=big, headers={"Content-Type": "application/json", **auth}, timeout=30)
        assert reply.status_code == 413, (path, reply.status_code)
    assert requests.get(served.base + "/healthz", timeout=5).status_code == 200


SECRETS = [ADMIN_TOKEN] + [s for c in province_clients(SEED) for s in (c.password, c.gateway_secret)]
LEAKS = re.compile(r"Traceback|File \"|site-packages|\.py\b|" + re.escape(str(ROOT)) + "|/tmp/|sqlite3\\.|OperationalError")
BAD_BODIES = [
    b"",
    b"{",
    b"[]",
    b"null",
    b'"text"',
    b"1e400",
    b'{"a": 123456789012345678901234567890}',
    b'{"session": null, "service": null, "data": null}',
    '{"x": "\u0000\ud7ff\ufffd"}'.encode(),
    b'{"data": [' + b"{}," * 600 + b"{}]}",
]


def _bad_requests(app_rules) -> list[tuple[str, str, dict, bytes]]:
    out = []
    for rule, methods in app_rules:
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", SQL.replace(";", "%3B").replace(" ", "%20"), rule)
        for method in methods:
            for body in BAD_BODIES:
                for headers in (
                    {"Content-Type": "application/json"},
                    {"Content-Type": "application/json", **ADMIN},
                    {"Content-Type": "text/plain", "Authorization": "Bearer x' OR 1=1"},
                ):
                    out.append((method, path, headers, body))
    return out


@pytest.mark.live
def test_error_bodies_never_leak_tracebacks_paths_or_secrets(served):
    """Bad bodies, bad tokens and hostile path values on every route; every 4xx/5xx body is clean."""
    spec_app = create_app({"db": str(served.db_path.parent / "routes.db"), "admin_token": "x"})
    # Reset with the admin token would wipe the served sandbox halfway through the sweep.
    rules = [(r.rule, sorted(r.methods - {"HEAD", "OPTIONS"})) for r in spec_app.url_map.iter_rules() if r.rule != "/sandbox/reset"]
    session = requests.Session()
    checked = 0
    for method, path, headers, body in _bad_requests(rules):
        reply = session.request(method, served.base + path, data=body, headers=headers, timeout=15)
        if reply.status_code < 400:
            continue
        checked += 1
        text = reply.text
        assert not LEAKS.search(text), (method, path, reply.status_code, text[:500])
        assert not any(secret in text for secret in SECRETS), (method, path, reply.status_code)
        assert reply.status_code < 500, (method, path, reply.status_code, text[:300])
    assert checked > 1000
    wrong = requests.post(served.base + "/dvcqg/api/auth", json={"username": "dvc_h56", "password": "nope"}, timeout=5)
    assert by_province(SEED, MINE).password not in wrong.text


@pytest.mark.live
def test_garbage_on_the_socket_gets_a_clean_error(served):
    """Malformed HTTP reaches gunicorn itself: its error pages must be as quiet as ours."""
    for garbage in (
        b"GARBAGE\r\n\r\n",
        b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /dvcqg/api/auth HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    ):
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
            sock.sendall(garbage)
            answer = sock.recv(65536).decode(errors="replace")
        assert not LEAKS.search(answer) and ADMIN_TOKEN not in answer, answer[:500]


@pytest.mark.live
def test_served_process_listens_on_loopback_only(served):
    """By default every listening socket of the gunicorn process tree is on 127.0.0.1."""
    assert config.SETTINGS["host"].default == "127.0.0.1"
    tree = [psutil.Process(served.proc.pid), *psutil.Process(served.proc.pid).children(recursive=True)]
    listening = {(c.laddr.ip, c.laddr.port) for p in tree for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
    assert listening == {("127.0.0.1", served.port)}, listening
