"""Credentials for every kind of caller of a served sandbox, and a few dossiers to find."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import requests

from simulator.clients import by_province
from simulator.systems.payment import signing
from tests.conftest import ADMIN_TOKEN, SEED, LiveSandbox, Portal, dossier, progress


@dataclass
class Callers:
    """Valid credentials for each kind of caller of a served sandbox (province 56 unless named)."""

    base: str
    admin_token: str
    session: str
    madonvi: str
    gateway_token: str
    gateway_basic: str


def login(base: str, province: str = "56") -> Portal:
    """A Portal connector logged in to a served sandbox over HTTP."""

    def post(path: str, body: dict) -> dict:
        return requests.post(base + path, json=body, timeout=10).json()

    portal = Portal(post, province)
    portal.login()
    return portal


def gateway_token(base: str, portal: Portal) -> str:
    """An NGSP bearer token for the portal's province (OAuth2 client credentials)."""
    reply = requests.post(base + "/ngsp/token", auth=(portal.client.gateway_key, portal.client.gateway_secret), timeout=10).json()
    return reply["access_token"]


def basic_header(portal: Portal) -> str:
    """The HTTP Basic header value for the province's gateway key and secret."""
    raw = f"{portal.client.gateway_key}:{portal.client.gateway_secret}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def seed_dossiers(portal: Portal, count: int = 3) -> list[str]:
    """Sync a few dossiers and move one to status 10, so reads and ratings find something."""
    codes = [f"000.00.01.H{portal.client.province_code}-261126-{n:04d}" for n in range(1, count + 1)]
    portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(code) for code in codes])
    portal.call(
        "CapNhatTienDoHoSoMC",
        data=[
            progress(codes[0], "4"),
            progress(codes[0], "9", ThoiDiemXuLy="20261127100000"),
            progress(codes[0], "10", ThoiDiemXuLy="20261128100000"),
        ],
    )
    return codes


def callers_for(sandbox: LiveSandbox) -> Callers:
    """Log in as every kind of caller against a started sandbox."""
    portal = login(sandbox.base)
    return Callers(
        base=sandbox.base,
        admin_token=ADMIN_TOKEN,
        session=portal.session,
        madonvi=portal.client.madonvi,
        gateway_token=gateway_token(sandbox.base, portal),
        gateway_basic=basic_header(portal),
    )


def payment_init(province: str, dossier_code: str, reference: str, secret: str | None = None) -> dict:
    """A correctly signed payment INIT (version 1.0.6) from `province`, with its own secret unless one is given."""
    client = by_province(SEED, province)
    receipt = {"MaDichVu": "2", "MaHoSo": dossier_code, "PhiLePhi": []}
    message = signing.init_message(client.madonvi, reference, "50000", description="Lệ phí", at="20261126090000", receipt=receipt)
    return signing.signed(message, secret or client.gateway_secret)


def gateway_token_for(client, province: str) -> str:
    """An NGSP bearer token for a province through a Flask test client (seed-derived secret)."""
    info = by_province(SEED, province)
    return client.post(
        "/ngsp/token", headers={"Authorization": "Basic " + base64.b64encode(f"{info.gateway_key}:{info.gateway_secret}".encode()).decode()}
    ).get_json()["access_token"]
