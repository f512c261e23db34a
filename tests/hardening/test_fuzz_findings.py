"""Fast regressions for what the contract fuzzing found, through the Flask test client."""

from __future__ import annotations

from tests.conftest import ADMIN_TOKEN

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


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
