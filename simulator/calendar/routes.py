"""`/sandbox/calendar`: the working-day calendar the sandbox counts legal processing times on.

Vendors check their own deadline arithmetic against it: `GET /sandbox/calendar?from=&to=` lists
every day with its kind (working, weekend, public holiday with its name, official make-up day),
and `GET /sandbox/calendar/due?received=&days=` gives the appointment date (NgayHenTra) the
sandbox computes for a dossier received at `received` with a legal limit of `days` working days
(rules in `simulator.workdays`). Admin token, like every other `/sandbox` route.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from simulator import workdays
from simulator.admin.blueprint import admin_blueprint, admin_doc
from simulator.portal.fields import PortalDate
from simulator.wire_formats import from_portal, to_portal

blp = admin_blueprint(
    "calendar",
    __name__,
    url_prefix="/sandbox",
    description="Working-day calendar (admin token): days off, official make-up days, due-date calculator.",
)
# Longest listing in one call: two years of days keeps a reply small and a loop bounded.
MAX_RANGE_DAYS = 731
# The lunar calendar behind Tết and the Hùng Kings' day is tabulated up to 2100, so dates stay within
# these years; a received date leaves room for the longest legal limit (MAX_DAYS, ~14 years).
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2099, 12, 31)
LAST_RECEIVED_YEAR = 2084


class CalendarQuery(Schema):
    """A date range, both ends included (ISO dates)."""

    from_ = fields.Date(required=True, data_key="from", metadata={"example": "2026-08-17"})
    to = fields.Date(required=True, metadata={"example": "2026-09-06"})

    @validates_schema
    def _ordered_and_bounded(self, data: dict, **kwargs) -> None:
        for key, name in (("from_", "from"), ("to", "to")):
            if not FIRST_DAY <= data[key] <= LAST_DAY:
                raise ValidationError(f"'{name}' must be within {FIRST_DAY} .. {LAST_DAY}", name)
        if data["to"] < data["from_"]:
            raise ValidationError("'to' must not be before 'from'", "to")
        if (data["to"] - data["from_"]).days >= MAX_RANGE_DAYS:
            raise ValidationError(f"the range may span at most {MAX_RANGE_DAYS} days", "to")


class CalendarDay(Schema):
    """One day of the calendar."""

    date = fields.Date(required=True)
    weekday = fields.Integer(required=True, metadata={"description": "ISO weekday: 1 Monday ... 7 Sunday"})
    working = fields.Boolean(required=True)
    kind = fields.String(required=True, metadata={"description": "working, weekend, holiday or make_up (ngày làm bù)"})
    name = fields.String(required=True, metadata={"description": "Holiday or make-up day name (Vietnamese)"})


class CalendarReply(Schema):
    """Days of a range and how many of them are working days."""

    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)
    working_days = fields.Integer(required=True)
    days = fields.List(fields.Nested(CalendarDay), required=True)
    sources = fields.Dict(required=True, metadata={"description": "Where public holidays and make-up days come from"})


class DueQuery(Schema):
    """When a dossier was received and its legal time limit in working days."""

    received = PortalDate(required=True, metadata={"description": "yyyyMMddHHmmss, Asia/Ho_Chi_Minh"})
    days = fields.Float(
        required=True,
        validate=validate.Range(min=0.5, max=workdays.MAX_DAYS),
        metadata={"description": "Legal limit in working days; rounded up to the next half day", "example": 5},
    )

    @validates_schema
    def _received_in_range(self, data: dict, **kwargs) -> None:
        year = int(data["received"][:4])
        if not FIRST_DAY.year <= year <= LAST_RECEIVED_YEAR:
            raise ValidationError(f"'received' must be in the years {FIRST_DAY.year} .. {LAST_RECEIVED_YEAR}", "received")


class DueReply(Schema):
    """The appointment date (NgayHenTra) the sandbox computes."""

    received = fields.String(required=True)
    days = fields.Float(required=True)
    due = fields.String(required=True, metadata={"description": "NgayHenTra, yyyyMMddHHmmss"})
    due_iso = fields.String(required=True)
    working_days_used = fields.Float(required=True, metadata={"description": "Office time from received to due"})
    rule = fields.String(required=True)


def calendar_days(first: date, last: date) -> list[dict]:
    """Every day from `first` to `last` (inclusive) with its kind and name."""
    days = []
    day = first
    while day <= last:
        kind, name = workdays.day_kind(day)
        days.append({"date": day, "weekday": day.isoweekday(), "working": workdays.is_working_day(day), "kind": kind, "name": name})
        day += timedelta(days=1)
    return days


@blp.route("/calendar")
class Calendar(MethodView):
    """The civil-service calendar over a date range."""

    @blp.arguments(CalendarQuery, location="query")
    @blp.response(200, CalendarReply)
    @admin_doc(blp)
    def get(self, query: dict):
        """Days from `from` to `to`: working, weekend, public holiday (named) or official make-up day."""
        days = calendar_days(query["from_"], query["to"])
        return {
            "from_": query["from_"],
            "to": query["to"],
            "working_days": sum(d["working"] for d in days),
            "days": days,
            "sources": {
                "public_holidays": "holidays package (vacanza/holidays), country VN",
                "make_up_days": {entry["date"]: entry["source"] for entry in workdays.make_up_days().values()},
            },
        }


@blp.route("/calendar/due")
class DueDate(MethodView):
    """The due-date calculator."""

    @blp.arguments(DueQuery, location="query")
    @blp.response(200, DueReply)
    @admin_doc(blp)
    def get(self, query: dict):
        """The NgayHenTra of a dossier received at `received` with a limit of `days` working days."""
        received: datetime = from_portal(query["received"])
        due = workdays.add_working_days(received, query["days"])
        return {
            "received": query["received"],
            "days": query["days"],
            "due": to_portal(due),
            "due_iso": due.isoformat(),
            "working_days_used": round(workdays.working_days_between(received, due), 3),
            "rule": (
                "Counting starts the working day after intake; whole days end at 17:00, a half day at "
                "12:00; days are rounded up to the next half day; weekends, public holidays off, "
                "official make-up days worked."
            ),
        }
