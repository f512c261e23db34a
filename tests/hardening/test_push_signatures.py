"""Signed portal-to-province pushes: the reference checks refuse forgeries, tampering and replays.

`simulator.flows.push.verify` is the check the README tells connectors to copy; the load kit's
reference connector is a receiver built on it.
"""

from __future__ import annotations

import time

from werkzeug.test import Client

from loadtests import wire
from loadtests.reference_connector.app import PUSH_PATH, ConnectorApp
from loadtests.reference_connector.inbox import Inbox
from simulator.flows import push
from tests.conftest import ADMIN

CODE = "000.00.01.H56-261126-0001"


def test_reference_push_check_accepts_a_genuine_delivery_and_refuses_forgeries_and_replays():
    secret, body, now = "S3cret-for-56", b'{"delivery_id":"d1","event":"dossier.submitted"}', time.time()
    ts = str(int(now))
    genuine = push.sign(secret, ts, body)
    assert push.verify(secret, ts, body, genuine, now=now)
    assert not push.verify("another-secret", ts, body, push.sign("another-secret", ts, body).replace("a", "b", 1), now=now)
    assert not push.verify(secret, ts, body, push.sign("guessed-secret", ts, body), now=now)
    assert not push.verify(secret, ts, body + b" ", genuine, now=now)  # tampered body
    assert not push.verify(secret, str(int(now) - 1), body, genuine, now=now)  # timestamp swapped
    assert not push.verify(secret, ts, body, genuine.removeprefix("sha256="), now=now)
    assert not push.verify(secret, ts, body, "", now=now)
    assert not push.verify(secret, "soon", body, genuine, now=now)
    assert not push.verify(secret, ts, body, genuine, now=now + 301)  # replayed after the window
    stale = str(int(now) - 301)
    assert not push.verify(secret, stale, body, push.sign(secret, stale, body), now=now)  # old, even if well signed


def test_the_published_example_delivery_verifies_and_a_tampered_one_does_not(client):
    example = client.get("/sandbox/push/example", headers=ADMIN).get_json()  # signed with "example-secret"
    headers, raw = example["headers"], example["raw_body"].encode()
    timestamp, signature = headers["X-DVCQG-Timestamp"], headers["X-DVCQG-Signature"]
    assert push.verify("example-secret", timestamp, raw, signature)
    assert not push.verify("example-secret", timestamp, raw.replace(b"H56", b"H01"), signature)
    assert not push.verify("example-secret", timestamp, raw, signature, now=int(timestamp) + 301)


class _RecordingProcessor:
    """Stands in for the reference connector's processor: records what it would process."""

    def __init__(self):
        self.submitted: list[str] = []

    def submit(self, delivery_id: str, event: str, raw: str) -> None:
        self.submitted.append(delivery_id)

    def snapshot(self) -> dict:
        return {}


def test_reference_connector_refuses_forged_and_stale_pushes_and_processes_a_replay_once():

    processor = _RecordingProcessor()
    connector = Client(ConnectorApp("S3cret-for-56", Inbox(), processor))
    raw, headers = wire.signed_push("S3cret-for-56", "dossier.submitted", "000.00.00.H56", {"MaHoSo": CODE})
    assert connector.post(PUSH_PATH, data=raw, headers=headers).status_code == 202
    assert connector.post(PUSH_PATH, data=raw, headers=headers).status_code == 200  # replay: acknowledged only
    forged_raw, forged = wire.signed_push("guessed-secret", "dossier.submitted", "000.00.00.H56", {"MaHoSo": CODE})
    assert connector.post(PUSH_PATH, data=forged_raw, headers=forged).status_code == 401
    assert connector.post(PUSH_PATH, data=raw.replace(b"H56", b"H01"), headers=headers).status_code == 401
    stale_raw, stale = wire.signed_push(
        "S3cret-for-56", "dossier.submitted", "000.00.00.H56", {"MaHoSo": CODE}, timestamp=int(time.time()) - 301
    )
    assert connector.post(PUSH_PATH, data=stale_raw, headers=stale).status_code == 401
    assert processor.submitted == [headers["X-DVCQG-Delivery"]]
