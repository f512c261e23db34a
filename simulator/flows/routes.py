"""The flows admin API under /sandbox: connectors, online submissions, arrivals, stats, test callbacks."""

from __future__ import annotations

import json
import time

from flask.views import MethodView
from flask_smorest import abort

from simulator.admin.blueprint import admin_blueprint, admin_doc
from simulator.app_context import db, settings
from simulator.clock import sandbox_clock
from simulator.db import transaction
from simulator.flows import arrivals, connectors, push, submissions
from simulator.flows import schemas as s
from simulator.flows.results import sample_result
from simulator.flows.stats import flow_stats
from simulator.jobs.queue import Job
from simulator.wire_formats import to_portal

blp = admin_blueprint(
    "flows",
    __name__,
    url_prefix="/sandbox",
    description="Asynchronous flows (admin token): province connectors, online submissions pushed to them, "
    "arrival streams, end-to-end figures. " + s.PUSH_CONTRACT,
)


def _province_or_404(province: str) -> str:
    if province not in s.PROVINCE_CODES:
        abort(404, message=f"unknown province {province!r}: use one of the 34 2-digit codes")
    return province


@blp.route("/push/example")
class PushExampleView(MethodView):
    """The push contract, shown as a signed sample delivery."""

    @blp.response(200, s.PushExample)
    @admin_doc(blp, description=s.PUSH_CONTRACT)
    def get(self):
        """A sample `dossier.submitted` delivery signed with the secret `example-secret`."""
        job = Job(
            "3f2b1c9e-0000-4000-8000-000000000001",
            push.KIND,
            "56",
            push.SUBMITTED,
            {"data": {"MaHoSo": "000.00.01.H56-261127-0001", "TrangThaiHoSo": "1", "KenhThucHien": "2"}},
            1,
        )
        sent_at = to_portal(sandbox_clock().now())
        body = push.envelope(job, "000.00.00.H56", sent_at, "flat")
        raw = json.dumps(body, ensure_ascii=False)
        timestamp = str(int(time.time()))
        headers = {
            "X-DVCQG-Delivery": job.id,
            "X-DVCQG-Event": job.event,
            "X-DVCQG-Timestamp": timestamp,
            "X-DVCQG-Signature": push.sign("example-secret", timestamp, raw.encode()),
        }
        nested = push.envelope(job, "000.00.00.H56", sent_at, "nested")
        return {
            "url": "http://127.0.0.1:9000/push",
            "headers": headers,
            "body": body,
            "nested_body": nested,
            "raw_body": raw,
        }


@blp.route("/connectors")
class ConnectorList(MethodView):
    """Every registered connector."""

    @blp.response(200, s.ConnectorOut(many=True))
    @admin_doc(blp)
    def get(self):
        """List the registered province connectors (secrets shown as hints)."""
        return [connectors.masked(c) for c in connectors.list_connectors(db())]


@blp.route("/connectors/<string:province>")
class ConnectorItem(MethodView):
    """One province's push endpoint."""

    @blp.arguments(s.ConnectorIn)
    @blp.response(200, s.ConnectorOut)
    @blp.alt_response(404, description="Unknown province code")
    @admin_doc(blp, description="Register where the portal pushes this province's events. " + s.PUSH_CONTRACT)
    def put(self, body: dict, province: str):
        """Register or replace the province's connector URL and shared secret."""
        _province_or_404(province)
        return connectors.masked(connectors.set_connector(db(), province, body["url"], body["secret"], body["body_style"]))

    @blp.response(200, s.ConnectorOut)
    @blp.alt_response(404, description="No connector registered for this province")
    @admin_doc(blp)
    def get(self, province: str):
        """The province's connector (secret shown as a hint)."""
        found = connectors.get_connector(db(), _province_or_404(province))
        if found is None:
            abort(404, message=f"no connector registered for province {province}")
        return connectors.masked(found)

    @blp.response(204)
    @blp.alt_response(404, description="No connector registered for this province")
    @admin_doc(blp)
    def delete(self, province: str):
        """Remove the province's connector; its pending pushes wait (and retry) until one is set again."""
        if not connectors.delete_connector(db(), _province_or_404(province)):
            abort(404, message=f"no connector registered for province {province}")


@blp.route("/submissions")
class Submissions(MethodView):
    """Online submissions made by simulated citizens."""

    @blp.arguments(s.SubmissionsIn)
    @blp.response(201, s.SubmissionOut(many=True))
    @admin_doc(blp)
    def post(self, body: dict):
        """Submit `count` dossiers online for a province; each is pushed as `dossier.submitted`."""
        conf = settings()
        count = min(body["count"], conf["submissions_max_count"])
        try:
            return submissions.submit(
                db(),
                province=body["province"],
                count=count,
                seed=conf["seed"],
                db_path=conf["db"],
                procedure=body.get("procedure"),
            )
        except submissions.SubmissionError as err:
            abort(422, message=f"{err.field}: {err.message}", errors={"json": {err.field: [err.message]}})

    @blp.arguments(s.SubmissionsQuery, location="query")
    @blp.response(200, s.SubmissionOut(many=True))
    @admin_doc(blp)
    def get(self, query: dict):
        """Submissions, newest first, with their push, acknowledgement and sync-back state."""
        return submissions.list_submissions(db(), query.get("province"), query["limit"])


@blp.route("/arrivals")
class Arrivals(MethodView):
    """Arrival streams: submissions at a rate per simulated minute, run by the job runner."""

    @blp.response(200, s.ArrivalStream(many=True))
    @admin_doc(blp)
    def get(self):
        """Active arrival streams."""
        return arrivals.list_streams(db())

    @blp.arguments(s.ArrivalsIn)
    @blp.response(200, s.ArrivalStream)
    @admin_doc(blp)
    def post(self, body: dict):
        """Start (or retune) a province's stream at `rate_per_min` submissions per simulated minute."""
        conf = settings()
        if body["rate_per_min"] > conf["arrivals_max_rate"]:
            abort(422, message=f"rate_per_min: at most {conf['arrivals_max_rate']:g} (setting arrivals_max_rate)")
        try:
            return arrivals.start_arrivals(
                db(),
                body["province"],
                body["rate_per_min"],
                db_path=conf["db"],
                seed=conf["seed"],
                procedure=body.get("procedure"),
            )
        except submissions.SubmissionError as err:
            abort(422, message=f"{err.field}: {err.message}")

    @blp.arguments(s.ArrivalsStop, location="query")
    @blp.response(200, s.ArrivalStream(many=True))
    @admin_doc(blp)
    def delete(self, query: dict):
        """Stop one province's stream (`?province=56`) or all; returns the streams still running."""
        arrivals.stop_arrivals(db(), query.get("province"))
        return arrivals.list_streams(db())


@blp.route("/flows/stats")
class Stats(MethodView):
    """End-to-end figures for the load-test kit and the dashboard."""

    @blp.arguments(s.StatsQuery, location="query")
    @blp.response(200, s.FlowStats)
    @admin_doc(blp)
    def get(self, query: dict):
        """Pushed, acknowledged, synced back, finished, lost, overdue and push→sync latency percentiles."""
        return flow_stats(db(), settings(), query.get("province"), query.get("since"))


@blp.route("/callbacks/test")
class TestCallback(MethodView):
    """Trainer tool: push a ministry result event to a province now."""

    @blp.arguments(s.CallbackIn)
    @blp.response(202, s.Enqueued)
    @admin_doc(blp)
    def post(self, body: dict):
        """Queue a result event (judicial record, civil status, environment, payment) for a province's connector."""
        data = body.get("data")
        if data is None:
            if not body.get("MaHoSo"):
                abort(422, message="data or MaHoSo: give the payload, or a MaHoSo to build a sample one")
            data = sample_result(body["event"], body["MaHoSo"], sandbox_clock().now())
        with transaction(db()) as conn:
            delivery = push.enqueue_push(conn, body["province"], body["event"], data)
        return {"delivery_id": delivery, "event": body["event"], "province": body["province"]}
