"""Wire schemas of the civil status registry (hộ tịch): requests and replies, camelCase as seen.

Prefixes name the person a field is about: `nks` the child (người được khai sinh), `me`
mother, `cha` father, `nkt` the deceased (người được khai tử), `nyc` the requester (người yêu
cầu), `chong` / `vo` husband and wife, `nxn` the person whose marital status is confirmed.
Dates are `yyyyMMdd`; timestamps `yyyyMMddHHmmss` (Asia/Ho_Chi_Minh); `GioiTinh` 1 male, 2 female.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from simulator.systems.common import id12_field, string_fields, text_field, ymd_field

DOSSIER_CODE = validate.Regexp(r"^[A-Za-z0-9.\-_]{1,60}$", error="must be 1-60 letters, digits, '.', '-', '_'")
SEX = validate.OneOf(["1", "2"], error="must be '1' (male) or '2' (female)")


class _Base(Schema):
    class Meta:
        unknown = EXCLUDE

    maHoSo = fields.String(
        required=True,
        validate=DOSSIER_CODE,
        metadata={"example": "000.00.01.H56-261126-0001", "description": "the one-stop dossier code"},
    )
    maTTHC = text_field(max_len=60, metadata={"description": "procedure code; defaults by module"})
    nycHoTen = text_field(required=True, max_len=100, metadata={"example": "Nguyễn Văn An"})
    nycSoDinhDanh = id12_field()
    nycQuanHe = text_field(max_len=50, metadata={"example": "Cha"})


class BirthRequest(_Base):
    """Birth registration (module KS): child, mother (required), father (optional), requester."""

    nksHoTen = text_field(required=True, max_len=100, metadata={"example": "Nguyễn Minh Khôi"})
    nksGioiTinh = fields.String(required=True, validate=SEX)
    nksNgaySinh = ymd_field(required=True)
    nksNoiSinh = text_field(required=True, max_len=200, metadata={"example": "Bệnh viện Đa khoa tỉnh Khánh Hòa"})
    nksDanToc = text_field(max_len=50)
    nksQuocTich = text_field(max_len=50)
    meHoTen = text_field(max_len=100)
    meSoDinhDanh = id12_field()
    chaHoTen = text_field(max_len=100)
    chaSoDinhDanh = id12_field(required=False)


class DeathRequest(_Base):
    """Death registration (module KT)."""

    nktHoTen = text_field(max_len=100)
    nktSoDinhDanh = id12_field()
    nktNgayChet = ymd_field(required=True)
    nktNoiChet = text_field(required=True, max_len=200)
    nktNguyenNhan = text_field(max_len=200)


class MaritalConfirmationRequest(_Base):
    """Marital-status confirmation (module XNHN) for `nxnSoDinhDanh` (defaults to the requester)."""

    nxnSoDinhDanh = id12_field(required=False)
    mucDichSuDung = text_field(max_len=200, metadata={"example": "Đăng ký kết hôn"})


class MarriageRequest(_Base):
    """Marriage registration (module KH)."""

    chongHoTen = text_field(max_len=100)
    chongSoDinhDanh = id12_field()
    voHoTen = text_field(max_len=100)
    voSoDinhDanh = id12_field()


class CivilStatusListQuery(Schema):
    """Filters of the dossier list."""

    class Meta:
        unknown = EXCLUDE

    module = fields.String(validate=validate.OneOf(["KS", "KT", "KH", "XNHN"]))
    trangThai = fields.String(validate=validate.OneOf(["1", "2", "3", "4", "6"]))


class CivilStatusDossier(string_fields("maHoSo maTTHC module ngayTiepNhan ngayHenTra trangThai tenTrangThai lyDo")):
    """A civil-status dossier as polled: status 1 waiting, 2 supplement needed, 3 processing,
    4 result ready, 6 rejected (`lyDo` says why); `ketQua` once 4."""

    module = fields.String(required=True, metadata={"description": "KS birth, KT death, KH marriage, XNHN confirmation"})
    ketQua = fields.Dict(allow_none=True, required=True)


class CivilStatusDossierList(Schema):
    """The caller province's dossiers."""

    status = fields.Integer(required=True, metadata={"example": 200})
    message = fields.String(required=True)
    data = fields.List(fields.Nested(CivilStatusDossier), required=True)


class CivilStatusDossierReply(Schema):
    """One dossier."""

    status = fields.Integer(required=True, metadata={"example": 200})
    message = fields.String(required=True)
    data = fields.Nested(CivilStatusDossier, required=True)


class CivilStatusError(Schema):
    """The civil status registry's error: `{status, message}` (status mirrors HTTP)."""

    status = fields.Integer(required=True, metadata={"example": 400})
    message = fields.String(required=True)
