"""Wire records of the imitated ministry systems, with their real (Vietnamese) field names.

Formats chosen (no public spec gives them): dates of birth, registration and validity are
`yyyyMMdd` strings; `GioiTinh` is "1" male / "2" female; marital status `TinhTrangHonNhan` is
"1" single (chưa kết hôn), "2" married (đã kết hôn), "3" widowed (góa), "4" divorced (ly hôn); an absent relative is
`null`; the old ID `SoCMND` is "" when the person never held one.
"""

from __future__ import annotations

from datetime import date

from simulator.identity.records import Citizen, Enterprise, InsuranceRecord, Place, Relative

MARITAL_CODES = {"single": "1", "married": "2", "widowed": "3", "divorced": "4"}
SEX_CODES = {"male": "1", "female": "2"}


def ymd(d: date | None) -> str:
    """A date as `yyyyMMdd`, or "" for None."""
    return d.strftime("%Y%m%d") if d else ""


def _place(place: Place) -> dict:
    return {"MaTinhThanh": place.province_code, "MaPhuongXa": place.commune_code, "ChiTiet": place.detail}


def _relative(rel: Relative | None) -> dict | None:
    return None if rel is None else {"HoVaTen": rel.name.full, "SoDinhDanh": rel.id}


def to_congdan(citizen: Citizen) -> dict:
    """The population database's `CongDan` record for a citizen."""
    return {
        "SoDinhDanh": citizen.id,
        "SoCMND": citizen.old_id or "",
        "HoVaTen": {"Ho": citizen.name.family, "ChuDem": citizen.name.middle, "Ten": citizen.name.given},
        "GioiTinh": SEX_CODES[citizen.sex],
        "DanToc": citizen.ethnicity,
        "TonGiao": citizen.religion,
        "TinhTrangHonNhan": MARITAL_CODES[citizen.marital_status],
        "NhomMau": citizen.blood_group,
        "NgayThangNamSinh": ymd(citizen.birth_date),
        "QuocTich": citizen.nationality,
        "NoiDangKyKhaiSinh": _place(citizen.birth_place),
        "QueQuan": _place(citizen.home_town),
        "ThuongTru": _place(citizen.permanent_residence),
        "NoiOHienTai": _place(citizen.current_residence),
        "Cha": _relative(citizen.father),
        "Me": _relative(citizen.mother),
        "VoChong": _relative(citizen.spouse),
        "ChuHo": _relative(citizen.household_head),
        "SoDienThoai": citizen.phone,
        "DaChet": citizen.deceased,
        "NgayChet": ymd(citizen.death_date),
    }


def to_doanhnghiep(ent: Enterprise) -> dict:
    """The business registration system's `chiTietDoanhNghiep` record for an enterprise."""
    rep = ent.representative
    return {
        "MaSoDoanhNghiep": ent.msdn,
        "TenTiengViet": ent.name,
        "TenVietTat": ent.short_name,
        "LoaiHinhDN": ent.kind,
        "NgayDangKyLanDau": ymd(ent.first_registered),
        "TinhTrangPhapLy": [
            {
                "MaTinhTrang": ent.legal_status,
                "TenTinhTrang": ent.legal_status_name,
                "NgayHieuLuc": ymd(ent.status_since),
            }
        ],
        "DaiDienPhapLuat": [{"HoVaTen": rep.name.full, "SoDinhDanh": rep.id, "ChucDanh": "Giám đốc"}],
        "DiaChiTruSo": [_place(ent.head_office)],
        "NganhNgheKinhDoanh": [
            {"MaNganh": i.code, "TenNganh": i.name, "LaNganhChinh": i.main} for i in ent.industries
        ],
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
        "HoGiaDinh": [
            {"SoDinhDanh": m.id, "HoVaTen": m.name.full, "QuanHe": m.relation} for m in record.household
        ],
    }
