"""Examples of the sandbox administration API: gateway rights, fault rules, scenarios, certify, clock."""

from __future__ import annotations

from simulator.openapi_examples.base import CODES, PROVINCE, RULE_ID, Bodies, Context, example, one


# --- sandbox administration ------------------------------------------------------------------
@example("put", "/sandbox/gateway/rights/{province}")
def _rights(ctx: Context) -> Bodies:
    return one({"service": "payment.init", "allowed": True}, "Grant the payment INIT service")


@example("put", "/sandbox/gateway/dialects/{province}")
def _dialect(ctx: Context) -> Bodies:
    return one({"dialect": "all"}, "Accept every token scheme (the default)")


def _rule() -> dict:
    return {
        "id": RULE_ID,
        "name": "Slow population database",
        "enabled": True,
        "match": {"system": "population", "probability": 0.5},
        "effects": [{"latency": {"dist": "fixed", "seconds": 0.2}}],
        "expires_in_s": 300,
    }


@example("post", "/sandbox/rules")
def _rules(ctx: Context) -> Bodies:
    return one(_rule(), "Half the population calls 0.2 s slower for 5 minutes")


@example("put", "/sandbox/rules/{rule_id}")
def _rule_put(ctx: Context) -> Bodies:
    return one({**_rule(), "effects": [{"error": {"status": 503}}]}, "Replace the rule: answer 503 instead")


@example("post", "/sandbox/verify")
def _verify(ctx: Context) -> Bodies:
    body = {"match": {"system": "portal", "operation": "auth", "client": "H56"}, "count": {"at_least": 1}}
    note = "200 once province 56 has logged in (POST /dvcqg/api/auth); else 409 with the nearest misses."
    return one(body, "Did province 56 run the portal handshake at least once?", note)


SCENARIO_NAME = "slow-police"


def _scenario() -> dict:
    return {
        "name": SCENARIO_NAME,
        "description": "The population database answers slowly for ten minutes.",
        "phases": [
            {
                "name": "slow",
                "start_min": 0,
                "end_min": 10,
                "rules": [
                    {
                        "name": "Population look-ups slow",
                        "match": {"system": "population"},
                        "effects": [{"latency": {"dist": "uniform", "min_s": 0.2, "max_s": 1}}],
                    }
                ],
            }
        ],
    }


SCENARIO_YAML = f"""name: {SCENARIO_NAME}
description: The population database answers slowly for ten minutes.
phases:
  - name: slow
    start_min: 0
    end_min: 10
    rules:
      - name: Population look-ups slow
        match: {{system: population}}
        effects:
          - latency: {{dist: uniform, min_s: 0.2, max_s: 1}}
"""


@example("put", "/sandbox/scenarios/{name}")
def _scenario_put(ctx: Context) -> Bodies:
    note = "Stored under the path's name; apply it with POST /sandbox/scenarios/{name}/apply."
    return {
        **one(_scenario(), "A ten-minute slow population database", note),
        **one(SCENARIO_YAML, "The same scenario in YAML", note, media="application/yaml"),
    }


@example("post", "/sandbox/certify")
def _certify(ctx: Context) -> Bodies:
    return one(
        {
            "province": PROVINCE,
            "connector": "http://127.0.0.1:9000/webhooks/dvcqg",
            "secret": "doi-mat-khau-nay",
            "profile": "basic",
            "duration": "1m",
            "sync_deadline": "15s",
            "dossiers": 1,
            "body_style": "flat",
        },
        "A one-minute check of province 56's connector on this machine",
        "Start your connector on the URL first; follow the run at GET /sandbox/certify/runs/{run_id}.",
    )


@example("put", "/sandbox/clock")
def _clock(ctx: Context) -> Bodies:
    return one({"scale": 1}, "Real time (one simulated second per second)")


@example("post", "/sandbox/reset")
def _reset(ctx: Context) -> Bodies:
    return one({"province": PROVINCE}, "Forget province 56's state", "Erases the province's dossiers and sessions.")


@example("put", "/sandbox/connectors/{province}")
def _connector(ctx: Context) -> Bodies:
    return one(
        {"url": "http://127.0.0.1:9000/push", "secret": "doi-mat-khau-nay", "body_style": "flat"},
        "Push to a connector on this machine",
    )


@example("post", "/sandbox/submissions")
def _submissions(ctx: Context) -> Bodies:
    return one({"province": PROVINCE, "count": 1, "procedure": "1.001193"}, "One online birth registration")


@example("post", "/sandbox/arrivals")
def _arrivals(ctx: Context) -> Bodies:
    return one({"province": PROVINCE, "rate_per_min": 1}, "One submission per simulated minute")


@example("post", "/sandbox/callbacks/test")
def _callback(ctx: Context) -> Bodies:
    return one(
        {"province": PROVINCE, "event": "civil_status.result", "MaHoSo": CODES["births"]},
        "A civil status result for the birth example's dossier",
    )
