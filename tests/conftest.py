"""Shared fixtures, each building on the one before: app → client → a logged-in portal connector or
a gateway-authenticated ministry caller; one hand-driven sandbox clock; a real served process."""

from __future__ import annotations

import base64
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import sqlite_utils

from loadtests.processes import free_port  # one definition; tests import it from here too
from simulator import config, connector_messages
from simulator import db as sandbox_db
from simulator.app import create_app
from simulator.app_context import db
from simulator.clients import by_province
from simulator.clock import SandboxClock

SEED = 20250701
ADMIN_TOKEN = "test-admin-token"
ROOT = Path(__file__).resolve().parent.parent
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}  # the admin API's header, for every test


@pytest.fixture
def app_config() -> dict:
    """Extra settings for the `app` fixture (a test folder overrides it, e.g. for short backoff)."""
    return {}


@pytest.fixture
def app(tmp_path, app_config):
    """A sandbox app on its own SQLite file."""
    base = {"db": str(tmp_path / "sandbox.db"), "seed": SEED, "admin_token": ADMIN_TOKEN, "TESTING": True}
    return create_app({**base, **app_config})


@pytest.fixture
def client(app):
    """Flask test client."""
    return app.test_client()


class Portal:
    """A province connector talking to the portal through some HTTP client."""

    def __init__(self, post, province: str = "56"):
        self._post = post
        self.client = by_province(SEED, province)
        self.session = None

    def login(self) -> dict:
        """Run the handshake and keep the session."""
        reply = self._post("/dvcqg/api/auth", {"username": self.client.username, "password": self.client.password})
        self.session = reply.get("session")
        return reply

    def call(self, service: str, **fields) -> dict:
        """Call a service with this client's session and unit code."""
        body = {"session": self.session, "madonvi": self.client.madonvi, "service": service, **fields}
        return self._post("/dvcqg/api/service", body)


@pytest.fixture
def portal_for(client):
    """Factory: a logged-in Portal for a province code, through the Flask test client."""

    def post(path: str, body: dict) -> dict:
        response = client.post(path, json=body)
        try:
            return response.get_json()
        finally:
            response.close()  # the journal records a request when its response is closed

    def make(province: str = "56") -> Portal:
        portal = Portal(post, province)
        portal.login()
        return portal

    return make


@pytest.fixture
def portal(portal_for):
    """A logged-in portal connector for Khánh Hòa (56)."""
    return portal_for("56")


def basic(key: str, secret: str) -> dict:
    """An HTTP Basic Authorization header."""
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}


def get_token(client, province: str = "56") -> str:
    """A gateway access token for a province's connector (OAuth2 client credentials)."""
    c = by_province(SEED, province)
    reply = client.post("/ngsp/token", data={"grant_type": "client_credentials"}, headers=basic(c.gateway_key, c.gateway_secret))
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()["access_token"]


class Caller:
    """A province connector calling a ministry system with a gateway token, either through
    `/ngsp/{system}/...` or on the system's own prefix (`/{system}/...`)."""

    def __init__(self, client, province: str = "56", via_gateway: bool = True):
        self.client = client
        self.province = province
        self.via_gateway = via_gateway
        self.headers = {"Authorization": f"Bearer {get_token(client, province)}"}

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
    """Khánh Hòa's (56) connector, once through the gateway and once on the system's own prefix."""
    return Caller(client, "56", via_gateway=request.param == "gateway")


@pytest.fixture
def gw(client) -> Caller:
    """Khánh Hòa's (56) connector through the gateway."""
    return Caller(client, "56", via_gateway=True)


class FakeClock:
    """The suite's one fake clock: the app's clock (`sandbox`, a real SandboxClock) over a real time
    that moves only on `advance`, so simulated time jumps without sleeping. Called, it returns that
    real time: code taking a real-time source (the fault engine, its buckets) takes this object."""

    def __init__(self, db_path: str, start: float = 1_790_000_000.0):
        self.real = start
        self.sandbox = SandboxClock(db_path, real_time=lambda: self.real)
        self.sandbox.reset()

    def advance(self, minutes: float = 0, **delta) -> None:
        """Move real time forward by `minutes` and/or timedelta keywords (days=, hours=, seconds=);
        simulated time moves by that times the clock's scale."""
        self.real += timedelta(minutes=minutes, **delta).total_seconds()

    @property
    def now(self):
        """Simulated now, aware, in Asia/Ho_Chi_Minh."""
        return self.sandbox.now()

    def timestamp(self) -> float:
        """Simulated now as POSIX seconds."""
        return self.sandbox.timestamp()

    def __call__(self) -> float:
        """Real now as POSIX seconds (moved only by `advance`): a real-time source."""
        return self.real


@pytest.fixture
def clock(app) -> FakeClock:
    """The app's sandbox clock, replaced by one the test moves by hand."""
    fake = FakeClock(app.config["SANDBOX"]["db"])
    app.extensions["sandbox_clock"] = fake.sandbox
    return fake


class QueuedCallbacks:
    """The result callbacks queued for connectors (durable jobs) as (province, event, data), read on each look."""

    def __init__(self, app):
        self.app = app

    def rows(self) -> list[tuple[str, str, dict]]:
        """Every queued result callback so far, oldest first."""
        with self.app.app_context():
            rows = db().execute("SELECT province, event, payload FROM jobs WHERE event LIKE '%.result' ORDER BY created_at")
            return [(p, e, json.loads(payload)["data"]) for p, e, payload in rows.fetchall()]

    def __iter__(self):
        return iter(self.rows())

    def __len__(self) -> int:
        return len(self.rows())

    def __getitem__(self, index):
        return self.rows()[index]


@pytest.fixture
def callbacks(app) -> QueuedCallbacks:
    """The result callbacks queued for connectors so far."""
    return QueuedCallbacks(app)


def dossier(code: str = "000.00.01.H56-261126-0001", **overrides) -> dict:
    """A realistic dossier as connectors send it (optional fields as empty strings)."""
    return {**connector_messages.dossier(code), **overrides}


def progress(code: str = "000.00.01.H56-261126-0001", status: str = "4", **overrides) -> dict:
    """A progress entry as connectors send it."""
    return {**connector_messages.progress_entry(code, status, at="20261126100000", note="Chuyển xử lý"), **overrides}


def settings_env(**settings) -> dict[str, str]:
    """The environment serving a sandbox with these settings (registry names; an unknown or out-of-range one fails)."""
    config.resolve(settings)
    return {config.SETTINGS[name].env: str(value) for name, value in settings.items()}


def wait_until(condition, timeout: float = 10.0, what: str = "the condition", every: float = 0.05):
    """Poll `condition()` until it is truthy and return its value; fail naming `what` after `timeout` s.

    Tests wait for a condition, never for a fixed time: a slow machine only makes them slower.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def two_workers(tmp_path: Path) -> tuple[sqlite_utils.Database, sqlite_utils.Database]:
    """Two connections to one sandbox file, as two gunicorn workers hold them."""
    path = tmp_path / "two-workers.db"
    create_app({"db": str(path), "seed": SEED, "admin_token": ADMIN_TOKEN})
    return sandbox_db.connect(path), sandbox_db.connect(path)


def seen_within(check, limit_s: float) -> float:
    """Seconds until `check()` holds, polling; fails past `limit_s`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < limit_s, "change not seen in time"
        time.sleep(0.01)
    return time.monotonic() - started


def connection_refused(call) -> bool:
    """Whether `call()` fails with a connection error (a reset or closed connection)."""
    try:
        call()
    except requests.ConnectionError:
        return True
    return False


_probes = itertools.count(1)


def await_rules(base: str, workers: int = 2, timeout: float = 15.0, **http) -> None:
    """Return once each of a served sandbox's `workers` has read the fault rules stored so far
    (`http` goes to every request, e.g. `verify=` a CA file).

    A worker re-reads all rules at once, so one applying a probe rule stored last has read all
    before it. The probe answers 418 on `GET /ngsp/services?probe=<id>` only; fresh connections
    reach the workers in turn, told apart by their request-id prefix."""
    probe = f"probe-{os.getpid()}-{next(_probes)}"
    rule = {"id": probe, "match": {"query": {"probe": probe}}, "effects": [{"error": {"status": 418}}]}
    assert requests.post(base + "/sandbox/rules", json=rule, headers=ADMIN, timeout=10, **http).status_code == 201
    applied: set[str] = set()

    def every_worker_applies() -> bool:
        reply = requests.get(f"{base}/ngsp/services?probe={probe}", timeout=10, **http)  # a new connection each time
        if reply.status_code == 418:
            applied.add(worker_of(reply))
        return len(applied) == workers

    wait_until(every_worker_applies, timeout, f"each of {workers} workers to apply the rules", every=0.02)
    requests.delete(f"{base}/sandbox/rules/{probe}", headers=ADMIN, timeout=10, **http)


def worker_of(reply: requests.Response) -> str:
    """Which worker process answered: the prefix of the request id it generated (one per process)."""
    return reply.headers["X-Request-ID"][:16]


class LiveSandbox:
    """A real `python -m simulator serve` process on a loopback port."""

    def __init__(self, db_path: Path, workers: int = 2, extra_env: dict | None = None):
        self.db_path = db_path
        self.workers = workers
        self.extra_env = extra_env or {}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = db_path.parent / f"serve-{self.port}.log"

    def start(self, timeout: float = 30) -> LiveSandbox:
        """Start the server and wait for /healthz."""
        env = {**os.environ, "SANDBOX_ADMIN_TOKEN": ADMIN_TOKEN, "SANDBOX_SEED": str(SEED), **self.extra_env}
        cmd = [sys.executable, "-m", "simulator", "serve", "--port", str(self.port), "--db", str(self.db_path)]
        cmd += ["--workers", str(self.workers)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)

        def healthy() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sandbox exited early: {self.log.read_text()[-2000:]}")
            try:
                return requests.get(self.base + "/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_until(healthy, timeout, f"the sandbox's /healthz (log: {self.log})", every=0.1)
        return self

    def post(self, path: str, body: dict) -> dict:
        """POST JSON and return the decoded reply."""
        return requests.post(self.base + path, json=body, timeout=10).json()

    def token(self, province: str = "56") -> str:
        """A gateway access token for a province's connector, over HTTP (OAuth2 client credentials)."""
        c = by_province(SEED, province)
        auth = basic(c.gateway_key, c.gateway_secret)
        reply = requests.post(self.base + "/ngsp/token", data={"grant_type": "client_credentials"}, headers=auth, timeout=10)
        assert reply.status_code == 200, reply.text
        return reply.json()["access_token"]

    def put_rules(self, *rules: dict) -> None:
        """Store fault rules through the admin API and return once every worker applies them."""
        for rule in rules:
            reply = requests.post(self.base + "/sandbox/rules", json=rule, headers=ADMIN, timeout=10)
            assert reply.status_code == 201, reply.text
        await_rules(self.base, self.workers)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (master and workers) and wait."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=15)

    def stop(self) -> None:
        """Stop gracefully, then hard if needed."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="module")
def served_sandbox(tmp_path_factory):
    """A started real sandbox process shared by the tests of a module (each test keeps to its own data)."""
    sandbox = LiveSandbox(tmp_path_factory.mktemp("served") / "sandbox.db").start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def live_sandbox(tmp_path):
    """A started real sandbox process, stopped after the test."""
    sandbox = LiveSandbox(tmp_path / "live.db").start()
    yield sandbox
    sandbox.stop()
