"""Environment dossiers: received → appraisal → (supplement) → approved/refused, callbacks and errors."""

from __future__ import annotations

import pytest

from simulator.db import database
from simulator.systems import environment
from tests.systems.bodies import submission

SYSTEM, PREFIX = "environment", "/environment"
MEDIAN = 1440


def submit(caller, **kw):
    return caller.post(f"{PREFIX}/dossiers", submission(**kw))


def status(caller, code: str) -> dict:
    return caller.get(f"{PREFIX}/dossiers/{code}").get_json()["data"]


def test_submission_is_received_then_appraised(caller, clock):
    reply = submit(caller)
    data = reply.get_json()["data"]
    assert reply.status_code == 200 and reply.get_json()["success"] is True
    assert data["trangThai"] == 1 and data["tenDoanhNghiep"] and data["maHoSoMT"].startswith("MT.H56.")
    clock.advance(MEDIAN * 0.5 * 0.2)
    assert status(caller, data["maHoSoMCDT"])["trangThai"] == 2


def test_every_dossier_reaches_a_final_state_after_supplements_are_answered(caller, clock, callbacks):
    codes = [f"H56-ENV-{i:02d}" for i in range(12)]
    for code in codes:
        submit(caller, code=code)
    clock.advance(2 * MEDIAN + 1)
    waiting = [c for c in codes if status(caller, c)["trangThai"] == 3]
    assert waiting, "some dossiers are asked for a supplement"
    for code in waiting:
        assert status(caller, code)["yeuCauBoSung"]
        reply = caller.post(f"{PREFIX}/dossiers/{code}/supplement", {"noiDungBoSung": "Đã bổ sung"})
        assert reply.status_code == 200 and reply.get_json()["data"]["trangThai"] == 2
    clock.advance(2 * MEDIAN + 1)
    finals = {c: status(caller, c) for c in codes}
    assert {s["trangThai"] for s in finals.values()} <= {4, 5}
    for s in finals.values():
        assert [h["trangThai"] for h in s["lichSu"]][:2] == [1, 2] and s["ketQua"]["ngayQuyetDinh"]
        assert (s["ketQua"]["soGiayPhep"] is None) == (s["trangThai"] == 5)
    assert sorted(d["maHoSoMCDT"] for _, e, d in callbacks if e == "environment.result") == codes


def test_supplement_when_none_is_requested_is_409(caller, clock):
    submit(caller)
    reply = caller.post(f"{PREFIX}/dossiers/000.00.01.H56-261126-0100/supplement", {"noiDungBoSung": "x"})
    assert reply.status_code == 409 and reply.get_json()["success"] is False


def test_dissolved_enterprise_is_refused(caller, clock):
    submit(caller, code="DISSOLVED", msdn="0102000016")
    clock.advance(2 * MEDIAN + 1)
    data = status(caller, "DISSOLVED")
    if data["trangThai"] == 3:
        caller.post(f"{PREFIX}/dossiers/DISSOLVED/supplement", {"noiDungBoSung": "x"})
        clock.advance(2 * MEDIAN + 1)
        data = status(caller, "DISSOLVED")
    assert data["trangThai"] == 5 and data["ketQua"]["lyDoTuChoi"]


def test_sweep_notifies_final_dossiers_once(app, caller, clock, callbacks):

    for i in range(5):
        submit(caller, code=f"SW-{i}")
    db = database(app.config["SANDBOX"]["db"])
    later = app.extensions["sandbox_clock"].timestamp() + (2 * MEDIAN + 1) * 60
    sent = environment.sweep_ready(db, later)
    assert sent == len(callbacks) and environment.sweep_ready(db, later) == 0


def test_unknown_enterprise_is_404(caller, clock):
    reply = submit(caller, msdn="0500233482")  # valid check digit, legacy prefix 05: not registered
    assert reply.status_code == 404 and reply.get_json()["errorCode"] == "404"


@pytest.mark.parametrize(
    "body",
    [
        {},
        submission(msdn="0100233480"),
        submission(msdn="12345"),
        submission(loaiHoSo="XYZ"),
        submission(diaDiem={"maTinh": "99", "maXa": "22333"}),
        submission(diaDiem={"maTinh": "01", "maXa": "22333"}),
        submission(diaDiem="Khánh Hòa"),
        submission(tenDuAn=""),
    ],
    ids=["empty", "check-digit", "short-msdn", "kind", "province", "commune-elsewhere", "site-string", "no-name"],
)
def test_bad_submissions_answer_in_the_environment_format(caller, clock, body):
    reply = caller.post(f"{PREFIX}/dossiers", body)
    payload = reply.get_json()
    assert 400 <= reply.status_code < 500
    assert payload["success"] is False and payload["errorCode"] == str(reply.status_code) and payload["errorMessage"]


def test_unknown_dossier_is_404(caller, clock):
    reply = caller.get(f"{PREFIX}/dossiers/NOPE")
    assert reply.status_code == 404 and reply.get_json()["success"] is False
