"""Wire schemas of the payment platform: INIT, QUERY, GET_BILL, replies, receipts and the payer's choice."""

from __future__ import annotations

from datetime import datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from simulator.systems.helpers import citizen_id_validator


def _portal_time(value: str) -> None:
    try:
        datetime.strptime(value, "%Y%m%d%H%M%S")
    except (TypeError, ValueError):
        raise ValidationError("must be a date-time yyyyMMddHHmmss") from None


def _optional_citizen_id(value: str) -> None:
    if value != "":  # connectors send "" for an unknown payer
        citizen_id_validator(value)


class Message(Schema):
    """Fields every message carries."""

    class Meta:
        unknown = EXCLUDE  # connectors add their own routing fields

    MaDoiTac = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Partner code: the province client's madonvi", "example": "000.00.00.H56"},
    )
    MaThamChieu = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"description": "The partner's reference"}
    )
    ThoiGianGD = fields.String(
        required=True,
        validate=[validate.Regexp(r"^\d{14}$", error="must be yyyyMMddHHmmss"), _portal_time],
        metadata={"description": "yyyyMMddHHmmss, Asia/Ho_Chi_Minh", "example": "20261126090000"},
    )
    MaXacThuc = fields.String(
        required=True,
        validate=validate.Length(min=1, max=128),
        metadata={"description": "SHA-256 hex of the message's fields joined by | with the shared secret last"},
    )


class PaymentFee(Schema):
    """One fee or charge (phí, lệ phí) in the receipt."""

    class Meta:
        unknown = EXCLUDE

    TenPhiLePhi = fields.String(required=True, validate=validate.Length(min=1, max=300))
    MaPhiLePhi = fields.String(load_default="", validate=validate.Length(max=64))
    SoTien = fields.Integer(required=True, strict=False, validate=validate.Range(min=0, max=10**12))


class ReceiptInfo(Schema):
    """What the treasury receipt will say (ThongTinBienLai)."""

    class Meta:
        unknown = EXCLUDE

    MaHoSo = fields.String(required=True, validate=validate.Length(min=1, max=64))
    MaTTHC = fields.String(load_default="", validate=validate.Length(max=64))
    KhoBac = fields.String(
        load_default="", validate=validate.Length(max=200), metadata={"description": "Default: the province's"}
    )
    TaiKhoanThuNSNN = fields.String(
        load_default="", validate=validate.Length(max=32), metadata={"description": "Default 7111"}
    )
    PhiLePhi = fields.List(fields.Nested(PaymentFee), load_default=list, validate=validate.Length(max=50))


class InitMessage(Message):
    """INIT: open a payment and get the payer's URL."""

    SoTien = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=1, max=10**12),
        metadata={"description": "Positive whole VND (capped by the payment_max_amount setting)"},
    )
    MaTienTe = fields.String(required=True, validate=validate.OneOf(["VND"]))
    ThongTinGiaoDich = fields.String(required=True, validate=validate.Length(min=1, max=500))
    SoDinhDanhNguoiNop = fields.String(
        load_default="",
        validate=[validate.Regexp(r"^(\d{12})?$", error="must be 12 digits or empty"), _optional_citizen_id],
        metadata={"description": "Payer's 12-digit ID (personas)"},
    )
    HoTenNguoiNop = fields.String(load_default="", validate=validate.Length(max=100))
    ThongTinBienLai = fields.Nested(ReceiptInfo, required=True)


class PaymentError(Schema):
    """A refusal: MaLoi other than "00"."""

    MaLoi = fields.String(required=True, metadata={"example": "03"})
    MoTaLoi = fields.String(required=True)


class InitReply(Schema):
    """The payment is open: send the payer to UrlThanhToan."""

    MaLoi = fields.String(required=True, metadata={"example": "00"})
    MoTaLoi = fields.String(required=True)
    MaThamChieu = fields.String(required=True)
    MaGiaoDich = fields.String(required=True)
    UrlThanhToan = fields.String(required=True)
    TrangThai = fields.String(required=True)


class QueryReply(Schema):
    """The state of a payment."""

    MaLoi = fields.String(required=True)
    MoTaLoi = fields.String(required=True)
    MaThamChieu = fields.String(required=True)
    MaGiaoDich = fields.String(required=True)
    SoTien = fields.Integer(required=True)
    MaTienTe = fields.String(required=True)
    TrangThai = fields.String(required=True, metadata={"description": "0 pending, 1 paid, 2 declined"})
    TenTrangThai = fields.String(required=True)
    ThoiGianThanhToan = fields.String(required=True, metadata={"description": "yyyyMMddHHmmss or empty"})
    SoBienLai = fields.String(required=True, metadata={"description": "Treasury receipt number or empty"})


class TreasuryReceipt(Schema):
    """A treasury receipt (chứng từ nộp ngân sách nhà nước)."""

    SoBienLai = fields.String(required=True)
    MaGiaoDich = fields.String(required=True)
    MaThamChieu = fields.String(required=True)
    MaHoSo = fields.String(required=True)
    MaTTHC = fields.String(required=True)
    KhoBac = fields.String(required=True)
    TaiKhoanThuNSNN = fields.String(required=True)
    SoTien = fields.Integer(required=True)
    MaTienTe = fields.String(required=True)
    NgayNop = fields.String(required=True, metadata={"description": "yyyyMMddHHmmss"})
    NguoiNop = fields.String(required=True)
    NoiDung = fields.String(required=True)
    PhiLePhi = fields.List(fields.Dict(), required=True)


class PayerChoice(Schema):
    """The test payer's button: pay or decline."""

    class Meta:
        unknown = EXCLUDE

    action = fields.String(required=True, validate=validate.OneOf(["pay", "decline"]))


class DecisionReply(Schema):
    """The transaction after the payer's choice."""

    MaLoi = fields.String(required=True)
    MoTaLoi = fields.String(required=True)
    MaThamChieu = fields.String(required=True)
    TrangThai = fields.String(required=True)
    TenTrangThai = fields.String(required=True)
    SoBienLai = fields.String(required=True)
