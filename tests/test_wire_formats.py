"""The wire's date shapes: a declared date is read in any of DECLARED_DATES, else named as wrong."""

from __future__ import annotations

from datetime import date

import pytest

from simulator.wire_formats import DECLARED_DATES, parse_declared_date


@pytest.mark.parametrize("text", ["19800805", "1980-08-05", "05/08/1980"])
def test_each_declared_shape_reads_the_same_day(text):
    assert parse_declared_date(text) == date(1980, 8, 5)


@pytest.mark.parametrize("text", ["1980", "05-08-1980", "19800230", ""])
def test_other_text_is_refused_naming_every_accepted_shape(text):
    with pytest.raises(ValueError) as refused:
        parse_declared_date(text)
    assert all(name in str(refused.value) for name in DECLARED_DATES.values()) and repr(text) in str(refused.value)
