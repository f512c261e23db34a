"""The durable job queue: outbound deliveries and delayed results, run by exactly one runner.

- `queue`: the `jobs` and `job_attempts` tables, atomic claiming, retries with backoff, dead letters.
- `lease`: the single-runner lease (one row, owner + heartbeat expiry).
- `runner`: the loop every gunicorn worker starts; only the lease holder works.
- `registry`: job handlers by kind and periodic tasks, registered by the features that own them.
"""
