"""Wire schemas of the payment platform (message version 1.0.6): INIT, QUERY, GET_BILL and replies.

Field names and types are those public one-stop clients send (docs/contract.md): amounts may
come as strings (`"SoTien": "150000"`) or numbers, codes as strings or numbers (`MaDichVu`
2 or "2"), optional fields as "". Unknown fields are ignored: clients add their own.
"""

from __future__ import annotations

from datetime import datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from simulator.systems.payment.signing import MESSAGE_TYPES, VERSION
from simulator.wire_formats import PORTAL_DATETIME, to_portal


def _portal_time(value: str) -> None:
    try:
        datetime.strptime(value, PORTAL_DATETIME)
    except (TypeError, ValueError):
        raise ValidationError("must be a date-time yyyyMMddHHmmss") from None


class Code(fields.String):
    """A code a client may send as a string or a number (`2` or `"2"`); loaded as a string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(int(value)) if float(value).is_integer() else str(value)
        return super()._deserialize(value, attr, data, **kwargs)


def _text(max_len: int = 500, **kw) -> fields.String:
    return Code(load_default="", validate=validate.Length(max=max_len), **kw)


class _Lenient(Schema):
    class Meta:
        unknown = EXCLUDE  # clients add their own fields


class Message(_Lenient):
    """Fields every partner message carries (QUERY and GET_BILL carry only these)."""

    LoaiBanTin = fields.String(
        required=True,
        validate=validate.OneOf(MESSAGE_TYPES, error="must be one of INIT, QUERY, GET_BILL"),
        metadata={"description": "Message type", "example": "QUERY"},
    )
    PhienBan = fields.String(
        required=True,
        validate=validate.Equal(VERSION, error=f"must be {VERSION} (the only message version served)"),
        metadata={"example": VERSION},
    )
    MaDoiTac = Code(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Partner code: the province client's madonvi", "example": "000.00.00.H56"},
    )
    MaThamChieu = Code(required=True, validate=validate.Length(min=1, max=255), metadata={"description": "The partner's reference"})
    ThoiGianGD = Code(
        required=True,
        validate=[validate.Regexp(r"^\d{14}$", error="must be yyyyMMddHHmmss"), _portal_time],
        metadata={"description": "yyyyMMddHHmmss, Asia/Ho_Chi_Minh", "example": "20261126090000"},
    )
    MaXacThuc = fields.String(
        required=True,
        validate=validate.Length(min=1, max=255),
        metadata={"description": "SHA-256 hex of the message's fields joined by | with the shared secret last"},
    )


class PaymentFee(_Lenient):
    """One fee or charge (phí, lệ phí) in the receipt."""

    LoaiPhiLePhi = _text(32)
    MaPhiLePhi = _text(64)
    TenPhiLePhi = _text(300)
    SoTien = fields.Integer(strict=False, load_default=0, validate=validate.Range(min=0, max=10**12))


class AmountDue(_Lenient):
    """One amount to pay (DSKhoanNop)."""

    NoiDung = _text(500)
    SoTien = fields.Integer(strict=False, load_default=0, validate=validate.Range(min=0, max=10**12))


class ReceiptInfo(_Lenient):
    """What the receipt will say (ThongTinBienLai): every field optional, "" when unknown."""

    MaDichVu = _text(8, metadata={"description": "1 fine, 2 fee of a public service"})
    MaHoSo = _text(64, metadata={"description": "The dossier the fee is for (when MaDichVu is 2)"})
    MaDVC = _text(64)
    TenDVC = _text(500)
    MaTTHC = _text(64)
    TenTTHC = _text(500)
    MaDonVi = _text(64)
    TenDonVi = _text(300)
    TKThuHuong = _text(64)
    MaNHThuHuong = _text(64)
    TenTKThuHuong = _text(300)
    KhoBac = _text(200, metadata={"description": "Default: the province's treasury"})
    TaiKhoanThuNSNN = _text(32, metadata={"description": "Default 7111"})
    NoiDungThanhToan = _text(500)
    HoTenNguoiNop = _text(100)
    SoCMNDNguoiNop = _text(32, metadata={"description": "Payer's ID; a 12-digit persona ID picks an outcome"})
    DiaChiNguoiNop = _text(500)
    HuyenNguoiNop = _text(100)
    TinhNguoiNop = _text(100)
    PhiLePhi = fields.List(fields.Nested(PaymentFee), load_default=list, validate=validate.Length(max=50))
    DSKhoanNop = fields.List(fields.Nested(AmountDue), load_default=list, validate=validate.Length(max=50))


class InitMessage(Message):
    """INIT: open a payment and get the payer's URL."""

    SoTien = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=1, max=10**12),
        metadata={"description": "Whole VND, number or string (capped by the payment_max_amount setting)"},
    )
    LoaiHinhThanhToan = _text(32, metadata={"example": "PAY"})
    MaKenhThanhToan = _text(32, metadata={"example": "1"})
    MaThietBi = _text(32, metadata={"example": "1"})
    NgonNgu = _text(16, metadata={"example": "vi-VN"})
    MaTienTe = fields.String(required=True, validate=validate.OneOf(["VND"]))
    MaNganHang = _text(32, metadata={"example": "PAYMENT"})
    ThongTinGiaoDich = Code(required=True, validate=validate.Length(min=1, max=500))
    Ip = _text(64)
    ThongTinBienLai = fields.Nested(ReceiptInfo, load_default=lambda: ReceiptInfo().load({}))


SCHEMAS: dict[str, type[Message]] = {"INIT": InitMessage, "QUERY": Message, "GET_BILL": Message}


class PaymentError(Schema):
    """A refusal: MaLoi other than "00", and MoTaLoi naming the problem."""

    MaLoi = fields.String(required=True, metadata={"example": "03"})
    MoTaLoi = fields.String(required=True)


class TransactionState(Schema):
    """Where a transaction stands, as QUERY and the payer's decision answer it."""

    TrangThaiGD = fields.String(required=True, metadata={"description": "1 paid, 3 pending, 4 failed"})
    TenTrangThai = fields.String(required=True)
    SoBienLai = fields.String(required=True, metadata={"description": "Treasury receipt number or empty"})


class TransactionAmount(Schema):
    """The platform's transaction id and its amount, as INIT and QUERY answer them."""

    MaGiaoDich = fields.String(required=True)
    SoTien = fields.Integer(required=True)


class Reply(PaymentError):
    """Fields every reply carries."""

    MaLoi = fields.String(required=True, metadata={"example": "00"})
    LoaiBanTin = fields.String(required=True)
    MaDoiTac = fields.String(required=True)
    MaThamChieu = fields.String(required=True)
    ThoiGianGD = fields.String(required=True)
    MaXacThuc = fields.String(required=True)


class InitReply(Reply, TransactionAmount):
    """The payment is open: send the payer to UrlThanhToan.

    `error_code` ("0") and `message` (the same reply as a JSON string) are there for clients
    behind an integration platform that wraps replies that way (docs/contract.md).
    """

    PhienBan = fields.String(required=True, metadata={"example": "1.0.6"})
    UrlThanhToan = fields.String(required=True)
    error_code = fields.String(required=True, metadata={"example": "0"})
    message = fields.String(required=True)


class QueryReply(Reply, TransactionAmount, TransactionState):
    """The state of a payment (TrangThaiGD 1 paid, 3 pending, 4 failed)."""

    MaTienTe = fields.String(required=True)
    MaNganHang = fields.String(required=True)
    ThongTinGiaoDich = fields.String(required=True)


class BillReply(Reply):
    """GET_BILL as JSON (when the caller accepts JSON only): the receipt PDF in base64."""

    SoBienLai = fields.String(required=True)
    TenFile = fields.String(required=True)
    BienLai = fields.String(required=True, metadata={"description": "The receipt PDF, base64"})


class TreasuryReceipt(Schema):
    """A treasury receipt (chứng từ nộp ngân sách nhà nước), dumped from a stored receipt (`store.receipt`).

    Each wire field names the stored column it shows (`attribute`), so the mapping is written once.
    """

    SoBienLai = fields.String(required=True, attribute="number")
    MaGiaoDich = fields.String(required=True, attribute="transaction_id")
    MaThamChieu = fields.String(required=True, attribute="reference")
    MaHoSo = fields.String(required=True, attribute="dossier")
    MaTTHC = fields.String(required=True, attribute="procedure")
    KhoBac = fields.String(required=True, attribute="treasury")
    TaiKhoanThuNSNN = fields.String(required=True, attribute="account")
    SoTien = fields.Integer(required=True, attribute="amount")
    MaTienTe = fields.Constant("VND", required=True, metadata={"type": "string"})
    NgayNop = fields.Function(
        lambda rec: to_portal(rec["paid_at"]), required=True, metadata={"type": "string", "description": "yyyyMMddHHmmss"}
    )
    NguoiNop = fields.String(required=True, attribute="payer_name")
    NoiDung = fields.String(required=True, attribute="description")
    PhiLePhi = fields.List(fields.Dict(), required=True, attribute="fees")


class PayerChoice(Schema):
    """The test payer's button: pay or decline."""

    class Meta:
        unknown = EXCLUDE

    action = fields.String(required=True, validate=validate.OneOf(["pay", "decline"]))


class DecisionReply(PaymentError, TransactionState):
    """The transaction after the payer's choice."""

    MaLoi = fields.String(required=True, metadata={"example": "00"})
    MaThamChieu = fields.String(required=True)
