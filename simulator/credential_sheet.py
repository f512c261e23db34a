"""Every province client's credentials as a connector developer needs them: rotations applied,
the gateway token dialect chosen, and the token request of each dialect ready to paste.

Read from the sandbox database when it exists (rotated credentials, chosen dialects), never
creating it; the seed-derived credentials otherwise. `python -m simulator credentials` prints it.
"""

from __future__ import annotations

import base64
from pathlib import Path

from simulator import db, rotation
from simulator.clients import ProvinceClient, province_clients
from simulator.gateway import dialects


class UnknownProvinceError(ValueError):
    """A province code that is not one of the 34 provinces."""

    def __init__(self, province: str):
        super().__init__(f"unknown province {province!r}: use one of the 34 2-digit codes")


def issued_clients(seed: int, db_path: str) -> list[ProvinceClient]:
    """Seed-derived clients, with rotations applied when the database exists (never created here)."""
    if not Path(db_path).is_file():
        return list(province_clients(seed))
    database = db.database(db_path)
    rotation.create_tables(database)
    return rotation.all_current(database, seed)


def chosen_dialects(db_path: str) -> dict[str, str]:
    """Province → gateway token dialect from the database, when it exists (never created here)."""
    if not Path(db_path).is_file():
        return {}
    database = db.database(db_path)
    dialects.create_tables(database)
    return dialects.all_dialects(database)


def set_dialect(seed: int, db_path: str, province: str, dialect: str) -> None:
    """Store a province's gateway token dialect (what the admin API's PUT does)."""
    if not any(c.province_code == province for c in province_clients(seed)):
        raise UnknownProvinceError(province)
    database = db.database(db_path)
    dialects.create_tables(database)
    dialects.set_dialect(database, province, dialect)


def token_requests(client: ProvinceClient) -> dict[str, dict]:
    """The token request of each dialect: HTTP Basic or form fields (oauth2), or the lgspaccesstoken header."""
    basic = base64.b64encode(f"{client.gateway_key}:{client.gateway_secret}".encode()).decode()
    form = f"grant_type=client_credentials&client_id={client.gateway_key}&client_secret={client.gateway_secret}"
    return {
        "oauth2_basic": {"Authorization": f"Basic {basic}", "body": "grant_type=client_credentials"},
        "oauth2_form": {"body": form},
        "lgspaccesstoken": {
            "lgspaccesstoken": dialects.lgsp_access_token(client),
            "json": dialects.lgsp_access_token_fields(client),
            "body": "grant_type=client_credentials",
        },
    }


def sheet(seed: int, db_path: str, province: str | None = None) -> list[dict]:
    """One row per province (or only `province`): its credentials, dialect and token requests."""
    issued = [c for c in issued_clients(seed, db_path) if province in (None, c.province_code)]
    if province is not None and not issued:
        raise UnknownProvinceError(province)
    chosen = chosen_dialects(db_path)
    return [
        {**c.as_dict(), "gateway_dialect": chosen.get(c.province_code, dialects.ALL), "gateway_token": token_requests(c)} for c in issued
    ]
