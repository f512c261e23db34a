"""Reused marshmallow schema instances: building one deep-copies its fields, loading with one does not."""

from __future__ import annotations

from functools import cache

from marshmallow import Schema


@cache
def schema_instance(schema_class: type[Schema]) -> Schema:
    """The shared instance of a schema class (schemas keep no state between loads)."""
    return schema_class()
