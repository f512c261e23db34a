"""ministry_operation: one declaration documents and guards a ministry view."""

from __future__ import annotations

import pytest

# Every view declared with ministry_operation, with its body schema (None: no body) and own error statuses.
DECLARED = [
    ("/environment/dossiers", "post", "DossierSubmission", "EnvironmentError", {"400", "404", "409", "422"}),
    ("/environment/dossiers/{maHoSoMCDT}", "get", None, "EnvironmentError", {"404"}),
    ("/judicial_record/requests", "post", "CertificateRequest", "JudicialError", {"400", "409", "422"}),
    ("/judicial_record/lltp/status", "post", "LgspStatusRequest", "JudicialError", {"400", "422"}),
]


@pytest.mark.parametrize(("path", "method", "body", "error", "statuses"), DECLARED)
def test_declared_operation_documents_body_errors_and_gateway_security(client, path, method, body, error, statuses):
    operation = client.get("/openapi.json").get_json()["paths"][path][method]
    assert operation["security"] == [{"bearer": []}]
    responses = operation["responses"]
    assert set(responses) - {"default"} == {"200", "401", "403", *statuses}  # flask-smorest adds "default"
    for status in statuses:
        assert responses[status]["content"]["application/json"]["schema"]["$ref"].endswith(f"/{error}")
    for status in ("401", "403"):
        assert responses[status]["content"]["application/json"]["schema"]["$ref"].endswith("/OAuthError")
    if body is None:
        assert "requestBody" not in operation
    else:
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(f"/{body}")


@pytest.mark.parametrize(("path", "method"), [("/environment/dossiers", "post"), ("/judicial_record/requests/X", "get")])
def test_declared_operation_refuses_a_call_without_gateway_token(client, path, method):
    reply = getattr(client, method)(path, json={})
    assert reply.status_code == 401 and reply.get_json()["error"] == "invalid_token"
