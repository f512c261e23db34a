"""What every ministry system shares: body parsing, request fields and validators, OpenAPI
error docs, deterministic processing times. One module, one style for all of them.

Sandbox time is read through `simulator.clock.sandbox_clock()`; dates are written with
`simulator.wire_formats`.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import date, datetime
from typing import Any

from flask import current_app, request
from marshmallow import Schema, ValidationError, fields, validate

from simulator import json_provider, schema_cache
from simulator.faults import wsgi_body
from simulator.gateway.routes import OAuthError
from simulator.identity import InvalidIdentifier
from simulator.identity.rules import check_citizen_id, check_tax_code
from simulator.portal.schemas import flatten_errors
from simulator.systems.errors import MinistryError
from simulator.wire_formats import DMY, YMD

YMD_PATTERN = r"^\d{8}$"


def parse_json_object(max_items: int = 200) -> dict:
    """The request body as a JSON object, or MinistryError(400/415) naming what is wrong."""
    mimetype = request.mimetype or ""
    if mimetype and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise MinistryError(415, f"Content-Type must be application/json, got {mimetype}", "unsupported_media")
    raw = _raw_body()
    if not raw.strip():
        raise MinistryError(400, "request body is empty: send a JSON object", "malformed")
    try:
        body = json_provider.loads(raw)  # wire_json's safe loader, orjson first
    except (ValueError, UnicodeDecodeError) as exc:
        raise MinistryError(400, f"request body is not valid JSON: {exc}", "malformed") from None
    if not isinstance(body, dict):
        raise MinistryError(400, "request body must be a JSON object", "malformed")
    if len(body) > max_items:
        raise MinistryError(400, f"request body has more than {max_items} fields", "malformed")
    return body


def _raw_body() -> bytes:
    """The request body; read straight from the WSGI input when Flask has not opened it yet.

    Werkzeug's stream wrappers cost more than the rest of the body handling; the fault classifier
    may already have read the body (kept in the environ). A body over MAX_CONTENT_LENGTH, or one
    Flask already started reading, goes the usual way (Flask answers 413 itself).
    """
    if "stream" not in request.__dict__ and getattr(request, "_cached_data", None) is None:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or sys.maxsize
        data = wsgi_body.read_body(request.environ, limit)
        if data is not None:
            return data
    return request.get_data(cache=True)


def load(schema: Schema, data: dict) -> dict:
    """Validate `data` with a marshmallow schema; MinistryError(400) naming each bad field."""
    try:
        return schema_cache.load(schema, data)
    except ValidationError as exc:
        raise MinistryError(400, "invalid request: " + "; ".join(flatten_errors(exc.messages)), "invalid_field") from None


def parse_ymd(value: str, field: str) -> date:
    """A `yyyyMMdd` string as a date, or MinistryError(400) naming the field."""
    try:
        return datetime.strptime(value, YMD).date()
    except (TypeError, ValueError):
        raise MinistryError(400, f"{field} must be a real date yyyyMMdd, got {value!r}", "invalid_field") from None


def ymd_field(required: bool = False, **kwargs: Any) -> fields.String:
    """A `yyyyMMdd` date string field (connectors may send "" for an absent optional date)."""
    regex = YMD_PATTERN if required else r"^(\d{8})?$"
    return fields.String(
        required=required,
        validate=validate.Regexp(regex, error="must be a date yyyyMMdd"),
        metadata={"example": "20240315"},
        **kwargs,
    )


def id12_field(required: bool = True, **kwargs: Any) -> fields.String:
    """A 12-digit citizen ID field; the format rules are checked by `identity.rules` afterwards."""
    return fields.String(required=required, validate=validate.Length(max=20), metadata={"example": "001088000004"}, **kwargs)


def text_field(required: bool = False, max_len: int = 200, **kwargs: Any) -> fields.String:
    """A bounded free-text field (a required one must not be blank)."""
    return fields.String(required=required, validate=validate.Length(min=1 if required else 0, max=max_len), **kwargs)


def json_body_doc(schema: type[Schema] | Schema, extra: dict | None = None) -> dict:
    """An OpenAPI requestBody for a JSON schema (plus other content types in `extra`)."""
    content = {"application/json": {"schema": schema}}
    content.update(extra or {})
    return {"required": True, "content": content}


def responses_doc(ok: type[Schema] | Schema, error: type[Schema], errors: dict[int, str], extra_ok=None, extra_error=None) -> dict:
    """OpenAPI responses: 200 with `ok`, each status in `errors` with the system's error schema,
    401/403 from the gateway guard in its OAuth2 shape. `extra_ok` / `extra_error` add other
    content types (a SOAP flavour answers its errors as SOAP Faults)."""
    content = {"application/json": {"schema": ok}}
    content.update(extra_ok or {})
    docs: dict[str, dict] = {"200": {"description": "OK", "content": content}}
    for status, description in errors.items():
        docs[str(status)] = {"description": description, "content": {"application/json": {"schema": error}, **(extra_error or {})}}
    for status, description in ((401, "Missing or expired gateway token"), (403, "No access right")):
        docs[str(status)] = {"description": description, "content": {"application/json": {"schema": OAuthError}}}
    return docs


def bad_identifier(exc) -> MinistryError:
    """A MinistryError(400) for an InvalidIdentifier, naming the field and the broken rule."""
    return MinistryError(400, f"{exc.message} (field {exc.field}, rule {exc.rule})", "invalid_identifier")


def unit_draw(seed: int, purpose: str, key: str) -> float:
    """A uniform number in [0, 1) fixed by (seed, purpose, key), so replays give the same answer."""
    digest = hashlib.blake2b(f"{seed}:{purpose}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def processing_minutes(seed: int, purpose: str, key: str, median: float) -> float:
    """A ministry's processing time: between median/2 and 2*median, log-uniform, median `median`.

    Every asynchronous system (civil status, judicial record, environment) draws from this one
    distribution, so `*_median_minutes` settings mean the same thing everywhere.
    """
    return median * 2 ** (2 * unit_draw(seed, purpose, key) - 1)


def citizen_id_validator(value: str) -> None:
    """Marshmallow validator: a well-formed 12-digit citizen ID (DOMAIN.md rule)."""
    try:
        check_citizen_id(value)
    except InvalidIdentifier as exc:
        raise ValidationError(exc.message) from None


def tax_code_validator(value: str) -> None:
    """Marshmallow validator: a tax / enterprise code with a valid check digit."""
    try:
        check_tax_code(value)
    except InvalidIdentifier as exc:
        raise ValidationError(exc.message) from None


def dd_mm_yyyy_validator(value: str) -> None:
    """Marshmallow validator: a real calendar date written dd/MM/yyyy."""
    try:
        datetime.strptime(value, DMY)
    except (TypeError, ValueError):
        raise ValidationError("must be a date dd/MM/yyyy") from None


def document_errors(blp, schema, codes: tuple[int, ...]):
    """Decorator: document `codes` as the system's own error schema, plus the gateway's 401/403."""

    def decorate(view):
        for code in codes:
            view = blp.alt_response(code, schema=schema, description=f"Error ({code}) in this system's format")(view)
        view = blp.alt_response(401, schema=OAuthError, description="Missing or expired gateway token")(view)
        return blp.alt_response(403, schema=OAuthError, description="The province has no access right")(view)

    return decorate


def string_fields(names: str) -> type[Schema]:
    """A schema base declaring each of `names` (space-separated, in wire order) a required string.

    Replies carry many plain string fields; a schema subclasses this for them and declares only
    the fields that say more (other types, examples, nested records).
    """
    return Schema.from_dict({name: fields.String(required=True) for name in names.split()}, name="StringFields")
