"""The payment platform's API (message version 1.0.6: INIT, QUERY, GET_BILL), receipts and the payer page.

Every message carries `LoaiBanTin` and `PhienBan` "1.0.6" and is signed with `MaXacThuc`
(`signing.py`). One endpoint, `POST /payment/messages`, takes every message and dispatches on
`LoaiBanTin`; `/payment/init`, `/payment/query` and `/payment/bill` take their own type only.
A partner calling the platform directly is authenticated by MaXacThuc alone (no
Authorization header; its province is the one of `MaDoiTac`); through the LGSP a bearer token
is added, and it must be the same province's.

Replies carry `MaLoi` ("00" success) and `MoTaLoi`. A message the platform could read and
refuses is answered HTTP 200 with MaLoi ≠ "00" (clients read refusals from the body:
HttpURLConnection gives no body for 4xx); a body it cannot read is HTTP 400 (not a JSON object,
no known LoaiBanTin) or 422 (a field missing or of the wrong type) with MaLoi 01 naming it. MaLoi: 01 invalid data, 02 wrong
MaDoiTac, 03 wrong MaXacThuc, 04 MaThamChieu already used for another payment, 05 unknown
transaction, 06 no bill yet (not paid), 07 already final, 08 payment failed (callback), 99
system error. The payer page (`/payment/pay/{token}`) is for a citizen's browser, not the
gateway: it needs no token.
"""

from __future__ import annotations

import base64
import hashlib
import json

from flask import Response, g, jsonify, make_response, request
from flask.views import MethodView
from marshmallow import ValidationError

from simulator import rotation
from simulator.app_context import db, settings
from simulator.catalogue.agencies import province_of_agency
from simulator.clock import sandbox_clock
from simulator.gateway.registry import gateway_error, gateway_service, is_allowed
from simulator.portal.schemas import flatten_errors
from simulator.systems import notify, registry
from simulator.systems.common import document_errors
from simulator.systems.errors import ErrorFormat, MinistryError
from simulator.systems.payment import payer_page, receipts, signing, store
from simulator.systems.payment.endpoints import ENDPOINTS, MessageEndpoint, request_body
from simulator.systems.payment.schemas import (
    SCHEMAS,
    DecisionReply,
    PayerChoice,
    PaymentError,
    TreasuryReceipt,
)
from simulator.wire_formats import to_portal

EVENT = "payment.result"
_CODES = {400: "01", 404: "05", 405: "01", 409: "04", 413: "01", 415: "01", 422: "01"}
OK = {"MaLoi": "00", "MoTaLoi": "Thành công"}
# Banks a sandbox payer "pays through" (MaNganHang of QUERY and the callback), picked by transaction.
BANKS = ("VCB", "BIDV", "ICB", "VBA", "TCB", "MB")
# The gateway service (access right) behind each message type.
SERVICES = {"INIT": "payment.init", "QUERY": "payment.query", "GET_BILL": "payment.bill"}

# The payment platform's error reply `{MaLoi, MoTaLoi}`; views raise their MaLoi directly.
ERRORS = ErrorFormat("MaLoi", "MoTaLoi", _CODES, server="99", other="99", pass_codes=True)
SPEC = registry.declare(
    registry.system(
        "payment",
        __name__,
        operations=(*signing.MESSAGE_TYPES, "receipts", "pay", "unknown"),
        events=(EVENT,),
        flat_events=True,
        error_body=ERRORS,
    )
)
blp = registry.blueprint(SPEC)
PREFIX = SPEC.prefix  # "/payment", in the paths its replies name


def _refuse(code: str, message: str) -> Response:
    """A refusal of a message the platform read: HTTP 200, MaLoi ≠ 00."""
    return jsonify({"MaLoi": code, "MoTaLoi": message})


def _read(expected: str | None) -> tuple[str, dict, dict]:
    """(LoaiBanTin, loaded message, raw body) of the request; MinistryError 400/422 (MaLoi 01) if unreadable."""
    raw = request.get_json(silent=True)
    if not isinstance(raw, dict):
        raise MinistryError(400, "Bản tin phải là một đối tượng JSON (the body must be a JSON object)", code="01")
    kind = raw.get("LoaiBanTin")
    if kind not in signing.MESSAGE_TYPES:
        raise MinistryError(400, f"LoaiBanTin {kind!r} không hợp lệ: INIT, QUERY hoặc GET_BILL (invalid LoaiBanTin)", code="01")
    if expected is not None and kind != expected:
        raise MinistryError(
            400,
            f"LoaiBanTin {kind} gửi tới đường dẫn của {expected}: dùng {PREFIX}/messages (this path takes {expected} only)",
            code="01",
        )
    try:
        msg = SCHEMAS[kind]().load(raw)
    except ValidationError as err:
        raise MinistryError(422, "Dữ liệu không hợp lệ: " + "; ".join(flatten_errors(err.messages)), code="01") from None
    return kind, msg, raw


def _authenticate(kind: str, msg: dict, raw: dict) -> Response | None:
    """Name the partner (token or MaDoiTac) and check its MaXacThuc; a refusal, or None when genuine."""
    province = g.province
    if province is None:  # a direct call: the signed message is the only credential
        province = province_of_agency(msg["MaDoiTac"])
        if province is None or rotation.by_province(db(), settings()["seed"], province) is None:
            return _refuse("02", f"MaDoiTac {msg['MaDoiTac']} không phải đối tác của nền tảng (unknown partner)")
        if not is_allowed(db(), province, SERVICES[kind]):
            return gateway_error(403, "access_denied", f"province {province} has no access right to {SERVICES[kind]}")
    client = rotation.by_province(db(), settings()["seed"], province)
    if msg["MaDoiTac"] != client.madonvi:
        return _refuse("02", f"MaDoiTac {msg['MaDoiTac']} không khớp đối tác {client.madonvi} (wrong partner)")
    if not signing.verify(kind, raw, client.gateway_secret, raw.get("MaXacThuc")):
        return _refuse("03", f"MaXacThuc không hợp lệ (wrong MaXacThuc: sha256 hex of {signing.order_hint(kind)})")
    g.province = province
    return None


def _bank(tx: dict) -> str:
    return BANKS[int(hashlib.sha256(tx["id"].encode()).hexdigest(), 16) % len(BANKS)]


def _tx_time(tx: dict) -> str:
    return to_portal(tx["settled_at"] if tx["settled_at"] is not None else tx["created_at"])


def _secret() -> str:
    return rotation.by_province(db(), settings()["seed"], g.province).gateway_secret


def init_reply(msg: dict, tx: dict, pay_url: str, secret: str) -> dict:
    """INIT's reply: the platform's fields, plus `error_code`/`message` for clients behind a wrapping LGSP.

    `message` repeats the reply as a JSON string without ThoiGianGD (a client reading it into a
    .NET DateTime could not parse yyyyMMddHHmmss).
    """
    reply = {
        **OK,
        "LoaiBanTin": "INIT",
        "PhienBan": signing.VERSION,
        "MaDoiTac": msg["MaDoiTac"],
        "MaThamChieu": tx["reference"],
        "MaGiaoDich": tx["id"],
        "SoTien": tx["amount"],
        "ThoiGianGD": msg["ThoiGianGD"],
        "UrlThanhToan": pay_url,
    }
    reply["MaXacThuc"] = signing.signature("QUERY", reply, secret)  # our design: the lookup order
    inner = {k: v for k, v in reply.items() if k != "ThoiGianGD"}
    return {**reply, "error_code": "0", "message": json.dumps(inner, ensure_ascii=False)}


def confirm_message(tx: dict, kind: str, secret: str) -> dict:
    """The platform's flat confirmation of a transaction, signed with the CONFIRM order.

    Sent as the callback (`LoaiBanTin` CONFIRM) and answered to QUERY (`LoaiBanTin` QUERY):
    clients turn a QUERY reply into a confirmation. MaHoSo, TrangThaiGD and SoBienLai are
    extra fields (outside the hash): clients fall back on MaHoSo to find the dossier.
    """
    final = tx["status"] != store.PENDING
    data = {
        "LoaiBanTin": kind,
        "MaLoi": "08" if tx["status"] == store.DECLINED else "00",
        "MaDoiTac": tx["partner"],
        "MaThamChieu": tx["reference"],
        "SoTien": tx["amount"],
        "MaTienTe": "VND",
        "MaGiaoDich": tx["id"],
        "MaNganHang": _bank(tx) if final else "",
        "ThoiGianGD": _tx_time(tx),
        "ThongTinGiaoDich": tx["description"],
    }
    data["MaXacThuc"] = signing.signature(signing.CONFIRM, data, secret)
    return {
        **data,
        "MoTaLoi": "Giao dịch không thành công" if tx["status"] == store.DECLINED else "Thành công",
        "TrangThaiGD": store.TRANG_THAI_GD[tx["status"]],
        "TenTrangThai": store.STATUS_NAMES[tx["status"]],
        "SoBienLai": tx["receipt_no"] or "",
        "MaHoSo": tx["dossier"],
    }


def callback_data(tx: dict, secret: str) -> dict:
    """The `payment.result` event: the flat CONFIRM message the platform posts to the province."""
    return confirm_message(tx, signing.CONFIRM, secret)


def _init(msg: dict) -> Response | dict:
    info = msg["ThongTinBienLai"]
    # A province collects fees for its own dossiers only (free-text references are left alone).
    owner = province_of_agency(info["MaHoSo"].split("-")[0]) if info["MaHoSo"] else None
    if owner is not None and owner != g.province:
        return _refuse("02", f"MaHoSo {info['MaHoSo']} thuộc tỉnh {owner} (another province's dossier)")
    cap = settings()["payment_max_amount"]
    if msg["SoTien"] > cap:
        return _refuse("01", f"SoTien {msg['SoTien']} vượt quá giới hạn {cap} VND (over the cap)")
    tx = store.by_reference(db(), g.province, msg["MaThamChieu"])
    if tx is not None and (tx["amount"], tx["dossier"]) != (msg["SoTien"], info["MaHoSo"]):
        return _refuse("04", f"MaThamChieu {msg['MaThamChieu']} đã tồn tại (used for another payment)")
    tx = tx or store.create(db(), g.province, msg, sandbox_clock().timestamp())
    return init_reply(msg, tx, f"{request.host_url.rstrip('/')}{PREFIX}/pay/{tx['token']}", _secret())


def _lookup(msg: dict) -> tuple[dict | None, Response | None]:
    tx = store.by_reference(db(), g.province, msg["MaThamChieu"])
    if tx is None:
        return None, _refuse("05", f"Không tìm thấy giao dịch {msg['MaThamChieu']} (unknown MaThamChieu)")
    return tx, None


def _query(msg: dict) -> Response | dict:
    tx, refusal = _lookup(msg)
    return refusal or confirm_message(tx, "QUERY", _secret())


def _bill(msg: dict) -> Response | dict:
    """The receipt as a PDF, or as JSON (base64) when the caller accepts JSON and not PDF."""
    tx, refusal = _lookup(msg)
    if refusal is not None:
        return refusal
    if tx["status"] != store.PAID:
        return _refuse("06", f"Giao dịch {tx['reference']} chưa thanh toán thành công (no bill yet)")
    pdf = receipts.bill_pdf(store.receipt(db(), g.province, tx["receipt_no"]))
    name = f"{tx['receipt_no']}.pdf"
    accept = request.accept_mimetypes
    if accept["application/json"] > accept["application/pdf"]:
        reply = {
            **OK,
            "LoaiBanTin": "GET_BILL",
            "MaDoiTac": tx["partner"],
            "MaThamChieu": tx["reference"],
            "ThoiGianGD": msg["ThoiGianGD"],
            "SoBienLai": tx["receipt_no"],
            "TenFile": name,
            "BienLai": base64.b64encode(pdf).decode(),
        }
        reply["MaXacThuc"] = signing.signature("GET_BILL", {**reply, "PhienBan": signing.VERSION}, _secret())
        return reply
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


_HANDLERS = {"INIT": _init, "QUERY": _query, "GET_BILL": _bill}


def handle(expected: str | None):
    """Read, authenticate and answer one message (of type `expected`, or any on /messages)."""
    kind, msg, raw = _read(expected)
    refusal = _authenticate(kind, msg, raw)
    if refusal is not None:
        return refusal
    result = _HANDLERS[kind](msg)
    return jsonify(result) if isinstance(result, dict) else result


def mount(endpoint: MessageEndpoint) -> None:
    """Mount `POST endpoint.path` as a gateway service (its token optional: MaXacThuc authenticates)."""

    def post(self):
        return handle(endpoint.kind)

    post.__doc__ = endpoint.summary
    post = blp.doc(security=[{}, {"bearer": []}], requestBody=request_body(endpoint.request), responses=endpoint.replies)(post)
    post = document_errors(blp, PaymentError, (400, 422))(post)
    service = SERVICES[endpoint.kind] if endpoint.kind else "payment.message"
    post = gateway_service(service, endpoint.service_description, token_optional=True)(post)
    view = type(endpoint.view, (MethodView,), {"__doc__": endpoint.service_description, "post": post})
    blp.add_url_rule(endpoint.path, view_func=view)


for _endpoint in ENDPOINTS:
    mount(_endpoint)


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
            raise MinistryError(404, f"Không tìm thấy biên lai {SoBienLai} (unknown receipt)", code="05")
        return rec


# --- the test payer's page (a citizen's browser, not a gateway service) --------------------
def _decide(token: str, action: str) -> dict | None:
    """Settle a payment as the payer chose; a payment that became final is called back to its province."""
    tx, became_final = store.decide(db(), token, action, sandbox_clock().timestamp())
    if became_final:
        secret = rotation.by_province(db(), settings()["seed"], tx["province"]).gateway_secret
        notify.result_ready(tx["province"], EVENT, callback_data(tx, secret))
    return tx


@blp.route("/pay/<string:token>")
class PayerPage(MethodView):
    """The page a citizen's browser opens from UrlThanhToan."""

    @blp.doc(responses={"200": {"description": "The payment page (HTML)", **payer_page.HTML_DOC}})
    @blp.alt_response(404, schema=PaymentError, description="Unknown payment")
    def get(self, token: str):
        """An HTML page with the amount and two buttons (plain forms): Pay and Decline."""
        tx = store.by_token(db(), token)
        if tx is None:
            return payer_page.page_error(404, *payer_page.UNKNOWN)
        return payer_page.page(tx)

    @blp.arguments(PayerChoice, location="form")
    @blp.doc(responses={"200": {"description": "The page after the choice (HTML)", **payer_page.HTML_DOC}})
    @blp.alt_response(404, schema=PaymentError, description="Unknown payment")
    @blp.alt_response(422, schema=PaymentError, description="action is not pay or decline")
    def post(self, choice: dict, token: str):
        """The payer's button: form field action=pay or action=decline."""
        tx = _decide(token, choice["action"])
        if tx is None:
            return payer_page.page_error(404, *payer_page.UNKNOWN)
        return payer_page.page(tx, "Giao dịch đang được xử lý." if tx["status"] == store.PENDING else "")


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
            return payer_page.page_error(404, *payer_page.UNKNOWN)
        if before["status"] != store.PENDING:
            return payer_page.page_error(409, "07", f"Giao dịch đã kết thúc: {store.STATUS_NAMES[before['status']]}")
        return payer_page.decision_reply(_decide(token, choice["action"]))
