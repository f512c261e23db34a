"""The jobs admin API: the queue's state, each delivery's attempts, and re-queueing dead ones."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from simulator.admin.blueprint import admin_blueprint, admin_doc
from simulator.app_context import db
from simulator.jobs import lease, queue

blp = admin_blueprint(
    "jobs",
    __name__,
    url_prefix="/sandbox/jobs",
    description="The durable job queue (admin token): every outbound delivery and delayed result, its attempts "
    "(time, HTTP status, error), dead letters and re-queueing. Exactly one worker runs jobs (see `runner`).",
)


class JobsQuery(Schema):
    """Filters of the job listing."""

    status = fields.String(validate=validate.OneOf(queue.STATES))
    province = fields.String(validate=validate.Regexp(r"^\d{2}$", error="province must be a 2-digit code"))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class Attempt(Schema):
    """One attempt of a job."""

    attempt = fields.Integer()
    started_at = fields.Float(metadata={"description": "Unix seconds"})
    finished_at = fields.Float()
    http_status = fields.Integer(allow_none=True)
    error = fields.String()


class JobOut(Schema):
    """A job (its id is the delivery id receivers see)."""

    id = fields.String()
    kind = fields.String()
    province = fields.String()
    event = fields.String()
    status = fields.String(metadata={"enum": list(queue.STATES)})
    attempts = fields.Integer()
    run_at = fields.Float(metadata={"description": "Next attempt no earlier than (unix seconds)"})
    created_at = fields.Float()
    done_at = fields.Float(allow_none=True)
    last_error = fields.String()
    attempt_log = fields.List(fields.Nested(Attempt))
    payload = fields.Dict()


class RunnerOut(Schema):
    """Who runs the jobs now."""

    owner = fields.String()
    acquired_at = fields.Float()
    expires_at = fields.Float()
    live = fields.Boolean()


class JobsPage(Schema):
    """Queue counts by state, the runner lease and the matching jobs."""

    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    runner = fields.Nested(RunnerOut, allow_none=True)
    items = fields.List(fields.Nested(JobOut))


@blp.route("")
class Jobs(MethodView):
    """The queue."""

    @blp.arguments(JobsQuery, location="query")
    @blp.response(200, JobsPage)
    @admin_doc(blp)
    def get(self, query: dict):
        """Counts by state, the runner lease holder, and jobs (dead ones with every attempt)."""
        items = queue.list_jobs(db(), status=query.get("status"), province=query.get("province"), limit=query["limit"])
        return {"counts": queue.counts(db(), query.get("province")), "runner": lease.holder(db()), "items": items}


@blp.route("/<string:job_id>")
class JobItem(MethodView):
    """One job."""

    @blp.response(200, JobOut)
    @blp.alt_response(404, description="Unknown job")
    @admin_doc(blp)
    def get(self, job_id: str):
        """A job with its payload and every attempt."""
        job = queue.get(db(), job_id)
        if job is None:
            abort(404, message=f"job {job_id} not found")
        return job


@blp.route("/<string:job_id>/requeue")
class Requeue(MethodView):
    """Give a dead job another round of attempts."""

    @blp.response(200, JobOut)
    @blp.alt_response(404, description="Unknown job")
    @blp.alt_response(409, description="The job is not dead")
    @admin_doc(blp)
    def post(self, job_id: str):
        """Re-queue a dead job now, with a fresh attempt budget and the same delivery id."""
        job = queue.get(db(), job_id)
        if job is None:
            abort(404, message=f"job {job_id} not found")
        if not queue.requeue(db(), job_id):
            abort(409, message=f"job {job_id} is {job['status']}, only a dead job can be re-queued")
        return queue.get(db(), job_id)
