"""The connector readiness check: does a province's connector behave, under normal and bad conditions?

`python -m simulator certify` (or `POST /sandbox/certify`) drives a connector through a
scripted campaign against a served sandbox and grades what it does on the wire:

- `requirements.json` / `requirements.py`  what is graded: id, rule, source, level, profile;
- `campaign.py`    the phases the check plays (pushes, online dossiers, duplicates, faults);
- `capture.py`     the connector's exchanges, the grader's one input about it;
- `grader.py`      one check per requirement, with evidence from the exchanges;
- `reports.py`     HTML, Markdown, JSON and JUnit XML;
- `runner.py`      the whole check and its exit code; `routes.py` the admin API.
"""
