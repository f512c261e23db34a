"""A tiny Flask app wrapped in FaultMiddleware, served by real gunicorn gevent workers in tests.

Settings come from SANDBOX_* environment variables (the test sets SANDBOX_DB to a tmp file).
"""

from __future__ import annotations

import os

import gevent
from flask import Flask, Response, jsonify, request

from simulator.config import resolve
from simulator.faults import FaultSandbox
from simulator.faults.classify import prefix_classifier

settings = resolve()
faults = FaultSandbox.from_settings(settings)
app = Flask(__name__)


@app.after_request
def tag_worker(response: Response) -> Response:
    """Tell the test which worker served the request."""
    response.headers["X-Worker-Pid"] = str(os.getpid())
    return response


@app.post("/portal/api")
def portal():
    """One integration endpoint dispatching on `service`, like the real portal."""
    body = request.get_json()
    return jsonify(
        {
            "error_code": "00",
            "message": "thành công",
            "service": body.get("service"),
            "result": [
                {
                    "MaHoSo": body.get("mahoso", "H56.14-250101-0001"),
                    "ChuHoSo": "Nguyễn Văn An",
                    "SoDienThoai": "0901234567",
                    "DinhDanhCHS": [{"SoDinhDanh": "079090001234", "SoDienThoai": "0901"}],
                }
            ],
        }
    )


@app.get("/population/<operation>")
def population(operation: str):
    """A citizen look-up with nested fields; ?size= pads it for streaming tests."""
    pad = "x" * int(request.args.get("size", 0))
    return jsonify(
        {
            "error_code": "0",
            "operation": operation,
            "CongDan": {"SoDinhDanh": "079090001234", "HoVaTen": {"Ho": "Nguyễn", "Ten": "An"}, "NoiOHienTai": {"MaTinhThanh": "79"}},
            "pad": pad,
        }
    )


@app.get("/pid")
def pid():
    """Unclassified: which worker answers; ?sleep= holds the request (cooperatively)."""
    gevent.sleep(float(request.args.get("sleep", 0)))
    return jsonify({"pid": os.getpid()})


@app.get("/metrics")
def metrics():
    """Prometheus exposition across workers (unclassified)."""
    body, content_type = faults.render_metrics()
    return Response(body, content_type=content_type)


classify = prefix_classifier(
    {"/portal": "portal", "/population": "population"},
    body_operation={"portal": "service"},
    body_client={"portal": "madonvi"},
    max_body_bytes=settings["max_body_bytes"],
)
app.wsgi_app = faults.middleware(app.wsgi_app, classify)
