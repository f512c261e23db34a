"""Per-province credential rotation through the admin API (stored in SQLite)."""

from __future__ import annotations

import base64
import json

from click.testing import CliRunner

from simulator.app import create_app
from simulator.cli import main
from tests.conftest import ADMIN, ADMIN_TOKEN, SEED
from tests.hardening.callers import payment_init


def _login(client, username: str, password: str) -> dict:
    return client.post("/dvcqg/api/auth", json={"username": username, "password": password}).get_json()


def _token_status(client, key: str, secret: str) -> int:
    basic = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return client.post("/ngsp/token", headers={"Authorization": f"Basic {basic}"}).status_code


def test_rotating_replaces_password_and_gateway_secret_and_ends_open_sessions(client, portal):
    before = portal.client
    token = client.post("/ngsp/token", auth=(before.gateway_key, before.gateway_secret)).get_json()["access_token"]

    rotated = client.post("/sandbox/credentials/56/rotate", headers=ADMIN).get_json()

    assert rotated["password"] != before.password and rotated["gateway_secret"] != before.gateway_secret
    assert rotated["username"] == before.username and rotated["generation"] == 1
    assert _login(client, before.username, before.password)["error_code"] == 1
    assert _login(client, before.username, rotated["password"])["error_code"] == 0
    assert _token_status(client, before.gateway_key, before.gateway_secret) == 401
    assert _token_status(client, before.gateway_key, rotated["gateway_secret"]) == 200
    assert portal.call("TraCuuHoSo", mahoso="000.00.01.H56-261126-0001")["error_code"] == "-2"
    assert client.get("/ngsp/services", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_rotating_one_province_leaves_the_others_alone(client, portal_for):
    hanoi = portal_for("01")
    client.post("/sandbox/credentials/56/rotate", headers=ADMIN)
    assert hanoi.call("LayDanhMucLinhVuc")["error_code"] == "00"
    assert _login(client, hanoi.client.username, hanoi.client.password)["error_code"] == 0


def test_rotating_again_issues_new_values_and_restore_returns_to_the_seed(client, portal):
    first = client.post("/sandbox/credentials/56/rotate", headers=ADMIN).get_json()
    second = client.post("/sandbox/credentials/56/rotate", headers=ADMIN).get_json()
    assert second["password"] != first["password"] and second["generation"] == 2
    restored = client.delete("/sandbox/credentials/56/rotation", headers=ADMIN).get_json()
    assert restored["password"] == portal.client.password and restored["generation"] == 0
    assert _login(client, portal.client.username, portal.client.password)["error_code"] == 0
    assert _login(client, portal.client.username, second["password"])["error_code"] == 1


def test_rotation_is_stored_so_every_worker_honours_it(app, client, portal, tmp_path):
    rotated = client.post("/sandbox/credentials/56/rotate", headers=ADMIN).get_json()
    other_worker = create_app({"db": app.config["SANDBOX"]["db"], "seed": SEED, "admin_token": ADMIN_TOKEN}).test_client()
    assert _login(other_worker, portal.client.username, rotated["password"])["error_code"] == 0
    assert _login(other_worker, portal.client.username, portal.client.password)["error_code"] == 1


def test_listing_shows_credentials_as_issued_now_and_unknown_province_is_404(client):
    rotated = client.post("/sandbox/credentials/56/rotate", headers=ADMIN).get_json()
    listing = {c["province_code"]: c for c in client.get("/sandbox/credentials", headers=ADMIN).get_json()}
    assert len(listing) == 34 and listing["56"]["password"] == rotated["password"]
    assert listing["01"]["generation"] == 0
    assert client.post("/sandbox/credentials/99/rotate", headers=ADMIN).status_code == 404


def test_a_full_reset_restores_seed_credentials(client, portal):
    client.post("/sandbox/credentials/56/rotate", headers=ADMIN)
    client.post("/sandbox/reset", json={}, headers=ADMIN)
    assert _login(client, portal.client.username, portal.client.password)["error_code"] == 0


def test_cli_credentials_show_rotated_values_from_the_database(app, client):
    rotated = client.post("/sandbox/credentials/56/rotate", headers=ADMIN).get_json()
    result = CliRunner().invoke(main, ["credentials", "--format", "json", "--seed", str(SEED), "--db", app.config["SANDBOX"]["db"]])
    rows = {r["province_code"]: r for r in json.loads(result.output)}
    assert rows["56"]["password"] == rotated["password"]


def test_payment_messages_must_be_signed_with_the_rotated_secret(client):
    code = "000.00.01.H56-261126-0001"
    old_signed = payment_init("56", code, "TT-R1")
    secret = client.post("/sandbox/credentials/56/rotate", headers=ADMIN).get_json()["gateway_secret"]
    bearer = {"Authorization": "Bearer " + client.post("/ngsp/token", auth=("lgsp-h56", secret)).get_json()["access_token"]}
    refused = client.post("/payment/init", json=old_signed, headers=bearer)
    assert refused.status_code == 200 and refused.get_json()["MaLoi"] == "03"
    assert client.post("/payment/init", json=payment_init("56", code, "TT-R1", secret=secret), headers=bearer).status_code == 200
