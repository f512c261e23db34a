"""The shared pieces a system is declared with: its entry in systems.json, its error format
table, its reply schemas' plain string fields and its per-worker caches."""

from __future__ import annotations

import json

import pytest
import sqlite_utils

from simulator.systems import registry
from simulator.systems.common import string_fields
from simulator.systems.errors import ErrorFormat
from simulator.systems.registry import Labels
from simulator.worker_cache import PerConnection

TABLE = ErrorFormat("code", "text", {404: "NF", 429: "SLOW"}, server="SYS", other="BAD", codes={"rule": "RULE"})


@pytest.mark.parametrize(
    "status, code, wire",
    [(400, "rule", "RULE"), (404, "rule", "RULE"), (404, None, "NF"), (429, None, "SLOW"), (503, None, "SYS"), (415, None, "BAD")],
)
def test_an_error_format_answers_the_views_code_then_the_status_then_its_class(status, code, wire):
    assert TABLE(status, "why", code) == {"code": wire, "text": "why"}


def test_an_unknown_view_code_falls_back_to_the_status_unless_codes_pass_through():
    assert TABLE(404, "why", "unlisted")["code"] == "NF"
    passing = ErrorFormat("maLoi", "moTa", pass_codes=True, constant={"DuLieu": None})
    assert passing(409, "taken", "04") == {"maLoi": "04", "moTa": "taken", "DuLieu": None}
    assert passing(409, "taken") == {"maLoi": "409", "moTa": "taken", "DuLieu": None}


def test_the_error_schema_describes_the_body_the_format_builds():
    passing = ErrorFormat("maLoi", "moTa", pass_codes=True, constant={"DuLieu": None})
    schema = passing.schema("SomeError")()
    assert schema.validate(passing(500, "down")) == {}
    assert set(schema.validate({})) == {"maLoi", "moTa", "DuLieu"}


@pytest.mark.parametrize(
    "system, status, code, body",
    [
        ("population", 400, "invalid_identifier", {"error_code": "2", "message": "m"}),
        ("population", 403, None, {"error_code": "3", "message": "m"}),
        ("population", 429, None, {"error_code": "8", "message": "m"}),
        ("population", 502, None, {"error_code": "9", "message": "m"}),
        ("social_insurance", 404, None, {"MaLoi": "02", "MoTaLoi": "m", "DuLieu": None}),
        ("social_insurance", 415, None, {"MaLoi": "04", "MoTaLoi": "m", "DuLieu": None}),
        ("social_insurance", 400, None, {"MaLoi": "01", "MoTaLoi": "m", "DuLieu": None}),
        ("business_registration", 400, "missing", {"MaLoi": "THIEU_THAM_SO", "ThongBao": "m"}),
        ("business_registration", 409, None, {"MaLoi": "YEU_CAU_KHONG_HOP_LE", "ThongBao": "m"}),
        ("business_registration", 500, None, {"MaLoi": "LOI_HE_THONG", "ThongBao": "m"}),
        ("judicial_record", 503, None, {"statusCode": "01", "errorDetail": "m"}),
        ("environment", 422, None, {"success": False, "errorCode": "422", "errorMessage": "m"}),
        ("payment", 404, None, {"MaLoi": "05", "MoTaLoi": "m"}),
        ("payment", 200, "03", {"MaLoi": "03", "MoTaLoi": "m"}),
        ("payment", 429, None, {"MaLoi": "99", "MoTaLoi": "m"}),
    ],
)
def test_each_systems_error_table_keeps_the_codes_its_docstring_lists(system, status, code, body):
    assert registry.get(system).error_body(status, "m", code) == body


def test_a_system_takes_its_labels_and_settings_from_systems_json():
    entry = next(e for e in json.loads(registry.DATA_FILE.read_text(encoding="utf-8"))["systems"] if e["name"] == "environment")
    spec = registry.system("environment", "somewhere")
    assert (spec.labels.label_vi, spec.labels.sector_en, spec.labels.description) == (
        entry["label_vi"],
        entry["sector_en"],
        entry["description"],
    )
    assert spec.settings == tuple(entry["settings"]) and spec.prefix == "/environment"
    assert registry.system("gateway", "somewhere", ministry=False).prefix is None


def test_a_system_missing_from_systems_json_must_bring_its_labels():
    with pytest.raises(ValueError, match="systems.json"):
        registry.system("unlisted", __name__)
    spec = registry.system("unlisted", __name__, labels=Labels("a", "b", "c", "d"), settings=("seed",))
    assert spec.as_dict()["label_en"] == "b" and "description" not in spec.as_dict() and spec.settings == ("seed",)


def test_every_entry_of_systems_json_is_declared_by_the_module_it_names():
    for module in registry.modules():
        assert [s.name for s in registry.systems() if s.module == module], module
    assert [s.module for s in registry.systems()] == list(registry.modules())


def test_a_systems_blueprint_is_named_prefixed_and_described_from_its_spec():
    spec = registry.get("social_insurance")
    blp = registry.blueprint(spec)
    assert (blp.name, blp.url_prefix, blp.description) == ("social_insurance", "/social_insurance", spec.labels.description)
    assert registry.blueprint(registry.get("portal"), url_prefix="/dvcqg/api").url_prefix == "/dvcqg/api"


def test_string_fields_declares_required_strings_in_wire_order():
    class Reply(string_fields("MaLoi MoTaLoi HoVaTen")):
        """A reply."""

    assert list(Reply._declared_fields) == ["MaLoi", "MoTaLoi", "HoVaTen"]
    assert set(Reply().validate({"MaLoi": 1})) == {"MaLoi", "MoTaLoi", "HoVaTen"}


def test_a_worker_cache_is_one_object_per_database_connection():
    caches = PerConnection(dict)
    first, second = sqlite_utils.Database(memory=True), sqlite_utils.Database(memory=True)
    caches.get(first)["k"] = 1
    assert caches.get(first) == {"k": 1} and caches.get(second) == {} and caches.get(first) is caches.get(first)
