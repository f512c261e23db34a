"""Online submissions: what the portal pushes, NgayHenTra on working days, sync-back, lost and overdue."""

from __future__ import annotations

import json
import random
import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from simulator.clock import shared_clock
from simulator.db import database
from simulator.flows import citizens
from simulator.portal import accounts
from simulator.provinces import all_provinces
from tests.conftest import ADMIN, SEED, progress
from tests.flows.conftest import SECRET, drain, set_sim_time

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OLD_PROVINCE_CODES = {c for p in all_provinces() for c in p.old_codes} | {p.code for p in all_provinces()}


def register(client, url: str, province: str = "56", **extra):
    body = {"url": url, "secret": SECRET, **extra}
    return client.put(f"/sandbox/connectors/{province}", json=body, headers=ADMIN)


def submit(client, **body) -> list[dict]:
    reply = client.post("/sandbox/submissions", json={"province": "56", **body}, headers=ADMIN)
    assert reply.status_code == 201, reply.get_json()
    return reply.get_json()


def valid_citizen_id(number: str, birth_year: int | None = None) -> bool:
    """DOMAIN.md's rule, written independently of the generator."""
    if not re.fullmatch(r"\d{12}", number) or number[:3].lstrip("0").zfill(2) not in OLD_PROVINCE_CODES:
        return False
    century_digit = int(number[3])
    year = 1900 + (century_digit // 2) * 100 + int(number[4:6])
    return birth_year is None or year == birth_year


def test_a_submission_is_pushed_as_an_online_dossier_in_status_1(client, runner, receiver):
    register(client, receiver.url)
    made = submit(client, count=2)
    drain(runner)
    assert len(receiver.of_event("dossier.submitted")) == 2
    delivery = receiver.of_event("dossier.submitted")[0]
    body, data = delivery["body"], delivery["data"]
    assert body is data, "the default body style is flat: the dossier's fields at the top level"
    assert delivery["signature_ok"] and delivery["delivery_id"] == made[0]["delivery_id"]
    assert data["MaSoThue"] == data["SoGiayToChuHoSo"] and data["MaHoSoQG"] == data["MaHoSo"]
    assert re.fullmatch(r"000\.00\.01\.H56-\d{6}-0001", data["MaHoSo"])
    assert made[1]["MaHoSo"].endswith("-0002")
    assert data["KenhThucHien"] == "2" and data["TrangThaiHoSo"] == "1" and data["LoaiDoiTuong"] == "1"
    assert data["MaDoiTuong"] and valid_citizen_id(data["SoGiayToChuHoSo"])
    assert data["DinhDanhCHS"] == [{"LoaiDinhDanh": "1", "SoDinhDanh": data["SoGiayToChuHoSo"]}]
    assert len(data["ChuHoSo"].split()) >= 3


def test_a_nested_connector_gets_the_envelope(client, runner, receiver):
    register(client, receiver.url, body_style="nested")
    made = submit(client, count=1)
    drain(runner)
    delivery = receiver.of_event("dossier.submitted")[0]
    body = delivery["body"]
    assert delivery["signature_ok"] and body["madonvi"] == "000.00.00.H56" and body["event"] == "dossier.submitted"
    assert body["delivery_id"] == made[0]["delivery_id"] == delivery["headers"]["X-DVCQG-Delivery"]
    assert re.fullmatch(r"\d{14}", body["sent_at"]) and body["data"]["MaHoSo"] == made[0]["MaHoSo"]


def test_the_applicant_id_century_digit_matches_a_plausible_birth_year(client, runner, receiver):
    register(client, receiver.url)
    submit(client, count=20)
    drain(runner)
    for delivery in receiver.of_event("dossier.submitted"):
        number = delivery["data"]["SoGiayToChuHoSo"]
        year = 1900 + (int(number[3]) // 2) * 100 + int(number[4:6])
        assert 1950 <= year <= 2006 and valid_citizen_id(number, year)


def test_a_5_working_day_procedure_accepted_on_a_friday_is_due_5_working_days_later(app, client):
    db_path = app.config["SANDBOX"]["db"]
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=TZ)  # no holiday in the week after
    set_sim_time(db_path, friday.timestamp(), scale=86400)  # one real second = one simulated day
    made = submit(client, procedure="1.004884")  # Đăng ký lại khai sinh: 5 working days
    due = datetime.strptime(made[0]["NgayHenTra"], "%Y%m%d%H%M%S")
    assert due.date().isoformat() == "2026-12-04"  # next Friday, not Wednesday 2 December
    assert (due.date() - friday.date()).days == 7


def test_sync_back_and_progress_count_in_the_stats(client, runner, receiver, portal):
    register(client, receiver.url)
    made = submit(client, count=2)
    drain(runner)
    pushed = receiver.of_event("dossier.submitted")[0]["data"]
    assert portal.call("DongBoHoSoMC", isUpdating="False", data=[pushed])["error_code"] == "00"
    steps = [progress(pushed["MaHoSo"], s, ThoiDiemXuLy=pushed["NgayTiepNhan"]) for s in ("2", "4", "9", "10")]
    assert portal.call("CapNhatTienDoHoSoMC", data=steps)["error_code"] == "00"
    stats = client.get("/sandbox/flows/stats?province=56", headers=ADMIN).get_json()
    assert stats["submitted"] == 2 and stats["pushed"] == 2 and stats["acknowledged"] == 2
    assert stats["synced_back"] == 1 and stats["finished"] == 1 and stats["lost"] == 0
    assert stats["push_to_sync_ms"]["count"] == 1 and stats["push_to_sync_ms"]["p50"] >= 0
    listed = client.get("/sandbox/submissions?province=56", headers=ADMIN).get_json()
    assert {s["MaHoSo"]: s["synced"] for s in listed} == {made[0]["MaHoSo"]: True, made[1]["MaHoSo"]: False}


def test_a_pushed_dossier_not_synced_back_in_time_is_lost(app, client, runner, receiver, portal):
    db_path = app.config["SANDBOX"]["db"]
    register(client, receiver.url)
    submit(client, count=2)
    drain(runner)
    synced = receiver.of_event("dossier.submitted")[0]["data"]
    portal.call("DongBoHoSoMC", isUpdating="False", data=[synced])
    assert client.get("/sandbox/flows/stats", headers=ADMIN).get_json()["lost"] == 0
    set_sim_time(db_path, shared_clock(db_path).timestamp() + 31 * 60)  # 31 simulated minutes later
    stats = client.get("/sandbox/flows/stats", headers=ADMIN).get_json()
    assert stats["lost"] == 1 and synced["MaHoSo"] not in stats["lost_dossiers"]


def test_a_dossier_past_ngayhentra_on_the_sandbox_clock_is_overdue_until_finished(app, client, runner, receiver, portal):
    db_path = app.config["SANDBOX"]["db"]
    register(client, receiver.url)
    made = submit(client, procedure="1.004884")
    drain(runner)
    portal.call("DongBoHoSoMC", isUpdating="False", data=[receiver.of_event("dossier.submitted")[0]["data"]])
    assert client.get("/sandbox/flows/stats", headers=ADMIN).get_json()["overdue"] == 0
    set_sim_time(db_path, shared_clock(db_path).timestamp() + 30 * 86400)
    assert client.get("/sandbox/flows/stats", headers=ADMIN).get_json()["overdue"] == 1
    code = made[0]["MaHoSo"]
    portal.call("CapNhatTienDoHoSoMC", data=[progress(code, s) for s in ("2", "4", "9")])
    assert client.get("/sandbox/flows/stats", headers=ADMIN).get_json()["overdue"] == 0


def test_arrivals_submit_at_their_rate_on_the_sandbox_clock(app, client, runner):
    db_path = app.config["SANDBOX"]["db"]
    start = time.time()
    set_sim_time(db_path, start, scale=0)  # the sandbox clock stands still until the test moves it
    started = client.post("/sandbox/arrivals", json={"province": "79", "rate_per_min": 6}, headers=ADMIN)
    assert started.status_code == 200
    runner.run_tasks(force=True)
    assert client.get("/sandbox/arrivals", headers=ADMIN).get_json()[0]["arrived"] == 0  # none due yet
    set_sim_time(db_path, start + 600, scale=0)  # ten simulated minutes later
    runner.run_tasks(force=True)
    arrived = client.get("/sandbox/arrivals", headers=ADMIN).get_json()[0]["arrived"]
    assert 40 <= arrived <= 80  # about 60 in ten simulated minutes (seeded gaps: the same count every run)
    assert client.delete("/sandbox/arrivals?province=79", headers=ADMIN).get_json() == []
    count = database(db_path).execute("SELECT count(*) FROM online_submissions WHERE province = '79'").fetchone()[0]
    assert count == arrived


def test_bad_input_is_a_4xx_naming_the_field(client):
    cases = [
        ("/sandbox/submissions", {"province": "99"}, "province"),
        ("/sandbox/submissions", {"province": "56", "count": "many"}, "count"),
        ("/sandbox/submissions", {"province": "56", "procedure": "9.999999"}, "procedure"),
        ("/sandbox/submissions", {"province": "56", "procedure": "1.012353"}, "procedure"),  # not online
        ("/sandbox/arrivals", {"province": "56", "rate_per_min": -1}, "rate_per_min"),
        ("/sandbox/arrivals", {"province": "56", "rate_per_min": 10**4}, "rate_per_min"),
        ("/sandbox/callbacks/test", {"province": "56", "event": "dossier.deleted", "MaHoSo": "x"}, "event"),
    ]
    for path, body, field in cases:
        reply = client.post(path, json=body, headers=ADMIN)
        assert 400 <= reply.status_code < 500 and field in reply.get_json()["message"], (body, reply.get_json())
    bad_url = client.put("/sandbox/connectors/56", json={"url": "not a url", "secret": SECRET}, headers=ADMIN)
    assert bad_url.status_code == 422 and "url" in bad_url.get_json()["message"]
    assert client.put("/sandbox/connectors/99", json={"url": "http://x", "secret": SECRET}, headers=ADMIN).status_code == 404
    assert client.get("/sandbox/flows/stats?since=yesterday", headers=ADMIN).status_code == 422


def test_connectors_are_set_read_and_deleted_with_the_secret_hidden(client):
    assert client.put("/sandbox/connectors/56", json={"url": "http://127.0.0.1:9/p", "secret": SECRET}).status_code == 401
    assert register(client, "http://127.0.0.1:9/p").status_code == 200
    shown = client.get("/sandbox/connectors/56", headers=ADMIN).get_json()
    assert shown["url"] == "http://127.0.0.1:9/p" and SECRET not in str(shown)
    assert [c["province"] for c in client.get("/sandbox/connectors", headers=ADMIN).get_json()] == ["56"]
    assert client.delete("/sandbox/connectors/56", headers=ADMIN).status_code == 204
    assert client.get("/sandbox/connectors/56", headers=ADMIN).status_code == 404


def test_a_test_callback_pushes_a_result_event(client, runner, receiver):
    register(client, receiver.url)
    reply = client.post(
        "/sandbox/callbacks/test",
        json={"province": "56", "event": "judicial_record.result", "MaHoSo": "000.00.01.H56-261127-0001"},
        headers=ADMIN,
    )
    assert reply.status_code == 202
    drain(runner)
    (got,) = receiver.of_event("judicial_record.result")
    assert got["data"]["maHoSoMCDT"] == "000.00.01.H56-261127-0001"
    assert got["delivery_id"] == reply.get_json()["delivery_id"]


def test_push_example_documents_a_signed_delivery(client):
    example = client.get("/sandbox/push/example", headers=ADMIN).get_json()
    assert example["headers"]["X-DVCQG-Signature"].startswith("sha256=")
    assert example["body"]["MaHoSo"] == "000.00.01.H56-261127-0001" and json.loads(example["raw_body"]) == example["body"]
    assert set(example["nested_body"]) == {"delivery_id", "event", "sent_at", "madonvi", "data"}
    spec = client.get("/openapi.json").get_json()
    assert "PushDelivery" in spec["components"]["schemas"]
    assert "X-DVCQG-Signature" in spec["paths"]["/sandbox/connectors/{province}"]["put"]["description"]


def test_an_online_applicants_account_is_what_tracuutechid_answers_for_them():
    for draw in range(5):
        person = citizens.applicant(random.Random(draw), "56", SEED)
        assert person.tech_id == accounts.account_of(SEED, person.citizen_id)["TECHNICALID"]
