"""The population database's request and replies as marshmallow schemas (validation and OpenAPI)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from simulator.systems.common import string_fields, text_field


class PopulationRequest(Schema):
    """A request to the population database; `MaDVC` may be empty and `MaCanBo` absent, as real clients send."""

    class Meta:
        unknown = EXCLUDE

    MaYeuCau = fields.String(required=True, validate=validate.Length(1, 64), metadata={"example": "YC-0001"})
    MaDVC = fields.String(validate=validate.Length(max=64), metadata={"example": "1.001193"})
    MaTichHop = fields.String(validate=validate.Length(max=64), metadata={"example": "037"})
    MaCanBo = fields.String(validate=validate.Length(max=64), metadata={"example": "CB001"})
    SoDinhDanh = fields.String(validate=validate.Length(max=20), metadata={"example": "001088000004"})
    SoCMND = fields.String(validate=validate.Length(max=12))
    HoVaTen = text_field(max_len=100, metadata={"example": "NGUYENVANAN"})
    # A string, or {NgayThangNam, Nam} taken out before validation (see `citizens.read_request`).
    NgayThangNamSinh = fields.String(
        validate=validate.Length(max=20),
        metadata={"description": "yyyyMMdd, yyyy-MM-dd, dd/MM/yyyy, a year, or {NgayThangNam, Nam}"},
    )


class CongDanName(string_fields("Ho ChuDem Ten")):
    """`HoVaTen`: the full name in `Ten` (`Ho`, `ChuDem` empty), as the database answers."""


class BirthDateSchema(Schema):
    """`NgayThangNamSinh`: year and full date."""

    Nam = fields.String(required=True, metadata={"example": "1988"})
    NgayThangNam = fields.String(required=True, metadata={"example": "19880315"})


class PlaceSchema(string_fields("MaTinhThanh MaQuanHuyen MaPhuongXa ChiTiet QuocGia")):
    """An address: province (2 digits), district ("" since July 2025), commune (5 digits), detail, country."""


class CongDanRelative(string_fields("HoVaTen QuocTich SoDinhDanh SoCMND")):
    """Another citizen named on the record."""


class HouseholdHead(string_fields("QuanHe SoDinhDanh SoCMND HoVaTen")):
    """The household head (`QuanHe` CH01 when the citizen heads the household)."""


class CongDanSchema(Schema):
    """A citizen record (`CongDan`): coded values from the national category lists (see docs/contract.md)."""

    SoDinhDanh = fields.String(required=True)
    SoCMND = fields.String(required=True)
    HoVaTen = fields.Nested(CongDanName, required=True)
    GioiTinh = fields.String(required=True, metadata={"description": "1 male, 2 female"})
    DanToc = fields.String(required=True, metadata={"description": "ethnic group code 01-54 (Decision 121-TCTK)"})
    TonGiao = fields.String(required=True, metadata={"description": "religion code, 00 none"})
    TinhTrangHonNhan = fields.String(required=True, metadata={"description": "1 single, 2 married, 3 widowed"})
    NhomMau = fields.String(required=True, metadata={"description": "00 unknown, 01 A, 02 B, 03 AB, 04 O"})
    NgayThangNamSinh = fields.Nested(BirthDateSchema, required=True)
    NoiDangKyKhaiSinh = fields.Nested(PlaceSchema, required=True)
    QuocTich = fields.String(required=True, metadata={"example": "VN"})
    QueQuan = fields.Nested(PlaceSchema, required=True)
    ThuongTru = fields.Nested(PlaceSchema, required=True)
    NoiOHienTai = fields.Nested(PlaceSchema, required=True)
    Cha = fields.Nested(CongDanRelative, allow_none=True, required=True)
    Me = fields.Nested(CongDanRelative, allow_none=True, required=True)
    VoChong = fields.Nested(CongDanRelative, allow_none=True, required=True)
    NguoiDaiDien = fields.Nested(CongDanRelative, allow_none=True, required=True)
    ChuHo = fields.Nested(HouseholdHead, required=True)
    SoSoHoKhau = fields.String(required=True)
    SoDienThoai = fields.String(required=True, metadata={"description": "sandbox addition"})
    DaChet = fields.Boolean(required=True, metadata={"description": "sandbox addition"})
    NgayChet = fields.String(required=True, metadata={"description": "sandbox addition, yyyyMMdd"})
    Con = fields.List(fields.Nested(CongDanRelative), metadata={"description": "sandbox addition"})


class PopulationReply(Schema):
    """What every sandbox JSON reply of the database starts with."""

    error_code = fields.String(required=True, metadata={"example": "0"})
    message = fields.String(required=True)
    MaYeuCau = fields.String(required=True)


class PopulationLookupReply(PopulationReply):
    """A citizen looked up by ID (sandbox JSON)."""

    CongDan = fields.Nested(CongDanSchema, required=True)


class CongdanCollection(Schema):
    """Zero or one `CongDan`."""

    CongDan = fields.Nested(CongDanSchema)


class KetQuaXacThuc(Schema):
    """`XacThucThongTinCongDan`'s answer; `KhopThongTin` only when HoVaTen or NgayThangNamSinh was given."""

    MaYeuCau = fields.String(required=True)
    TonTai = fields.Boolean(required=True)
    KhopThongTin = fields.Boolean()
    DaChet = fields.Boolean(metadata={"description": "true when the citizen is recorded as deceased"})
    NgayChet = fields.String(metadata={"description": "yyyyMMdd, '' when alive"})


class PopulationVerifyReply(PopulationReply, KetQuaXacThuc):
    """Yes/no verification (sandbox JSON): the SOAP answer's fields after `error_code` and `message`."""


class EnvelopeBody(Schema):
    """`Body` of the JSON rendering of the SOAP reply: a look-up's collection or a verification's result."""

    CongdanCollection = fields.Nested(CongdanCollection)
    KetQuaXacThuc = fields.Nested(KetQuaXacThuc)


class EnvelopeSchema(Schema):
    """`Envelope` of the JSON rendering of the SOAP reply."""

    Body = fields.Nested(EnvelopeBody, required=True)


class EnvelopeReply(Schema):
    """The SOAP reply as JSON: `{"Envelope": {"Body": {"CongdanCollection": {"CongDan": {...}}}}}`."""

    Envelope = fields.Nested(EnvelopeSchema, required=True)
