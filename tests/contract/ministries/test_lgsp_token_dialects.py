"""LGSP token dialects on the gateway, replayed as public clients request and carry tokens.

- OAuth2 form: github VietOpenCPS/opencps-v2, modules/backend-dossiermgt/backend-dossiermgt-service/
  src/main/java/org/opencps/dossiermgt/rest/utils/LGSPRestClient.java `getToken()` (form grant_type,
  client_secret, client_id; reads access_token, token_type, expires_in, scope).
- lgspaccesstoken: opencps-v2 QLCDIntegrationActionImpl.java (base64 of the JSON
  {AccessKey, SecretKey, AppName, PartnerCode, PartnerCodeCus}, form content type) and public
  C#/PHP clients (`TruyenDuLieuCSDLQG`: header lgspaccesstoken + form grant_type=client_credentials
  only; later `Authorization: Bearer` + the same header); QLCD `sendData` carries
  `{"accessToken": "Bearer ...", "lgspAccessToken": ...}` in the JSON body instead.
"""

from __future__ import annotations

import base64
import json

import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.clients import by_province
from tests.conftest import ADMIN, SEED

PROVINCE = by_province(SEED, "56")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def lgsp_header(client=PROVINCE, **over) -> str:
    """QLCDIntegrationActionImpl's string concatenation, then Base64.getEncoder().encodeToString."""
    f = {"AccessKey": client.gateway_key, "SecretKey": client.gateway_secret, "AppName": "motcua",
         "PartnerCode": client.madonvi, "PartnerCodeCus": "", **over}  # fmt: skip
    raw = (f'{{"AccessKey":"{f["AccessKey"]}","SecretKey":"{f["SecretKey"]}","AppName":"{f["AppName"]}",'
           f'"PartnerCode":"{f["PartnerCode"]}","PartnerCodeCus":"{f["PartnerCodeCus"]}"}}')  # fmt: skip
    return base64.b64encode(raw.encode()).decode()


def lgsp_token(client, header: str):
    """The C# client: header lgspaccesstoken, FormUrlEncodedContent grant_type=client_credentials only."""
    return client.post("/ngsp/token", data="grant_type=client_credentials", headers={**FORM, "lgspaccesstoken": header})


def set_dialect(client, dialect: str, province: str = "56") -> None:
    reply = client.put(f"/sandbox/gateway/dialects/{province}", json={"dialect": dialect}, headers=ADMIN)
    assert reply.status_code == 200, reply.get_json()


def test_lgspaccesstoken_header_with_a_grant_type_only_body_gets_a_token_used_as_bearer(client):
    reply = lgsp_token(client, lgsp_header())
    token = json.loads(reply.data)["access_token"]  # JObject.Parse(...)["access_token"]
    later = client.get("/ngsp/services", headers={"lgspaccesstoken": lgsp_header(), "Authorization": f"Bearer {token}"})
    assert reply.status_code == 200 and later.status_code == 200 and later.get_json()["client"] == "VN/GOV/H56/lgsp"


def test_opencps_lgsprestclient_form_credentials_get_the_oauth2_reply_it_reads(client):
    reply = client.post("/ngsp/token", headers=FORM, data={"grant_type": "client_credentials",
                        "client_secret": PROVINCE.gateway_secret, "client_id": PROVINCE.gateway_key})  # fmt: skip
    body = reply.get_json()
    assert body["token_type"] == "Bearer" and isinstance(body["expires_in"], int) and body["scope"] and body["access_token"]


def test_the_default_dialect_takes_basic_too(client):
    reply = client.post("/ngsp/token", auth=(PROVINCE.gateway_key, PROVINCE.gateway_secret))
    assert reply.status_code == 200


@pytest.mark.parametrize(
    ("dialect", "refused", "accepted"),
    [("lgspaccesstoken", "basic", "lgsp"), ("oauth2", "lgsp", "form")],
)
def test_a_provinces_dialect_refuses_the_other_schemes_naming_itself(client, dialect, refused, accepted):
    set_dialect(client, dialect)
    calls = {
        "basic": lambda: client.post("/ngsp/token", auth=(PROVINCE.gateway_key, PROVINCE.gateway_secret)),
        "form": lambda: client.post(
            "/ngsp/token", data={"client_id": PROVINCE.gateway_key, "client_secret": PROVINCE.gateway_secret}
        ),  # fmt: skip
        "lgsp": lambda: lgsp_token(client, lgsp_header()),
    }
    no = calls[refused]()
    assert no.status_code == 400 and no.get_json()["error"] == "unauthorized_client"
    assert dialect in no.get_json()["error_description"]
    assert calls[accepted]().status_code == 200
    listing = client.get("/sandbox/gateway/dialects", headers=ADMIN).get_json()
    assert listing["provinces"]["56"] == dialect and listing["provinces"]["01"] == "all"
    set_dialect(client, "all")
    assert calls[refused]().status_code == 200


@pytest.mark.parametrize(
    ("header", "named"),
    [("not base64!", "base64"), (base64.b64encode(b'{"AccessKey": "lgsp-h56"}').decode(), "SecretKey"),
     (lgsp_header(SecretKey="wrong"), "wrong secret")],
)  # fmt: skip
def test_a_bad_lgspaccesstoken_is_401_naming_the_problem(client, header, named):
    reply = lgsp_token(client, header)
    assert reply.status_code == 401 and named in reply.get_json()["error_description"]


def test_a_service_call_with_another_provinces_lgspaccesstoken_is_refused(client):
    token = lgsp_token(client, lgsp_header()).get_json()["access_token"]
    other = lgsp_header(by_province(SEED, "01"))
    reply = client.post("/ngsp/payment/query", json={}, headers={"Authorization": f"Bearer {token}", "lgspaccesstoken": other})
    assert reply.status_code == 401 and "lgspaccesstoken" in reply.get_json()["error_description"]


def test_a_token_carried_in_the_json_body_is_checked_like_the_header(client):
    """QLCDIntegrationActionImpl.sendData: {"accessToken": "Bearer <token>", "lgspAccessToken": ..., "data": ...}."""
    bad = client.post("/ngsp/payment/query", json={"accessToken": "Bearer nope", "lgspAccessToken": lgsp_header()})
    assert bad.status_code == 401 and bad.get_json()["error"] == "invalid_token"
    token = lgsp_token(client, lgsp_header()).get_json()["access_token"]
    ok = client.post("/ngsp/payment/query", json={"accessToken": f"Bearer {token}"})
    assert ok.status_code in (400, 422) and ok.get_json()["MaLoi"] == "01"  # past the gateway, in the platform


def test_credentials_prints_what_each_dialect_needs(tmp_path):
    out = CliRunner().invoke(main, ["credentials", "--gateway", "--province", "56", "--seed", str(SEED),
                                    "--db", str(tmp_path / "none.db")])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert f"client_id={PROVINCE.gateway_key}" in out.output and "lgspaccesstoken:" in out.output
    rows = json.loads(CliRunner().invoke(main, ["credentials", "--format", "json", "--province", "56",
                                                "--seed", str(SEED), "--db", str(tmp_path / "none.db")]).output)  # fmt: skip
    header = rows[0]["gateway_token"]["lgspaccesstoken"]["lgspaccesstoken"]
    decoded = json.loads(base64.b64decode(header))
    assert (decoded["AccessKey"], decoded["SecretKey"]) == (PROVINCE.gateway_key, PROVINCE.gateway_secret)
    db = str(tmp_path / "set.db")
    assert CliRunner().invoke(main, ["credentials", "--province", "56", "--set-dialect", "oauth2", "--db", db]).exit_code == 0
    rows = json.loads(CliRunner().invoke(main, ["credentials", "--format", "json", "--province", "56", "--db", db]).output)
    assert rows[0]["gateway_dialect"] == "oauth2"
