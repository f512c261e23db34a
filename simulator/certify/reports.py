"""The check's report in four forms: HTML (for a manager), Markdown, JSON and JUnit XML (for CI)."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from simulator.certify.checks.context import FAIL, INCONCLUSIVE, NOT_EXERCISED, PASS

FORMATS = ("html", "md", "json", "xml")
STATUS_LABEL = {PASS: "PASS", FAIL: "FAIL", NOT_EXERCISED: "NOT EXERCISED", INCONCLUSIVE: "INCONCLUSIVE"}


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else "-"


def verdict_line(report: dict) -> str:
    """ "READY" or "NOT READY" with the counts, in one line."""
    c = report["counts"]
    word = "READY" if report["ready"] else "NOT READY"
    blocking = f", {c['blocking']} blocking" if c["blocking"] else ""
    return (
        f"{word}: {c['required_passed']} of {c['required']} required checks passed{blocking}"
        f"; {c['recommended_failed']} recommendation(s) not met"
    )


def to_json(report: dict) -> str:
    """The report as indented JSON."""
    return json.dumps(report, ensure_ascii=False, indent=2, default=str)


def to_markdown(report: dict) -> str:
    """The report as Markdown: verdict, requirement table, failures with evidence, timeline."""
    opts = report["options"]
    lines = [
        f"# Connector readiness check: {verdict_line(report)}",
        "",
        f"- **province**: {opts['province']}",
        f"- **connector**: {opts['connector']}",
        f"- **sandbox**: {opts['base']}",
        f"- **profile**: {opts['profile']}",
        f"- **run**: {report['run_id']}, {_when(report['started_at'])} → {_when(report['finished_at'])}",
    ]
    if report.get("error"):
        lines.append(f"- **stopped early**: {report['error']}")
    lines += ["", "## Requirements", "", "| id | requirement | level | result | finding |", "|---|---|---|---|---|"]
    for r in report["results"]:
        lines.append(f"| {r['id']} | {r['title']} | {r['level']} | {STATUS_LABEL[r['status']]} | {r['summary'].replace('|', '/')} |")
    failed = [r for r in report["results"] if r["status"] in (FAIL, INCONCLUSIVE)]
    if failed:
        lines += ["", "## What failed, and the evidence"]
        for r in failed:
            lines += [
                "",
                f"### {r['id']} {r['title']} ({STATUS_LABEL[r['status']]})",
                "",
                f"Rule: {r['rule']}",
                "",
                f"Source: {r['source']}",
                "",
            ]
            lines += [f"- `{e}`" for e in r["evidence"]] or ["- (no exchange to show)"]
    lines += ["", "## Campaign timeline", "", "| time | phase | what happened |", "|---|---|---|"]
    for t in report["timeline"]:
        lines.append(f"| {_when(t['at'])} | {t['phase']} | {t['text'].replace('|', '/')} |")
    return "\n".join(lines) + "\n"


CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:72rem;color:#1c2430;padding:0 1rem}
h1{margin-bottom:.2rem} .verdict{font-size:1.6rem;font-weight:700;padding:.8rem 1.2rem;border-radius:.5rem;margin:1rem 0}
.ready{background:#e3f6e8;color:#14632e} .notready{background:#fde7e7;color:#9b1c1c}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #dde3ea;vertical-align:top}
th{background:#f3f6f9} .pass{color:#14632e;font-weight:600} .fail{color:#9b1c1c;font-weight:700}
.inconclusive{color:#a15c00;font-weight:700} .not_exercised{color:#5b6675} code{font-size:.85em;word-break:break-all}
.meta{color:#5b6675} details{margin:.3rem 0} .bar{display:inline-block;height:.7rem;background:#3b82f6;border-radius:.2rem}
"""


def to_html(report: dict) -> str:
    """The report as one self-contained HTML page a manager can read."""
    e = html.escape
    opts = report["options"]
    ready = report["ready"]
    rows = []
    for r in report["results"]:
        evidence = ""
        if r["evidence"]:
            items = "".join(f"<li><code>{e(x)}</code></li>" for x in r["evidence"])
            evidence = f"<details><summary>evidence</summary><ul>{items}</ul></details>"
        rows.append(
            f"<tr><td>{e(r['id'])}</td><td><b>{e(r['title'])}</b><br><span class=meta>{e(r['rule'])}</span>"
            f"<br><span class=meta>Source: {e(r['source'])}</span></td><td>{e(r['level'])}</td>"
            f"<td class={r['status']}>{STATUS_LABEL[r['status']]}</td><td>{e(r['summary'])}{evidence}</td></tr>"
        )
    start = report["started_at"]
    span = max(1e-6, (report["finished_at"] or start) - start)
    timeline = "".join(
        f"<tr><td>{_when(t['at'])}</td><td>+{t['at'] - start:.1f} s</td><td>{e(t['phase'])}</td>"
        f"<td><span class=bar style='width:{max(2, 200 * (t['at'] - start) / span):.0f}px'></span></td>"
        f"<td>{e(t['text'])}</td></tr>"
        for t in report["timeline"]
    )
    error = f"<p class=fail>Stopped early: {e(report['error'])}</p>" if report.get("error") else ""
    return f"""<!doctype html><html lang=en><head><meta charset=utf-8>
<title>Connector readiness: {e(verdict_line(report))}</title><style>{CSS}</style></head><body>
<h1>Connector readiness check</h1>
<p class=meta>Province {e(opts["province"])} · connector {e(opts["connector"])} · sandbox {e(opts["base"])} ·
profile {e(opts["profile"])} · run {e(report["run_id"])} · {_when(report["started_at"])} → {_when(report["finished_at"])}</p>
<div class="verdict {"ready" if ready else "notready"}">{e(verdict_line(report))}</div>{error}
<p>The sandbox played the national portal and the ministries against this connector: it pushed online dossiers,
sent forged and repeated pushes, applied faults in front of the portal, and graded what the connector did on the
wire. <b>Required</b> checks decide readiness; <b>recommended</b> ones are advice.</p>
<h2>Requirements</h2><table><tr><th>id</th><th>requirement</th><th>level</th><th>result</th><th>finding</th></tr>
{"".join(rows)}</table>
<h2>Campaign timeline</h2><table><tr><th>time</th><th></th><th>phase</th><th></th><th>what happened</th></tr>
{timeline}</table></body></html>
"""


def to_junit(report: dict) -> str:
    """The report as JUnit XML: one test case per requirement; failures carry the rule and the evidence."""
    results = report["results"]
    suite = ET.Element(
        "testsuite",
        {
            "name": f"connector-readiness.{report['options']['province']}.{report['options']['profile']}",
            "tests": str(len(results)),
            "failures": str(sum(1 for r in results if r["status"] in (FAIL, INCONCLUSIVE) and r["level"] == "required")),
            "skipped": str(sum(1 for r in results if r["status"] == NOT_EXERCISED or (r["level"] != "required" and r["status"] != PASS))),
            "time": f"{(report['finished_at'] or report['started_at']) - report['started_at']:.3f}",
            "timestamp": datetime.fromtimestamp(report["started_at"]).isoformat(timespec="seconds"),
        },
    )
    for r in results:
        case = ET.SubElement(suite, "testcase", {"classname": f"readiness.{r['phase']}", "name": f"{r['id']} {r['title']}"})
        text = "\n".join([r["rule"], f"Source: {r['source']}", *r["evidence"]])
        if r["status"] in (FAIL, INCONCLUSIVE) and r["level"] == "required":
            ET.SubElement(case, "failure", {"message": f"{STATUS_LABEL[r['status']]}: {r['summary']}", "type": r["status"]}).text = text
        elif r["status"] != PASS:
            ET.SubElement(case, "skipped", {"message": f"{r['level']}: {STATUS_LABEL[r['status']]}: {r['summary']}"})
        ET.SubElement(case, "system-out").text = r["summary"]
    testsuites = ET.Element("testsuites")
    testsuites.append(suite)
    ET.indent(testsuites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(testsuites, encoding="unicode") + "\n"


RENDERERS = {"html": to_html, "md": to_markdown, "json": to_json, "xml": to_junit}


def write_all(report: dict, out_dir: Path) -> dict[str, Path]:
    """Write report.html, report.md, report.json and junit.xml into `out_dir`; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = {"html": "report.html", "md": "report.md", "json": "report.json", "xml": "junit.xml"}
    paths = {}
    for fmt, name in names.items():
        path = out_dir / name
        path.write_text(RENDERERS[fmt](report), encoding="utf-8")
        paths[fmt] = path
    return paths


def render(report: dict, fmt: str) -> tuple[str, str]:
    """(body, content type) of the report in one format."""
    types = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8", "json": "application/json", "xml": "application/xml"}
    return RENDERERS[fmt](report), types[fmt]


def counts(results: list[dict]) -> dict[str, Any]:
    """Required / passed / blocking / recommended-failed counts of graded results."""
    required = [r for r in results if r["level"] == "required"]
    return {
        "required": len(required),
        "required_passed": sum(1 for r in required if r["status"] in (PASS, NOT_EXERCISED)),
        "blocking": sum(1 for r in required if r["status"] in (FAIL, INCONCLUSIVE)),
        "recommended_failed": sum(1 for r in results if r["level"] != "required" and r["status"] == FAIL),
        "by_status": {s: sum(1 for r in results if r["status"] == s) for s in STATUS_LABEL},
    }
