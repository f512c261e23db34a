"""One safe JSON loader for every body a client sends, so hostile JSON is a 400, never a 500.

`json.loads` alone lets three shapes through to the handlers as crashes: arrays or objects
nested thousands deep (`RecursionError`, not a `ValueError`), integers over Python's
4,300-digit conversion limit (a `ValueError` raised late, e.g. by marshmallow), and lone
UTF-16 surrogates in strings (`\\ud800` parses, then `UnicodeEncodeError` when the string is
stored or sent). `loads` refuses each with `WireJSONError`, a `json.JSONDecodeError`, so any
caller that already turns a decode error into its own 400 keeps doing so, with the reason.

`WireJSONProvider` puts the same loader behind Flask's `request.get_json` (and so behind
flask-smorest's `@blp.arguments`), where a `ValueError` becomes a 400.
"""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider

# Deeper than any real payload (a dossier is about 4 levels), shallow enough for every
# recursive walk after parsing (marshmallow, the fault engine's `partial`, jsonify).
MAX_DEPTH = 64
# Identifiers are strings on the wire; 40 digits holds any numeric field a client could mean.
MAX_INT_DIGITS = 40


class WireJSONError(json.JSONDecodeError):
    """A body that is not acceptable JSON; `reason` is the short English sentence."""

    def __init__(self, reason: str, doc: str = "", pos: int = 0, hostile: bool = True):
        super().__init__(reason, doc, pos)
        self.reason = reason
        self.hostile = hostile  # False for merely malformed JSON (the app words that itself)

    def __str__(self) -> str:
        return self.reason


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise WireJSONError(f"an integer has {digits} digits (at most {MAX_INT_DIGITS} accepted)")
    return int(text)


def _check_tree(value: Any, check_strings: bool) -> None:
    """Walk the parsed value without recursion: depth bound and, when asked, strict UTF-8 strings."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > MAX_DEPTH:
                raise WireJSONError(f"JSON nested deeper than {MAX_DEPTH} levels")
            for key, item in node.items():
                if check_strings:
                    _check_string(key)
                stack.append((item, depth + 1))
        elif isinstance(node, list):
            if depth > MAX_DEPTH:
                raise WireJSONError(f"JSON nested deeper than {MAX_DEPTH} levels")
            stack.extend((item, depth + 1) for item in node)
        elif check_strings and isinstance(node, str):
            _check_string(node)


def _check_string(text: str) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise WireJSONError("a string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not valid text") from None


def _refuse_constant(name: str) -> Any:
    raise WireJSONError(f"{name} is not a JSON number", hostile=False)


def loads(data: bytes | bytearray | str, **kwargs: Any) -> Any:
    """Parse a client's JSON body; raise `WireJSONError` (a JSONDecodeError) for hostile shapes."""
    if isinstance(data, (bytes, bytearray)):
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise WireJSONError(f"body is not UTF-8 (byte {err.start})", hostile=False) from None
    else:
        text = data
    try:
        value = json.loads(text, parse_int=_bounded_int, parse_constant=_refuse_constant, **kwargs)
    except RecursionError:
        raise WireJSONError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    except WireJSONError:
        raise
    except ValueError as err:  # JSONDecodeError, or int() refusing a long literal
        raise WireJSONError(f"malformed JSON: {err}", hostile=False) from None
    # Escaped surrogates are the only way JSON text (already valid UTF-8) yields a lone one.
    _check_tree(value, check_strings="\\ud" in text or "\\uD" in text)
    return value


class WireJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with `loads` replaced by the safe loader (dumps unchanged)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse request JSON safely (see the module docstring)."""
        return loads(s, **kwargs)
