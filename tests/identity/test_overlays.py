"""Stored change events are kept per subject and applied on top of derived citizens."""

from datetime import date

import pytest
import sqlite_utils

from simulator import schema
from simulator.identity import overlays
from simulator.identity.overlays import (
    apply_overlays,
    create_tables,
    events_for,
    record_death,
    record_divorce,
    record_event,
    record_marriage,
)
from simulator.identity.personas import with_outcome
from simulator.identity.records import Relative
from simulator.identity.wire import to_congdan


@pytest.fixture
def database() -> sqlite_utils.Database:
    database = sqlite_utils.Database(memory=True)
    create_tables(database)
    return database


def test_create_tables_is_idempotent_and_indexed(database):
    create_tables(database)
    assert set(database["identity_overlays"].columns_dict) == {
        "id",
        "subject_id",
        "kind",
        "payload",
        "created_at",
    }
    assert any(ix.columns == ["subject_id"] for ix in database["identity_overlays"].indexes)
    assert "simulator.identity.overlays" in schema.MODULES


def test_events_round_trip_in_order(database):
    record_event(database, "A", "death", {"date": "2025-09-01"})
    record_event(database, "B", "death", {"date": "2025-09-02"})
    record_event(database, "A", "residence_change", {"province": "79", "commune": "26734", "detail": "Số 1"})
    events = events_for(database, "A")
    assert [e["kind"] for e in events] == ["death", "residence_change"]
    assert events[0]["payload"] == {"date": "2025-09-01"} and events[0]["created_at"]
    with pytest.raises(ValueError):
        record_event(database, "A", "annulment", {})


def test_overlays_apply(population, database):
    single = population.citizen(with_outcome("single_adult").identifier)
    sid = single.id
    record_event(database, sid, "marriage", {"spouse_id": "001088000004", "spouse_name": "Nguyễn Văn An",
                                             "date": "2025-10-01"})  # fmt: skip
    record_event(database, sid, "residence_change",
                 {"province": "79", "commune": "26734", "detail": "Số 5 đường Lê Lợi", "date": "20251002"})  # fmt: skip
    record_event(database, sid, "birth", {"child": {"SoDinhDanh": "079325000123", "HoVaTen": "Nguyễn Ngọc Hà"}})
    record_event(database, sid, "death", {"date": "20251231"})
    changed = apply_overlays(single, events_for(database, sid))
    assert changed.spouse.id == "001088000004" and changed.spouse.name.full == "Nguyễn Văn An"
    assert changed.marital_status == "married"
    assert changed.permanent_residence.province_code == "79" == changed.current_residence.province_code
    assert [c.id for c in changed.children] == ["079325000123"]
    assert changed.deceased and changed.death_date == date(2025, 12, 31)
    assert single.spouse is None and not single.deceased  # the derived record is untouched
    assert population.apply_overlays(single, []) == single


def test_current_only_residence_change(population):
    citizen = population.citizen(with_outcome("married").identifier)
    moved = apply_overlays(citizen, [{"kind": "residence_change", "province": "48", "commune": "20194", "scope": "current"}])
    assert moved.current_residence.province_code == "48"
    assert moved.permanent_residence == citizen.permanent_residence


def test_a_recorded_death_widows_the_spouse_and_a_divorce_parts_both(population, database):
    husband = population.citizen(with_outcome("married").identifier)
    wife = population.citizen(husband.spouse.id)
    record_death(database, husband.id, "20260301", spouse_id=wife.id)
    widow = apply_overlays(wife, events_for(database, wife.id))
    assert widow.marital_status == "widowed" and widow.spouse.id == husband.id and not widow.deceased
    assert apply_overlays(husband, events_for(database, husband.id)).death_date == date(2026, 3, 1)

    bride = population.citizen(with_outcome("single_adult").identifier)
    record_marriage(database, Relative(widow.id, widow.name), Relative(bride.id, bride.name), "20260601")
    remarried = apply_overlays(wife, events_for(database, wife.id))
    assert remarried.marital_status == "married" and remarried.spouse.id == bride.id
    record_divorce(database, wife.id, bride.id, "20260901")
    for person in (wife, bride):
        after = apply_overlays(person, events_for(database, person.id))
        assert after.marital_status == "divorced" and after.spouse is None
    assert to_congdan(apply_overlays(bride, events_for(database, bride.id)))["TinhTrangHonNhan"] == "4"


def test_a_couple_is_written_whole_or_not_at_all(database, monkeypatch):
    real = overlays.record_event
    calls = []

    def fail_on_second_side(db, subject_id, kind, payload):
        calls.append(subject_id)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(db, subject_id, kind, payload)

    monkeypatch.setattr(overlays, "record_event", fail_on_second_side)
    with pytest.raises(RuntimeError):
        record_divorce(database, "A", "B", "20260101")
    assert calls == ["A", "B"] and events_for(database, "A") == events_for(database, "B") == []
