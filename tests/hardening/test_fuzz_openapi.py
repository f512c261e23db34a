"""Property-based fuzzing of every operation in the sandbox's own `/openapi.json` (schemathesis).

A real served process (gunicorn + gevent, faults off) answers generated requests, valid and
invalid, with valid credentials attached so the fuzzer gets past 401 and reaches the handlers.
Every answer must be no 5xx, a documented status code, documented content type and match the
documented schema. Deterministic (fixed seed, derandomized) and bounded (a few examples per
operation) so it stays a normal part of the suite.
"""

from __future__ import annotations

import os
import tempfile

import pytest
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
    path = case.operation.path
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
