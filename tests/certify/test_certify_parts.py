"""The readiness check's parts in-process: requirements data, options, reports, the exchanges it reads from the
sandbox's request capture, admin API guards, dashboard panel."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from simulator.certify import reports
from simulator.certify.capture import Exchange, SandboxCapture, decoded_body, exchange_of
from simulator.certify.checks.context import FAIL, INCONCLUSIVE, NOT_EXERCISED, PASS, Wording, judge_each
from simulator.certify.grader import CHECKS, joined
from simulator.certify.options import Options
from simulator.certify.requirements import all_requirements, for_profile
from simulator.certify.runner import parse_duration
from tests.conftest import ADMIN_TOKEN

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_every_requirement_has_a_rule_a_source_and_exactly_one_check():
    ids = [r.id for r in all_requirements()]
    assert len(ids) == len(set(ids)) and set(ids) == set(CHECKS)
    for req in all_requirements():
        assert req.rule and req.source and req.title, req.id
    assert {r.id for r in for_profile("basic")} < {r.id for r in for_profile("full")}
    assert all(r.profile == "basic" for r in for_profile("basic"))


def test_a_requirement_declared_by_two_check_modules_is_refused_naming_it():
    with pytest.raises(ValueError, match="PUSH-01"):
        joined({"PUSH-01": CHECKS["PUSH-01"]}, {"PUSH-01": CHECKS["PUSH-02"]})


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("10m", 600), ("1h", 3600), ("500ms", 0.5)])
def test_durations_read_with_their_units(text, seconds):
    assert parse_duration(text) == seconds


def test_a_duration_without_a_number_is_refused_naming_it():
    with pytest.raises(ValueError, match="'soon'"):
        parse_duration("soon")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("connector", "http://10.0.0.5:9000/push", "loopback"),
        ("connector", "ftp://127.0.0.1/push", "loopback"),
        ("base", "http://example.com:8000", "loopback"),
        ("province", "5", "2-digit"),
        ("duration_s", 5.0, "between 10 s"),
        ("secret", "", "--secret"),
    ],
)
def test_options_that_would_leave_loopback_or_run_unbounded_are_refused(field, value, message):
    options = Options("56", "http://127.0.0.1:9000/push", "s3cret-value", "http://127.0.0.1:8000", "t")
    setattr(options, field, value)
    with pytest.raises(ValueError, match=message):
        options.validate()


def synthetic_report(status: str = "fail") -> dict:
    results = [
        {
            "id": "SYNC-01",
            "title": "Look up before syncing",
            "rule": "TraCuuHoSo first",
            "source": "OC",
            "level": "required",
            "phase": "online",
            "status": status,
            "summary": "1 dossier synced blind",
            "evidence": ["1.000 portal/DongBoHoSoMC HTTP 200 reply '00' <ok>"],
        },
        {
            "id": "PROG-04",
            "title": "Satisfaction",
            "rule": "DongBoDanhGia",
            "source": "OC",
            "level": "recommended",
            "phase": "online",
            "status": "not_exercised",
            "summary": "none sent",
            "evidence": [],
        },
    ]
    return {
        "run_id": "abc",
        "ready": status == "pass",
        "exit_code": 0 if status == "pass" else 1,
        "options": {"province": "56", "connector": "http://127.0.0.1:9/p", "base": "http://127.0.0.1:8000", "profile": "basic"},
        "started_at": 1_800_000_000.0,
        "finished_at": 1_800_000_012.5,
        "error": "",
        "counts": reports.counts(results),
        "results": results,
        "timeline": [{"at": 1_800_000_001.0, "phase": "online", "text": "3 online submissions <b>"}],
    }


def test_a_failing_report_says_not_ready_and_shows_rule_source_and_evidence_in_every_format():
    report = synthetic_report("fail")
    assert reports.verdict_line(report).startswith("NOT READY: 0 of 1 required checks passed, 1 blocking")
    page = reports.to_html(report)
    assert "NOT READY" in page and "&lt;ok&gt;" in page and "&lt;b&gt;" in page and "<b>" not in page.split("<h2>")[-1]
    markdown = reports.to_markdown(report)
    assert "### SYNC-01 Look up before syncing (FAIL)" in markdown and "Source: OC" in markdown
    assert json.loads(reports.to_json(report))["counts"]["blocking"] == 1
    suite = ET.fromstring(reports.to_junit(report)).find("testsuite")
    assert suite.get("tests") == "2" and suite.get("failures") == "1" and suite.get("skipped") == "1"
    failure = suite.find("testcase/failure")
    assert "1 dossier synced blind" in failure.get("message") and "<ok>" in failure.text


def test_a_passing_report_is_ready_and_its_junit_has_no_failure():
    report = synthetic_report("pass")
    assert reports.verdict_line(report).startswith("READY: 1 of 1 required checks passed")
    assert ET.fromstring(reports.to_junit(report)).find("testsuite").get("failures") == "0"


def test_the_admin_api_needs_the_admin_token_before_reading_the_body(client):
    assert client.post("/sandbox/certify", json={}).status_code == 401
    assert client.get("/sandbox/certify/runs").status_code == 401


def test_a_check_of_a_connector_off_loopback_is_refused_naming_the_reason(client):
    reply = client.post(
        "/sandbox/certify", headers=ADMIN, json={"province": "56", "connector": "http://203.0.113.7:9000/push", "secret": "s3cret-value"}
    )
    assert reply.status_code == 422 and "loopback" in reply.get_json()["message"]
    reply = client.post("/sandbox/certify", headers=ADMIN, json={"province": "56", "connector": "x", "secret": ""})
    assert reply.status_code == 422 and "connector" in reply.get_json()["message"]


def test_unknown_runs_and_report_formats_are_404(client):
    assert client.get("/sandbox/certify/runs/nope", headers=ADMIN).status_code == 404
    assert client.get("/sandbox/certify/runs/nope/report.pdf", headers=ADMIN).status_code == 404


def captured_exchanges(client, province: str) -> list[Exchange]:
    """The province's exchanges as the check reads them: GET /sandbox/requests, oldest first."""
    items = client.get(f"/sandbox/requests?province={province}&after_id=0&limit=500", headers=ADMIN).get_json()["items"]
    return [exchange_of(item) for item in items]


def test_the_check_reads_a_provinces_requests_from_the_capture_with_the_bodies_it_grades(client, portal_for):
    portal = portal_for("56")
    portal.call("TraCuuHoSo", mahoso="000.00.01.H56-261126-0001")
    portal_for("79").call("TraCuuHoSo", mahoso="000.00.01.H79-261126-0001")
    exchanges = captured_exchanges(client, "56")
    assert [(e.system, e.operation, e.status, e.fault) for e in exchanges] == [
        ("portal", "auth", 200, None),
        ("portal", "TraCuuHoSo", 200, None),
    ]
    assert exchanges[0].body["password"] == "***"  # masked: the checks never read it
    assert exchanges[1].body["mahoso"] == "000.00.01.H56-261126-0001" and exchanges[1].reply["result"] == []


def test_a_request_the_fault_engine_answered_is_graded_without_bodies(client, portal_for):
    portal = portal_for("56")
    rule = {
        "id": "down",
        "match": {"system": "portal", "operation": "TraCuuHoSo", "client": "H56"},
        "effects": [{"error": {"status": 503}}],
    }
    assert client.post("/sandbox/rules", headers=ADMIN, json=rule).status_code in (200, 201)
    portal.call("TraCuuHoSo", mahoso="000.00.01.H56-261126-0001")
    faulted = captured_exchanges(client, "56")[-1]
    assert (faulted.operation, faulted.status, faulted.fault) == ("TraCuuHoSo", 503, "error")
    assert faulted.request is None and faulted.response is None  # the portal never saw it


def captured_item(ts: float, latency_ms: float, operation: str, body: str = "{}", cut: bool = False) -> dict:
    """One item as GET /sandbox/requests shows it."""
    part = {"body": body, "body_encoding": "utf-8", "body_truncated": cut}
    return {"ts": ts, "latency_ms": latency_ms, "system": "portal", "operation": operation, "status": 200, "fault": None,
            "path": "/dvcqg/api/service", "request": part, "response": {"body": "{}", "body_encoding": "utf-8"}}  # fmt: skip


def test_exchanges_are_the_calls_that_began_after_since_in_the_order_they_began():
    class Captured:
        def captured(self, province: str, since: float) -> list[dict]:
            return [
                captured_item(100.9, 1000, "DongBoHoSoMC"),  # the campaign's set-up: began at 99.9, answered after `since`
                captured_item(101.5, 600, "DongBoHoSoMC", '{"data": [', cut=True),  # began 100.9
                captured_item(101.2, 100, "TraCuuHoSo"),  # began 101.1, answered first
            ]

    source = SandboxCapture(Captured())
    exchanges = source.exchanges("56", since=100.0)
    assert [(e.operation, round(e.began, 3)) for e in exchanges] == [("DongBoHoSoMC", 100.9), ("TraCuuHoSo", 101.1)]
    assert exchanges[0].body == {"_raw": '{"data": ['} and source.cut == 1


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ({"body": '{"MaHoSo": "X"}', "body_encoding": "utf-8"}, {"MaHoSo": "X"}),
        ({"body": '{"MaHoSo": "X", "TenTT', "body_encoding": "utf-8"}, {"_raw": '{"MaHoSo": "X", "TenTT'}),
        (
            {"body": "<s:Body><SoDinhDanh>1</SoDinhDanh></s:Body>", "body_encoding": "utf-8"},
            {"_raw": "<s:Body><SoDinhDanh>1</SoDinhDanh></s:Body>"},
        ),
        ({"body": "eyJhIjogMX0=", "body_encoding": "base64"}, {"a": 1}),
        ({"body": "", "body_encoding": "utf-8"}, None),
    ],
)
def test_a_captured_body_is_json_when_it_parses_and_raw_text_otherwise(part, expected):
    assert decoded_body(part) == expected


def test_judge_each_passes_fails_with_evidence_or_says_what_it_lacked():
    req = next(r for r in all_requirements() if r.id == "MIN-01")
    calls = [Exchange(float(i), "population", "lookup", 200, request={"ok": i != 2}) for i in range(4)]
    wording = Wording("no call made", "{n} fine", "{n} bad call(s)")

    def judge(e: Exchange) -> list[str]:
        return [] if e.body["ok"] else [f"call {e.ts:g} bad"]

    failed = judge_each(req, calls, judge, wording)
    assert (failed.status, failed.summary, failed.evidence) == (FAIL, "1 bad call(s)", ["call 2 bad"])
    passed = judge_each(req, calls[:2], judge, wording)
    assert (passed.status, passed.summary) == (PASS, "2 fine")
    assert (judge_each(req, [], judge, wording).status, judge_each(req, [], judge, wording).summary) == (NOT_EXERCISED, "no call made")
    assert judge_each(req, [], judge, Wording("nothing planned", "", "", INCONCLUSIVE)).status == INCONCLUSIVE


def test_the_dashboard_has_the_readiness_panel(client):
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'id="certify-panel"' in page and "/dashboard/static/certify.js" in page
    script = client.get("/dashboard/static/certify.js")
    assert script.status_code == 200 and b"/sandbox/certify" in script.data
    script.close()
