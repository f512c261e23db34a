"""The test payer's page: what a citizen's browser shows from UrlThanhToan, and its JSON twin.

No money moves: the page shows the amount and two plain forms (Pay, Decline); the choice
settles the transaction (`store.decide`). Errors answer in the platform's format
{MaLoi, MoTaLoi} with an HTTP status, since a browser, not a gateway client, reads them.
"""

from __future__ import annotations

from html import escape

from flask import Response, jsonify

from simulator.systems.payment import store
from simulator.systems.payment.receipts import vnd

TITLE = "Cổng thanh toán - Sandbox"
UNKNOWN = ("05", "Không tìm thấy giao dịch (unknown payment)")
# The OpenAPI content of an HTML page.
HTML_DOC = {"content": {"text/html": {"schema": {"type": "string"}}}}

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


def page(tx: dict, note: str = "") -> Response:
    """The payer's page for a transaction: its state, an optional note, and the buttons while pending."""
    html = _PAGE.format(
        title=TITLE,
        reference=escape(tx["reference"]),
        description=escape(tx["description"]),
        amount=vnd(tx["amount"]),
        status=escape(store.STATUS_NAMES[tx["status"]]),
        body=(f"<p>{escape(note)}</p>" if note else "") + (_BUTTONS if tx["status"] == store.PENDING else ""),
    )
    return Response(html, mimetype="text/html")


def page_error(status: int, code: str, message: str) -> Response:
    """An error of the payer's page: {MaLoi, MoTaLoi} with an HTTP status."""
    response = jsonify({"MaLoi": code, "MoTaLoi": message})
    response.status_code = status
    return response


def decision_reply(tx: dict) -> dict:
    """The transaction after the payer's choice, as the JSON twin answers it (DecisionReply)."""
    return {
        "MaLoi": "00",
        "MoTaLoi": "Thành công",
        "MaThamChieu": tx["reference"],
        "TrangThaiGD": store.TRANG_THAI_GD[tx["status"]],
        "TenTrangThai": store.STATUS_NAMES[tx["status"]],
        "SoBienLai": tx["receipt_no"] or "",
    }
