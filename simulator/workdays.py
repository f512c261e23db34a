"""Working days on the civil-service calendar: appointment dates (NgayHenTra) and time used.

Rules (our design, following how one-stop software counts legal processing times):

- A working day is Monday to Friday that is not a public holiday, plus the official make-up
  days (ngày làm bù, a Saturday worked to bridge a holiday). Public holidays, including the
  Government's swapped days off and the 24 November Vietnamese Culture Day since 2026, come
  from the maintained `holidays` package (any year); the make-up days are our own data,
  `data/holidays.json`, one entry each with the document that announced it.
- Office hours are 08:00-12:00 and 13:00-17:00; a working day has a morning half ending
  at noon and an afternoon half ending at 17:00.
- Counting starts on the next working day after the day of intake (the first day of a
  period is not counted, Civil Code art. 147), so N whole days end at 17:00 on the N-th
  working day after intake.
- Half days: N + 0.5 days end at noon of the working day after the N-th. A same-day
  procedure (0.5, "trong ngày") taken in before noon on a working day is due at 17:00
  that day; taken in later, or on a day off, it is due at noon of the next working day.
- Durations are rounded up to the next half day (a legal 2.3 days is 2.5).
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

import holidays as holidays_package

DATA_FILE = Path(__file__).parent / "data" / "holidays.json"

MORNING_START = time(8, 0)
NOON = time(12, 0)
AFTERNOON_START = time(13, 0)
CLOSE = time(17, 0)
HOURS_PER_DAY = 8.0

# A legal time limit longer than this is a data error; the cap keeps a loop from running away.
MAX_DAYS = 3650


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, str]:
    """Vietnam's public holidays and swapped days off in `year` (the `holidays` package), by date."""
    return dict(holidays_package.country_holidays("VN", years=year, language="vi"))


@lru_cache(maxsize=1)
def make_up_days() -> dict[date, dict]:
    """The official make-up working days of data/holidays.json: date -> {date, replaces, source}."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {date.fromisoformat(entry["date"]): entry for entry in raw["make_up_working_days"]}


def day_kind(d: date) -> tuple[str, str]:
    """(kind, name) of a day: "working", "weekend", "holiday" (name = the holiday) or "make_up"."""
    if isinstance(d, datetime):
        d = d.date()
    entry = make_up_days().get(d)
    if entry is not None:
        return "make_up", f"Ngày làm bù cho ngày {date.fromisoformat(entry['replaces']).strftime('%d/%m/%Y')}"
    name = public_holidays(d.year).get(d)
    if name is not None:
        return "holiday", name
    return ("weekend", "") if d.weekday() >= 5 else ("working", "")


def is_working_day(d: date) -> bool:
    """True on Monday-Friday that is not a public holiday, and on an official make-up day."""
    if isinstance(d, datetime):
        d = d.date()
    if d in make_up_days():
        return True
    return d.weekday() < 5 and d not in public_holidays(d.year)


def next_working_day(d: date) -> date:
    """The first working day strictly after `d`."""
    if isinstance(d, datetime):
        d = d.date()
    d += timedelta(days=1)
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def _at(d: date, t: time, like: datetime) -> datetime:
    # Keep the caller's timezone (aware or naive) so results compare with their inputs.
    return datetime.combine(d, t, tzinfo=like.tzinfo)


def add_working_days(start: datetime, days: float) -> datetime:
    """The appointment date (NgayHenTra) for a dossier taken in at `start` with a legal limit of `days`.

    Whole days end at 17:00, a trailing half day at noon; see the module docstring for the
    counting rules. `days` <= 0 returns `start` unchanged; the timezone of `start` is kept.
    """
    if days > MAX_DAYS:
        raise ValueError(f"days must be at most {MAX_DAYS}, got {days}")
    if days <= 0:
        return start
    halves = math.ceil(days * 2 - 1e-9)
    whole, half = divmod(halves, 2)
    if whole == 0:
        # Same-day procedures: a morning intake on a working day is served by the afternoon.
        if is_working_day(start.date()) and start.time() < NOON:
            return _at(start.date(), CLOSE, start)
        return _at(next_working_day(start.date()), NOON, start)
    day = start.date()
    for _ in range(whole):
        day = next_working_day(day)
    if half:
        return _at(next_working_day(day), NOON, start)
    return _at(day, CLOSE, start)


def _office_hours_between(day: date, start: time, end: time) -> float:
    """Office hours on one working day between two times of that day."""
    if not is_working_day(day) or end <= start:
        return 0.0
    total = 0.0
    for open_, close in ((MORNING_START, NOON), (AFTERNOON_START, CLOSE)):
        lo, hi = max(start, open_), min(end, close)
        if hi > lo:
            total += (datetime.combine(day, hi) - datetime.combine(day, lo)).total_seconds() / 3600
    return total


def working_days_between(a: datetime, b: datetime) -> float:
    """Working days used from intake `a` to moment `b`, in office time (8 hours = 1 day).

    Counting starts on the next working day after `a`'s date, as for `add_working_days`, so
    `working_days_between(a, add_working_days(a, n)) == n` for n >= 1. Negative when `b` is
    before `a`; 0.0 when `b` is still on the intake day.
    """
    if b < a:
        return -working_days_between(b, a)
    day = next_working_day(a.date())
    if (b.date() - day).days > MAX_DAYS * 2:
        raise ValueError("interval too long")
    hours = 0.0
    while day < b.date():
        hours += _office_hours_between(day, MORNING_START, CLOSE)
        day += timedelta(days=1)
    if day == b.date():
        hours += _office_hours_between(day, MORNING_START, b.time())
    return hours / HOURS_PER_DAY
