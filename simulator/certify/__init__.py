"""The connector readiness check: does a province's connector behave, under normal and bad conditions?

`python -m simulator certify` (or `POST /sandbox/certify`) drives a connector through a
scripted campaign against a served sandbox and grades what it does on the wire:

- `requirements.json` / `requirements.py`  what is graded: id, rule, source, level, profile;
- `options.py`     what to check and the run's budget; `record.py` what the campaign did;
- `campaign.py`    the phases the check plays (pushes, online dossiers, duplicates, faults),
  with `signed_push.py` for the pushes it makes itself and `sandbox_api.py` for the admin API;
- `capture.py`     the connector's exchanges, read from the sandbox's request capture;
- `checks/`        one check per requirement, grouped by what they check; `grader.py` runs them;
- `reports.py`     HTML, Markdown, JSON and JUnit XML;
- `runner.py`      the whole check and its exit code; `routes.py` the admin API; `store.py` its runs.
"""
