"""The HTTP worker the sandbox serves with, on a served process: keep-alive, then the idle timeout."""

from __future__ import annotations

import json
import socket
import time

import pytest

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
