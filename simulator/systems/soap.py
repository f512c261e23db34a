"""The SOAP variant of the population database: parse an envelope, write one, write a Fault.

The original population database speaks SOAP; provincial gateways wrap it as JSON. A request
is SOAP when its Content-Type is `text/xml` (SOAP 1.1) or `application/soap+xml` (SOAP 1.2);
a JSON request gets a SOAP reply with `?format=soap` or `Accept: application/soap+xml|text/xml`.
Faults are sent with HTTP 400 for client errors (SOAP 1.1 says 500; the sandbox keeps 5xx for
its own failures so a fuzzer or a connector can tell them apart — documented deviation).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flask import Response, request

from simulator.systems.errors import MinistryError

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
NS = "urn:sandbox:csdlqg-dancu"
MAX_XML_BYTES = 200_000
# Prefixes used on the wire (fault codes name them: soap:Client, env:Sender).
ET.register_namespace("soap", SOAP11)
ET.register_namespace("env", SOAP12)
ET.register_namespace("dc", NS)


SOAP_MIMETYPES = ("text/xml", "application/soap+xml", "application/xml")


def is_soap_request() -> bool:
    """Whether the request body is a SOAP envelope (by Content-Type)."""
    # The raw header, not request.mimetype: asked on every population call, and werkzeug parses
    # the header's options each time.
    content_type = request.environ.get("CONTENT_TYPE", "")
    return content_type.partition(";")[0].strip().lower() in SOAP_MIMETYPES


def wants_soap() -> bool:
    """Whether the reply should be SOAP: SOAP request, `?format=soap`, or an Accept asking for XML."""
    environ = request.environ
    cached = environ.get("sandbox.wants_soap")
    if cached is None:  # asked by the route and again by error handlers: decide once per request
        environ["sandbox.wants_soap"] = cached = _wants_soap(environ)
    return cached


def _wants_soap(environ: dict) -> bool:
    if is_soap_request() or "format=soap" in environ.get("QUERY_STRING", "") and request.args.get("format") == "soap":
        return True
    accept = environ.get("HTTP_ACCEPT", "")
    return "soap+xml" in accept or ("text/xml" in accept and "json" not in accept)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_envelope() -> tuple[str, dict]:
    """(operation name, {field: text}) from a SOAP request; MinistryError(400) when malformed."""
    raw = request.get_data(cache=True)
    if len(raw) > MAX_XML_BYTES:
        raise MinistryError(413, f"SOAP body larger than {MAX_XML_BYTES} bytes", "malformed")
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        # why: SOAP forbids DTDs, and refusing them closes entity-expansion attacks
        raise MinistryError(400, "SOAP messages must not contain a DOCTYPE or ENTITY declaration", "malformed")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise MinistryError(400, f"request body is not well-formed XML: {exc}", "malformed") from None
    if _local(root.tag) != "Envelope":
        raise MinistryError(400, "XML root must be a SOAP Envelope", "malformed")
    body = next((child for child in root if _local(child.tag) == "Body"), None)
    if body is None or len(body) == 0:
        raise MinistryError(400, "SOAP Envelope must contain a Body with one operation element", "malformed")
    operation = body[0]
    fields = {}
    for child in operation:
        if len(child):
            raise MinistryError(400, f"field {_local(child.tag)} must be a simple value", "invalid_field")
        fields[_local(child.tag)] = (child.text or "").strip()
    return _local(operation.tag), fields


def _envelope_ns() -> str:
    return (
        SOAP12
        if request.mimetype == "application/soap+xml" or "soap+xml" in request.headers.get("Accept", "")
        else SOAP11
    )


def _content_type(ns: str) -> str:
    return ("application/soap+xml" if ns == SOAP12 else "text/xml") + "; charset=utf-8"


def _append(parent: ET.Element, name: str, value) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner)
    elif isinstance(value, list):
        for item in value:
            _append(element, "Item", item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def envelope(operation: str, payload: dict, status: int = 200) -> Response:
    """A SOAP envelope whose Body holds `<{operation}Response>` with the payload as elements."""
    ns = _envelope_ns()
    root = ET.Element(f"{{{ns}}}Envelope")
    body = ET.SubElement(root, f"{{{ns}}}Body")
    result = ET.SubElement(body, f"{{{NS}}}{operation}Response")
    for key, value in payload.items():
        _append(result, key, value)
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True), status, content_type=_content_type(ns))


def fault(status: int, body: dict) -> Response:
    """A SOAP Fault carrying the population database's `{error_code, message}` in its detail."""
    ns = _envelope_ns()
    root = ET.Element(f"{{{ns}}}Envelope")
    fault_el = ET.SubElement(ET.SubElement(root, f"{{{ns}}}Body"), f"{{{ns}}}Fault")
    side = "Client" if status < 500 else "Server"
    if ns == SOAP11:
        ET.SubElement(fault_el, "faultcode").text = f"soap:{side}"
        ET.SubElement(fault_el, "faultstring").text = body["message"]
        detail = ET.SubElement(fault_el, "detail")
    else:
        code = ET.SubElement(ET.SubElement(fault_el, f"{{{ns}}}Code"), f"{{{ns}}}Value")
        code.text = "env:Sender" if side == "Client" else "env:Receiver"
        ET.SubElement(ET.SubElement(fault_el, f"{{{ns}}}Reason"), f"{{{ns}}}Text").text = body["message"]
        detail = ET.SubElement(fault_el, f"{{{ns}}}Detail")
    error = ET.SubElement(detail, f"{{{NS}}}Loi")
    for key, value in body.items():
        _append(error, key, value)
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True), status, content_type=_content_type(ns))
