"""The judicial record system's own API: file a certificate request, poll its result."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema

from simulator.app_context import db, settings
from simulator.clock import sandbox_clock
from simulator.systems.judicial_record import blp, schemas, store
from simulator.systems.operations import ministry_operation


def operation(service: str, summary: str, reply: type[Schema], statuses: tuple[int, ...], body: type[Schema] | None = None):
    """A judicial record operation (this API's or the LGSP face's): its errors are `JudicialError`s."""
    return ministry_operation(blp, service, summary, body=body, reply=reply, error=schemas.JudicialError, statuses=statuses)


@blp.route("/requests")
class Requests(MethodView):
    """Certificate requests."""

    @operation(
        "judicial_record.request",
        "File a judicial record certificate request (asynchronous)",
        schemas.RequestAccepted,
        (400, 409, 422),
        schemas.CertificateRequest,
    )
    def post(self, req: dict):
        """File a request; the reply gives the appointment date (ngayHenTraKetQua, dd/MM/yyyy)."""
        data = store.file_request(db(), g.province, req, sandbox_clock().timestamp(), settings())
        return {"statusCode": "00", "errorDetail": "", "data": data}


@blp.route("/requests/<string:maHoSoMCDT>")
class RequestItem(MethodView):
    """One request's result."""

    @operation("judicial_record.result", "The state and result of a judicial record request", schemas.RequestResult, (404,))
    def get(self, maHoSoMCDT: str):
        """Poll a request: received, processing, then issued (ketQuaXuLy) or rejected (lyDoTuChoi)."""
        result = store.lookup(db(), g.province, maHoSoMCDT, sandbox_clock().timestamp())
        if result is None:
            abort(404, message=f"Không tìm thấy hồ sơ {maHoSoMCDT} (not found)")
        return result
