"""Judicial record (lý lịch tư pháp, LLTP): certificate requests processed on the sandbox clock.

Contract (seen fragments, completed by the sandbox and documented in OpenAPI):
- `POST /judicial_record/requests` files a request for a certificate (phiếu LLTP số 1 or 2)
  tied to the one-stop dossier `maHoSoMCDT`; the reply is `{statusCode: "00", errorDetail: "",
  data: {maHoSoMCDT, ngayHenTraKetQua}}`.
- `GET /judicial_record/requests/{maHoSoMCDT}` answers the result `{maHoSoMCDT, trangThaiXuLy,
  lyDoTuChoi, ngayHenTraKetQua, ketQuaXuLy}`; `trangThaiXuLy` is "1" received, "2" processing,
  "3" certificate issued, "4" rejected.
- Errors: `{statusCode: "01", errorDetail}` with a 4xx HTTP status.

The package: `store` decides and keeps requests on the sandbox clock (processing time, the
appointment date, the one result callback), `schemas` holds the wire schemas, `routes` the
system's own API and `lltp` the LGSP face one-stop backends call.
"""

from __future__ import annotations

from flask_smorest import Blueprint

from simulator.systems import registry
from simulator.systems.judicial_record.store import EVENT, create_tables, sweep_ready
from simulator.systems.registry import SystemSpec

PREFIX = "/judicial_record"

blp = Blueprint(
    "judicial_record",
    __name__,
    url_prefix=PREFIX,
    description="Judicial record (lý lịch tư pháp): asynchronous certificate requests. Also reachable as "
    '/ngsp/judicial_record/... . Errors: {statusCode: "01", errorDetail}.',
)


def error_body(status: int, message: str) -> dict:
    """The judicial record system's error format."""
    return {"statusCode": "01", "errorDetail": message}


# Declared like every system: its prefix on the gateway, its error format for errors and faults.
SPEC = registry.declare(
    SystemSpec(
        name="judicial_record",
        module=__name__,
        label_vi="Lý lịch tư pháp",
        label_en="Judicial record",
        sector_vi="Tư pháp",
        sector_en="Justice",
        prefix=PREFIX,
        operations=("requests", "lltp"),
        events=(EVENT,),
        settings=("judicial_median_minutes", "slow_ministry_factor"),
        sweep=lambda ctx, now: sweep_ready(ctx.db, now),
        error_body=error_body,
    )
)

# The views register themselves on `blp`, so they are imported once it exists (they import it).
from simulator.systems.judicial_record import lltp, routes  # noqa: E402

__all__ = ["EVENT", "PREFIX", "SPEC", "blp", "create_tables", "error_body", "lltp", "routes", "sweep_ready"]
