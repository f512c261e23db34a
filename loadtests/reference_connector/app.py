"""The connector's HTTP surface: the push endpoint, /healthz and /stats, as a plain WSGI app.

The push endpoint does the minimum before answering, because the portal waits for our 2xx:
check the headers, verify the signature over the *raw* body, refuse stale timestamps
(replays), record the delivery (de-duplication and durability), queue it, answer 202.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable

from loadtests import wire
from loadtests.reference_connector.inbox import Inbox
from loadtests.reference_connector.processor import Processor

log = logging.getLogger("reference_connector")

PUSH_PATH = "/webhooks/dvcqg"
MAX_PUSH_BYTES = 2_000_000

Response = tuple[int, dict]


class ConnectorApp:
    """WSGI application of the reference connector."""

    def __init__(self, secret: str, inbox: Inbox, processor: Processor, max_skew_s: float = 300.0):
        self.secret, self.inbox, self.processor, self.max_skew_s = secret, inbox, processor, max_skew_s
        self.counters: Counter = Counter()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Route the request and answer JSON."""
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        if path == PUSH_PATH and method == "POST":
            status, body = self.receive_push(environ)
        elif path == "/healthz" and method == "GET":
            status, body = 200, {"status": "ok"}
        elif path == "/stats" and method == "GET":
            status, body = 200, self.stats()
        else:
            status, body = 404, {"error": f"no route {method} {path}"}
        raw = json.dumps(body, ensure_ascii=False).encode()
        reason = {200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}
        start_response(
            f"{status} {reason.get(status, 'Error')}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(raw)))],
        )
        return [raw]

    def stats(self) -> dict:
        """received, duplicates, rejected, synced, failed, retries and the processing backlog."""
        figures = {"received": 0, "duplicates": 0, "rejected": 0, "synced": 0, "failed": 0, "retries": 0}
        figures.update(self.counters)
        figures.update(self.processor.snapshot())
        return figures

    def receive_push(self, environ: dict) -> Response:
        """Verify, de-duplicate, record and queue one push; the status code is the portal's acknowledgement."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_PUSH_BYTES:
            return self._reject(400, "push too large")
        raw = environ["wsgi.input"].read(length) if length else b""
        delivery_id = environ.get("HTTP_X_DVCQG_DELIVERY", "")
        event = environ.get("HTTP_X_DVCQG_EVENT", "")
        timestamp = environ.get("HTTP_X_DVCQG_TIMESTAMP", "")
        signature = environ.get("HTTP_X_DVCQG_SIGNATURE", "")
        if not (delivery_id and event and timestamp.isdigit() and signature):
            return self._reject(400, "missing X-DVCQG-Delivery, -Event, -Timestamp or -Signature")
        # Signature first: the timestamp is only trustworthy once we know the portal signed it.
        if not wire.verify_push(self.secret, timestamp, raw, signature):
            return self._reject(401, "signature does not match")
        if abs(time.time() - int(timestamp)) > self.max_skew_s:
            return self._reject(401, f"timestamp outside ±{self.max_skew_s:g} s (replayed or clock skew)")
        try:
            push = json.loads(raw)
        except ValueError:
            return self._reject(400, "body is not JSON")
        if not isinstance(push, dict) or push.get("delivery_id", delivery_id) != delivery_id:
            return self._reject(400, "body delivery_id differs from X-DVCQG-Delivery")
        self.counters["received"] += 1
        if not self.inbox.accept(delivery_id, event, raw.decode()):
            # Already have it: acknowledge again so the portal stops retrying, but do nothing twice.
            self.counters["duplicates"] += 1
            return 200, {"error_code": 0, "status": "duplicate", "delivery_id": delivery_id}
        self.processor.submit(delivery_id, event, raw.decode())
        # error_code as OpenCPS' receivers answer it: the portal reads a non-zero one as a refusal.
        return 202, {"error_code": 0, "status": "accepted", "delivery_id": delivery_id}

    def _reject(self, status: int, reason: str) -> Response:
        self.counters["rejected"] += 1
        log.warning("push refused (%d): %s", status, reason)
        return status, {"error_code": -1, "error": reason, "message": reason}
