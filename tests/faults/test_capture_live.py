"""Request capture on a served process (gunicorn, 2 gevent workers): what a connector sent, as it sent it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import ADMIN_TOKEN, ROOT, LiveSandbox, Portal, dossier, wait_until, worker_of

pytestmark = pytest.mark.live
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def sandbox(served_sandbox):
    """The module's served sandbox (each test filters by what it sent)."""
    return served_sandbox


def captured(base: str, **filters) -> list[dict]:
    """GET /sandbox/requests on the served sandbox."""
    reply = requests.get(base + "/sandbox/requests", params={"limit": 500, **filters}, headers=AUTH, timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()["items"]


def wait_for(fetch, done, timeout: float = 10.0):
    """Poll `fetch()` until `done(result)` and return that result (other workers flush within journal_flush_ms)."""
    latest: list = []

    def ready() -> bool:
        latest[:] = [fetch()]
        return done(latest[0])

    wait_until(ready, timeout, "the captured requests")
    return latest[0]


def test_a_refused_dossier_is_seen_exactly_as_sent_and_a_wrong_password_masked(sandbox):
    portal = Portal(sandbox.post, "56")
    portal.login()
    bad = dossier("000.00.01.H56-261126-0777")
    del bad["MaTTHC"]
    raw = json.dumps(
        {"session": "not-a-session-token", "madonvi": portal.client.madonvi, "service": "DongBoHoSoMC", "data": [bad]}, ensure_ascii=False
    ).encode()
    reply = requests.post(
        sandbox.base + "/dvcqg/api/service",
        data=raw,
        timeout=10,
        headers={"Content-Type": "application/json", "X-Request-ID": "refused-0777"},
    )
    assert reply.json()["error_code"] not in (0, "0")
    requests.post(
        sandbox.base + "/dvcqg/api/auth",
        json={"username": "dvc_h56", "password": "wrong-Pa55"},
        headers={"X-Request-ID": "wrong-password-56"},
        timeout=10,
    )
    items = wait_for(
        lambda: captured(sandbox.base, province="56"), lambda got: {"refused-0777", "wrong-password-56"} <= {i["request_id"] for i in got}
    )
    by_id = {i["request_id"]: i for i in items}
    refused = by_id["refused-0777"]
    # The session field is a token, shortened; everything else is byte for byte what was sent.
    assert refused["request"]["body"] == raw.decode().replace("not-a-session-token", "not-a-…")
    assert refused["response"]["body"] == reply.text and refused["status"] == reply.status_code
    assert refused["request"]["headers"]["content-type"] == "application/json"
    wrong = by_id["wrong-password-56"]
    assert json.loads(wrong["request"]["body"]) == {"username": "dvc_h56", "password": "***"}
    assert "wrong-Pa55" not in json.dumps(items, ensure_ascii=False)


def test_verify_answers_200_when_the_count_holds_and_409_with_reasons_when_not(sandbox):
    portal = Portal(sandbox.post, "22")
    portal.login()
    since = time.time()
    portal.call("TraCuuHoSo", mahoso="000.00.01.H22-261126-0001")
    portal.call("TraCuuHoSo", mahoso="000.00.01.H22-261126-0002")
    match = {"system": "portal", "operation": "TraCuuHoSo", "client": "H22"}

    def verify(body):
        return requests.post(sandbox.base + "/sandbox/verify", json=body, headers=AUTH, timeout=10)

    ok = wait_for(lambda: verify({"match": match, "count": {"exactly": 2}, "since": since}), lambda r: r.status_code == 200)
    assert ok.status_code == 200 and ok.json()["count"] == 2
    one = {**match, "body": {"mahoso": "000.00.01.H22-261126-0003"}}
    missed = verify({"match": one, "count": {"exactly": 1}, "since": since})
    assert missed.status_code == 409
    data = missed.json()
    assert data["count"] == 0 and "expected exactly 1" in data["message"]
    reasons = [n["missed"] for n in data["nearest"][:2]]
    assert reasons == [
        ["body.mahoso: expected '000.00.01.H22-261126-0003', got '000.00.01.H22-261126-0002'"],
        ["body.mahoso: expected '000.00.01.H22-261126-0003', got '000.00.01.H22-261126-0001'"],
    ]


def test_every_request_of_both_workers_is_captured(sandbox):
    rule = {
        "id": "slow-capture",
        "match": {"system": "portal", "operation": "TraCuuHoSo", "client": "H31"},
        "effects": [{"latency": {"dist": "fixed", "seconds": 0.2}}],
    }
    sandbox.put_rules(rule)
    portal = Portal(sandbox.post, "31")
    portal.login()
    body = {"session": portal.session, "madonvi": portal.client.madonvi, "service": "TraCuuHoSo", "mahoso": "x"}

    def one(_):
        # A fresh connection each: the kernel hands them to either worker; the delay keeps both busy.
        return requests.post(sandbox.base + "/dvcqg/api/service", json=body, timeout=10)

    replies: list[requests.Response] = []
    with ThreadPoolExecutor(16) as pool:
        for _ in range(5):
            replies += pool.map(one, range(32))
            if len({worker_of(r) for r in replies}) >= 2:
                break
    assert len({worker_of(r) for r in replies}) == 2, "the requests all went to one worker"
    sent = [r.headers["X-Request-ID"] for r in replies]
    items = wait_for(lambda: captured(sandbox.base, province="31", operation="TraCuuHoSo"), lambda got: len(got) >= len(sent))
    assert sorted(i["request_id"] for i in items) == sorted(sent)
    assert all(i["fault"] == "latency" and i["latency_ms"] >= 200 for i in items)


def test_requests_tail_prints_new_requests_as_they_come(sandbox):
    requests.post(
        sandbox.base + "/dvcqg/api/auth", json={"username": "dvc_h48", "password": "x"}, headers={"X-Request-ID": "tail-marker"}, timeout=10
    )
    wait_for(lambda: captured(sandbox.base, province="48"), lambda got: len(got) >= 1)
    env = {**os.environ, "SANDBOX_ADMIN_TOKEN": ADMIN_TOKEN}
    tail = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator",
            "requests",
            "tail",
            "--base",
            sandbox.base,
            "--province",
            "48",
            "--lines",
            "1",
            "--count",
            "2",
            "--interval",
            "0.1",
            "--bodies",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = tail.stdout.readline()
        assert "tail-marker" in first and "portal/auth" in first
        # One keep-alive connection, so one worker: workers flush their rows independently, and
        # the order of two requests served by two workers is not theirs to keep.
        with requests.Session() as session:
            for n in (1, 2):
                session.post(
                    sandbox.base + "/dvcqg/api/auth",
                    json={"username": "dvc_h48", "password": f"pw-{n}"},
                    headers={"X-Request-ID": f"tail-new-{n}"},
                    timeout=10,
                )
        out, err = tail.communicate(timeout=20)
    finally:
        if tail.poll() is None:
            tail.kill()
    assert tail.returncode == 0, err
    lines = out.splitlines()
    heads = [line for line in lines if not line.startswith("  ")]
    # Each worker writes its own rows: two requests answered by two workers may be written in either order.
    assert sorted(h.split()[-1] if "fault=" not in h else h.split()[-2] for h in heads) == ["tail-new-1", "tail-new-2"]
    assert any('"password": "***"' in line for line in lines) and "pw-1" not in out


def test_tail_without_the_admin_token_says_what_to_set(sandbox):
    env = {k: v for k, v in os.environ.items() if k != "SANDBOX_ADMIN_TOKEN"}

    def tail() -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "simulator", "requests", "tail", "--base", sandbox.base]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)

    done = tail()
    assert done.returncode == 2 and "SANDBOX_ADMIN_TOKEN" in done.stderr
    env["SANDBOX_ADMIN_TOKEN"] = "wrong"
    done = tail()
    assert done.returncode == 1 and "refused the admin token" in done.stderr


def test_the_bounds_hold_on_a_served_process(tmp_path):
    live = LiveSandbox(tmp_path / "bounded.db", extra_env={"SANDBOX_CAPTURE_MAX_ROWS": "100", "SANDBOX_CAPTURE_BODY_BYTES": "64"}).start()
    try:
        session = requests.Session()  # keep-alive: quick, and the bound is global whichever worker serves
        for i in range(130):
            session.post(
                live.base + "/dvcqg/api/auth",
                json={"username": "dvc_h56", "password": "x" * 80},
                headers={"X-Request-ID": f"bound-{i:03d}"},
                timeout=10,
            )
        items = wait_for(lambda: captured(live.base), lambda got: got and got[0]["request_id"] == "bound-129")
        assert len(items) == 100
        assert [i["request_id"] for i in items] == [f"bound-{i:03d}" for i in range(129, 29, -1)]
        for item in items:
            assert item["request"]["body_truncated"] and item["request"]["body_bytes"] > 64
            assert len(item["request"]["body"].encode()) <= 64 and "xxxx" not in item["request"]["body"]
    finally:
        live.stop()
