"""Verification: how many captured requests a match selects, held against an expected count.

WireMock's `verify(exactly(1), postRequestedFor(...))` and MockServer's `verify(..., Times)`,
with the sandbox's own match language: a verification's `match` is a rule's `match` (system,
operation, method, client, body, headers, query) checked by the one schema and applied by the
rule matcher itself (`Rule.misses`), so a match that selects requests in a rule selects the
same requests here. Fields about chance and time (`probability`, `window`) are refused: a
verification counts what happened.

When the count is not the expected one, the answer lists the nearest non-matching requests
(fewest failed match fields, newest first) and, for each, why it missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.faults.capture import view_of
from simulator.faults.limits import RuleError
from simulator.faults.rules import Rule, validate_rule

MATCH_FIELDS = ("system", "operation", "method", "client", "body", "headers", "query")
NEAREST = 5
SAMPLE = 10


@dataclass(frozen=True)
class Expectation:
    """An expected count: exactly N, or at least and/or at most N (at least 1 when nothing is said)."""

    exactly: int | None = None
    at_least: int | None = None
    at_most: int | None = None

    def holds(self, count: int) -> bool:
        """Whether `count` matching requests meet the expectation."""
        if self.exactly is not None:
            return count == self.exactly
        low = 1 if self.at_least is None and self.at_most is None else (self.at_least or 0)
        return count >= low and (self.at_most is None or count <= self.at_most)

    def describe(self) -> str:
        """The expectation in words: `exactly 1`, `at least 2 and at most 5`."""
        if self.exactly is not None:
            return f"exactly {self.exactly}"
        parts = []
        if self.at_least is not None or self.at_most is None:
            parts.append(f"at least {self.at_least if self.at_least is not None else 1}")
        if self.at_most is not None:
            parts.append(f"at most {self.at_most}")
        return " and ".join(parts)

    def to_json(self) -> dict[str, int]:
        """The expectation as the API shows it."""
        if self.exactly is not None:
            return {"exactly": self.exactly}
        if self.at_least is None and self.at_most is None:
            return {"at_least": 1}
        return {k: v for k, v in (("at_least", self.at_least), ("at_most", self.at_most)) if v is not None}


def compile_match(match: Any) -> Rule:
    """The rule matcher of a verification's match; `RuleError` naming the field when it is not valid."""
    if not isinstance(match, dict):
        raise RuleError("match", "must be a mapping")
    for key in match:
        if key not in MATCH_FIELDS:
            raise RuleError(f"match.{key}", f"does not apply to verification (expected one of: {', '.join(MATCH_FIELDS)})")
    return validate_rule({"id": "verify", "match": match, "effects": ["empty"]})


def verify(rule: Rule, expectation: Expectation, items: list[dict]) -> dict[str, Any]:
    """Count the captured requests (newest first) that `rule` matches and hold the count to `expectation`."""
    matched: list[dict] = []
    missed: list[tuple[dict, list[str]]] = []
    for item in items:
        reasons = rule.misses(item["system"], item["operation"], item["method"] or "", item["client"],
                              view_of(item) if rule.content else None, item["via"])
        if reasons:
            missed.append((item, reasons))
        else:
            matched.append(item)
    count = len(matched)
    verified = expectation.holds(count)
    noun = "request" if count == 1 else "requests"
    message = (f"{count} matching {noun}, expected {expectation.describe()}" if verified else
               f"expected {expectation.describe()} matching requests, found {count}")
    out: dict[str, Any] = {"verified": verified, "count": count, "expected": expectation.to_json(),
                           "message": message, "scanned": len(items), "matches": matched[:SAMPLE]}
    if not verified:
        nearest = sorted(missed, key=lambda pair: len(pair[1]))[:NEAREST]  # stable: newest first among equals
        out["nearest"] = [{"request": item, "missed": reasons} for item, reasons in nearest]
    return out
