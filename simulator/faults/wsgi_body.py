"""Reading a WSGI request body before the app does, without taking it from the app.

The portal dispatches every integration call on the `service` field of a JSON body, so the
fault middleware must read the body to classify the request. `read_body` reads at most
`max_bytes`, then puts a stream back into `wsgi.input` that replays what was read followed by
whatever is left, so the app (and its own 413 check) sees the request unchanged.
"""

from __future__ import annotations

import io
import re
from typing import Any

from simulator import json_provider, wire_json

JSON_KEY = "sandbox.json_body"
BODY_KEY = "sandbox.body"


class _ReplayInput(io.RawIOBase):
    """A read-only stream: the buffered prefix, then the rest of the original stream."""

    def __init__(self, prefix: bytes, rest):
        self._prefix = io.BytesIO(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        head = self._prefix.read(size if size is not None and size >= 0 else -1)
        if size is not None and 0 <= size <= len(head):
            return head
        tail = self._rest.read() if size is None or size < 0 else self._rest.read(size - len(head))
        return head + (tail or b"")

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        line = self._prefix.readline(size)
        if line.endswith(b"\n") or (size is not None and 0 <= size <= len(line)):
            return line
        rest = self._rest.readline() if size is None or size < 0 else self._rest.readline(size - len(line))
        return line + (rest or b"")


def read_body(environ: dict, max_bytes: int) -> bytes | None:
    """The request body if it is at most `max_bytes` (else None); `wsgi.input` stays readable."""
    if BODY_KEY in environ:
        return environ[BODY_KEY]
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    stream = environ.get("wsgi.input")
    if stream is None or (length <= 0 and not chunked):
        environ[BODY_KEY] = b""
        return b""
    if length > max_bytes:
        environ[BODY_KEY] = None  # too big to classify; the app answers 413 itself
        return None
    data = stream.read(length if length > 0 else max_bytes + 1) or b""
    if len(data) > max_bytes:
        environ["wsgi.input"] = _ReplayInput(data, stream)
        environ[BODY_KEY] = None
        return None
    # Whole body read: the original stream is exhausted, so the app gets a fresh buffer.
    environ["wsgi.input"] = io.BytesIO(data)
    environ[BODY_KEY] = data
    return data


def json_body(environ: dict, max_bytes: int) -> Any:
    """The request body parsed as JSON, or None when absent, too big or not JSON.

    Parsed once per request and kept in `environ[JSON_KEY]`, so the app can reuse the value
    the classifier already parsed (treat it as read-only).
    """
    if JSON_KEY in environ:
        return environ[JSON_KEY]
    data = read_body(environ, max_bytes)
    value = None
    if data:
        try:
            value = json_provider.loads(data)  # wire_json's loader, orjson first
        except ValueError:
            value = None
    environ[JSON_KEY] = value
    return value


# A body can only be hostile in wire_json's sense if one of these cheap byte tests is true:
# more brackets than the depth bound, a run of digits longer than the integer bound, or an
# escaped surrogate. Ordinary bodies skip the second parse entirely.
_LONG_DIGITS = re.compile(rb"\d{%d}" % (wire_json.MAX_INT_DIGITS + 1))


def hostile_json_reason(environ: dict, max_bytes: int) -> str | None:
    """Why the request's JSON body is hostile (too deep, huge integer, lone surrogate), or None.

    Only JSON-looking bodies (first byte `{` or `[`) are examined; malformed JSON that is not
    hostile is left to the app, which answers it in its own words.
    """
    data = read_body(environ, max_bytes)
    if not data or data.lstrip()[:1] not in (b"{", b"["):
        return None
    suspicious = data.count(b"[") + data.count(b"{") > wire_json.MAX_DEPTH or b"\\u" in data or _LONG_DIGITS.search(data) is not None
    if not suspicious:
        return None
    try:
        value = wire_json.loads(data)
    except wire_json.WireJSONError as err:
        return err.reason if err.hostile else None
    environ[JSON_KEY] = value
    return None
