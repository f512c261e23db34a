"""The job runner: started in every gunicorn worker, working only while it holds the lease.

Under gunicorn each worker spawns `serve_forever` as a greenlet (see `gunicorn_conf.py`);
jobs run in a gevent pool, and outbound HTTP goes through the monkey-patched socket module,
so a slow receiver costs a greenlet, never the worker's OS thread. `run_once` is the same
tick without gevent, for tests and the CLI.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import time
import uuid

import gevent
import sqlite_utils
from gevent.pool import Pool

from simulator.db import database, off_loop
from simulator.faults.connection import ProcessLocalDB
from simulator.jobs import lease, queue
from simulator.jobs.registry import HANDLERS, TASKS, Result, RunContext

log = logging.getLogger("simulator.jobs")

RENEW_EVERY_S = 1.0
TASK_EVERY_S = 0.5


class Runner:
    """One process's runner: lease handling, periodic tasks and job execution."""

    def __init__(self, settings: dict, owner: str | None = None, rng: random.Random | None = None):
        self.settings = settings
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.backoff = queue.Backoff.from_settings(settings)
        self.rng = rng or random.Random()
        self.leader = False
        # The lease is written every second from every worker: on its own connection, in a native
        # thread, so waiting for another worker's write lock never stops this worker's event loop.
        self._lease_db = ProcessLocalDB(settings["db"])
        self._renewed_at = float("-inf")
        self._tasks_at = float("-inf")
        self._greenlet = None
        self._stopping = False

    @property
    def db(self) -> sqlite_utils.Database:
        """This process's connection to the sandbox file."""
        return database(self.settings["db"])

    def context(self) -> RunContext:
        """What handlers and tasks receive."""
        return RunContext(self.db, self.settings)

    def hold_lease(self) -> bool:
        """Take or renew the lease (renewal at most every second); True while this runner leads."""
        now = time.monotonic()
        if self.leader and now - self._renewed_at < RENEW_EVERY_S:
            return True
        try:
            self.leader = off_loop(lease.acquire, self._lease_db(), self.owner, self.settings["runner_lease_seconds"])
        except Exception:  # a locked or failing database must not kill the loop; try again later
            log.exception("runner lease check failed")
            self.leader = False
        self._renewed_at = now
        return self.leader

    def run_tasks(self, force: bool = False) -> None:
        """Run every periodic task (at most every TASK_EVERY_S unless forced); one failing never stops others."""
        now = time.monotonic()
        if not force and now - self._tasks_at < TASK_EVERY_S:
            return
        self._tasks_at = now
        for name, task in TASKS.items():
            try:
                task(self.context())
            except Exception:
                log.exception("periodic task %s failed", name)

    def claim(self, limit: int) -> list[queue.Job]:
        """Claim up to `limit` due jobs for this runner."""
        return queue.claim(self.db, self.owner, limit, self.settings["job_lease_seconds"])

    def execute(self, job: queue.Job) -> str:
        """Run one attempt of a job, log it, and complete it or schedule its retry; returns the new state."""
        started = time.time()
        handler = HANDLERS.get(job.kind)
        try:
            result = handler(job, self.context()) if handler else Result(False, None, f"no handler for {job.kind!r}")
        except Exception as err:  # a handler bug is a failed attempt, visible in the attempt log
            log.exception("job %s (%s) raised", job.id, job.kind)
            result = Result(False, None, f"{type(err).__name__}: {err}")
        queue.record_attempt(self.db, job, started, result.http_status, result.error)
        if result.ok:
            queue.complete(self.db, job)
            return "done"
        return queue.fail(self.db, job, result.error or f"HTTP {result.http_status}", self.backoff, self.rng)

    def run_once(self, force_tasks: bool = True) -> int:
        """One synchronous tick: lease, periodic tasks, then every due job in turn; returns jobs run."""
        if not self.hold_lease():
            return 0
        self.run_tasks(force=force_tasks)
        jobs = self.claim(self.settings["job_concurrency"])
        for job in jobs:
            self.execute(job)
        return len(jobs)

    def serve_forever(self) -> None:
        """The worker loop: lead or stand by, run tasks, feed due jobs to a gevent pool."""

        pool = Pool(self.settings["job_concurrency"])
        poll = self.settings["runner_poll_ms"] / 1000
        while not self._stopping:
            try:
                if not self.hold_lease():
                    gevent.sleep(RENEW_EVERY_S)
                    continue
                self.run_tasks()
                for job in self.claim(pool.free_count()):
                    pool.spawn(self.execute, job)
            except Exception:
                log.exception("job runner tick failed")
            gevent.sleep(poll)
        pool.join(timeout=2)

    def start(self):
        """Spawn `serve_forever` as a greenlet of this worker."""

        self._greenlet = gevent.spawn(self.serve_forever)
        return self._greenlet

    def stop(self) -> None:
        """Stop the loop and release the lease so a standby worker takes over at once."""
        self._stopping = True
        if self.leader:
            try:
                lease.release(self.db, self.owner)
            except Exception:
                log.exception("could not release the runner lease")
            self.leader = False


_runner: Runner | None = None


def start_in_worker(app) -> Runner | None:
    """Start this worker's runner (once) for a Flask app; a no-op when `runner_enabled` is off."""
    global _runner
    settings = app.config["SANDBOX"]
    if _runner is not None or not settings["runner_enabled"]:
        return _runner
    _runner = Runner(settings)
    _runner.start()
    return _runner


def stop_in_worker() -> None:
    """Stop this worker's runner, if any (gunicorn `worker_exit`)."""
    if _runner is not None:
        _runner.stop()
