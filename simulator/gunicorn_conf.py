"""Gunicorn configuration for `python -m simulator serve`: gevent workers, settings from the environment."""

import gc
import os
import ssl

import gevent

from simulator import config as _config

_settings = _config.resolve()

bind = f"{_settings['host']}:{_settings['port']}"
workers = _settings["workers"]
# gevent's pywsgi server in gunicorn's gevent worker, with the sandbox's idle timeout: cheaper per
# request than gunicorn's own HTTP parser (see simulator/http_worker.py).
worker_class = "simulator.http_worker.SandboxWorker"
worker_connections = _settings["worker_connections"]
# Injected hangs and delays are long by design; gevent workers keep their heartbeat while
# requests sleep, so this only catches a worker whose loop is really stuck.
timeout = 120
graceful_timeout = 5
keepalive = 75  # seconds an idle connection is kept (simulator/http_worker.py applies it to each socket)
backlog = 4096
accesslog = None
errorlog = "-"
loglevel = os.environ.get("SANDBOX_LOG_LEVEL", "warning")
proc_name = "portal-sandbox"
# gunicorn 27 opens ~/.gunicorn/gunicorn.ctl by default; two sandboxes on one machine would clash.
control_socket_disable = True

# gevent records, for every greenlet it spawns (one per connection), the spawning greenlet and
# stack: debugging aid only, four more objects per connection for the garbage collector to walk.
gevent.config.track_greenlet_tree = False


def on_starting(server):
    """Create the database schema once, in the master, before any worker starts."""
    from simulator import db, schema  # noqa: PLC0415 - the master loads app code only when it starts

    schema.create_all(db.connect(_settings["db"]))


def post_fork(server, worker):
    """Give each worker its own fault-decision stream (gunicorn numbers workers 1, 2, ... by age)."""
    from simulator.faults.engine import set_stream  # noqa: PLC0415 - app code loads in the worker, after fork

    set_stream(worker.age)


def post_worker_init(worker):
    """Set this worker's garbage-collector policy, then start its job runner.

    The policy (`simulator.gc_policy`) freezes the loaded app and moves full collections, which
    under 10,000 held connections stop the worker for 150-310 ms, to moments when it is quiet.
    The job runner is a greenlet; only the worker holding the lease works.
    """
    from simulator import gc_policy, http_worker  # noqa: PLC0415 - app code loads in the worker, after fork
    from simulator.jobs.runner import start_in_worker  # noqa: PLC0415 - app code loads in the worker, after fork

    app = worker.wsgi
    every = app.config["SANDBOX"]["gc_full_every_s"]
    gc_policy.apply(every)
    gc_policy.start(app.extensions["faults"].requests_seen, every)
    start_in_worker(app)
    # One line per worker (at SANDBOX_LOG_LEVEL=info) saying what it serves with: the same hooks
    # run over HTTP and HTTPS, and this is how an operator (and a test) sees that they did.
    tls = "off"
    if worker.cfg.is_ssl:
        tls = "on, client certificates required" if worker.cfg.cert_reqs == ssl.CERT_REQUIRED else "on"
    worker.log.info(
        "worker %s ready: %s, %s connections, TLS %s, gc full collections every %ss (frozen %s objects)",
        worker.pid,
        http_worker.LABEL,
        worker.worker_connections,
        tls,
        every,
        gc.get_freeze_count(),
    )


def worker_exit(server, worker):
    """Release the runner lease on a clean exit so another worker takes over at once."""
    from simulator.jobs.runner import stop_in_worker  # noqa: PLC0415 - app code loads in the worker, after fork

    stop_in_worker()
