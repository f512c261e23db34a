"""The durable queue: backoff, the single-runner lease, atomic claims, dead letters and re-queueing."""

from __future__ import annotations

import hashlib
import hmac
import random

from simulator.db import database, transaction
from simulator.flows import connectors, push
from simulator.jobs import lease, queue
from simulator.jobs.registry import Result, handler
from simulator.jobs.runner import Runner
from tests.conftest import ADMIN, wait_until
from tests.flows.conftest import SECRET, drain
from tests.flows.receiver import Receiver


def test_backoff_doubles_with_jitter_and_stops_at_the_cap():
    policy = queue.Backoff(max_attempts=8, base_s=1.0, cap_s=10.0)
    rng = random.Random(7)
    for attempt, step in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (9, 10.0)):
        delays = [policy.delay(attempt, rng) for _ in range(200)]
        assert step / 2 <= min(delays) and max(delays) <= step
        assert len({round(d, 6) for d in delays}) > 100  # jittered, not a fixed step


def test_only_one_of_two_runners_holds_the_lease(app):
    conf = app.config["SANDBOX"]
    first, second = Runner(conf, owner="worker-a"), Runner(conf, owner="worker-b")
    assert first.hold_lease() is True
    assert second.hold_lease() is False
    assert lease.holder(first.db)["owner"] == "worker-a"


def test_a_standby_takes_over_when_the_holder_stops_renewing(app):
    db = database(app.config["SANDBOX"]["db"])
    assert lease.acquire(db, "dead-worker", ttl=0.2)
    assert not lease.acquire(db, "standby", ttl=5)
    wait_until(lambda: lease.acquire(db, "standby", ttl=5), timeout=5, what="the dead holder's lease to lapse")
    assert lease.holder(db)["owner"] == "standby"


def test_a_released_lease_is_free_at_once(app):
    conf = app.config["SANDBOX"]
    first, second = Runner(conf, owner="worker-a"), Runner(conf, owner="worker-b")
    first.hold_lease()
    first.stop()
    assert second.hold_lease() is True


def test_a_standby_runner_runs_no_job(app):
    conf = app.config["SANDBOX"]
    db = database(conf["db"])
    with transaction(db) as conn:
        queue.enqueue(conn, "noop-test", {})
    Runner(conf, owner="leader").hold_lease()
    assert Runner(conf, owner="standby").run_once() == 0
    assert queue.counts(db)["pending"] == 1


def test_a_job_is_claimed_once_and_reclaimed_after_its_runner_dies(app):
    db = database(app.config["SANDBOX"]["db"])
    with transaction(db) as conn:
        job_id = queue.enqueue(conn, "noop-test", {})
    first = queue.claim(db, "a", 10, lease_s=0.2)
    assert [j.id for j in first] == [job_id]
    assert queue.claim(db, "b", 10, lease_s=0.2) == []
    again = wait_until(lambda: queue.claim(db, "b", 10, lease_s=5), timeout=5, what="the job lease to lapse")
    assert [j.id for j in again] == [job_id] and again[0].attempts == 2


@handler("always-fails-test")
def _always_fails(job, ctx):
    return Result(False, 503, "HTTP 503: maintenance")


def test_a_job_failing_every_attempt_goes_dead_with_its_attempt_log_and_can_be_requeued(app, client, runner):
    db = database(app.config["SANDBOX"]["db"])
    with transaction(db) as conn:
        job_id = queue.enqueue(conn, "always-fails-test", {}, province="56")
    drain(runner)
    listing = client.get("/sandbox/jobs?status=dead", headers=ADMIN).get_json()
    dead = next(j for j in listing["items"] if j["id"] == job_id)
    assert dead["attempts"] == 3 and listing["counts"]["dead"] == 1
    assert [a["http_status"] for a in dead["attempt_log"]] == [503, 503, 503]
    assert all(a["error"] == "HTTP 503: maintenance" and a["started_at"] > 0 for a in dead["attempt_log"])

    requeued = client.post(f"/sandbox/jobs/{job_id}/requeue", headers=ADMIN)
    assert requeued.status_code == 200 and requeued.get_json()["status"] == "pending"
    assert requeued.get_json()["id"] == job_id
    assert client.post(f"/sandbox/jobs/{job_id}/requeue", headers=ADMIN).status_code == 409
    assert client.post("/sandbox/jobs/nope/requeue", headers=ADMIN).status_code == 404


def test_every_retry_of_a_delivery_carries_the_same_id_and_a_valid_signature(app, runner):
    db = database(app.config["SANDBOX"]["db"])
    with Receiver(SECRET, script=[500, 502]) as rec:
        connectors.set_connector(db, "56", rec.url, SECRET)
        delivery = push.enqueue_callback(db, "56", "payment.result", {"MaHoSo": "000.00.01.H56-261127-0001"})
        drain(runner)
    assert len(rec.deliveries) == 3
    assert {d["delivery_id"] for d in rec.deliveries} == {delivery}
    assert {d["headers"]["X-DVCQG-Delivery"] for d in rec.deliveries} == {delivery}
    assert all(d["signature_ok"] and d["fresh"] for d in rec.deliveries)
    assert queue.get(db, delivery)["status"] == "done"
    assert [a["http_status"] for a in queue.get(db, delivery)["attempt_log"]] == [500, 502, 200]


def test_signature_matches_an_independent_hmac():
    raw = b'{"delivery_id":"x","event":"payment.result"}'
    expected = "sha256=" + hmac.new(b"k3y-secret", b"1764201600." + raw, hashlib.sha256).hexdigest()
    assert push.sign("k3y-secret", "1764201600", raw) == expected
    assert push.verify("k3y-secret", "1764201600", raw, expected, now=1764201600 + 299)
    assert not push.verify("k3y-secret", "1764201600", raw, expected, now=1764201600 + 301)  # a replay
    assert not push.verify("other", "1764201600", raw, expected, now=1764201600)


def test_a_delivery_without_connector_is_retried_not_lost(app, runner):
    db = database(app.config["SANDBOX"]["db"])
    delivery = push.enqueue_callback(db, "79", "civil_status.result", {"maHoSo": "x"})
    runner.run_once()
    job = queue.get(db, delivery)
    assert job["status"] == "pending" and job["attempts"] == 1 and "no connector" in job["last_error"]


def test_jobs_admin_api_needs_the_admin_token(client):
    assert client.get("/sandbox/jobs").status_code == 401
    assert client.get("/sandbox/jobs?status=nonsense", headers=ADMIN).status_code == 422
