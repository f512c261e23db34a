"""Swagger UI's "Try it out" works for every operation: each body example in /openapi.json, sent as is
(with the caller's credentials, a real portal session for the documented placeholder and the payment
page token of an INIT), is accepted by a served sandbox in that system's own terms."""

from __future__ import annotations

import tempfile
from urllib.parse import urlencode

import pytest
import requests

from simulator.app import create_app
from simulator.systems import registry
from tests.conftest import ADMIN_TOKEN, SEED, LiveSandbox
from tests.hardening.callers import callers_for

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
SESSION_PLACEHOLDER = "<session from POST /dvcqg/api/auth>"
TOKEN_PLACEHOLDER = "<token from UrlThanhToan>"
# State-dependent calls in the order a vendor would click them: the portal dossier before its rating,
# a payment INIT before its page and bill, the admin calls that change the sandbox last, reset at the end.
# (path, example name or None); anything not listed runs between the ministries and the admin calls.
ORDER = [
    ("/dvcqg/api/auth", None),
    ("/dvcqg/api/service", None),
    ("/api/v1/dossiers/{code}/rating", None),
    ("/population/", None),
    ("/civil_status/", None),
    ("/judicial_record/requests", None),
    ("/judicial_record/lltp", None),
    ("/judicial_record/lltp/status", None),
    ("/environment/dossiers", None),
    ("/environment/dossiers/{maHoSoMCDT}/supplement", None),
    ("/payment/init", None),
    ("/payment/query", None),
    ("/payment/pay/{token}", None),
    ("/payment/bill", None),
    ("/payment/messages", "INIT"),
    ("/payment/messages", "QUERY"),
    ("/payment/pay/{token}/decision", None),
    ("/payment/messages", "GET_BILL"),
    ("*", None),
    ("/sandbox/gateway/", None),
    ("/sandbox/connectors/{province}", None),
    ("/sandbox/callbacks/test", None),
    ("/sandbox/submissions", None),
    ("/sandbox/arrivals", None),
    ("/sandbox/certify/", None),
    ("/sandbox/certify", None),
    ("/sandbox/scenarios/", None),
    ("/sandbox/clock", None),
    ("/sandbox/rules", None),
    ("/sandbox/rules/{rule_id}", None),
    ("/sandbox/reset", None),
]
# Answers that are not about the example's validity: the environment dossier asks for a supplement
# only by a seeded draw, so its supplement may be refused 409 (not in status 3).
STATE_REFUSALS = {("/environment/dossiers/{maHoSoMCDT}/supplement", 409)}


def spec_document() -> dict:
    """The OpenAPI document of an app on the test seed."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"db": f"{tmp}/spec.db", "seed": SEED, "admin_token": ADMIN_TOKEN, "TESTING": True})
        return app.test_client().get("/openapi.json").get_json()


def body_examples(document: dict) -> tuple[list[dict], list[str]]:
    """(every example to send, operations or media types that lack one)."""
    found, missing = [], []
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not operation or "requestBody" not in operation:
                continue
            params = [*item.get("parameters", []), *operation.get("parameters", [])]
            for media, content in operation["requestBody"]["content"].items():
                named = content.get("examples") or ({None: {"value": content["example"]}} if "example" in content else {})
                if not named:
                    missing.append(f"{method.upper()} {path} ({media})")
                for name, entry in named.items():
                    found.append(
                        {"method": method, "path": path, "media": media, "name": name, "value": entry["value"],
                         "params": {p["name"]: p.get("example") for p in params if p.get("in") == "path"}}
                    )  # fmt: skip
    return found, missing


def rank(step: dict) -> int:
    """Position of an example in ORDER: its own (path, name) entry, else the path's, else a prefix, else "*"."""
    for matches in (
        lambda path, name: path == step["path"] and name is not None and name == step["name"],
        lambda path, name: path == step["path"] and name is None,
        lambda path, name: path.endswith("/") and step["path"].startswith(path),
    ):
        for n, (path, name) in enumerate(ORDER):
            if matches(path, name):
                return n
    return ORDER.index(("*", None))


def test_every_body_operation_has_an_example_for_each_media_type():
    """A new operation without an example fails here, by name."""
    _, missing = body_examples(spec_document())
    assert not missing, "operations without a Try-it-out example: " + ", ".join(missing)


def test_every_portal_service_has_a_named_example():
    """The portal's single endpoint offers one example per `service`, picked in Swagger UI."""
    from simulator.portal.schemas import SERVICE_SCHEMAS

    content = spec_document()["paths"]["/dvcqg/api/service"]["post"]["requestBody"]["content"]["application/json"]
    assert set(content["examples"]) == set(SERVICE_SCHEMAS)
    assert all(entry["value"]["service"] == name for name, entry in content["examples"].items())


def test_path_parameters_carry_examples():
    """Every path parameter of the document shows a value to try."""
    document = spec_document()
    bare = [
        f"{path} {{{param['name']}}}"
        for path, item in document["paths"].items()
        for op in [item, *(item.get(m, {}) for m in HTTP_METHODS)]
        for param in op.get("parameters", [])
        if param.get("in") == "path" and "example" not in param and not path.startswith("/dashboard/static/")
    ]
    assert not bare, "path parameters without an example: " + ", ".join(sorted(set(bare)))


def refusal(step: dict, reply: requests.Response) -> str | None:
    """Why a reply says the example was not valid (or not authorised), in the system's own terms; None if fine."""
    path, status = step["path"], reply.status_code
    if (path, status) in STATE_REFUSALS:
        return None
    if status >= 400:
        return f"HTTP {status}: {reply.text[:300]}"
    body = reply.json() if reply.headers.get("Content-Type", "").startswith("application/json") else None
    if isinstance(body, dict):
        if path.startswith("/dvcqg/") and str(body.get("error_code")) not in ("0", "00"):
            return f"portal error_code {body.get('error_code')}: {body.get('message')}"
        if "MaLoi" in body and body["MaLoi"] != "00":
            return f"payment MaLoi {body['MaLoi']}: {body.get('MoTaLoi')}"
        if path.startswith("/population/") and str(body.get("error_code", "0")) != "0":
            return f"population error_code {body['error_code']}: {body.get('message')}"
    if "Fault>" in reply.text:
        return f"SOAP Fault: {reply.text[:300]}"
    return None


def credentials_for(path: str, callers) -> dict:
    """The Authorization a client of this path sends (Swagger UI's Authorize button)."""
    if path.startswith("/sandbox/"):
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    if path.startswith("/api/v1/"):
        return {"Authorization": f"Bearer {callers.session}"}
    if path.startswith(tuple(registry.prefixes().values())):
        return {"Authorization": f"Bearer {callers.gateway_token}"}
    return {}


@pytest.fixture
def examples_sandbox(tmp_path):
    """A served sandbox (faults off) and its callers' credentials."""
    sandbox = LiveSandbox(tmp_path / "examples.db", extra_env={"SANDBOX_FAULTS_ENABLED": "0"}).start()
    try:
        yield sandbox, callers_for(sandbox)
    finally:
        sandbox.stop()


def test_sending_every_example_as_is_answers_no_validation_error(examples_sandbox):
    """Each example, in a vendor's click order, is accepted by a served sandbox (payments paid, dossier rated)."""
    sandbox, callers = examples_sandbox
    steps, _ = body_examples(requests.get(sandbox.base + "/openapi.json", timeout=10).json())
    steps.sort(key=rank)
    tokens: list[str] = []  # payer page tokens from the INIT replies, used by the page operations in turn
    failures, sent = [], 0
    for step in steps:
        value = step["value"]
        if isinstance(value, dict) and value.get("session") == SESSION_PLACEHOLDER:
            value = {**value, "session": callers.session}
        path = step["path"]
        for name, example in step["params"].items():
            if example == TOKEN_PLACEHOLDER:
                example = tokens.pop(0) if tokens else "no-init-gave-a-token"
            path = path.replace("{" + name + "}", str(example))
        headers = {**credentials_for(step["path"], callers), "Content-Type": step["media"]}
        if step["media"] == "application/json":
            data = None
            json_body = value
        else:
            data = urlencode(value) if isinstance(value, dict) else value.encode()
            json_body = None
        reply = requests.request(step["method"], sandbox.base + path, data=data, json=json_body, headers=headers, timeout=15)
        sent += 1
        label = f"{step['method'].upper()} {step['path']} [{step['media']}{', ' + step['name'] if step['name'] else ''}]"
        why = refusal(step, reply)
        if why:
            failures.append(f"{label}: {why}")
        elif isinstance(value, dict) and value.get("LoaiBanTin") == "INIT":
            tokens.append(reply.json()["UrlThanhToan"].rsplit("/", 1)[-1])
    assert not failures, "\n".join(failures)
    assert sent >= 35 + 15 + 2  # every body operation, the other portal services and payment messages
