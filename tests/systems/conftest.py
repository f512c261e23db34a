"""Fixtures for the ministry systems: a gateway-authenticated caller and a controllable clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from simulator.systems import common
from tests.gateway.test_gateway import get_token


class Caller:
    """Calls a ministry system either through `/ngsp/{system}` or its own prefix, with a token."""

    def __init__(self, client, token: str, via_gateway: bool):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}
        self.via_gateway = via_gateway

    def url(self, path: str) -> str:
        """`/population/verify` → `/ngsp/population/verify` when going through the gateway."""
        return "/ngsp" + path if self.via_gateway else path

    def post(self, path: str, body=None, **kwargs):
        """POST JSON (or raw `data=` with headers) to a system path."""
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if body is not None:
            kwargs["json"] = body
        return self.client.post(self.url(path), headers=headers, **kwargs)

    def get(self, path: str, **kwargs):
        """GET a system path."""
        return self.client.get(self.url(path), headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)


@pytest.fixture(params=["gateway", "direct"])
def caller(request, client) -> Caller:
    """A Khánh Hòa (56) caller, through the gateway and through the direct prefix."""
    return Caller(client, get_token(client, "56"), request.param == "gateway")


@pytest.fixture
def gw(client) -> Caller:
    """A Khánh Hòa (56) caller through the gateway."""
    return Caller(client, get_token(client, "56"), True)


class FakeClock:
    """Sandbox time the test moves by hand."""

    def __init__(self):
        from zoneinfo import ZoneInfo

        self.now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(microsecond=0)

    def advance(self, **delta) -> None:
        """Move simulated time forward."""
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """Replace the sandbox clock the systems read with a hand-driven one."""
    fake = FakeClock()
    monkeypatch.setattr(common, "sandbox_now", lambda: fake.now)
    return fake


def request_fields(id12: str, **extra) -> dict:
    """A population request as connectors send it."""
    return {
        "MaYeuCau": "YC-1",
        "MaDVC": "1.001193",
        "MaTichHop": "LGSP-H56",
        "MaCanBo": "CB01",
        "SoDinhDanh": id12,
        **extra,
    }
