"""JUnit reports as CI systems read them: checked with junitparser and with the raw element names."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from junitparser import Error, Failure, JUnitXml, Skipped

from loadtests import junit
from loadtests.__main__ import main
from loadtests.thresholds import check_all
from tests.loadtests.conftest import SLOW_SYNC, row

STARTED = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def verdicts():
    """One passing, one failing and one skipped threshold."""
    stats = {"DongBoHoSoMC": row("DongBoHoSoMC", p95=812), "TraCuuHoSo": row("TraCuuHoSo", p95=90)}
    block = {
        "requests": {"DongBoHoSoMC": {"p95": 500}, "TraCuuHoSo": {"p95": 300}},
        "end_to_end": {"max_lost": 0},
    }
    return check_all(block, stats, None)


def only_suite(path):
    """The single test suite of a report, through junitparser."""
    report = JUnitXml.fromfile(str(path))
    [suite] = list(report)
    return report, suite


def test_each_threshold_is_a_test_case_and_a_failure_says_measured_and_limit(tmp_path):
    path = junit.write_verdicts(
        tmp_path / "junit.xml", "smoke", verdicts(), started=STARTED, elapsed_s=20.5, properties={"host": "https://127.0.0.1:8443"}
    )
    report, suite = only_suite(path)
    assert (suite.name, suite.tests, suite.failures, suite.errors, suite.skipped) == ("loadtests.smoke", 3, 1, 0, 1)
    assert (report.tests, report.failures) == (3, 1) and suite.time == 20.5
    cases = {case.name: case for case in suite}
    assert set(cases) == {"p95 DongBoHoSoMC", "p95 TraCuuHoSo", "lost dossiers"}
    assert cases["p95 TraCuuHoSo"].is_passed and all(c.classname == "loadtests.smoke" for c in cases.values())
    [failure] = cases["p95 DongBoHoSoMC"].result
    assert isinstance(failure, Failure) and failure.message == "p95 DongBoHoSoMC 812 ms > 500 ms (+62%)"
    assert "measured: 812 ms" in failure.text and "limit: 500 ms" in failure.text
    [skipped] = cases["lost dossiers"].result
    assert isinstance(skipped, Skipped) and "not available" in skipped.message
    assert {(p.name, p.value) for p in suite.properties()} == {("host", "https://127.0.0.1:8443")}


def test_the_report_uses_the_element_names_ci_systems_read(tmp_path):
    path = junit.write_verdicts(tmp_path / "junit.xml", "smoke", verdicts(), started=STARTED, elapsed_s=1)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites" and [child.tag for child in root] == ["testsuite"]
    suite = root[0]
    assert {"name", "tests", "failures", "errors", "skipped", "time", "timestamp"} <= set(suite.attrib)
    assert suite.get("timestamp") == "2026-11-28T09:30:00"
    failure = suite.find("testcase/failure")
    assert failure is not None and {"message", "type"} <= set(failure.attrib)
    assert all(case.get("classname") and case.get("name") for case in suite.iter("testcase"))


def test_an_aborting_threshold_says_the_run_was_stopped(tmp_path):
    aborted = {"threshold": "p95 DongBoHoSoMC", "detail": "p95 DongBoHoSoMC 812 ms > 500 ms (+62%)", "after_s": 4.0}
    path = junit.write_verdicts(tmp_path / "junit.xml", "smoke", verdicts(), started=STARTED, elapsed_s=4, aborted=aborted)
    _, suite = only_suite(path)
    failure = next(case for case in suite if case.name == "p95 DongBoHoSoMC").result[0]
    assert "stopped after 4.0 s" in failure.text


def test_check_with_junit_writes_the_verdicts_of_existing_statistics(tmp_path, locust_stats):
    stats = locust_stats(SLOW_SYNC)
    definition = tmp_path / "gate.yaml"
    definition.write_text("name: gate\nthresholds:\n  requests:\n    DongBoHoSoMC: {p95: 500, min_rps: 1.5}\n", encoding="utf-8")
    assert main(["check", str(definition), str(stats), "--junit", str(tmp_path / "junit.xml")]) == 1
    _, suite = only_suite(tmp_path / "junit.xml")
    results = {case.name: case.is_passed for case in suite}
    assert results == {"p95 DongBoHoSoMC": False, "rps DongBoHoSoMC": True}


def test_a_run_that_cannot_be_made_is_one_error_case_and_exit_2(tmp_path, capsys):
    definition = tmp_path / "broken.yaml"
    definition.write_text("name: broken\nthresholds:\n  requests:\n    X: {p42: 5}\n", encoding="utf-8")
    report = tmp_path / "junit.xml"
    assert main(["run", str(definition), "--junit", str(report), "--out", str(tmp_path / "out")]) == 2
    assert "unknown limit 'p42'" in capsys.readouterr().err
    _, suite = only_suite(report)
    [case] = list(suite)
    [error] = case.result
    assert case.name == "run" and isinstance(error, Error) and "unknown limit 'p42'" in error.message
    assert (suite.tests, suite.errors, suite.failures) == (1, 1, 0)
