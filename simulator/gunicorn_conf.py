"""Gunicorn configuration for `python -m simulator serve`: gevent workers, settings from the environment."""

import os

from simulator import config as _config

_settings = _config.resolve()

bind = f"{_settings['host']}:{_settings['port']}"
workers = _settings["workers"]
worker_class = "gevent"
worker_connections = _settings["worker_connections"]
# Injected hangs and delays are long by design; gevent workers keep their heartbeat while
# requests sleep, so this only catches a worker whose loop is really stuck.
timeout = 120
graceful_timeout = 5
keepalive = 75
backlog = 4096
accesslog = None
errorlog = "-"
loglevel = os.environ.get("SANDBOX_LOG_LEVEL", "warning")
proc_name = "portal-sandbox"
# gunicorn 27 opens ~/.gunicorn/gunicorn.ctl by default; two sandboxes on one machine would clash.
control_socket_disable = True


def on_starting(server):
    """Create the database schema once, in the master, before any worker starts."""
    from simulator import db
    from simulator.app import create_app  # noqa: F401 - registers the schema modules

    db.init_schema(db.connect(_settings["db"]))


def post_worker_init(worker):
    """Freeze the loaded app for the garbage collector, then start this worker's job runner.

    The app, its schemas and data tables (~76,000 objects) live as long as the worker: frozen,
    they are no longer traversed by every full collection, which under 10,000 held connections
    otherwise pauses the whole worker for 100-250 ms at a time. The job runner is a greenlet;
    only the worker holding the lease works.
    """
    import gc

    from simulator.jobs.runner import start_in_worker

    gc.collect()
    gc.freeze()
    start_in_worker(worker.wsgi)


def worker_exit(server, worker):
    """Release the runner lease on a clean exit so another worker takes over at once."""
    from simulator.jobs.runner import stop_in_worker

    stop_in_worker()
