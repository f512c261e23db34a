"""Working-day arithmetic on the civil-service calendar."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone

import holidays
import pytest

from simulator import workdays
from simulator.catalogue import procedure
from simulator.workdays import add_working_days, is_working_day, next_working_day, working_days_between


def test_weekdays_work_and_weekends_rest() -> None:
    assert is_working_day(date(2026, 3, 4))  # Wednesday
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 3, 8))  # Sunday


@pytest.mark.parametrize(
    "day",
    [
        "2025-01-01",
        "2025-01-29",
        "2025-04-07",
        "2025-04-30",
        "2025-05-02",
        "2025-09-01",
        "2025-09-02",
        "2026-01-01",
        "2026-02-17",
        "2026-02-20",
        "2026-04-27",
        "2026-04-30",
        "2026-05-01",
        "2026-09-02",
        "2027-01-01",
        "2027-02-08",
        "2027-04-16",
        "2027-05-03",
        "2027-09-02",
    ],
)
def test_public_holidays_are_days_off(day: str) -> None:
    assert not is_working_day(date.fromisoformat(day))


def test_make_up_saturday_is_a_working_day() -> None:
    assert is_working_day(date(2025, 4, 26))


def test_any_year_has_its_public_holidays() -> None:
    # No covered-years limit: the holidays package computes lunar holidays for any year.
    assert not is_working_day(date(2030, 1, 1))  # New Year's Day
    assert not is_working_day(date(2030, 1, 5))  # Saturday
    assert is_working_day(date(2030, 1, 2))


def test_2026_days_the_holidays_package_lists_are_off() -> None:
    # The finding: Mon 31 Aug 2026 (swapped day off) and Tue 24 Nov 2026 (Vietnamese Culture Day).
    assert not is_working_day(date(2026, 8, 31))
    assert not is_working_day(date(2026, 11, 24))
    assert is_working_day(date(2026, 8, 22))  # the Saturday worked for 31 August


def test_every_weekday_the_holidays_package_lists_is_off_and_no_other_weekday() -> None:
    for year in range(2019, 2029):
        listed = holidays.country_holidays("VN", years=year)
        day = date(year, 1, 1)
        while day.year == year:
            if day.weekday() < 5:
                assert is_working_day(day) == (day not in listed), day
            day += timedelta(days=1)


def test_make_up_days_are_documented_weekend_days_that_pay_for_a_listed_day_off() -> None:
    raw = json.loads(workdays.DATA_FILE.read_text(encoding="utf-8"))
    for entry in raw["make_up_working_days"]:
        worked, replaced = date.fromisoformat(entry["date"]), date.fromisoformat(entry["replaces"])
        assert entry["source"] and worked.weekday() >= 5 and is_working_day(worked)
        listed = holidays.country_holidays("VN", years=replaced.year)
        assert replaced in listed and worked.strftime("%m/%d/%Y") in listed[replaced]


def test_every_swap_the_holidays_package_knows_since_2018_has_its_make_up_day() -> None:
    ours = {entry["date"] for entry in json.loads(workdays.DATA_FILE.read_text(encoding="utf-8"))["make_up_working_days"]}
    swaps = 0
    for year in range(2018, 2029):
        for name in holidays.country_holidays("VN", years=year).values():
            match = re.search(r"substituted from (\d\d)/(\d\d)/(\d{4})", name)
            if match:
                swaps += 1
                month, day, worked_year = match.groups()
                assert f"{worked_year}-{month}-{day}" in ours, name
    assert swaps == len(ours)


def test_day_kinds_name_the_holiday() -> None:
    assert workdays.day_kind(date(2026, 11, 24)) == ("holiday", "Ngày Văn hóa Việt Nam")
    assert workdays.day_kind(date(2026, 8, 22))[0] == "make_up"
    assert workdays.day_kind(date(2026, 11, 28)) == ("weekend", "")
    assert workdays.day_kind(date(2026, 11, 27)) == ("working", "")


def test_five_days_from_friday_skip_weekend_hung_kings_compensation_and_may_day() -> None:
    accepted = datetime(2026, 4, 24, 9, 30)  # Friday
    # Mon 27/4 is the compensated Hùng Kings day; 30/4-3/5 off; days: 28, 29, 4/5, 5/5, 6/5.
    assert add_working_days(accepted, 5) == datetime(2026, 5, 6, 17, 0)


def test_tet_2026_is_skipped() -> None:
    accepted = datetime(2026, 2, 12, 15, 0)  # Thursday before Tết
    # Friday 13/2 is day 1; 14/2-22/2 off; Monday 23/2 is day 2, Tuesday 24/2 day 3.
    assert add_working_days(accepted, 3) == datetime(2026, 2, 24, 17, 0)


def test_counting_starts_the_next_working_day() -> None:
    assert add_working_days(datetime(2026, 3, 2, 8, 0), 1) == datetime(2026, 3, 3, 17, 0)


def test_half_day_procedure_taken_in_the_morning_is_due_the_same_afternoon() -> None:
    assert add_working_days(datetime(2026, 3, 2, 9, 0), 0.5) == datetime(2026, 3, 2, 17, 0)


def test_half_day_procedure_taken_in_the_afternoon_is_due_next_noon() -> None:
    assert add_working_days(datetime(2026, 3, 6, 14, 0), 0.5) == datetime(2026, 3, 9, 12, 0)


def test_half_day_procedure_submitted_on_sunday_is_due_monday_noon() -> None:
    assert add_working_days(datetime(2026, 3, 8, 9, 0), 0.5) == datetime(2026, 3, 9, 12, 0)


def test_one_and_a_half_days_end_at_noon() -> None:
    assert add_working_days(datetime(2026, 3, 2, 10, 0), 1.5) == datetime(2026, 3, 4, 12, 0)


def test_fractions_round_up_to_half_days() -> None:
    start = datetime(2026, 3, 2, 10, 0)
    assert add_working_days(start, 2.3) == add_working_days(start, 2.5)


def test_timezone_is_kept() -> None:
    tz = timezone(timedelta(hours=7))
    due = add_working_days(datetime(2026, 3, 2, 10, 0, tzinfo=tz), 2)
    assert due == datetime(2026, 3, 4, 17, 0, tzinfo=tz)


def test_zero_days_returns_start_and_huge_is_refused() -> None:
    start = datetime(2026, 3, 2, 10, 0)
    assert add_working_days(start, 0) == start
    with pytest.raises(ValueError):
        add_working_days(start, 10**6)


@pytest.mark.parametrize("days", [1, 1.5, 2, 5, 10, 20, 30])
@pytest.mark.parametrize(
    "start",
    [
        datetime(2026, 4, 24, 9, 30),
        datetime(2026, 2, 10, 16, 0),
        datetime(2025, 12, 31, 8, 0),
        datetime(2027, 2, 3, 11, 0),
    ],
)
def test_between_inverts_add(start: datetime, days: float) -> None:
    assert working_days_between(start, add_working_days(start, days)) == days


def test_between_counts_partial_days_and_is_antisymmetric() -> None:
    a = datetime(2026, 3, 2, 10, 0)
    b = datetime(2026, 3, 4, 10, 0)  # all of Tuesday plus two morning hours of Wednesday
    assert working_days_between(a, b) == 1.25
    assert working_days_between(b, a) == -1.25
    assert working_days_between(a, datetime(2026, 3, 2, 16, 0)) == 0.0


def test_next_working_day_skips_tet_2025() -> None:
    assert next_working_day(date(2025, 1, 24)) == date(2025, 2, 3)


def test_appointment_for_a_five_day_catalogue_procedure_accepted_on_friday_24_april_2026() -> None:

    relodge_birth = procedure("1.004884")  # Đăng ký lại khai sinh: 5 working days
    assert relodge_birth.days == 5
    due = add_working_days(datetime(2026, 4, 24, 14, 0), relodge_birth.days)
    assert due == datetime(2026, 5, 6, 17, 0)
