"""The reference connector: a small, complete provincial connector vendors can read and copy.

What a connector has to get right, one module each:
- `app.py`        receive portal pushes: verify the signature and the timestamp, de-duplicate
                  by delivery id, acknowledge fast (2xx) and leave the work to a queue;
- `inbox.py`      the durable inbox: deliveries are recorded before they are acknowledged, so
                  a crash never loses an acknowledged dossier and a redelivery is recognised;
- `portal.py`     talk to the portal and the gateway: session handshake, re-authentication on
                  error_code "-2", retries with exponential backoff and jitter on faults;
- `processor.py`  the work: look the applicant up, sync the dossier (look up, then create or
                  update, "đã tồn tại" → update), report progress in batches (2 → 4 → 9 → 10).

Run: `python -m loadtests.reference_connector --sandbox http://127.0.0.1:8000 --province 56 --port 9000 --secret S`
"""
