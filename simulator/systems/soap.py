"""The population database's SOAP: parse what real clients send, answer what they parse.

Requests (docs/contract.md, population section): a SOAP 1.1 envelope whose Body holds one
operation element in the namespace `http://dancuquocgia.bca` (`TraCuuThongTinCongDan`,
`XacThucThongTinCongDan`, ...), its fields as child elements; `NgayThangNamSinh` is nested
(`<NgayThangNam>yyyyMMdd</NgayThangNam>` or `<Nam>yyyy</Nam>`). Clients send it as `text/xml`,
`application/xml` or `application/soap+xml`, with or without a `SOAPAction` header, and
provincial gateways wrap the same envelope as JSON `{..., "data": "<soapenv:Envelope ..."}`.

Replies: `soapenv:Envelope/soapenv:Body/ns1:CongdanCollection/ns1:CongDan` with
`ns1 = http://www.mic.gov.vn/dancu/1.0`, written with exactly those prefixes because one
public client strips the literal `ns1:` and `soapenv:` before parsing. Faults go out with
HTTP 400 for client errors (SOAP 1.1 says 500; the sandbox keeps 5xx for its own failures so
a connector can tell them apart — documented deviation).

XML is parsed with defusedxml: a document type declaration (hence any entity) is refused
whatever the encoding, so no entity is ever expanded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from flask import Response, request

from simulator.systems.errors import MinistryError

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
REQUEST_NS = "http://dancuquocgia.bca"
REPLY_NS = "http://www.mic.gov.vn/dancu/1.0"
MAX_XML_BYTES = 200_000
MAX_DEPTH = 3  # Envelope/Body/operation/field/(NgayThangNamSinh parts): deeper is not a request
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# Prefixes on the wire, written literally: one public client strips `ns1:` and `soapenv:` as text.
PREFIXES = {SOAP11: "soapenv", SOAP12: "env", REPLY_NS: "ns1", REQUEST_NS: "dan"}

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


def prefer_soap() -> None:
    """Answer this request (and its errors) in SOAP, e.g. for a JSON-wrapped envelope."""
    request.environ["sandbox.wants_soap"] = True


def _wants_soap(environ: dict) -> bool:
    if is_soap_request() or "format=soap" in environ.get("QUERY_STRING", "") and request.args.get("format") == "soap":
        return True
    accept = environ.get("HTTP_ACCEPT", "")
    return "soap+xml" in accept or ("text/xml" in accept and "json" not in accept)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _value(element: ET.Element, depth: int):
    """An element's text, or {child: value} for a structured field such as NgayThangNamSinh."""
    if len(element) == 0:
        return (element.text or "").strip()
    if depth >= MAX_DEPTH:
        raise MinistryError(400, f"field {_local(element.tag)} is nested too deeply", "invalid_field")
    return {_local(child.tag): _value(child, depth + 1) for child in element}


def parse_envelope(raw: bytes | str | None = None) -> tuple[str, dict]:
    """(operation name, {field: text or {part: text}}) from a SOAP envelope; MinistryError(400) when malformed."""
    if raw is None:
        raw = request.get_data(cache=True)
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_XML_BYTES:
        raise MinistryError(413, f"SOAP body larger than {MAX_XML_BYTES} bytes", "malformed")
    try:
        root = safe_fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as exc:
        # why: SOAP forbids DTDs, and refusing them closes entity-expansion and XXE attacks
        raise MinistryError(
            400, f"SOAP messages must not contain a DOCTYPE or ENTITY declaration ({type(exc).__name__})", "malformed"
        ) from None
    except (ET.ParseError, ValueError) as exc:
        raise MinistryError(400, f"request body is not well-formed XML: {exc}", "malformed") from None
    if _local(root.tag) != "Envelope":
        raise MinistryError(400, "XML root must be a SOAP Envelope", "malformed")
    body = next((child for child in root if _local(child.tag) == "Body"), None)
    if body is None or len(body) == 0:
        raise MinistryError(400, "SOAP Envelope must contain a Body with one operation element", "malformed")
    operation = body[0]
    fields = {_local(child.tag): _value(child, 1) for child in operation}
    return _local(operation.tag), fields


def _soap12() -> bool:
    return request.mimetype == "application/soap+xml" or "soap+xml" in request.headers.get("Accept", "")


def _content_type(ns: str) -> str:
    return ("application/soap+xml" if ns == SOAP12 else "text/xml") + "; charset=utf-8"


def _elements(prefix: str, name: str, value) -> str:
    """`<prefix:name>value</prefix:name>`, nested for dicts, repeated `Item`s for lists, empty for None."""
    tag = f"{prefix}:{name}"
    if value is None or value == "":
        return f"<{tag}/>"
    if isinstance(value, dict):
        inner = "".join(_elements(prefix, key, item) for key, item in value.items())
    elif isinstance(value, list):
        inner = "".join(_elements(prefix, "Item", item) for item in value)
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{tag}>{inner}</{tag}>"


def _document(soap_ns: str, body: str) -> bytes:
    env = PREFIXES[soap_ns]
    return (
        f'{XML_DECLARATION}<{env}:Envelope xmlns:{env}="{soap_ns}"><{env}:Header/><{env}:Body>{body}</{env}:Body></{env}:Envelope>'
    ).encode()


def envelope(element: str, payload: dict | list | None, ns: str = REPLY_NS, status: int = 200) -> Response:
    """A SOAP envelope whose Body holds `<prefix:{element}>` with the payload as child elements.

    A list payload repeats its items (`CongdanCollection` holding zero or more `CongDan`).
    """
    soap_ns = SOAP12 if _soap12() else SOAP11
    prefix = PREFIXES[ns]
    items = payload if isinstance(payload, list) else [payload] if payload else []
    inner = "".join(_elements(prefix, key, value) for item in items for key, value in item.items())
    body = f'<{prefix}:{element} xmlns:{prefix}="{ns}">{inner}</{prefix}:{element}>'
    return Response(_document(soap_ns, body), status, content_type=_content_type(soap_ns))


def fault(status: int, body: dict) -> Response:
    """A SOAP Fault carrying the population database's `{error_code, message}` in its detail."""
    soap_ns = SOAP12 if _soap12() else SOAP11
    env = PREFIXES[soap_ns]
    side = "Client" if status < 500 else "Server"
    detail = _elements("ns1", "Loi", body).replace("<ns1:Loi>", f'<ns1:Loi xmlns:ns1="{REPLY_NS}">', 1)
    message = escape(body["message"])
    if soap_ns == SOAP11:
        inner = f"<faultcode>{env}:{side}</faultcode><faultstring>{message}</faultstring><detail>{detail}</detail>"
    else:
        code = "env:Sender" if side == "Client" else "env:Receiver"
        inner = (
            f"<{env}:Code><{env}:Value>{code}</{env}:Value></{env}:Code>"
            f"<{env}:Reason><{env}:Text>{message}</{env}:Text></{env}:Reason><{env}:Detail>{detail}</{env}:Detail>"
        )
    return Response(_document(soap_ns, f"<{env}:Fault>{inner}</{env}:Fault>"), status, content_type=_content_type(soap_ns))
