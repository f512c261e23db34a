"""The reference connector's inbox: duplicates recognised, acknowledged work survives a restart."""

from __future__ import annotations

from loadtests.reference_connector.inbox import Inbox


def test_a_delivery_id_is_accepted_once_then_recognised_as_a_duplicate(tmp_path):
    inbox = Inbox(tmp_path / "inbox.db")
    assert inbox.accept("d1", "dossier.submitted", "{}")
    assert not inbox.accept("d1", "dossier.submitted", "{}")


def test_deliveries_acknowledged_but_not_processed_are_pending_after_a_restart(tmp_path):
    first = Inbox(tmp_path / "inbox.db")
    for delivery in ("d1", "d2", "d3"):
        first.accept(delivery, "dossier.submitted", f'{{"delivery_id": "{delivery}"}}')
    first.finish("d1", "done")
    first.finish("d2", "failed")
    restarted = Inbox(tmp_path / "inbox.db")  # a new process on the same file
    assert restarted.pending() == [("d3", "dossier.submitted", '{"delivery_id": "d3"}')]
    assert not restarted.accept("d1", "dossier.submitted", "{}")  # still a duplicate after the restart
