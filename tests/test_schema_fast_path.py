"""The compiled fast path for flat string schemas loads exactly what marshmallow loads, errors included."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, validate

import simulator
from simulator import schema_cache
from simulator.portal.schemas import SERVICE_SCHEMAS
from simulator.systems.population.schemas import PopulationRequest


def _all_schemas() -> list[type[Schema]]:

    for module in pkgutil.walk_packages(simulator.__path__, "simulator."):
        if module.name not in ("simulator.wsgi", "simulator.gunicorn_conf", "simulator.__main__"):
            importlib.import_module(module.name)  # every feature's schemas
    seen, todo = set(), list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.add(cls)
            todo.extend(cls.__subclasses__())
    return sorted((c for c in seen if c.__module__.startswith("simulator")), key=lambda c: c.__qualname__)


def _fast_schemas() -> list[type[Schema]]:
    out = []
    for cls in _all_schemas():
        try:
            if schema_cache.has_fast_path(schema_cache.schema_instance(cls)):
                out.append(cls)
        except TypeError:  # a schema that needs constructor arguments
            continue
    return out


FAST = _fast_schemas()


def _values(schema: Schema):
    """Bodies naming every field (some dropped, some extra), valued around each field's validators."""
    names = list(schema.load_fields)
    text = st.text(alphabet=st.sampled_from("0123456789aZ .-_ạ"), max_size=70)
    edge = st.sampled_from(["", " ", "1", "001088000004", "x" * 64, "x" * 65, "20240315", "2024031", "H56"])
    wrong = st.one_of(st.none(), st.integers(), st.booleans(), st.lists(st.text(max_size=2), max_size=2))
    value = st.one_of(text, edge, edge, wrong)
    full = st.fixed_dictionaries({name: value for name in names})
    extra = st.dictionaries(st.text(max_size=6), value, max_size=2)
    drop = st.sets(st.sampled_from(names), max_size=2) if names else st.just(set())
    return st.tuples(full, extra, drop).map(lambda t: {**{k: v for k, v in t[0].items() if k not in t[2]}, **t[1]})


def _outcome(load, schema, data):
    try:
        return "ok", load(data)
    except ValidationError as err:
        return "error", err.messages


def test_the_busiest_request_schemas_have_a_fast_path():
    assert schema_cache.has_fast_path(schema_cache.schema_instance(PopulationRequest))
    assert schema_cache.has_fast_path(schema_cache.schema_instance(SERVICE_SCHEMAS["TraCuuHoSo"]))


def test_schemas_with_nested_or_typed_fields_keep_marshmallow():
    class Mixed(Schema):
        name = fields.String(required=True)
        count = fields.Integer()

    class WithDefault(Schema):
        name = fields.String(load_default="x")

    assert not schema_cache.has_fast_path(Mixed())
    assert not schema_cache.has_fast_path(WithDefault())


@pytest.mark.parametrize("schema_class", FAST, ids=lambda c: c.__qualname__)
@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fast_load_gives_marshmallows_result_or_its_exact_error(schema_class, data):
    schema = schema_cache.schema_instance(schema_class)
    body = data.draw(_values(schema))
    assert _outcome(lambda d: schema_cache.load(schema, d), schema, body) == _outcome(schema.load, schema, body)


def test_unknown_fields_are_kept_for_include_schemas_and_dropped_otherwise():
    class Kept(Schema):
        class Meta:
            unknown = INCLUDE

        a = fields.String(required=True, validate=validate.Length(max=3))

    class Dropped(Schema):
        a = fields.String(required=True, validate=validate.OneOf(["x", "y"]))

    Dropped.Meta = type("Meta", (), {"unknown": EXCLUDE})
    kept, dropped = Kept(), Dropped(unknown=EXCLUDE)
    assert schema_cache.load(kept, {"a": "abc", "z": [1]}) == {"a": "abc", "z": [1]} == kept.load({"a": "abc", "z": [1]})
    assert schema_cache.load(dropped, {"a": "x", "z": 1}) == {"a": "x"}
    with pytest.raises(ValidationError) as err:
        schema_cache.load(dropped, {"a": "q"})
    assert err.value.messages == {"a": ["Must be one of: x, y."]}
