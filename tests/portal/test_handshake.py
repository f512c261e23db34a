"""The session handshake and session checks on the integration endpoint."""

import time

from simulator.app import create_app
from simulator.clients import by_province
from simulator.config import SETTINGS
from simulator.portal import sessions
from tests.conftest import dossier


def test_handshake_returns_numeric_zero_and_a_session(portal):
    reply = portal.login()
    assert reply["error_code"] == 0 and isinstance(reply["error_code"], int)
    assert reply["session"] and reply["message"]


def test_wrong_password_is_refused_with_non_zero_code(client, portal):
    reply = client.post("/dvcqg/api/auth", json={"username": portal.client.username, "password": "nope"}).get_json()
    assert reply["error_code"] == 1
    assert "session" not in reply


def test_handshake_missing_field_names_it(client):
    reply = client.post("/dvcqg/api/auth", json={"username": "dvc_h56"}).get_json()
    assert reply["error_code"] == 1 and "password" in reply["message"]


def test_routing_header_dstcode_is_accepted(client, portal):
    creds = {"username": portal.client.username, "password": portal.client.password}
    reply = client.post("/dvcqg/api/auth", json=creds, headers={"dstcode": "VN:GOV:000.00.00.G22:vpcp"}).get_json()
    assert reply["error_code"] == 0


def test_forged_session_is_refused(portal):
    portal.session = "f" * 48
    reply = portal.call("TraCuuHoSo", mahoso="000.00.01.H56-261126-0001")
    assert reply["error_code"] == "-2" and "session" in reply["message"].lower()


def test_expired_session_is_refused(portal, monkeypatch):

    later = time.time() + 1801
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    assert reply["error_code"] == "-2" and "hết hạn" in reply["message"]


def test_session_ttl_is_a_setting(tmp_path):

    app = create_app({"db": str(tmp_path / "s.db"), "session_ttl_seconds": 5, "admin_token": "x"})
    reply = app.test_client().post("/dvcqg/api/auth", json={"username": "dvc_h01", "password": _password("01")}).get_json()
    assert reply["expires_in"] == 5


def _password(code: str) -> str:

    return by_province(SETTINGS["seed"].default, code).password
