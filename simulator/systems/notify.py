"""Tell the province's connector that an asynchronous ministry result is ready (a durable callback)."""

from __future__ import annotations

import logging

from simulator.app_context import db as current_db
from simulator.db import transaction
from simulator.flows.push import enqueue_callback, enqueue_push

log = logging.getLogger(__name__)


def result_ready(province: str, event: str, data: dict, db=None) -> bool:
    """Queue a result callback (e.g. `civil_status.result`) for the province's connector.

    The delivery is durable once this returns; connectors without a registered endpoint poll
    the system instead. False when it could not be queued (logged, never raised: a broken
    queue must not fail the ministry's own reply).
    """

    if db is None:
        db = current_db()
    try:
        enqueue_callback(db, province, event, data)
    except Exception:
        log.exception("could not queue %s for province %s", event, province)
        return False
    return True


def claim_and_notify(db, claim_sql: str, params: list, province: str, event: str, data_fn) -> bool:
    """Mark a result as notified and queue its callback in ONE transaction (no lost or double callback).

    `claim_sql` is an UPDATE that sets the row's notified mark only if unset; when it claims a
    row, `data_fn()` builds the callback body, queued in the same transaction.
    """

    with transaction(db) as conn:
        if not conn.execute(claim_sql, params).rowcount:
            return False
        enqueue_push(conn, province, event, data_fn())
    return True
