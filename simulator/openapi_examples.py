"""Request-body and path-parameter examples for `/openapi.json`, so Swagger UI's "Try it out" works as is.

Every operation with a request body has one builder here, keyed by (method, path template). The
examples are computed when the app is created, because what makes them valid depends on the
sandbox seed: province 56's portal credentials, the payment platform's shared secret (MaXacThuc),
and the names and birth dates the population derives for the personas' IDs. Values a sandbox cannot
know in advance (a portal `session`, a payment page token) are placeholders whose description says
where to get them. A test (tests/test_openapi_examples.py) sends every example to a served sandbox and
fails on an operation without one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator.clients import ProvinceClient, by_province
from simulator.identity.insurance import derive_insurance
from simulator.identity.personas import with_outcome
from simulator.identity.population import Population
from simulator.identity.records import Citizen
from simulator.identity.reference_data import commune_index
from simulator.portal.schemas import SERVICE_SCHEMAS
from simulator.systems import people
from simulator.systems.payment import signing

PROVINCE = "56"
# The unit whose dossiers the examples carry, and one dossier code per system (codes must not clash).
AGENCY = f"000.00.01.H{PROVINCE}"
DAY = "261126"
PORTAL_DOSSIER = f"{AGENCY}-{DAY}-0001"
CODES = {
    "births": f"{AGENCY}-{DAY}-0101",
    "deaths": f"{AGENCY}-{DAY}-0102",
    "marriages": f"{AGENCY}-{DAY}-0103",
    "marital": f"{AGENCY}-{DAY}-0104",
    "judicial": f"{AGENCY}-{DAY}-0201",
    "lltp": f"{AGENCY}-{DAY}-0202",
    "environment": f"{AGENCY}-{DAY}-0301",
}
PAYMENT_REFERENCE = f"{PORTAL_DOSSIER}-LP01"
MESSAGES_REFERENCE = f"{PORTAL_DOSSIER}-LP02"
TIME = "20261126090000"
ENTERPRISE = "0100233488"
RULE_ID = "population-slow"
SESSION_NOTE = "Replace with the `session` that POST /dvcqg/api/auth answers (its own example logs in as province 56)."
SESSION_PLACEHOLDER = "<session from POST /dvcqg/api/auth>"
TOKEN_NOTE = "The payer page token: the last path segment of `UrlThanhToan` in the reply to a payment INIT (POST /payment/init's example)."
SOAP_TYPES = ("text/xml", "application/xml", "application/soap+xml")
SOAP_NS = "http://dancuquocgia.bca"


@dataclass(frozen=True)
class Context:
    """What the examples are derived from: the seed's province 56 client and population."""

    client: ProvinceClient
    population: Population

    def citizen(self, outcome: str) -> Citizen:
        """The population record of the persona with this outcome."""
        return self.population.citizen(with_outcome(outcome).identifier)


# A body example: {media type: {example name: {"summary", "value", optional "description"}}}.
Bodies = dict[str, dict[str, dict[str, Any]]]
Builder = Callable[[Context], Bodies]
EXAMPLES: dict[tuple[str, str], Builder] = {}


def example(method: str, path: str) -> Callable[[Builder], Builder]:
    """Register the body example builder of one operation."""

    def register(fn: Builder) -> Builder:
        EXAMPLES[(method.lower(), path)] = fn
        return fn

    return register


def one(value: Any, summary: str, description: str = "", media: str = "application/json") -> Bodies:
    """A single example for one media type."""
    entry = {"summary": summary, "value": value}
    if description:
        entry["description"] = description
    return {media: {"default": entry}}


# --- portal ------------------------------------------------------------------------------------
def dossier(ctx: Context) -> dict:
    """A dossier of the single-adult persona, received today in province 56."""
    person = ctx.citizen("single_adult")
    return {
        "MaHoSo": PORTAL_DOSSIER,
        "MaTTHC": "1.001193",
        "TenTTHC": "Thủ tục đăng ký khai sinh",
        "MaLinhVuc": "G09-TP03",
        "TenLinhVuc": "Hộ tịch",
        "KenhThucHien": "1",
        "SoBienNhan": "",
        "ChuHoSo": person.name.full,
        "SoGiayToChuHoSo": person.id,
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "",
        "Email": "",
        "SoDienThoai": person.phone,
        "TrichYeuHoSo": "Đăng ký khai sinh cho con",
        "DinhDanhCHS": [{"LoaiDinhDanh": "1", "SoDinhDanh": person.id}],
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
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "MaPhiLePhi": "LP01", "HinhThucThu": "1", "Gia": "0", "LoaiPhiLePhi": "1"}],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": [],
    }


def progress_entry(status: str, at: str, note: str) -> dict:
    """A progress entry of the portal example dossier."""
    return {
        "MaHoSo": PORTAL_DOSSIER,
        "NguoiXuLy": "Trần Thị Bình",
        "ChucDanh": "",
        "ThoiDiemXuLy": at,
        "PhongBanXuLy": "",
        "NoiDungXuLy": note,
        "TrangThai": status,
        "NgayBatDau": "",
        "NgayKetThucTheoQuyDinh": "",
    }


def service_fields(ctx: Context) -> dict[str, tuple[str, dict]]:
    """Per portal service: (summary, the service's own fields)."""
    person = ctx.citizen("single_adult")
    unit = ctx.client.madonvi
    citizen_question = int(PROVINCE) * 100_000 + 1  # seeded ids are {province}{NNNNN}; the first is a citizen's
    return {
        "DongBoHoSoMC": ("Sync a new dossier (isUpdating False)", {"isUpdating": "False", "data": [dossier(ctx)]}),
        "CapNhatTienDoHoSoMC": (
            "Report progress up to returned (4 → 9 → 10)",
            {
                "data": [
                    progress_entry("4", "20261126100000", "Chuyển xử lý"),
                    progress_entry("9", "20261127100000", "Chờ trả kết quả"),
                    progress_entry("10", "20261128100000", "Đã trả kết quả"),
                ]
            },
        ),
        "TraCuuHoSo": ("Look up a dossier with its progress", {"mahoso": PORTAL_DOSSIER}),
        "TraCuuTechID": ("Portal account of a citizen ID", {"provider": "wso2is", "mstorcmnd": person.id}),
        "LayDanhSachTTHC": ("Procedures of one field", {"malinhvuc": "G09-TP03"}),
        "LayThuTuc": ("One procedure", {"maTTHC": "1.001193"}),
        "LayDanhMucCoQuan": ("Agencies of province 56", {"matinh": PROVINCE}),
        "LayDanhMucLinhVuc": ("Fields of activity", {}),
        "LayDVC": ("Online public services of one procedure", {"maTTHC": "1.001193"}),
        "DongBoTrangThaiHoSo": (
            "Status of a dossier (OpenCPS sends data as an object)",
            {
                "type": "2",
                "data": {
                    "MaHoSo": PORTAL_DOSSIER,
                    "MaHoSoDonVi": PORTAL_DOSSIER,
                    "MaDoiTuong": "",
                    "NoiDung": "Đã tiếp nhận hồ sơ",
                    "NgayXuLy": "20261126100000",
                    "TrangThai": "2",
                    "TaiLieuXuLy": [],
                },
            },
        ),
        "DongBoDanhGia": (
            "A month's satisfaction summary",
            {
                "data": [
                    {
                        "NgayTongHop": "11-2026",
                        "TongSoNguoiDanhGia": 120,
                        "PhanTramDanhGiaRatHaiLong": "60%",
                        "PhanTramDanhGiaHaiLong": "30%",
                        "PhanTramDanhGiaChuaHaiLong": "10%",
                        "DanhSachNoiDungYKien": "",
                        "MaThuTuc": "1.001193",
                        "NoiDung": "Mức độ hài lòng chung",
                        "Madonvi": unit,
                        "TenDonVi": "",
                    }
                ]
            },
        ),
        "LayDanhSachHoiDapGuiTuDVCQG": ("Questions citizens asked the province", {"malinhvuc": ""}),
        "LayDanhSachHoiDapBoCoQuan": ("Questions answered by ministries", {"malinhvuc": ""}),
        "LayNoiDungTraLoiTheoCauHoi": ("Answers to one question", {"cauhoiid": citizen_question}),
        "DongBoHoiDap": (
            "Publish the province's own question and answer",
            {
                "data": [
                    {
                        "HOIDAPID": 1001,
                        "MaLinhVuc": "G09-TP03",
                        "NOIDUNG": "Đăng ký khai sinh trực tuyến cần những giấy tờ gì?",
                        "MADONVI": unit,
                        "TENDONVI": "",
                        "NOIDUNGTRALOI": "Tờ khai và giấy chứng sinh, nộp trên Cổng DVC quốc gia.",
                    }
                ]
            },
        ),
        "DongBoKetQuaHoiDapGuiTuDVCQG": (
            "Answer a citizen's question (HOIDAPID from LayDanhSachHoiDapGuiTuDVCQG)",
            {
                "data": [
                    {
                        "HOIDAPID": citizen_question,
                        "MADONVI": unit,
                        "NGUOITRALOI": "Trần Thị Bình",
                        "CHUCVUNGUOITRALOI": "Chuyên viên",
                        "NGAYTRALOI": "26/11/2026",
                        "NOIDUNGTRALOI": "Hồ sơ nộp trực tuyến trên Cổng DVC quốc gia, kết quả trả trong 1 ngày làm việc.",
                    }
                ]
            },
        ),
    }


@example("post", "/dvcqg/api/auth")
def _auth(ctx: Context) -> Bodies:
    return one(
        {"username": ctx.client.username, "password": ctx.client.password},
        "Province 56's connector credentials",
        "Derived from the sandbox seed (`python -m simulator credentials`); copy `session` from the reply.",
    )


@example("post", "/dvcqg/api/service")
def _service(ctx: Context) -> Bodies:
    fields = service_fields(ctx)
    missing = set(SERVICE_SCHEMAS) - set(fields)
    if missing:  # a new portal service needs its example here
        raise KeyError(f"no Try-it-out example for portal services {sorted(missing)}")
    named = {
        name: {
            "summary": f"{name}: {summary}",
            "description": SESSION_NOTE,
            "value": {"session": SESSION_PLACEHOLDER, "madonvi": ctx.client.madonvi, "service": name, **body},
        }
        for name, (summary, body) in fields.items()
    }
    return {"application/json": named}


# --- sandbox administration ------------------------------------------------------------------
@example("put", "/sandbox/gateway/rights/{province}")
def _rights(ctx: Context) -> Bodies:
    return one({"service": "payment.init", "allowed": True}, "Grant the payment INIT service")


@example("put", "/sandbox/gateway/dialects/{province}")
def _dialect(ctx: Context) -> Bodies:
    return one({"dialect": "all"}, "Accept every token scheme (the default)")


def _rule() -> dict:
    return {
        "id": RULE_ID,
        "name": "Slow population database",
        "enabled": True,
        "match": {"system": "population", "probability": 0.5},
        "effects": [{"latency": {"dist": "fixed", "seconds": 0.2}}],
        "expires_in_s": 300,
    }


@example("post", "/sandbox/rules")
def _rules(ctx: Context) -> Bodies:
    return one(_rule(), "Half the population calls 0.2 s slower for 5 minutes")


@example("put", "/sandbox/rules/{rule_id}")
def _rule_put(ctx: Context) -> Bodies:
    return one({**_rule(), "effects": [{"error": {"status": 503}}]}, "Replace the rule: answer 503 instead")


@example("post", "/sandbox/verify")
def _verify(ctx: Context) -> Bodies:
    body = {"match": {"system": "portal", "operation": "auth", "client": "H56"}, "count": {"at_least": 1}}
    note = "200 once province 56 has logged in (POST /dvcqg/api/auth); else 409 with the nearest misses."
    return one(body, "Did province 56 run the portal handshake at least once?", note)


SCENARIO_NAME = "slow-police"


def _scenario() -> dict:
    return {
        "name": SCENARIO_NAME,
        "description": "The population database answers slowly for ten minutes.",
        "phases": [
            {
                "name": "slow",
                "start_min": 0,
                "end_min": 10,
                "rules": [
                    {
                        "name": "Population look-ups slow",
                        "match": {"system": "population"},
                        "effects": [{"latency": {"dist": "uniform", "min_s": 0.2, "max_s": 1}}],
                    }
                ],
            }
        ],
    }


SCENARIO_YAML = f"""name: {SCENARIO_NAME}
description: The population database answers slowly for ten minutes.
phases:
  - name: slow
    start_min: 0
    end_min: 10
    rules:
      - name: Population look-ups slow
        match: {{system: population}}
        effects:
          - latency: {{dist: uniform, min_s: 0.2, max_s: 1}}
"""


@example("put", "/sandbox/scenarios/{name}")
def _scenario_put(ctx: Context) -> Bodies:
    note = "Stored under the path's name; apply it with POST /sandbox/scenarios/{name}/apply."
    return {
        **one(_scenario(), "A ten-minute slow population database", note),
        **one(SCENARIO_YAML, "The same scenario in YAML", note, media="application/yaml"),
    }


@example("post", "/sandbox/certify")
def _certify(ctx: Context) -> Bodies:
    return one(
        {
            "province": PROVINCE,
            "connector": "http://127.0.0.1:9000/webhooks/dvcqg",
            "secret": "doi-mat-khau-nay",
            "profile": "basic",
            "duration": "1m",
            "sync_deadline": "15s",
            "dossiers": 1,
            "body_style": "flat",
        },
        "A one-minute check of province 56's connector on this machine",
        "Start your connector on the URL first; follow the run at GET /sandbox/certify/runs/{run_id}.",
    )


@example("put", "/sandbox/clock")
def _clock(ctx: Context) -> Bodies:
    return one({"scale": 1}, "Real time (one simulated second per second)")


@example("post", "/sandbox/reset")
def _reset(ctx: Context) -> Bodies:
    return one({"province": PROVINCE}, "Forget province 56's state", "Erases the province's dossiers and sessions.")


@example("put", "/sandbox/connectors/{province}")
def _connector(ctx: Context) -> Bodies:
    return one(
        {"url": "http://127.0.0.1:9000/push", "secret": "doi-mat-khau-nay", "body_style": "flat"},
        "Push to a connector on this machine",
    )


@example("post", "/sandbox/submissions")
def _submissions(ctx: Context) -> Bodies:
    return one({"province": PROVINCE, "count": 1, "procedure": "1.001193"}, "One online birth registration")


@example("post", "/sandbox/arrivals")
def _arrivals(ctx: Context) -> Bodies:
    return one({"province": PROVINCE, "rate_per_min": 1}, "One submission per simulated minute")


@example("post", "/sandbox/callbacks/test")
def _callback(ctx: Context) -> Bodies:
    return one(
        {"province": PROVINCE, "event": "civil_status.result", "MaHoSo": CODES["births"]},
        "A civil status result for the birth example's dossier",
    )


@example("post", "/api/v1/dossiers/{code}/rating")
def _rating(ctx: Context) -> Bodies:
    scores = dict.fromkeys(
        (
            "ThoiGianGiaiQuyet",
            "ThoiGianTungCoQuan",
            "SoLanLienHe",
            "SoCoQuanLienHe",
            "TiepNhanTraKetQua",
            "CongKhaiThuTuc",
            "ThaiDoCanBo",
            "GiaiQuyetKienNghi",
            "TienDoChatLuongTrucTuyen",
        ),
        2,
    )
    return one(
        {**scores, "MucDoThuanTien": "1", "DanhGiaChung": "1"},
        "Very satisfied",
        "The dossier must be in status 10 (the CapNhatTienDoHoSoMC example brings it there).",
    )


# --- population (police) ----------------------------------------------------------------------
def _population_fields(ctx: Context) -> dict:
    person = ctx.citizen("married")
    return {
        "MaYeuCau": "1764146400000",
        "MaDVC": "1.001193",
        "MaTichHop": "037",
        "MaCanBo": "canbo01",
        "SoDinhDanh": person.id,
        "HoVaTen": person.name.full,
        "NgayThangNamSinh": person.birth_date.strftime("%Y%m%d"),
    }


def soap_envelope(operation: str, values: dict) -> str:
    """A SOAP 1.1 request as OpenCPS QLCDIntegrationActionImpl builds it (birth date in NgayThangNam)."""
    parts = [
        f'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:dan="{SOAP_NS}">',
        f"<soapenv:Header/><soapenv:Body><dan:{operation}>",
    ]
    for key, value in values.items():
        inner = f"<dan:NgayThangNam>{value}</dan:NgayThangNam>" if key == "NgayThangNamSinh" else value
        parts.append(f"<dan:{key}>{inner}</dan:{key}>")
    parts.append(f"</dan:{operation}></soapenv:Body></soapenv:Envelope>")
    return "".join(parts)


def _population(operation: str, wrapped: bool = False) -> Builder:
    def build(ctx: Context) -> Bodies:
        values = _population_fields(ctx)
        if wrapped:  # the operation comes from the Body: JSON carries the envelope as a gateway wraps it
            bodies = one({"data": soap_envelope(operation, values)}, "A SOAP envelope wrapped in JSON by a gateway")
        else:
            bodies = one(values, "The married persona (JSON)")
        for media in SOAP_TYPES:
            bodies.update(one(soap_envelope(operation, values), f"SOAP {operation} as public clients send it", "", media))
        return bodies

    return build


for _operation in ("TraCuuThongTinCongDan", "XacMinhThongTinNhanThan", "CungCapThongTinCongDan", "XacThucThongTinCongDan"):
    example("post", f"/population/{_operation}")(_population(_operation))
example("post", "/population/soap")(_population("TraCuuThongTinCongDan", wrapped=True))
example("post", "/population/lookup")(_population("TraCuuThongTinCongDan"))
example("post", "/population/verify")(_population("XacThucThongTinCongDan"))


# --- civil status -------------------------------------------------------------------------------
def _requester(person: Citizen, relation: str) -> dict:
    return {"nycHoTen": person.name.full, "nycSoDinhDanh": person.id, "nycQuanHe": relation}


@example("post", "/civil_status/births")
def _birth(ctx: Context) -> Bodies:
    mother = ctx.citizen("single_adult")
    return one(
        {
            "maHoSo": CODES["births"],
            "maTTHC": "1.001193",
            **_requester(mother, "Mẹ"),
            "nksHoTen": f"{mother.name.family} Minh Khôi",
            "nksGioiTinh": "1",
            "nksNgaySinh": "20261120",
            "nksNoiSinh": "Bệnh viện Đa khoa tỉnh Khánh Hòa",
            "nksDanToc": "Kinh",
            "nksQuocTich": "Việt Nam",
            "meHoTen": mother.name.full,
            "meSoDinhDanh": mother.id,
            "chaHoTen": "",
            "chaSoDinhDanh": "",
        },
        "A boy born to the single-adult persona",
    )


@example("post", "/civil_status/deaths")
def _death(ctx: Context) -> Bodies:
    deceased = ctx.citizen("deceased")
    relative = ctx.citizen("single_adult")
    return one(
        {
            "maHoSo": CODES["deaths"],
            **_requester(relative, "Người thân"),
            "nktHoTen": deceased.name.full,
            "nktSoDinhDanh": deceased.id,
            "nktNgayChet": deceased.death_date.strftime("%Y%m%d") if deceased.death_date else "20240315",
            "nktNoiChet": "Bệnh viện Đa khoa tỉnh Thanh Hóa",
            "nktNguyenNhan": "Bệnh",
        },
        "The deceased persona's death",
    )


@example("post", "/civil_status/marriages")
def _marriage(ctx: Context) -> Bodies:
    husband, wife = ctx.citizen("adult_just_20"), ctx.citizen("single_adult")
    return one(
        {
            "maHoSo": CODES["marriages"],
            **_requester(husband, "Chồng"),
            "chongHoTen": husband.name.full,
            "chongSoDinhDanh": husband.id,
            "voHoTen": wife.name.full,
            "voSoDinhDanh": wife.id,
        },
        "Two single personas marry",
    )


@example("post", "/civil_status/marital-status-confirmations")
def _marital(ctx: Context) -> Bodies:
    person = ctx.citizen("single_adult")
    return one(
        {
            "maHoSo": CODES["marital"],
            **_requester(person, "Bản thân"),
            "nxnSoDinhDanh": person.id,
            "mucDichSuDung": "Đăng ký kết hôn",
        },
        "The single-adult persona's marital status",
    )


# --- judicial record --------------------------------------------------------------------------
@example("post", "/judicial_record/requests")
def _judicial(ctx: Context) -> Bodies:
    person = ctx.citizen("judicial_conviction")
    return one(
        {
            "maHoSoMCDT": CODES["judicial"],
            "soDinhDanh": person.id,
            "hoTen": person.name.full,
            "ngaySinh": person.birth_date.strftime("%d/%m/%Y"),
            "loaiPhieu": 1,
            "mucDichSuDung": "Bổ sung hồ sơ xin việc",
        },
        "The persona with a conviction (name and birth date match the population)",
    )


@example("post", "/judicial_record/lltp")
def _lltp(ctx: Context) -> Bodies:
    person = ctx.citizen("judicial_conviction")
    return one(
        {
            "authKey": "sandbox",
            "maTinh": PROVINCE,
            "tenTinh": "Khánh Hòa",
            "maHoSoMCDT": CODES["lltp"],
            "nguonDangKy": "1",
            "tenNguonDangKy": "Một cửa điện tử",
            "ngayTiepNhan": "26/11/2026",
            "toKhai": {
                "nycHoTen": person.name.full,
                "nycNgaySinh": person.birth_date.strftime("%d/%m/%Y"),
                "nycSoGiayTo": person.id,
                "loaiPhieu": "1",
                "tenMucDich": "Bổ sung hồ sơ xin việc",
            },
        },
        "An LGSP declaration (DataLGSP) of the persona with a conviction",
    )


@example("post", "/judicial_record/lltp/status")
def _lltp_status(ctx: Context) -> Bodies:
    return one({"authKey": "sandbox", "maTinh": PROVINCE, "maHoSoMCDT": CODES["lltp"]}, "Status of the LLTP example's dossier")


# --- environment ------------------------------------------------------------------------------
@example("post", "/environment/dossiers")
def _environment(ctx: Context) -> Bodies:
    commune = min(code for code, (province, _) in commune_index().items() if province == PROVINCE)
    return one(
        {
            "maHoSoMCDT": CODES["environment"],
            "msdn": ENTERPRISE,
            "tenDuAn": "Nhà máy chế biến thủy sản Nha Trang",
            "loaiHoSo": "GPMT",
            "diaDiem": {"maTinh": PROVINCE, "maXa": commune},
        },
        "An environmental permit for an enterprise in Khánh Hòa",
    )


@example("post", "/environment/dossiers/{maHoSoMCDT}/supplement")
def _supplement(ctx: Context) -> Bodies:
    return one(
        {"noiDungBoSung": "Bổ sung báo cáo đánh giá tác động môi trường"},
        "The requested documents",
        "Accepted only while the dossier is in status 3 (supplement requested); otherwise 409.",
    )


# --- payment platform -------------------------------------------------------------------------
def payment_init(ctx: Context, reference: str) -> dict:
    """An INIT signed with province 56's seed-derived secret, as OpenCPS and TD send it."""
    payer = ctx.citizen("single_adult")
    msg = {
        "LoaiBanTin": "INIT",
        "PhienBan": signing.VERSION,
        "MaDoiTac": ctx.client.madonvi,
        "MaThamChieu": reference,
        "SoTien": "50000",
        "LoaiHinhThanhToan": "PAY",
        "MaKenhThanhToan": "1",
        "MaThietBi": "1",
        "NgonNgu": "vi-VN",
        "MaTienTe": "VND",
        "MaNganHang": "PAYMENT",
        "ThongTinGiaoDich": f"Lệ phí hồ sơ {PORTAL_DOSSIER}",
        "ThoiGianGD": TIME,
        "Ip": "10.0.0.5",
        "ThongTinBienLai": {
            "MaDichVu": "2",
            "MaTTHC": "1.001193",
            "TenTTHC": "Thủ tục đăng ký khai sinh",
            "MaDonVi": ctx.client.madonvi,
            "MaHoSo": PORTAL_DOSSIER,
            "NoiDungThanhToan": "Lệ phí đăng ký khai sinh",
            "HoTenNguoiNop": payer.name.full,
            "SoCMNDNguoiNop": payer.id,
            "PhiLePhi": [{"LoaiPhiLePhi": "2", "MaPhiLePhi": "LP01", "TenPhiLePhi": "Lệ phí", "SoTien": "50000"}],
        },
    }
    msg["MaXacThuc"] = signing.signature("INIT", msg, ctx.client.gateway_secret)
    return msg


def payment_lookup(ctx: Context, kind: str, reference: str) -> dict:
    """A signed QUERY or GET_BILL of a reference."""
    msg = {
        "LoaiBanTin": kind,
        "PhienBan": signing.VERSION,
        "MaDoiTac": ctx.client.madonvi,
        "MaThamChieu": reference,
        "ThoiGianGD": TIME,
    }
    msg["MaXacThuc"] = signing.signature(kind, msg, ctx.client.gateway_secret)
    return msg


SIGNED_NOTE = (
    "MaXacThuc is computed with province 56's seed-derived secret (valid until its credentials are rotated); "
    "sending the same INIT twice answers MaLoi 04 (reference in use): change MaThamChieu and re-sign."
)


@example("post", "/payment/messages")
def _messages(ctx: Context) -> Bodies:
    return {
        "application/json": {
            "INIT": {
                "summary": "INIT: open a payment",
                "description": SIGNED_NOTE,
                "value": payment_init(ctx, MESSAGES_REFERENCE),
            },
            "QUERY": {
                "summary": "QUERY: state of the INIT example",
                "description": SIGNED_NOTE,
                "value": payment_lookup(ctx, "QUERY", MESSAGES_REFERENCE),
            },
            "GET_BILL": {
                "summary": "GET_BILL: its receipt (once paid)",
                "description": SIGNED_NOTE,
                "value": payment_lookup(ctx, "GET_BILL", MESSAGES_REFERENCE),
            },
        }
    }


@example("post", "/payment/init")
def _init(ctx: Context) -> Bodies:
    return one(payment_init(ctx, PAYMENT_REFERENCE), "A signed INIT of a 50,000 VND fee", SIGNED_NOTE)


@example("post", "/payment/query")
def _query(ctx: Context) -> Bodies:
    return one(payment_lookup(ctx, "QUERY", PAYMENT_REFERENCE), "QUERY of the INIT example", SIGNED_NOTE)


@example("post", "/payment/bill")
def _bill(ctx: Context) -> Bodies:
    return one(
        payment_lookup(ctx, "GET_BILL", PAYMENT_REFERENCE),
        "GET_BILL of the INIT example",
        SIGNED_NOTE + " The receipt exists once the payer paid (POST /payment/pay/{token}/decision).",
    )


@example("post", "/payment/pay/{token}")
def _pay_form(ctx: Context) -> Bodies:
    return one({"action": "pay"}, "The Pay button", TOKEN_NOTE, media="application/x-www-form-urlencoded")


@example("post", "/payment/pay/{token}/decision")
def _pay_decision(ctx: Context) -> Bodies:
    return one({"action": "pay"}, "Pay", TOKEN_NOTE)


# --- path parameters ---------------------------------------------------------------------------
PAYMENT_TOKEN_PLACEHOLDER = "<token from UrlThanhToan>"
# Path parameter examples by (path template or "*", name); the path-specific entry wins.
PATH_EXAMPLES: dict[tuple[str, str], tuple[str | Callable[[Context], str], str]] = {
    ("*", "province"): (PROVINCE, "Khánh Hòa"),
    ("*", "rule_id"): (RULE_ID, "The id of the POST /sandbox/rules example"),
    ("*", "code"): (PORTAL_DOSSIER, "The DongBoHoSoMC example's dossier"),
    ("/civil_status/dossiers/{code}", "code"): (CODES["births"], "The birth example's dossier"),
    ("/judicial_record/requests/{maHoSoMCDT}", "maHoSoMCDT"): (CODES["judicial"], "The request example's dossier"),
    ("*", "maHoSoMCDT"): (CODES["environment"], "The POST /environment/dossiers example's dossier"),
    ("*", "token"): (PAYMENT_TOKEN_PLACEHOLDER, TOKEN_NOTE),
    ("*", "identifier"): ("092085000006", "The expired-health-card persona"),
    ("/sandbox/scenarios/{name}", "name"): (SCENARIO_NAME, "The scenario the PUT example stores"),
    ("*", "name"): ("police-db-outage", "A scenario of scenarios/ (GET /sandbox/scenarios lists them)"),
    ("*", "system"): ("population", "A ministry system's name"),
    ("*", "rest"): ("lookup", "The path inside the system"),
    ("*", "card"): (
        lambda ctx: derive_insurance(ctx.population, with_outcome("expired_health_card").identifier).health_card,
        "The expired-health-card persona's MaTheBHYT",
    ),
    ("*", "run_id"): ("<id from POST /sandbox/certify>", "The `id` that POST /sandbox/certify answers"),
    ("*", "fmt"): ("html", "html, md, json or xml"),
    ("*", "job_id"): ("1", "A job id from GET /sandbox/jobs"),
    ("*", "SoBienLai"): ("<SoBienLai>", "The receipt number a paid payment's QUERY, GET_BILL or decision reply gives"),
}


def _context(sandbox: dict) -> Context:
    return Context(
        client=by_province(sandbox["seed"], PROVINCE),
        population=people.population(sandbox["seed"], sandbox["missing_share"], sandbox["identity_cache_size"]),
    )


def _set_parameter_examples(ctx: Context, path: str, parameters: list) -> None:
    for param in parameters:
        if not isinstance(param, dict) or param.get("in") != "path" or "example" in param:
            continue
        found = PATH_EXAMPLES.get((path, param["name"])) or PATH_EXAMPLES.get(("*", param["name"]))
        if found:
            value, note = found
            param["example"] = value(ctx) if callable(value) else value
            param.setdefault("description", note)


def _set_body_examples(operation: dict, bodies: Bodies) -> None:
    body = copy.deepcopy(operation["requestBody"])  # content dicts may be shared between operations
    for media, named in bodies.items():
        content = body["content"].get(media)
        if content is None:
            raise KeyError(f"example for media type {media} the operation does not take")
        if len(named) == 1:
            (entry,) = named.values()
            content["example"] = entry["value"]
            if entry.get("description"):
                body["description"] = f"Try it out: {entry['description']}"
        else:
            content["examples"] = named
    operation["requestBody"] = body


def apply(spec, sandbox: dict) -> None:
    """Put the examples into an apispec spec whose blueprints are registered (call once per app)."""
    ctx = _context(sandbox)
    for path, item in spec._paths.items():  # apispec keeps registered paths here; to_dict() reads them
        _set_parameter_examples(ctx, path, item.get("parameters", []))
        for method, operation in item.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            _set_parameter_examples(ctx, path, operation.get("parameters", []))
            builder = EXAMPLES.get((method, path))
            if builder is not None and "requestBody" in operation:
                _set_body_examples(operation, builder(ctx))
