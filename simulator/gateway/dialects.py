"""LGSP token dialects: how a province's integration platform issues gateway tokens.

Provincial platforms differ (docs/contract.md names the public clients of each):
- `oauth2`: RFC 6749 client credentials at `POST /ngsp/token`, the key and secret as HTTP
  Basic or as form fields `client_id` / `client_secret` (WSO2-style API managers).
- `lgspaccesstoken`: the header `lgspaccesstoken: base64(JSON {AccessKey, SecretKey,
  AppName, PartnerCode, PartnerCodeCus})` with the form body `grant_type=client_credentials`
  only; later calls carry `Authorization: Bearer <access_token>` and the same header again.
- `all` (the default): every scheme above, so one sandbox serves every vendor at once.

Each province's dialect is stored in SQLite (`gateway_dialects`), so every worker applies an
admin change at once; a province with no row speaks `all`.
"""

from __future__ import annotations

import base64
import binascii
import json

import sqlite_utils

from simulator.clients import ProvinceClient

ALL, OAUTH2, LGSP = "all", "oauth2", "lgspaccesstoken"
DIALECTS: dict[str, str] = {
    ALL: "every known token scheme (default)",
    OAUTH2: "OAuth2 client credentials: HTTP Basic or form client_id/client_secret",
    LGSP: "header lgspaccesstoken: base64 JSON {AccessKey, SecretKey, AppName, PartnerCode, PartnerCodeCus}",
}
# The token schemes a caller may use, and which dialects accept each.
BASIC, FORM = "basic", "form"
ACCEPTS: dict[str, tuple[str, ...]] = {ALL: (BASIC, FORM, LGSP), OAUTH2: (BASIC, FORM), LGSP: (LGSP,)}
LGSP_HEADER = "lgspaccesstoken"
LGSP_FIELDS = ("AccessKey", "SecretKey", "AppName", "PartnerCode", "PartnerCodeCus")


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the table of per-province dialects."""
    db.execute("CREATE TABLE IF NOT EXISTS gateway_dialects (province TEXT PRIMARY KEY, dialect TEXT NOT NULL)")


def dialect_of(db: sqlite_utils.Database, province: str) -> str:
    """The province's dialect (`all` unless an admin set another)."""
    row = db.execute("SELECT dialect FROM gateway_dialects WHERE province = ?", [province]).fetchone()
    return row[0] if row else ALL


def set_dialect(db: sqlite_utils.Database, province: str, dialect: str) -> None:
    """Set a province's dialect; `all` deletes the row (the default again)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; known: {', '.join(DIALECTS)}")
    if dialect == ALL:
        db.execute("DELETE FROM gateway_dialects WHERE province = ?", [province])
    else:
        db.execute("INSERT OR REPLACE INTO gateway_dialects (province, dialect) VALUES (?, ?)", [province, dialect])


def all_dialects(db: sqlite_utils.Database) -> dict[str, str]:
    """Province code -> dialect, for the provinces that do not speak the default."""
    return dict(db.execute("SELECT province, dialect FROM gateway_dialects").fetchall())


def parse_lgsp_access_token(value: str) -> tuple[dict | None, str]:
    """(fields, "") of an `lgspaccesstoken` header value, or (None, what is wrong with it)."""
    try:
        decoded = json.loads(base64.b64decode(value.strip(), validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None, "must be base64 of a JSON object {" + ", ".join(LGSP_FIELDS) + "}"
    if not isinstance(decoded, dict):
        return None, "must be base64 of a JSON object {" + ", ".join(LGSP_FIELDS) + "}"
    missing = [name for name in LGSP_FIELDS if not isinstance(decoded.get(name), str)]
    if missing:
        return None, "missing or non-string field(s) " + ", ".join(missing)
    return decoded, ""


def lgsp_access_token_fields(client: ProvinceClient) -> dict[str, str]:
    """What a province puts in the lgspaccesstoken JSON (AppName and partner codes are not checked)."""
    return {
        "AccessKey": client.gateway_key,
        "SecretKey": client.gateway_secret,
        "AppName": "motcua",
        "PartnerCode": client.madonvi,
        "PartnerCodeCus": client.madonvi,
    }


def lgsp_access_token(client: ProvinceClient) -> str:
    """The ready-made `lgspaccesstoken` header value of a province (compact JSON, then base64)."""
    raw = json.dumps(lgsp_access_token_fields(client), separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()
