"""The campaign's own pushes to the connector, signed and shaped exactly as the portal sends them.

The campaign pushes directly (not through the portal's job queue) when it needs a push the
portal would never make — forged, tampered, replayed, repeated — or one at a precise moment.
The body is the portal's own envelope (`simulator.flows.push.envelope`) and the signature its
own `sign`, so a direct push differs from a queued one only where the campaign means it to.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import requests

from simulator.certify.options import Options
from simulator.flows import push as portal_push
from simulator.jobs.queue import Job
from simulator.wire_formats import to_portal

PUSH_TIMEOUT_S = 10
# A tampered push: signed, then one byte of the record changed (status 1 → 2).
TAMPER = (b'"TrangThaiHoSo": "1"', b'"TrangThaiHoSo": "2"')


class CampaignAborted(RuntimeError):
    """The campaign could not go on (sandbox or connector unusable); the message says why."""


class SignedPusher:
    """Posts pushes to one connector as the portal does: envelope in its body style, X-DVCQG-* headers."""

    def __init__(self, options: Options, http: requests.Session):
        self.options, self.http = options, http
        self.madonvi = ""

    def body(self, event: str, data: dict, delivery_id: str) -> dict:
        """The push body in the connector's body style, built by the portal's own envelope."""
        job = Job(delivery_id, "push", self.options.province, event, {"data": data}, 1)
        return portal_push.envelope(job, self.madonvi, to_portal(datetime.now()), self.options.body_style)

    def send(
        self, event: str, data: dict, delivery_id: str, *, secret: str | None = None, timestamp: int | None = None, tamper: bool = False
    ) -> tuple[int | None, Any]:
        """POST one signed push to the connector; returns (HTTP status, JSON body or text); CampaignAborted if it does not answer."""
        raw = json.dumps(self.body(event, data, delivery_id), ensure_ascii=False).encode()
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        headers = {
            "Content-Type": "application/json",
            "X-DVCQG-Delivery": delivery_id,
            "X-DVCQG-Event": event,
            "X-DVCQG-Timestamp": stamp,
            "X-DVCQG-Signature": portal_push.sign(secret or self.options.secret, stamp, raw),
        }
        if tamper:
            raw = raw.replace(*TAMPER, 1)
        try:
            response = self.http.post(self.options.connector, data=raw, headers=headers, timeout=PUSH_TIMEOUT_S)
        except requests.RequestException as err:
            raise CampaignAborted(f"the connector at {self.options.connector} did not answer a push: {err}") from err
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text[:500]
        return response.status_code, body
