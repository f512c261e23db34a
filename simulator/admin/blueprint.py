"""How every `/sandbox` admin feature is mounted: one blueprint factory and one doc decorator.

Sandbox control (rules and scenarios, captured requests, credentials, the calendar, jobs,
flows, the dashboard's data) needs `Authorization: Bearer <admin token>`. The check runs
before the request reaches any view, so before arguments are parsed: an anonymous caller
gets 401, never a 422 that describes the expected body, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_smorest import Blueprint

from simulator.auth import require_admin

# The OpenAPI security requirement of every admin route (the "bearer" scheme of openapi_docs).
SECURITY = [{"bearer": []}]
UNAUTHORIZED = "Admin token required"


def admin_blueprint(name: str, import_name: str, url_prefix: str, description: str) -> Blueprint:
    """A blueprint whose every route answers 401 without the admin token."""
    blp = Blueprint(name, import_name, url_prefix=url_prefix, description=description)
    blp.before_request(require_admin)
    return blp


def admin_doc(blp: Blueprint, responses: dict | None = None, **doc) -> Callable:
    """Document an admin view: bearer security, its 401 without the token, `responses` and any other doc."""
    if responses is not None:
        doc["responses"] = responses

    def decorate(view: Callable) -> Callable:
        view = blp.alt_response(401, description=UNAUTHORIZED)(view)
        return blp.doc(security=SECURITY, **doc)(view)

    return decorate
