"""Examples of the portal: the connector handshake, every DVCQG service, a citizen's rating."""

from __future__ import annotations

from simulator import connector_messages
from simulator.flows.satisfaction import INDICATORS
from simulator.openapi_examples.base import PORTAL_DOSSIER, PROVINCE, SESSION_NOTE, SESSION_PLACEHOLDER, Bodies, Context, example, one
from simulator.portal.schemas import SERVICE_SCHEMAS


def dossier(ctx: Context) -> dict:
    """A dossier of the single-adult persona, received today in province 56."""
    person = ctx.citizen("single_adult")
    return connector_messages.dossier(PORTAL_DOSSIER, applicant=person.name.full, applicant_id=person.id, phone=person.phone)


def progress_entry(status: str, at: str, note: str) -> dict:
    """A progress entry of the portal example dossier."""
    return connector_messages.progress_entry(PORTAL_DOSSIER, status, at=at, note=note)


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


@example("post", "/api/v1/dossiers/{code}/rating")
def _rating(ctx: Context) -> Bodies:
    scores = dict.fromkeys(INDICATORS, 2)
    return one(
        {**scores, "MucDoThuanTien": "1", "DanhGiaChung": "1"},
        "Very satisfied",
        "The dossier must be in status 10 (the CapNhatTienDoHoSoMC example brings it there).",
    )
