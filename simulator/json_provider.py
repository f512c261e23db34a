"""Flask's JSON provider on orjson, with the standard library behind it for anything orjson treats differently.

Every reply of the sandbox goes through `jsonify` (or flask-smorest, which uses the app's provider);
the standard encoder was the largest single cost of a served lookup after the HTTP server itself.
orjson writes the same bytes for what the sandbox sends (UTF-8 without escapes as with
`ensure_ascii=False`, keys in insertion order, compact separators; a float below 1e-4 is written
in positional notation, `0.00001` for `1e-05`, the same number). Whatever it would write
differently goes to the standard library, so the output does not change: dates, datetimes and
dataclasses are passed to Flask's own `default` (HTTP dates, `asdict`), and any value orjson
refuses (integers beyond 64 bits, non-string keys, a `default` that raises) is encoded again by
`json.dumps`. Sorted keys, indentation and `ensure_ascii` (debug or a changed setting) use the
standard path as well.

`loads` is `simulator.wire_json.loads` (hostile JSON is a 400, never a 500) with orjson in front:
orjson refuses everything wire_json refuses or words itself (NaN and Infinity, lone surrogates,
a byte order mark, bad UTF-8), and those bodies, any body that could hold an integer beyond 64
bits (orjson would read it as a float) or nest deeper than wire_json's limit go to wire_json,
so what is accepted, the values and the error messages are wire_json's.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

from simulator import wire_json

_LONG_DIGITS = re.compile(r"\d{19}")
_LONG_DIGITS_B = re.compile(rb"\d{19}")
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


def dumps_bytes(obj: Any, default=None) -> bytes | None:
    """`obj` as compact UTF-8 JSON with orjson, or None when the standard encoder must do it."""
    try:
        return orjson.dumps(obj, default=default, option=_OPTIONS)
    except (orjson.JSONEncodeError, TypeError):
        return None


def loads(data: str | bytes | bytearray) -> Any:
    """A client's JSON body parsed as `wire_json.loads` parses it (orjson first when the body allows)."""
    # orjson reads an integer beyond 64 bits as a float (wire_json keeps it exact, up to its limit),
    # and nests up to 1,024 levels where wire_json stops at MAX_DEPTH: fewer brackets than that
    # cannot nest deeper, so only such bodies skip the walk wire_json would make.
    if isinstance(data, (bytes, bytearray)):
        doubtful = _LONG_DIGITS_B.search(data) or data.count(b"[") + data.count(b"{") > wire_json.MAX_DEPTH
    else:
        doubtful = _LONG_DIGITS.search(data) or data.count("[") + data.count("{") > wire_json.MAX_DEPTH
    if doubtful:
        return wire_json.loads(data)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return wire_json.loads(data)  # raises wire_json's own error, or accepts what orjson does not (a BOM)


class OrjsonProvider(DefaultJSONProvider):
    """DefaultJSONProvider whose compact, unsorted, non-ASCII-escaping output comes from orjson."""

    def _fast(self) -> bool:
        # Only the settings whose output orjson reproduces byte for byte.
        return not self.sort_keys and not self.ensure_ascii and not (self.compact is None and self._app.debug) and self.compact is not False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize `obj` as the standard encoder does (orjson when asked for compact output)."""
        if kwargs == {"separators": (",", ":")} and not self.sort_keys and not self.ensure_ascii:
            raw = dumps_bytes(obj, self.default)
            if raw is not None:
                return raw.decode()
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse request JSON safely (wire_json), orjson first when no options are given."""
        return wire_json.loads(s, **kwargs) if kwargs else loads(s)

    def response(self, *args: Any, **kwargs: Any):
        """`jsonify`'s response, its body encoded once, straight to bytes."""
        if self._fast():
            raw = dumps_bytes(self._prepare_response_obj(args, kwargs), self.default)
            if raw is not None:
                return self._app.response_class(raw + b"\n", mimetype=self.mimetype)
        return super().response(*args, **kwargs)
