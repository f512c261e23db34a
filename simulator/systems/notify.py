"""Tell the province a ministry result is ready, through the flows feature when it exists.

`simulator.flows` (durable callbacks to connectors) is built on another branch; until it is
merged `result_ready` is a no-op. Both known shapes of its entry point are supported:
`enqueue_callback(province, event, data)` exported by `simulator.flows`, or
`simulator.flows.push.enqueue_callback(db, province, event, data)`.
"""

from __future__ import annotations

import importlib
import inspect
import logging

log = logging.getLogger(__name__)


def _entry_point():
    for name in ("simulator.flows", "simulator.flows.push"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        fn = getattr(module, "enqueue_callback", None)
        if callable(fn):
            return fn
    return None


def result_ready(province: str, event: str, data: dict, db=None) -> bool:
    """Queue a result callback (e.g. `civil_status.result`); False when flows is not available."""
    fn = _entry_point()
    if fn is None:
        return False
    params = list(inspect.signature(fn).parameters)
    try:
        if params and params[0] != "province":
            if db is None:
                return False
            fn(db, province, event, data)
        else:
            fn(province, event, data)
    except Exception:  # why: a broken callback queue must never fail the ministry's own reply
        log.exception("could not queue %s for province %s", event, province)
        return False
    return True
