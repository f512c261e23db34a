"""`/sandbox/calendar` and `/sandbox/calendar/due`: admin-only, documented, bounded, and agreeing with `holidays`."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from tests.conftest import ADMIN


@pytest.mark.parametrize(
    "path", ["/sandbox/calendar?from=2026-01-01&to=2026-01-31", "/sandbox/calendar/due?received=20260105080000&days=1"]
)
def test_the_calendar_needs_the_admin_token(client, path):
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_a_year_of_days_agrees_with_the_holidays_package(client):
    reply = client.get("/sandbox/calendar?from=2027-01-01&to=2027-12-31", headers=ADMIN).get_json()
    listed = holidays.country_holidays("VN", years=2027)
    assert len(reply["days"]) == 365
    for day in reply["days"]:
        d = date.fromisoformat(day["date"])
        assert day["weekday"] == d.isoweekday()
        assert day["working"] == (d.weekday() < 5 and d not in listed), day
        assert (day["kind"] == "holiday") == (d in listed)
    assert reply["working_days"] == sum(d["working"] for d in reply["days"])


def test_days_are_named(client):
    days = client.get("/sandbox/calendar?from=2026-11-24&to=2026-11-24", headers=ADMIN).get_json()["days"]
    assert days == [{"date": "2026-11-24", "weekday": 2, "working": False, "kind": "holiday", "name": "Ngày Văn hóa Việt Nam"}]


def test_due_dates_follow_the_counting_rules(client):
    def due(received: str, days: float) -> str:
        return client.get(f"/sandbox/calendar/due?received={received}&days={days}", headers=ADMIN).get_json()["due"]

    assert due("20260302080000", 1) == "20260303170000"  # counting starts the next working day
    assert due("20260302080000", 0.5) == "20260302170000"  # same-day procedure taken in the morning
    assert due("20260302140000", 0.5) == "20260303120000"  # ... in the afternoon: noon next day
    assert due("20260302080000", 2.3) == "20260305120000"  # rounded up to 2.5 days
    assert due("20260820080000", 2) == "20260822170000"  # Fri 21, then the make-up Saturday 22


@pytest.mark.parametrize(
    "path, query, field",
    [
        ("", "from=2026-02-01&to=2026-01-01", "to"),
        ("", "from=2026-01-01&to=2028-06-01", "to"),
        ("", "from=1800-01-01&to=1800-01-02", "from"),
        ("", "from=2026-13-01&to=2026-12-31", "from"),
        ("", "to=2026-12-31", "from"),
        ("/due", "received=20260230080000&days=1", "received"),
        ("/due", "received=99991231080000&days=1", "received"),
        ("/due", "received=20260302080000&days=0", "days"),
        ("/due", "received=20260302080000&days=3651", "days"),
        ("/due", "received=20260302080000&days=nan", "days"),
        ("/due", "days=1", "received"),
    ],
)
def test_bad_ranges_and_due_queries_are_422_naming_the_field(client, path, query, field):
    reply = client.get(f"/sandbox/calendar{path}?{query}", headers=ADMIN)
    assert reply.status_code == 422 and field in reply.get_json()["errors"]["query"]


def test_the_longest_due_date_stays_within_the_tabulated_calendar(client):
    reply = client.get("/sandbox/calendar/due?received=20841231170000&days=3650", headers=ADMIN)
    assert reply.status_code == 200 and reply.get_json()["due"] <= "20991231170000"


def test_the_calendar_is_in_the_openapi_document(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    params = {p["name"] for p in paths["/sandbox/calendar"]["get"]["parameters"]}
    assert {"from", "to"} <= params
    assert {"received", "days"} <= {p["name"] for p in paths["/sandbox/calendar/due"]["get"]["parameters"]}
    assert paths["/sandbox/calendar"]["get"]["security"] == [{"bearer": []}]


def test_a_range_of_two_years_is_allowed(client):
    start = date(2026, 1, 1)
    end = start + timedelta(days=730)
    reply = client.get(f"/sandbox/calendar?from={start}&to={end}", headers=ADMIN)
    assert reply.status_code == 200 and len(reply.get_json()["days"]) == 731
