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


class QueuedCallbacks:
    """The result callbacks queued for connectors (durable jobs), as (province, event, data), read on demand."""

    def __init__(self, app):
        self.app = app

    def _rows(self) -> list[tuple[str, str, dict]]:
        import json

        from simulator.app_context import db

        with self.app.app_context():
            rows = db().execute("SELECT province, event, payload FROM jobs WHERE event LIKE '%.result' ORDER BY created_at")
            return [(p, e, json.loads(payload)["data"]) for p, e, payload in rows.fetchall()]

    def __iter__(self):
        return iter(self._rows())

    def __len__(self) -> int:
        return len(self._rows())

    def __getitem__(self, index):
        return self._rows()[index]

    def __eq__(self, other) -> bool:
        return self._rows() == list(other)


@pytest.fixture
def callbacks(app):
    """Every result callback queued so far (read from the job queue each time it is looked at)."""
    return QueuedCallbacks(app)
