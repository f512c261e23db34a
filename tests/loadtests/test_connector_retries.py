"""The reference connector's portal client: faults are retried with backoff, answers are not."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from loadtests.reference_connector.portal import PortalClient, PortalUnavailableError, RetryPolicy


class FlakyPortal(BaseHTTPRequestHandler):
    """Answers each request with the next canned reply: (status, headers, body)."""

    replies: list = []
    seen: list = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        """Record the request and answer the next canned reply."""
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FlakyPortal.seen.append(body)
        status, headers, raw = FlakyPortal.replies.pop(0)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        """Quiet."""


@pytest.fixture
def flaky_portal():
    """A portal on loopback answering canned replies in order."""
    FlakyPortal.replies, FlakyPortal.seen = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyPortal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def ok(body: dict) -> tuple:
    """A 200 JSON reply."""
    return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


def client(base: str, retries: list) -> PortalClient:
    """A client with tiny backoffs, counting retries."""
    portal = PortalClient(base, "dvc_h56", "pw", "000.00.00.H56", policy=RetryPolicy(attempts=6, base_s=0.001))
    portal.on_retry = retries.append
    portal.session = "s1"
    return portal


def test_5xx_429_and_malformed_bodies_are_retried_until_an_answer(flaky_portal):
    FlakyPortal.replies = [
        (503, {}, b"busy"),
        (429, {"Retry-After": "0"}, b"{}"),
        (200, {"Content-Type": "application/json"}, b'{"error_code": "00", "mess'),  # truncated
        ok({"error_code": "00", "message": "Tra cứu thành công", "result": []}),
    ]
    retries: list = []
    reply = client(flaky_portal, retries).call("TraCuuHoSo", mahoso="x")
    assert reply["error_code"] == "00"
    assert len(retries) == 3 and "Retry-After 0" in retries[1] and "malformed" in retries[2]


def test_an_expired_session_logs_in_again_and_repeats_the_call(flaky_portal):
    FlakyPortal.replies = [
        ok({"error_code": "-2", "message": "Session hết hạn"}),
        ok({"error_code": 0, "session": "s2"}),
        ok({"error_code": "00", "message": "ok", "result": []}),
    ]
    reply = client(flaky_portal, []).call("TraCuuHoSo", mahoso="x")
    assert reply["error_code"] == "00"
    assert [b.get("session") for b in FlakyPortal.seen] == ["s1", None, "s2"]


def test_portal_error_codes_are_answers_and_are_not_retried(flaky_portal):
    FlakyPortal.replies = [ok({"error_code": "-5", "message": "không thể chuyển trạng thái"})]
    retries: list = []
    assert client(flaky_portal, retries).call("CapNhatTienDoHoSoMC", data=[])["error_code"] == "-5"
    assert retries == []


def test_a_portal_that_keeps_failing_gives_up_after_the_last_attempt(flaky_portal):
    FlakyPortal.replies = [(500, {}, b"")] * 6
    with pytest.raises(PortalUnavailableError, match="gave up after 6 attempts; last: HTTP 500"):
        client(flaky_portal, []).call("TraCuuHoSo", mahoso="x")
