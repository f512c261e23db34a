"""Shared fixtures: an app on a temporary SQLite file, a portal client, and a real served process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from simulator.app import create_app
from simulator.clients import by_province

SEED = 20250701
ADMIN_TOKEN = "test-admin-token"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app(tmp_path):
    """A sandbox app on its own SQLite file."""
    return create_app({"db": str(tmp_path / "sandbox.db"), "seed": SEED, "admin_token": ADMIN_TOKEN, "TESTING": True})


@pytest.fixture
def client(app):
    """Flask test client."""
    return app.test_client()


class Portal:
    """A province connector talking to the portal through some HTTP client."""

    def __init__(self, post, province: str = "56"):
        self._post = post
        self.client = by_province(SEED, province)
        self.session = None

    def login(self) -> dict:
        """Run the handshake and keep the session."""
        reply = self._post("/dvcqg/api/auth", {"username": self.client.username, "password": self.client.password})
        self.session = reply.get("session")
        return reply

    def call(self, service: str, **fields) -> dict:
        """Call a service with this client's session and unit code."""
        body = {"session": self.session, "madonvi": self.client.madonvi, "service": service, **fields}
        return self._post("/dvcqg/api/service", body)


@pytest.fixture
def portal_for(client):
    """Factory: a logged-in Portal for a province code, through the Flask test client."""

    def post(path: str, body: dict) -> dict:
        response = client.post(path, json=body)
        try:
            return response.get_json()
        finally:
            response.close()  # the journal records a request when its response is closed

    def make(province: str = "56") -> Portal:
        portal = Portal(post, province)
        portal.login()
        return portal

    return make


@pytest.fixture
def portal(portal_for):
    """A logged-in portal connector for Khánh Hòa (56)."""
    return portal_for("56")


def dossier(code: str = "000.00.01.H56-261126-0001", **overrides) -> dict:
    """A realistic dossier as connectors send it (optional fields as empty strings)."""
    base = {
        "MaHoSo": code,
        "MaTTHC": "1.001193",
        "TenTTHC": "Thủ tục đăng ký khai sinh",
        "MaLinhVuc": "G09-TP03",
        "TenLinhVuc": "Hộ tịch",
        "KenhThucHien": "1",
        "SoBienNhan": "",
        "ChuHoSo": "Nguyễn Văn An",
        "SoGiayToChuHoSo": "056090001234",
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "",
        "Email": "",
        "SoDienThoai": "0912345678",
        "TrichYeuHoSo": "Đăng ký khai sinh cho con",
        "DinhDanhCHS": [{"LoaiDinhDanh": "1", "SoDinhDanh": "056090001234"}],
        "NgayTiepNhan": "20261126083000",
        "NgayHenTra": "20261203170000",
        "NgayTra": "",
        "NgayKetThucXuLy": "",
        "NgayTuChoi": "",
        "NgayNopHoSo": "20261126080000",
        "TrangThaiHoSo": "2",
        "DonViXuLy": "UBND Phường Nha Trang",
        "NoiNopHoSo": "1",
        "HinhThuc": "0",
        "DuocThanhToanTrucTuyen": "3",
        "TaiLieuNop": [],
        "DanhSachLePhi": [
            {"TenPhiLePhi": "Lệ phí", "MaPhiLePhi": "LP01", "HinhThucThu": "1", "Gia": "0", "LoaiPhiLePhi": "1"}
        ],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": [],
    }
    base.update(overrides)
    return base


def progress(code: str = "000.00.01.H56-261126-0001", status: str = "4", **overrides) -> dict:
    """A progress entry as connectors send it."""
    entry = {
        "MaHoSo": code,
        "NguoiXuLy": "Trần Thị Bình",
        "ChucDanh": "",
        "ThoiDiemXuLy": "20261126100000",
        "PhongBanXuLy": "",
        "NoiDungXuLy": "Chuyển xử lý",
        "TrangThai": status,
        "NgayBatDau": "",
        "NgayKetThucTheoQuyDinh": "",
    }
    entry.update(overrides)
    return entry


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveSandbox:
    """A real `python -m simulator serve` process on a loopback port."""

    def __init__(self, db_path: Path, workers: int = 2, extra_env: dict | None = None):
        self.db_path = db_path
        self.workers = workers
        self.extra_env = extra_env or {}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = db_path.parent / f"serve-{self.port}.log"

    def start(self, timeout: float = 30) -> LiveSandbox:
        """Start the server and wait for /healthz."""
        env = {**os.environ, "SANDBOX_ADMIN_TOKEN": ADMIN_TOKEN, "SANDBOX_SEED": str(SEED), **self.extra_env}
        cmd = [
            sys.executable,
            "-m",
            "simulator",
            "serve",
            "--port",
            str(self.port),
            "--db",
            str(self.db_path),
            "--workers",
            str(self.workers),
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sandbox exited early: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"sandbox did not start: {self.log.read_text()[-2000:]}")

    def post(self, path: str, body: dict) -> dict:
        """POST JSON and return the decoded reply."""
        return requests.post(self.base + path, json=body, timeout=10).json()

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (master and workers) and wait."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=15)

    def stop(self) -> None:
        """Stop gracefully, then hard if needed."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def live_sandbox(tmp_path):
    """A started real sandbox process, stopped after the test."""
    sandbox = LiveSandbox(tmp_path / "live.db").start()
    yield sandbox
    sandbox.stop()
