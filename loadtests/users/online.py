"""Online submissions: citizens file on the portal, the portal pushes the dossiers to the connector.

Two ways to make that happen, picked on start (`--push-via auto|portal|direct`; auto takes
the portal's when it exists):
- the sandbox's flows API exists: `POST /sandbox/submissions {province, count}` and the
  portal itself pushes signed `dossier.submitted` events to the registered connector; the
  end-to-end figures then come from `GET /sandbox/flows/stats`;
- it does not (yet): the user plays the portal, signing each push itself and sending it to
  `--connector-url`, then watches the portal with TraCuuHoSo until the connector has synced
  the dossier back. Each watch is recorded as the request "e2e push→synced" (its response
  time is the push→sync latency to within `--e2e-poll`; a timeout is a lost dossier).
"""

from __future__ import annotations

import logging
import time

import gevent
from locust import between, events, task
from locust.exception import StopUser

from loadtests import wire
from loadtests.users.base import PortalUser

log = logging.getLogger(__name__)


class OnlineSubmissionDriver(PortalUser):
    """Makes the portal push online dossiers to the connector under test."""

    weight = 1
    wait_time = between(0.5, 1.0)

    def on_start(self) -> None:
        """Log in and pick the submission path (the sandbox's flows API, or direct signed pushes)."""
        super().on_start()
        options = self.environment.parsed_options
        portal_can = bool(options.admin_token)  # /sandbox/submissions is an admin route
        self.via_portal = options.push_via == "portal" or (options.push_via == "auto" and portal_can)
        if self.via_portal and not portal_can:
            log.warning("--push-via portal needs --admin-token (/sandbox/submissions is an admin route)")
            raise StopUser()
        if not self.via_portal and not options.push_secret:
            log.warning("no --admin-token and no --push-secret: online submissions not available")
            raise StopUser()

    @task
    def submit_online(self) -> None:
        """Submit dossiers online through whichever path is available."""
        if self.via_portal:
            self._submit_via_portal()
        else:
            self._push_directly()

    def _submit_via_portal(self) -> None:
        options = self.environment.parsed_options
        body = {"province": options.province, "count": options.submission_batch}
        headers = {"Authorization": f"Bearer {options.admin_token}"}
        with self.client.post(
            "/sandbox/submissions", json=body, headers=headers, name="sandbox submissions", catch_response=True
        ) as response:
            if response.status_code not in (200, 201, 202):
                response.failure(f"HTTP {response.status_code}: {(response.text or '')[:200]}")

    def _push_directly(self) -> None:
        options = self.environment.parsed_options
        code = self.new_code()
        dossier = wire.dossier_payload(code, status="1", channel="2")
        dossier["MaDoiTuong"] = f"TECH-{code[-11:]}"  # the citizen's TechID on the portal
        raw, headers = wire.signed_push(options.push_secret, "dossier.submitted", self.creds.madonvi, dossier)
        with self.client.post(options.connector_url, data=raw, headers=headers, name=wire.PUSH_NAME, catch_response=True) as response:
            if not 200 <= response.status_code < 300:
                response.failure(f"connector refused the push: HTTP {response.status_code}")
                return
        gevent.spawn(self._watch_until_synced, code, time.monotonic(), options.e2e_timeout, options.e2e_poll)

    def _watch_until_synced(self, code: str, pushed_at: float, timeout: float, poll: float) -> None:
        """Poll the portal until the connector has synced `code`; record the latency or the loss."""
        deadline = pushed_at + timeout
        while time.monotonic() < deadline:
            gevent.sleep(poll)
            # Through call(): the session is renewed before expiry and on "-2", like any portal call.
            reply = self.call("TraCuuHoSo", name="TraCuuHoSo (e2e watch)", mahoso=code)
            if reply and reply.get("result"):
                _record_e2e((time.monotonic() - pushed_at) * 1000, None)
                return
        _record_e2e(timeout * 1000, RuntimeError(f"{code} not synced within {timeout:g} s (lost)"))


def _record_e2e(latency_ms: float, error: Exception | None) -> None:
    events.request.fire(request_type="E2E", name=wire.E2E_NAME, response_time=latency_ms, response_length=0, exception=error, context={})
