"""Every fault effect on the wire, on the served simulator: `python -m simulator serve` (gunicorn, two
gevent workers, one SQLite file), the real system routes and the real classifier.

Rules are stored through the admin API and each test waits until both workers apply them
(`LiveSandbox.put_rules`); a test's rules match its own `?case=`, and the sandbox is reset after it.
Only lower bounds on time are asserted (a delay was injected); how fast the rest goes is
measured by `make bench` (bench/run_bench.py: the fixed-delay runs at 1,000 and 10,000 connections).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import requests

from simulator.systems import registry
from tests.conftest import ADMIN, LiveSandbox, Portal, await_rules, wait_until, worker_of

pytestmark = pytest.mark.live
SLEEPERS = 10_000  # the design brief: 10,000 injected sleeps at once cost greenlets, not threads
SMALL_LIST = "LayDanhMucLinhVuc"  # the portal's field list: a few kB of JSON
LONG_LIST = "LayDanhSachTTHC"  # the procedure list: tens of kB


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One served simulator for the module: a small journal, quick flushes, hangs capped at 5 s."""
    env = {"SANDBOX_JOURNAL_MAX_ROWS": "100", "SANDBOX_JOURNAL_FLUSH_MS": "100", "SANDBOX_FAULT_HANG_CAP_S": "5"}
    live = LiveSandbox(tmp_path_factory.mktemp("wire") / "wire.db", workers=2, extra_env=env).start()
    yield live
    live.stop()


@pytest.fixture
def sandbox(served):
    """The served simulator, reset after the test (records, rules, journal, metrics, clock)."""
    yield served
    assert requests.post(served.base + "/sandbox/reset", json={}, headers=ADMIN, timeout=30).status_code == 200
    await_rules(served.base, served.workers)  # no worker has a rule left


@pytest.fixture
def portal(sandbox) -> Portal:
    """Khánh Hòa's (56) connector, logged in to the served portal."""
    connector = Portal(sandbox.post, "56")
    connector.login()
    return connector


def service(sandbox, portal: Portal, name: str, case: str = "", **fields) -> requests.Response:
    """Call a portal service on a new connection, `?case=` selecting the test's rules."""
    body = {"session": portal.session, "madonvi": portal.client.madonvi, "service": name, **fields}
    return requests.post(f"{sandbox.base}/dvcqg/api/service?case={case}", json=body, timeout=10)


def population(sandbox, token: str, case: str = "") -> requests.Response:
    """A population verification on the ministry system's own prefix, with a gateway token."""
    headers = {"Authorization": f"Bearer {token}"}
    return requests.post(f"{sandbox.base}/population/verify?case={case}", json={}, headers=headers, timeout=10)


def rule(case: str, *effects, **match) -> dict:
    """A rule for the requests of one `?case=`."""
    return {"id": case, "match": {"query": {"case": case}, **match}, "effects": list(effects)}


def http_post(sandbox, path: str, body: dict) -> http.client.HTTPResponse:
    """POST through http.client (it reads exactly Content-Length bytes and says when fewer came)."""
    conn = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=5)
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    return conn.getresponse()


def test_unclassified_paths_pass_untouched_but_carry_the_request_id(sandbox, portal):
    sandbox.put_rules(rule("all", "reset"))  # would drop any simulated request
    reply = requests.get(f"{sandbox.base}/healthz?case=all", headers={"X-Request-ID": "abc-123"}, timeout=5)
    assert reply.json()["status"] == "ok" and reply.headers["X-Request-ID"] == "abc-123"
    assert "X-Sandbox-Fault" not in reply.headers
    with pytest.raises(requests.ConnectionError):
        service(sandbox, portal, SMALL_LIST, "all")


def test_a_simulated_request_without_an_id_gets_one(sandbox, portal):
    assert re.fullmatch(r"[0-9a-f]{32}", service(sandbox, portal, SMALL_LIST).headers["X-Request-ID"])


def test_reset_gives_the_client_a_connection_reset(sandbox, portal):
    sandbox.put_rules(rule("reset", "reset", system="portal"))
    for _ in range(10):
        with pytest.raises(requests.ConnectionError) as err:
            service(sandbox, portal, SMALL_LIST, "reset")
        assert "reset" in repr(err.value).lower()
    assert service(sandbox, portal, SMALL_LIST).json()["error_code"] == "00"  # the workers are alive


def test_hang_keeps_the_client_waiting_until_its_timeout(sandbox, portal):
    sandbox.put_rules(rule("hang", {"hang": {"cap_s": 3}}))
    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        requests.post(f"{sandbox.base}/dvcqg/api/service?case=hang", json={"service": SMALL_LIST}, timeout=1)
    assert time.monotonic() - started >= 0.9  # the client's timeout, not an early answer, ended it


def test_hang_closes_without_any_response_after_its_cap(sandbox, portal):
    sandbox.put_rules(rule("hang", {"hang": {"cap_s": 1}}))
    started = time.monotonic()
    with pytest.raises(requests.ConnectionError):  # closed by the cap: a ReadTimeout would mean it outlived 30 s
        requests.post(f"{sandbox.base}/dvcqg/api/service?case=hang", json={"service": SMALL_LIST}, timeout=30)
    assert time.monotonic() - started >= 0.9


def test_truncated_body_is_an_incomplete_read(sandbox, portal):
    sandbox.put_rules(rule("trunc", "truncated"))
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)):
        service(sandbox, portal, SMALL_LIST, "trunc").json()
    body = {"session": portal.session, "madonvi": portal.client.madonvi, "service": SMALL_LIST}
    reply = http_post(sandbox, "/dvcqg/api/service?case=trunc", body)
    assert reply.getheader("X-Sandbox-Fault") == "truncated"
    with pytest.raises(http.client.IncompleteRead) as err:  # the connection closes at once
        reply.read()
    assert len(err.value.partial) == int(reply.getheader("Content-Length")) // 2


def test_dribble_delivers_the_whole_body_over_the_duration(sandbox, portal):
    whole = service(sandbox, portal, SMALL_LIST).json()
    sandbox.put_rules(rule("drib", {"dribble": {"duration_s": 1.5, "chunks": 6}}))
    started = time.monotonic()
    reply = service(sandbox, portal, SMALL_LIST, "drib")
    assert time.monotonic() - started >= 1.4  # spread over the duration (how fast beyond it is for make bench)
    assert reply.json() == whole and reply.headers["X-Sandbox-Fault"] == "dribble"


def test_bandwidth_paces_the_body_at_its_bytes_per_second(sandbox, portal):
    whole = service(sandbox, portal, SMALL_LIST)
    sandbox.put_rules(rule("bw", {"bandwidth": {"bytes_per_s": 4000}}))
    started = time.monotonic()
    reply = service(sandbox, portal, SMALL_LIST, "bw")
    elapsed = time.monotonic() - started
    assert reply.content == whole.content and reply.headers["X-Sandbox-Fault"] == "bandwidth"
    assert elapsed >= len(reply.content) / 4000 * 0.9, elapsed  # no faster than its bytes per second


def test_rate_limit_answers_429_with_retry_after_as_one_bucket_across_workers(sandbox):
    khanh_hoa, hanoi = sandbox.token("56"), sandbox.token("01")
    sandbox.put_rules(rule("rl", {"rate_limit": {"rate_per_s": 0.2, "burst": 3}}, system="population", client="H56"))
    answers = [population(sandbox, khanh_hoa, "rl") for _ in range(8)]
    while len({worker_of(r) for r in answers}) < 2 and len(answers) < 30:  # a new connection each, until both workers served
        answers.append(population(sandbox, khanh_hoa, "rl"))
    assert len({worker_of(r) for r in answers}) == 2
    # One bucket: a worker's own bucket would have let 3 more through.
    assert [r.headers.get("X-Sandbox-Fault") for r in answers] == [None] * 3 + ["rate_limit"] * (len(answers) - 3)
    limited = answers[-1]
    assert limited.status_code == 429 and 1 <= int(limited.headers["Retry-After"]) <= 5
    assert limited.json() == registry.get("population").error_body(429, limited.json()["message"])
    assert population(sandbox, hanoi, "rl").status_code == answers[0].status_code != 429  # another client's bucket


def test_maintenance_answers_503_with_retry_after_only_for_the_matched_service(sandbox, portal):
    sandbox.put_rules(rule("mt", {"maintenance": {"retry_after_s": 120}}, system="portal", operation=SMALL_LIST))
    down = service(sandbox, portal, SMALL_LIST, "mt")
    assert down.status_code == 503 and down.headers["Retry-After"] == "120"
    assert down.json()["error_code"] == "-1" and "bảo trì" in down.json()["message"]
    up = service(sandbox, portal, "LayDanhMucCoQuan", "mt")
    assert up.status_code == 200 and up.json()["error_code"] == "00" and up.json()["result"]  # body intact


def test_error_after_latency_uses_the_systems_format(sandbox):
    token = sandbox.token("56")
    sandbox.put_rules(rule("err", {"latency": {"dist": "fixed", "seconds": 0.5}}, {"error": {"status": 502}}, system="population"))
    started = time.monotonic()
    reply = population(sandbox, token, "err")
    assert time.monotonic() - started >= 0.5
    assert reply.status_code == 502 and reply.headers["X-Sandbox-Fault"] == "latency,error"
    # The system's own error format, from the one registry (the rules name systems from it too).
    assert reply.json() == registry.get("population").error_body(502, "Lỗi kết nối tới hệ thống nguồn")


def without(data, field: str):
    """`data` with `field` removed from every object at every depth."""
    if isinstance(data, dict):
        return {k: without(v, field) for k, v in data.items() if k != field}
    if isinstance(data, list):
        return [without(v, field) for v in data]
    return data


def test_partial_removes_named_fields_at_every_depth(sandbox, portal):
    whole = service(sandbox, portal, LONG_LIST).json()
    field = "MALINHVUC"
    assert field in json.dumps(whole)
    sandbox.put_rules(rule("part", {"partial": {"fields": [field]}}, system="portal", body={"madonvi": {"regex": ".*H56"}}))
    reply = service(sandbox, portal, LONG_LIST, "part")
    assert reply.headers["X-Sandbox-Fault"] == "partial"
    assert reply.json() == without(whole, field)


def test_empty_and_malformed_json_bodies(sandbox, portal):
    sandbox.put_rules(rule("empty", "empty"), rule("bad", "malformed_json"))
    empty = service(sandbox, portal, SMALL_LIST, "empty")
    assert empty.status_code == 200 and empty.content == b""
    bad = service(sandbox, portal, SMALL_LIST, "bad")
    assert bad.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        bad.json()


def test_a_new_rule_applies_in_every_worker(sandbox, portal):
    before = {worker_of(service(sandbox, portal, SMALL_LIST, "spread")) for _ in range(8)}
    sandbox.put_rules(rule("spread", {"latency": {"dist": "fixed", "seconds": 0.2}}, {"partial": {"fields": ["TENLINHVUC"]}}))
    with ThreadPoolExecutor(16) as pool:
        seen = list(pool.map(lambda _: service(sandbox, portal, SMALL_LIST, "spread"), range(48)))
    assert {r.headers.get("X-Sandbox-Fault") for r in seen} == {"latency,partial"}
    assert all("TENLINHVUC" not in r.text for r in seen)
    assert len({worker_of(r) for r in seen} | before) == 2, "both workers should have served"


def journal(sandbox, **filters) -> dict:
    """GET /sandbox/journal on the served simulator."""
    reply = requests.get(f"{sandbox.base}/sandbox/journal", params=filters, headers=ADMIN, timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_journal_records_each_classified_request_and_stays_bounded(sandbox, portal):
    body = {"session": portal.session, "madonvi": portal.client.madonvi, "service": SMALL_LIST}
    requests.post(f"{sandbox.base}/dvcqg/api/service", json=body, headers={"X-Request-ID": "jr-1"}, timeout=5)
    requests.get(f"{sandbox.base}/healthz", headers={"X-Request-ID": "jr-unclassified"}, timeout=5)

    def rows_of(request_id: str) -> list[dict]:
        # By request id: a previous test's rows may still reach the journal from a worker's buffer.
        return [r for r in journal(sandbox, limit=1000)["items"] if r["request_id"] == request_id]

    row = wait_until(lambda: rows_of("jr-1"), what="the journal row")[0]
    assert (row["operation"], row["status"], row["system"], row["client"], row["fault"]) == (SMALL_LIST, 200, "portal", "H56", None)
    with requests.Session() as session:
        for n in range(250):
            session.post(f"{sandbox.base}/dvcqg/api/service", json=body, headers={"X-Request-ID": f"jr-bulk-{n}"}, timeout=5)
    assert wait_until(lambda: rows_of("jr-bulk-249"), what="the last request's row")[0]["status"] == 200
    assert 0 < journal(sandbox)["total"] <= 100  # the newest 100 rows kept, whatever arrives
    assert not any(r["request_id"] == "jr-unclassified" for r in journal(sandbox, limit=500)["items"])


def read_counter(text: str, operation: str) -> float:
    """The sum of sandbox_requests_total over the series of one operation."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith("sandbox_requests_total{") and f'operation="{operation}"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_count_every_request_across_both_workers(sandbox, portal):
    with ThreadPoolExecutor(10) as pool:
        workers = {worker_of(r) for r in pool.map(lambda _: service(sandbox, portal, SMALL_LIST), range(60))}

    def counted() -> str | None:
        text = requests.get(f"{sandbox.base}/metrics", timeout=5).text
        return text if read_counter(text, SMALL_LIST) >= 60 else None

    text = wait_until(counted, what="60 counted requests")  # each worker flushes within 100 ms
    assert read_counter(text, SMALL_LIST) == 60 and len(workers) == 2
    assert f'sandbox_request_duration_seconds_count{{operation="{SMALL_LIST}",system="portal"}} 60.0' in text


async def _many_requests(port: int, n: int, token: str) -> list[bytes]:
    connecting = asyncio.Semaphore(500)  # stay under the kernel's accept backlog (somaxconn)
    request = f"GET /ngsp/services?case=sleepy HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"

    async def one():
        async with connecting:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request.encode())
        await writer.drain()
        data = await reader.read()
        writer.close()
        return data

    return await asyncio.gather(*(one() for _ in range(n)))


def thread_count(pid: int) -> int:
    """OS threads of a process."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"Threads:\s+(\d+)", status).group(1))


def worker_pids(sandbox) -> set[int]:
    """The gunicorn workers' process ids (children of the master)."""
    return {child.pid for child in psutil.Process(sandbox.proc.pid).children()}


def test_ten_thousand_injected_sleeps_are_greenlets_not_threads(sandbox):
    token = sandbox.token("56")
    sandbox.put_rules(rule("sleepy", {"latency": {"dist": "fixed", "seconds": 2}}))
    pids = worker_pids(sandbox)
    assert len(pids) == 2
    threads: list[int] = []

    async def run():
        task = asyncio.ensure_future(_many_requests(sandbox.port, SLEEPERS, token))
        while not task.done():
            threads.append(sum(thread_count(pid) for pid in pids))
            await asyncio.sleep(0.3)
        return task.result()

    # Its own thread: another test (Playwright's sync API) may leave an event loop running in this one.
    answers: list = []
    runner = threading.Thread(target=lambda: answers.extend(asyncio.run(run())))
    runner.start()
    runner.join()
    assert len(answers) == SLEEPERS  # none lost
    assert all(a.startswith(b"HTTP/1.1 200") and b"X-Sandbox-Fault: latency" in a for a in answers)
    assert max(threads) < 20  # both workers together: a handful of OS threads, not one per sleeper


def test_latency_before_the_first_byte_versus_spread_over_the_body(sandbox, portal):
    sandbox.put_rules(
        rule("first", {"latency": {"seconds": 1}}),
        rule("spread", {"latency": {"seconds": 1, "spread": True}}),
    )
    body = {"session": portal.session, "madonvi": portal.client.madonvi, "service": LONG_LIST}

    def timings(case: str) -> tuple[float, float]:
        started = time.monotonic()
        with requests.post(f"{sandbox.base}/dvcqg/api/service?case={case}", json=body, stream=True, timeout=10) as reply:
            first = next(reply.iter_content(1))
            first_at = time.monotonic() - started
            rest = first + b"".join(reply.iter_content(4096))
        assert json.loads(rest)["error_code"] == "00"  # the whole body came
        return first_at, time.monotonic() - started

    first_byte, _ = timings("first")
    assert first_byte >= 0.95  # the whole delay before the first byte
    spread_first, spread_total = timings("spread")
    assert spread_total - spread_first >= 0.8, (spread_first, spread_total)  # the delay came after the first byte


def test_slow_close_sends_the_answer_then_holds_the_connection(sandbox, portal):
    sandbox.put_rules(rule("sc", {"slow_close": {"delay_s": 1.5}}))
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /ngsp/services?case=sc HTTP/1.1\r\nHost: x\r\n\r\n")
        data, answered_at = b"", None
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            if answered_at is None and b"\r\n\r\n" in data:
                answered_at = time.monotonic() - started
        closed_at = time.monotonic() - started
    assert data.startswith(b"HTTP/1.1 401") and b"slow_close" in data  # the gateway's own answer, then
    assert closed_at - answered_at >= 1.4, (answered_at, closed_at)  # the connection held open after it


def test_server_log_has_no_tracebacks(served):
    log = served.log.read_text()
    assert "Traceback" not in log and "Error handling request" not in log, log[-3000:]
