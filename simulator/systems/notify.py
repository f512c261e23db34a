"""Tell the province's connector that an asynchronous ministry result is ready."""

from __future__ import annotations


def result_ready(province: str, event: str, data: dict) -> None:
    """Enqueue a callback to the province's connector when the flows module is present."""
    try:
        from simulator.flows import enqueue_callback
    except ImportError:  # flows not installed: connectors poll instead
        return
    enqueue_callback(province, event, data)
