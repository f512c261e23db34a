"""The abstract portal user: session handshake, re-authentication and payload checks.

Every reply is checked on its payload, not only its HTTP status: the portal answers most
problems inside a 200 (`error_code` "-1" ... "-7"), and a load test that counted those as
successes would report a broken connector as fast and healthy.
"""

from __future__ import annotations

import base64
import json
import time
import zlib
from collections import deque
from functools import partial

import gevent
import gevent.ssl
from locust import FastHttpUser

from loadtests import wire
from loadtests.cli_options import credentials
from loadtests.users.options import next_dossier_code

# Codes recently synced by this process, for pollers to read back (bounded: no memory growth).
recent_codes: deque[str] = deque(maxlen=500)

# The population database behind the gateway: the SOAP TraCuuThongTinCongDan public clients send
# (docs/contract.md, population); the reply is Envelope/Body/CongdanCollection/CongDan.
POPULATION_PATH = "/ngsp/population/TraCuuThongTinCongDan"
POPULATION_ENVELOPE = (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:dan="http://dancuquocgia.bca">'
    "<soapenv:Header/><soapenv:Body><dan:TraCuuThongTinCongDan><dan:MaYeuCau>{code}</dan:MaYeuCau>"
    "<dan:MaDVC>{unit}</dan:MaDVC><dan:MaTichHop>037</dan:MaTichHop><dan:MaCanBo>desk</dan:MaCanBo>"
    "<dan:SoDinhDanh>{citizen}</dan:SoDinhDanh></dan:TraCuuThongTinCongDan></soapenv:Body></soapenv:Envelope>"
)


class PortalUser(FastHttpUser):
    """A province connector on the portal: logs in on start and re-authenticates on "-2"."""

    abstract = True
    session: str = ""
    session_renew_at: float = float("inf")
    gateway_token: str = ""

    def __init__(self, environment) -> None:
        # Certificates are verified, as a real connector must (Locust's own default is not to):
        # against --ca-file when given (the sandbox's local CA), else the system's trust store.
        self.insecure = False
        self.ssl_context_factory = partial(_ssl_context, getattr(environment.parsed_options, "ca_file", ""))
        super().__init__(environment)

    def on_start(self) -> None:
        """Log in before the first task."""
        self.creds = credentials(self.environment.parsed_options)
        self.login()

    def login(self) -> bool:
        """Run the session handshake; the handshake's error_code is the *number* 0 on success."""
        body = {"username": self.creds.username, "password": self.creds.password}
        with self.client.post("/dvcqg/api/auth", json=body, name="auth", catch_response=True) as response:
            payload = _json(response)
            if payload is None:
                return False
            if payload.get("error_code") != 0 or not payload.get("session"):
                response.failure(f"handshake refused: {payload.get('error_code')} {payload.get('message', '')[:200]}")
                return False
            self.session = payload["session"]
            self.session_renew_at = _renew_at(payload.get("expires_in"))
            return True

    def call(self, service: str, *, name: str | None = None, check=None, **fields) -> dict | None:
        """Call a portal service; a failure is recorded unless error_code is "00". Returns the reply or None.

        `check(payload)` may return a reason the payload is wrong (e.g. a field a real client reads
        is missing); that is recorded as a failure too.
        """
        if time.monotonic() >= self.session_renew_at:
            self.login()  # renew just before expiry rather than pay a "-2" round trip
        for attempt in range(2):
            body = {"session": self.session, "madonvi": self.creds.madonvi, "service": service, **fields}
            with self.client.post("/dvcqg/api/service", json=body, name=name or service, catch_response=True) as response:
                payload = _json(response)
                if payload is None:
                    return None
                code = str(payload.get("error_code"))
                if code == "-2" and attempt == 0:
                    # Sessions expire (session_ttl_seconds); a real connector logs in again and retries.
                    response.failure("session rejected (-2); re-authenticating")
                    if not self.login():
                        return None
                    continue
                if code != "00":
                    response.failure(f"error_code {code}: {str(payload.get('message', ''))[:200]}")
                elif check is not None and (problem := check(payload)):
                    response.failure(problem)
                return payload
        return None

    def new_code(self) -> str:
        """A MaHoSo no other user, worker or run will use."""
        return next_dossier_code(self.environment)

    def look_up_citizen(self, citizen_id: str) -> None:
        """Look the applicant up in the population database through the gateway."""
        if not self.gateway_token and not self._gateway_login():
            return
        headers = {"Authorization": f"Bearer {self.gateway_token}", "Content-Type": "text/xml", "SOAPAction": '""'}
        body = POPULATION_ENVELOPE.format(code=f"LT-{citizen_id}", unit=self.creds.madonvi, citizen=citizen_id)
        with self.client.post(
            POPULATION_PATH, data=body.encode("utf-8"), headers=headers, name="ngsp population", catch_response=True
        ) as response:
            if response.status_code == 401:
                self.gateway_token = ""  # expired: the next lookup logs in again
                response.failure("gateway token rejected")
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif b"CongdanCollection" not in response.content:
                # an empty collection is a real answer (about 2 % of valid IDs have no record)
                response.failure("reply has no Envelope/Body/CongdanCollection")

    def _gateway_login(self) -> bool:

        basic = base64.b64encode(f"{self.creds.gateway_key}:{self.creds.gateway_secret}".encode()).decode()
        with self.client.post(
            "/ngsp/token",
            data="grant_type=client_credentials",
            headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
            name="ngsp token",
            catch_response=True,
        ) as response:
            payload = _json(response)
            token = (payload or {}).get("access_token")
            if not token:
                response.failure("no access_token in the gateway's reply")
                return False
            self.gateway_token = token
            return True

    def file_and_walk(self, code: str, pause: float) -> bool:
        """The one-stop desk's whole dossier: look up, sync (create or update), then 2 (same) → 4 → 9 → 10."""
        applicant = wire.citizen_id(self.environment.parsed_options.province, zlib.crc32(code.encode()))
        self.look_up_citizen(applicant)
        found = self.call("TraCuuHoSo", mahoso=code)
        if found is None or str(found.get("error_code")) != "00":
            return False
        updating = "True" if found.get("result") else "False"
        synced = self.call("DongBoHoSoMC", isUpdating=updating, data=[wire.dossier_payload(code, applicant_id=applicant)])
        if synced is None or str(synced.get("error_code")) != "00":
            return False
        recent_codes.append(code)
        # As OpenCPS' syncDossierAndDossierStatus: after DongBoHoSoMC, report the status just synced
        # (2, a no-op kept in the history), then each step.
        for status in ("2", "4", "9", "10"):
            gevent.sleep(pause)
            reply = self.call("CapNhatTienDoHoSoMC", data=[wire.progress_entry(code, status)])
            if reply is None or str(reply.get("error_code")) != "00":
                return False
        return True


def _ssl_context(ca_file: str, cafile: str | None = None, **_ignored) -> gevent.ssl.SSLContext:
    """A verifying client context; geventhttpclient offers its own bundle as `cafile`, --ca-file replaces it."""
    return gevent.ssl.create_default_context(cafile=ca_file or cafile)


def _renew_at(expires_in) -> float:
    """When to renew a session that lives `expires_in` seconds: a little before it expires."""
    try:
        ttl = float(expires_in)
    except (TypeError, ValueError):
        return float("inf")  # no lifetime given: rely on "-2"
    return time.monotonic() + ttl - min(30.0, ttl * 0.1)


def _json(response) -> dict | None:
    """The reply's JSON object, or None after marking the request failed (status or malformed body)."""
    if response.status_code == 0:  # no HTTP exchange at all: say why (refused, reset, certificate refused)
        response.failure(f"connection failed: {str(getattr(response, 'error', '') or '')[:300]}")
        return None
    if response.status_code != 200:
        response.failure(f"HTTP {response.status_code}: {(response.text or '')[:200]}")
        return None
    try:
        payload = json.loads(response.text or "")
    except ValueError:
        response.failure(f"malformed body: {(response.text or '')[:100]!r}")
        return None
    if not isinstance(payload, dict):
        response.failure("reply is not a JSON object")
        return None
    return payload
