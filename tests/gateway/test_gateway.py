"""The NGSP gateway: OAuth2 client credentials, service listing, routing and access rights."""

from simulator.clients import by_province
from simulator.gateway import tokens
from tests.conftest import SEED, basic, get_token  # noqa: F401  (get_token: older importers)


def test_client_credentials_issue_a_bearer_token(client):
    c = by_province(SEED, "56")
    reply = client.post("/ngsp/token", data={"grant_type": "client_credentials"}, headers=basic(c.gateway_key, c.gateway_secret))
    body = reply.get_json()
    assert reply.status_code == 200 and body["token_type"] == "Bearer" and body["expires_in"] == 3600


def test_wrong_secret_is_invalid_client(client):
    c = by_province(SEED, "56")
    reply = client.post("/ngsp/token", headers=basic(c.gateway_key, "wrong"))
    assert reply.status_code == 401 and reply.get_json()["error"] == "invalid_client"


def test_unsupported_grant_type_is_named(client):
    c = by_province(SEED, "56")
    reply = client.post("/ngsp/token", data={"grant_type": "password"}, headers=basic(c.gateway_key, c.gateway_secret))
    assert reply.status_code == 400 and "password" in reply.get_json()["error_description"]


def test_service_listing_needs_a_token(client):
    assert client.get("/ngsp/services").status_code == 401
    token = get_token(client)
    listing = client.get("/ngsp/services", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert listing["client"].endswith("H56/lgsp") and isinstance(listing["services"], list)


def test_expired_token_is_refused(client, monkeypatch):
    token = get_token(client)
    later = tokens.time.time() + 3601
    monkeypatch.setattr(tokens.time, "time", lambda: later)
    reply = client.get("/ngsp/services", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 401 and "expired" in reply.get_json()["error_description"]
    assert "Bearer" in reply.headers["WWW-Authenticate"]


def test_unknown_system_is_a_404_naming_it(client):
    token = get_token(client)
    reply = client.get("/ngsp/weather/today", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 404 and "weather" in reply.get_json()["error_description"]
