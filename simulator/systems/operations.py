"""How a ministry operation is declared, once for every system that documents it with schemas.

A ministry view is a gateway service (bearer token, province access right), takes a body
checked by a schema (400/422 in the system's own error format), answers a reply schema, and
documents its own error statuses plus the gateway's 401/403. `ministry_operation` stacks those
decorators in that order, so views say only what differs: service, schemas and statuses.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_smorest import Blueprint
from marshmallow import Schema

from simulator.gateway.registry import gateway_service
from simulator.systems.common import document_errors

BEARER = [{"bearer": []}]  # the OpenAPI security requirement of a gateway-token call


def ministry_operation(
    blp: Blueprint,
    service: str,
    summary: str,
    *,
    reply: type[Schema],
    error: type[Schema],
    statuses: tuple[int, ...],
    body: type[Schema] | None = None,
) -> Callable:
    """Decorator: view `service` of `blp`, loading `body` (if any), answering `reply`, erring as `error`.

    `summary` is the gateway's description of the service; `statuses` the error statuses the
    view itself can answer (the gateway's 401 and 403 are always documented).
    """

    def decorate(view: Callable) -> Callable:
        view = blp.doc(security=BEARER)(view)
        view = document_errors(blp, error, statuses)(view)
        view = blp.response(200, reply)(view)
        if body is not None:
            view = blp.arguments(body)(view)
        return gateway_service(service, summary)(view)

    return decorate
