"""The ministry systems provincial connectors reach through the NGSP gateway.

One module (or small package) per system, each owning its blueprint, marshmallow schemas,
logic and its own error format (an `errors.ErrorFormat` table or an `error_body(status, message)`):

* `population` — national population database (police): verify / look up a citizen, JSON or SOAP.
* `social_insurance` — BHXH/BHYT participants, card validity, contribution history.
* `business_registration` — national business registration: enterprise details by msdn.
* `civil_status` — civil status registry (hộ tịch): birth, death, marriage, marital-status
  confirmation dossiers with results over time on the sandbox clock.
* `judicial_record` — judicial record certificates (LLTP), processed asynchronously.
* `environment` — environmental permit / EIA dossiers with appraisal and supplements.
* `payment` — the payment platform (INIT / QUERY / GET_BILL, payer page) and treasury receipts.

Each declares itself in `registry` (name, prefix, error format, operations, events); its labels,
description and settings are data in `simulator/data/systems.json`.
Every system reads people through `simulator.systems.people` so a change made through one
system (a birth, a death, a marriage) shows in every other.
"""

from __future__ import annotations

import importlib

from simulator.systems import registry, sweeps  # noqa: F401 - sweeps registers the runner's periodic sweep


def register_blueprints(api) -> None:
    """Register every ministry system's blueprint on the flask-smorest Api (before gateway collection)."""
    for spec in registry.ministry_systems():
        api.register_blueprint(importlib.import_module(spec.module).blp)
