"""The portal pushing a dossier down to OpenCPS' receiver, on a served sandbox with its job runner.

Receiver: VietOpenCPS/opencps-v2, modules/backend-api-rest/.../DVCQGIManagement.java
`POST /nps/createdossierfromdvcqg` → DVCQGIntegrationActionImpl.doCreateDossierFromDVCQG (master):
reads the dossier's fields at the top level (`data.getString("MaSoThue")`, "MaHoSo", "MaTTHC"),
looks the applicant up with TraCuuTechID, and answers HTTP 200 `{"error_code": 0 | -1 | 1, "message"}`.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.conftest import ADMIN, LiveSandbox, settings_env, wait_until
from tests.contract.portal.conftest import OpenCpsClient, get_array, get_integer, get_string

pytestmark = pytest.mark.live
FAST_ENV = settings_env(job_backoff_base_ms=100, job_backoff_cap_ms=300, job_max_attempts=3, runner_poll_ms=50, push_timeout_seconds=5)


class OpenCpsReceiver:
    """/nps/createdossierfromdvcqg as doCreateDossierFromDVCQG answers it (always HTTP 200)."""

    def __init__(self, portal: OpenCpsClient, refuse_all: bool = False):
        self.portal, self.refuse_all = portal, refuse_all
        self.bodies: list[dict] = []
        self.answers: list[dict] = []
        self.created: set[str] = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                data = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                answer = receiver.create(data)
                raw = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/o/rest/v2/nps/createdossierfromdvcqg"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def create(self, data: dict) -> dict:
        """The receiver's checks, in its order; createResponseMessage(result, errorCode, message)."""
        self.bodies.append(data)
        if self.refuse_all:
            answer = {"error_code": -1, "message": "Not found server config width protocal: DVCQG_TTKM"}
        elif not get_string(data, "MaSoThue"):
            answer = {"error_code": -1, "message": "MaSoThue empty"}
        else:
            body = {"service": "TraCuuTechID", "provider": "wso2is", "mstorcmnd": get_string(data, "MaSoThue")}
            search = self.portal.sync_data(body, "share_endpoint")
            found = get_array(search, "result") if get_integer(get_string(search, "error_code")) == 0 else None
            code = get_string(data, "MaHoSo")
            if not found or not get_string(found[0], "TECHNICALID"):
                answer = {"error_code": -1, "message": "Can't get techId"}
            elif code in self.created:
                answer = {"error_code": 1, "message": f"{code}| duplicate refId"}
            else:
                self.created.add(code)
                answer = {"error_code": 0, "message": f"{code}| create dossier success"}
        self.answers.append(answer)
        return answer

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


def job_status(live: LiveSandbox, delivery_id: str, wanted: str, timeout: float = 20) -> dict:
    """The delivery job once it reaches `wanted` (fails naming the status after `timeout`)."""

    def reached() -> dict | None:
        job = requests.get(f"{live.base}/sandbox/jobs/{delivery_id}", headers=ADMIN, timeout=10).json()
        return job if job.get("status") == wanted else None

    return wait_until(reached, timeout, f"delivery {delivery_id} to be {wanted}")


@pytest.fixture
def live(tmp_path):
    """A served sandbox whose runner retries fast and gives up after 3 attempts."""
    sandbox = LiveSandbox(tmp_path / "push.db", extra_env=FAST_ENV).start()
    yield sandbox
    sandbox.stop()


def test_a_flat_push_is_created_by_opencps_and_acknowledged(live):
    """Default body style: MaHoSo, MaTTHC, MaSoThue at the top; the receiver's TraCuuTechID succeeds."""
    receiver = OpenCpsReceiver(OpenCpsClient(live.base))
    try:
        registered = requests.put(f"{live.base}/sandbox/connectors/56", headers=ADMIN, timeout=10,
                                  json={"url": receiver.url, "secret": "opencps-secret-56"}).json()  # fmt: skip
        assert registered["body_style"] == "flat"
        (made,) = requests.post(f"{live.base}/sandbox/submissions", json={"province": "56", "count": 1},
                                headers=ADMIN, timeout=10).json()  # fmt: skip
        job = job_status(live, made["delivery_id"], "done")
        assert job["status"] == "done", job
        body = receiver.bodies[0]
        assert body["MaHoSo"] == made["MaHoSo"] and body["MaTTHC"] == made["MaTTHC"] and body["MaSoThue"]
        assert receiver.answers == [{"error_code": 0, "message": f"{made['MaHoSo']}| create dossier success"}]
    finally:
        receiver.close()


def test_a_200_with_a_non_zero_error_code_is_retried_then_dead_and_never_delivered(live):
    """HTTP 200 {"error_code": -1} is a refusal: 3 attempts, then dead; the submission is not acknowledged."""
    receiver = OpenCpsReceiver(OpenCpsClient(live.base), refuse_all=True)
    try:
        requests.put(f"{live.base}/sandbox/connectors/56", headers=ADMIN, timeout=10,
                     json={"url": receiver.url, "secret": "opencps-secret-56"})  # fmt: skip
        (made,) = requests.post(f"{live.base}/sandbox/submissions", json={"province": "56", "count": 1},
                                headers=ADMIN, timeout=10).json()  # fmt: skip
        job = job_status(live, made["delivery_id"], "dead")
        assert job["status"] == "dead" and len(receiver.bodies) == 3
        assert all(a["http_status"] == 200 and "error_code -1" in a["error"] for a in job["attempt_log"])
        listed = requests.get(f"{live.base}/sandbox/submissions?province=56", headers=ADMIN, timeout=10).json()
        (mine,) = [s for s in listed if s["MaHoSo"] == made["MaHoSo"]]
        assert mine["acked_at"] is None
    finally:
        receiver.close()
