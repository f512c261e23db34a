"""Path-parameter examples: the ids the body examples create, so a Try-it-out chain works end to end."""

from __future__ import annotations

from collections.abc import Callable

from simulator.identity.insurance import derive_insurance
from simulator.identity.personas import with_outcome
from simulator.openapi_examples.administration import SCENARIO_NAME
from simulator.openapi_examples.base import CODES, PORTAL_DOSSIER, PROVINCE, RULE_ID, TOKEN_NOTE, Context

PAYMENT_TOKEN_PLACEHOLDER = "<token from UrlThanhToan>"
# Path parameter examples by (path template or "*", name); the path-specific entry wins.
PATH_EXAMPLES: dict[tuple[str, str], tuple[str | Callable[[Context], str], str]] = {
    ("*", "province"): (PROVINCE, "Khánh Hòa"),
    ("*", "rule_id"): (RULE_ID, "The id of the POST /sandbox/rules example"),
    ("*", "code"): (PORTAL_DOSSIER, "The DongBoHoSoMC example's dossier"),
    ("/civil_status/dossiers/{code}", "code"): (CODES["births"], "The birth example's dossier"),
    ("/judicial_record/requests/{maHoSoMCDT}", "maHoSoMCDT"): (CODES["judicial"], "The request example's dossier"),
    ("*", "maHoSoMCDT"): (CODES["environment"], "The POST /environment/dossiers example's dossier"),
    ("*", "token"): (PAYMENT_TOKEN_PLACEHOLDER, TOKEN_NOTE),
    ("*", "identifier"): ("092085000006", "The expired-health-card persona"),
    ("/sandbox/scenarios/{name}", "name"): (SCENARIO_NAME, "The scenario the PUT example stores"),
    ("*", "name"): ("police-db-outage", "A scenario of scenarios/ (GET /sandbox/scenarios lists them)"),
    ("*", "system"): ("population", "A ministry system's name"),
    ("*", "rest"): ("lookup", "The path inside the system"),
    ("*", "card"): (
        lambda ctx: derive_insurance(ctx.population, with_outcome("expired_health_card").identifier).health_card,
        "The expired-health-card persona's MaTheBHYT",
    ),
    ("*", "run_id"): ("<id from POST /sandbox/certify>", "The `id` that POST /sandbox/certify answers"),
    ("*", "fmt"): ("html", "html, md, json or xml"),
    ("*", "job_id"): ("1", "A job id from GET /sandbox/jobs"),
    ("*", "SoBienLai"): ("<SoBienLai>", "The receipt number a paid payment's QUERY, GET_BILL or decision reply gives"),
}


def set_parameter_examples(ctx: Context, path: str, parameters: list) -> None:
    """Give each path parameter without one its example and, when it has none, a description."""
    for param in parameters:
        if not isinstance(param, dict) or param.get("in") != "path" or "example" in param:
            continue
        found = PATH_EXAMPLES.get((path, param["name"])) or PATH_EXAMPLES.get(("*", param["name"]))
        if found:
            value, note = found
            param["example"] = value(ctx) if callable(value) else value
            param.setdefault("description", note)
