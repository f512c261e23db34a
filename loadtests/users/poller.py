"""The status poller: what citizens' enquiries and dashboards cost the portal."""

from __future__ import annotations

import random

from locust import between, task

from loadtests import wire
from loadtests.users.base import PortalUser, recent_codes

# Procedures of every level and channel mix (see simulator/data/procedures.json).
PROCEDURES = ("1.001193", "2.000488", "1.004222", "1.000894")


def _procedure_problem(payload: dict) -> str:
    """Why a LayThuTuc reply would import empty agencies, steps or fees in OpenCPS ("" if fine)."""
    result = payload.get("result") or []
    if not result:
        return "LayThuTuc: empty result for a catalogue code"
    item = result[0]
    if not (item.get("COQUANTHUCHIEN") or [{}])[0].get("TENDONVI"):
        return "LayThuTuc: COQUANTHUCHIEN[0].TENDONVI missing"
    if not any(t.get("TENTRINHTU") for b in item.get("TRINHTUTHUCHIEN") or [] for t in b.get("TRINHTU") or []):
        return "LayThuTuc: no TRINHTUTHUCHIEN[].TRINHTU[].TENTRINHTU"
    if not all("PHILEPHI" in t for c in item.get("CACHTHUCTHUCHIEN") or [] for t in c.get("THOIGIAN") or []):
        return "LayThuTuc: CACHTHUCTHUCHIEN[].THOIGIAN[] without PHILEPHI"
    return ""


def _questions_problem(payload: dict) -> str:
    """Why OpenCPS' extractFAQResult would skip the questions ("" if fine)."""
    for item in payload.get("result") or []:
        if not (str(item.get("HOIDAPID", "0")).isdigit() and int(item["HOIDAPID"]) > 0 and item.get("MADONVI")):
            return f"question without a positive HOIDAPID or MADONVI: {str(item)[:120]}"
    return ""


class StatusPoller(PortalUser):
    """Reads dossiers back: TraCuuHoSo on recently synced codes and the REST listing."""

    weight = 1
    wait_time = between(0.5, 2.0)

    @task(3)
    def look_up_dossier(self) -> None:
        """TraCuuHoSo on a code synced in this process (or an unknown one, answered with result [])."""
        province = self.environment.parsed_options.province
        code = random.choice(recent_codes) if recent_codes else f"{wire.agency_code(province)}-000101-0001"
        self.call("TraCuuHoSo", mahoso=code)

    @task(1)
    def import_procedure(self) -> None:
        """LayThuTuc read as OpenCPS' syncServiceInfo reads it: agencies, steps and fees must be there."""
        self.call("LayThuTuc", maTTHC=random.choice(PROCEDURES), check=_procedure_problem)

    @task(1)
    def read_questions(self) -> None:
        """LayDanhSachHoiDapGuiTuDVCQG as doSyncSharingQA reads it: HOIDAPID, MADONVI, NOIDUNG."""
        self.call("LayDanhSachHoiDapGuiTuDVCQG", check=_questions_problem)

    @task(1)
    def list_dossiers(self) -> None:
        """The REST listing of the province's dossiers in processing, newest first."""
        province = self.environment.parsed_options.province
        with self.client.get(
            f"/api/v1/dossiers?province={province}&page_size=20",
            headers={"Authorization": f"Bearer {self.session}"},
            name="REST /api/v1/dossiers",
            catch_response=True,
        ) as response:
            if response.status_code == 401:
                response.failure("session rejected; re-authenticating")
                self.login()
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "items" not in (response.text or ""):
                response.failure("listing without items")
