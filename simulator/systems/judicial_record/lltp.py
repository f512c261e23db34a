"""The LGSP face one-stop backends call (`/judicial_record/lltp`, docs/contract.md, judicial record).

Public client: github HuanVu201/DichVuCong_KhoaLuan_PASETO, DichVuCongApi/src/Infrastructure/KetNoi/LLTP/
LLTPService.cs (sends DataLGSP, counts a reply as sent when its text contains "gửi thông tin thành công"
or "đã được tiếp nhận, không thể cập nhật thông tin", else reads errorDescription) and
Core/Application/Common/KetNoi/LLTP/LLTPRequestParams.cs (field names).
"""

from __future__ import annotations

import base64

from flask import g
from flask.views import MethodView

from simulator.app_context import db, settings
from simulator.clock import sandbox_clock
from simulator.systems.judicial_record import blp, schemas, store
from simulator.systems.judicial_record.routes import operation

SENT = "Gửi thông tin thành công"
ALREADY_RECEIVED = "Hồ sơ đã được tiếp nhận, không thể cập nhật thông tin"
# Our statuses as the dossier status codes the client reads (9/10 = finished, with ketQuaXuLy).
# The LGSP face answers a refusal in its reply (status "0"); only a malformed call is an HTTP error.
LGSP_ERRORS = (400, 422)
LGSP_STATUS = {store.RECEIVED: "2", store.PROCESSING: "4", store.ISSUED: "9", store.REJECTED: "3"}


def lgsp_value(result: dict) -> dict:
    """Our result in the shape the LGSP client reads (`value[i]`)."""
    certificate = result["ketQuaXuLy"]
    outcome = None
    if certificate is not None:
        text = (
            f"PHIẾU LÝ LỊCH TƯ PHÁP SỐ {certificate['loaiPhieu']} - {certificate['soPhieuLLTP']} - "
            f"{certificate['noiDungAnTich'] or 'Không có án tích'}"
        )
        outcome = {
            "soPhieuLLTP": certificate["soPhieuLLTP"],
            "ngayCapPhieu": certificate["ngayCapPhieu"],
            "loaiPhieu": str(certificate["loaiPhieu"]),
            "nguoiKy": "Giám đốc Sở Tư pháp",
            "chucVu": "Giám đốc",
            "tinhTrangAnTich": "2" if certificate["coAnTich"] else "1",
            "tenTinhTrangAnTich": "Có án tích" if certificate["coAnTich"] else "Không có án tích",
            "thongTinAn": [{"noiDung": certificate["noiDungAnTich"]}] if certificate["coAnTich"] else [],
            "phieuLLTP": base64.b64encode(text.encode("utf-8")).decode("ascii"),
        }
    return {
        "maHoSoMCDT": result["maHoSoMCDT"],
        "trangThaiXuLy": LGSP_STATUS[result["trangThaiXuLy"]],
        "lyDoTuChoi": result["lyDoTuChoi"],
        "ngayHenTraKetQua": result["ngayHenTraKetQua"],
        "ketQuaXuLy": outcome,
    }


def _refused(code: str, description: str) -> dict:
    """The LGSP reply for a declaration the ministry did not take (status "0")."""
    return {"status": "0", "statusDescription": "Gửi thông tin thất bại", "errorCode": code, "errorDescription": description}


# Our request's fields (`CertificateRequest`) as the declaration (`toKhai`) names them.
FROM_DECLARATION = {"soDinhDanh": "nycSoGiayTo", "hoTen": "nycHoTen", "ngaySinh": "nycNgaySinh"}


def _as_request(req: dict) -> dict:
    """The declaration as a request to our own API (`CertificateRequest`)."""
    declaration = req["toKhai"]
    return {
        "maHoSoMCDT": req["maHoSoMCDT"],
        **{ours: declaration[theirs] for ours, theirs in FROM_DECLARATION.items()},
        "loaiPhieu": int(declaration["loaiPhieu"]),
        "mucDichSuDung": declaration.get("tenMucDich") or declaration.get("mucDichKhac") or "",
    }


@blp.route("/lltp")
class LgspDeclaration(MethodView):
    """The one-stop dossier's declaration, as LGSP clients send it."""

    @operation(
        "judicial_record.request",
        "File a judicial record request (LGSP declaration toKhai)",
        schemas.LgspReply,
        LGSP_ERRORS,
        schemas.LgspRequest,
    )
    def post(self, req: dict):
        """File the declaration; "Gửi thông tin thành công", or the reason in errorDescription (status "0")."""
        if req["maTinh"] not in (g.province, g.province.lstrip("H")):
            return _refused("MA_TINH", f"maTinh {req['maTinh']} is not the calling province {g.province}")
        existed = store.lookup(db(), g.province, req["maHoSoMCDT"], sandbox_clock().timestamp()) is not None
        store.file_request(db(), g.province, _as_request(req), sandbox_clock().timestamp(), settings())
        description = ALREADY_RECEIVED if existed else SENT
        return {"status": "1", "statusDescription": description, "errorCode": "", "errorDescription": ""}


@blp.route("/lltp/status")
class LgspStatus(MethodView):
    """A dossier's state and result, as LGSP clients poll it."""

    @operation(
        "judicial_record.result",
        "The state and result of a judicial record request (LGSP poll)",
        schemas.LgspStatusReply,
        LGSP_ERRORS,
        schemas.LgspStatusRequest,
    )
    def post(self, req: dict):
        """`value` holds the dossier (empty with status 0 when unknown); trangThaiXuLy 9 carries ketQuaXuLy."""
        result = store.lookup(db(), g.province, req["maHoSoMCDT"], sandbox_clock().timestamp())
        if result is None:
            return {"status": 0, "statusDescription": f"Không tìm thấy hồ sơ {req['maHoSoMCDT']}", "value": []}
        return {"status": 1, "statusDescription": "Thành công", "value": [lgsp_value(result)]}
