"""Admin API of the readiness check: start a check, follow it, read its report.

`POST /sandbox/certify` starts a check in the background (one per province at a time) and
answers 202 with its id; `GET /sandbox/certify/runs/{id}` shows the phase and progress lines,
then the verdict; `GET /sandbox/certify/runs/{id}/report.{html,md,json,xml}` the report. The
check talks to this sandbox over loopback HTTP, exactly as the command line does.
"""

from __future__ import annotations

import logging
import threading
import uuid

from flask import Flask, Response, request
from flask.views import MethodView
from flask_smorest import Api, Blueprint, abort
from marshmallow import Schema, fields, validate

from simulator.app_context import db, settings
from simulator.auth import require_admin
from simulator.certify import reports, store
from simulator.certify.options import BODY_STYLES, Options
from simulator.certify.runner import parse_duration, run_check
from simulator.certify.sandbox_api import LOOPBACK
from simulator.db import database
from simulator.provinces import all_provinces

log = logging.getLogger("simulator.certify")

blp = Blueprint(
    "certify",
    __name__,
    url_prefix="/sandbox/certify",
    description="Connector readiness check (admin token): drive a province's connector through a "
    "scripted campaign and grade what it does on the wire.",
)
ADMIN = [{"bearer": []}]
DURATION_PATTERN = r"^\s*\d+(\.\d+)?\s*(ms|s|m|h)?\s*$"
PROVINCES = [p.code for p in all_provinces()]
UNAUTHORIZED = "Admin token required"


@blp.before_request
def _admin_only():
    # Before argument parsing: an anonymous caller gets 401, never a 422 describing the body.
    require_admin()


class CertifyIn(Schema):
    """What to check."""

    province = fields.String(
        required=True,
        metadata={"example": "56"},
        validate=validate.OneOf(PROVINCES, error="province must be one of the 34 province codes (e.g. 56)"),
    )
    connector = fields.Url(
        required=True,
        require_tld=False,
        metadata={"example": "http://127.0.0.1:9000/webhooks/dvcqg", "description": "The connector's push URL, on loopback"},
    )
    secret = fields.String(
        required=True, validate=validate.Length(min=1, max=500), metadata={"description": "The push secret the connector verifies"}
    )
    profile = fields.String(load_default="basic", validate=validate.OneOf(["basic", "full"]))
    duration = fields.String(load_default="3m", validate=validate.Regexp(DURATION_PATTERN), metadata={"example": "2m"})
    sync_deadline = fields.String(load_default="15s", validate=validate.Regexp(DURATION_PATTERN))
    dossiers = fields.Integer(load_default=3, validate=validate.Range(min=1, max=50))
    body_style = fields.String(load_default="flat", validate=validate.OneOf(BODY_STYLES))


class RunsQuery(Schema):
    """How many runs."""

    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


def _base_url() -> str:
    """This sandbox as the check reaches it: the request's own host, which must be loopback."""
    host = request.host.rsplit(":", 1)[0] if not request.host.startswith("[") else request.host.split("]")[0] + "]"
    if host not in LOOPBACK:
        abort(422, message=f"the check talks to the sandbox over loopback only; call it on 127.0.0.1, not {host}")
    return request.host_url.rstrip("/")


def _run_in_background(db_path: str, run_id: str, options: Options) -> None:
    conn = database(db_path)

    def progress(phase: str, text: str) -> None:
        store.note_progress(conn, run_id, phase, text)

    try:
        report = run_check(options, progress)
        store.finish_run(conn, run_id, report)
    except Exception as err:  # noqa: BLE001 - a crashed check must end as "error", never stay "running"
        log.exception("readiness check %s crashed", run_id)
        store.finish_run(conn, run_id, None, f"{type(err).__name__}: {err}")


@blp.route("")
class Checks(MethodView):
    """Start a readiness check."""

    @blp.arguments(CertifyIn)
    @blp.response(202)
    @blp.alt_response(401, description=UNAUTHORIZED)
    @blp.alt_response(409, description="A check of this province is already running")
    @blp.alt_response(422, description="Invalid options; the message names the field")
    @blp.doc(security=ADMIN)
    def post(self, body: dict):
        """Start a check of a province's connector; answers its id (follow it at /sandbox/certify/runs/{id})."""
        options = Options(
            body["province"],
            body["connector"],
            body["secret"],
            _base_url(),
            settings()["admin_token"],
            body["profile"],
            parse_duration(body["duration"]),
            parse_duration(body["sync_deadline"]),
            body["dossiers"],
            body["body_style"],
        )
        try:
            options.validate()
        except ValueError as err:
            abort(422, message=str(err))
        run_id = uuid.uuid4().hex[:12]
        if not store.start_run(db(), run_id, options.province, options.profile, options.connector):
            abort(409, message=f"a readiness check of province {options.province} is already running")
        threading.Thread(target=_run_in_background, args=(settings()["db"], run_id, options), daemon=True, name=f"certify-{run_id}").start()
        return {"id": run_id, "status": "running", "url": f"/sandbox/certify/runs/{run_id}"}


@blp.route("/runs")
@blp.arguments(RunsQuery, location="query")
@blp.response(200)
@blp.alt_response(401, description=UNAUTHORIZED)
@blp.doc(security=ADMIN)
def runs(query: dict):
    """Recent checks, newest first: province, profile, status, phase, last progress line, verdict."""
    return store.list_runs(db(), query["limit"])


@blp.route("/runs/<string:run_id>")
@blp.response(200)
@blp.alt_response(401, description=UNAUTHORIZED)
@blp.alt_response(404, description="Unknown run")
@blp.doc(security=ADMIN)
def run(run_id: str):
    """One check: phase and progress lines while it runs, then the verdict and counts."""
    found = store.get_run(db(), run_id)
    if found is None:
        abort(404, message=f"no readiness check {run_id!r}")
    report = found.pop("report") or {}
    found["verdict"] = reports.verdict_line(report) if "counts" in report else report.get("error", "")
    found["counts"] = report.get("counts")
    found["results"] = [{k: r[k] for k in ("id", "title", "level", "status", "summary")} for r in report.get("results", [])]
    return found


@blp.route("/runs/<string:run_id>/report.<string:fmt>")
@blp.alt_response(401, description=UNAUTHORIZED)
@blp.alt_response(404, description="Unknown run, unknown format, or the check is still running")
@blp.doc(security=ADMIN, responses={"200": {"description": "The report (HTML, Markdown, JSON or JUnit XML)"}})
def report(run_id: str, fmt: str):
    """The check's report as html, md, json or xml (JUnit)."""
    if fmt not in reports.FORMATS:
        abort(404, message=f"unknown report format {fmt!r} (one of: {', '.join(reports.FORMATS)})")
    found = store.get_run(db(), run_id)
    if found is None or not found["report"] or "results" not in found["report"]:
        abort(404, message=f"no report for {run_id!r} yet" if found else f"no readiness check {run_id!r}")
    body, content_type = reports.render(found["report"], fmt)
    return Response(body, content_type=content_type)


def register(app: Flask, api: Api) -> None:
    """Register the blueprint."""
    api.register_blueprint(blp)
