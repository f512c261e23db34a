"""National population database (CSDL quốc gia về dân cư, police): verify and look up citizens.

Contract (docs/contract.md, population section, from public clients):

* SOAP, as real clients send it: `POST /population/{operation}` or `POST /population/soap`
  with an envelope in `http://dancuquocgia.bca` whose Body element names the operation
  (`TraCuuThongTinCongDan`, `XacThucThongTinCongDan`, `XacMinhThongTinNhanThan`,
  `CungCapThongTinCongDan`); fields `MaYeuCau, MaDVC (may be empty), MaTichHop, MaCanBo (may be
  absent), SoDinhDanh | SoCMND, HoVaTen, NgayThangNamSinh{NgayThangNam | Nam}`; unknown fields
  (`MaDonVi`, `TaiKhoan`, `type`, ...) are ignored. The reply is
  `Envelope/Body/CongdanCollection/CongDan`: empty when no citizen has this ID, name and birth
  date (the database answers a look-up only for a matching declaration).
* The same envelope wrapped by a provincial gateway as JSON `{"data": "<soapenv:Envelope ..."}`
  (OpenCPS `QLCDIntegrationActionImpl`) is answered in SOAP, as that client parses it.
* JSON look-ups (camelCase `{maYeuCau, maDVC, maCanBo, soDinhDanh, hoVaTen, ngayThangNam}` or the
  SOAP field names) get `{"Envelope": {"Body": {"CongdanCollection": {"CongDan": {...}}}}}`.
* `POST /population/verify` and `/population/lookup` (our design) answer
  `{error_code, message, MaYeuCau, ...}`.

| error_code | HTTP | meaning |
|---|---|---|
| "0" | 200 | success (also for verify with TonTai false) |
| "1" | 400/413/415 | malformed request: bad JSON/XML, missing or invalid field, wrong content type |
| "2" | 400 | SoDinhDanh breaks an identifier rule (the message names the rule) |
| "3" | 401/403 | gateway: token or access right (answered by the gateway in OAuth2 shape) |
| "4" | 404 | lookup: no citizen with this ID |
| "8" | 429 | too many requests |
| "9" | 5xx | system error or maintenance |

SOAP callers get errors as SOAP Faults carrying the same `{error_code, message}`.
"""

from __future__ import annotations

from flask import has_request_context, jsonify, request
from flask.views import MethodView
from marshmallow import EXCLUDE, Schema, fields, validate

from simulator.app_context import db
from simulator.gateway.registry import gateway_service
from simulator.identity import InvalidIdentifier, to_congdan
from simulator.identity.records import Citizen
from simulator.identity.wire import ymd
from simulator.schema_cache import schema_instance
from simulator.systems import citizen_match, people, registry, soap
from simulator.systems.common import bad_identifier, json_body_doc, load, parse_json_object, responses_doc, text_field
from simulator.systems.errors import ErrorFormat, MinistryError

SYSTEM = "population"
_CODES = {"malformed": "1", "invalid_field": "1", "unsupported_media": "1", "invalid_identifier": "2", "not_found": "4"}
# SOAP operations public clients call, and what each answers.
LOOKUP_OPERATIONS = ("TraCuuThongTinCongDan", "XacMinhThongTinNhanThan", "CungCapThongTinCongDan")
VERIFY_OPERATIONS = ("XacThucThongTinCongDan",)
SOAP_OPERATIONS = LOOKUP_OPERATIONS + VERIFY_OPERATIONS
# camelCase JSON (an LGSP's REST face) → the SOAP field names.
_CAMEL = {
    "maYeuCau": "MaYeuCau",
    "maDVC": "MaDVC",
    "maTichHop": "MaTichHop",
    "maCanBo": "MaCanBo",
    "soDinhDanh": "SoDinhDanh",
    "soCMND": "SoCMND",
    "hoVaTen": "HoVaTen",
    "ngayThangNam": "NgayThangNamSinh",
    "ngayThangNamSinh": "NgayThangNamSinh",
}


def _render(status: int, body: dict, code: str | None):
    """Errors as SOAP Faults when the caller speaks SOAP, else JSON."""
    if has_request_context() and soap.wants_soap():
        return soap.fault(status, body)
    response = jsonify(body)
    response.status_code = status
    return response


# The population database's error reply `{error_code, message}` (codes in the module docstring).
ERRORS = ErrorFormat("error_code", "message", {401: "3", 403: "3", 404: "4", 429: "8"}, server="9", other="1", codes=_CODES)
SPEC = registry.declare(
    registry.system(SYSTEM, __name__, operations=("verify", "lookup", "soap", *SOAP_OPERATIONS), error_body=ERRORS, render=_render)
)
blp = registry.blueprint(SPEC)


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
    # A string, or {NgayThangNam, Nam} taken out before validation (see `_read_request`).
    NgayThangNamSinh = fields.String(
        validate=validate.Length(max=20),
        metadata={"description": "yyyyMMdd, yyyy-MM-dd, dd/MM/yyyy, a year, or {NgayThangNam, Nam}"},
    )


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
    """`HoVaTen`: the full name in `Ten` (`Ho`, `ChuDem` empty), as the database answers."""

    Ho = fields.String(required=True)
    ChuDem = fields.String(required=True)
    Ten = fields.String(required=True)


class BirthDateSchema(Schema):
    """`NgayThangNamSinh`: year and full date."""

    Nam = fields.String(required=True, metadata={"example": "1988"})
    NgayThangNam = fields.String(required=True, metadata={"example": "19880315"})


class PlaceSchema(Schema):
    """An address: province (2 digits), district ("" since July 2025), commune (5 digits), detail, country."""

    MaTinhThanh = fields.String(required=True)
    MaQuanHuyen = fields.String(required=True)
    MaPhuongXa = fields.String(required=True)
    ChiTiet = fields.String(required=True)
    QuocGia = fields.String(required=True)


class CongDanRelative(Schema):
    """Another citizen named on the record."""

    HoVaTen = fields.String(required=True)
    QuocTich = fields.String(required=True)
    SoDinhDanh = fields.String(required=True)
    SoCMND = fields.String(required=True)


class HouseholdHead(Schema):
    """The household head (`QuanHe` CH01 when the citizen heads the household)."""

    QuanHe = fields.String(required=True)
    SoDinhDanh = fields.String(required=True)
    SoCMND = fields.String(required=True)
    HoVaTen = fields.String(required=True)


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


class PopulationLookupReply(Schema):
    """A citizen looked up by ID (sandbox JSON)."""

    error_code = fields.String(required=True, metadata={"example": "0"})
    message = fields.String(required=True)
    MaYeuCau = fields.String(required=True)
    CongDan = fields.Nested(CongDanSchema, required=True)


class CongdanCollection(Schema):
    """Zero or one `CongDan`."""

    CongDan = fields.Nested(CongDanSchema)


class KetQuaXacThuc(Schema):
    """`XacThucThongTinCongDan`'s answer."""

    MaYeuCau = fields.String(required=True)
    TonTai = fields.Boolean(required=True)
    KhopThongTin = fields.Boolean()
    DaChet = fields.Boolean()
    NgayChet = fields.String()


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


_XML = {"schema": {"type": "string", "description": "SOAP Envelope; Body holds one operation element"}}
_XML_BODY = {"text/xml": _XML, "application/xml": _XML, "application/soap+xml": _XML}
_ERRORS = {400: "Malformed request or identifier rule broken", 413: "Body too large", 415: "Unsupported Content-Type"}
_FORMAT = {"in": "query", "name": "format", "schema": {"type": "string", "enum": ["json", "soap"]}, "required": False}


def _unwrap_json(body: dict) -> tuple[str | None, dict]:
    """(SOAP operation or None, fields) from a JSON body: a gateway-wrapped envelope or plain fields."""
    wrapped = body.get("data")
    if isinstance(wrapped, str) and wrapped.lstrip().startswith("<"):
        soap.prefer_soap()  # the wrapping client parses the reply as XML
        return soap.parse_envelope(wrapped)
    return None, {_CAMEL.get(key, key): value for key, value in body.items()}


def _read_request(operation: str | None = None) -> tuple[str | None, dict]:
    """(SOAP operation, validated fields) from a SOAP envelope, a JSON-wrapped one or JSON fields."""
    requested = request.args.get("format")
    if requested is not None and requested not in ("json", "soap"):
        raise MinistryError(400, f"invalid request: format must be json or soap, got {requested!r}", "invalid_field")
    if soap.is_soap_request():
        operation, raw = soap.parse_envelope()
    else:
        operation, raw = _unwrap_json(parse_json_object())
    birth = raw.pop("NgayThangNamSinh", None)  # nested in SOAP: checked here, not by the flat schema
    data = load(schema_instance(PopulationRequest), raw)
    for key in ("MaDVC", "MaTichHop", "MaCanBo", "SoDinhDanh", "SoCMND", "HoVaTen"):
        data.setdefault(key, "")
    try:
        data["birth"] = citizen_match.parse_birth(birth)
    except ValueError as exc:
        raise MinistryError(400, f"invalid request: {exc}", "invalid_field") from None
    return operation, data


def _citizen(data: dict, required: bool = True) -> Citizen | None:
    """The citizen for the request's SoDinhDanh (None when absent); 400 naming the broken rule."""
    number = data.get("SoDinhDanh", "")
    if not number:
        if required or not data.get("SoCMND"):
            raise MinistryError(400, "invalid request: SoDinhDanh: required (or SoCMND)", "invalid_field")
        return None  # an old 9-digit ID alone: the sandbox keeps no index from CMND to person
    try:
        return people.citizen_with_overlays(db(), number)
    except InvalidIdentifier as exc:
        raise bad_identifier(exc) from None


def congdan(citizen: Citizen) -> dict:
    """The `CongDan` record with every overlay applied and the children registered through civil status.

    Kept per citizen object (the worker's citizen cache hands out the same object until an overlay
    changes): the record is shared, so callers serialize it and never change it.
    """
    hit = _CONGDAN.get(id(citizen))
    if hit is not None and hit[0] is citizen:
        return hit[1]
    record = to_congdan(citizen)
    record["Con"] = [{"HoVaTen": c.name.full, "QuocTich": record["QuocTich"], "SoDinhDanh": c.id, "SoCMND": ""} for c in citizen.children]
    if len(_CONGDAN) >= _CONGDAN_MAX:
        _CONGDAN.clear()
    _CONGDAN[id(citizen)] = (citizen, record)  # holding the citizen keeps its id from being reused
    return record


_CONGDAN: dict[int, tuple[Citizen, dict]] = {}
_CONGDAN_MAX = 10_000


def _verdict(citizen: Citizen | None, data: dict) -> dict:
    """`KetQuaXacThuc`: whether the ID exists, and whether the declared name and birth date match."""
    result = {"MaYeuCau": data["MaYeuCau"], "TonTai": citizen is not None}
    if citizen is not None:
        if data["HoVaTen"] or data["birth"] is not None:
            result["KhopThongTin"] = not citizen_match.mismatches(citizen, data["HoVaTen"], data["birth"])
        result["DaChet"] = citizen.deceased
        result["NgayChet"] = ymd(citizen.death_date)
    return result


def _collection(citizen: Citizen | None, data: dict) -> list[dict]:
    """The `CongdanCollection`: the citizen when the declaration matches, else nothing."""
    if citizen is None or citizen_match.mismatches(citizen, data["HoVaTen"], data["birth"]):
        return []
    return [{"CongDan": congdan(citizen)}]


def _answer(operation: str, data: dict):
    """The reply to a SOAP-style operation, in SOAP or in its JSON rendering."""
    if operation not in SOAP_OPERATIONS:
        raise MinistryError(400, f"unsupported operation {operation!r}: use one of {', '.join(SOAP_OPERATIONS)}", "invalid_field")
    citizen = _citizen(data, required=False)
    if operation in VERIFY_OPERATIONS:
        verdict = _verdict(citizen, data)
        if soap.wants_soap():
            return soap.envelope("KetQuaXacThuc", verdict, ns=soap.REQUEST_NS)
        return jsonify({"Envelope": {"Body": {"KetQuaXacThuc": verdict}}})
    items = _collection(citizen, data)
    if soap.wants_soap():
        return soap.envelope("CongdanCollection", items)
    return jsonify({"Envelope": {"Body": {"CongdanCollection": items[0] if items else {}}}})


def _soap_doc(summary: str, description: str) -> dict:
    return {
        "summary": summary,
        "description": description,
        "security": [{"bearer": []}],
        "parameters": [_FORMAT],
        "requestBody": json_body_doc(PopulationRequest, _XML_BODY),
        "responses": responses_doc(EnvelopeReply, PopulationError, _ERRORS, _XML_BODY, _XML_BODY),
    }


@blp.route("/soap")
class SoapEndpoint(MethodView):
    """One SOAP endpoint for every operation: the Body element names it."""

    @blp.doc(**_soap_doc("SOAP endpoint (operation from the Body)", "Operations: " + ", ".join(SOAP_OPERATIONS)))
    @gateway_service("population.soap", "SOAP endpoint of the population database (operation named in the Body)")
    def post(self):
        """Dispatch on the Body's operation element."""
        operation, data = _read_request()
        if operation is None:
            raise MinistryError(400, "send a SOAP envelope (or JSON {data: envelope}) naming the operation", "malformed")
        return _answer(operation, data)


def _operation_view(operation: str, service: str, summary: str):
    """A view class answering `operation` at `/population/{operation}` (clients configure a URL per operation)."""

    @gateway_service(service, f"{summary} ({operation})")
    def post(self):
        _, data = _read_request()
        return _answer(operation, data)

    post.__doc__ = f"{summary}: SOAP, JSON-wrapped SOAP or JSON fields."
    view = type(operation, (MethodView,), {"post": blp.doc(**_soap_doc(f"{summary} ({operation})", ""))(post)})
    view.__doc__ = f"The `{operation}` operation."
    return view


for _operation in SOAP_OPERATIONS:
    _service = "population.verify" if _operation in VERIFY_OPERATIONS else "population.lookup"
    _summary = "Verify a citizen" if _operation in VERIFY_OPERATIONS else "Look up a citizen"
    blp.route(f"/{_operation}")(_operation_view(_operation, _service, _summary))


@blp.route("/verify")
class Verify(MethodView):
    """Yes/no verification of a citizen ID, optionally with name and date of birth (sandbox JSON)."""

    @blp.doc(
        summary="Verify a citizen (sandbox JSON)",
        security=[{"bearer": []}],
        parameters=[_FORMAT],
        requestBody=json_body_doc(PopulationRequest, _XML_BODY),
        responses=responses_doc(PopulationVerifyReply, PopulationError, _ERRORS, _XML_BODY, _XML_BODY),
    )
    @gateway_service("population.verify", "Verify that a citizen ID exists (and matches a name/date of birth)")
    def post(self):
        """`TonTai` false for an ID with no record; `KhopThongTin` compares the name and birth date given."""
        _, data = _read_request()
        citizen = _citizen(data)
        payload = {"error_code": "0", "message": "Thành công", **_verdict(citizen, data)}
        if soap.wants_soap():
            return soap.envelope("KetQuaXacThuc", payload, ns=soap.REQUEST_NS)
        return jsonify(payload)


@blp.route("/lookup")
class Lookup(MethodView):
    """A citizen's full record by 12-digit ID (sandbox JSON)."""

    @blp.doc(
        summary="Look up a citizen (sandbox JSON)",
        security=[{"bearer": []}],
        parameters=[_FORMAT],
        requestBody=json_body_doc(PopulationRequest, _XML_BODY),
        responses=responses_doc(PopulationLookupReply, PopulationError, {**_ERRORS, 404: "No citizen with this ID"}, _XML_BODY, _XML_BODY),
    )
    @gateway_service("population.lookup", "Look up a citizen's record (CongDan) by 12-digit ID")
    def post(self):
        """The `CongDan` record with every overlay (birth, death, marriage, move) applied."""
        _, data = _read_request()
        citizen = _citizen(data)
        if citizen is None:
            raise MinistryError(404, f"Không tìm thấy công dân có số định danh {data['SoDinhDanh']}", "not_found")
        if soap.wants_soap():
            return soap.envelope("CongdanCollection", [{"CongDan": congdan(citizen)}])
        return jsonify({"error_code": "0", "message": "Thành công", "MaYeuCau": data["MaYeuCau"], "CongDan": congdan(citizen)})
