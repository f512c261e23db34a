"""The payment platform's API (INIT, QUERY, GET_BILL, receipts) and the test payer's page.

Replies carry `MaLoi` ("00" success) and `MoTaLoi`; a refusal also has a 4xx HTTP status.
MaLoi: 01 invalid data, 02 wrong MaDoiTac, 03 wrong MaXacThuc, 04 MaThamChieu already used
for another payment, 05 unknown transaction, 06 no bill yet (not paid), 07 already final,
99 system error. The payer page (`/payment/pay/{token}`) is for a citizen's browser, not the
gateway: it needs no token.
"""

from __future__ import annotations

from html import escape

from flask import Response, g, jsonify, make_response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from simulator import rotation
from simulator.app_context import db, settings
from simulator.catalogue.agencies import province_of_agency
from simulator.gateway.registry import gateway_service
from simulator.systems import notify, registry
from simulator.systems.helpers import document_errors, portal_time, sim_now
from simulator.systems.payment import receipt_pdf, signing, store
from simulator.systems.payment.schemas import (
    DecisionReply,
    InitMessage,
    InitReply,
    Message,
    PayerChoice,
    PaymentError,
    QueryReply,
    TreasuryReceipt,
)
from simulator.systems.registry import SystemSpec

PREFIX = "/payment"
EVENT = "payment.result"
_CODES = {400: "01", 404: "05", 405: "01", 409: "04", 413: "01", 415: "01", 422: "01"}

blp = Blueprint(
    "payment",
    __name__,
    url_prefix=PREFIX,
    description="The portal's payment platform and State Treasury receipts. Also reachable as /ngsp/payment/... "
    "(except the payer page). MaXacThuc = sha256 hex of the fields joined by | with the province's gateway "
    "secret last; see the README for the field order. Errors: {MaLoi, MoTaLoi}.",
)


def error_body(status: int, message: str) -> dict:
    """The payment platform's error format."""
    return {"MaLoi": _CODES.get(status, "99"), "MoTaLoi": message}


# Mounted like every system: its prefix on the gateway, its error format for errors and faults.
SPEC = registry.declare(
    SystemSpec(
        name="payment",
        module=__name__,
        label_vi="Thanh toán, kho bạc",
        label_en="Payment & treasury",
        sector_vi="Kho bạc Nhà nước",
        sector_en="State treasury",
        prefix=PREFIX,
        operations=("INIT", "QUERY", "GET_BILL", "receipts", "pay"),
        events=(EVENT,),
        error_body=error_body,
    )
)


def _refuse(status: int, code: str, message: str) -> Response:
    response = jsonify({"MaLoi": code, "MoTaLoi": message})
    response.status_code = status
    return response


def _check(message_type: str, msg: dict, values: dict) -> Response | None:
    """Refuse a message from another partner or with a wrong MaXacThuc; None when it is genuine."""
    client = rotation.by_province(db(), settings()["seed"], g.province)
    if msg["MaDoiTac"] != client.madonvi:
        return _refuse(400, "02", f"MaDoiTac {msg['MaDoiTac']} không khớp đối tác {client.madonvi} (wrong partner)")
    if not signing.verify(message_type, values, client.gateway_secret, msg["MaXacThuc"]):
        order = "|".join([*signing.FIELD_ORDER[message_type], "secret"])
        return _refuse(400, "03", f"MaXacThuc không hợp lệ (wrong MaXacThuc; sha256 of {order})")
    return None


def _tx_or_refusal(message_type: str, msg: dict) -> tuple[dict | None, Response | None]:
    refusal = _check(message_type, msg, msg)
    if refusal is not None:
        return None, refusal
    tx = store.by_reference(db(), g.province, msg["MaThamChieu"])
    if tx is None:
        return None, _refuse(404, "05", f"Không tìm thấy giao dịch {msg['MaThamChieu']} (unknown MaThamChieu)")
    return tx, None


def _pay_url(tx: dict) -> str:
    return f"{request.host_url.rstrip('/')}{PREFIX}/pay/{tx['token']}"


def _query_reply(tx: dict) -> dict:
    return {
        "MaLoi": "00",
        "MoTaLoi": "Thành công",
        "MaThamChieu": tx["reference"],
        "MaGiaoDich": tx["id"],
        "SoTien": tx["amount"],
        "MaTienTe": "VND",
        "TrangThai": tx["status"],
        "TenTrangThai": store.STATUS_NAMES[tx["status"]],
        "ThoiGianThanhToan": portal_time(tx["settled_at"]) if tx["status"] == store.PAID else "",
        "SoBienLai": tx["receipt_no"] or "",
    }


def callback_data(tx: dict, secret: str) -> dict:
    """The `payment.result` event: the final state, signed with the CALLBACK field order."""
    data = {
        "MaDoiTac": tx["partner"],
        "MaThamChieu": tx["reference"],
        "MaGiaoDich": tx["id"],
        "SoTien": tx["amount"],
        "TrangThai": tx["status"],
        "ThoiGianThanhToan": portal_time(tx["settled_at"]),
        "SoBienLai": tx["receipt_no"] or "",
        "MaHoSo": tx["dossier"],
    }
    data["MaXacThuc"] = signing.signature("CALLBACK", data, secret)
    return data


@blp.route("/init")
class Init(MethodView):
    """INIT."""

    @gateway_service("payment.init", "INIT: open a fee payment and get the payer's URL")
    @blp.arguments(InitMessage)
    @blp.response(200, InitReply)
    @document_errors(blp, PaymentError, (400, 409, 422))
    @blp.doc(security=[{"bearer": []}])
    def post(self, msg: dict):
        """Open a payment; an identical retry of a MaThamChieu returns the same payment."""
        values = {**msg, "MaHoSo": msg["ThongTinBienLai"]["MaHoSo"]}
        refusal = _check("INIT", msg, values)
        if refusal is not None:
            return refusal
        # A province collects fees for its own dossiers only (free-text references are left alone).
        owner = province_of_agency(values["MaHoSo"].split("-")[0])
        if owner is not None and owner != g.province:
            return _refuse(400, "02", f"MaHoSo {values['MaHoSo']} thuộc tỉnh {owner} (another province's dossier)")
        cap = settings()["payment_max_amount"]
        if msg["SoTien"] > cap:
            return _refuse(422, "01", f"SoTien {msg['SoTien']} vượt quá giới hạn {cap} VND (over the cap)")
        fees = msg["ThongTinBienLai"]["PhiLePhi"]
        if fees and sum(f["SoTien"] for f in fees) != msg["SoTien"]:
            return _refuse(422, "01", "Tổng PhiLePhi[].SoTien phải bằng SoTien (fees must add up to SoTien)")
        tx = store.by_reference(db(), g.province, msg["MaThamChieu"])
        if tx is not None and (tx["amount"], tx["dossier"]) != (msg["SoTien"], values["MaHoSo"]):
            return _refuse(409, "04", f"MaThamChieu {msg['MaThamChieu']} đã tồn tại (used for another payment)")
        tx = tx or store.create(db(), g.province, msg, sim_now())
        return {
            "MaLoi": "00",
            "MoTaLoi": "Thành công",
            "MaThamChieu": tx["reference"],
            "MaGiaoDich": tx["id"],
            "UrlThanhToan": _pay_url(tx),
            "TrangThai": tx["status"],
        }


@blp.route("/query")
class Query(MethodView):
    """QUERY."""

    @gateway_service("payment.query", "QUERY: the state of a payment")
    @blp.arguments(Message)
    @blp.response(200, QueryReply)
    @document_errors(blp, PaymentError, (400, 404, 422))
    @blp.doc(security=[{"bearer": []}])
    def post(self, msg: dict):
        """The payment's state: 0 pending, 1 paid (with SoBienLai), 2 declined."""
        tx, refusal = _tx_or_refusal("QUERY", msg)
        return refusal or _query_reply(tx)


@blp.route("/bill")
class Bill(MethodView):
    """GET_BILL."""

    @gateway_service("payment.bill", "GET_BILL: the PDF receipt of a paid payment")
    @blp.arguments(Message)
    @document_errors(blp, PaymentError, (400, 404, 409, 422))
    @blp.doc(
        security=[{"bearer": []}],
        responses={
            "200": {
                "description": "The receipt (biên lai) as a PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    )
    def post(self, msg: dict):
        """GET_BILL: the receipt as application/pdf once paid (MaLoi 06 before)."""
        tx, refusal = _tx_or_refusal("GET_BILL", msg)
        if refusal is not None:
            return refusal
        if tx["status"] != store.PAID:
            return _refuse(409, "06", f"Giao dịch {tx['reference']} chưa thanh toán thành công (no bill yet)")
        pdf = receipt_pdf.render(
            "BIÊN LAI THU PHÍ, LỆ PHÍ", _bill_lines(store.receipt(db(), g.province, tx["receipt_no"]))
        )
        response = make_response(pdf)
        response.headers["Content-Type"] = "application/pdf"
        response.headers["Content-Disposition"] = f'inline; filename="{tx["receipt_no"]}.pdf"'
        return response


def _bill_lines(rec: dict) -> list[str]:
    lines = [
        f"Số biên lai: {rec['number']}",
        f"Mã giao dịch: {rec['transaction_id']}   Mã tham chiếu: {rec['reference']}",
        f"Kho bạc: {rec['treasury']}",
        f"Tài khoản thu NSNN: {rec['account']}",
        f"Mã hồ sơ: {rec['dossier']}   Mã TTHC: {rec['procedure']}",
        f"Người nộp: {rec['payer_name']} {rec['payer_id']}".rstrip(),
        f"Nội dung: {rec['description']}",
        f"Ngày nộp: {portal_time(rec['paid_at'])}",
    ]
    lines += [f"  - {f['TenPhiLePhi']}: {f['SoTien']:,} VND".replace(",", ".") for f in rec["fees"]]
    lines.append(f"Tổng số tiền: {rec['amount']:,} VND".replace(",", "."))
    return lines


@blp.route("/receipts/<string:SoBienLai>")
class Receipt(MethodView):
    """Treasury receipts."""

    @gateway_service("payment.receipt", "A State Treasury receipt (chứng từ nộp NSNN) by number")
    @blp.response(200, TreasuryReceipt)
    @document_errors(blp, PaymentError, (404,))
    @blp.doc(security=[{"bearer": []}])
    def get(self, SoBienLai: str):
        """The treasury receipt of a paid fee: number, treasury, budget account and amount."""
        rec = store.receipt(db(), g.province, SoBienLai)
        if rec is None:
            return _refuse(404, "05", f"Không tìm thấy biên lai {SoBienLai} (unknown receipt)")
        return {
            "SoBienLai": rec["number"],
            "MaGiaoDich": rec["transaction_id"],
            "MaThamChieu": rec["reference"],
            "MaHoSo": rec["dossier"],
            "MaTTHC": rec["procedure"],
            "KhoBac": rec["treasury"],
            "TaiKhoanThuNSNN": rec["account"],
            "SoTien": rec["amount"],
            "MaTienTe": "VND",
            "NgayNop": portal_time(rec["paid_at"]),
            "NguoiNop": rec["payer_name"],
            "NoiDung": rec["description"],
            "PhiLePhi": rec["fees"],
        }


# --- the test payer's page (a citizen's browser, not a gateway service) --------------------
def _decide(token: str, action: str) -> tuple[dict | None, bool]:
    tx, became_final = store.decide(db(), token, action, sim_now())
    if became_final:
        secret = rotation.by_province(db(), settings()["seed"], tx["province"]).gateway_secret
        notify.result_ready(tx["province"], EVENT, callback_data(tx, secret))
    return tx, became_final


_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 2em auto">
<h1>{title}</h1><p>Sandbox payment page: no money moves.</p>
<table><tr><th align="left">Mã tham chiếu</th><td>{reference}</td></tr>
<tr><th align="left">Nội dung</th><td>{description}</td></tr>
<tr><th align="left">Số tiền</th><td>{amount} VND</td></tr>
<tr><th align="left">Trạng thái</th><td id="status">{status}</td></tr></table>
{body}</body></html>"""
_BUTTONS = """<form method="post"><input type="hidden" name="action" value="pay">
<button type="submit">Thanh toán (Pay)</button></form>
<form method="post"><input type="hidden" name="action" value="decline">
<button type="submit">Hủy giao dịch (Decline)</button></form>"""


def _page(tx: dict, note: str = "") -> str:
    return _PAGE.format(
        title="Cổng thanh toán - Sandbox",
        reference=escape(tx["reference"]),
        description=escape(tx["description"]),
        amount=f"{tx['amount']:,}".replace(",", "."),
        status=escape(store.STATUS_NAMES[tx["status"]]),
        body=(f"<p>{escape(note)}</p>" if note else "") + (_BUTTONS if tx["status"] == store.PENDING else ""),
    )


_HTML_DOC = {"content": {"text/html": {"schema": {"type": "string"}}}}


@blp.route("/pay/<string:token>")
class PayerPage(MethodView):
    """The page a citizen's browser opens from UrlThanhToan."""

    @blp.doc(responses={"200": {"description": "The payment page (HTML)", **_HTML_DOC}})
    @blp.alt_response(404, schema=PaymentError, description="Unknown payment")
    def get(self, token: str):
        """An HTML page with the amount and two buttons (plain forms): Pay and Decline."""
        tx = store.by_token(db(), token)
        if tx is None:
            return _refuse(404, "05", "Không tìm thấy giao dịch (unknown payment)")
        return Response(_page(tx), mimetype="text/html")

    @blp.arguments(PayerChoice, location="form")
    @blp.doc(responses={"200": {"description": "The page after the choice (HTML)", **_HTML_DOC}})
    @blp.alt_response(404, schema=PaymentError, description="Unknown payment")
    @blp.alt_response(422, schema=PaymentError, description="action is not pay or decline")
    def post(self, choice: dict, token: str):
        """The payer's button: form field action=pay or action=decline."""
        tx, _ = _decide(token, choice["action"])
        if tx is None:
            return _refuse(404, "05", "Không tìm thấy giao dịch (unknown payment)")
        note = "Giao dịch đang được xử lý." if tx["status"] == store.PENDING else ""
        return Response(_page(tx, note), mimetype="text/html")


@blp.route("/pay/<string:token>/decision")
class PayerDecision(MethodView):
    """The same choice as JSON, for tests."""

    @blp.arguments(PayerChoice)
    @blp.response(200, DecisionReply)
    @blp.alt_response(400, schema=PaymentError, description="Body is not JSON")
    @blp.alt_response(404, schema=PaymentError, description="Unknown payment")
    @blp.alt_response(409, schema=PaymentError, description="The payment is already final")
    @blp.alt_response(422, schema=PaymentError, description="action is not pay or decline")
    def post(self, choice: dict, token: str):
        """Pay or decline as the test payer would, answering JSON (MaLoi 07 if already final)."""
        before = store.by_token(db(), token)
        if before is None:
            return _refuse(404, "05", "Không tìm thấy giao dịch (unknown payment)")
        if before["status"] != store.PENDING:
            return _refuse(409, "07", f"Giao dịch đã kết thúc: {store.STATUS_NAMES[before['status']]}")
        tx, _ = _decide(token, choice["action"])
        return {
            "MaLoi": "00",
            "MoTaLoi": "Thành công",
            "MaThamChieu": tx["reference"],
            "TrangThai": tx["status"],
            "TenTrangThai": store.STATUS_NAMES[tx["status"]],
            "SoBienLai": tx["receipt_no"] or "",
        }
