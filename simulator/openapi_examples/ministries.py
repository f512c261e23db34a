"""Examples of the ministry systems: population (JSON and SOAP), civil status, judicial record, environment."""

from __future__ import annotations

from simulator.identity.records import Citizen
from simulator.identity.reference_data import commune_index
from simulator.openapi_examples.base import CODES, ENTERPRISE, PROVINCE, SOAP_NS, SOAP_TYPES, Bodies, Builder, Context, example, one


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
def _civil_status(code: str, requester: Citizen, relation: str, **fields) -> dict:
    """A civil status request: its dossier code, who asks (nyc*, with their relation) and the event's fields."""
    return {"maHoSo": CODES[code], "nycHoTen": requester.name.full, "nycSoDinhDanh": requester.id, "nycQuanHe": relation, **fields}


@example("post", "/civil_status/births")
def _birth(ctx: Context) -> Bodies:
    mother = ctx.citizen("single_adult")
    body = _civil_status(
        "births",
        mother,
        "Mẹ",
        maTTHC="1.001193",
        nksHoTen=f"{mother.name.family} Minh Khôi",
        nksGioiTinh="1",
        nksNgaySinh="20261120",
        nksNoiSinh="Bệnh viện Đa khoa tỉnh Khánh Hòa",
        nksDanToc="Kinh",
        nksQuocTich="Việt Nam",
        meHoTen=mother.name.full,
        meSoDinhDanh=mother.id,
        chaHoTen="",
        chaSoDinhDanh="",
    )
    return one(body, "A boy born to the single-adult persona")


@example("post", "/civil_status/deaths")
def _death(ctx: Context) -> Bodies:
    deceased = ctx.citizen("deceased")
    body = _civil_status(
        "deaths",
        ctx.citizen("single_adult"),
        "Người thân",
        nktHoTen=deceased.name.full,
        nktSoDinhDanh=deceased.id,
        nktNgayChet=deceased.death_date.strftime("%Y%m%d") if deceased.death_date else "20240315",
        nktNoiChet="Bệnh viện Đa khoa tỉnh Thanh Hóa",
        nktNguyenNhan="Bệnh",
    )
    return one(body, "The deceased persona's death")


@example("post", "/civil_status/marriages")
def _marriage(ctx: Context) -> Bodies:
    husband, wife = ctx.citizen("adult_just_20"), ctx.citizen("single_adult")
    spouses = {"chongHoTen": husband.name.full, "chongSoDinhDanh": husband.id, "voHoTen": wife.name.full, "voSoDinhDanh": wife.id}
    return one(_civil_status("marriages", husband, "Chồng", **spouses), "Two single personas marry")


@example("post", "/civil_status/marital-status-confirmations")
def _marital(ctx: Context) -> Bodies:
    person = ctx.citizen("single_adult")
    body = _civil_status("marital", person, "Bản thân", nxnSoDinhDanh=person.id, mucDichSuDung="Đăng ký kết hôn")
    return one(body, "The single-adult persona's marital status")


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
