"""National business registration system: enterprise details by enterprise code (msdn).

Contract (DOMAIN.md, seen fragment): `GET .../chiTietDoanhNghiep?msdn=` returns the record
itself. Errors are the sandbox's design (no public spec): `{MaLoi, ThongBao}`.

| MaLoi | HTTP | meaning |
|---|---|---|
| "MSDN_KHONG_HOP_LE" | 400 | msdn breaks a rule: length, digits, 000 branch, serial, check digit (named) |
| "THIEU_THAM_SO" | 400 | msdn missing |
| "KHONG_TIM_THAY" | 404 | no enterprise registered under this msdn |
| "KHONG_CO_QUYEN" | 401/403 | gateway: token or access right (answered by the gateway in OAuth2 shape) |
| "YEU_CAU_KHONG_HOP_LE" | other 4xx | request not acceptable |
| "QUA_NHIEU_YEU_CAU" | 429 | too many requests |
| "LOI_HE_THONG" | 5xx | system error or maintenance |

The legal representative (`DaiDienPhapLuat`) is a real citizen: the same ID gives the same
name in the population database.
"""

from __future__ import annotations

from flask import jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from simulator.gateway.registry import gateway_service
from simulator.identity import InvalidIdentifier, to_doanhnghiep
from simulator.identity.rules import check_tax_code
from simulator.systems import common, people, registry
from simulator.systems.errors import MinistryError
from simulator.systems.population import PlaceSchema
from simulator.systems.registry import SystemSpec

SYSTEM, PREFIX = "business_registration", "/business_registration"
_CODES = {"invalid_identifier": "MSDN_KHONG_HOP_LE", "missing": "THIEU_THAM_SO"}

blp = Blueprint(
    "business_registration",
    __name__,
    url_prefix=PREFIX,
    description="National business registration system. Errors `{MaLoi, ThongBao}`: MSDN_KHONG_HOP_LE, "
    "THIEU_THAM_SO, KHONG_TIM_THAY, YEU_CAU_KHONG_HOP_LE, QUA_NHIEU_YEU_CAU, LOI_HE_THONG.",
)


def error_body(status: int, message: str, code: str | None = None) -> dict:
    """The business registration system's error reply `{MaLoi, ThongBao}` for an HTTP status."""
    if code in _CODES:
        maloi = _CODES[code]
    elif status == 404:
        maloi = "KHONG_TIM_THAY"
    elif status in (401, 403):
        maloi = "KHONG_CO_QUYEN"
    elif status == 429:
        maloi = "QUA_NHIEU_YEU_CAU"
    elif status >= 500:
        maloi = "LOI_HE_THONG"
    else:
        maloi = "YEU_CAU_KHONG_HOP_LE"
    return {"MaLoi": maloi, "ThongBao": message}


SPEC = registry.declare(
    SystemSpec(
        name=SYSTEM,
        module=__name__,
        label_vi="Đăng ký doanh nghiệp",
        label_en="Business registration",
        sector_vi="Tài chính",
        sector_en="Finance",
        prefix=PREFIX,
        operations=("chiTietDoanhNghiep",),
        events=(),
        error_body=error_body,
    )
)


class BusinessRegistrationError(Schema):
    """A business registration error."""

    MaLoi = fields.String(required=True, metadata={"example": "MSDN_KHONG_HOP_LE"})
    ThongBao = fields.String(required=True)


class EnterpriseLegalStatus(Schema):
    """Legal status: active, suspended, dissolved, pending_dissolution (code and name)."""

    MaTinhTrang = fields.String(required=True)
    TenTinhTrang = fields.String(required=True)
    NgayHieuLuc = fields.String(required=True)


class EnterpriseRepresentative(Schema):
    """Legal representative: a citizen of the population database."""

    HoVaTen = fields.String(required=True)
    SoDinhDanh = fields.String(required=True)
    ChucDanh = fields.String(required=True)


class EnterpriseIndustry(Schema):
    """A line of business (VSIC 2018)."""

    MaNganh = fields.String(required=True)
    TenNganh = fields.String(required=True)
    LaNganhChinh = fields.Boolean(required=True)


class EnterpriseRecord(Schema):
    """An enterprise record (`chiTietDoanhNghiep`); dates `yyyyMMdd`."""

    MaSoDoanhNghiep = fields.String(required=True)
    TenTiengViet = fields.String(required=True)
    TenVietTat = fields.String(required=True)
    LoaiHinhDN = fields.String(required=True)
    NgayDangKyLanDau = fields.String(required=True)
    TinhTrangPhapLy = fields.List(fields.Nested(EnterpriseLegalStatus), required=True)
    DaiDienPhapLuat = fields.List(fields.Nested(EnterpriseRepresentative), required=True)
    DiaChiTruSo = fields.List(fields.Nested(PlaceSchema), required=True)
    NganhNgheKinhDoanh = fields.List(fields.Nested(EnterpriseIndustry), required=True)


@blp.route("/chiTietDoanhNghiep")
class EnterpriseDetail(MethodView):
    """Enterprise details by msdn."""

    @blp.doc(
        summary="Enterprise details (chiTietDoanhNghiep)",
        description="`msdn`: 10-digit enterprise code (a 13-digit or `-NNN` branch code is validated but "
        "branches are not registered here).",
        security=[{"bearer": []}],
        parameters=[{"in": "query", "name": "msdn", "required": True, "schema": {"type": "string"}}],
        responses=common.responses_doc(
            EnterpriseRecord,
            BusinessRegistrationError,
            {400: "Invalid or missing msdn", 404: "No enterprise with this msdn"},
        ),
    )
    @gateway_service("business_registration.detail", "Enterprise details by enterprise code (msdn)")
    def get(self):
        """The enterprise record; dissolved and suspended enterprises show it in `TinhTrangPhapLy`."""
        msdn = request.args.get("msdn", "").strip()
        if not msdn:
            raise MinistryError(400, "msdn is required (10-digit enterprise code)", "missing")
        try:
            check_tax_code(msdn)
            ent = people.enterprise(msdn)
        except InvalidIdentifier as exc:
            raise common.bad_identifier(exc) from None
        if ent is None:
            raise MinistryError(404, f"Không tìm thấy doanh nghiệp có mã số {msdn}")
        return jsonify(to_doanhnghiep(ent))
