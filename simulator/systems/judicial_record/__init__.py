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

from simulator.systems import registry
from simulator.systems.errors import ErrorFormat
from simulator.systems.judicial_record.store import EVENT, create_tables, sweep_ready

# The judicial record system's error reply: `{statusCode: "01", errorDetail}` whatever the status.
ERRORS = ErrorFormat("statusCode", "errorDetail", {}, server="01", other="01")
SPEC = registry.declare(
    registry.system(
        "judicial_record",
        __name__,
        operations=("requests", "lltp"),
        events=(EVENT,),
        sweep=lambda ctx, now: sweep_ready(ctx.db, now),
        error_body=ERRORS,
    )
)
blp = registry.blueprint(SPEC)

# The views register themselves on `blp`, so they are imported once it exists (they import it).
from simulator.systems.judicial_record import lltp, routes  # noqa: E402

__all__ = ["ERRORS", "EVENT", "SPEC", "blp", "create_tables", "lltp", "routes", "sweep_ready"]
