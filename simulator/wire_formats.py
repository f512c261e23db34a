"""The wire's time facts, once: the portal's time zone and the date formats systems write.

The portal and every ministry system speak Vietnam's local time (Asia/Ho_Chi_Minh, UTC+7,
no daylight saving). Dates travel as text in three shapes:

- `yyyyMMddHHmmss` — the portal's date-time (NgayTiepNhan, ThoiDiemXuLy, ThoiGianGD);
- `yyyyMMdd` — a plain date in ministry requests (birth dates, registration dates);
- `dd/MM/yyyy` — the date ministry replies print (ngayHenTraKetQua, ngayCapPhieu).

A date a caller declares (a birth date checked against the population) is read in any of
`DECLARED_DATES`: the two above and ISO `yyyy-MM-dd`, as public clients send them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PORTAL_DATETIME = "%Y%m%d%H%M%S"
YMD = "%Y%m%d"
DMY = "%d/%m/%Y"
ISO_DATE = "%Y-%m-%d"
# The shapes a declared date may take, with the names errors give them.
DECLARED_DATES = {YMD: "yyyyMMdd", ISO_DATE: "yyyy-MM-dd", DMY: "dd/MM/yyyy"}


def local(moment: datetime | float) -> datetime:
    """A POSIX timestamp or a datetime as an aware Asia/Ho_Chi_Minh datetime (naive means local already)."""
    if isinstance(moment, int | float):
        return datetime.fromtimestamp(moment, tz=UTC).astimezone(TZ)
    return moment.astimezone(TZ) if moment.tzinfo is not None else moment.replace(tzinfo=TZ)


def to_portal(moment: datetime | float) -> str:
    """A datetime or POSIX timestamp as the portal writes it: `yyyyMMddHHmmss`, local time."""
    return local(moment).strftime(PORTAL_DATETIME)


def from_portal(text: str) -> datetime:
    """A `yyyyMMddHHmmss` string as an aware Asia/Ho_Chi_Minh datetime (ValueError if not one)."""
    return datetime.strptime(text, PORTAL_DATETIME).replace(tzinfo=TZ)


def to_dmy(moment: datetime | float) -> str:
    """A datetime or POSIX timestamp as ministry replies print dates: `dd/MM/yyyy`, local time."""
    return local(moment).strftime(DMY)


def wall_clock_portal() -> str:
    """The real (not simulated) time now in the portal's format; for defaults a client fills in."""
    return datetime.now(TZ).strftime(PORTAL_DATETIME)


def parse_declared_date(text: str) -> date:
    """A date written in one of `DECLARED_DATES`; ValueError naming the accepted shapes if none fits."""
    for fmt in DECLARED_DATES:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"must be {', '.join(DECLARED_DATES.values())}, got {text!r}")
