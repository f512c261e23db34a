"""Error bodies in each simulated system's own format, so an injected fault looks real.

A formatter is `fn(status, message) -> (body, content_type)`. Each system declares its own
error body once, in its `SystemSpec` (`simulator.systems.registry`); injected errors for that
system are built by the same function as its real errors. Two formats are the fault engine's
own: `gateway` (the NGSP gateway's OAuth2/WSO2 style `{"error", "error_description"}`, our
design) and `default` (`{"error": {"status", "message"}}`, for anything without a format).
`register_format` adds or replaces a format by name (tests, or a system outside the registry).
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from simulator.systems import registry

Formatter = Callable[[int, str], tuple[Any, str]]
JSON = "application/json; charset=utf-8"

_FORMATS: dict[str, Formatter] = {}

# Messages in Vietnamese, as the real systems answer; the status phrase is the fallback.
DEFAULT_MESSAGES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác thực hoặc phiên đã hết hạn",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy dữ liệu",
    408: "Hết thời gian chờ yêu cầu",
    429: "Vượt quá số lượng yêu cầu cho phép, vui lòng thử lại sau",
    500: "Lỗi hệ thống",
    502: "Lỗi kết nối tới hệ thống nguồn",
    503: "Hệ thống đang bảo trì hoặc quá tải, vui lòng thử lại sau",
    504: "Hết thời gian chờ phản hồi từ hệ thống nguồn",
}

_OAUTH_ERRORS = {
    400: "invalid_request",
    401: "invalid_token",
    403: "insufficient_scope",
    429: "too_many_requests",
    503: "temporarily_unavailable",
}


def register_format(system: str, formatter: Formatter) -> None:
    """Register (or replace) the error format of a system."""
    _FORMATS[system] = formatter


def formatter_for(system: str) -> Formatter:
    """The formatter for `system`: a registered one, else the system's declared error body, else the default."""
    if system in _FORMATS:
        return _FORMATS[system]
    spec = registry.get(system)
    if spec is not None and spec.error_body is not None:
        body = spec.error_body
        return lambda status, message: (body(status, message), JSON)
    return _FORMATS["default"]


def default_message(status: int) -> str:
    """A realistic Vietnamese message for an HTTP status."""
    if status in DEFAULT_MESSAGES:
        return DEFAULT_MESSAGES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Lỗi"


def format_error(system: str, status: int, message: str | None = None) -> tuple[Any, str]:
    """Error body and content type for `system`, in that system's own format."""
    return formatter_for(system)(status, message or default_message(status))


def _gateway(status: int, message: str) -> tuple[Any, str]:
    if status >= 500 and status != 503:
        code = "server_error"
    else:
        code = _OAUTH_ERRORS.get(status, "invalid_request")
    return {"error": code, "error_description": message}, JSON


register_format("default", lambda s, m: ({"error": {"status": s, "message": m}}, JSON))
register_format("gateway", _gateway)
