"""Wire records of the imitated ministry systems, with their real (Vietnamese) field names.

The population database's `CongDan` follows the record public clients parse (see
docs/contract.md): coded values from the national category lists kept in
`simulator/data/national_categories.json` (`DanToc`, `TonGiao`, `NhomMau` two-digit codes),
`NgayThangNamSinh` as `{Nam, NgayThangNam}`, addresses `{MaTinhThanh, MaQuanHuyen, MaPhuongXa,
ChiTiet, QuocGia}` (`MaQuanHuyen` "" since districts were abolished in July 2025), relatives
`{HoVaTen, QuocTich, SoDinhDanh, SoCMND}`, the household head with `QuanHe`. `GioiTinh` is "1"
male / "2" female; `TinhTrangHonNhan` "1" single, "2" married, "3" widowed, "4" divorced (our
design: no public client shows a divorced code). Dates are `yyyyMMdd`; the old ID `SoCMND` is ""
when the person never held one.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from simulator.identity import reference_data as catalogue
from simulator.identity.records import Citizen, Enterprise, InsuranceRecord, Place, Relative

MARITAL_CODES = {"single": "1", "married": "2", "widowed": "3", "divorced": "4"}
SEX_CODES = {"male": "1", "female": "2"}
NATIONALITY = "VN"  # public clients compare QuocTich with 'VN' (frontend-opencps-v2.1 tracuu_csdldc)
_CATEGORIES = Path(__file__).resolve().parent.parent / "data" / "national_categories.json"


@lru_cache(maxsize=1)
def categories() -> dict[str, dict[str, str]]:
    """National category lists as {list: {name or alias: code}} (DanToc, TonGiao, NhomMau)."""
    raw = json.loads(_CATEGORIES.read_text(encoding="utf-8"))
    return {
        key: {name: item["code"] for item in raw[key] for name in (item["name"], *item["aliases"])}
        for key in ("DanToc", "TonGiao", "NhomMau")
    }


def category_code(category: str, name: str) -> str:
    """The national code of `name` in a category list; the list's "unknown" code when absent."""
    unknown = {"DanToc": "99", "TonGiao": "00", "NhomMau": "00"}[category]
    return categories()[category].get(name, unknown)


def ymd(d: date | None) -> str:
    """A date as `yyyyMMdd`, or "" for None."""
    return d.strftime("%Y%m%d") if d else ""


def _place(place: Place) -> dict:
    return {
        "MaTinhThanh": place.province_code,
        "MaQuanHuyen": "",
        "MaPhuongXa": place.commune_code,
        "ChiTiet": place.detail,
        "QuocGia": NATIONALITY,
    }


def _relative(rel: Relative | None) -> dict | None:
    if rel is None:
        return None
    return {"HoVaTen": rel.name.full, "QuocTich": NATIONALITY, "SoDinhDanh": rel.id, "SoCMND": ""}


def birth_date(d: date) -> dict:
    """`NgayThangNamSinh` as the population database writes it: `{Nam, NgayThangNam}`."""
    return {"Nam": d.strftime("%Y"), "NgayThangNam": ymd(d)}


def to_congdan(citizen: Citizen) -> dict:
    """The population database's `CongDan` record for a citizen.

    `HoVaTen.Ten` carries the full name and `Ho`/`ChuDem` are empty, as the database's replies
    do (a public client's sample reply; OpenCPS shows `HoVaTen.Ten` as the citizen's name), so
    every client that reads `Ten`, or joins `Ho ChuDem Ten`, gets the whole name.
    """
    head = citizen.household_head
    return {
        "SoDinhDanh": citizen.id,
        "SoCMND": citizen.old_id or "",
        "HoVaTen": {"Ho": "", "ChuDem": "", "Ten": citizen.name.full},
        "GioiTinh": SEX_CODES[citizen.sex],
        "DanToc": category_code("DanToc", citizen.ethnicity),
        "TonGiao": category_code("TonGiao", citizen.religion),
        "TinhTrangHonNhan": MARITAL_CODES[citizen.marital_status],
        "NhomMau": category_code("NhomMau", citizen.blood_group),
        "NgayThangNamSinh": birth_date(citizen.birth_date),
        "NoiDangKyKhaiSinh": _place(citizen.birth_place),
        "QuocTich": NATIONALITY,
        "QueQuan": _place(citizen.home_town),
        "ThuongTru": _place(citizen.permanent_residence),
        "NoiOHienTai": _place(citizen.current_residence),
        "Cha": _relative(citizen.father),
        "Me": _relative(citizen.mother),
        "VoChong": _relative(citizen.spouse),
        "NguoiDaiDien": None,
        "ChuHo": {
            "QuanHe": "CH01" if head.id == citizen.id else "",
            "SoDinhDanh": head.id,
            "SoCMND": "",
            "HoVaTen": head.name.full,
        },
        "SoSoHoKhau": "",
        # Sandbox additions (our design): phone, death, children registered through civil status.
        "SoDienThoai": citizen.phone,
        "DaChet": citizen.deceased,
        "NgayChet": ymd(citizen.death_date),
    }


def _iso(d: date | None) -> str:
    """A date as ISO 8601 `yyyy-MM-ddT00:00:00`, the form .NET and Java clients deserialize."""
    return f"{d.isoformat()}T00:00:00" if d else ""


def _kind_code(kind: str) -> str:
    """The enterprise type's code (our design: its rank in the sandbox's type list)."""
    kinds = [t[0] for t in catalogue.catalogues()["enterprise_types"]]
    return str(kinds.index(kind) + 1) if kind in kinds else "0"


def to_doanhnghiep(ent: Enterprise) -> dict:
    """The business registration certificate (`GetEntCert` item) with legal representatives nested.

    Field names and nesting as a public client deserializes them (docs/contract.md, business
    registration); dates ISO 8601; numeric codes where the client declares integers.
    """
    rep = ent.representative
    office = ent.head_office
    return {
        "MaNoiBo": ent.msdn,
        "MaSoDoanhNghiep": ent.msdn,
        "SoGCNDKKD": ent.msdn,
        "MaLoaiHinhDN": _kind_code(ent.kind),
        "LoaiHinhDN": ent.kind,
        "TenTiengViet": ent.name,
        "TenNuocNgoai": "",
        "TenVietTat": ent.short_name,
        "NgayDangKyLanDau": _iso(ent.first_registered),
        "NgayDangKyThayDoi": _iso(ent.status_since),
        "SoLanDangKyThayDoi": 0 if ent.status_since == ent.first_registered else 1,
        "TinhTrangPhapLy": [
            {
                "TinhTrangPhapLy": ent.legal_status_name,
                "MaTinhTrangPhapLy": ent.legal_status,
                "NgayBatDauTamNgung": _iso(ent.status_since) if ent.legal_status == "suspended" else None,
                "NgayKetThucTamNgung": None,
                "LyDoTamNgung": "",
            }
        ],
        "DaiDienPhapLuat": [
            {
                "ThongTinCaNhan": [
                    {
                        "HoVaTen": rep.name.full,
                        "LoaiGiayToChungThuc": "Căn cước công dân",
                        "MaLoaiGiayToChungThuc": "1",
                        "SoGiayChungThuc": rep.id,
                        "NoiCap": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
                        "QuocTich": "Việt Nam",
                        "MaQuocTich": NATIONALITY,
                    }
                ]
            }
        ],
        "DiaChiTruSo": [
            {
                "DiaChi": [
                    {
                        "QuocGia": "Việt Nam",
                        "MaQuocGia": NATIONALITY,
                        "MaTinhThanh": int(office.province_code),
                        "MaPhuongXa": int(office.commune_code),
                        "DiaChi": office.detail,
                        "SoNha": office.detail.split(",")[0],
                    }
                ]
            }
        ],
        "NganhNgheKinhDoanh": [{"MaNganh": i.code, "TenNganh": i.name, "LaNganhChinh": 1 if i.main else 0} for i in ent.industries],
    }


def to_main_information(ent: Enterprise) -> dict:
    """The national integration platform's rendering (`Data`): `MainInformation`, `HOAdress`,
    `Representatives` (a list of `{FULL_NAME}`), `BusinessActivities` — as OpenCPS reads it."""
    return {
        "MainInformation": {
            "ENTERPRISE_CODE": ent.msdn,
            "ENTERPRISE_GDT_CODE": ent.msdn,
            "NAME": ent.name,
            "NAME_F": "",
            "SHORT_NAME": ent.short_name,
            "ENTERPRISE_TYPE_NAME": ent.kind,
            "ENTERPRISE_STATUS": ent.legal_status_name,
            "IMP_BUSINESS_CODE": next((i.code for i in ent.industries if i.main), ""),
            "FOUNDING_DATE": _iso(ent.first_registered),
            "LAST_AMEND_DATE": _iso(ent.status_since),
            "NUMBER_CHANGES": "0" if ent.status_since == ent.first_registered else "1",
        },
        "HOAdress": {
            "AddressFullText": ent.head_office.detail,
            "CityID": ent.head_office.province_code,
            "WardID": ent.head_office.commune_code,
        },
        "Representatives": [{"FULL_NAME": ent.representative.name.full, "ID_NUMBER": ent.representative.id, "POSITION": "Giám đốc"}],
        "BusinessActivities": [{"CODE": i.code, "NAME": i.name, "IS_MAIN": "1" if i.main else "0"} for i in ent.industries],
    }


def to_bhxh(record: InsuranceRecord) -> dict:
    """The sandbox's social-insurance participant record (no public spec; same naming style)."""
    return {
        "MaSoBHXH": record.bhxh_code,
        "SoDinhDanh": record.citizen_id,
        "HoVaTen": record.name.full,
        "NgaySinh": ymd(record.birth_date),
        "GioiTinh": SEX_CODES[record.sex],
        "MaTheBHYT": record.health_card,
        "MaDoiTuong": record.beneficiary_group,
        "MucHuong": str(record.benefit_level),
        "GiaTriTuNgay": ymd(record.card_valid_from),
        "GiaTriDenNgay": ymd(record.card_valid_to),
        "MaKCBBanDau": record.hospital_code,
        "TenKCBBanDau": record.hospital_name,
        "QuaTrinhDong": {
            "SoThangDong": record.contributions.months,
            "DonViSuDungLaoDong": record.contributions.employer or "",
            "MucLuongDong": record.contributions.salary_base,
        },
        "HoGiaDinh": [{"SoDinhDanh": m.id, "HoVaTen": m.name.full, "QuanHe": m.relation} for m in record.household],
    }
