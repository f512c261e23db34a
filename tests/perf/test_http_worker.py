"""The HTTP worker the sandbox serves with, on a served process: keep-alive, then the idle timeout."""

from __future__ import annotations

import json
import re
import socket
import time

import gevent
import pytest
from gevent import pywsgi
from gevent import socket as gsocket

from simulator import http_worker
from simulator.faults.middleware import ARRIVED_KEY
from simulator.http_worker import SandboxHandler, SandboxServer
from tests.conftest import LiveSandbox

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: sandbox\r\n\r\n"


@pytest.fixture
def short_idle_sandbox(tmp_path):
    """A served sandbox whose idle connections close after 1 s (gunicorn's --keep-alive, as an operator sets it)."""
    sandbox = LiveSandbox(tmp_path / "idle.db", extra_env={"GUNICORN_CMD_ARGS": "--keep-alive 1"}).start()
    yield sandbox
    sandbox.stop()


def _answer(sock: socket.socket) -> bytes:
    """One whole response to /healthz (its headers and its Content-Length of body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":", 1)[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")))
    while len(body) < length:
        body += sock.recv(65536)
    return head


def test_a_connection_serves_several_requests_then_closes_once_idle_past_keepalive(short_idle_sandbox):
    with socket.create_connection(("127.0.0.1", short_idle_sandbox.port), timeout=5) as sock:
        for _ in range(3):
            sock.sendall(REQUEST)
            assert _answer(sock).startswith(b"HTTP/1.1 200")
            time.sleep(0.3)  # busy enough: well inside the idle timeout
        started = time.monotonic()
        assert sock.recv(1) == b""  # the server closed the idle connection
        assert 0.5 <= time.monotonic() - started <= 3.0


def test_a_reply_larger_than_the_socket_buffer_reaches_a_slow_reader_whole(served_sandbox):
    """One `send` takes what the socket buffer holds; the rest must still follow, in order."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the server's first send is partial
        sock.settimeout(10)
        sock.connect(("127.0.0.1", served_sandbox.port))
        sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: sandbox\r\n\r\n")
        time.sleep(0.5)  # let the server fill the buffers before anything is read
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(1024)
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(next(line.split(b":", 1)[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")))
        assert length > 256 * 1024  # several socket buffers' worth
        while len(body) < length:
            chunk = sock.recv(4096)
            assert chunk, f"connection closed after {len(body)} of {length} bytes"
            body += chunk
    assert head.startswith(b"HTTP/1.1 200")
    assert json.loads(body)["openapi"].startswith("3.")


class RecordingHandler(SandboxHandler):
    """The sandbox's handler, keeping each write it makes to the socket."""

    writes: list[bytes] = []

    def _sendall(self, data) -> None:
        type(self).writes.append(bytes(data))
        super()._sendall(data)


class PlainRecordingHandler(pywsgi.WSGIHandler):
    """gevent's own handler, keeping each write it makes to the socket."""

    writes: list[bytes] = []

    def _sendall(self, data) -> None:
        type(self).writes.append(bytes(data))
        super()._sendall(data)


def app_replying(body):
    """A WSGI app answering every request with `body` (bytes: with a Content-Length; a generator: chunked)."""

    def app(environ, start_response):
        headers = [("Content-Type", "application/json")]
        if isinstance(body, bytes):
            headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [body] if isinstance(body, bytes) else body()

    return app


def served_writes(handler_class, app) -> list[bytes]:
    """The writes `handler_class` makes answering one POST on a socket pair (the Date header blanked)."""
    handler_class.writes = []
    ours, theirs = gsocket.socketpair()
    server = SandboxServer(("127.0.0.1", 0), app, log=None)
    with ours, theirs:
        worker = gevent.spawn(handler_class(ours, ("127.0.0.1", 40000), server).handle)
        theirs.sendall(b"POST /x HTTP/1.1\r\nHost: sandbox\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        worker.join(timeout=10)
    return [re.sub(rb"Date: [^\r]*", b"Date: -", w) for w in handler_class.writes]


def test_a_small_reply_goes_out_in_one_write_with_the_bytes_gevent_would_send():
    app = app_replying(b'{"error_code":"00"}\n')
    ours, plain = served_writes(RecordingHandler, app), served_writes(PlainRecordingHandler, app)
    assert len(ours) == 1 and len(plain) == 2
    assert ours[0] == b"".join(plain)
    assert ours[0].startswith(b"HTTP/1.1 200 OK\r\n") and ours[0].endswith(b'\r\n\r\n{"error_code":"00"}\n')


def test_a_chunked_reply_is_framed_as_gevent_frames_it():
    def chunks():
        yield b"first,"
        yield b"second"

    ours, plain = served_writes(RecordingHandler, app_replying(chunks)), served_writes(PlainRecordingHandler, app_replying(chunks))
    assert b"".join(ours) == b"".join(plain)
    assert b"Transfer-Encoding: chunked" in ours[0] and b"6\r\nsecond\r\n" in b"".join(ours)


def test_a_reply_over_the_coalescing_bound_is_written_after_its_headers(monkeypatch):
    monkeypatch.setattr(http_worker, "COALESCE_MAX", 16)
    app = app_replying(b"x" * 17)
    ours, plain = served_writes(RecordingHandler, app), served_writes(PlainRecordingHandler, app)
    assert ours == plain and len(ours) == 2


def test_each_request_carries_when_it_arrived_no_earlier_than_it_was_sent():
    calls: list[tuple[float, float]] = []

    def app(environ, start_response):
        calls.append((environ[ARRIVED_KEY], time.monotonic()))
        start_response("200 OK", [("Content-Length", "2")])
        return [b"{}"]

    ours, theirs = gsocket.socketpair()
    server = SandboxServer(("127.0.0.1", 0), app, log=None)
    sent = []
    with ours, theirs:
        worker = gevent.spawn(SandboxHandler(ours, ("127.0.0.1", 40000), server).handle)
        for _ in range(2):
            gevent.sleep(0.05)  # the handler is waiting for the next request line
            sent.append(time.monotonic())
            theirs.sendall(b"GET /x HTTP/1.1\r\nHost: sandbox\r\n\r\n")
            reply = b""
            while not reply.endswith(b"{}"):
                reply += theirs.recv(4096)
        theirs.sendall(b"GET /x HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n")
        worker.join(timeout=10)
    assert len(calls) == 3
    for (arrived, called), sent_at in zip(calls, sent, strict=False):
        assert sent_at - 0.002 <= arrived <= called  # the loop's clock and the monotonic one agree within a tick
