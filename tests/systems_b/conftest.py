"""Fixtures for the judicial record, environment and payment systems: a gateway caller and a movable clock."""

from __future__ import annotations

import pytest

from simulator.clock import SandboxClock
from tests.gateway.test_gateway import get_token


class FakeRealTime:
    """A real-time source the test moves forward, so simulated time jumps without sleeping."""

    def __init__(self, start: float = 1_790_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        """Move time forward by `minutes` (scale 1: real and simulated minutes agree)."""
        self.now += minutes * 60


@pytest.fixture
def clock(app):
    """A sandbox clock driven by the test (replaces the app's)."""
    real = FakeRealTime()
    sandbox = SandboxClock(app.config["SANDBOX"]["db"], real_time=real)
    sandbox.reset()
    app.extensions["sandbox_clock"] = sandbox
    return real


class Caller:
    """A province connector calling a ministry system with a gateway token."""

    def __init__(self, client, province: str, via_gateway: bool):
        self.client = client
        self.province = province
        self.via_gateway = via_gateway
        self.headers = {"Authorization": f"Bearer {get_token(client, province)}"}

    def url(self, system: str, prefix: str, path: str) -> str:
        """The gateway route or the system's own prefix."""
        return f"/ngsp/{system}{path}" if self.via_gateway else f"{prefix}{path}"

    def post(self, system: str, prefix: str, path: str, body=None, **kwargs):
        """POST JSON (or raw `data=`) to a system."""
        if body is not None:
            kwargs["json"] = body
        return self.client.post(self.url(system, prefix, path), headers=self.headers, **kwargs)

    def get(self, system: str, prefix: str, path: str):
        """GET from a system."""
        return self.client.get(self.url(system, prefix, path), headers=self.headers)


@pytest.fixture(params=["gateway", "direct"])
def caller(request, client):
    """Khánh Hòa's connector, once through /ngsp/{system}/... and once on the system's own prefix."""
    return Caller(client, "56", via_gateway=request.param == "gateway")


@pytest.fixture
def callbacks(monkeypatch):
    """Every notify.result_ready call, as (province, event, data)."""
    from simulator.systems import notify

    sent: list[tuple[str, str, dict]] = []
    monkeypatch.setattr(notify, "result_ready", lambda province, event, data: sent.append((province, event, data)))
    return sent
