"""The orjson-backed JSON provider writes what Flask's standard provider writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import uuid

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from simulator import wire_json
from simulator.json_provider import OrjsonProvider, loads


def _nested(depth: int) -> list:
    value: list = [1]
    for _ in range(depth):
        value = [value]
    return value


@dataclasses.dataclass
class Point:
    x: int
    y: str


VALUES = [
    {"error_code": "0", "message": "Thành công", "CongDan": {"HoVaTen": {"Ho": "Nguyễn"}, "Con": []}},
    {"b": 1, "a": [1.5, None, True, "\u2028</script>"]},
    {"when": dt.datetime(2026, 11, 26, 8, 30, tzinfo=dt.UTC), "day": dt.date(2026, 11, 26)},
    {"id": uuid.UUID("12345678-1234-5678-1234-567812345678"), "amount": decimal.Decimal("10.50")},
    {"point": Point(1, "x")},
    {1: "int key", "big": 2**70},
    {"too_deep": _nested(300)},  # past orjson's depth limit: the standard encoder writes it
]


def _pair():
    fast, std = Flask("fast"), Flask("std")
    fast.json = OrjsonProvider(fast)
    std.json = DefaultJSONProvider(std)
    for app in (fast, std):
        app.json.ensure_ascii = False
        app.json.sort_keys = False
    return fast, std


@pytest.mark.parametrize("value", VALUES)
def test_jsonify_writes_the_same_bytes_as_the_standard_provider(value):
    fast, std = _pair()
    with fast.app_context():
        mine = fast.json.response(value).get_data()
    with std.app_context():
        theirs = std.json.response(value).get_data()
    assert mine == theirs


@pytest.mark.parametrize("value", VALUES)
def test_dumps_writes_the_same_text_as_the_standard_provider(value):
    fast, std = _pair()
    for kwargs in ({}, {"separators": (",", ":")}, {"indent": 2}):
        assert fast.json.dumps(value, **kwargs) == std.json.dumps(value, **kwargs)


def test_sorted_keys_and_ascii_escapes_follow_the_settings():
    fast, std = _pair()
    for app in (fast, std):
        app.json.sort_keys = True
        app.json.ensure_ascii = True
    with fast.app_context():
        mine = fast.json.response({"b": "ệ", "a": 1}).get_data()
    with std.app_context():
        theirs = std.json.response({"b": "ệ", "a": 1}).get_data()
    assert mine == theirs == b'{"a":1,"b":"\\u1ec7"}\n'


@pytest.mark.parametrize(
    "text",
    ['{"a": [1, 2.5, "ệ"]}', str(2**80), "1" * 40, '{"a": "x\\u1ec7"}', "[1e400]", "[" * 60 + "]" * 60],
)
def test_loads_accepts_and_reads_what_wire_json_accepts(text):
    assert repr(loads(text)) == repr(wire_json.loads(text))
    assert repr(loads(text.encode())) == repr(wire_json.loads(text.encode()))


@pytest.mark.parametrize(
    "text",
    ['{"a": }', "", '{"a": 1', '{"a": NaN}', '"\\ud800"', "1" * 41, "[" * 70 + "]" * 70],
)
def test_loads_refuses_what_wire_json_refuses_with_its_message(text):
    with pytest.raises(ValueError) as theirs:
        wire_json.loads(text.encode())
    with pytest.raises(ValueError) as mine:
        loads(text.encode())
    assert type(mine.value) is type(theirs.value) and str(mine.value) == str(theirs.value)


def test_loads_reads_a_byte_order_mark_as_wire_json_does():
    assert loads(b"\xef\xbb\xbf{}") == wire_json.loads(b"\xef\xbb\xbf{}") == {}


def test_loads_refuses_bad_utf8_as_wire_json_does():
    with pytest.raises(ValueError) as theirs:
        wire_json.loads(b"\xff")
    with pytest.raises(ValueError) as mine:
        loads(b"\xff")
    assert str(mine.value) == str(theirs.value)
