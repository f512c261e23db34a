"""Wire schemas of the portal: the handshake, one request schema per service, and the replies.

These schemas both validate input and document it in OpenAPI, so the docs cannot drift
from what the sandbox accepts. Field names are the portal's own (DOMAIN.md).
"""

from __future__ import annotations

import re

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates

from simulator.portal.fields import Code, ListOrEmpty, PortalDate

DOSSIER_CODE = re.compile(r"^(?P<agency>[0-9A-Z]+(?:\.[0-9A-Z]+)*)-(?P<day>\d{6})-(?P<seq>\d{4})$")
# National codes `1.001612`, `2.000477`; local ones start with other digits and carry the agency
# suffix (`3.000181.000.00.00.H22`, seen in a Hà Giang admissions client).
PROCEDURE_CODE = re.compile(r"^[1-9]\.\d{6}(\.[0-9A-Z]+)*$")
STATUS_CODES = tuple(str(i) for i in range(1, 11))


def check_dossier_code(value: str) -> None:
    """Refuse a MaHoSo that is not `{agency}-{yyMMdd}-{NNNN}` with a real date."""
    from datetime import datetime

    match = DOSSIER_CODE.match(value or "")
    if not match:
        raise ValidationError(
            f"MaHoSo {value!r} sai định dạng, phải là {{mã cơ quan}}-{{yyMMdd}}-{{NNNN}} "
            "(e.g. 000.00.01.H56-261126-0001)"
        )
    try:
        datetime.strptime(match["day"], "%y%m%d")
    except ValueError:
        raise ValidationError(f"MaHoSo {value!r} có ngày {match['day']} không tồn tại") from None


class AuthRequest(Schema):
    """The session handshake: a province client's portal credentials."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class AuthReply(Schema):
    """Handshake reply: `error_code` is the number 0 on success (connectors read it as a number)."""

    error_code = fields.Integer(required=True, metadata={"example": 0})
    message = fields.String(required=True)
    session = fields.String(metadata={"description": "Session token for every later call"})
    expires_in = fields.Integer(metadata={"description": "Seconds until the session expires"})


class IdentityDocument(Schema):
    """An entry of DinhDanhCHS: the applicant's identity document."""

    class Meta:
        unknown = INCLUDE

    LoaiDinhDanh = Code(
        choices=("1", "2"), required=True, metadata={"description": "1 = 12-digit ID, 2 = old 9-digit ID"}
    )
    SoDinhDanh = fields.String(
        required=True, validate=validate.Regexp(r"^(\d{9}|\d{12})$", error="SoDinhDanh phải gồm 9 hoặc 12 chữ số")
    )


class Fee(Schema):
    """An entry of DanhSachLePhi: a fee or charge of the dossier."""

    class Meta:
        unknown = INCLUDE

    TenPhiLePhi = fields.String()
    MaPhiLePhi = fields.String()
    HinhThucThu = Code()
    Gia = fields.Raw(
        metadata={"oneOf": [{"type": "number"}, {"type": "string"}], "description": "Amount in VND (number or numeric string)"}
    )
    LoaiPhiLePhi = Code()

    @validates("Gia")
    def _gia_is_amount(self, value, **kwargs):
        try:
            amount = float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"Gia {value!r} không phải là số tiền") from None
        if amount < 0:
            raise ValidationError("Gia không được âm")


class Dossier(Schema):
    """A dossier (hồ sơ) as connectors sync it; unknown fields are kept as given."""

    class Meta:
        unknown = INCLUDE

    MaHoSo = fields.String(
        required=True, validate=check_dossier_code, metadata={"example": "000.00.01.H56-261126-0001"}
    )
    MaTTHC = fields.String(
        required=True,
        validate=validate.Regexp(
            PROCEDURE_CODE, error="MaTTHC phải có dạng 1.00xxxx, 2.00xxxx hoặc mã địa phương 3.000181.000.00.00.H22"
        ),
        metadata={"example": "1.001193"},
    )
    TenTTHC = fields.String()
    MaLinhVuc = fields.String()
    TenLinhVuc = fields.String()
    KenhThucHien = Code(
        choices=("1", "2", "3"), metadata={"description": "1 in person, 2 online, 3 public postal service"}
    )
    SoBienNhan = fields.String()
    ChuHoSo = fields.String(required=True, validate=validate.Length(min=1, max=255))
    SoGiayToChuHoSo = fields.String()
    LoaiDoiTuong = Code(
        choices=("1", "2", "3", "4"), metadata={"description": "1 citizen, 2 enterprise, 3 state agency, 4 other"}
    )
    MaDoiTuong = fields.String()
    Email = fields.String()
    SoDienThoai = fields.String()
    TrichYeuHoSo = fields.String()
    DinhDanhCHS = ListOrEmpty(fields.Nested(IdentityDocument))
    NgayTiepNhan = PortalDate(required=True)
    NgayHenTra = PortalDate()
    NgayTra = PortalDate()
    NgayKetThucXuLy = PortalDate()
    NgayTuChoi = PortalDate()
    NgayNopHoSo = PortalDate()
    TrangThaiHoSo = Code(
        choices=STATUS_CODES, required=True, metadata={"description": "Status 1–10 (see /api/v1/catalogue/statuses)"}
    )
    DonViXuLy = fields.String(metadata={"description": "The handling agency's name"})
    NoiNopHoSo = fields.String()
    HinhThuc = fields.String()
    DuocThanhToanTrucTuyen = Code(choices=("1", "2", "3"), metadata={"description": "1 paid online, 3 not"})
    TaiLieuNop = ListOrEmpty(fields.Dict())
    DanhSachLePhi = ListOrEmpty(fields.Nested(Fee))
    DanhSachHoSoBoSung = ListOrEmpty(fields.Dict())
    DanhSachGiayToKetQua = ListOrEmpty(fields.Dict())


class ProgressEntry(Schema):
    """A progress entry (tiến độ xử lý) of a dossier."""

    class Meta:
        unknown = INCLUDE

    MaHoSo = fields.String(required=True, validate=check_dossier_code)
    NguoiXuLy = fields.String(required=True, validate=validate.Length(min=1, max=50, error="NguoiXuLy tối đa 50 ký tự"))
    ChucDanh = fields.String()
    ThoiDiemXuLy = PortalDate(required=True)
    PhongBanXuLy = fields.String()
    NoiDungXuLy = fields.String()
    TrangThai = Code(choices=STATUS_CODES, required=True)
    NgayBatDau = PortalDate()
    NgayKetThucTheoQuyDinh = PortalDate()


class ServiceBase(Schema):
    """Fields every call to the integration endpoint carries."""

    class Meta:
        unknown = INCLUDE

    session = fields.String(required=True, metadata={"description": "Token from /dvcqg/api/auth"})
    madonvi = fields.String(
        required=True, metadata={"description": "The connector's unit code", "example": "000.00.00.H56"}
    )
    service = fields.String(required=True)


class SyncDossiers(ServiceBase):
    """`DongBoHoSoMC`: create (isUpdating "False") or update ("True") dossiers."""

    isUpdating = Code(choices=("True", "False", "true", "false"), load_default="False")
    data = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=500))


class ReportProgress(ServiceBase):
    """`CapNhatTienDoHoSoMC`: append progress entries, each moving its dossier's status."""

    data = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=500))


class LookUpDossier(ServiceBase):
    """`TraCuuHoSo`: a dossier with its progress history, `result: []` when unknown."""

    mahoso = fields.String(required=True)


class LookUpTechId(ServiceBase):
    """`TraCuuTechID`: the portal account (TECHNICALID) of a citizen ID or enterprise tax code."""

    provider = fields.String(load_default="wso2is", metadata={"description": 'Identity provider, "wso2is"'})
    mstorcmnd = fields.String(
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "12-digit citizen ID, 9-digit old ID or tax code", "example": "056090001234"},
    )


class ListProcedures(ServiceBase):
    """`LayDanhSachTTHC`: the procedure catalogue, optionally filtered by field."""

    malinhvuc = fields.String(load_default="")


class GetProcedure(ServiceBase):
    """`LayThuTuc`: one procedure in the national procedure database's upper-case fields."""

    maTTHC = fields.String(required=True, validate=validate.Length(min=1, max=60))


class ListAgencies(ServiceBase):
    """`LayDanhMucCoQuan`: agencies, optionally of one province (`matinh`)."""

    matinh = fields.String(load_default="")


class ListFields(ServiceBase):
    """`LayDanhMucLinhVuc`: fields of activity."""


class OneOrMany(fields.Field):
    """An object or a list of objects; an object is read as a one-entry list (clients send both)."""

    def __init__(self, **kwargs):
        metadata = {"oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]}
        metadata.update(kwargs.pop("metadata", {}))
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        entries = [value] if isinstance(value, dict) else value
        if not isinstance(entries, list) or not entries:
            raise ValidationError("phải là một đối tượng hoặc danh sách đối tượng không rỗng (object or non-empty list)")
        if len(entries) > 500:
            raise ValidationError("tối đa 500 mục (at most 500 entries)")
        return entries


class PortalDossierStatus(Schema):
    """A `DongBoTrangThaiHoSo` entry: the province's handling status of a dossier the portal sent down."""

    class Meta:
        unknown = INCLUDE

    MaHoSo = fields.String(required=True, validate=validate.Length(min=1, max=100))
    MaHoSoDonVi = fields.String(metadata={"description": "The province's own dossier number"})
    MaDoiTuong = fields.String()
    NoiDung = fields.String()
    NgayXuLy = PortalDate(required=True)
    TrangThai = Code(choices=STATUS_CODES, required=True, metadata={"description": '"2" accepted, "5" supplement'})
    TaiLieuXuLy = ListOrEmpty(fields.Dict())


class ReportPortalDossierStatus(ServiceBase):
    """`DongBoTrangThaiHoSo`: statuses of dossiers submitted on the portal (`type` "2", `data` an object)."""

    type = Code(load_default="2", metadata={"description": '"2" as sent by OpenCPS'})
    data = OneOrMany(required=True)


class RatingSummary(Schema):
    """A `DongBoDanhGia` entry: one period's satisfaction summary of a unit (and procedure)."""

    class Meta:
        unknown = INCLUDE

    NgayTongHop = fields.String(required=True, metadata={"example": "11-2026", "description": "M-yyyy"})
    TongSoNguoiDanhGia = fields.Raw(required=True, metadata={"type": "integer", "example": 120})
    PhanTramDanhGiaRatHaiLong = fields.Raw(required=True, metadata={"type": "string", "example": "60%"})
    PhanTramDanhGiaHaiLong = fields.Raw(required=True, metadata={"type": "string", "example": "30%"})
    PhanTramDanhGiaChuaHaiLong = fields.Raw(metadata={"type": "string", "example": "10%"})
    MaThuTuc = fields.String()
    NoiDung = fields.String()
    Madonvi = fields.String()
    TenDonVi = fields.String()


class SyncRatingSummaries(ServiceBase):
    """`DongBoDanhGia`: satisfaction summaries per unit and period, fed into the satisfaction index."""

    data = OneOrMany(required=True)


class ListPublicServices(ServiceBase):
    """`LayDVC`: online public services (DVC) of the caller's province; `result` is `{total, data}`."""

    maTTHC = fields.String(load_default="")


class ListQuestions(ServiceBase):
    """`LayDanhSachHoiDapGuiTuDVCQG` / `LayDanhSachHoiDapBoCoQuan`: questions for the caller's province."""

    malinhvuc = fields.String(load_default="")


class ListCitizenQuestions(ListQuestions):
    """`LayDanhSachHoiDapGuiTuDVCQG`: questions citizens asked on the portal, for the province to answer."""


class ListAgencyQuestions(ListQuestions):
    """`LayDanhSachHoiDapBoCoQuan`: questions and answers compiled by ministries and agencies."""


class GetAnswers(ServiceBase):
    """`LayNoiDungTraLoiTheoCauHoi`: the answers to one question (`cauhoiid` = HOIDAPID)."""

    cauhoiid = Code(required=True, metadata={"type": "integer", "example": 1})


class SyncQuestions(ServiceBase):
    """`DongBoHoiDap`: the province's own questions and answers, published on the portal."""

    data = OneOrMany(required=True)


class SyncAnswers(ServiceBase):
    """`DongBoKetQuaHoiDapGuiTuDVCQG`: the province's answers to questions citizens asked on the portal."""

    data = OneOrMany(required=True)


class ProvinceQuestion(Schema):
    """A `DongBoHoiDap` entry: HOIDAPID is the province's own question id."""

    class Meta:
        unknown = INCLUDE

    HOIDAPID = Code(required=True, metadata={"type": "integer"})
    NOIDUNG = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    MADONVI = fields.String(required=True, validate=validate.Length(min=1, max=60))
    TENDONVI = fields.String()
    MaLinhVuc = fields.String(metadata={"description": "Also read as MALINHVUC"})
    NOIDUNGTRALOI = fields.String(validate=validate.Length(max=8000))


class ProvinceAnswer(Schema):
    """A `DongBoKetQuaHoiDapGuiTuDVCQG` entry: the answer to a portal question."""

    class Meta:
        unknown = INCLUDE

    HOIDAPID = Code(required=True, metadata={"type": "integer"})
    MADONVI = fields.String(required=True, validate=validate.Length(min=1, max=60))
    NGUOITRALOI = fields.String(validate=validate.Length(max=255))
    CHUCVUNGUOITRALOI = fields.String(validate=validate.Length(max=255))
    NGAYTRALOI = fields.String(metadata={"description": "dd/MM/yyyy (OpenCPS) or yyyyMMddHHmmss"})
    NOIDUNGTRALOI = fields.String(required=True, validate=validate.Length(min=1, max=8000))


class ServiceReply(Schema):
    """A service reply: `error_code` "00" on success (a string), `result` for look-ups."""

    error_code = fields.String(required=True, metadata={"example": "00"})
    message = fields.String(required=True)
    result = fields.Raw(metadata={"description": "A list for look-ups; `{total, data}` for LayDVC"})


SERVICE_SCHEMAS: dict[str, type[ServiceBase]] = {
    "DongBoHoSoMC": SyncDossiers,
    "CapNhatTienDoHoSoMC": ReportProgress,
    "TraCuuHoSo": LookUpDossier,
    "TraCuuTechID": LookUpTechId,
    "LayDanhSachTTHC": ListProcedures,
    "LayThuTuc": GetProcedure,
    "LayDanhMucCoQuan": ListAgencies,
    "LayDanhMucLinhVuc": ListFields,
    "LayDVC": ListPublicServices,
    "DongBoTrangThaiHoSo": ReportPortalDossierStatus,
    "DongBoDanhGia": SyncRatingSummaries,
    "LayDanhSachHoiDapGuiTuDVCQG": ListCitizenQuestions,
    "LayDanhSachHoiDapBoCoQuan": ListAgencyQuestions,
    "LayNoiDungTraLoiTheoCauHoi": GetAnswers,
    "DongBoHoiDap": SyncQuestions,
    "DongBoKetQuaHoiDapGuiTuDVCQG": SyncAnswers,
}


def flatten_errors(messages: dict | list | str, prefix: str = "") -> list[str]:
    """Turn marshmallow's nested error dict into 'data[0].MaHoSo: reason' lines."""
    if isinstance(messages, str):
        return [f"{prefix}: {messages}" if prefix else messages]
    if isinstance(messages, list):
        out: list[str] = []
        for item in messages:
            out.extend(flatten_errors(item, prefix))
        return out
    out = []
    for key, value in messages.items():
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            name = f"{prefix}[{key}]"
        else:
            name = f"{prefix}.{key}" if prefix else str(key)
        out.extend(flatten_errors(value, name))
    return out


class PortalError(Schema):
    """A transport-level refusal (HTTP 4xx) in the portal's shape."""

    error_code = fields.Raw(required=True, metadata={"type": "string", "example": "-1"})
    message = fields.String(required=True)


def register_components(spec) -> None:
    """Add the portal's schemas to the OpenAPI components so the docs can reference them."""
    spec.components.schema("AuthReply", schema=AuthReply)
    spec.components.schema("PortalError", schema=PortalError)
    spec.components.schema("ServiceReply", schema=ServiceReply)
    spec.components.schema("Dossier", schema=Dossier)
    spec.components.schema("ProgressEntry", schema=ProgressEntry)
    for name, schema in SERVICE_SCHEMAS.items():
        spec.components.schema(name, schema=schema)
