"""Wire mappers for the portal's catalogue services, in the national procedure database's names.

Seen (DOMAIN.md): TENTTHC, LINHVUCTHUCHIEN{MALINHVUC, TENLINHVUC}, CACHTHUCTHUCHIEN{KENH,
THOIGIAN{THOIGIANGIAIQUYET, DONVITINH, MOTA}, PHILEPHI{SOTIEN, DONVI, MOTA}}, THANHPHANHOSO,
TRINHTUTHUCHIEN, COQUANTHUCHIEN, KETQUATHUCHIEN, CANCUPHAPLY, YEUCAU. The inner shapes of the
other lists, and the keys of the summary, agency and field items, are our design,
documented on each mapper.
"""

from __future__ import annotations

from typing import Any

from simulator.catalogue.agencies import Agency, generic_agency_name, implementing_agency
from simulator.catalogue.procedures import Field, Procedure, sector
from simulator.provinces import province

CHANNEL_NAMES = {"1": "Trực tiếp", "2": "Trực tuyến", "3": "Dịch vụ bưu chính công ích"}
DAY_UNIT = "Ngày làm việc"
CURRENCY_UNIT = "Đồng"
LEVEL_NAMES = {"Tỉnh": "Cấp Tỉnh", "Xã": "Cấp Xã"}


def to_laythutuc(proc: Procedure, agency_code: str | None = None) -> dict[str, Any]:
    """One `LayThuTuc` result item.

    Keys: MATTHC, TENTTHC, MALINHVUC, LINHVUCTHUCHIEN [{MALINHVUC, TENLINHVUC}],
    CACHTHUCTHUCHIEN [{KENH, THOIGIAN [{THOIGIANGIAIQUYET (number), DONVITINH, MOTA}],
    PHILEPHI [{SOTIEN (int VND), DONVI "Đồng", MOTA}]}],
    THANHPHANHOSO [{TRUONGHOP, GIAYTO [{MAGIAYTO, TENGIAYTO, SOBANCHINH, SOBANSAO}]}],
    TRINHTUTHUCHIEN [{TRUONGHOP, TRINHTU [{NOIDUNG}]}], COQUANTHUCHIEN [{MACOQUAN, TENCOQUAN}],
    KETQUATHUCHIEN [{MAKETQUA, TENKETQUA}], CANCUPHAPLY [{SOVANBAN, TENVANBAN}],
    YEUCAU (text), DOITUONGTHUCHIEN [{MADOITUONG, TENDOITUONG}], CAPTHUCHIEN ("Cấp Tỉnh"/"Cấp Xã").
    With `agency_code` (the caller's unit) COQUANTHUCHIEN names the concrete agency;
    without it, the generic one ("Sở Tư pháp") with an empty MACOQUAN.
    """
    found = implementing_agency(proc, agency_code)
    agency_name = found.name if found else generic_agency_name(proc.agency_kind)
    return {
        "MATTHC": proc.code,
        "TENTTHC": proc.name,
        "MALINHVUC": proc.field.code,
        "LINHVUCTHUCHIEN": [{"MALINHVUC": proc.field.code, "TENLINHVUC": proc.field.name}],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": c.kind,
                "THOIGIAN": [{"THOIGIANGIAIQUYET": c.days, "DONVITINH": DAY_UNIT, "MOTA": c.note}],
                "PHILEPHI": [
                    {"SOTIEN": f.amount, "DONVI": CURRENCY_UNIT, "MOTA": f.description} for f in c.fees
                ],
            }
            for c in proc.channels
        ],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "",
                "GIAYTO": [
                    {
                        "MAGIAYTO": f"GT{i:02d}",
                        "TENGIAYTO": d.name,
                        "SOBANCHINH": d.originals,
                        "SOBANSAO": d.copies,
                    }
                    for i, d in enumerate(proc.documents, start=1)
                ],
            }
        ],
        "TRINHTUTHUCHIEN": [
            {"TRUONGHOP": "", "TRINHTU": [{"NOIDUNG": s.format(agency=agency_name)} for s in proc.steps]}
        ],
        "COQUANTHUCHIEN": [{"MACOQUAN": found.code if found else "", "TENCOQUAN": agency_name}],
        "KETQUATHUCHIEN": [
            {"MAKETQUA": f"KQ{i:02d}", "TENKETQUA": r} for i, r in enumerate(proc.results, start=1)
        ],
        "CANCUPHAPLY": [{"SOVANBAN": lb.number, "TENVANBAN": lb.title} for lb in proc.legal_basis],
        "YEUCAU": proc.requirements,
        "DOITUONGTHUCHIEN": [{"MADOITUONG": a.kind, "TENDOITUONG": a.name} for a in proc.applicants],
        "CAPTHUCHIEN": LEVEL_NAMES[proc.level],
    }


def to_danhsach_tthc(proc: Procedure) -> dict[str, Any]:
    """One `LayDanhSachTTHC` summary item.

    Keys: MATTHC, TENTTHC, MALINHVUC, TENLINHVUC, CAPTHUCHIEN, THOIGIANGIAIQUYET (the legal
    limit in working days), KENH (the channel codes, e.g. ["1", "2", "3"]), COQUANTHUCHIEN
    (the generic agency name). All but the first four are our design.
    """
    return {
        "MATTHC": proc.code,
        "TENTTHC": proc.name,
        "MALINHVUC": proc.field.code,
        "TENLINHVUC": proc.field.name,
        "CAPTHUCHIEN": LEVEL_NAMES[proc.level],
        "THOIGIANGIAIQUYET": proc.days,
        "KENH": [c.kind for c in proc.channels],
        "COQUANTHUCHIEN": generic_agency_name(proc.agency_kind),
    }


def to_coquan(ag: Agency) -> dict[str, Any]:
    """One `LayDanhMucCoQuan` item: MACOQUAN, TENCOQUAN, MATINH, TENTINH, CAPCOQUAN ("Tỉnh"/"Xã").

    MATINH is the 2-digit province code, TENTINH the province's full name (our design).
    """
    p = province(ag.province_code)
    return {
        "MACOQUAN": ag.code,
        "TENCOQUAN": ag.name,
        "MATINH": ag.province_code,
        "TENTINH": p.full_name if p else "",
        "CAPCOQUAN": ag.level,
    }


def to_linhvuc(f: Field) -> dict[str, Any]:
    """One `LayDanhMucLinhVuc` item: MALINHVUC, TENLINHVUC, MANGANH (ministry code), TENNGANH (sector)."""
    s = sector(f.sector)
    return {
        "MALINHVUC": f.code,
        "TENLINHVUC": f.name,
        "MANGANH": s.ministry_code if s else "",
        "TENNGANH": s.name if s else "",
    }
