"""Fast regressions for what the contract fuzzing found, through the Flask test client."""

from __future__ import annotations

from werkzeug.test import EnvironBuilder

from simulator.fault_classifier import make_classifier
from tests.conftest import ADMIN
from tests.hardening.callers import gateway_token_for


def test_journal_offset_beyond_64_bits_is_refused_not_a_500(client):
    reply = client.get("/sandbox/journal?offset=273067505177130377329801298968576", headers=ADMIN)
    assert reply.status_code == 422
    assert "offset" in reply.get_json()["message"]


def test_journal_status_filter_must_be_an_http_status(client):
    assert client.get("/sandbox/journal?status=74391795825", headers=ADMIN).status_code == 422
    assert client.get("/sandbox/journal?status=503", headers=ADMIN).status_code == 200


def test_unroutable_gateway_path_answers_in_the_gateway_shape(client):
    reply = client.get("/ngsp/Inf/%C2%A1%0A%C3%8F")
    assert reply.status_code == 404
    assert set(reply.get_json()) == {"error", "error_description"}


def test_admin_replies_are_documented(client):
    spec = client.get("/openapi.json").get_json()["paths"]
    for path, method in [
        ("/sandbox/clock", "get"),
        ("/sandbox/journal", "get"),
        ("/sandbox/reset", "post"),
        ("/sandbox/scenarios", "get"),
        ("/sandbox/scenarios/status", "get"),
    ]:
        assert "200" in spec[path][method]["responses"], path


def test_soap_errors_are_documented_as_xml(client):
    responses = client.get("/openapi.json").get_json()["paths"]["/population/lookup"]["post"]["responses"]
    assert "text/xml" in responses["400"]["content"]


def test_token_endpoint_with_non_object_json_is_an_oauth_error_not_a_500(client):
    for body in ('"text"', "[]", "1e400", "null"):
        reply = client.post("/ngsp/token", data=body, content_type="application/json")
        assert reply.status_code == 401 and reply.get_json()["error"] == "invalid_client", body


def test_every_operation_with_a_json_body_documents_the_400_of_a_body_that_does_not_parse(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method == "parameters":  # path-level parameters, not an operation
                continue
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                assert "400" in operation["responses"], (method, path)


def test_admin_rule_and_gateway_right_errors_are_documented(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for method in ("get", "put", "delete"):
        assert "401" in paths["/sandbox/rules/{rule_id}"][method]["responses"]
    assert "404" in paths["/sandbox/gateway/rights/{province}"]["put"]["responses"]


def test_an_empty_required_id_is_refused_at_submission_not_stored_to_crash_later(client):

    headers = {"Authorization": f"Bearer {gateway_token_for(client, '56')}"}
    marriage = {
        "maHoSo": "000.00.01.H56-261126-0009",
        "chongSoDinhDanh": "",
        "chongHoTen": "A",
        "voSoDinhDanh": "",
        "voHoTen": "B",
        "nycHoTen": "C",
        "nycSoDinhDanh": "001088000004",
    }
    reply = client.post("/civil_status/marriages", json=marriage, headers=headers)
    assert reply.status_code == 400 and "chongSoDinhDanh" in reply.get_data(as_text=True)
    assert client.get("/civil_status/dossiers", headers=headers).status_code == 200


def test_a_portal_body_whose_service_is_not_a_string_is_classified_not_crashed(app):

    classify = make_classifier(app.config["SANDBOX"]["db"], app.config["SANDBOX"]["max_body_bytes"])
    environ = EnvironBuilder(path="/dvcqg/api/service", method="POST", json={"service": ["TraCuuHoSo"]}).get_environ()
    assert classify(environ).operation == "unknown"
