"""Reused marshmallow schema instances, and a fast path for loading flat string-only schemas.

Building a schema deep-copies its fields, loading with one does not, so every hot route reuses
one instance (`schema_instance`). `load` goes further for the schemas the busiest operations use
(the population request, the portal's look-ups): when a schema has only plain `String` fields
whose validators are `Length`, `Regexp` or `OneOf`, and no hooks, a compiled plan checks a body
in a few microseconds. The plan only ever *accepts*: any doubt (a missing required field, a
non-string, a validator failing, an unknown field a RAISE schema would refuse) hands the body to
marshmallow itself, so every error message is marshmallow's own, word for word.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from marshmallow import EXCLUDE, INCLUDE, Schema, fields, missing, validate

# (name, required, checks); a check is ("len", min, max, equal) / ("re", compiled) / ("in", choices)
_Plan = tuple[tuple[str, bool, tuple[tuple, ...]], ...]


@cache
def schema_instance(schema_class: type[Schema]) -> Schema:
    """The shared instance of a schema class (schemas keep no state between loads)."""
    return schema_class()


def load(schema: Schema, data: Any) -> dict:
    """`schema.load(data)`, through the compiled plan when the schema allows one (same result)."""
    plan = _plan_for(schema)
    if plan is not None and isinstance(data, dict):
        loaded = _run(plan, schema.unknown, data)
        if loaded is not None:
            return loaded
    return schema.load(data)


def has_fast_path(schema: Schema) -> bool:
    """Whether `load` can check this schema without marshmallow (tests and docs use it)."""
    return _plan_for(schema) is not None


@cache
def _plan_for(schema: Schema) -> _Plan | None:
    if schema.many or any(schema._hooks.values()) or schema.unknown not in (EXCLUDE, INCLUDE):
        return None
    plan = []
    for name, field in schema.load_fields.items():
        if type(field) is not fields.String or field.allow_none or field.load_default is not missing:
            return None
        if (field.data_key or name) != name or (field.attribute or name) != name:
            return None
        checks = []
        for validator in field.validators:
            if type(validator) is validate.Length:
                checks.append(("len", validator.min, validator.max, validator.equal))
            elif type(validator) is validate.Regexp:
                checks.append(("re", validator.regex))
            elif type(validator) is validate.OneOf and all(isinstance(c, str) for c in validator.choices):
                checks.append(("in", frozenset(validator.choices)))
            else:
                return None
        plan.append((name, field.required, tuple(checks)))
    return tuple(plan)


def _run(plan: _Plan, unknown: str, data: dict) -> dict | None:
    """The loaded dict, or None when marshmallow must decide (an error or anything unusual)."""
    out: dict = {}
    for name, required, checks in plan:
        value = data.get(name, missing)
        if value is missing:
            if required:
                return None
            continue
        if type(value) is not str:
            return None
        for check in checks:
            kind = check[0]
            if kind == "len":
                _, low, high, equal = check
                size = len(value)
                if equal is not None:
                    if size != equal:
                        return None
                elif (low is not None and size < low) or (high is not None and size > high):
                    return None
            elif kind == "re":
                if check[1].match(value) is None:
                    return None
            elif value not in check[1]:
                return None
        out[name] = value
    if unknown == INCLUDE and len(data) > len(out):
        # Every declared field present in `data` is in `out` by now, so the rest are unknown.
        out.update((key, value) for key, value in data.items() if key not in out)
    return out
