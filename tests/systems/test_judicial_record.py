"""Judicial record: asynchronous certificate requests, personas, callbacks and errors."""

from __future__ import annotations

import pytest

from simulator.app_context import db, settings
from simulator.db import database
from simulator.jobs.registry import TASKS, RunContext
from simulator.systems import judicial_record, people
from simulator.systems.common import processing_minutes
from simulator.systems.judicial_record import schemas
from tests.conftest import SEED, Caller

SYSTEM, PREFIX = "judicial_record", "/judicial_record"
CLEAN_ID = "056090001234"


def declared(applicant: str) -> dict:
    """The applicant's name and birth date as the population database holds them (or made up when absent)."""
    citizen = people.population(SEED, 0.02).citizen(applicant)
    if citizen is None:
        return {"hoTen": "Nguyễn Văn An", "ngaySinh": "05/08/1990"}
    return {"hoTen": citizen.name.full, "ngaySinh": citizen.birth_date.strftime("%d/%m/%Y")}


def request_body(code: str = "000.00.01.H56-261126-0001", applicant: str = CLEAN_ID, **overrides) -> dict:
    body = {
        "maHoSoMCDT": code,
        "soDinhDanh": applicant,
        **declared(applicant),
        "loaiPhieu": "1",
        "mucDichSuDung": "Bổ sung hồ sơ xin việc",
        "soDienThoai": "0912345678",
    }
    body.update(overrides)
    return body


def file(caller, **kw):
    return caller.post(f"{PREFIX}/requests", request_body(**kw))


def poll(caller, code: str = "000.00.01.H56-261126-0001"):
    return caller.get(f"{PREFIX}/requests/{code}")


def test_request_is_processing_then_issued_after_the_clock_moves(caller, clock, callbacks):
    reply = file(caller)
    body = reply.get_json()
    assert reply.status_code == 200 and body["statusCode"] == "00" and body["errorDetail"] == ""
    assert len(body["data"]["ngayHenTraKetQua"]) == 10 and body["data"]["ngayHenTraKetQua"][2] == "/"
    clock.advance(240 * 0.5 * 0.2)  # past intake, before the shortest processing time
    early = poll(caller).get_json()
    assert early["trangThaiXuLy"] == "2" and early["ketQuaXuLy"] is None
    clock.advance(2 * 240)
    done = poll(caller).get_json()
    assert done["trangThaiXuLy"] == "3" and done["lyDoTuChoi"] == ""
    assert done["ketQuaXuLy"]["loaiPhieu"] == 1 and done["ketQuaXuLy"]["coAnTich"] is False
    assert done["ketQuaXuLy"]["soPhieuLLTP"].endswith("/LLTP")


def test_result_callback_is_sent_once(caller, clock, callbacks):
    file(caller)
    clock.advance(480)
    poll(caller)
    poll(caller)
    assert [(p, e) for p, e, _ in callbacks] == [("56", "judicial_record.result")]
    assert callbacks[0][2]["maHoSoMCDT"] == "000.00.01.H56-261126-0001"


def test_sweep_sends_callbacks_for_ready_requests_without_a_poll(app, caller, clock, callbacks):
    file(caller, code="A-1")
    file(caller, code="A-2")

    db = database(app.config["SANDBOX"]["db"])
    now = app.extensions["sandbox_clock"].timestamp()
    assert judicial_record.sweep_ready(db, now) == 0
    assert judicial_record.sweep_ready(db, now + 480 * 60) == 2
    assert judicial_record.sweep_ready(db, now + 480 * 60) == 0
    assert sorted(d["maHoSoMCDT"] for _, _, d in callbacks) == ["A-1", "A-2"]


def test_conviction_persona_gets_a_certificate_with_a_conviction(caller, clock):
    file(caller, applicant="040080000008")
    clock.advance(480)
    result = poll(caller).get_json()["ketQuaXuLy"]
    assert result["coAnTich"] is True and result["noiDungAnTich"]


def test_rejected_persona_gets_a_rejection_reason(caller, clock):
    file(caller, applicant="042192000009")
    clock.advance(480)
    result = poll(caller).get_json()
    assert result["trangThaiXuLy"] == "4" and result["lyDoTuChoi"] and result["ketQuaXuLy"] is None


def test_slow_persona_is_still_processing_when_others_are_done(caller, clock):
    file(caller, applicant="046091000013")
    clock.advance(480)
    assert poll(caller).get_json()["trangThaiXuLy"] in {"1", "2"}


def test_identical_retry_returns_the_same_appointment_and_a_clash_is_409(caller, clock):
    first = file(caller).get_json()
    assert file(caller).get_json() == first
    clash = file(caller, applicant="048195000005")
    assert clash.status_code == 409 and clash.get_json()["statusCode"] == "01"


def test_processing_time_is_deterministic_across_apps(tmp_path):

    assert processing_minutes(1, "judicial", "56:X", 240) == processing_minutes(1, "judicial", "56:X", 240)
    assert 120 <= processing_minutes(1, "judicial", "56:X", 240) <= 480


@pytest.mark.parametrize(
    "body",
    [
        {},
        request_body(soDinhDanh="12345"),
        request_body(soDinhDanh="999090001234"),
        request_body(loaiPhieu=3),
        request_body(ngaySinh="1990-08-05"),
        request_body(maHoSoMCDT=""),
        request_body(hoTen=None),
    ],
    ids=["empty", "short-id", "bad-province-id", "loaiPhieu-3", "iso-date", "empty-code", "null-name"],
)
def test_bad_requests_answer_statuscode_01_never_500(caller, clock, body):
    reply = caller.post(f"{PREFIX}/requests", body)
    assert 400 <= reply.status_code < 500
    assert reply.get_json()["statusCode"] == "01" and reply.get_json()["errorDetail"]


def test_malformed_json_is_a_4xx_in_the_system_format(caller, clock):
    reply = caller.post(f"{PREFIX}/requests", data="{not json", content_type="application/json")
    assert 400 <= reply.status_code < 500 and reply.get_json()["statusCode"] == "01"


def test_unknown_request_is_404_in_the_system_format(caller, clock):
    reply = poll(caller, "NOPE")
    assert reply.status_code == 404 and reply.get_json() == {
        "statusCode": "01",
        "errorDetail": "Không tìm thấy hồ sơ NOPE (not found)",
    }


def test_another_province_cannot_see_the_request(client, caller, clock):
    file(caller)
    other = Caller(client, "01", via_gateway=caller.via_gateway)
    assert poll(other).status_code == 404


def test_the_runners_periodic_sweep_queues_ready_results_without_a_poll(caller, clock, callbacks, app):

    file(caller)
    # The sweep reads the shared sandbox clock at real time, weeks after the test clock's start.
    with app.app_context():
        TASKS["ministry_results"](RunContext(db(), settings()))
    assert [e for _, e, _ in callbacks] == ["judicial_record.result"]


@pytest.mark.parametrize(
    ("schema", "order"),
    [
        (schemas.RequestResult, "maHoSoMCDT trangThaiXuLy tenTrangThai lyDoTuChoi ngayHenTraKetQua ketQuaXuLy"),
        (schemas.LgspValue, "maHoSoMCDT trangThaiXuLy lyDoTuChoi ngayHenTraKetQua ketQuaXuLy"),
        (schemas.LgspResult, "soPhieuLLTP ngayCapPhieu loaiPhieu nguoiKy chucVu tinhTrangAnTich tenTinhTrangAnTich thongTinAn phieuLLTP"),
    ],
)
def test_replies_keep_their_wire_order_where_fields_are_redeclared(schema, order):
    # Fields listed once as plain strings and redeclared with a description stay where the list put them.
    assert " ".join(schema().fields) == order
    assert all(field.required for field in schema().fields.values())
