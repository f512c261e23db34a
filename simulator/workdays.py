"""Working days on the civil-service calendar: appointment dates (NgayHenTra) and time used.

Rules (our design, following how one-stop software counts legal processing times):

- A working day is Monday to Friday, not a public holiday, plus the explicit make-up
  Saturdays (ngày làm bù). Holidays and make-up days for 2025-2027 come from
  `data/holidays.json`, one explicit entry each, so every date is auditable; outside
  those years only weekends are days off.
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

DATA_FILE = Path(__file__).parent / "data" / "holidays.json"

MORNING_START = time(8, 0)
NOON = time(12, 0)
AFTERNOON_START = time(13, 0)
CLOSE = time(17, 0)
HOURS_PER_DAY = 8.0

# A legal time limit longer than this is a data error; the cap keeps a loop from running away.
MAX_DAYS = 3650


@lru_cache(maxsize=1)
def _calendar() -> tuple[frozenset[date], frozenset[date], frozenset[int]]:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    days_off: set[date] = set()
    for entry in raw["holidays"]:
        day, last = date.fromisoformat(entry["from"]), date.fromisoformat(entry["to"])
        while day <= last:
            days_off.add(day)
            day += timedelta(days=1)
    make_up = {date.fromisoformat(w["date"]) for w in raw["working_weekends"]}
    return frozenset(days_off), frozenset(make_up), frozenset(raw["covered_years"])


def holidays(year: int | None = None) -> list[dict]:
    """The holiday entries of data/holidays.json (with certainty and source), optionally of one year."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return [h for h in raw["holidays"] if year is None or h["from"].startswith(f"{year:04d}")]


def covered_years() -> frozenset[int]:
    """Years whose holidays are encoded; other years count weekends only."""
    return _calendar()[2]


def is_working_day(d: date) -> bool:
    """True on Monday-Friday that is not a public holiday, and on an announced make-up weekend day."""
    if isinstance(d, datetime):
        d = d.date()
    days_off, make_up, _ = _calendar()
    if d in make_up:
        return True
    return d.weekday() < 5 and d not in days_off


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
