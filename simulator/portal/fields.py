"""Marshmallow fields for the portal's wire conventions: codes as strings, dates as yyyyMMddHHmmss.

Real connectors send codes as strings ("1") and sometimes numbers, optional dates and lists
as empty strings; these fields accept all of that and normalise it.
"""

from __future__ import annotations

from datetime import datetime

from marshmallow import ValidationError, fields

from simulator.wire_formats import PORTAL_DATETIME


class Code(fields.Field):
    """A code sent as a string or an integer; stored as its string form."""

    def __init__(self, choices: tuple[str, ...] | None = None, **kwargs):
        self.choices = choices
        metadata = kwargs.pop("metadata", {})
        if choices:
            metadata.setdefault("enum", list(choices))
        super().__init__(metadata={"type": "string", **metadata}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValidationError("phải là chuỗi mã (must be a code string)")
        text = str(value).strip()
        if self.choices and text not in self.choices and not (text == "" and self.allow_empty):
            raise ValidationError(f"giá trị {text!r} không hợp lệ, chỉ nhận {', '.join(self.choices)}")
        return text

    @property
    def allow_empty(self) -> bool:
        """Whether the empty string is accepted (optional fields only)."""
        return not self.required

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class PortalDate(fields.Field):
    """A date string yyyyMMddHHmmss (Asia/Ho_Chi_Minh); "" accepted for optional dates."""

    def __init__(self, **kwargs):
        metadata = {"type": "string", "pattern": r"^(\d{14})?$", "example": "20261126083000"}
        metadata.update(kwargs.pop("metadata", {}))
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("ngày phải là chuỗi yyyyMMddHHmmss (date must be a yyyyMMddHHmmss string)")
        if value == "" and not self.required:
            return ""
        if len(value) != 14 or not value.isdigit():
            raise ValidationError(f"ngày {value!r} sai định dạng yyyyMMddHHmmss")
        try:
            datetime.strptime(value, PORTAL_DATETIME)
        except ValueError:
            raise ValidationError(f"ngày {value!r} không tồn tại (not a real date/time)") from None
        return value

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class ListOrEmpty(fields.List):
    """A list; an empty string is read as an empty list, as some connectors send it."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "" or value is None:
            return []
        return super()._deserialize(value, attr, data, **kwargs)
