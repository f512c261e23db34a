"""The sandbox's request-header parser gives what gevent's own parser gives, for every kind of header block."""

from __future__ import annotations

import io
from http import client as http_client

import pytest
from gevent.pywsgi import WSGIHandler, headers_factory

from simulator.http_worker import MAX_HEADERS, SandboxHandler, parse_headers

BLOCKS = {
    "typical": b"Host: 127.0.0.1:8000\r\nContent-Type: application/json\r\nContent-Length: 42\r\nX-Request-ID: b1-7\r\n\r\n",
    "no space after the colon": b"Host:sandbox\r\nAccept:*/*\r\n\r\n",
    "repeated names and odd case": b"cookie: a=1\r\nCOOKIE: b=2\r\nx-sandbox-client: H56\r\n\r\n",
    "empty value and trailing blanks": b"X-Empty:\r\nX-Pad: v  \r\n\r\n",
    "Vietnamese bytes in a value": "X-Ten: Nguyễn Văn An\r\n\r\n".encode(),
    "colons in the value": b"Referer: http://a:1/b?c=d:e\r\n\r\n",
    "bare LF line ends": b"Host: a\nAccept: b\n\n",
    "folded line": b"X-Long: first\r\n  second\r\nHost: a\r\n\r\n",
    "line without a colon": b"Host: a\r\nnonsense\r\nAccept: b\r\n\r\n",
    "space before the colon": b"Host : a\r\n\r\n",
    "lone CR inside a value": b"X-A: a\rB: c\r\n\r\n",
    "underscore in a name": b"X_Forwarded_For: 1.2.3.4\r\n\r\n",
    "no headers": b"\r\n",
    "stream ends": b"Host: a\r\n",
}


def _view(message) -> tuple:
    return (message.status, list(message._headers), list(message.headers), message.typeheader, message.getheader("content-length"))


@pytest.mark.parametrize("block", BLOCKS.values(), ids=BLOCKS.keys())
def test_every_header_block_parses_as_gevents_parser_parses_it(block):
    assert _view(parse_headers(io.BytesIO(block + b"BODY"))) == _view(headers_factory(io.BytesIO(block + b"BODY")))


def test_the_body_is_left_unread():
    stream = io.BytesIO(b"Host: a\r\nContent-Length: 4\r\n\r\nBODY")
    parse_headers(stream)
    assert stream.read() == b"BODY"


def test_a_line_too_long_and_too_many_headers_are_refused_as_gevent_refuses_them():
    long_line = b"X-Big: " + b"a" * 70000 + b"\r\n\r\n"
    assert parse_headers(io.BytesIO(long_line)).status == headers_factory(io.BytesIO(long_line)).status == "Line too long"
    many = b"".join(b"X-%d: v\r\n" % i for i in range(MAX_HEADERS + 1)) + b"\r\n"
    with pytest.raises(http_client.HTTPException, match="more than 100 headers"):
        parse_headers(io.BytesIO(many))
    with pytest.raises(http_client.HTTPException, match="more than 100 headers"):
        headers_factory(io.BytesIO(many))


NAMES = ("host", "Content-Type", "CONTENT-LENGTH", "cookie", "connection", "transfer-encoding", "x-pad", "X-Long", "absent")


@pytest.mark.parametrize("block", BLOCKS.values(), ids=BLOCKS.keys())
def test_every_header_block_answers_each_name_and_makes_the_environ_as_gevent_does(block):
    ours, theirs = parse_headers(io.BytesIO(block)), headers_factory(io.BytesIO(block))
    assert [ours.get(n, "-") for n in NAMES] == [theirs.get(n, "-") for n in NAMES]
    assert [n in ours for n in NAMES] == [n in theirs for n in NAMES]
    assert list(_handler(ours)._headers()) == list(WSGIHandler._headers(_handler(theirs)))


def test_a_header_set_or_deleted_after_parsing_is_seen_by_get():
    message = parse_headers(io.BytesIO(b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"))
    assert message.get("content-length") == "4"
    del message["content-length"]  # what pywsgi does to a chunked request
    assert message.get("content-length") is None
    message["X-Added"] = "yes"
    assert message.get("x-added") == "yes"


def _handler(message) -> SandboxHandler:
    handler = SandboxHandler.__new__(SandboxHandler)  # only the parsed headers are needed
    handler.headers = message
    return handler
