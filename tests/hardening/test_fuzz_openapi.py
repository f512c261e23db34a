"""Property-based fuzzing of every operation in the sandbox's own `/openapi.json` (schemathesis).

A real served process (gunicorn + gevent, faults off) answers generated requests, valid and
invalid, with valid credentials attached so the fuzzer gets past 401 and reaches the handlers.
Every answer must be no 5xx, a documented status code, documented content type and match the
documented schema. Deterministic (fixed seed, derandomized) and bounded (a few examples per
operation) so it stays a normal part of the suite.
"""

from __future__ import annotations

import http.client
import os
import re
import tempfile

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from simulator.app import create_app
from simulator.systems import registry
from tests.conftest import LiveSandbox
from tests.hardening.callers import Callers, callers_for, login, seed_dossiers

pytestmark = pytest.mark.live


def status_explicitly_documented(ctx, response, case) -> None:
    """Stricter than status_code_conformance: flask-smorest documents a `default` reply on every
    operation, which would make any status "documented"; each status must be listed itself."""
    responses = case.operation.definition.raw.get("responses", {})
    status = str(response.status_code)
    if status not in responses and f"{status[0]}XX" not in responses:
        documented = ", ".join(sorted(k for k in responses if k != "default"))
        raise AssertionError(f"{case.operation.label} answered {status}, documented only {documented}")


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    status_explicitly_documented,
    content_type_conformance,
    response_schema_conformance,
]
# About 90 s for the whole document; SANDBOX_FUZZ_EXAMPLES raises it for a deeper run by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("SANDBOX_FUZZ_EXAMPLES", "100"))
# Unknown query parameters are ignored by design (as most HTTP APIs do): not a negative case.
CONFIG = schemathesis.Config.from_dict({"request-timeout": 15, "generation": {"allow-extra-parameters": False}})
# Run last, in this order: they end the sessions and tokens the other operations are fuzzed with.
DESTRUCTIVE = ("/sandbox/credentials/{province}/rotate", "/sandbox/credentials/{province}/rotation", "/sandbox/reset")


@pytest.fixture(scope="module")
def fuzzed_sandbox(tmp_path_factory):
    """A served sandbox (faults off, no push runner noise) with a few dossiers, and its callers."""
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    sandbox = LiveSandbox(path, extra_env={"SANDBOX_FAULTS_ENABLED": "0"}).start()
    seed_dossiers(login(sandbox.base))
    try:
        yield sandbox, callers_for(sandbox)
    finally:
        sandbox.stop()


@pytest.fixture(scope="module")
def api_schema(fuzzed_sandbox):
    """The served process's own OpenAPI document."""
    sandbox, _ = fuzzed_sandbox
    return schemathesis.openapi.from_url(sandbox.base + "/openapi.json", config=CONFIG)


@pytest.fixture(scope="module")
def callers(fuzzed_sandbox) -> Callers:
    """Valid credentials for the served sandbox."""
    return fuzzed_sandbox[1]


def auth_headers(case, callers: Callers) -> dict:
    """The credential each operation needs, by path prefix."""
    return auth_headers_for(case.operation.path, callers)


def auth_headers_for(path: str, callers: Callers) -> dict:
    """The credential a documented path needs, by its prefix."""
    if path.startswith("/sandbox/"):
        return {"Authorization": f"Bearer {callers.admin_token}"}
    if path == "/ngsp/token":
        return {"Authorization": callers.gateway_basic}
    if path.startswith("/ngsp/") or path.startswith(tuple(registry.prefixes().values())):
        return {"Authorization": f"Bearer {callers.gateway_token}"}
    if path.startswith("/api/v1/"):
        return {"Authorization": f"Bearer {callers.session}"}
    return {}


def with_portal_session(case, callers: Callers) -> None:
    """The portal carries its session in the body: put a valid one there, and the caller's unit."""
    if case.operation.path == "/dvcqg/api/service" and isinstance(case.body, dict):
        case.body["session"] = callers.session
        case.body["madonvi"] = callers.madonvi


def spec_operations() -> list[str]:
    """Every operation label ("GET /path") the app documents, the destructive ones last."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = create_app({"db": f"{tmp}/spec.db", "admin_token": "x", "TESTING": True}).test_client().get("/openapi.json")
        paths = spec.get_json()["paths"]
    labels = [f"{method.upper()} {path}" for path, ops in paths.items() for method in ops if method in HTTP_METHODS]
    last = {path: n for n, path in enumerate(DESTRUCTIVE, start=1)}
    return sorted(labels, key=lambda label: last.get(label.split(" ", 1)[1], 0))


HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.mark.parametrize("label", spec_operations())
def test_operation_answers_as_documented(label, api_schema, callers):
    """No 5xx, no undocumented status or content type, and every body matches its documented schema."""
    operation = api_schema.find_operation_by_label(label)
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        with_portal_session(case, callers)
        checks = CHECKS if operation.path.startswith("/dvcqg/") else CHECKS + [negative_data_rejection, ignored_auth]
        case.call_and_validate(base_url=callers.base, headers=auth_headers(case, callers), checks=checks)

    fuzz()


# Hostile JSON shapes a fuzzer found answering 500 (RecursionError, int() over 4,300 digits,
# UnicodeEncodeError): each must be refused with a 400 naming the reason, on every route.
HOSTILE_BODIES = {
    "nested 10,000 deep": (b"[" * 10_000 + b"]" * 10_000, "nested deeper"),
    "object nested 10,000 deep": (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, "nested deeper"),
    "integer of 5,000 digits": (b'{"service":"LayDanhSachHoSo","n":' + b"9" * 5_000 + b"}", "digits"),
    "lone surrogate": (b'{"service":"\\ud800","MaHoSo":"\\udc00"}', "surrogate"),
}


def json_body_operations() -> list[tuple[str, str]]:
    """(method, path) of every documented operation that takes a JSON body."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = create_app({"db": f"{tmp}/spec.db", "admin_token": "x", "TESTING": True}).test_client().get("/openapi.json")
        paths = spec.get_json()["paths"]
    return [
        (method.upper(), path)
        for path, ops in paths.items()
        for method, op in ops.items()
        if method in HTTP_METHODS and "application/json" in op.get("requestBody", {}).get("content", {})
    ]


@pytest.mark.parametrize("shape", sorted(HOSTILE_BODIES))
def test_every_json_route_refuses_hostile_bodies_with_a_400_naming_the_reason(shape, fuzzed_sandbox, callers):
    sandbox, _ = fuzzed_sandbox
    body, reason = HOSTILE_BODIES[shape]
    operations = json_body_operations()
    assert len(operations) > 20  # the document really lists the routes
    for method, path in operations:
        url = sandbox.base + re.sub(r"\{[^}]+\}", "56", path)
        headers = {"Content-Type": "application/json", **auth_headers_for(path, callers)}
        reply = requests.request(method, url, data=body, headers=headers, timeout=15)
        assert reply.status_code in (400, 413), (method, path, reply.status_code, reply.text[:200])
        assert reason in reply.text, (method, path, reply.text[:200])


def test_a_non_ascii_byte_in_the_basic_header_is_a_gateway_400(fuzzed_sandbox):
    sandbox, _ = fuzzed_sandbox
    conn = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=10)
    conn.putrequest("POST", "/ngsp/token")
    conn.putheader("Authorization", b"Basic \xe9\xff==")
    conn.putheader("Content-Type", "application/x-www-form-urlencoded")
    conn.putheader("Content-Length", "29")
    conn.endheaders(b"grant_type=client_credentials")
    reply = conn.getresponse()
    text = reply.read().decode()
    assert reply.status == 400 and "invalid_request" in text and "base64" in text
