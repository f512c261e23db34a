"""The gunicorn worker the sandbox serves with: gevent's own HTTP server (pywsgi) in each worker.

Why not gunicorn's plain `gevent` worker (measured 2026-11-28, docs/benchmarks.md): that one
parses every request with gunicorn's parser (including a check of the peer against
`forwarded_allow_ips`), starts a keep-alive timer per request and writes a response's headers and
body in two socket writes; gevent's pywsgi parses in fewer steps and sends the headers with the
first body chunk in one write. A portal `TraCuuHoSo` costs about 9 % less CPU on it, which is most
of what the one-core delay benchmark (5 s x 10,000 connections) needs.

What the sandbox relies on, kept here:
- the client socket in the WSGI environ (`gunicorn.sock`, as gunicorn's own pywsgi handler puts
  it), which the fault engine's reset, hang, truncated and slow_close effects act on;
- an idle connection is closed after gunicorn's `keepalive` seconds (pywsgi alone would hold it
  for ever): the socket gets that timeout, so a client that stops sending, or stops reading a
  response, is dropped, as gunicorn's worker drops it;
- one connection accepted at a time when there are several workers, as gunicorn's gevent
  worker does, so the workers share the connections;
- no access log work when no access log is configured (gunicorn's handler formats the request's
  times and headers first and only then finds the log switched off).
"""

from __future__ import annotations

from gunicorn.workers.ggevent import GeventPyWSGIWorker, PyWSGIHandler, PyWSGIServer

LABEL = "gevent (pywsgi)"


class SandboxServer(PyWSGIServer):
    """gevent's WSGI server with the worker's idle timeout and access-log switch."""

    idle_timeout_s: float | None = None  # set by the worker from gunicorn's `keepalive`
    access_log = False


class SandboxHandler(PyWSGIHandler):
    """One connection: requests until the client closes, goes idle, or the app drops it."""

    def handle(self) -> None:
        """Serve the connection's requests, each socket wait bounded by the idle timeout."""
        timeout = self.server.idle_timeout_s
        if timeout:
            self.socket.settimeout(timeout)
        super().handle()

    def log_request(self) -> None:
        """Access-log the request only when an access log is configured."""
        if self.server.access_log:
            super().log_request()


class SandboxWorker(GeventPyWSGIWorker):
    """gunicorn's gevent pywsgi worker with the handler above (`worker_class` in gunicorn_conf)."""

    server_class = SandboxServer
    wsgi_handler = SandboxHandler

    def run(self) -> None:
        """Apply this worker's settings to the server class, then serve."""
        SandboxServer.idle_timeout_s = float(self.cfg.keepalive) or None
        SandboxServer.access_log = bool(self.cfg.accesslog)
        if self.cfg.workers > 1:
            # One connection per accept, as gunicorn's gevent worker does: the workers share new
            # connections instead of the first awake taking a burst of a hundred.
            SandboxServer.max_accept = 1
        super().run()
