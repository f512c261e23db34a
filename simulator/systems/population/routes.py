"""The population database's declaration and HTTP views: one SOAP endpoint, one URL per operation, JSON verify/lookup."""

from __future__ import annotations

from flask import has_request_context, jsonify
from flask.views import MethodView

from simulator.gateway.registry import gateway_service
from simulator.systems import registry, soap
from simulator.systems.common import json_body_doc, responses_doc
from simulator.systems.errors import ErrorFormat, MinistryError
from simulator.systems.population import SOAP_OPERATIONS, SYSTEM, VERIFY_OPERATIONS
from simulator.systems.population.citizens import answer, citizen_for, congdan, read_request, verdict
from simulator.systems.population.schemas import (
    EnvelopeReply,
    PopulationLookupReply,
    PopulationRequest,
    PopulationVerifyReply,
)

# A view's own codes (`MinistryError.system_code`) as the database's error_code.
_CODES = {"malformed": "1", "invalid_field": "1", "unsupported_media": "1", "invalid_identifier": "2", "not_found": "4"}


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
PopulationError = ERRORS.schema("PopulationError")


_XML = {"schema": {"type": "string", "description": "SOAP Envelope; Body holds one operation element"}}
_XML_BODY = {"text/xml": _XML, "application/xml": _XML, "application/soap+xml": _XML}
_ERRORS = {400: "Malformed request or identifier rule broken", 413: "Body too large", 415: "Unsupported Content-Type"}
_FORMAT = {"in": "query", "name": "format", "schema": {"type": "string", "enum": ["json", "soap"]}, "required": False}


def _doc(summary: str, description: str = "", reply: type = EnvelopeReply, errors: dict[int, str] = _ERRORS) -> dict:
    """The OpenAPI doc of an endpoint: the request in JSON or SOAP, `reply` or an error, in JSON or SOAP."""
    return {
        "summary": summary,
        **({"description": description} if description else {}),
        "security": [{"bearer": []}],
        "parameters": [_FORMAT],
        "requestBody": json_body_doc(PopulationRequest, _XML_BODY),
        "responses": responses_doc(reply, PopulationError, errors, _XML_BODY, _XML_BODY),
    }


@blp.route("/soap")
class SoapEndpoint(MethodView):
    """One SOAP endpoint for every operation: the Body element names it."""

    @blp.doc(**_doc("SOAP endpoint (operation from the Body)", "Operations: " + ", ".join(SOAP_OPERATIONS)))
    @gateway_service("population.soap", "SOAP endpoint of the population database (operation named in the Body)")
    def post(self):
        """Dispatch on the Body's operation element."""
        operation, data = read_request()
        if operation is None:
            raise MinistryError(400, "send a SOAP envelope (or JSON {data: envelope}) naming the operation", "malformed")
        return answer(operation, data)


def _operation_view(operation: str, service: str, summary: str):
    """A view class answering `operation` at `/population/{operation}` (clients configure a URL per operation)."""

    @gateway_service(service, f"{summary} ({operation})")
    def post(self):
        _, data = read_request()
        return answer(operation, data)

    post.__doc__ = f"{summary}: SOAP, JSON-wrapped SOAP or JSON fields."
    view = type(operation, (MethodView,), {"post": blp.doc(**_doc(f"{summary} ({operation})", ""))(post)})
    view.__doc__ = f"The `{operation}` operation."
    return view


for _operation in SOAP_OPERATIONS:
    _service = "population.verify" if _operation in VERIFY_OPERATIONS else "population.lookup"
    _summary = "Verify a citizen" if _operation in VERIFY_OPERATIONS else "Look up a citizen"
    blp.route(f"/{_operation}")(_operation_view(_operation, _service, _summary))


@blp.route("/verify")
class Verify(MethodView):
    """Yes/no verification of a citizen ID, optionally with name and date of birth (sandbox JSON)."""

    @blp.doc(**_doc("Verify a citizen (sandbox JSON)", reply=PopulationVerifyReply))
    @gateway_service("population.verify", "Verify that a citizen ID exists (and matches a name/date of birth)")
    def post(self):
        """`TonTai` false for an ID with no record; `KhopThongTin` compares the name and birth date given."""
        _, data = read_request()
        citizen = citizen_for(data)
        payload = {"error_code": "0", "message": "Thành công", **verdict(citizen, data)}
        if soap.wants_soap():
            return soap.envelope("KetQuaXacThuc", payload, ns=soap.REQUEST_NS)
        return jsonify(payload)


@blp.route("/lookup")
class Lookup(MethodView):
    """A citizen's full record by 12-digit ID (sandbox JSON)."""

    @blp.doc(**_doc("Look up a citizen (sandbox JSON)", reply=PopulationLookupReply, errors={**_ERRORS, 404: "No citizen with this ID"}))
    @gateway_service("population.lookup", "Look up a citizen's record (CongDan) by 12-digit ID")
    def post(self):
        """The `CongDan` record with every overlay (birth, death, marriage, move) applied."""
        _, data = read_request()
        citizen = citizen_for(data)
        if citizen is None:
            raise MinistryError(404, f"Không tìm thấy công dân có số định danh {data['SoDinhDanh']}", "not_found")
        if soap.wants_soap():
            return soap.envelope("CongdanCollection", [{"CongDan": congdan(citizen)}])
        return jsonify({"error_code": "0", "message": "Thành công", "MaYeuCau": data["MaYeuCau"], "CongDan": congdan(citizen)})
