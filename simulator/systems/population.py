"""National population database (CSDL quốc gia về dân cư, police): verify and look up citizens.

Contract (DOMAIN.md, seen fragments): request `{MaYeuCau, MaDVC, MaTichHop, MaCanBo, SoDinhDanh,
SoCMND?, HoVaTen?, NgayThangNamSinh?}`; replies `{error_code, message, MaYeuCau, ...}` in JSON
as provincial gateways wrap them, or the original SOAP (see `soap`). Error codes:

| error_code | HTTP | meaning |
|---|---|---|
| "0" | 200 | success (also for verify with TonTai false) |
| "1" | 400/413/415 | malformed request: bad JSON/XML, missing or invalid field, wrong content type |
| "2" | 400 | SoDinhDanh breaks an identifier rule (the message names the rule) |
| "3" | 401/403 | gateway: token or access right (answered by the gateway in OAuth2 shape) |
| "4" | 404 | lookup: no citizen with this ID |
| "8" | 429 | too many requests |
| "9" | 5xx | system error or maintenance |
"""

from __future__ import annotations

import unicodedata

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from simulator.app_context import db
from simulator.gateway.registry import gateway_service
from simulator.identity import InvalidIdentifier, to_congdan
from simulator.schema_cache import schema_instance
from simulator.systems import common, people, registry, soap
from simulator.systems.errors import MinistryError
from simulator.systems.registry import SystemSpec

SYSTEM, PREFIX = "population", "/population"
_CODES = {"malformed": "1", "invalid_field": "1", "unsupported_media": "1", "invalid_identifier": "2", "not_found": "4"}

blp = Blueprint(
    "population",
    __name__,
    url_prefix=PREFIX,
    description="National population database (police). JSON as provincial gateways wrap it, or SOAP "
    "(Content-Type text/xml or application/soap+xml with an Envelope; `?format=soap` or an XML Accept "
    "for a SOAP reply). Error codes: 0 ok, 1 malformed request, 2 identifier rule broken, 4 not found, "
    "8 too many requests, 9 system error.",
)


def error_body(status: int, message: str, code: str | None = None) -> dict:
    """The population database's error reply `{error_code, message}` for an HTTP status."""
    if code in _CODES:
        error_code = _CODES[code]
    elif status in (401, 403):
        error_code = "3"
    elif status == 404:
        error_code = "4"
    elif status == 429:
        error_code = "8"
    elif status >= 500:
        error_code = "9"
    else:
        error_code = "1"
    return {"error_code": error_code, "message": message}


def _render(status: int, body: dict, code: str | None):
    """Errors as SOAP Faults when the caller speaks SOAP, else JSON."""
    from flask import has_request_context

    if has_request_context() and soap.wants_soap():
        return soap.fault(status, body)
    response = jsonify(body)
    response.status_code = status
    return response


SPEC = registry.declare(
    SystemSpec(
        name=SYSTEM,
        module=__name__,
        label_vi="CSDL quốc gia về dân cư",
        label_en="Population database",
        sector_vi="Công an",
        sector_en="Police",
        prefix=PREFIX,
        operations=("verify", "lookup"),
        events=(),
        error_body=error_body, render=_render,
    )
)


class PopulationRequest(Schema):
    """A request to the population database; optional fields may be empty strings."""

    class Meta:
        unknown = EXCLUDE

    MaYeuCau = fields.String(required=True, validate=validate.Length(1, 64), metadata={"example": "YC-0001"})
    MaDVC = fields.String(required=True, validate=validate.Length(1, 64), metadata={"example": "1.001193"})
    MaTichHop = fields.String(required=True, validate=validate.Length(1, 64), metadata={"example": "LGSP-H56"})
    MaCanBo = fields.String(required=True, validate=validate.Length(1, 64), metadata={"example": "CB001"})
    SoDinhDanh = common.id12_field()
    SoCMND = fields.String(validate=validate.Length(max=12))
    HoVaTen = common.text_field(max_len=100, metadata={"example": "Nguyễn Văn An"})
    NgayThangNamSinh = common.ymd_field()


class PopulationError(Schema):
    """The population database's error: `{error_code, message}`."""

    error_code = fields.String(required=True, metadata={"example": "2"})
    message = fields.String(required=True)


class PopulationVerifyReply(Schema):
    """Yes/no verification; `KhopThongTin` only when HoVaTen or NgayThangNamSinh was given."""

    error_code = fields.String(required=True, metadata={"example": "0"})
    message = fields.String(required=True)
    MaYeuCau = fields.String(required=True)
    TonTai = fields.Boolean(required=True)
    KhopThongTin = fields.Boolean()
    DaChet = fields.Boolean(metadata={"description": "true when the citizen is recorded as deceased"})
    NgayChet = fields.String(metadata={"description": "yyyyMMdd, '' when alive"})


class CongDanName(Schema):
    """A name in Vietnamese order."""

    Ho = fields.String(required=True)
    ChuDem = fields.String(required=True)
    Ten = fields.String(required=True)


class PlaceSchema(Schema):
    """An address: province (2 digits), commune (5 digits) and a free-text detail."""

    MaTinhThanh = fields.String(required=True)
    MaPhuongXa = fields.String(required=True)
    ChiTiet = fields.String(required=True)


class CongDanRelative(Schema):
    """Another citizen named on the record."""

    HoVaTen = fields.String(required=True)
    SoDinhDanh = fields.String(required=True)


class CongDanSchema(Schema):
    """A citizen record (`CongDan`); `GioiTinh` 1 male / 2 female; `TinhTrangHonNhan` 1 single,
    2 married, 3 widowed; dates `yyyyMMdd`; `Con` lists children registered through civil status."""

    SoDinhDanh = fields.String(required=True)
    SoCMND = fields.String(required=True)
    HoVaTen = fields.Nested(CongDanName, required=True)
    GioiTinh = fields.String(required=True)
    DanToc = fields.String(required=True)
    TonGiao = fields.String(required=True)
    TinhTrangHonNhan = fields.String(required=True)
    NhomMau = fields.String(required=True)
    NgayThangNamSinh = fields.String(required=True)
    QuocTich = fields.String(required=True)
    NoiDangKyKhaiSinh = fields.Nested(PlaceSchema, required=True)
    QueQuan = fields.Nested(PlaceSchema, required=True)
    ThuongTru = fields.Nested(PlaceSchema, required=True)
    NoiOHienTai = fields.Nested(PlaceSchema, required=True)
    Cha = fields.Nested(CongDanRelative, allow_none=True, required=True)
    Me = fields.Nested(CongDanRelative, allow_none=True, required=True)
    VoChong = fields.Nested(CongDanRelative, allow_none=True, required=True)
    ChuHo = fields.Nested(CongDanRelative, allow_none=True, required=True)
    SoDienThoai = fields.String(required=True)
    DaChet = fields.Boolean(required=True)
    NgayChet = fields.String(required=True)
    Con = fields.List(fields.Nested(CongDanRelative), required=True)


class PopulationLookupReply(Schema):
    """A citizen looked up by ID."""

    error_code = fields.String(required=True, metadata={"example": "0"})
    message = fields.String(required=True)
    MaYeuCau = fields.String(required=True)
    CongDan = fields.Nested(CongDanSchema, required=True)


_XML = {"schema": {"type": "string", "description": "SOAP Envelope; Body holds one operation element"}}
_XML_BODY = {"text/xml": _XML, "application/soap+xml": _XML}
_ERRORS = {400: "Malformed request or identifier rule broken", 413: "Body too large", 415: "Unsupported Content-Type"}
_FORMAT = {"in": "query", "name": "format", "schema": {"type": "string", "enum": ["json", "soap"]}, "required": False}


def _read_request() -> dict:
    """The validated request from a JSON body or a SOAP envelope."""
    if soap.is_soap_request():
        _, raw = soap.parse_envelope()
    else:
        raw = common.parse_json_object()
    return common.load(schema_instance(PopulationRequest), raw)


def _citizen(request_data: dict):
    """The citizen for the request's SoDinhDanh (None when absent); 400 naming the broken rule."""
    try:
        return people.citizen_with_overlays(db(), request_data["SoDinhDanh"])
    except InvalidIdentifier as exc:
        raise common.bad_identifier(exc) from None


def _same_name(a: str, b: str) -> bool:
    """Names compared as a clerk would: Unicode NFC, case and spacing ignored."""

    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).casefold().split())

    return norm(a) == norm(b)


def _reply(operation: str, payload: dict):
    return soap.envelope(operation, payload) if soap.wants_soap() else jsonify(payload)


@blp.route("/verify")
class Verify(MethodView):
    """Yes/no verification of a citizen ID, optionally with name and date of birth."""

    @blp.doc(
        summary="Verify a citizen (XacThucCongDan)",
        security=[{"bearer": []}],
        parameters=[_FORMAT],
        requestBody=common.json_body_doc(PopulationRequest, _XML_BODY),
        responses=common.responses_doc(PopulationVerifyReply, PopulationError, _ERRORS, _XML_BODY, _XML_BODY),
    )
    @gateway_service("population.verify", "Verify that a citizen ID exists (and matches a name/date of birth)")
    def post(self):
        """`TonTai` false for an ID with no record; `KhopThongTin` compares the name and birth date given."""
        data = _read_request()
        citizen = _citizen(data)
        payload = {
            "error_code": "0",
            "message": "Thành công",
            "MaYeuCau": data["MaYeuCau"],
            "TonTai": citizen is not None,
        }
        if citizen is not None:
            name, born = data.get("HoVaTen") or "", data.get("NgayThangNamSinh") or ""
            if name or born:
                payload["KhopThongTin"] = (not name or _same_name(name, citizen.name.full)) and (
                    not born or born == citizen.birth_date.strftime("%Y%m%d")
                )
            payload["DaChet"] = citizen.deceased
            payload["NgayChet"] = citizen.death_date.strftime("%Y%m%d") if citizen.death_date else ""
        return _reply("XacThucCongDan", payload)


@blp.route("/lookup")
class Lookup(MethodView):
    """A citizen's full record by 12-digit ID."""

    @blp.doc(
        summary="Look up a citizen (TraCuuCongDan)",
        security=[{"bearer": []}],
        parameters=[_FORMAT],
        requestBody=common.json_body_doc(PopulationRequest, _XML_BODY),
        responses=common.responses_doc(
            PopulationLookupReply, PopulationError, {**_ERRORS, 404: "No citizen with this ID"}, _XML_BODY, _XML_BODY
        ),
    )
    @gateway_service("population.lookup", "Look up a citizen's record (CongDan) by 12-digit ID")
    def post(self):
        """The `CongDan` record with every overlay (birth, death, marriage, move) applied."""
        data = _read_request()
        citizen = _citizen(data)
        if citizen is None:
            raise MinistryError(404, f"Không tìm thấy công dân có số định danh {data['SoDinhDanh']}", "not_found")
        record = to_congdan(citizen)
        record["Con"] = [{"HoVaTen": c.name.full, "SoDinhDanh": c.id} for c in citizen.children]
        payload = {"error_code": "0", "message": "Thành công", "MaYeuCau": data["MaYeuCau"], "CongDan": record}
        return _reply("TraCuuCongDan", payload)
