"""The portal's HTTP surface: the session handshake and the single integration endpoint.

Error conventions (documented in OpenAPI and docs/portal.md):
- transport problems (body not JSON, wrong content type, body too large) get an HTTP 4xx
  with the portal's `{error_code, message}` body;
- everything the real portal answers inside a 200 (bad session, unknown service, invalid
  field, refused entry) is a 200 with a non-zero `error_code` and a message naming the problem.
"""

from __future__ import annotations

import json

from flask import current_app, jsonify, request
from marshmallow import ValidationError

from simulator import clients, rotation, schema_cache, wire_json
from simulator.app_context import db, settings
from simulator.catalogue import province_of_agency
from simulator.faults.wsgi_body import JSON_KEY
from simulator.portal import exchange_services, sessions  # noqa: F401  (importing registers its handlers)
from simulator.portal.schemas import SERVICE_SCHEMAS, AuthRequest, flatten_errors
from simulator.portal.services import ERROR_CODES, HANDLERS, Caller, reply
from simulator.schema_cache import schema_instance
from simulator.systems import registry

# The handshake, then one operation per `service` of the integration endpoint.
SPEC = registry.declare(
    registry.system(
        "portal",
        __name__,
        ministry=False,
        operations=("auth", *SERVICE_SCHEMAS),
        error_body=lambda status, message, code=None: reply(code or "-1", message),
    )
)
blp = registry.blueprint(SPEC, url_prefix="/dvcqg/api")


class PortalInputError(Exception):
    """A request the portal refuses before dispatch (HTTP 4xx with the portal body)."""

    def __init__(self, status: int, error_code, message: str):
        super().__init__(message)
        self.status, self.error_code, self.message = status, error_code, message


def read_json_body() -> dict:
    """The request's JSON object, or PortalInputError naming what is wrong with it."""
    content_type = (request.mimetype or "").lower()
    if content_type not in ("application/json", "text/json", "text/plain", ""):
        raise PortalInputError(415, "-1", f"Content-Type {request.mimetype!r} không được hỗ trợ; dùng application/json")
    parsed = request.environ.get(JSON_KEY)
    if isinstance(parsed, dict):  # the fault classifier parsed this very body already
        return parsed
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise PortalInputError(400, "-1", "Thân yêu cầu rỗng; cần một đối tượng JSON (empty body)")
    try:
        body = wire_json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PortalInputError(400, "-1", f"JSON không hợp lệ (malformed JSON): {err}") from None
    if not isinstance(body, dict):
        raise PortalInputError(400, "-1", "Thân yêu cầu phải là một đối tượng JSON (expected a JSON object)")
    return body


def _portal_error(status: int, error_code, message: str):
    response = jsonify(reply(error_code, message))
    response.status_code = status
    return response


@blp.errorhandler(PortalInputError)
def _on_input_error(err: PortalInputError):
    return _portal_error(err.status, err.error_code, err.message)


@blp.route("/auth", methods=["POST"])
@blp.doc(
    summary="Session handshake (lấy session)",
    description="Exchange a province client's credentials for a session. `error_code` is the number 0 on "
    "success, 1 on wrong credentials. A `dstcode` routing header is accepted and ignored.",
    requestBody={"required": True, "content": {"application/json": {"schema": AuthRequest}}},
    responses={
        "200": {"description": "Handshake reply", "content": {"application/json": {"schema": "AuthReply"}}},
        "400": {"description": "Body is not JSON", "content": {"application/json": {"schema": "PortalError"}}},
        "415": {"description": "Wrong content type", "content": {"application/json": {"schema": "PortalError"}}},
    },
)
def auth():
    """Issue a session for valid credentials."""
    body = read_json_body()
    try:
        creds = schema_instance(AuthRequest).load(body, unknown="include")
    except ValidationError as err:
        return jsonify({"error_code": 1, "message": "Thiếu hoặc sai trường: " + "; ".join(flatten_errors(err.messages))})
    conf = settings()
    client = rotation.by_username(db(), conf["seed"], creds["username"])
    if client is None or not clients.check_password(client, creds["password"]):
        return jsonify({"error_code": 1, "message": "Sai tên đăng nhập hoặc mật khẩu (wrong username or password)"})
    token = sessions.open_session(db(), client.province_code, client.username, conf["session_ttl_seconds"])
    return jsonify(
        {
            "error_code": 0,
            "message": "Đăng nhập thành công",
            "session": token,
            "expires_in": conf["session_ttl_seconds"],
        }
    )


@blp.route("/service", methods=["POST"])
@blp.doc(
    summary="Integration endpoint (dispatch on `service`)",
    description="One endpoint for every service; the body's `service` picks the operation. Service errors "
    "are answered in a 200 with a non-zero `error_code`: " + "; ".join(f"`{k}` {v}" for k, v in ERROR_CODES.items()),
    requestBody={
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in SERVICE_SCHEMAS],
                    "discriminator": {
                        "propertyName": "service",
                        "mapping": {name: f"#/components/schemas/{name}" for name in SERVICE_SCHEMAS},
                    },
                }
            }
        },
    },
    responses={
        "200": {"description": "Service reply", "content": {"application/json": {"schema": "ServiceReply"}}},
        "400": {"description": "Body is not a JSON object", "content": {"application/json": {"schema": "PortalError"}}},
        "413": {"description": "Body over the size limit", "content": {"application/json": {"schema": "PortalError"}}},
        "415": {"description": "Wrong content type", "content": {"application/json": {"schema": "PortalError"}}},
    },
)
def service():
    """Authenticate the session and dispatch to the named service's handler."""
    body = read_json_body()
    name = body.get("service")
    if not isinstance(name, str) or not name:
        return jsonify(reply("-1", "Thiếu trường service (missing field service)"))
    schema = SERVICE_SCHEMAS.get(name)
    if schema is None:
        known = ", ".join(SERVICE_SCHEMAS)
        return jsonify(reply("-7", f"Service {name!r} không được hỗ trợ; các service hỗ trợ: {known}"))
    province, reason = sessions.session_province(db(), body.get("session"))
    if province is None:
        return jsonify(reply("-2", reason))
    try:
        loaded = schema_cache.load(schema_instance(schema), body)
    except ValidationError as err:
        return jsonify(reply("-1", f"{name}: " + "; ".join(flatten_errors(err.messages))))
    madonvi = loaded["madonvi"].strip()
    if province_of_agency(madonvi) != province:
        return jsonify(reply("-6", f"madonvi {madonvi!r} không thuộc tỉnh của session (H{province})"))
    current_app.logger.debug("portal service %s for province %s", name, province)
    return jsonify(HANDLERS[name](db(), Caller(province, madonvi), loaded))
