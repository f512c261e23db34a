"""Wire schemas of the judicial record system: its own API and the LGSP face (`/lltp`).

Field names are the ministry's (camelCase Vietnamese); sources in docs/contract.md.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from simulator.systems.common import citizen_id_validator, dd_mm_yyyy_validator, string_fields

ID12 = validate.Regexp(r"^\d{12}$", error="must be 12 digits")


def _dossier_code() -> fields.String:
    """`maHoSoMCDT`, the one-stop dossier code every request names."""
    return fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "One-stop dossier code"})


class JudicialError(Schema):
    """An error of the judicial record system."""

    statusCode = fields.String(required=True, metadata={"example": "01"})
    errorDetail = fields.String(required=True)


class CertificateRequest(Schema):
    """A request for a judicial record certificate, as the one-stop software files it."""

    class Meta:
        unknown = EXCLUDE  # connectors send extra fields (phone, address...): accepted, ignored

    maHoSoMCDT = _dossier_code()
    soDinhDanh = fields.String(
        required=True,
        validate=[ID12, citizen_id_validator],
        metadata={"description": "Applicant's 12-digit ID", "example": "056090001234"},
    )
    hoTen = fields.String(required=True, validate=validate.Length(min=1, max=100))
    ngaySinh = fields.String(
        required=True,
        validate=[validate.Regexp(r"^\d{2}/\d{2}/\d{4}$", error="must be dd/MM/yyyy"), dd_mm_yyyy_validator],
        metadata={"description": "dd/MM/yyyy", "example": "05/08/1980"},
    )
    loaiPhieu = fields.Integer(required=True, strict=False, validate=validate.OneOf([1, 2]), metadata={"description": "Phiếu số 1 or 2"})
    mucDichSuDung = fields.String(load_default="", validate=validate.Length(max=500), metadata={"description": "Purpose of use"})


class Appointment(Schema):
    """The dossier code and the appointment date for the result."""

    maHoSoMCDT = fields.String(required=True)
    ngayHenTraKetQua = fields.String(required=True, metadata={"example": "28/11/2026"})


class RequestAccepted(JudicialError):
    """Reply to a filed request: statusCode "00", an empty errorDetail and the appointment."""

    statusCode = fields.String(required=True, metadata={"example": "00"})
    data = fields.Nested(Appointment, required=True)


class Certificate(Schema):
    """The issued certificate (phiếu lý lịch tư pháp)."""

    soPhieuLLTP = fields.String(required=True)
    ngayCapPhieu = fields.String(required=True, metadata={"description": "dd/MM/yyyy"})
    loaiPhieu = fields.Integer(required=True)
    coAnTich = fields.Boolean(required=True, metadata={"description": "Whether a conviction is recorded"})
    noiDungAnTich = fields.String(allow_none=True)


class RequestResult(string_fields("maHoSoMCDT trangThaiXuLy tenTrangThai lyDoTuChoi ngayHenTraKetQua")):
    """The state of a request and, once issued, the certificate."""

    trangThaiXuLy = fields.String(required=True, metadata={"description": "1 received, 2 processing, 3 issued, 4 rejected"})
    lyDoTuChoi = fields.String(required=True, metadata={"description": "Empty unless rejected"})
    ketQuaXuLy = fields.Nested(Certificate, allow_none=True, required=True)


# --- the LGSP face: `DataLGSP` and its replies ------------------------------------------------
class LgspAddress(Schema):
    """An address in the declaration (`nycThuongTru`, `nycNoiSinh`, ...)."""

    class Meta:
        unknown = EXCLUDE

    maTinhThanh = fields.String(load_default="")
    tenTinhThanh = fields.String(load_default="")
    maPhuongXa = fields.String(load_default="")
    tenPhuongXa = fields.String(load_default="")
    dcChiTiet = fields.String(load_default="")


class ToKhai(Schema):
    """The applicant's declaration (`toKhai`): the `nyc*` fields the ministry checks; the rest is kept as sent."""

    class Meta:
        unknown = EXCLUDE  # the declaration carries ~60 fields (relatives, mandate, files): accepted

    nycHoTen = fields.String(required=True, validate=validate.Length(min=1, max=100))
    nycNgaySinh = fields.String(required=True, validate=validate.Length(min=4, max=40), metadata={"description": "dd/MM/yyyy"})
    nycSoGiayTo = fields.String(
        required=True,
        validate=[validate.Regexp(r"^\d{12}$", error="must be a 12-digit ID"), citizen_id_validator],
        metadata={"example": "056090001234"},
    )
    loaiPhieu = fields.String(load_default="1", validate=validate.OneOf(["1", "2"]))
    tenMucDich = fields.String(load_default="", allow_none=True)
    mucDichKhac = fields.String(load_default="", allow_none=True)
    nycThuongTru = fields.Nested(LgspAddress, allow_none=True)


class LgspStatusRequest(Schema):
    """A status poll: `{authKey, maTinh, maHoSoMCDT}`; every LGSP call carries these three."""

    class Meta:
        unknown = EXCLUDE

    authKey = fields.String(required=True, validate=validate.Length(min=1, max=500))
    maTinh = fields.String(required=True, validate=validate.Length(min=1, max=10))
    maHoSoMCDT = _dossier_code()


class LgspRequest(LgspStatusRequest):
    """`DataLGSP`: a one-stop dossier's judicial record request through the province's LGSP."""

    tenTinh = fields.String(load_default="", allow_none=True)
    nguonDangKy = fields.String(load_default="", allow_none=True)
    tenNguonDangKy = fields.String(load_default="", allow_none=True)
    ngayTiepNhan = fields.String(required=True, validate=[dd_mm_yyyy_validator], metadata={"description": "dd/MM/yyyy"})
    toKhai = fields.Nested(ToKhai, required=True)


class LgspReply(string_fields("status statusDescription errorCode errorDescription")):
    """`{status, statusDescription, errorCode, errorDescription}`: status "1" sent, "0" refused."""


class LgspResult(string_fields("soPhieuLLTP ngayCapPhieu loaiPhieu nguoiKy chucVu tinhTrangAnTich tenTinhTrangAnTich")):
    """`ketQuaXuLy` of a finished request."""

    ngayCapPhieu = fields.String(required=True, metadata={"description": "dd/MM/yyyy"})
    tinhTrangAnTich = fields.String(required=True, metadata={"description": "1 no conviction, 2 conviction"})
    thongTinAn = fields.List(fields.Dict(), required=True)
    phieuLLTP = fields.String(required=True, metadata={"description": "base64 of the certificate (text/plain)"})


class LgspValue(RequestResult):
    """One dossier's state: our result less its status name, in the LGSP's status codes."""

    class Meta:
        exclude = ("tenTrangThai",)

    trangThaiXuLy = fields.String(required=True, metadata={"description": "2 received, 4 processing, 9 issued, 3 refused"})
    ketQuaXuLy = fields.Nested(LgspResult, allow_none=True, required=True)


class LgspStatusReply(Schema):
    """`{status: 1, statusDescription, value: [...]}` (status 0 and an empty list for an unknown dossier)."""

    status = fields.Integer(required=True)
    statusDescription = fields.String(required=True)
    value = fields.List(fields.Nested(LgspValue), required=True)
