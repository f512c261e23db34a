"""ministry_operation and required_strings: one declaration documents and guards a ministry view."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from simulator.systems.operations import required_strings

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


def test_required_strings_declares_required_text_in_order_with_descriptions():
    class Reply(required_strings("maHoSo trangThai lyDo", trangThai="1 received, 4 done")):
        """A reply with one more field after the text ones."""

    schema = Reply()
    assert list(schema.fields) == ["maHoSo", "trangThai", "lyDo"]
    assert all(field.required for field in schema.fields.values())
    assert schema.fields["trangThai"].metadata == {"description": "1 received, 4 done"}
    with pytest.raises(ValidationError) as missing:
        schema.load({"maHoSo": "A", "trangThai": "1"})
    assert missing.value.messages == {"lyDo": ["Missing data for required field."]}


def test_required_strings_refuses_a_description_of_an_unlisted_field():
    with pytest.raises(ValueError, match="trangThia"):
        required_strings("maHoSo trangThai", trangThia="typo")
