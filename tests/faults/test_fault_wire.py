"""Faults on the wire, against a real gunicorn with two gevent workers sharing one SQLite file."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from simulator.faults.journal import Journal
from simulator.faults.rules import Limits
from simulator.faults.store import FaultStore
from simulator.systems import registry

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
SLEEPERS = 10_000  # the design brief: 10,000 injected sleeps at once cost greenlets
PROPAGATION_S = 0.6  # workers re-check the rules version every 0.5 s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wire")
    db, log = tmp / "sandbox.db", tmp / "gunicorn.log"
    port = free_port()
    env = {
        **os.environ,
        "SANDBOX_DB": str(db),
        "SANDBOX_JOURNAL_MAX_ROWS": "100",
        "SANDBOX_JOURNAL_FLUSH_MS": "100",
        "SANDBOX_FAULT_HANG_CAP_S": "5",
    }
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                str(GUNICORN),
                "-k",
                "simulator.http_worker.SandboxWorker",  # the worker class the sandbox serves with
                "-w",
                "2",
                "--worker-connections",
                "12000",
                "--backlog",
                "12000",
                "-b",
                f"127.0.0.1:{port}",
                "--no-control-socket",
                "--graceful-timeout",
                "2",
                "--log-level",
                "info",
                "--pythonpath",
                f"{HERE},{ROOT}",
                "wire_app:app",
            ],
            cwd=tmp,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(f"{base}/pid", timeout=1).ok:
                break
        except requests.RequestException:  # refused, or too slow to answer while starting
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("gunicorn did not start:\n" + log.read_text())
        time.sleep(0.1)
    yield {"base": base, "db": db, "log": log, "proc": proc, "store": FaultStore(db, Limits(hang_cap_s=5)), "journal": Journal(db)}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def rules(server):
    """Put rules as the admin API would, then wait until every worker has them."""
    store: FaultStore = server["store"]

    def put(*raw):
        for r in raw:
            store.put_rule(r)
        time.sleep(PROPAGATION_S)

    yield put
    store.clear_rules()
    store.db.execute("DELETE FROM fault_buckets")
    time.sleep(PROPAGATION_S)


def worker_pids(server) -> set[int]:
    out = subprocess.run(["pgrep", "-P", str(server["proc"].pid)], capture_output=True, text=True, check=False)
    return {int(p) for p in out.stdout.split()}


def test_unclassified_paths_pass_untouched_but_carry_the_request_id(server):
    r = requests.get(f"{server['base']}/pid", headers={"X-Request-ID": "abc-123"}, timeout=5)
    assert r.headers["X-Request-ID"] == "abc-123" and "X-Sandbox-Fault" not in r.headers
    generated = requests.get(f"{server['base']}/population/citizen", timeout=5).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)


def test_reset_gives_the_client_a_connection_reset(server, rules):
    rules({"id": "rst", "match": {"system": "population", "query": {"case": "reset"}}, "effects": ["reset"]})
    for _ in range(10):
        with pytest.raises(requests.ConnectionError) as err:
            requests.get(f"{server['base']}/population/reset?case=reset", timeout=5)
        assert "reset" in repr(err.value).lower()
    assert requests.get(f"{server['base']}/population/fine", timeout=5).ok  # workers are alive


def test_hang_keeps_the_client_waiting_until_its_timeout(server, rules):
    rules({"id": "hang", "match": {"query": {"case": "hang"}}, "effects": [{"hang": {"cap_s": 3}}]})
    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{server['base']}/population/hang?case=hang", timeout=1)
    assert time.monotonic() - started >= 0.9  # the client's timeout, not an early answer, ended it


def test_hang_closes_without_any_response_after_its_cap(server, rules):
    rules({"id": "hang", "match": {"query": {"case": "hang"}}, "effects": [{"hang": {"cap_s": 1}}]})
    started = time.monotonic()
    with pytest.raises(requests.ConnectionError):  # closed by the cap: a ReadTimeout would mean it outlived 5 s
        requests.get(f"{server['base']}/population/hang?case=hang", timeout=5)
    assert time.monotonic() - started >= 0.9


def test_truncated_body_is_an_incomplete_read(server, rules):
    rules({"id": "trunc", "match": {"query": {"case": "trunc"}}, "effects": ["truncated"]})
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)):
        requests.get(f"{server['base']}/population/trunc?case=trunc&size=4000", timeout=5).json()
    host, port = server["base"].removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=2)  # a keep-alive wait would time out instead
    conn.request("GET", "/population/trunc?case=trunc&size=4000")
    resp = conn.getresponse()
    assert resp.getheader("X-Sandbox-Fault") == "truncated"
    with pytest.raises(http.client.IncompleteRead) as err:  # the connection closes at once
        resp.read()
    assert len(err.value.partial) == int(resp.getheader("Content-Length")) // 2


def test_dribble_delivers_the_whole_body_over_the_duration(server, rules):
    rules({"id": "drib", "match": {"query": {"case": "drib"}}, "effects": [{"dribble": {"duration_s": 1.5, "chunks": 6}}]})
    started = time.monotonic()
    r = requests.get(f"{server['base']}/population/drib?case=drib&size=3000", timeout=10)
    elapsed = time.monotonic() - started
    assert r.json()["pad"] == "x" * 3000 and r.headers["X-Sandbox-Fault"] == "dribble"
    assert elapsed >= 1.4  # spread over the duration (how fast beyond it is for make bench)


def test_rate_limit_answers_429_with_retry_after_as_one_bucket_across_workers(server, rules):
    rules({"id": "rl", "match": {"system": "population"}, "effects": [{"rate_limit": {"rate_per_s": 0.2, "burst": 3}}]})
    # A new connection per request, so requests land on both workers.
    answers = [requests.get(f"{server['base']}/population/q", headers={"X-Sandbox-Client": "H56"}, timeout=5) for _ in range(8)]
    assert [r.status_code for r in answers] == [200] * 3 + [429] * 5
    limited = answers[-1]
    assert 1 <= int(limited.headers["Retry-After"]) <= 5
    assert limited.json() == registry.get("population").error_body(429, limited.json()["message"])
    assert limited.headers["X-Sandbox-Fault"] == "rate_limit"
    other = requests.get(f"{server['base']}/population/q", headers={"X-Sandbox-Client": "H22"}, timeout=5)
    assert other.status_code == 200


def portal(server, service, **fields):
    body = {"session": "s", "madonvi": "000.00.00.H56", "service": service, **fields}
    return requests.post(f"{server['base']}/portal/api", json=body, timeout=5)


def test_maintenance_answers_503_with_retry_after_only_for_the_matched_service(server, rules):
    rules({"id": "mt", "match": {"system": "portal", "operation": "DongBoHoSoMC"}, "effects": [{"maintenance": {"retry_after_s": 120}}]})
    r = portal(server, "DongBoHoSoMC")
    assert r.status_code == 503 and r.headers["Retry-After"] == "120"
    assert r.json()["error_code"] == "-1" and "bảo trì" in r.json()["message"]
    ok = portal(server, "TraCuuHoSo", mahoso="H56.14-250101-0009")
    assert ok.status_code == 200 and ok.json()["result"][0]["MaHoSo"] == "H56.14-250101-0009"  # body intact


def test_error_after_latency_uses_the_systems_format(server, rules):
    rules(
        {
            "id": "err",
            "match": {"system": "population", "query": {"case": "err"}},
            "effects": [{"latency": {"dist": "fixed", "seconds": 0.5}}, {"error": {"status": 502}}],
        }
    )
    started = time.monotonic()
    r = requests.get(f"{server['base']}/population/err?case=err", timeout=5)
    assert time.monotonic() - started >= 0.5
    assert r.status_code == 502 and r.headers["X-Sandbox-Fault"] == "latency,error"
    # The system's own error format, from the one registry (the rules name systems from it too).
    assert r.json() == registry.get("population").error_body(502, "Lỗi kết nối tới hệ thống nguồn")


def test_partial_removes_named_fields_at_every_depth(server, rules):
    rules(
        {
            "id": "part",
            "match": {"system": "portal", "body": {"madonvi": {"regex": ".*H56"}}},
            "effects": [{"partial": {"fields": ["SoDienThoai"]}}],
        }
    )
    r = portal(server, "TraCuuHoSo")
    assert r.headers["X-Sandbox-Fault"] == "partial"
    assert "SoDienThoai" not in json.dumps(r.json()) and r.json()["result"][0]["ChuHoSo"] == "Nguyễn Văn An"


def test_empty_and_malformed_json_bodies(server, rules):
    rules(
        {"id": "e", "match": {"query": {"case": "empty"}}, "effects": ["empty"]},
        {"id": "m", "match": {"query": {"case": "bad"}}, "effects": ["malformed_json"]},
    )
    empty = requests.get(f"{server['base']}/population/empty?case=empty", timeout=5)
    assert empty.status_code == 200 and empty.content == b""
    bad = requests.get(f"{server['base']}/population/bad?case=bad", timeout=5)
    assert bad.headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError):
        bad.json()


def test_a_new_rule_applies_in_every_worker_within_one_second(server, rules):
    def call(_):
        r = requests.get(f"{server['base']}/population/spread?case=spread", timeout=5)
        return r.headers.get("X-Sandbox-Fault"), r.headers["X-Worker-Pid"]

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(call, range(32)))  # every worker has cached the (empty) rule set
        server["store"].put_rule(
            {
                "id": "spread",
                "match": {"query": {"case": "spread"}},
                "effects": [{"latency": {"dist": "fixed", "seconds": 0.2}}, {"partial": {"fields": ["pad"]}}],
            }
        )
        time.sleep(1.0)
        seen = list(pool.map(call, range(48)))
    assert {fault for fault, _ in seen} == {"latency,partial"}
    assert len({pid for _, pid in seen}) == 2, "both workers should have served"
    server["store"].clear_rules()


def test_journal_records_each_classified_request_and_stays_bounded(server):
    journal: Journal = server["journal"]
    r = requests.get(f"{server['base']}/population/journaled", headers={"X-Request-ID": "jr-1"}, timeout=5)
    assert r.ok
    time.sleep(0.4)
    row = journal.query(operation="journaled")[0]
    assert (row["request_id"], row["status"], row["system"], row["fault"]) == ("jr-1", 200, "population", None)
    assert not journal.query(system="pid")  # unclassified paths are not journaled
    with requests.Session() as s:
        for _ in range(250):
            s.get(f"{server['base']}/population/bulk", timeout=5)
    time.sleep(0.4)
    assert 0 < journal.count() <= 100


def read_counter(text: str, operation: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith("sandbox_requests_total{") and f'operation="{operation}"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_count_every_request_across_both_workers(server):
    def call(_):
        return requests.get(f"{server['base']}/population/counted", timeout=5).headers["X-Worker-Pid"]

    with ThreadPoolExecutor(10) as pool:
        pids = set(pool.map(call, range(60)))
    time.sleep(0.4)
    text = requests.get(f"{server['base']}/metrics", timeout=5).text
    assert read_counter(text, "counted") == 60
    assert len(pids) == 2
    assert 'sandbox_request_duration_seconds_count{operation="counted",system="population"} 60.0' in text


async def _many_requests(port: int, n: int) -> list[bytes]:
    connecting = asyncio.Semaphore(500)  # stay under the kernel's accept backlog (somaxconn)

    async def one():
        async with connecting:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /population/sleepy?case=sleepy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        await writer.drain()
        data = await reader.read()
        writer.close()
        return data[:12]

    return await asyncio.gather(*(one() for _ in range(n)))


def thread_count(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"Threads:\s+(\d+)", status).group(1))


def test_ten_thousand_injected_sleeps_are_greenlets_not_threads(server, rules):
    rules({"id": "sleepy", "match": {"query": {"case": "sleepy"}}, "effects": [{"latency": {"dist": "fixed", "seconds": 2}}]})
    port = int(server["base"].rsplit(":", 1)[1])
    pids = worker_pids(server)
    threads: list[int] = []

    async def run():
        task = asyncio.ensure_future(_many_requests(port, SLEEPERS))
        while not task.done():
            threads.append(sum(thread_count(pid) for pid in pids))
            await asyncio.sleep(0.3)
        return task.result()

    started = time.monotonic()
    # Its own thread: another test (Playwright's sync API) may leave an event loop running in this one.
    answers: list = []
    runner = threading.Thread(target=lambda: answers.extend(asyncio.run(run())))
    runner.start()
    runner.join()
    assert len(answers) == SLEEPERS
    assert all(a.startswith(b"HTTP/1.1 200") for a in answers)
    assert time.monotonic() - started < 120  # 10,000 x 2 s served together (serially: 20,000 s)
    assert max(threads) < 20  # both workers together: a handful of OS threads, not one per sleeper


def test_server_log_has_no_tracebacks(server):
    time.sleep(0.2)
    log = server["log"].read_text()
    assert "Traceback" not in log and "Error handling request" not in log, log[-3000:]


def test_bandwidth_paces_the_body_at_its_bytes_per_second(server, rules):
    rules({"id": "bw", "match": {"query": {"case": "bw"}}, "effects": [{"bandwidth": {"bytes_per_s": 4000}}]})
    started = time.monotonic()
    r = requests.get(f"{server['base']}/population/bw?case=bw&size=6000", timeout=10)
    elapsed = time.monotonic() - started
    assert r.json()["pad"] == "x" * 6000 and r.headers["X-Sandbox-Fault"] == "bandwidth"
    assert len(r.content) / 4000 * 0.9 <= elapsed <= len(r.content) / 4000 + 1.0, elapsed


def test_latency_before_the_first_byte_versus_spread_over_the_body(server, rules):
    rules(
        {"id": "first", "match": {"query": {"case": "first"}}, "effects": [{"latency": {"seconds": 1}}]},
        {"id": "spread", "match": {"query": {"case": "spread"}}, "effects": [{"latency": {"seconds": 1, "spread": True}}]},
    )

    def timings(case: str) -> tuple[float, float]:
        started = time.monotonic()
        with requests.get(f"{server['base']}/population/x?case={case}&size=20000", stream=True, timeout=10) as r:
            first = next(r.iter_content(1))
            first_at = time.monotonic() - started
            rest = first + b"".join(r.iter_content(4096))
        assert len(rest) > 20000
        return first_at, time.monotonic() - started

    first_byte, total = timings("first")
    assert first_byte >= 0.95 and total >= 0.95
    spread_first, spread_total = timings("spread")
    assert spread_first < 0.5 and spread_total >= 0.85, (spread_first, spread_total)


def test_slow_close_sends_the_answer_then_holds_the_connection(server, rules):
    rules({"id": "sc", "match": {"query": {"case": "sc"}}, "effects": [{"slow_close": {"delay_s": 1.5}}]})
    with socket.create_connection(("127.0.0.1", int(server["base"].rsplit(":", 1)[1])), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /population/x?case=sc HTTP/1.1\r\nHost: x\r\n\r\n")
        data, answered_at = b"", None
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            if answered_at is None and b"\r\n\r\n" in data:
                answered_at = time.monotonic() - started
        closed_at = time.monotonic() - started
    assert data.startswith(b"HTTP/1.1 200") and b"slow_close" in data
    assert answered_at < 0.5 and closed_at >= 1.4, (answered_at, closed_at)
