"""The suite's shared helpers keep the contracts the tests build on."""

from __future__ import annotations

import random

import pytest

from tests.conftest import FakeClock, wait_until
from tests.identity.official import PRE_2025_PROVINCES, TAX_PREFIXES, is_valid_mst
from tests.identity.samples import ids_born_1900s, random_msts, sample_ids


def test_the_fake_clock_moves_only_when_advanced_and_scales_sandbox_time(tmp_path):
    clock = FakeClock(str(tmp_path / "clock.db"), start=1_750_000_000.0)
    assert clock() == 1_750_000_000.0 and clock.timestamp() == pytest.approx(1_750_000_000.0)
    clock.advance(seconds=30)
    assert clock() == 1_750_000_030.0 and clock.timestamp() == pytest.approx(1_750_000_030.0)
    clock.sandbox.set_scale(60)
    clock.advance(seconds=10)  # ten real seconds at scale 60: ten sandbox minutes
    assert clock() == 1_750_000_040.0 and clock.timestamp() == pytest.approx(1_750_000_030.0 + 600)
    assert clock.now.utcoffset().total_seconds() == 7 * 3600  # Asia/Ho_Chi_Minh


def test_wait_until_returns_the_value_and_fails_naming_what_it_waited_for():
    calls = iter([None, 0, "ready"])
    assert wait_until(lambda: next(calls), timeout=5, every=0) == "ready"
    with pytest.raises(AssertionError, match="timed out after 0.05 s waiting for the impossible"):
        wait_until(lambda: False, timeout=0.05, what="the impossible", every=0.01)


def test_random_tax_codes_are_valid_under_their_prefixes_and_the_same_for_a_seed():
    codes = list(random_msts(random.Random(9), TAX_PREFIXES, 500))
    assert 400 < len(codes) < 500  # about 1 head in 11 has no check digit and is skipped
    assert all(is_valid_mst(code) and code[:2] in TAX_PREFIXES for code in codes)
    assert codes == list(random_msts(random.Random(9), TAX_PREFIXES, 500))


def test_sampled_citizen_ids_are_well_formed_for_their_birth_years():
    for id12 in sample_ids(300, 3, last_year=2026):
        digit, year = int(id12[3]), int(id12[4:6])
        assert len(id12) == 12 and id12[1:3] in PRE_2025_PROVINCES
        assert 1935 <= 1900 + digit // 2 * 100 + year <= 2026


def test_ids_born_in_the_1900s_keep_to_their_years():
    ids = list(ids_born_1900s(random.Random(2), 300, born_from=1955))
    assert len(ids) == 300 and all(id12[1:3] in PRE_2025_PROVINCES and id12[3] in "01" for id12 in ids)
    assert {int(id12[4:6]) for id12 in ids} <= set(range(55, 100))
