"""Which simulated system, operation and province client a request is for (the fault engine's view).

The portal dispatches on the body's `service` and names its caller by `madonvi` (or the
handshake's username); ministry systems are reached on their own prefix or through the
gateway (`/ngsp/{system}/...`), where the caller is the province behind the bearer token.
The client is the calling province as `H` + its code (`H56`), the form agency codes use.
A request through the gateway also matches rules written for the system `gateway`, so a
gateway delay and a ministry delay add up. The sandbox's own routes (admin, docs, metrics,
REST view, dashboard) are not simulated: no faults, no journal row.
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.catalogue import province_of_agency
from simulator.db import database
from simulator.faults import RequestInfo
from simulator.faults.matching import RequestView
from simulator.faults.wsgi_body import json_body, read_body
from simulator.gateway import tokens
from simulator.portal.schemas import SERVICE_SCHEMAS
from simulator.systems import registry
from simulator.systems.payment import signing as payment_messages


def make_classifier(db_path: str, max_body_bytes: int) -> Callable[[dict], RequestInfo | None]:
    """Build classify(environ) for this app's URL layout."""

    def token_province(environ: dict) -> str | None:
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        # An expired token still names its province: rules written for a client apply to its 401s too.
        row = tokens.lookup(database(db_path), token.strip(), environ)
        return f"H{row[0]}" if row else None

    prefixes = registry.prefixes()

    def classify(environ: dict) -> RequestInfo | None:
        info = classify_system(environ)
        if info is not None:
            info.view = RequestView.from_environ(environ, read_body(environ, max_body_bytes))
        return info

    def classify_system(environ: dict) -> RequestInfo | None:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path.startswith("/dvcqg/api/"):
            body = json_body(environ, max_body_bytes)
            body = body if isinstance(body, dict) else {}
            if path.rstrip("/") == "/dvcqg/api/auth":
                username = body.get("username")
                client = f"H{username[-2:]}" if isinstance(username, str) and username[-2:].isdigit() else None
                return RequestInfo("portal", "auth", method, client, path)
            service = body.get("service")
            # Any JSON may arrive: only a string can name a service (a list here was a classifier crash).
            operation = service if isinstance(service, str) and service in SERVICE_SCHEMAS else ("unknown" if service else None)
            madonvi = body.get("madonvi")
            province = province_of_agency(madonvi) if isinstance(madonvi, str) else None
            return RequestInfo("portal", operation, method, f"H{province}" if province else None, path)
        if path.startswith("/ngsp/"):
            parts = path.split("/", 4)  # ["", "ngsp", system, op, rest]
            system = parts[2] if len(parts) > 2 else ""
            if system in ("token", "services") or system not in prefixes:
                return RequestInfo("gateway", system or None, method, token_province(environ), path)
            operation = parts[3] if len(parts) > 3 and parts[3] else None
            if system == "payment":
                operation, client = payment_messages.classify(operation or "", json_body(environ, max_body_bytes))
                return RequestInfo(system, operation, method, token_province(environ) or client, path, via="gateway")
            return RequestInfo(system, operation, method, token_province(environ), path, via="gateway")
        for system, prefix in prefixes.items():
            if path == prefix or path.startswith(prefix + "/"):
                rest = path[len(prefix) :].strip("/")
                operation = rest.split("/", 1)[0] or None
                if system == "payment":  # payment messages are named by their LoaiBanTin (INIT, QUERY, GET_BILL)
                    operation, client = payment_messages.classify(rest, json_body(environ, max_body_bytes))
                    return RequestInfo(system, operation, method, token_province(environ) or client, path)
                return RequestInfo(system, operation, method, token_province(environ), path)
        return None

    return classify
