"""A ready-made `classify(environ)` for the middleware: system by URL prefix.

The app owns its URL layout, so it passes the mapping; for systems that dispatch on a body
field (the portal's single integration endpoint uses `service`), the operation is read from
the JSON body through `wsgi_body.json_body`, which leaves the body readable for the app.
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.faults.engine import RequestInfo
from simulator.faults.matching import RequestView
from simulator.faults.wsgi_body import json_body, read_body


def prefix_classifier(
    prefixes: dict[str, str],
    body_operation: dict[str, str] | None = None,
    body_client: dict[str, str] | None = None,
    client_header: str = "X-Sandbox-Client",
    max_body_bytes: int = 2_000_000,
    known_operations: dict[str, set[str]] | None = None,
) -> Callable[[dict], RequestInfo | None]:
    """Build classify(environ): `prefixes` maps URL prefix → system (longest wins).

    The operation is the body field named in `body_operation[system]` (e.g. portal → service)
    or else the first path segment after the prefix. The client is the body field in
    `body_client[system]` (e.g. portal → madonvi), else the `client_header` header.
    Paths under no prefix are not simulated (None). When `known_operations[system]` is given,
    any other operation is reported as "unknown", so a client inventing `service` names cannot
    grow the metrics' label set without bound.
    """
    ordered = sorted(prefixes.items(), key=lambda kv: len(kv[0]), reverse=True)
    body_operation = body_operation or {}
    body_client = body_client or {}
    header_key = "HTTP_" + client_header.upper().replace("-", "_")

    def classify(environ: dict) -> RequestInfo | None:
        path = environ.get("PATH_INFO", "")
        for prefix, system in ordered:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                break
        else:
            return None
        rest = path[len(prefix.rstrip("/")) :].strip("/")
        operation = rest.split("/", 1)[0] or None
        client = environ.get(header_key) or None
        if system in body_operation or system in body_client:
            body = json_body(environ, max_body_bytes)
            if isinstance(body, dict):
                if system in body_operation and isinstance(body.get(body_operation[system]), str):
                    operation = body[body_operation[system]]
                if system in body_client and isinstance(body.get(body_client[system]), str):
                    client = body[body_client[system]]
        if known_operations and system in known_operations and operation not in known_operations[system]:
            operation = "unknown"
        view = RequestView.from_environ(environ, read_body(environ, max_body_bytes))
        return RequestInfo(system, operation, environ.get("REQUEST_METHOD", "GET"), client, path, view=view)

    return classify
