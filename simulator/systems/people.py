"""The one accessor every ministry system uses to read people, so all systems agree.

Stable API (systems-b and later features call it; keep names and signatures):

* `population(seed, missing_share, cache_size=0) -> Population` — cached per (seed, missing_share,
  day, cache size).
* `current_population() -> Population` — the one of the running app's settings.
* `citizen_with_overlays(db, id12, pop=None) -> Citizen | None` — the citizen as every system
  must show it: the derived record (or a child registered through civil status), with stored
  overlays (marriage, death, residence change, birth) applied. None when not in the database;
  raises `InvalidIdentifier` for a malformed ID.
* `insurance_with_overlays(db, identifier, pop=None) -> InsuranceRecord | None` — insurance
  record whose name and card end date follow the citizen's overlays (a card ends at death).
* `enterprise(msdn, pop=None) -> Enterprise | None` — business registration record.
* `register_child(db, pop, child_id, record)` / `new_child_id(db, pop, key, province, sex, born)`
  — used by civil status when a birth registration completes.

Registered children live in the `people_registered` table (owned here); their record takes
precedence over the derived population, and their ID is chosen among IDs the derived
population leaves empty, so nobody else is ever named with it.

Every lookup in every system comes through `citizen_with_overlays`, so each worker keeps the
citizens it built (`CitizenCache`) while the `identity_version` counter stands still: SQLite
triggers bump it on every write to the registrations or the overlays, whichever worker writes.
The counter is read on every call (one indexed row), so a birth, marriage, death or move is
seen by the very next lookup in every worker, as without the cache.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from functools import lru_cache

import sqlite_utils

from simulator.app_context import settings
from simulator.identity import Population
from simulator.identity.derive import rng
from simulator.identity.kinship import BHXH_SERIAL_CAP, compose_id
from simulator.identity.overlays import TABLE as OVERLAYS
from simulator.identity.overlays import apply_overlays
from simulator.identity.personas import persona_for
from simulator.identity.records import Citizen, Enterprise, InsuranceRecord, PersonName, Place, Relative
from simulator.identity.rules import FEMALE
from simulator.worker_cache import PerConnection

TABLE = "people_registered"


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the table of citizens registered through civil status (births), and the identity change counter."""
    db.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id TEXT PRIMARY KEY, record TEXT NOT NULL, source TEXT)")
    db.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)")
    db.execute(f"INSERT OR IGNORE INTO {VERSION_TABLE} (id, n) VALUES (1, 0)")
    for table in (TABLE, OVERLAYS):  # the overlays table is created first (simulator.schema order)
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_identity_bump AFTER {event} ON {table} "
                f"BEGIN UPDATE {VERSION_TABLE} SET n = n + 1 WHERE id = 1; END"
            )


VERSION_TABLE = "identity_version"
CACHE_MAX = 10_000


class CitizenCache:
    """One worker's built citizens (`citizen_with_overlays` results), valid at one `identity_version`."""

    def __init__(self) -> None:
        self.version: int | None = None
        self.citizens: dict[str, tuple[Population, Citizen | None]] = {}

    def validate(self, conn) -> None:
        """Drop everything if any registration or overlay changed since the last call."""
        row = conn.execute(f"SELECT n FROM {VERSION_TABLE} WHERE id = 1").fetchone()
        version = row[0] if row else None
        if version != self.version or version is None:
            self.citizens.clear()
            self.version = version


_citizen_caches = PerConnection(CitizenCache)


@lru_cache(maxsize=8)
def _population(seed: int, missing_share: float, today: date, cache_size: int) -> Population:
    return Population(seed, missing_share, today, cache_size)


def population(seed: int, missing_share: float, cache_size: int = 0) -> Population:
    """The derived population for a seed (cached; rebuilt when the real date changes).

    `cache_size` derived citizens are kept in memory (the `identity_cache_size` setting).
    """
    return _population(seed, float(missing_share), date.today(), int(cache_size))


def current_population() -> Population:
    """The population of the running app's `seed`, `missing_share` and `identity_cache_size` settings."""

    values = settings()
    return population(values["seed"], values["missing_share"], values["identity_cache_size"])


def registered_record(db: sqlite_utils.Database, id12: str) -> dict | None:
    """The stored registration of a citizen created through civil status, or None."""
    row = db.execute(f"SELECT record FROM {TABLE} WHERE id = ?", [id12]).fetchone()
    return json.loads(row[0]) if row else None


def _stored(db: sqlite_utils.Database, id12: str) -> tuple[dict | None, list[dict]]:
    """(registration or None, overlay events in recording order) for an ID, in one statement.

    Every lookup in every system comes through here, so both tables are read in one statement
    (one read snapshot: a birth registered between two reads cannot be half seen).
    """
    rows = db.conn.execute(
        f"SELECT 0, 0, record, NULL FROM {TABLE} WHERE id = ?1"
        f" UNION ALL SELECT 1, id, kind, payload FROM {OVERLAYS} WHERE subject_id = ?1 ORDER BY 1, 2",
        [id12],
    ).fetchall()
    record = json.loads(rows[0][2]) if rows and rows[0][0] == 0 else None
    events = [{"id": r[1], "kind": r[2], "payload": json.loads(r[3])} for r in rows if r[0] == 1]
    return record, events


def _place(d: dict) -> Place:
    return Place(d["province_code"], d["commune_code"], d.get("detail", ""))


def _relative(db: sqlite_utils.Database, pop: Population, id12: str | None) -> Relative | None:
    if not id12:
        return None
    person = citizen_with_overlays(db, id12, pop, _depth=1)
    return Relative(id12, person.name) if person else pop.relative(id12)


def _from_registration(db: sqlite_utils.Database, pop: Population, id12: str, rec: dict) -> Citizen:
    """A Citizen built from a civil-status birth registration."""
    father, mother = _relative(db, pop, rec.get("father_id")), _relative(db, pop, rec.get("mother_id"))
    head_id = rec.get("father_id") or rec.get("mother_id") or id12
    head = citizen_with_overlays(db, head_id, pop, _depth=1) if head_id != id12 else None
    birth_place = _place(rec["birth_place"])
    residence = head.permanent_residence if head else birth_place
    return Citizen(
        id=id12,
        name=PersonName(**rec["name"]),
        sex=rec["sex"],
        birth_date=date.fromisoformat(rec["birth_date"]),
        ethnicity=rec.get("ethnicity") or (head.ethnicity if head else "Kinh"),
        religion=head.religion if head else "Không",
        marital_status="single",
        blood_group=rng(pop.seed, "registered-blood", id12).choice(("A", "B", "AB", "O")),
        nationality=rec.get("nationality") or "Việt Nam",
        old_id=None,
        birth_place=birth_place,
        home_town=head.home_town if head else birth_place,
        permanent_residence=residence,
        current_residence=head.current_residence if head else residence,
        father=father,
        mother=mother,
        spouse=None,
        household_head=Relative(head.id, head.name) if head else Relative(id12, PersonName(**rec["name"])),
        phone="",
    )


def citizen_with_overlays(db: sqlite_utils.Database, id12: str, pop: Population | None = None, _depth: int = 0) -> Citizen | None:
    """The citizen every system shows: derived or registered record with overlays applied.

    Returns None when the ID has no record; raises InvalidIdentifier for a malformed ID.
    """
    pop = pop or current_population()
    if _depth == 0:
        cache = _citizen_caches.get(db)
        cache.validate(db.conn)
        hit = cache.citizens.get(id12)
        if hit is not None and hit[0] is pop:  # the same population (seed, settings, day)
            return hit[1]
        citizen = _build_citizen(db, id12, pop, 0)  # raises for a malformed ID: never cached
        if len(cache.citizens) >= CACHE_MAX:
            cache.citizens.clear()
        cache.citizens[id12] = (pop, citizen)
        return citizen
    return _build_citizen(db, id12, pop, _depth)


def _build_citizen(db: sqlite_utils.Database, id12: str, pop: Population, _depth: int) -> Citizen | None:
    pop.parse(id12)
    rec, events = _stored(db, id12)
    if rec is not None:
        # why: depth guard, a registered child's parents are looked up without their own parents
        citizen = _from_registration(db, pop, id12, rec) if _depth == 0 else _shallow(pop, id12, rec)
    else:
        citizen = pop.citizen(id12)
    if citizen is None:
        return None
    return apply_overlays(citizen, events)


def _shallow(pop: Population, id12: str, rec: dict) -> Citizen:
    """A registered citizen without resolving relatives (used when naming them as a relative)."""
    place = _place(rec["birth_place"])
    name = PersonName(**rec["name"])
    return Citizen(
        id12,
        name,
        rec["sex"],
        date.fromisoformat(rec["birth_date"]),
        rec.get("ethnicity") or "Kinh",
        "Không",
        "single",
        "O",
        "Việt Nam",
        None,
        place,
        place,
        place,
        place,
        None,
        None,
        None,
        Relative(id12, name),
        "",
    )


def insurance_with_overlays(db: sqlite_utils.Database, identifier: str, pop: Population | None = None) -> InsuranceRecord | None:
    """The insurance record for an ID or BHXH code, with the citizen's overlays honoured."""
    pop = pop or current_population()
    record = pop.insurance(identifier)
    if record is None:
        # Not derived: maybe a child registered through civil status, insured from its registration.
        holder = pop.bhxh_holder(identifier)
        child = citizen_with_overlays(db, holder, pop) if holder else None
        record = pop.insurance(identifier, child) if child is not None else None
        if record is None:
            return None
    person = citizen_with_overlays(db, record.citizen_id, pop)
    if person is None:
        return None
    record = replace(record, name=person.name)
    if person.death_date is not None and person.death_date < record.card_valid_to:
        record = replace(record, card_valid_to=person.death_date)
    return record


def enterprise(msdn: str, pop: Population | None = None) -> Enterprise | None:
    """The enterprise registered under a 10-digit msdn (raises InvalidIdentifier if malformed)."""
    return (pop or current_population()).enterprise(msdn)


def new_child_id(db: sqlite_utils.Database, pop: Population, key: str, province2: str, sex: str, born: date) -> str:
    """A fresh valid 12-digit ID for a newborn registered in a province, deterministic from `key`.

    Prefers IDs the derived population leaves empty (no person, no persona), so the child
    collides with nobody; falls back to any unregistered ID when `missing_share` is 0.
    """
    r = rng(pop.seed, "child-id", key)
    fallback = None
    for _ in range(2000):
        # A serial inside the insurable space: every registered child gets a BHXH code and its card.
        candidate = compose_id("0" + province2, sex, born.year, r.randrange(BHXH_SERIAL_CAP))
        if registered_record(db, candidate) is not None or persona_for(candidate) is not None:
            continue
        if not pop.exists(candidate):
            return candidate
        fallback = fallback or candidate
    return fallback or compose_id("0" + province2, sex, born.year, 0)


def register_child(db: sqlite_utils.Database, child_id: str, record: dict, source: str = "") -> None:
    """Store a newborn's registration (name parts, sex, birth_date ISO, birth_place, parents)."""
    db.execute(
        f"INSERT OR REPLACE INTO {TABLE} (id, record, source) VALUES (?, ?, ?)",
        [child_id, json.dumps(record, ensure_ascii=False), source],
    )


def is_female(sex: str) -> bool:
    """Whether a record's sex is female."""
    return sex == FEMALE
