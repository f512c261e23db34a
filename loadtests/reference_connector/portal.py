"""Talking to the portal and the gateway the way a production connector must.

- One session from the handshake, renewed when a service answers error_code "-2".
- Faults are retried with exponential backoff and full jitter (AWS architecture blog,
  "Exponential Backoff And Jitter"): 5xx, 429 (waiting at least its Retry-After),
  connection errors and timeouts, and malformed bodies (a truncated reply is a fault,
  not an answer). Other 4xx are our own bugs and are not retried.
- Portal error codes are answers, not faults: the caller decides what "-3" or "-5" means.
"""

from __future__ import annotations

import base64
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

log = logging.getLogger("reference_connector")

RETRY_AFTER_CAP_S = 60.0


class PortalUnavailableError(Exception):
    """The portal kept failing after every retry; the message holds the last fault."""


@dataclass
class RetryPolicy:
    """How hard to try: attempts in all, backoff base and cap in seconds."""

    attempts: int = 6
    base_s: float = 0.2
    cap_s: float = 10.0

    def backoff(self, attempt: int) -> float:
        """Full jitter: a random wait between 0 and min(cap, base * 2**attempt)."""
        return random.uniform(0, min(self.cap_s, self.base_s * 2**attempt))


def _retry_after(response: requests.Response) -> float:
    """Seconds from a Retry-After header given in seconds (the HTTP-date form is treated as 1 s)."""
    value = response.headers.get("Retry-After", "")
    try:
        return min(RETRY_AFTER_CAP_S, max(0.0, float(value)))
    except ValueError:
        return 1.0


class PortalClient:
    """A province's client of the portal's handshake and integration endpoint."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        madonvi: str,
        *,
        policy: RetryPolicy | None = None,
        timeout_s: float = 15.0,
        on_retry: Callable[[str], None] = lambda reason: None,
    ):
        self.base_url = base_url.rstrip("/")
        self.username, self.password, self.madonvi = username, password, madonvi
        self.policy = policy or RetryPolicy()
        self.timeout_s = timeout_s
        self.on_retry = on_retry
        self.http = requests.Session()
        self.session = ""
        self.renew_at = float("inf")

    def send(self, method: str, path: str, **kwargs) -> requests.Response:
        """One HTTP exchange with retries on faults; returns a 4xx, or a 2xx whose body is a JSON object."""
        last = "no attempt"
        # Per request: requests lets REQUESTS_CA_BUNDLE override a session's own `verify` (--ca-file).
        kwargs.setdefault("verify", self.http.verify)
        for attempt in range(self.policy.attempts):
            if attempt:
                self.on_retry(last)
            try:
                response = self.http.request(method, self.base_url + path, timeout=self.timeout_s, **kwargs)
            except requests.RequestException as err:  # refused, reset, timed out
                last = f"{type(err).__name__}: {err}"
                time.sleep(self.policy.backoff(attempt))
                continue
            if response.status_code == 429 or response.status_code == 503 and "Retry-After" in response.headers:
                last = f"HTTP {response.status_code} (Retry-After {response.headers.get('Retry-After', '-')})"
                time.sleep(max(_retry_after(response), self.policy.backoff(attempt)))
                continue
            if response.status_code >= 500:
                last = f"HTTP {response.status_code}"
                time.sleep(self.policy.backoff(attempt))
                continue
            if response.status_code >= 300:
                return response  # a 4xx is an answer about our request; retrying would not change it
            try:
                if not isinstance(response.json(), dict):
                    raise ValueError("not a JSON object")
            except ValueError as err:
                last = f"malformed body ({err}): {response.text[:80]!r}"
                time.sleep(self.policy.backoff(attempt))
                continue
            return response
        raise PortalUnavailableError(f"{method} {path}: gave up after {self.policy.attempts} attempts; last: {last}")

    def login(self) -> None:
        """Run the session handshake (error_code is the number 0 on success)."""
        reply = self.send("POST", "/dvcqg/api/auth", json={"username": self.username, "password": self.password})
        payload = reply.json()
        if payload.get("error_code") != 0 or not payload.get("session"):
            raise PortalUnavailableError(f"handshake refused: {payload.get('message')}")
        self.session = payload["session"]
        ttl = payload.get("expires_in")
        # Renew a little before the portal's expiry instead of paying a "-2" round trip.
        self.renew_at = time.monotonic() + float(ttl) - min(30.0, float(ttl) * 0.1) if ttl else float("inf")

    def call(self, service: str, **fields) -> dict:
        """Call a service; logs in first when needed and once more on "-2". Returns the reply."""
        if not self.session or time.monotonic() >= self.renew_at:
            self.login()
        for attempt in range(2):
            body = {"session": self.session, "madonvi": self.madonvi, "service": service, **fields}
            payload = self.send("POST", "/dvcqg/api/service", json=body).json()
            if str(payload.get("error_code")) == "-2" and attempt == 0:
                log.info("session rejected (%s); logging in again", payload.get("message"))
                self.on_retry("session expired")
                self.login()
                continue
            return payload
        return payload


class GatewayClient:
    """OAuth2 client credentials in front of the ministry systems (NGSP), when the sandbox has them."""

    def __init__(self, portal: PortalClient, key: str, secret: str):
        self.portal = portal
        self.secret = secret  # also the payment platform's shared secret for MaXacThuc
        self.basic = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.token = ""
        self.available: bool | None = None  # unknown until the first token request

    def _get_token(self) -> bool:
        response = self.portal.send(
            "POST",
            "/ngsp/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {self.basic}"},
        )
        if response.status_code == 404:
            self.available = False  # this sandbox has no gateway (yet): lookups are skipped
            return False
        self.token = response.json().get("access_token", "")
        self.available = bool(self.token)
        return self.available

    def request(self, method: str, path: str, **kwargs) -> dict | None:
        """Call a gateway resource with the bearer token (renewed once on 401); None when unavailable or refused."""
        if self.available is False or (not self.token and not self._get_token()):
            return None
        for attempt in range(2):
            headers = {"Authorization": f"Bearer {self.token}"}
            response = self.portal.send(method, path, headers=headers, **kwargs)
            if response.status_code == 401 and attempt == 0 and self._get_token():
                continue
            return response.json() if 200 <= response.status_code < 300 else None
        return None
