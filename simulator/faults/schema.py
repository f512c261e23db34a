"""The one JSON Schema of fault rules and scenario files, built from the fault kinds and the registry.

Why JSON Schema (validated by `jsonschema_rs`, already a dependency of the contract fuzzing, a
maintained Rust validator) rather than pydantic models: the document itself is the product
here. Editors read it (`# yaml-language-server: $schema=scenario.schema.json` at the top of
each scenario gives completion of system, operation and effect names), the admin API
publishes it (`GET /sandbox/schema/scenario`), and the same validator checks YAML files and
API bodies. Its enums come from `simulator.systems.registry` and `simulator.faults.kinds`,
so a new system or fault kind appears in it without an edit here.

The schema checks shapes, names and ranges; `rules.validate_rule` then applies what a
schema cannot say: the caps from the settings, an operation that belongs to the named system,
min ≤ max. `scenarios/scenario.schema.json` is this schema with default limits; a test keeps
it up to date (`python -m simulator scenario schema > scenarios/scenario.schema.json`).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import jsonschema_rs

from simulator.faults import kinds
from simulator.faults.limits import Limits, RuleError
from simulator.systems import registry

DRAFT = "http://json-schema.org/draft-07/schema#"
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
SEQUENCE_MAX = 1_000_000_000


def operations_by_system() -> dict[str, tuple[str, ...]]:
    """Every system's operations as the fault engine reports them (from the registry)."""
    return {spec.name: spec.operations for spec in registry.systems()}


def _names(values: list[str], what: str) -> dict[str, Any]:
    one = {"type": "string", "enum": values}
    return {
        "description": f'A {what}, a list of them, or "*" (any)',
        "anyOf": [{"const": "*"}, one, {"type": "array", "minItems": 1, "items": one}],
    }


def _value_matchers(what: str) -> dict[str, Any]:
    value = {
        "anyOf": [
            {"type": ["string", "number", "boolean", "null"]},
            {
                "type": "object",
                "required": ["regex"],
                "additionalProperties": False,
                "properties": {"regex": {"type": "string", "maxLength": 500}},
            },
        ]
    }
    return {
        "type": "object",
        "maxProperties": 50,
        "additionalProperties": value,
        "description": f"{what} → a value (equal as text) or {{regex: ...}} (the whole text matches)",
    }


def _effect() -> dict[str, Any]:
    with_params = []
    for kind in kinds.KINDS.values():
        params = {"type": ["object", "null"] if kind.bare else "object", "properties": kind.params, "additionalProperties": False}
        if kind.required:
            params["required"] = list(kind.required)
        with_params.append(
            {
                "type": "object",
                "required": [kind.name],
                "additionalProperties": False,
                "properties": {kind.name: params},
                "description": kind.doc,
            }
        )
    bare = {"type": "string", "enum": list(kinds.names()), "description": "A fault kind without parameters"}
    return {"anyOf": [bare, *with_params]}


def rule_schema() -> dict[str, Any]:
    """The JSON Schema of one rule (its `definitions` are shared with the scenario schema)."""
    systems = list(registry.names())
    operations = sorted({op for ops in operations_by_system().values() for op in ops})
    seq = {"type": "integer", "minimum": 1, "maximum": SEQUENCE_MAX}
    return {
        "type": "object",
        "required": ["effects"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": r"^[\w.:-]{1,100}$"},
            "name": {"type": "string", "maxLength": 200},
            "enabled": {"type": "boolean"},
            "match": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "system": _names(systems, "system name"),
                    "operation": _names(operations, "operation of the named system(s)"),
                    "method": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                    "client": {
                        "description": 'Calling province as H + code (H56), a list, or "*"',
                        "anyOf": [
                            {"type": "string", "pattern": r"^(\*|H\d{2})$"},
                            {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": r"^H\d{2}$"}},
                        ],
                    },
                    "probability": {"type": "number", "minimum": 0, "maximum": 1},
                    "window": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "start_offset_s": {"type": "number", "minimum": 0},
                            "duration_s": {"type": "number", "exclusiveMinimum": 0},
                            "daily": {"type": "string", "description": "Local time range HH:MM-HH:MM"},
                        },
                    },
                    "body": _value_matchers("Dotted JSON path or SOAP element name"),
                    "headers": _value_matchers("Header name"),
                    "query": _value_matchers("Query parameter"),
                },
            },
            "times": {**seq, "description": "Fire on the first N matching requests, then retire"},
            "after": {**seq, "description": "Fire only after N matching requests"},
            "every": {**seq, "description": "Fire on every N-th matching request"},
            "expires_at": {"type": ["string", "number"], "description": "ISO 8601 with offset, or POSIX seconds"},
            "started_at": {"type": "number", "description": "Set by the sandbox: the window's anchor"},
            "effects": {"type": "array", "minItems": 1, "maxItems": 20, "items": _effect()},
        },
    }


def _declared() -> tuple:
    """What the schema depends on in the registry: each system's name and operations."""
    return tuple((spec.name, spec.operations) for spec in registry.systems())


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (what editors and `GET /sandbox/schema/scenario` get)."""
    return _scenario_schema(_declared())


# Cached per registry content, so a system declared later (a plug-in, a test-only system) is known.
@functools.cache
def _scenario_schema(declared: tuple) -> dict[str, Any]:
    rule = rule_schema()
    return {
        "$schema": DRAFT,
        "title": "Portal sandbox scenario",
        "description": "A timeline of fault rules (scenarios/README.md). Generated from the registry of "
        "systems and the fault kinds: python -m simulator scenario schema",
        "type": "object",
        "required": ["phases"],
        "properties": {
            "name": {"type": "string", "pattern": NAME_PATTERN},
            "description": {"type": "string"},
            "seed": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
            "time_scale": {"type": "number", "exclusiveMinimum": 0, "maximum": 100_000},
            "phases": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/phase"}},
        },
        "definitions": {
            "phase": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "pattern": r"^[\w.-]{1,64}$"},
                    "start_min": {"type": "number", "minimum": 0},
                    "end_min": {"type": "number", "exclusiveMinimum": 0},
                    "duration_min": {"type": "number", "exclusiveMinimum": 0},
                    "rules": {"type": "array", "items": {"$ref": "#/definitions/rule"}},
                },
            },
            "rule": rule,
        },
    }


def _validators() -> tuple[Any, Any]:
    return _validators_for(_declared())


@functools.cache
def _validators_for(declared: tuple) -> tuple[Any, Any]:
    doc = _scenario_schema(declared)
    rule_doc = {**doc["definitions"]["rule"], "$schema": DRAFT, "definitions": doc["definitions"]}
    return jsonschema_rs.validator_for(doc), jsonschema_rs.validator_for(rule_doc)


def _path(prefix: str, parts: list) -> str:
    out = prefix
    for part in parts:
        out = f"{out}[{part}]" if isinstance(part, int) else (f"{out}.{part}" if out else str(part))
    return out


def _names_problem(value: Any, known: list[str] | tuple[str, ...], what: str) -> str | None:
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else None
    if items is None or not items:
        return 'must be a name, a non-empty list of names, or "*"'
    unknown = [v for v in items if v != "*" and v not in known]
    if unknown:
        return f"names unknown {what} {unknown[0]!r} (known: {', '.join(known)})"
    return None


def _effect_problem(raw: Any) -> tuple[str, str] | None:
    """(sub-path, problem) for an effect the anyOf refused, in words a reader can act on."""
    known = ", ".join(kinds.names())
    if isinstance(raw, str):
        kind = kinds.get(raw)
        if kind is None:
            return "", f"has unknown effect {raw!r} (expected one of: {known})"
        return "", f"effect {raw!r} needs parameters: {', '.join(kind.required)}"
    if not isinstance(raw, dict) or len(raw) != 1:
        return "", "must be an effect name or a mapping with exactly one effect name"
    name, params = next(iter(raw.items()))
    kind = kinds.get(name)
    if kind is None:
        return "", f"has unknown effect {name!r} (expected one of: {known})"
    sub = {"type": "object", "properties": kind.params, "additionalProperties": False, "required": list(kind.required)}
    for err in jsonschema_rs.validator_for(sub).iter_errors({} if params is None else params):
        parts = list(err.instance_path)
        return _worded(_path(name, parts), err, parts)
    return None


def _parent(doc: Any, parts: list) -> Any:
    for part in parts[:-1]:
        doc = doc[part]
    return doc


def _operations_of(system: Any) -> list[str]:
    """The operations of the named system(s), or of every system (what an error message lists)."""
    by_system = operations_by_system()
    named = [system] if isinstance(system, str) and system != "*" else system if isinstance(system, list) else []
    named = [n for n in named if n in by_system] or list(by_system)
    return list(dict.fromkeys(op for n in named for op in by_system[n]))


def _explain(doc: Any, err, prefix: str) -> RuleError:
    parts = list(err.instance_path)
    node = doc
    for part in parts:
        node = node[part]
    path = _path(prefix, parts)
    if len(parts) >= 2 and parts[-2] == "match" and parts[-1] in ("system", "operation"):
        known = registry.names() if parts[-1] == "system" else _operations_of(_parent(doc, parts).get("system"))
        problem = _names_problem(node, known, "system" if parts[-1] == "system" else "operation")
        if problem:
            return RuleError(path, problem)
    if parts and parts[-1] == "client" or (len(parts) >= 2 and parts[-2] == "client"):
        return RuleError(path, 'must be H + a 2-digit province code (H56), a list of them, or "*"')
    if len(parts) >= 2 and parts[-2] == "effects" and isinstance(parts[-1], int):
        found = _effect_problem(node)
        if found:
            sub, problem = found
            return RuleError(f"{path}.{sub}" if sub else path, problem)
    return RuleError(*_worded(path, err, parts))


# Patterns say what they mean in words (the regular expression itself helps nobody).
PATTERN_WORDS = {
    "id": "must be 1-100 letters, digits, '_', '-', '.' or ':'",
    "client": "must be H + a 2-digit province code (H56)",
    "name": "must be lower-case letters, digits, '-' or '_' (max 64)",
}
TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
}


def _worded(path: str, err, parts: list) -> tuple[str, str]:
    """(path, problem) in the house wording: `effects[0].hang.cap_s must be ≤ 300`."""
    kind = err.kind
    name = type(kind).__name__
    limit = getattr(kind, "limit", None)
    if name == "Enum":
        return path, f"must be one of: {', '.join(str(o) for o in kind.options)}"
    if name in ("Maximum", "Minimum", "ExclusiveMaximum", "ExclusiveMinimum"):
        sign = {"Maximum": "≤", "Minimum": "≥", "ExclusiveMaximum": "<", "ExclusiveMinimum": ">"}[name]
        return path, f"must be {sign} {limit:g}"
    if name == "MinItems":
        return path, "must be a non-empty list" if limit == 1 else f"must have at least {limit} items"
    if name == "Required":
        missing = re.match(r'"(.+)" is a required property', err.message)
        return (f"{path}.{missing.group(1)}" if path else missing.group(1)) if missing else path, "is required"
    if name == "AdditionalProperties":
        key = kind.unexpected[0]
        return f"{path}.{key}" if path else str(key), "is not a known field"
    if name == "Type":
        wanted = getattr(kind, "types", None) or []
        words = " or ".join(TYPE_WORDS.get(str(t), str(t)) for t in wanted) or "of another type"
        return path, f"must be {words}"
    if name == "Pattern" and parts and str(parts[-1]) in PATTERN_WORDS:
        return path, PATTERN_WORDS[str(parts[-1])]
    return path, err.message


def check(doc: Any, what: str = "rule", path: str = "") -> None:
    """Validate a rule (what="rule") or scenario against the schema; raise RuleError naming the field."""
    scenario_validator, rule_validator = _validators()
    validator = rule_validator if what == "rule" else scenario_validator
    for err in validator.iter_errors(doc):
        raise _explain(doc, err, path)


def schema_json() -> str:
    """The scenario schema as the file `scenarios/scenario.schema.json` holds it."""
    return json.dumps(scenario_schema(), ensure_ascii=False, indent=2) + "\n"


__all__ = ["Limits", "check", "operations_by_system", "rule_schema", "scenario_schema", "schema_json"]
