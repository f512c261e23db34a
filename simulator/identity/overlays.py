"""Changes a scenario makes to derived people (marriage, death, move, birth), stored as overlays.

Derived records never change; events recorded in `identity_overlays` are applied on top by
the pure function `apply_overlays`, in the order given (storage order). Event payloads:

* `marriage` — {spouse_id, spouse_name?, date}: the person is married to spouse_id.
* `divorce` — {spouse_id, date}: the marriage to spouse_id ended (marital status "divorced").
* `death` — {date}: the person is deceased from that date.
* `spouse_death` — {spouse_id, date}: the spouse died; the person is widowed (TinhTrangHonNhan 3)
  and still names the late spouse, as derived widows do.
* `residence_change` — {province, commune, detail, date, scope?}: scope "permanent" moves the
  permanent residence, "current" the current one, default both.
* `birth` — {child: {SoDinhDanh, HoVaTen}, date}: a child registered to this parent.

Dates are ISO `yyyy-mm-dd` or `yyyyMMdd` strings.

A change concerns both people of a couple, so writers use `record_marriage`, `record_divorce`
and `record_death`, which store the event on both subjects in one transaction: every system then
reads the couple consistently (the bride and the groom married, the widow widowed, both divorced).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import sqlite_utils

from simulator.identity.records import Citizen, PersonName, Place, Relative

TABLE = "identity_overlays"
KINDS = ("marriage", "divorce", "death", "spouse_death", "residence_change", "birth")


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the overlays table and its subject index if missing."""
    db[TABLE].create(
        {"id": int, "subject_id": str, "kind": str, "payload": str, "created_at": str},
        pk="id",
        if_not_exists=True,
    )
    db[TABLE].create_index(["subject_id"], if_not_exists=True)


def record_event(db: sqlite_utils.Database, subject_id: str, kind: str, payload: dict[str, Any]) -> int:
    """Store one change event for a subject (citizen ID); returns the event's id."""
    if kind not in KINDS:
        raise ValueError(f"overlay kind must be one of {', '.join(KINDS)}, got {kind!r}")
    row = {
        "subject_id": subject_id,
        "kind": kind,
        "payload": json.dumps(payload, ensure_ascii=False),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return db[TABLE].insert(row).last_pk


@contextmanager
def _together(db: sqlite_utils.Database) -> Iterator[None]:
    """Both sides of a couple's change, or neither: a savepoint (works inside or outside a transaction)."""
    db.conn.execute("SAVEPOINT couple")
    try:
        yield
    except BaseException:
        db.conn.execute("ROLLBACK TO couple")
        db.conn.execute("RELEASE couple")
        raise
    db.conn.execute("RELEASE couple")


def record_marriage(db: sqlite_utils.Database, husband: Relative, wife: Relative, when: str) -> None:
    """Store a marriage on both spouses (each names the other)."""
    with _together(db):
        record_event(db, husband.id, "marriage", {"spouse_id": wife.id, "spouse_name": wife.name.full, "date": when})
        record_event(db, wife.id, "marriage", {"spouse_id": husband.id, "spouse_name": husband.name.full, "date": when})


def record_divorce(db: sqlite_utils.Database, first_id: str, second_id: str, when: str) -> None:
    """Store a divorce on both former spouses."""
    with _together(db):
        record_event(db, first_id, "divorce", {"spouse_id": second_id, "date": when})
        record_event(db, second_id, "divorce", {"spouse_id": first_id, "date": when})


def record_death(db: sqlite_utils.Database, person_id: str, when: str, spouse_id: str | None = None) -> None:
    """Store a death and, when the person was married, widow the surviving spouse."""
    with _together(db):
        record_event(db, person_id, "death", {"date": when})
        if spouse_id:
            record_event(db, spouse_id, "spouse_death", {"spouse_id": person_id, "date": when})


def events_for(db: sqlite_utils.Database, subject_id: str) -> list[dict[str, Any]]:
    """A subject's events in recording order: [{id, kind, payload (dict), created_at}]."""
    rows = db.query(f"select * from {TABLE} where subject_id = ? order by id", [subject_id])
    return [{**row, "payload": json.loads(row["payload"])} for row in rows]


def _date(value: str) -> date:
    """Parse `yyyy-mm-dd` or `yyyyMMdd`."""
    return date.fromisoformat(value) if "-" in value else datetime.strptime(value, "%Y%m%d").date()


def _name(full: str) -> PersonName:
    """Split a full Vietnamese name into family, middle and given parts."""
    parts = full.split()
    if not parts:
        return PersonName("", "", "")
    if len(parts) == 1:
        return PersonName("", "", parts[0])
    return PersonName(parts[0], " ".join(parts[1:-1]), parts[-1])


def apply_overlays(citizen: Citizen, events: list[dict[str, Any]]) -> Citizen:
    """The citizen with stored change events applied in order (pure: no I/O, input unchanged).

    Each event is `{kind, payload}` as `events_for` returns it (a flat dict with `kind` works too).
    """
    for event in events:
        kind = event["kind"]
        payload = event.get("payload", event)
        if kind == "marriage":
            spouse = Relative(payload["spouse_id"], _name(payload.get("spouse_name", "")))
            citizen = replace(citizen, spouse=spouse, marital_status="married")
        elif kind == "divorce":
            if citizen.spouse is None or citizen.spouse.id == payload.get("spouse_id"):
                citizen = replace(citizen, spouse=None, marital_status="divorced")
        elif kind == "death":
            citizen = replace(citizen, deceased=True, death_date=_date(payload["date"]))
        elif kind == "spouse_death":
            # why: only the marriage in force ends; a widow who remarried stays married.
            if citizen.spouse is None or citizen.spouse.id == payload.get("spouse_id"):
                citizen = replace(citizen, marital_status="widowed")
        elif kind == "residence_change":
            place = Place(payload["province"], payload["commune"], payload.get("detail", ""))
            scope = payload.get("scope", "both")
            if scope in ("both", "permanent"):
                citizen = replace(citizen, permanent_residence=place)
            if scope in ("both", "current"):
                citizen = replace(citizen, current_residence=place)
        elif kind == "birth":
            child = payload["child"]
            relative = Relative(child["SoDinhDanh"], _name(child.get("HoVaTen", "")))
            citizen = replace(citizen, children=(*citizen.children, relative))
        else:
            raise ValueError(f"unknown overlay kind {kind!r}")
    return citizen
