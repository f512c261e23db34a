"""Content matching: a request's body, headers and query against a rule's `match` (and `verify`).

    match:
      body:                          # dotted paths in a JSON body, or element names in a SOAP body
        service: LayDanhSachHoSo
        DinhDanhCHS.SoDinhDanh: {regex: "056\\d{9}"}   # a list segment matches any element
        data.0.MaHoSo: 000.00.01.H56-261126-0001      # or a digit picks one element
      headers: {X-Province: {regex: "5[0-9]"}}       # names case-insensitive
      query: {page: "2"}

A value matches when it is equal (numbers and strings compare by their text, so `"1"` and
`1` are the same) or, for `{regex: ...}`, when the whole text matches the expression. The
same matcher explains a miss in words (`body.MaHoSo: expected 'A', got 'B'`), which is what
`POST /sandbox/verify` answers with for the nearest requests.

SOAP bodies are read with expat and a document type declaration is refused outright, so no
entity can be expanded; the hardened SOAP parsing of the systems themselves is in
simulator/systems/soap.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs
from xml.parsers import expat

from simulator import wire_json
from simulator.faults.limits import RuleError

MISSING = object()


class _DoctypeRefused(Exception):
    pass


def xml_texts(data: bytes) -> dict[str, list[str]]:
    """Every element's text by local name (namespace prefix dropped); {} when not well-formed."""
    texts: dict[str, list[str]] = {}
    stack: list[tuple[str, list[str]]] = []
    parser = expat.ParserCreate()

    def start(name, attrs):
        stack.append((name.rsplit(":", 1)[-1], []))

    def end(name):
        local, parts = stack.pop()
        texts.setdefault(local, []).append("".join(parts).strip())

    def chars(data):
        if stack:
            stack[-1][1].append(data)

    def doctype(*args):
        raise _DoctypeRefused()

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler, parser.StartDoctypeDeclHandler = chars, doctype
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, _DoctypeRefused, ValueError):
        return {}
    return texts


def text_of(value: Any) -> str:
    """A JSON value as comparable text: strings as they are, everything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def lookup(value: Any, path: str) -> list[Any]:
    """Every value at a dotted path (a list segment fans out unless it is a digit index)."""
    current = [value]
    for segment in path.split("."):
        found: list[Any] = []
        for node in current:
            if isinstance(node, dict):
                if segment in node:
                    found.append(node[segment])
            elif isinstance(node, list):
                if segment.isdigit():
                    if int(segment) < len(node):
                        found.append(node[int(segment)])
                else:
                    found.extend(item[segment] for item in node if isinstance(item, dict) and segment in item)
        current = found
    return current


@dataclass(frozen=True)
class ValueMatcher:
    """An expected value, or a regular expression the whole text must match."""

    expected: Any = None
    regex: re.Pattern | None = None

    def matches(self, actual: Any) -> bool:
        """Whether one actual value satisfies this matcher."""
        if self.regex is not None:
            return self.regex.fullmatch(text_of(actual)) is not None
        return actual == self.expected or text_of(actual) == text_of(self.expected)

    def describe(self) -> str:
        """The expectation in words."""
        return f"matching /{self.regex.pattern}/" if self.regex is not None else repr(self.expected)

    def to_json(self) -> Any:
        """As written in a rule."""
        return {"regex": self.regex.pattern} if self.regex is not None else self.expected


@dataclass
class RequestView:
    """What content matching sees of a request (live from WSGI, or from the capture journal)."""

    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    query: dict[str, list[str]] = field(default_factory=dict)
    body: bytes = b""
    _parsed: Any = field(default=MISSING, repr=False)

    @classmethod
    def from_environ(cls, environ: dict, body: bytes | None) -> RequestView:
        """Headers, query and body of a WSGI request (body already read by wsgi_body)."""
        headers = {k[5:].replace("_", "-").lower(): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        return cls(headers, query, body or b"")

    def parsed_body(self) -> Any:
        """The body as JSON, else as {element name: [texts]} for XML, else None."""
        if self._parsed is MISSING:
            data = self.body.lstrip()
            self._parsed = None
            if data[:1] in (b"{", b"["):
                try:
                    self._parsed = wire_json.loads(data)
                except ValueError:
                    pass
            elif data[:1] == b"<":
                self._parsed = _XmlBody(xml_texts(data))
        return self._parsed


@dataclass(frozen=True)
class _XmlBody:
    texts: dict[str, list[str]]


@dataclass(frozen=True)
class ContentMatch:
    """The `body`, `headers` and `query` parts of a rule's match."""

    body: tuple[tuple[str, ValueMatcher], ...] = ()
    headers: tuple[tuple[str, ValueMatcher], ...] = ()
    query: tuple[tuple[str, ValueMatcher], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.body or self.headers or self.query)

    def mismatches(self, view: RequestView) -> list[str]:
        """Why `view` does not match, one sentence per failed condition ([] when it matches)."""
        out: list[str] = []
        for name, matcher in self.headers:
            actual = view.headers.get(name.lower())
            if actual is None or not matcher.matches(actual):
                out.append(f"headers.{name}: expected {matcher.describe()}, got {_shown(actual)}")
        for name, matcher in self.query:
            values = view.query.get(name, [])
            if not any(matcher.matches(v) for v in values):
                out.append(f"query.{name}: expected {matcher.describe()}, got {_shown(values or None)}")
        if self.body:
            parsed = view.parsed_body()
            for path, matcher in self.body:
                if isinstance(parsed, _XmlBody):
                    values = parsed.texts.get(path.rsplit(".", 1)[-1], [])
                elif parsed is None:
                    values = []
                else:
                    values = lookup(parsed, path)
                if not any(matcher.matches(v) for v in values):
                    got = _shown(values[0] if len(values) == 1 else (values or None))
                    out.append(f"body.{path}: expected {matcher.describe()}, got {got}")
        return out

    def to_json(self) -> dict[str, Any]:
        """The non-empty parts, as written in a rule."""
        return {part: {k: m.to_json() for k, m in getattr(self, part)} for part in ("body", "headers", "query") if getattr(self, part)}


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    text = text_of(value)
    return repr(text if len(text) <= 80 else text[:77] + "...")


def compile_content(match: dict[str, Any], path: str) -> ContentMatch:
    """Build the content matcher of a (schema-valid) match mapping; RuleError for a bad regex."""

    parts = {}
    for part in ("body", "headers", "query"):
        items = []
        for key, raw in (match.get(part) or {}).items():
            if isinstance(raw, dict):
                try:
                    items.append((key, ValueMatcher(regex=re.compile(raw["regex"]))))
                except re.error as err:
                    raise RuleError(f"{path}.{part}.{key}.regex", f"is not a valid regular expression: {err}") from None
            else:
                items.append((key, ValueMatcher(expected=raw)))
        parts[part] = tuple(items)
    return ContentMatch(**parts)
