"""Request capture: each simulated request's headers and body and the response's, secrets masked.

WireMock's request journal, for the sandbox. With `capture_enabled` (the default) the fault
middleware hands the journal, for every simulated request, what it already holds: the
request's headers, query string and body (read once by the classifier) and the response's
status, headers and body (teed while the server sends it). Nothing is copied, masked or
encoded on the request: `snapshot` slices the bodies to `capture_body_bytes` and keeps
references; the journal's flusher (off the event loop, in batches) masks and writes them to
`request_capture`, trimmed to the newest `capture_max_rows` the way the journal is.

Masking (`mask_headers`, `mask_text`) happens before anything reaches the disk:

- passwords and secrets are replaced by `***`: the `password`, `client_secret`, `SecretKey`
  fields (JSON, form, query or SOAP element), HTTP `Basic` credentials and the
  `lgspaccesstoken` header (base64 of the gateway key and secret);
- session and bearer tokens are shortened to their first 6 characters and `…` (`session`,
  `access_token`, `refresh_token`, `Authorization: Bearer`), enough to tell two tokens apart,
  too little to replay one;
- `MaXacThuc` stays visible: it is a SHA-256 of the message and the shared secret, and a
  vendor debugging a refused payment needs to compare it; the shared secret itself is never
  sent, so it never appears.

Masks work on the text (not a parse), so a body cut at the byte bound, or not well-formed,
is masked too: a value cut off before its closing quote is masked to the end of the text.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import orjson

from simulator.faults.filters import where as filters_where
from simulator.faults.matching import RequestView

MASK = "***"
SHORT_KEEP = 6
# Field names (any case) whose value is a password or a secret: masked whole.
SECRET_FIELDS = ("password", "client_secret", "secretkey", "secret", "matkhau")
# Field names whose value is a session or bearer token: shortened.
TOKEN_FIELDS = ("session", "access_token", "refresh_token", "id_token")
SECRET_HEADERS = ("lgspaccesstoken", "proxy-authorization", "cookie", "x-api-key")
_MASKED_HEADERS = frozenset((*SECRET_HEADERS, "authorization"))
QUERY_LIMIT_MAX = 500

_ALTERNATION = "|".join(SECRET_FIELDS + TOKEN_FIELDS)
_HINTS = ("password", "secret", "matkhau", "session", "token")  # each field name above contains one (tested)
# "name": "value" in JSON, also when the body was cut inside the value (no closing quote).
_JSON_FIELD = re.compile(r'("(' + _ALTERNATION + r')"\s*:\s*")((?:[^"\\]|\\.)*)("|$)', re.IGNORECASE | re.DOTALL)
# name=value in a form body or a query string.
_FORM_FIELD = re.compile(r"(^|[&;?])(" + _ALTERNATION + r")=([^&;]*)", re.IGNORECASE)
# <ns:name>value</ns:name> in SOAP/XML, also cut before the closing tag.
_XML_FIELD = re.compile(r"(<(?:[\w.-]+:)?(" + _ALTERNATION + r")(?:\s[^>]*)?>)([^<]*)", re.IGNORECASE)


def _hidden(name: str, value: str) -> str:
    """The masked form of one secret or token value."""
    if name.lower() in TOKEN_FIELDS:
        return shorten(value)
    return MASK if value else value


def shorten(token: str) -> str:
    """A token cut to its first characters (`abc123…`), or as it is when already that short."""
    return token if len(token) <= SHORT_KEEP else token[:SHORT_KEEP] + "…"


def mask_text(text: str) -> str:
    """A body or query string with every password/secret masked and every session token shortened."""
    low = text.lower()
    # Most bodies name no secret: five substring tests instead of three regular expressions.
    if not ("password" in low or "secret" in low or "matkhau" in low or "session" in low or "token" in low):
        return text
    text = _JSON_FIELD.sub(lambda m: m.group(1) + _hidden(m.group(2), m.group(3)) + m.group(4), text)
    if _is_json(text):
        # Whole JSON: its fields are masked above; `<secret>` or `?password=` inside a string value
        # (an error message naming what it checks) is prose, and masking it would break the JSON.
        return text
    text = _FORM_FIELD.sub(lambda m: f"{m.group(1)}{m.group(2)}={_hidden(m.group(2), m.group(3))}", text)
    return _XML_FIELD.sub(lambda m: m.group(1) + _hidden(m.group(2), m.group(3)), text)


def _is_json(text: str) -> bool:
    """Whether the text is one whole JSON object or array (not cut, not SOAP, not a form)."""
    if text.lstrip()[:1] not in ("{", "["):
        return False
    try:
        orjson.loads(text)  # orjson: this runs for every captured body that names a secret or a session
    except ValueError:
        return False
    return True


def mask_header(name: str, value: str) -> str:
    """One header value as captured: credentials masked, bearer tokens shortened."""
    low = name.lower()
    if low in SECRET_HEADERS:
        return MASK
    if low == "authorization":
        scheme, _, credentials = value.partition(" ")
        if scheme.lower() == "bearer":
            return f"{scheme} {shorten(credentials.strip())}"
        return f"{scheme} {MASK}" if credentials else MASK
    return value


def mask_headers(headers: dict[str, str]) -> dict[str, str]:
    """Request or response headers as captured (names lower-case)."""
    out = {}
    for name, value in headers.items():
        low = name.lower()
        out[low] = mask_header(low, str(value)) if low in _MASKED_HEADERS else value
    return out


@dataclass(frozen=True)
class CaptureSettings:
    """Whether capture is on and its bounds (settings capture_enabled, capture_max_rows, capture_body_bytes)."""

    enabled: bool = True
    max_rows: int = 10_000
    body_bytes: int = 16_384

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> CaptureSettings:
        """From resolved settings (simulator.config.resolve())."""
        return cls(settings["capture_enabled"], settings["capture_max_rows"], settings["capture_body_bytes"])


COLUMNS = (
    "ts",
    "request_id",
    "province",
    "client",
    "system",
    "via",
    "operation",
    "method",
    "path",
    "query",
    "status",
    "fault",
    "latency_ms",
    "request_headers",
    "request_body",
    "request_body_bytes",
    "request_body_encoding",
    "request_body_truncated",
    "response_headers",
    "response_body",
    "response_body_bytes",
    "response_body_encoding",
    "response_body_truncated",
)
# A captured row's plain columns, before the headers and bodies that are decoded one by one.
SUMMARY_COLUMNS = ("id", *COLUMNS[: COLUMNS.index("request_headers")])


def create_tables(db) -> None:
    """Create `request_capture` and its indexes if missing."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS request_capture (id INTEGER PRIMARY KEY, ts REAL NOT NULL, request_id TEXT,"
        " province TEXT, client TEXT, system TEXT NOT NULL, via TEXT, operation TEXT, method TEXT, path TEXT,"
        " query TEXT, status INTEGER, fault TEXT, latency_ms REAL, request_headers TEXT, request_body TEXT,"
        " request_body_bytes INTEGER, request_body_encoding TEXT, request_body_truncated INTEGER,"
        " response_headers TEXT, response_body TEXT, response_body_bytes INTEGER, response_body_encoding TEXT,"
        " response_body_truncated INTEGER)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS request_capture_ts ON request_capture (ts)")


@dataclass
class Snapshot:
    """What the middleware hands over for one request: references and bounded slices, no copies."""

    headers: dict[str, str]
    query: str
    body: bytes
    body_size: int
    via: str | None = None
    response_headers: list[tuple[str, str]] | None = None
    response_parts: list[bytes] = field(default_factory=list)
    response_size: int = 0


def snapshot(view: RequestView | None, query: str, via: str | None, body_bytes: int) -> Snapshot:
    """The request half of a capture, its body cut to `body_bytes`."""
    body = view.body if view is not None else b""
    headers = view.headers if view is not None else {}
    return Snapshot(headers, query or "", body[:body_bytes], len(body), via)


def tee(snap: Snapshot, iterable, limit: int):
    """Yield a response body's chunks unchanged, keeping its first `limit` bytes in `snap`."""
    kept = 0
    for chunk in iterable:
        snap.response_size += len(chunk)
        if kept < limit:
            piece = chunk[: limit - kept]
            snap.response_parts.append(piece)
            kept += len(piece)
        yield chunk


def _text(body: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 text masked, or base64 when the body is not UTF-8 (a cut character allowed)."""
    try:
        return mask_text(body.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as err:
        if err.start >= len(body) - 3:  # the byte bound cut a multi-byte character: keep the rest as text
            return mask_text(body[: err.start].decode("utf-8")), "utf-8"
        return base64.b64encode(body).decode(), "base64"


def row(entry: dict) -> tuple:
    """The `request_capture` row of one journal entry (masking happens here, in the flusher)."""
    snap: Snapshot = entry["capture"]
    client = entry.get("client")
    province = client[1:] if isinstance(client, str) and client[:1] == "H" else None
    request_body, request_encoding = _text(snap.body)
    kept = b"".join(snap.response_parts)
    response_body, response_encoding = _text(kept)
    response_headers = dict(snap.response_headers or [])
    get = entry.get
    return (
        get("ts"),
        get("request_id"),
        province,
        client,
        get("system"),
        snap.via,
        get("operation"),
        get("method"),
        get("path"),
        mask_text(snap.query),
        get("status"),
        get("fault"),
        get("latency_ms"),
        orjson.dumps(mask_headers(snap.headers)).decode(),
        request_body,
        snap.body_size,
        request_encoding,
        len(snap.body) < snap.body_size,
        orjson.dumps(mask_headers(response_headers)).decode(),
        response_body,
        snap.response_size,
        response_encoding,
        len(kept) < snap.response_size,
    )  # in COLUMNS order


def write(conn, batch: list[dict], settings: CaptureSettings, since_trim: int) -> int:
    """Insert the batch's captures and trim to `max_rows` once per 1% inserted; return the new trim count."""
    rows = [row(e) for e in batch if e.get("capture") is not None]
    if not rows:
        return since_trim
    conn.executemany(f"INSERT INTO request_capture ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    since_trim += len(rows)
    if since_trim >= max(1, settings.max_rows // 100):
        conn.execute("DELETE FROM request_capture WHERE id <= (SELECT max(id) FROM request_capture) - ?", [settings.max_rows])
        return 0
    return since_trim


def query(db, limit: int = 50, **filters: Any) -> list[dict]:
    """Captured requests matching every filter (`simulator.faults.filters`), as the admin API shows them.

    Newest first (by the time they were answered); with `after_id`, the rows written after that
    one, oldest first, which is how `requests tail` follows them.
    """
    where, params = filters_where(**filters)
    limit = max(1, min(int(limit), QUERY_LIMIT_MAX))
    # Following (after_id): the next rows in the order they were written, so a full page loses nothing.
    order = "id" if filters.get("after_id") is not None else "ts DESC, id DESC"
    sql = f"SELECT id, {', '.join(COLUMNS)} FROM request_capture {where} ORDER BY {order} LIMIT {limit}"
    return [shown(dict(zip(("id", *COLUMNS), r))) for r in db.execute(sql, params)]


def recent(db, since: float | None = None, limit: int = 10_000) -> list[dict]:
    """Every captured request (newest first, at most `limit`), for verification."""
    where, params = filters_where(since=since)
    sql = f"SELECT id, {', '.join(COLUMNS)} FROM request_capture {where} ORDER BY ts DESC, id DESC LIMIT {int(limit)}"
    return [shown(dict(zip(("id", *COLUMNS), r))) for r in db.execute(sql, params)]


def shown(raw: dict) -> dict:
    """A stored row as the API shows it: request and response as nested objects."""

    def part(prefix: str) -> dict:
        return {
            "headers": json.loads(raw[f"{prefix}_headers"] or "{}"),
            "body": raw[f"{prefix}_body"] or "",
            "body_encoding": raw[f"{prefix}_body_encoding"] or "utf-8",
            "body_bytes": raw[f"{prefix}_body_bytes"] or 0,
            "body_truncated": bool(raw[f"{prefix}_body_truncated"]),
        }

    out = {k: raw[k] for k in SUMMARY_COLUMNS}
    out["request"], out["response"] = part("request"), part("response")
    return out


def view_of(item: dict) -> RequestView:
    """What content matching sees of a captured request (masked, first `capture_body_bytes` only)."""
    request = item["request"]
    body = request["body"]
    raw = base64.b64decode(body) if request["body_encoding"] == "base64" else body.encode()
    return RequestView(dict(request["headers"]), parse_qs(item["query"] or "", keep_blank_values=True), raw)


def clear(db) -> None:
    """Delete every captured request (sandbox reset)."""
    db.execute("DELETE FROM request_capture")
