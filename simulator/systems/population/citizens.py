"""Reading a population request in any of its forms, and answering it from the citizen records.

A request comes as a SOAP envelope, as the same envelope wrapped in JSON `{data}` by a
provincial gateway, or as JSON fields (camelCase or the SOAP names); every form is validated
by one schema. The answer is the SOAP operation's reply, in SOAP or in its JSON rendering.
"""

from __future__ import annotations

from flask import jsonify, request

from simulator.app_context import db
from simulator.identity import InvalidIdentifier, to_congdan
from simulator.identity.records import Citizen
from simulator.identity.wire import ymd
from simulator.schema_cache import schema_instance
from simulator.systems import citizen_match, people, soap
from simulator.systems.common import bad_identifier, load, parse_json_object
from simulator.systems.errors import MinistryError
from simulator.systems.population import SOAP_OPERATIONS, VERIFY_OPERATIONS
from simulator.systems.population.schemas import PopulationRequest

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


def _unwrap_json(body: dict) -> tuple[str | None, dict]:
    """(SOAP operation or None, fields) from a JSON body: a gateway-wrapped envelope or plain fields."""
    wrapped = body.get("data")
    if isinstance(wrapped, str) and wrapped.lstrip().startswith("<"):
        soap.prefer_soap()  # the wrapping client parses the reply as XML
        return soap.parse_envelope(wrapped)
    return None, {_CAMEL.get(key, key): value for key, value in body.items()}


def read_request(operation: str | None = None) -> tuple[str | None, dict]:
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


def citizen_for(data: dict, required: bool = True) -> Citizen | None:
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


def verdict(citizen: Citizen | None, data: dict) -> dict:
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


def answer(operation: str, data: dict):
    """The reply to a SOAP-style operation, in SOAP or in its JSON rendering."""
    if operation not in SOAP_OPERATIONS:
        raise MinistryError(400, f"unsupported operation {operation!r}: use one of {', '.join(SOAP_OPERATIONS)}", "invalid_field")
    citizen = citizen_for(data, required=False)
    if operation in VERIFY_OPERATIONS:
        result = verdict(citizen, data)
        if soap.wants_soap():
            return soap.envelope("KetQuaXacThuc", result, ns=soap.REQUEST_NS)
        return jsonify({"Envelope": {"Body": {"KetQuaXacThuc": result}}})
    items = _collection(citizen, data)
    if soap.wants_soap():
        return soap.envelope("CongdanCollection", items)
    return jsonify({"Envelope": {"Body": {"CongdanCollection": items[0] if items else {}}}})
