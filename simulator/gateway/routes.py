"""Gateway HTTP surface: `POST /ngsp/token`, `GET /ngsp/services`, and `/ngsp/{system}/...` routing."""

from __future__ import annotations

import base64
import hmac

from flask import abort, current_app, jsonify, request
from flask_smorest import Blueprint
from flask_smorest import abort as api_abort
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import MethodNotAllowed, NotFound

from simulator import clients, rotation
from simulator.app_context import db, settings
from simulator.auth import require_admin
from simulator.gateway import dialects, registry, tokens
from simulator.systems import registry as systems

# Its error format (OAuth2 style) is the fault engine's built-in "gateway" format.
SPEC = systems.declare(systems.system("gateway", __name__, ministry=False, operations=("token", "services")))
blp = systems.blueprint(SPEC, url_prefix="/ngsp")


class TokenReply(Schema):
    """An OAuth2 access token."""

    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True)
    scope = fields.String()


class OAuthError(Schema):
    """An OAuth2 error."""

    error = fields.String(required=True)
    error_description = fields.String(required=True)


class ServiceListing(Schema):
    """What the calling client may call, X-Road style."""

    client = fields.String(required=True)
    services = fields.List(fields.Dict(), required=True)


def _presented_credentials() -> tuple[str, str, str] | None:
    """(scheme, key, secret) of a token request, or None; unreadable Basic credentials are a 400."""
    lgsp = request.headers.get(dialects.LGSP_HEADER)
    if lgsp:
        fields, problem = dialects.parse_lgsp_access_token(lgsp)
        if problem:
            return dialects.LGSP, "", problem  # the problem travels as the "secret" slot's reason
        return dialects.LGSP, fields["AccessKey"], fields["SecretKey"]
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            key, _, secret = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
        except ValueError:  # bad base64, a non-ASCII header byte, or not UTF-8: say so (was a 500)
            abort(registry.gateway_error(400, "invalid_request", "Basic credentials must be base64 of UTF-8 key:secret"))
        return dialects.BASIC, key, secret
    # RFC 6749 also allows the credentials in the form body.
    if request.form.get("client_id"):
        return dialects.FORM, request.form.get("client_id", ""), request.form.get("client_secret", "")
    return None


HOW_TO_AUTHENTICATE = (
    "send HTTP Basic with the gateway key and secret, form fields client_id/client_secret, or the header "
    "lgspaccesstoken: base64 JSON {AccessKey, SecretKey, AppName, PartnerCode, PartnerCodeCus}"
)


@blp.route("/token", methods=["POST"])
@blp.doc(
    summary="Gateway token (OAuth2 client credentials or the lgspaccesstoken header)",
    description="Credentials from `python -m simulator credentials`, in the province's dialect: HTTP Basic or "
    "form `client_id`/`client_secret` (`oauth2`), or header `lgspaccesstoken` = base64 of JSON "
    "`{AccessKey, SecretKey, AppName, PartnerCode, PartnerCodeCus}` (`lgspaccesstoken`); the default dialect "
    "`all` takes every one. Body `grant_type=client_credentials` (form or JSON; optional).",
    parameters=[
        {
            "in": "header",
            "name": "lgspaccesstoken",
            "required": False,
            "schema": {"type": "string"},
            "description": "base64 of JSON {AccessKey: gateway key, SecretKey: gateway secret, AppName, PartnerCode, PartnerCodeCus}",
        }
    ],
    responses={
        "200": {"description": "Token", "content": {"application/json": {"schema": TokenReply}}},
        "400": {
            "description": "Unsupported grant type, or a scheme the province's dialect does not take",
            "content": {"application/json": {"schema": OAuthError}},
        },
        "401": {"description": "Wrong client credentials", "content": {"application/json": {"schema": OAuthError}}},
    },
)
def token():
    """Exchange a province's gateway key and secret for a bearer token, in the province's dialect."""
    body = request.get_json(silent=True)
    # Any JSON may arrive here ("text", [], 1e400): only an object can carry grant_type (was a 500).
    grant = request.form.get("grant_type") or (body.get("grant_type") if isinstance(body, dict) else None)
    if grant not in (None, "", "client_credentials"):
        return registry.gateway_error(400, "unsupported_grant_type", f"grant_type {grant!r} is not supported")
    creds = _presented_credentials()
    if creds is None:
        return registry.gateway_error(401, "invalid_client", HOW_TO_AUTHENTICATE)
    scheme, key, secret = creds
    if scheme == dialects.LGSP and not key:
        return registry.gateway_error(401, "invalid_client", f"{dialects.LGSP_HEADER}: {secret}")
    client = rotation.by_gateway_key(db(), settings()["seed"], key)
    if client is None or not hmac.compare_digest(client.gateway_secret.encode(), secret.encode()):
        return registry.gateway_error(401, "invalid_client", "unknown gateway key or wrong secret")
    dialect = dialects.dialect_of(db(), client.province_code)
    if scheme not in dialects.ACCEPTS[dialect]:
        return registry.gateway_error(
            400,
            "unauthorized_client",
            f"province {client.province_code}'s gateway speaks the {dialect!r} dialect ({dialects.DIALECTS[dialect]}), not {scheme!r}",
        )
    ttl = settings()["gateway_token_ttl_seconds"]
    access = tokens.issue(db(), client.province_code, ttl)
    return jsonify({"access_token": access, "token_type": "Bearer", "expires_in": ttl, "scope": "ngsp"})


@blp.route("/services", methods=["GET"])
@blp.doc(
    summary="Services this client may call",
    security=[{"bearer": []}],
    responses={
        "200": {"description": "Listing", "content": {"application/json": {"schema": ServiceListing}}},
        "401": {"description": "Missing or expired token", "content": {"application/json": {"schema": OAuthError}}},
    },
)
def services():
    """Every published service with whether the caller has the right to call it."""
    province, reason = tokens.province_for(db(), tokens.presented_token(request))
    if province is None:
        return registry.gateway_error(401, "invalid_token", reason)
    listing = []
    for svc in sorted(registry.SERVICES.values(), key=lambda s: (s.service, s.method)):
        item = svc.as_dict()
        item["gateway_path"] = "/ngsp" + svc.path
        item["allowed"] = registry.is_allowed(db(), province, svc.service)
        listing.append(item)
    return jsonify({"client": f"VN/GOV/H{province}/lgsp", "services": listing})


# Where each (prefix, path, method) the gateway routed went, per app: the URL map is fixed once the app
# serves, and matching it again cost as much as the rest of the gateway's checks.
_ROUTES_KEY = "sandbox.gateway_routes"
_ROUTES_MAX = 4096


@blp.route("/<string:system>/<path:rest>", methods=["GET", "POST", "PUT", "DELETE"])
@blp.doc(
    summary="Route a call to a ministry system",
    description="`/ngsp/{system}/{path}` reaches the same operation as the system's own prefix, after the "
    "gateway checks the token and the province's access right. See each system's own paths.",
    security=[{"bearer": []}],
    responses={
        # Whatever the target operation answers (documented on its own path) passes through.
        "200": {"description": "The target system's reply, as documented on its own path"},
        "401": {"description": "Missing or expired token", "content": {"application/json": {"schema": OAuthError}}},
        "403": {"description": "No access right", "content": {"application/json": {"schema": OAuthError}}},
        "404": {"description": "Unknown system or path", "content": {"application/json": {"schema": OAuthError}}},
        "405": {"description": "Method not allowed on that path", "content": {"application/json": {"schema": OAuthError}}},
        # The target's own refusals (a bad body, a conflict...) pass through in that system's format.
        "4XX": {"description": "The target system's refusal, in its own error format (see its own path)"},
    },
)
def route(system: str, rest: str):
    """Dispatch to the target system's view (its own guard checks token and rights)."""
    prefix = systems.prefix_of(system)
    if prefix is None:
        known = ", ".join(sorted(systems.prefixes()))
        return registry.gateway_error(404, "unknown_system", f"no system {system!r} on the gateway; known: {known}")
    key = (prefix, rest, request.method)
    routes = current_app.extensions.setdefault(_ROUTES_KEY, {})
    target = routes.get(key)
    if target is None:
        try:
            target = current_app.url_map.bind("localhost").match(f"{prefix}/{rest}", method=request.method)
        except NotFound:
            return registry.gateway_error(404, "unknown_service", f"{system} has no path /{rest}")
        except MethodNotAllowed:
            return registry.gateway_error(405, "method_not_allowed", f"{request.method} is not allowed on /{rest}")
        if len(routes) >= _ROUTES_MAX:  # paths carry IDs: keep the memo bounded
            routes.clear()
        routes[key] = target
    endpoint, args = target
    return current_app.view_functions[endpoint](**dict(args))


class RightChange(Schema):
    """Grant or revoke one gateway service for a province; `allowed: null` restores the default."""

    service = fields.String(required=True, validate=validate.Length(min=1, max=100))
    allowed = fields.Boolean(required=True, allow_none=True)


admin_blp = Blueprint("gateway_admin", __name__, url_prefix="/sandbox/gateway", description="Gateway access rights (admin).")


@admin_blp.before_request
def _admin_only():
    require_admin()


def _province_change(rule: str, schema: type[Schema]):
    """Decorators of an admin PUT changing a province's setting: `schema` in and out, 401 without the admin token, 404 unknown province."""

    def decorate(view):
        view = admin_blp.doc(security=[{"bearer": []}])(view)
        view = admin_blp.alt_response(404, description="Unknown province")(view)
        view = admin_blp.alt_response(401, description="Admin token required")(view)
        view = admin_blp.response(200, schema)(view)
        view = admin_blp.arguments(schema)(view)
        return admin_blp.route(rule, methods=["PUT"])(view)

    return decorate


def _known_province(province: str) -> None:
    """404 naming the codes to use when `province` is no province's code."""
    if clients.by_province(settings()["seed"], province) is None:
        api_abort(404, message=f"unknown province {province!r}: use one of the 34 2-digit codes")


@_province_change("/rights/<string:province>", RightChange)
def change_right(change: dict, province: str):
    """Grant or revoke a service for a province (admin)."""
    _known_province(province)
    registry.set_right(db(), province, change["service"], change["allowed"])
    return change


class DialectChange(Schema):
    """A province's gateway token dialect."""

    dialect = fields.String(
        required=True,
        validate=validate.OneOf(list(dialects.DIALECTS)),
        metadata={"description": "; ".join(f"`{k}`: {v}" for k, v in dialects.DIALECTS.items())},
    )


class DialectListing(Schema):
    """Every province's dialect and the dialects known."""

    known = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    provinces = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


@admin_blp.route("/dialects", methods=["GET"])
@admin_blp.response(200, DialectListing)
@admin_blp.alt_response(401, description="Admin token required")
@admin_blp.doc(security=[{"bearer": []}])
def list_dialects():
    """Every province's token dialect (admin)."""
    custom = dialects.all_dialects(db())
    return {
        "known": dialects.DIALECTS,
        "provinces": {c.province_code: custom.get(c.province_code, dialects.ALL) for c in clients.province_clients(settings()["seed"])},
    }


@_province_change("/dialects/<string:province>", DialectChange)
def change_dialect(change: dict, province: str):
    """Set the token dialect of a province's gateway (admin); `all` restores the default."""
    _known_province(province)
    dialects.set_dialect(db(), province, change["dialect"])
    return change
