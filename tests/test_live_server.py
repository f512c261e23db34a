"""The real served process: gunicorn with gevent workers, real HTTP on loopback, real SQLite file."""

import psutil
import pytest
import requests

from tests.conftest import LiveSandbox, Portal, dossier, progress

pytestmark = pytest.mark.live


def test_connector_flow_against_a_served_process(live_sandbox):
    portal = Portal(live_sandbox.post, "79")
    assert portal.login()["error_code"] == 0
    code = "000.00.01.H79-261126-0001"
    assert portal.call("TraCuuHoSo", mahoso=code)["result"] == []
    assert portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(code)])["error_code"] == "00"
    steps = [progress(code, s) for s in ("4", "9", "10")]
    assert portal.call("CapNhatTienDoHoSoMC", data=steps)["error_code"] == "00"
    found = portal.call("TraCuuHoSo", mahoso=code)["result"][0]
    assert found["TrangThaiHoSo"] == "10" and len(found["QuaTrinhXuLy"]) == 3


def test_served_process_uses_gunicorn_gevent_workers(live_sandbox):

    master = psutil.Process(live_sandbox.proc.pid)
    assert "gunicorn" in " ".join(master.cmdline())
    assert len(master.children()) == 2


def test_bad_input_on_the_wire_is_never_a_500(live_sandbox):
    url = live_sandbox.base + "/dvcqg/api/service"
    assert requests.post(url, data=b"\xff\xfe", headers={"Content-Type": "application/json"}, timeout=5).status_code == 400
    big = b'{"x": "' + b"a" * 3_000_000 + b'"}'
    assert requests.post(url, data=big, headers={"Content-Type": "application/json"}, timeout=10).status_code == 413


def test_dossiers_synced_before_kill_9_are_there_after_restart(tmp_path):
    sandbox = LiveSandbox(tmp_path / "crash.db").start()
    portal = Portal(sandbox.post, "56")
    portal.login()
    codes = [f"000.00.01.H56-261126-{n:04d}" for n in range(1, 41)]
    for code in codes:
        assert portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(code)])["error_code"] == "00"
    sandbox.kill()
    restarted = LiveSandbox(tmp_path / "crash.db").start()
    try:
        portal = Portal(restarted.post, "56")
        portal.login()
        for code in codes:
            assert portal.call("TraCuuHoSo", mahoso=code)["result"], code
    finally:
        restarted.stop()
