"""Bearer authentication shared by the REST view and the admin API."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from flask import request
from flask_smorest import abort

from simulator.app_context import db, settings
from simulator.portal import sessions


@dataclass(frozen=True)
class Principal:
    """Who is calling: the admin (sees everything) or one province (sees its own)."""

    is_admin: bool
    province: str | None


def bearer_token() -> str:
    """The token of an `Authorization: Bearer` header, or ''."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def is_admin_token(token: str) -> bool:
    """Constant-time check of the admin token."""
    expected = settings()["admin_token"]
    return bool(token) and hmac.compare_digest(token.encode(), expected.encode())


def require_admin() -> None:
    """Abort with 401 unless the request carries the admin token."""
    if not is_admin_token(bearer_token()):
        abort(401, message="Admin token required: send 'Authorization: Bearer <admin token>'")


def require_principal() -> Principal:
    """The admin or a province session from the Bearer token; 401 otherwise."""
    token = bearer_token()
    if not token:
        abort(401, message="Missing 'Authorization: Bearer <portal session or admin token>'")
    if is_admin_token(token):
        return Principal(True, None)
    province, reason = sessions.session_province(db(), token)
    if province is None:
        abort(401, message=reason)
    return Principal(False, province)
