"""National business registration system: enterprise details by enterprise code (msdn).

Contract (docs/contract.md, business registration, from public clients): `GET
.../chiTietDoanhNghiep?msdn=` (also `?category=chiTietDoanhNghiep&version=1.1&msdn=` on the
system's root, as an LGSP consumer adapter is called, and `/DoanhNghiep/chiTietDoanhNghiep`)
answers one JSON object that both public shapes can read:

* `Data`: `MainInformation{NAME, SHORT_NAME, ENTERPRISE_STATUS, FOUNDING_DATE, ...}`,
  `HOAdress{AddressFullText}`, `Representatives[{FULL_NAME}]`, `BusinessActivities[...]`
  (OpenCPS `ApplicantManagementImpl`);
* `GetEntCert`: the certificate list, legal representatives nested
  `DaiDienPhapLuat[].ThongTinCaNhan[].HoVaTen` (a Thanh Hóa one-stop backend's `EntCert`).

Errors are the sandbox's design (no public spec): `{MaLoi, ThongBao}`.

| MaLoi | HTTP | meaning |
|---|---|---|
| "MSDN_KHONG_HOP_LE" | 400 | msdn breaks a rule: length, digits, 000 branch, serial, check digit (named) |
| "THIEU_THAM_SO" | 400 | msdn missing |
| "KHONG_TIM_THAY" | 404 | no enterprise registered under this msdn |
| "KHONG_CO_QUYEN" | 401/403 | gateway: token or access right (answered by the gateway in OAuth2 shape) |
| "YEU_CAU_KHONG_HOP_LE" | other 4xx | request not acceptable |
| "QUA_NHIEU_YEU_CAU" | 429 | too many requests |
| "LOI_HE_THONG" | 5xx | system error or maintenance |

The legal representative is a real citizen: the same ID gives the same name in the
population database.
"""

from __future__ import annotations

from flask import jsonify, request
from flask.views import MethodView
from marshmallow import Schema, fields

from simulator.gateway.registry import gateway_service
from simulator.identity import InvalidIdentifier, to_doanhnghiep
from simulator.identity.rules import check_tax_code
from simulator.identity.wire import to_main_information
from simulator.systems import people, registry
from simulator.systems.common import bad_identifier, responses_doc, string_fields
from simulator.systems.errors import ErrorFormat, MinistryError

SYSTEM = "business_registration"

# The business registration system's error reply `{MaLoi, ThongBao}` (codes in the module docstring).
_STATUS_CODES = {404: "KHONG_TIM_THAY", 401: "KHONG_CO_QUYEN", 403: "KHONG_CO_QUYEN", 429: "QUA_NHIEU_YEU_CAU"}
_VIEW_CODES = {"invalid_identifier": "MSDN_KHONG_HOP_LE", "missing": "THIEU_THAM_SO"}
ERRORS = ErrorFormat("MaLoi", "ThongBao", _STATUS_CODES, server="LOI_HE_THONG", other="YEU_CAU_KHONG_HOP_LE", codes=_VIEW_CODES)
SPEC = registry.declare(registry.system(SYSTEM, __name__, operations=("chiTietDoanhNghiep", "DoanhNghiep"), error_body=ERRORS))
blp = registry.blueprint(SPEC)
BusinessRegistrationError = ERRORS.schema("BusinessRegistrationError")


class MainInformation(
    string_fields(
        "ENTERPRISE_CODE ENTERPRISE_GDT_CODE NAME NAME_F SHORT_NAME ENTERPRISE_TYPE_NAME ENTERPRISE_STATUS IMP_BUSINESS_CODE"
        " LAST_AMEND_DATE NUMBER_CHANGES"
    )
):
    """`Data.MainInformation`."""

    FOUNDING_DATE = fields.String(required=True, metadata={"example": "2015-03-04T00:00:00"})


class PlatformData(Schema):
    """`Data`: the national integration platform's rendering."""

    MainInformation = fields.Nested(MainInformation, required=True)
    HOAdress = fields.Dict(required=True)
    Representatives = fields.List(fields.Dict(), required=True, metadata={"description": "[{FULL_NAME, ...}]"})
    BusinessActivities = fields.List(fields.Dict(), required=True)


class EntCert(string_fields("MaSoDoanhNghiep TenTiengViet TenVietTat LoaiHinhDN NgayDangKyLanDau")):
    """A `GetEntCert` item: the registration certificate, representatives and addresses nested."""

    TinhTrangPhapLy = fields.List(fields.Dict(), required=True)
    DaiDienPhapLuat = fields.List(fields.Dict(), required=True, metadata={"description": "[{ThongTinCaNhan: [...]}]"})
    DiaChiTruSo = fields.List(fields.Dict(), required=True)
    NganhNgheKinhDoanh = fields.List(fields.Dict(), required=True)


class EnterpriseRecord(Schema):
    """An enterprise in both public shapes: `Data` and `GetEntCert`."""

    Data = fields.Nested(PlatformData, required=True)
    GetEntCert = fields.List(fields.Nested(EntCert), required=True)


def _enterprise_reply(msdn: str):
    """The reply for an msdn, or MinistryError naming the problem."""
    msdn = msdn.strip()
    if not msdn:
        raise MinistryError(400, "msdn is required (10-digit enterprise code)", "missing")
    try:
        check_tax_code(msdn)
        ent = people.enterprise(msdn)
    except InvalidIdentifier as exc:
        raise bad_identifier(exc) from None
    if ent is None:
        raise MinistryError(404, f"Không tìm thấy doanh nghiệp có mã số {msdn}")
    return jsonify({"Data": to_main_information(ent), "GetEntCert": [to_doanhnghiep(ent)]})


_DOC = {
    "summary": "Enterprise details (chiTietDoanhNghiep)",
    "description": "`msdn`: 10-digit enterprise code (a 13-digit or `-NNN` branch code is validated but "
    "branches are not registered here). One object carries both public shapes, `Data` and `GetEntCert`.",
    "security": [{"bearer": []}],
    "parameters": [{"in": "query", "name": "msdn", "required": True, "schema": {"type": "string"}}],
    "responses": responses_doc(
        EnterpriseRecord,
        BusinessRegistrationError,
        {400: "Invalid or missing msdn", 404: "No enterprise with this msdn"},
    ),
}


class EnterpriseDetail(MethodView):
    """Enterprise details by msdn, also at the path a provincial API exposes (`.../DoanhNghiep/chiTietDoanhNghiep`)."""

    @blp.doc(**_DOC)
    @gateway_service("business_registration.detail", "Enterprise details by enterprise code (msdn)")
    def get(self):
        """The enterprise; dissolved and suspended enterprises show it in their legal status."""
        return _enterprise_reply(request.args.get("msdn", ""))


blp.route("/chiTietDoanhNghiep")(EnterpriseDetail)
blp.route("/DoanhNghiep/chiTietDoanhNghiep", endpoint="EnterpriseDetailByResource")(EnterpriseDetail)


@blp.route("/")
class EnterpriseDetailByCategory(MethodView):
    """The consumer-adapter form: `?category=chiTietDoanhNghiep&version=1.1&msdn=`."""

    @blp.doc(**{**_DOC, "parameters": [*_DOC["parameters"], {"in": "query", "name": "category", "schema": {"type": "string"}}]})
    @gateway_service("business_registration.detail", "Enterprise details by enterprise code (msdn)")
    def get(self):
        """`category` must be `chiTietDoanhNghiep`."""
        category = request.args.get("category", "")
        if category != "chiTietDoanhNghiep":
            raise MinistryError(400, f"category must be chiTietDoanhNghiep, got {category!r}", "missing")
        return _enterprise_reply(request.args.get("msdn", ""))
