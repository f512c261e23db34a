"""JUnit XML for CI systems: one test case per threshold, a failure saying measured vs limit.

The element and attribute names are the ones Jenkins' JUnit plugin, GitLab's unit test
reports, Azure Pipelines and GitHub test-report actions read: `<testsuites>` holding one
`<testsuite name tests failures errors skipped time timestamp>`, each `<testcase classname
name time>` passing when empty, failing with `<failure message type>`, skipped with
`<skipped message>`; a run that could not be made is one `<testcase>` with an `<error>`.
"""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from loadtests.thresholds import Verdict


def _suite_root(name: str, started: datetime, elapsed_s: float, properties: dict) -> tuple[ET.Element, ET.Element]:
    root = ET.Element("testsuites", name="loadtests")
    suite = ET.SubElement(root, "testsuite", name=f"loadtests.{name}")
    suite.set("timestamp", started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    suite.set("hostname", socket.gethostname())
    suite.set("time", f"{elapsed_s:.3f}")
    if properties:
        props = ET.SubElement(suite, "properties")
        for key, value in properties.items():
            if value not in ("", None):
                ET.SubElement(props, "property", name=str(key), value=str(value))
    return root, suite


def _totals(root: ET.Element, suite: ET.Element, elapsed_s: float) -> None:
    cases = suite.findall("testcase")
    counts = {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }
    for element in (root, suite):
        for key, value in counts.items():
            element.set(key, str(value))
    root.set("time", f"{elapsed_s:.3f}")


def _write(root: ET.Element, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def write_verdicts(
    path: Path,
    name: str,
    verdicts: list[Verdict],
    *,
    started: datetime,
    elapsed_s: float,
    properties: dict | None = None,
    aborted: dict | None = None,
    system_out: str = "",
) -> Path:
    """Write the thresholds' verdicts as a JUnit report; `aborted` is the abort record of a run stopped early."""
    root, suite = _suite_root(name, started, elapsed_s, properties or {})
    classname = f"loadtests.{name}"
    for verdict in verdicts:
        case = ET.SubElement(suite, "testcase", classname=classname, name=verdict.threshold, time="0")
        if verdict.skipped:
            ET.SubElement(case, "skipped", message=verdict.detail)
        elif not verdict.passed:
            failure = ET.SubElement(case, "failure", message=verdict.detail, type="ThresholdFailed")
            measured = "nothing measured" if verdict.measured is None else f"{verdict.measured:g} {verdict.unit}"
            limit = "" if verdict.limit is None else f"{verdict.limit:g} {verdict.unit}"
            failure.text = f"measured: {measured.strip()}\nlimit: {limit.strip()}\n{verdict.detail}"
            if aborted and aborted.get("threshold") == verdict.threshold:
                failure.text += f"\nabort_on_fail: the run was stopped after {aborted.get('after_s')} s"
        if verdict.passed and not verdict.skipped:
            # Passing cases carry the figure too, so a CI trend view shows how close it came.
            ET.SubElement(case, "system-out").text = verdict.detail
    if system_out:
        ET.SubElement(suite, "system-out").text = system_out
    _totals(root, suite, elapsed_s)
    return _write(root, path)


def write_error(path: Path, name: str, message: str, *, started: datetime, elapsed_s: float = 0.0) -> Path:
    """A JUnit report for a run that could not be made: one test case `run` with an error."""
    root, suite = _suite_root(name, started, elapsed_s, {})
    case = ET.SubElement(suite, "testcase", classname=f"loadtests.{name}", name="run", time="0")
    error = ET.SubElement(case, "error", message=message.splitlines()[0][:500] if message else "error", type="RunError")
    error.text = message
    _totals(root, suite, elapsed_s)
    return _write(root, path)
