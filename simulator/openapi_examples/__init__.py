"""Request-body and path-parameter examples for `/openapi.json`, so Swagger UI's "Try it out" works as is.

Every operation with a request body has one builder here, keyed by (method, path template). The
examples are computed when the app is created, because what makes them valid depends on the
sandbox seed: province 56's portal credentials, the payment platform's shared secret (MaXacThuc),
and the names and birth dates the population derives for the personas' IDs. Values a sandbox cannot
know in advance (a portal `session`, a payment page token) are placeholders whose description says
where to get them. A test (tests/test_openapi_examples.py) sends every example to a served sandbox and
fails on an operation without one.
"""

from __future__ import annotations

import copy

from simulator.clients import by_province
from simulator.openapi_examples import administration, ministries, payment, portal
from simulator.openapi_examples.base import EXAMPLES, PROVINCE, Bodies, Context
from simulator.openapi_examples.parameters import set_parameter_examples
from simulator.systems import people

# Importing the feature modules registers their builders in EXAMPLES.
FEATURES = (portal, administration, ministries, payment)


def _context(sandbox: dict) -> Context:
    return Context(
        client=by_province(sandbox["seed"], PROVINCE),
        population=people.population(sandbox["seed"], sandbox["missing_share"], sandbox["identity_cache_size"]),
    )


def _set_body_examples(operation: dict, bodies: Bodies) -> None:
    body = copy.deepcopy(operation["requestBody"])  # content dicts may be shared between operations
    for media, named in bodies.items():
        content = body["content"].get(media)
        if content is None:
            raise KeyError(f"example for media type {media} the operation does not take")
        if len(named) == 1:
            (entry,) = named.values()
            content["example"] = entry["value"]
            if entry.get("description"):
                body["description"] = f"Try it out: {entry['description']}"
        else:
            content["examples"] = named
    operation["requestBody"] = body


def apply(spec, sandbox: dict) -> None:
    """Put the examples into an apispec spec whose blueprints are registered (call once per app)."""
    ctx = _context(sandbox)
    for path, item in spec._paths.items():  # apispec keeps registered paths here; to_dict() reads them
        set_parameter_examples(ctx, path, item.get("parameters", []))
        for method, operation in item.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            set_parameter_examples(ctx, path, operation.get("parameters", []))
            builder = EXAMPLES.get((method, path))
            if builder is not None and "requestBody" in operation:
                _set_body_examples(operation, builder(ctx))
