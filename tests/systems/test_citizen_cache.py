"""Each worker's citizen cache shows every registration and overlay at the very next lookup."""

from __future__ import annotations

from simulator import db as sandbox_db
from simulator.app import create_app
from simulator.identity.overlays import record_event
from simulator.systems import people
from tests.conftest import SEED

CITIZEN = "056090001234"  # alive in the derived population


def _two_workers(tmp_path):
    """Two connections to one sandbox file, as two gunicorn workers hold them."""
    path = tmp_path / "people.db"
    create_app({"db": str(path), "seed": SEED})
    return sandbox_db.connect(path), sandbox_db.connect(path)


def test_a_death_recorded_by_another_worker_shows_at_the_next_lookup(tmp_path):
    worker_a, worker_b = _two_workers(tmp_path)
    pop = people.population(SEED, 0.0)
    before = people.citizen_with_overlays(worker_a, CITIZEN, pop)
    assert before is not None and not before.deceased
    assert people.citizen_with_overlays(worker_a, CITIZEN, pop) is before  # served from the cache
    record_event(worker_b, CITIZEN, "death", {"date": "2026-11-01"})
    after = people.citizen_with_overlays(worker_a, CITIZEN, pop)
    assert after.deceased and after.death_date.isoformat() == "2026-11-01"


def test_a_move_recorded_by_the_same_worker_shows_at_the_next_lookup(tmp_path):
    worker_a, _ = _two_workers(tmp_path)
    pop = people.population(SEED, 0.0)
    people.citizen_with_overlays(worker_a, CITIZEN, pop)
    record_event(worker_a, CITIZEN, "residence_change", {"province": "56", "commune": "22333", "detail": "12 Trần Phú"})
    moved = people.citizen_with_overlays(worker_a, CITIZEN, pop)
    assert moved.permanent_residence.province_code == "56"
    assert moved.permanent_residence.detail == "12 Trần Phú"


def test_another_population_never_gets_a_citizen_cached_for_the_first(tmp_path):
    worker_a, _ = _two_workers(tmp_path)
    first = people.citizen_with_overlays(worker_a, CITIZEN, people.population(SEED, 0.0))
    other = people.citizen_with_overlays(worker_a, CITIZEN, people.population(SEED + 1, 0.0))
    assert other is not first and other.name != first.name
