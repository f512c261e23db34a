"""Each ministry system answers errors in its own format; this maps a request path to it.

Systems call `register(system, prefix, error_body)`; the app's error handler asks
`reply_for(path, status, message)` for any error under `prefix` or `/ngsp/{system}/`.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, jsonify

ErrorBody = Callable[[int, str], dict]

_BODIES: dict[str, tuple[str, ErrorBody]] = {}


def register(system: str, prefix: str, error_body: ErrorBody) -> None:
    """Declare the error format of `system`, mounted on `prefix`."""
    _BODIES[system] = (prefix, error_body)


def error_body_for(path: str) -> ErrorBody | None:
    """The error format owning a request path, or None."""
    for system, (prefix, body) in _BODIES.items():
        if path == prefix or path.startswith(prefix + "/") or path.startswith(f"/ngsp/{system}/"):
            return body
    return None


def reply_for(path: str, status: int, message: str) -> Response | None:
    """A JSON reply in the owning system's format, or None when no system owns the path."""
    body = error_body_for(path)
    if body is None:
        return None
    response = jsonify(body(status, message))
    response.status_code = status
    return response


def http_error_reply(path: str, err) -> Response | None:
    """`reply_for` an HTTPException, naming every invalid field of a validation error."""
    body = error_body_for(path)
    if body is None:
        return None
    message = err.description or err.name
    extra = getattr(err, "data", None)
    if isinstance(extra, dict) and extra.get("message"):  # flask_smorest.abort(status, message=...)
        message = str(extra["message"])
    if isinstance(extra, dict) and extra.get("messages"):
        from simulator.portal.schemas import flatten_errors

        message = "invalid request: " + "; ".join(flatten_errors(extra["messages"]))
    return reply_for(path, err.code or 500, message)
