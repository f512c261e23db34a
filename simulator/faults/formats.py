"""Error bodies in each simulated system's own format, so an injected fault looks real.

A formatter is `fn(status, message) -> (body, content_type)`. The registry is open: a
system module calls `register_format("tax", fn)` at import and injected errors for that
system then use it. Unknown systems get the `default` format.

Formats (seen = from public vendor code, inferred = our design, documented in the API docs):
- portal (seen): `{"error_code": "-1", "message": ...}`; the portal answers integration calls
  with HTTP 200 and an error code in the body, but gateway-level failures in front of it are
  plain HTTP errors, so injected errors keep the rule's HTTP status and this body.
- judicial_record (seen): `{"statusCode": "01", "errorDetail": ...}`.
- payment (seen): `{"MaLoi": "99", "MoTaLoi": ...}`.
- population (seen, JSON-wrapped by provincial gateways): `{"error_code": "<status>", "message": ...}`.
- civil_status (inferred): `{"status": <status>, "message": ...}`.
- business_registration (inferred): `{"code": "<status>", "message": ..., "data": null}`.
- social_insurance (inferred): `{"maLoi": "<status>", "thongBao": ...}`.
- environment (inferred): `{"success": false, "errorCode": "<status>", "errorMessage": ...}`.
- treasury (inferred): `{"MaLoi": "<status>", "MoTaLoi": ...}` like the payment platform.
- gateway (WSO2 style, inferred): `{"error": "...", "error_description": ...}`.
- default: `{"error": {"status": <status>, "message": ...}}`.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

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

_OAUTH_ERRORS = {400: "invalid_request", 401: "invalid_token", 403: "insufficient_scope",
                 429: "too_many_requests", 503: "temporarily_unavailable"}


def register_format(system: str, formatter: Formatter) -> None:
    """Register (or replace) the error format of a system."""
    _FORMATS[system] = formatter


def formatter_for(system: str) -> Formatter:
    """The formatter for `system`, or the default one."""
    return _FORMATS.get(system, _FORMATS["default"])


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
register_format("portal", lambda s, m: ({"error_code": "-1", "message": m}, JSON))
register_format("judicial_record", lambda s, m: ({"statusCode": "01", "errorDetail": m}, JSON))
register_format("payment", lambda s, m: ({"MaLoi": "99", "MoTaLoi": m}, JSON))
register_format("treasury", lambda s, m: ({"MaLoi": str(s), "MoTaLoi": m}, JSON))
register_format("population", lambda s, m: ({"error_code": str(s), "message": m}, JSON))
register_format("civil_status", lambda s, m: ({"status": s, "message": m}, JSON))
register_format("business_registration", lambda s, m: ({"code": str(s), "message": m, "data": None}, JSON))
register_format("social_insurance", lambda s, m: ({"maLoi": str(s), "thongBao": m}, JSON))
register_format("environment", lambda s, m: ({"success": False, "errorCode": str(s), "errorMessage": m}, JSON))
register_format("gateway", _gateway)
