"""Simulated time for the flows: the shared sandbox clock and the portal's date format."""

from __future__ import annotations

from datetime import datetime

from simulator.clock import TZ, SandboxClock, forget_shared, shared_clock

PORTAL_FORMAT = "%Y%m%d%H%M%S"


def sim_clock(db_path: str) -> SandboxClock:
    """This process's sandbox clock for a database file (the one every feature shares)."""
    return shared_clock(db_path)


def refresh(db_path: str) -> None:
    """Forget the cached clock row so the next reading sees a change made elsewhere at once."""
    forget_shared(db_path)


def sim_now(db_path: str) -> datetime:
    """Simulated now, aware, in Asia/Ho_Chi_Minh."""
    return sim_clock(db_path).now()


def to_portal(moment: datetime) -> str:
    """A datetime as the portal writes dates: yyyyMMddHHmmss in Asia/Ho_Chi_Minh."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(TZ)
    return moment.strftime(PORTAL_FORMAT)


def from_portal(text: str) -> datetime:
    """A yyyyMMddHHmmss string as an aware datetime in Asia/Ho_Chi_Minh."""
    return datetime.strptime(text, PORTAL_FORMAT).replace(tzinfo=TZ)


def quarter_of(moment: datetime) -> str:
    """The quarter label of a date, e.g. `2026Q4`."""
    return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"
