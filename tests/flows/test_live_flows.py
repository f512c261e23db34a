"""End to end against a real served sandbox (gunicorn, 2 gevent workers): pushes, retries, sync-back,
result callbacks, ratings, and a `kill -9` in the middle of a burst that loses nothing."""

from __future__ import annotations

import threading

import psutil
import pytest
import requests

from tests.conftest import ADMIN, LiveSandbox, Portal, progress, settings_env, wait_until
from tests.flows.conftest import SECRET
from tests.flows.receiver import Receiver

pytestmark = pytest.mark.live

FAST_ENV = settings_env(
    job_backoff_base_ms=200, job_backoff_cap_ms=800, runner_poll_ms=50, runner_lease_seconds=2, push_timeout_seconds=3, job_lease_seconds=5
)


def admin(live: LiveSandbox, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, live.base + path, headers=ADMIN, timeout=10, **kwargs)


def test_online_submission_round_trip_with_retries_result_callback_and_rating(tmp_path):
    live = LiveSandbox(tmp_path / "e2e.db", workers=2, extra_env=FAST_ENV).start()
    try:
        with Receiver(SECRET, script=[500, 500]) as rec:
            assert admin(live, "PUT", "/sandbox/connectors/56", json={"url": rec.url, "secret": SECRET}).ok
            (made,) = admin(live, "POST", "/sandbox/submissions", json={"province": "56", "count": 1}).json()

            assert rec.wait_for(lambda r: len(r.of_event("dossier.submitted")) >= 3)
            attempts = rec.of_event("dossier.submitted")
            assert len(attempts) == 3 and all(a["signature_ok"] and a["fresh"] for a in attempts)
            assert {a["delivery_id"] for a in attempts} == {made["delivery_id"]}
            wait_until(lambda: admin(live, "GET", f"/sandbox/jobs/{made['delivery_id']}").json()["status"] == "done", 20, "the delivery")
            log = admin(live, "GET", f"/sandbox/jobs/{made['delivery_id']}").json()["attempt_log"]
            assert [a["http_status"] for a in log] == [500, 500, 200]

            runner = admin(live, "GET", "/sandbox/jobs").json()["runner"]
            workers = {c.pid for c in psutil.Process(live.proc.pid).children()}
            assert runner["live"] and int(runner["owner"].split(":")[1]) in workers

            dossier = attempts[-1]["data"]
            portal = Portal(live.post, "56")
            portal.login()
            assert portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier])["error_code"] == "00"
            steps = [progress(dossier["MaHoSo"], s, ThoiDiemXuLy=dossier["NgayTiepNhan"]) for s in ("2", "4", "9", "10")]
            assert portal.call("CapNhatTienDoHoSoMC", data=steps)["error_code"] == "00"

            callback = {"province": "56", "event": "payment.result", "MaHoSo": dossier["MaHoSo"]}
            assert admin(live, "POST", "/sandbox/callbacks/test", json=callback).status_code == 202
            assert rec.wait_for(lambda r: r.of_event("payment.result"))
            assert rec.of_event("payment.result")[0]["body"]["MaHoSo"] == dossier["MaHoSo"]  # flat, as the platform posts it

            index = wait_until(lambda: requests.get(live.base + "/api/v1/satisfaction", timeout=5).json()["groups"], 20, "the rating")
            assert index[0]["group"] == "56" and index[0]["count"] == 1

            stats = admin(live, "GET", "/sandbox/flows/stats?province=56").json()
            assert (stats["pushed"], stats["acknowledged"], stats["synced_back"], stats["finished"]) == (1, 1, 1, 1)
            assert stats["lost"] == 0 and stats["push_to_sync_ms"]["count"] == 1
    finally:
        live.stop()


def test_kill_9_during_a_burst_loses_no_acknowledged_dossier_and_no_delivery(tmp_path):
    db_path = tmp_path / "crash.db"
    live = LiveSandbox(db_path, workers=2, extra_env=FAST_ENV).start()
    acknowledged: set[str] = set()
    synced: set[str] = set()
    stop = threading.Event()

    with Receiver(SECRET, delay_s=0.05) as rec:
        assert admin(live, "PUT", "/sandbox/connectors/56", json={"url": rec.url, "secret": SECRET}).ok
        portal = Portal(live.post, "56")
        portal.login()

        def burst():
            while not stop.is_set():
                try:
                    reply = admin(live, "POST", "/sandbox/submissions", json={"province": "56", "count": 5})
                    if reply.status_code == 201:
                        acknowledged.update(m["MaHoSo"] for m in reply.json())
                    for delivery in rec.of_event("dossier.submitted"):
                        data = delivery["data"]
                        if data["MaHoSo"] not in synced:
                            answer = portal.call("DongBoHoSoMC", isUpdating="False", data=[data])
                            if answer["error_code"] == "00":
                                synced.add(data["MaHoSo"])
                except (requests.RequestException, ValueError):
                    return  # the sandbox was killed under us

        thread = threading.Thread(target=burst)
        thread.start()
        wait_until(lambda: acknowledged and synced, 20, "dossiers acknowledged and synced in flight")
        live.kill()  # SIGKILL to master and workers at once
        stop.set()
        thread.join(timeout=15)
        delivered_before = {d["data"]["MaHoSo"] for d in rec.of_event("dossier.submitted")}
        assert acknowledged and synced

        restarted = LiveSandbox(db_path, workers=2, extra_env=FAST_ENV).start()
        try:
            assert rec.wait_for(
                lambda r: acknowledged <= {d["data"]["MaHoSo"] for d in r.of_event("dossier.submitted")},
                timeout=30,
            ), f"undelivered: {len(acknowledged - delivered_before)} before restart"
            by_code: dict[str, set[str]] = {}
            for delivery in rec.of_event("dossier.submitted"):
                by_code.setdefault(delivery["data"]["MaHoSo"], set()).add(delivery["delivery_id"])
            assert all(len(ids) == 1 for ids in by_code.values())  # retries keep their id: de-duplicable

            again = Portal(restarted.post, "56")
            again.login()
            for code in synced:
                assert again.call("TraCuuHoSo", mahoso=code)["result"], code

            def settled() -> dict | None:
                stats = admin(restarted, "GET", "/sandbox/flows/stats?province=56").json()
                return stats if stats["deliveries"]["pending"] + stats["deliveries"]["running"] == 0 else None

            stats = wait_until(settled, 20, "every delivery to settle")
            assert stats["submitted"] >= len(acknowledged) and stats["deliveries"]["dead"] == 0
            assert stats["acknowledged"] == stats["submitted"]
        finally:
            restarted.stop()
