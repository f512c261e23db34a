"""The payment platform's message endpoints, declared once: path, message type, documentation.

`POST /payment/messages` takes every message type and dispatches on `LoaiBanTin`; `/init`,
`/query` and `/bill` take their own type only (routes.py mounts each row the same way). A
refusal the platform read is a 200 too, in the error shape {MaLoi, MoTaLoi}, so every reply
documents PaymentError beside the message's own reply.
"""

from __future__ import annotations

from typing import NamedTuple

from marshmallow import Schema

from simulator.systems.payment.schemas import BillReply, InitMessage, InitReply, Message, PaymentError, QueryReply


def request_body(schema: type[Schema]) -> dict:
    """The OpenAPI requestBody of a message endpoint."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def replies(description: str, *schemas: type[Schema]) -> dict:
    """The OpenAPI 200 of a message endpoint: one of `schemas`, or a refusal (a 200 too, MaLoi ≠ 00)."""
    return {"200": {"description": description, "content": {"application/json": {"schema": {"anyOf": [*schemas, PaymentError]}}}}}


# GET_BILL answers the receipt as a PDF unless the caller asks for JSON only.
BILL_REPLIES = {
    "200": {
        "description": "The receipt (biên lai) as a PDF, or as JSON {BienLai: base64} when Accept names JSON only",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {"schema": {"anyOf": [BillReply, PaymentError]}},
        },
    }
}


class MessageEndpoint(NamedTuple):
    """A message endpoint: where, which LoaiBanTin it takes (None: any) and how it is documented."""

    path: str
    view: str
    kind: str | None
    service_description: str
    request: type[Schema]
    replies: dict
    summary: str


ENDPOINTS = (
    MessageEndpoint(
        "/messages",
        "Messages",
        None,
        "INIT, QUERY or GET_BILL, by LoaiBanTin",
        Message,
        replies(
            "The reply of the message's type (INIT, QUERY or GET_BILL as JSON); MaLoi ≠ 00 for a refusal",
            InitReply,
            QueryReply,
            BillReply,
        ),
        "Any message: dispatched on LoaiBanTin (INIT answers as /init, QUERY as /query, GET_BILL as /bill).",
    ),
    MessageEndpoint(
        "/init",
        "Init",
        "INIT",
        "INIT: open a fee payment and get the payer's URL",
        InitMessage,
        replies("UrlThanhToan", InitReply),
        "Open a payment; an identical retry of a MaThamChieu returns the same payment.",
    ),
    MessageEndpoint(
        "/query",
        "Query",
        "QUERY",
        "QUERY: the state of a payment (TrangThaiGD)",
        Message,
        replies("The platform's reply; MaLoi ≠ 00 for a refusal (wrong partner, wrong MaXacThuc, ...)", QueryReply),
        "The payment's state: TrangThaiGD 1 paid, 3 pending, 4 failed.",
    ),
    MessageEndpoint(
        "/bill",
        "Bill",
        "GET_BILL",
        "GET_BILL: the receipt of a paid payment (PDF or JSON)",
        Message,
        BILL_REPLIES,
        "GET_BILL: the receipt as application/pdf once paid (JSON with base64 when asked; MaLoi 06 before).",
    ),
)
