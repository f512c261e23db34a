"""A province connector's push receiver for tests: a threaded HTTP server on a loopback port.

It checks signatures with its own HMAC code (not the sandbox's helper), records every
delivery, and answers from a script of statuses (e.g. [500, 500] then 200).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Records deliveries; `script` lists the statuses of the first answers, then 200."""

    def __init__(self, secret: str, script: list[int] | None = None, delay_s: float = 0.0):
        self.secret = secret
        self.script = list(script or [])
        self.delay_s = delay_s
        self.deliveries: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver._record(raw, dict(self.headers))
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)  # the behaviour itself: a receiver that answers slowly on purpose
                with receiver.lock:
                    status = receiver.script.pop(0) if receiver.script else 200
                body = json.dumps({"error_code": "00" if status < 300 else "99"}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sandbox was killed mid-request: it will retry

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/push"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _record(self, raw: bytes, headers: dict) -> None:
        timestamp = headers.get("X-DVCQG-Timestamp", "")
        expected = "sha256=" + hmac.new(self.secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()
        body = json.loads(raw)
        nested = isinstance(body, dict) and isinstance(body.get("data"), dict) and "event" in body
        with self.lock:
            self.deliveries.append(
                {
                    "body": body,
                    # The record and delivery id whatever the connector's body style (flat or nested).
                    "data": body["data"] if nested else body,
                    "delivery_id": headers.get("X-DVCQG-Delivery", ""),
                    "headers": headers,
                    "signature_ok": hmac.compare_digest(expected, headers.get("X-DVCQG-Signature", "")),
                    "fresh": abs(time.time() - int(timestamp or 0)) <= 300,
                    "received_at": time.time(),
                }
            )

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def of_event(self, event: str) -> list[dict]:
        """Deliveries of one event, in arrival order."""
        with self.lock:
            return [d for d in self.deliveries if d["headers"].get("X-DVCQG-Event") == event]

    def wait_for(self, predicate, timeout: float = 20.0) -> bool:
        """Poll until `predicate(self)` is true or the timeout passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self):
                return True
            time.sleep(0.05)
        return predicate(self)
