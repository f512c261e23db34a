"""Wire mappers for the portal's catalogue services, in the national procedure database's names.

The keys are those OpenCPS v2 reads (`DVCQGIntegrationActionImpl.java`, master and
release-candidate-3.0): LayThuTuc's TENTTHC, MATTHC, LINHVUCTHUCHIEN{MALINHVUC, TENLINHVUC},
MACOQUANCONGBO, CACHTHUCTHUCHIEN{KENH, THOIGIAN{THOIGIANGIAIQUYET, DONVITINH, MOTA,
PHILEPHI{MAPHILEPHI, SOTIEN, DONVI, MOTA}}}, TRINHTUTHUCHIEN{TRUONGHOP, TRINHTU{TENTRINHTU}},
THANHPHANHOSO{GIAYTO{MAGIAYTO, TENMAUDON, URL, TENGIAYTO}}, DOITUONGTHUCHIEN{TENDOITUONG},
KETQUATHUCHIEN{MAKETQUA, TENKETQUA}, CANCUPHAPLY{SOVANBAN, TENVANBAN}, YEUCAU, TRANGTHAI,
COQUANTHUCHIEN{MADONVI, TENDONVI}; LayDanhSachTTHC's MATTHC, TENTTHC; LayDanhMucCoQuan's
MADONVI, TENDONVI, CAPDONVI; LayDanhMucLinhVuc's MALINHVUC, TENLINHVUC, MANGANH. Other keys
are our design, documented on each mapper and in docs/contract.md.
"""

from __future__ import annotations

from typing import Any

from simulator.catalogue.agencies import Agency, generic_agency_name, implementing_agency, province_of_agency
from simulator.catalogue.procedures import Field, Procedure, sector
from simulator.provinces import province

CHANNEL_NAMES = {"1": "Trực tiếp", "2": "Trực tuyến", "3": "Dịch vụ bưu chính công ích"}
DAY_UNIT = "Ngày làm việc"
CURRENCY_UNIT = "Đồng"
LEVEL_NAMES = {"Tỉnh": "Cấp Tỉnh", "Xã": "Cấp Xã"}
# CAPDONVI is read as an integer (GetterUtil.getInteger); our codes: 1 ministry, 2 province, 4 commune
# (3, district, no longer exists since 1 July 2025).
UNIT_LEVELS = {"Tỉnh": "2", "Xã": "4"}


def to_laythutuc(proc: Procedure, agency_code: str | None = None) -> dict[str, Any]:
    """One `LayThuTuc` result item.

    Seen keys (module docstring) plus our MALINHVUC, CAPTHUCHIEN ("Cấp Tỉnh"/"Cấp Xã"),
    DOITUONGTHUCHIEN[].MADOITUONG, THANHPHANHOSO[].GIAYTO[].SOBANCHINH/SOBANSAO. KENH and
    TRANGTHAI are numbers (read with getInt), THOIGIANGIAIQUYET a number of working days,
    SOTIEN an integer of VND. With `agency_code` (the caller's unit) COQUANTHUCHIEN names the
    concrete agency and MACOQUANCONGBO the province's People's Committee, which publishes the
    province's procedures; without it, the generic agency with empty codes.
    """
    found = implementing_agency(proc, agency_code)
    agency_name = found.name if found else generic_agency_name(proc.agency_kind)
    province_code = province_of_agency(agency_code) if agency_code else None
    return {
        "MATTHC": proc.code,
        "TENTTHC": proc.name,
        "MALINHVUC": proc.field.code,
        "LINHVUCTHUCHIEN": [{"MALINHVUC": proc.field.code, "TENLINHVUC": proc.field.name}],
        "MACOQUANCONGBO": f"000.00.00.H{province_code}" if province_code else "",
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": int(c.kind),
                "TENKENH": CHANNEL_NAMES[c.kind],
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": c.days,
                        "DONVITINH": DAY_UNIT,
                        "MOTA": c.note,
                        "PHILEPHI": [
                            {
                                "MAPHILEPHI": f"LP{i:02d}",
                                "SOTIEN": f.amount,
                                "DONVI": CURRENCY_UNIT,
                                "MOTA": f.description,
                            }
                            for i, f in enumerate(c.fees, start=1)
                        ],
                    }
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
                        "TENMAUDON": "",
                        "URL": "",
                        "SOBANCHINH": d.originals,
                        "SOBANSAO": d.copies,
                    }
                    for i, d in enumerate(proc.documents, start=1)
                ],
            }
        ],
        "TRINHTUTHUCHIEN": [{"TRUONGHOP": "", "TRINHTU": [{"TENTRINHTU": s.format(agency=agency_name)} for s in proc.steps]}],
        "COQUANTHUCHIEN": [{"MADONVI": found.code if found else "", "TENDONVI": agency_name}],
        "KETQUATHUCHIEN": [{"MAKETQUA": f"KQ{i:02d}", "TENKETQUA": r} for i, r in enumerate(proc.results, start=1)],
        "CANCUPHAPLY": [{"SOVANBAN": lb.number, "TENVANBAN": lb.title} for lb in proc.legal_basis],
        "YEUCAU": proc.requirements,
        "DOITUONGTHUCHIEN": [{"MADOITUONG": a.kind, "TENDOITUONG": a.name} for a in proc.applicants],
        "CAPTHUCHIEN": LEVEL_NAMES[proc.level],
        "TRANGTHAI": 1,
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
    """One `LayDanhMucCoQuan` item: MADONVI, TENDONVI, CAPDONVI (seen), MATINH, TENTINH (our design).

    CAPDONVI is a digit string ("2" province-level body, "4" commune-level), MATINH the 2-digit
    province code, TENTINH the province's full name.
    """
    p = province(ag.province_code)
    return {
        "MADONVI": ag.code,
        "TENDONVI": ag.name,
        "CAPDONVI": UNIT_LEVELS[ag.level],
        "MATINH": ag.province_code,
        "TENTINH": p.full_name if p else "",
    }


def to_linhvuc(f: Field, madonvi: str = "") -> dict[str, Any]:
    """One `LayDanhMucLinhVuc` item: MALINHVUC, TENLINHVUC, MANGANH (seen), MABONGANH, TENNGANH (ours).

    OpenCPS imports a field only when MANGANH equals its configured unit code, so MANGANH is
    the calling unit (`madonvi`); the ministry's code is MABONGANH and the sector's name TENNGANH.
    """
    s = sector(f.sector)
    return {
        "MALINHVUC": f.code,
        "TENLINHVUC": f.name,
        "MANGANH": madonvi,
        "MABONGANH": s.ministry_code if s else "",
        "TENNGANH": s.name if s else "",
    }
