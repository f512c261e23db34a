"""The services ministry systems publish on the gateway, and each province's access rights."""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlite_utils
from flask import g, jsonify, make_response, request

from simulator import clients
from simulator.app_context import db, settings
from simulator.gateway.dialects import LGSP_HEADER, parse_lgsp_access_token
from simulator.gateway.tokens import presented_token, province_for, rights_overrides

RIGHTS_FILE = Path(__file__).resolve().parent.parent / "data" / "gateway_rights.json"


@dataclass(frozen=True)
class GatewayService:
    """One callable service: `population.lookup`, its system, method, path and a description."""

    service: str
    system: str
    method: str
    path: str
    description: str

    def as_dict(self) -> dict:
        """The service as listed by GET /ngsp/services."""
        return asdict(self)


SERVICES: dict[str, GatewayService] = {}


@functools.cache
def default_rights() -> dict:
    """The default grants: `{"*": [...], "<province>": {"deny": [...]}}` read from data."""
    return json.loads(RIGHTS_FILE.read_text(encoding="utf-8"))


def is_allowed(db: sqlite_utils.Database, province: str, service: str, overrides: dict[str, bool] | None = None) -> bool:
    """Whether a province may call a service: an admin override first, then the data defaults.

    `overrides` are the province's admin overrides when already read (with its token); else they are
    read here.
    """
    if overrides is not None:
        if service in overrides:
            return overrides[service]
    else:
        row = db.conn.execute("SELECT allowed FROM gateway_rights WHERE province = ? AND service = ?", [province, service]).fetchone()
        if row is not None:
            return bool(row[0])
    rights = default_rights()
    denied = rights.get("provinces", {}).get(province, {}).get("deny", [])
    if service in denied or service.split(".")[0] + ".*" in denied:
        return False
    granted = rights.get("grant_all", [])
    return "*" in granted or service in granted or service.split(".")[0] + ".*" in granted


def set_right(db: sqlite_utils.Database, province: str, service: str, allowed: bool | None) -> None:
    """Grant or revoke a service for a province; None restores the data default."""
    if allowed is None:
        db.execute("DELETE FROM gateway_rights WHERE province = ? AND service = ?", [province, service])
    else:
        db.execute(
            "INSERT OR REPLACE INTO gateway_rights (province, service, allowed) VALUES (?, ?, ?)",
            [province, service, int(allowed)],
        )


def gateway_error(status: int, error: str, description: str):
    """An OAuth2-style error reply, as API managers in front of ministry systems answer."""
    response = make_response(jsonify({"error": error, "error_description": description}), status)
    if status == 401:
        response.headers["WWW-Authenticate"] = f'Bearer error="{error}", error_description="{description}"'
    return response


def gateway_service(service: str, description: str, *, token_optional: bool = False):
    """Mark a ministry view as gateway service `service` (e.g. "population.lookup").

    The wrapped view runs only for a valid bearer token whose province has the right to
    call the service; it can read the caller's province from `g.province`. The token comes
    from `Authorization: Bearer`, or (LGSP JSON wrappers) from the body's `accessToken`.
    With `token_optional` (the payment platform, where a partner calling directly is
    authenticated by its signed message alone) a call without any token runs with
    `g.province = None` and the view authenticates it; a token, when sent, is still checked.
    """
    system = service.split(".")[0]

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            req = request._get_current_object()  # one context lookup instead of one per attribute
            token = presented_token(req)
            g.gateway_service = service
            if not token and token_optional:
                g.province = None
                return view(*args, **kwargs)
            database = db()
            province, reason = province_for(database, token, req.environ)
            if province is None:
                return gateway_error(401, "invalid_token", reason)
            mismatch = lgsp_header_mismatch(province) if LGSP_HEADER_ENVIRON in req.environ else ""
            if mismatch:
                return gateway_error(401, "invalid_token", mismatch)
            if not is_allowed(database, province, service, rights_overrides(req.environ, token)):
                return gateway_error(403, "access_denied", f"province {province} has no access right to {service}")
            g.province = province
            return view(*args, **kwargs)

        guarded.gateway_service = service
        guarded.gateway_description = description
        guarded.gateway_system = system
        return guarded

    return decorate


LGSP_HEADER_ENVIRON = "HTTP_" + LGSP_HEADER.upper().replace("-", "_")


def lgsp_header_mismatch(province: str) -> str:
    """Why an `lgspaccesstoken` header sent with a service call does not fit the token's province, or "".

    Clients of that LGSP send the header on every call next to the bearer token; a header
    naming another province's AccessKey (or unreadable) is refused rather than ignored.
    """

    header = request.headers.get(LGSP_HEADER)
    if not header:
        return ""
    fields, problem = parse_lgsp_access_token(header)
    if problem:
        return f"{LGSP_HEADER}: {problem}"
    owner = clients.by_gateway_key(settings()["seed"], fields["AccessKey"])
    if owner is None or owner.province_code != province:
        return f"{LGSP_HEADER} AccessKey {fields['AccessKey']!r} does not belong to the bearer token's province {province}"
    return ""


def collect_services(app) -> None:
    """Fill SERVICES from the app's routes marked with @gateway_service."""
    SERVICES.clear()
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        service = getattr(view, "gateway_service", None)
        if service is None and hasattr(view, "view_class"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                handler = getattr(view.view_class, method.lower(), None)
                service = getattr(handler, "gateway_service", None)
                if service:
                    _add(handler, rule, method)
            continue
        if service:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                _add(view, rule, method)


def _add(view, rule, method: str) -> None:
    service = view.gateway_service
    path = rule.rule.replace("<", "{").replace(">", "}")
    for conv in ("string:", "path:", "int:"):
        path = path.replace("{" + conv, "{")
    SERVICES[f"{service}:{method}"] = GatewayService(service, view.gateway_system, method, path, view.gateway_description)


def current_request_province() -> str | None:
    """The gateway caller's province for the current request, if authenticated."""
    return getattr(g, "province", None) if request else None
