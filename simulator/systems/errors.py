"""Each ministry system answers errors in its own format; this module picks the right one.

A system declares `error_body` (and `render` for a non-JSON reply) in its `SystemSpec`
(`simulator.systems.registry`); the app's HTTP error handler asks
`error_response_for(path, err)`, which matches both the system's own prefix
(`/population/...`) and its gateway route (`/ngsp/population/...`). Views raise
`MinistryError(status, message, code=...)` for errors that carry a system-specific code.
Systems whose reply is a code field and a message field declare it as an `ErrorFormat` table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Response, jsonify
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from simulator.portal.schemas import flatten_errors
from simulator.systems import registry


class MinistryError(HTTPException):
    """An error a ministry system answers: HTTP status, message and an optional system code."""

    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(description=message)
        self.code = status
        self.system_code = code


@dataclass(frozen=True, eq=False)  # eq=False: hashed by identity, as the functions it stands for
class ErrorFormat:
    """A system's error reply `{code_field: code, message_field: message, **constant}` declared as a table.

    The code is the one `codes` gives for the view's own code (`MinistryError.system_code`),
    else the one `statuses` gives for the HTTP status, else `server` for a 5xx and `other` for
    anything else (None: the HTTP status itself, as a string). With `pass_codes`, a view's own
    code not in `codes` is the wire code itself (the payment platform raises its MaLoi directly).
    `schema(name)` is the same reply as a marshmallow schema, for the OpenAPI document.
    """

    code_field: str
    message_field: str
    statuses: Mapping[int, str] = field(default_factory=dict)
    server: str | None = None
    other: str | None = None
    codes: Mapping[str, str] = field(default_factory=dict)
    constant: Mapping[str, Any] = field(default_factory=dict)
    pass_codes: bool = False

    def code_for(self, status: int, code: str | None = None) -> str:
        """The wire code for an HTTP status and a view's own code."""
        if code in self.codes:
            return self.codes[code]
        if code and self.pass_codes:
            return code
        if status in self.statuses:
            return self.statuses[status]
        fallback = self.server if status >= 500 else self.other
        return str(status) if fallback is None else fallback

    def __call__(self, status: int, message: str, code: str | None = None) -> dict:
        """The error reply for an HTTP status, a message and a view's own code."""
        return {self.code_field: self.code_for(status, code), self.message_field: message, **self.constant}

    def schema(self, name: str) -> type[Schema]:
        """The error reply as a marshmallow schema called `name` (the OpenAPI component)."""
        declared = {
            self.code_field: fields.String(required=True, metadata={"example": self.code_for(400)}),
            self.message_field: fields.String(required=True),
            **{key: fields.Raw(allow_none=True, required=True, metadata={"example": value}) for key, value in self.constant.items()},
        }
        return Schema.from_dict(declared, name=name)


def _message(err: HTTPException) -> str:
    """The error's message; marshmallow/webargs field errors flattened to 'field: reason'."""
    extra = getattr(err, "data", None)
    if isinstance(extra, dict) and extra.get("messages"):
        return "invalid request: " + "; ".join(flatten_errors(extra["messages"]))
    if isinstance(extra, dict) and extra.get("message"):  # flask_smorest.abort(status, message=...)
        return str(extra["message"])
    return err.description or err.name


def error_response_for(path: str, err: HTTPException) -> Response | None:
    """The error reply in the format of the system owning `path`, or None outside ministry systems."""
    fmt = registry.by_path(path)
    if fmt is None or fmt.error_body is None:
        return None
    status = err.code or 500
    code = getattr(err, "system_code", None)
    body = fmt.error_body(status, _message(err), code=code) if code else fmt.error_body(status, _message(err))
    if fmt.render is not None:
        return fmt.render(status, body, code)
    response = jsonify(body)
    response.status_code = status
    return response


def reply_for(path: str, status: int, message: str) -> Response | None:
    """A reply in the format of the system owning `path` (e.g. for an unexpected 500), or None."""
    fmt = registry.by_path(path)
    if fmt is None or fmt.error_body is None:
        return None
    body = fmt.error_body(status, message)
    if fmt.render is not None:
        return fmt.render(status, body, None)
    response = jsonify(body)
    response.status_code = status
    return response
