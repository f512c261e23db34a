"""On a served process (real HTTP on loopback): a large sample of the population holds the official facts,
couples change together when civil status registers a death or a marriage, online applicants are people
of the population, and the calendar API answers. Validators are independent (`official.py`)."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import date, datetime

import pytest
import requests
from vietnam_provinces import Ward

from simulator.clients import by_province
from tests.conftest import ADMIN, SEED, LiveSandbox, wait_until
from tests.identity import official
from tests.identity.samples import random_msts, sample_ids

OFFICIAL_COMMUNES = {f"{int(w.code):05d}": f"{int(w.province_code):02d}" for w in Ward.iter_all()}
MARRIED_HUSBAND, HIS_WIFE = "001088000004", "001186992617"  # the `married` persona and his wife
JUST_18, TURNING_18, JUST_20 = "001308000014", "001308000015", "079206000016"
SINGLE_MAN = "056090000100"


class Served:
    """A served sandbox and a gateway-authenticated session on it."""

    def __init__(self, sandbox: LiveSandbox):
        self.sandbox = sandbox
        self.http = requests.Session()
        c = by_province(SEED, "56")
        token = self.http.post(
            sandbox.base + "/ngsp/token",
            data={"grant_type": "client_credentials"},
            auth=(c.gateway_key, c.gateway_secret),
            timeout=10,
        ).json()["access_token"]
        self.auth = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.sandbox.base + path, headers=self.auth, timeout=10, **kwargs)

    def post(self, path: str, body: dict) -> requests.Response:
        return self.http.post(self.sandbox.base + path, json=body, headers=self.auth, timeout=10)

    def citizen(self, id12: str) -> dict | None:
        """The population database's CongDan record (None when not found)."""
        body = {"MaYeuCau": "YC-1", "MaDVC": "1.001193", "MaTichHop": "LGSP-H56", "MaCanBo": "CB01", "SoDinhDanh": id12}
        reply = self.post("/population/lookup", body)
        return reply.json()["CongDan"] if reply.status_code == 200 else None

    def finish(self, code: str) -> dict:
        """Poll a civil-status dossier until it is decided (4 or 6)."""

        def decided() -> dict | None:
            data = self.get(f"/civil_status/dossiers/{code}").json()["data"]
            return data if data["trangThai"] in ("4", "6") else None

        return wait_until(decided, 30, f"dossier {code} to be decided")

    def sandbox_today(self) -> date:
        reply = self.http.get(self.sandbox.base + "/sandbox/clock", headers=ADMIN, timeout=10).json()
        return datetime.fromisoformat(reply["now"]).date()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    # A civil-status dossier takes about a simulated minute; the clock runs 60x: about a real second.
    env = {"SANDBOX_CIVIL_STATUS_MEDIAN_MINUTES": "1"}
    sandbox = LiveSandbox(tmp_path_factory.mktemp("served") / "served.db", extra_env=env).start()
    try:
        requests.put(sandbox.base + "/sandbox/clock", json={"scale": 60}, headers=ADMIN, timeout=10)
        yield Served(sandbox)
    finally:
        sandbox.stop()


def ymd(text: str) -> date:
    return datetime.strptime(text, "%Y%m%d").date()


def test_a_large_served_sample_holds_marriage_ages_cards_and_communes(served):
    today = date.today()  # the population's day (the server process's date)
    married = insured = 0
    for n, id12 in enumerate(sample_ids(1500, 61, last_year=2026)):
        person = served.citizen(id12)
        if person is None:
            continue
        born = ymd(person["NgayThangNamSinh"]["NgayThangNam"])
        sex = "male" if person["GioiTinh"] == "1" else "female"
        for place in ("ThuongTru", "NoiOHienTai", "QueQuan", "NoiDangKyKhaiSinh"):
            assert OFFICIAL_COMMUNES[person[place]["MaPhuongXa"]] == person[place]["MaTinhThanh"]
        if person["VoChong"] is not None:
            married += 1
            assert person["TinhTrangHonNhan"] in ("2", "3")
            spouse = served.citizen(person["VoChong"]["SoDinhDanh"])
            assert spouse["VoChong"]["SoDinhDanh"] == id12
            assert official.full_age(born, today) >= official.MARRIAGE_AGE[sex], id12
            spouse_sex = "male" if spouse["GioiTinh"] == "1" else "female"
            assert official.full_age(ymd(spouse["NgayThangNamSinh"]["NgayThangNam"]), today) >= official.MARRIAGE_AGE[spouse_sex]
        if n % 3 == 0:
            reply = served.get(f"/social_insurance/participants/{id12}")
            if reply.status_code == 200:
                card = reply.json()["DuLieu"]
                insured += 1
                assert int(card["MucHuong"]) == official.BENEFIT_LEVEL[card["MaDoiTuong"]] == int(card["MaTheBHYT"][2])
                assert (card["MaDoiTuong"] == "TE") == (official.full_age(born, today) < official.TE_UNDER), id12
    assert married > 300 and insured > 300


def test_served_enterprises_carry_the_tax_authority_prefix(served):
    found = 0
    for msdn in random_msts(random.Random(4), official.TAX_PREFIXES, 600):
        reply = served.get(f"/business_registration/chiTietDoanhNghiep?msdn={msdn}")
        if reply.status_code != 200:
            continue
        ent = reply.json()["GetEntCert"][0]  # the certificate list, legal representatives nested
        found += 1
        assert official.is_valid_mst(ent["MaSoDoanhNghiep"])
        representative = ent["DaiDienPhapLuat"][0]["ThongTinCaNhan"][0]["SoGiayChungThuc"]
        assert ent["MaSoDoanhNghiep"][:2] == official.TAX_PREFIX_OF_STAT_CODE[representative[1:3]]
    assert found > 300


def test_a_registered_death_widows_the_spouse_in_every_system(served):
    death = {
        "maHoSo": "KT-SERVED-1",
        "nktSoDinhDanh": MARRIED_HUSBAND,
        "nktNgayChet": "20260301",
        "nktNoiChet": "Hà Nội",
        "nycHoTen": "Người khai",
        "nycSoDinhDanh": HIS_WIFE,
    }
    assert served.post("/civil_status/deaths", death).status_code == 200
    assert served.finish("KT-SERVED-1")["trangThai"] == "4"
    widow, husband = served.citizen(HIS_WIFE), served.citizen(MARRIED_HUSBAND)
    assert husband["DaChet"] is True and husband["NgayChet"] == "20260301"
    assert widow["TinhTrangHonNhan"] == "3" and widow["VoChong"]["SoDinhDanh"] == MARRIED_HUSBAND
    confirm = {"maHoSo": "XN-SERVED-1", "nycHoTen": "x", "nycSoDinhDanh": HIS_WIFE}
    served.post("/civil_status/marital-status-confirmations", confirm)
    assert served.finish("XN-SERVED-1")["ketQua"]["tinhTrangHonNhan"] == "3"


def test_a_registered_marriage_marries_both_and_the_age_rule_is_birthday_aware(served):
    bride, groom = served.citizen(JUST_18), served.citizen(JUST_20)
    body = {
        "maHoSo": "KH-SERVED-1",
        "chongSoDinhDanh": JUST_20,
        "voSoDinhDanh": JUST_18,
        "nycHoTen": " ".join(p for p in bride["HoVaTen"].values() if p),
        "nycSoDinhDanh": JUST_18,
    }
    served.post("/civil_status/marriages", body)
    assert served.finish("KH-SERVED-1")["trangThai"] == "4"
    for me, other in ((JUST_18, JUST_20), (JUST_20, JUST_18)):
        record = served.citizen(me)
        assert record["TinhTrangHonNhan"] == "2" and record["VoChong"]["SoDinhDanh"] == other
    assert groom["TinhTrangHonNhan"] == "1"  # single before

    body = {**body, "maHoSo": "KH-SERVED-2", "chongSoDinhDanh": SINGLE_MAN, "voSoDinhDanh": TURNING_18}
    served.post("/civil_status/marriages", body)
    decided = served.finish("KH-SERVED-2")
    of_age = official.full_age(date(2008, 12, 1), served.sandbox_today()) >= official.MARRIAGE_AGE["female"]
    assert decided["trangThai"] == ("4" if of_age else "6"), decided
    if not of_age:
        assert "chưa đủ tuổi kết hôn" in decided["lyDo"]


def test_online_applicants_are_people_of_the_served_population(served):
    reply = requests.post(served.sandbox.base + "/sandbox/submissions", json={"province": "79", "count": 25}, headers=ADMIN, timeout=30)
    assert reply.status_code == 201, reply.text
    with sqlite3.connect(served.sandbox.db_path) as conn:
        rows = conn.execute("SELECT payload FROM jobs WHERE event = 'dossier.submitted'").fetchall()
    assert len(rows) >= 25
    for (payload,) in rows:
        dossier = json.loads(payload)["data"]
        person = served.citizen(dossier["SoGiayToChuHoSo"])
        assert person is not None and person["DaChet"] is False
        assert " ".join(p for p in person["HoVaTen"].values() if p) == dossier["ChuHoSo"]
        assert person["SoDienThoai"] == dossier["SoDienThoai"]
        assert official.full_age(ymd(person["NgayThangNamSinh"]["NgayThangNam"]), date.today()) >= 18


def test_served_calendar_and_due_date(served):
    base = served.sandbox.base
    assert requests.get(base + "/sandbox/calendar?from=2026-08-20&to=2026-08-31", timeout=10).status_code == 401
    days = requests.get(base + "/sandbox/calendar?from=2026-08-20&to=2026-11-30", headers=ADMIN, timeout=10).json()
    kinds = {d["date"]: d["kind"] for d in days["days"]}
    assert kinds["2026-08-31"] == kinds["2026-11-24"] == "holiday" and kinds["2026-08-22"] == "make_up"
    assert "2026-08-22" in days["sources"]["make_up_days"]
    due = requests.get(base + "/sandbox/calendar/due", params={"received": "20260828100000", "days": 3}, headers=ADMIN, timeout=10).json()
    # Fri 28 Aug; Mon 31 Aug - Wed 2 Sep off; Thu 3, Fri 4, Mon 7 Sep are days 1-3.
    assert due["due"] == "20260907170000" and due["working_days_used"] == 3
    bad = requests.get(base + "/sandbox/calendar/due", params={"received": "x", "days": 0}, headers=ADMIN, timeout=10)
    assert bad.status_code == 422 and "received" in bad.json()["message"] and "days" in bad.json()["message"]
