"""Soak traffic for tests/hardening/test_soak.py: portal connectors, gateway callers and an admin.

Run by the soak test as `locust -f tests/hardening/soak_locustfile.py --headless ...` against a
served sandbox with fault rules on. Each response is sorted as fine, an *injected* fault (the
sandbox says so in `X-Sandbox-Fault`, or the connection was reset, which the sandbox counts in
/metrics) or an *unexpected* 5xx; the counts go to the JSON file named by `SOAK_REPORT`.
"""

from __future__ import annotations

import itertools
import json
import os
from collections import Counter

from locust import HttpUser, between, events, task

from simulator.clients import by_province
from simulator.provinces import all_provinces

SEED = int(os.environ.get("SANDBOX_SEED", "20250701"))
ADMIN_TOKEN = os.environ.get("SANDBOX_ADMIN_TOKEN", "test-admin-token")
PROVINCES = [p.code for p in all_provinces()]
_next_province = itertools.count()
outcomes: Counter = Counter()


def classify(response) -> str:
    """fine, injected [5xx] (a fault the sandbox owned up to), reset (no response), or unexpected."""
    if response.status_code == 0:
        return "reset"
    if response.headers.get("X-Sandbox-Fault"):
        return "injected 5xx" if response.status_code >= 500 else "injected"
    return "unexpected" if response.status_code >= 500 else "fine"


class SandboxUser(HttpUser):
    """Shared response bookkeeping: only an unexplained 5xx is a failure."""

    abstract = True
    wait_time = between(0.05, 0.3)

    def request(self, method: str, path: str, name: str | None = None, **kwargs):
        with self.client.request(method, path, name=name or path, catch_response=True, **kwargs) as response:
            kind = classify(response)
            outcomes[kind] += 1
            outcomes[f"{kind} {name or path}"] += 1
            if kind == "unexpected":
                response.failure(f"unexpected {response.status_code}: {response.text[:200]}")
            else:
                response.success()  # injected faults are the point of the soak, not failures
            return response

    def json_of(self, response) -> dict:
        """The reply as a dict, or {} when a fault cut or broke it."""
        try:
            body = response.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}


class PortalConnector(SandboxUser):
    """A province connector: sync new dossiers, report progress, look them up, read the REST view."""

    weight = 6

    def on_start(self) -> None:
        self.province = PROVINCES[next(_next_province) % len(PROVINCES)]
        self.client_info = by_province(SEED, self.province)
        self.session = None
        self.serial = itertools.count(1)
        self.open: list[str] = []
        self.login()

    def login(self) -> None:
        reply = self.request(
            "POST",
            "/dvcqg/api/auth",
            json={"username": self.client_info.username, "password": self.client_info.password},
        )
        self.session = self.json_of(reply).get("session") or self.session

    def service(self, service: str, **fields):
        body = {"session": self.session, "madonvi": self.client_info.madonvi, "service": service, **fields}
        reply = self.request("POST", "/dvcqg/api/service", name=f"service {service}", json=body)
        if self.json_of(reply).get("error_code") == "-2":
            self.login()
        return reply

    def new_code(self) -> str:
        n = next(self.serial)
        # Province-unique codes: one agency per user, a new day every 9,999 dossiers.
        return f"000.00.01.H{self.province}-2611{20 + n // 10_000:02d}-{n % 10_000 or 1:04d}"

    @task(3)
    def sync_new_dossier(self) -> None:
        code = self.new_code()
        data = [_dossier(code)]
        if self.json_of(self.service("DongBoHoSoMC", isUpdating="False", data=data)).get("error_code") == "00":
            self.open.append(code)

    @task(3)
    def report_progress(self) -> None:
        if self.open:
            code = self.open.pop(0)
            self.service("CapNhatTienDoHoSoMC", data=[_progress(code, "4"), _progress(code, "9"), _progress(code, "10")])

    @task(4)
    def look_up(self) -> None:
        self.service("TraCuuHoSo", mahoso=f"000.00.01.H{self.province}-261120-{1 + next(self.serial) % 50:04d}")

    @task(2)
    def read_rest_view(self) -> None:
        self.request("GET", "/api/v1/dossiers?page_size=20", name="/api/v1/dossiers", headers={"Authorization": f"Bearer {self.session}"})

    @task(1)
    def catalogue(self) -> None:
        self.service("LayDanhSachTTHC")


class GatewayCaller(SandboxUser):
    """A province on the integration gateway: token, then ministry lookups through it."""

    weight = 3

    def on_start(self) -> None:
        self.info = by_province(SEED, PROVINCES[next(_next_province) % len(PROVINCES)])
        self.token = ""
        for _attempt in range(5):  # an injected 503 may meet the token call too
            reply = self.request("POST", "/ngsp/token", auth=(self.info.gateway_key, self.info.gateway_secret))
            self.token = self.json_of(reply).get("access_token", "")
            if self.token:
                break

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    @task(1)
    def list_services(self) -> None:
        self.request("GET", "/ngsp/services", headers=self.auth)

    @task(3)
    def population_lookup(self) -> None:
        body = {
            "MaYeuCau": "YC-soak",
            "MaDVC": "1.001193",
            "MaTichHop": f"LGSP-H{self.info.province_code}",
            "MaCanBo": "CB01",
            "SoDinhDanh": "001088000004",
            "HoVaTen": "",
            "NgayThangNamSinh": "",
        }
        self.request("POST", "/ngsp/population/lookup", json=body, headers=self.auth)

    @task(2)
    def insurance_card(self) -> None:
        path = "/ngsp/social_insurance/cards/092085000006/validity?date=20250601"
        self.request("GET", path, name="/ngsp/social_insurance/cards/validity", headers=self.auth)

    @task(1)
    def enterprise(self) -> None:
        path = "/ngsp/business_registration/chiTietDoanhNghiep?msdn=0102000016"
        self.request("GET", path, name="/ngsp/business_registration", headers=self.auth)


class Admin(SandboxUser):
    """A trainer watching: journal, clock, metrics, flow figures."""

    weight = 1
    wait_time = between(0.5, 1.5)

    @task
    def watch(self) -> None:
        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        self.request("GET", "/sandbox/journal?limit=50", name="/sandbox/journal", headers=auth)
        self.request("GET", "/sandbox/clock", headers=auth)
        self.request("GET", "/sandbox/flows/stats", headers=auth)
        self.request("GET", "/metrics")


def _dossier(code: str) -> dict:
    return {
        "MaHoSo": code,
        "MaTTHC": "1.001193",
        "TenTTHC": "Thủ tục đăng ký khai sinh",
        "ChuHoSo": "Nguyễn Văn An",
        "LoaiDoiTuong": "1",
        "KenhThucHien": "1",
        "NgayTiepNhan": "20261120083000",
        "NgayHenTra": "",
        "TrangThaiHoSo": "2",
        "DonViXuLy": "UBND xã",
        "TaiLieuNop": [],
    }


def _progress(code: str, status: str) -> dict:
    stamp = {"4": "20261121100000", "9": "20261122100000", "10": "20261123100000"}[status]
    return {"MaHoSo": code, "NguoiXuLy": "Trần Thị Bình", "ThoiDiemXuLy": stamp, "TrangThai": status}


@events.quitting.add_listener
def write_report(environment, **_kwargs) -> None:
    """Hand the outcome counts and totals to the soak test."""
    path = os.environ.get("SOAK_REPORT")
    if not path:
        return
    total = environment.stats.total
    report = {"requests": total.num_requests, "failures": total.num_failures, "outcomes": dict(outcomes)}
    with open(path, "w", encoding="utf-8") as out:
        json.dump(report, out, ensure_ascii=False, indent=1)
