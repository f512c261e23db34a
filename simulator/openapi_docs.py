"""An apispec plugin documenting the 400 that every operation with a JSON body can answer.

webargs answers 400 ("Invalid JSON body.") before any view runs when a JSON body does not
parse; flask-smorest documents only the 422 of a body that parses but does not validate. The
contract fuzzing in tests/hardening holds every status to be listed, so this one is, once.
"""

from __future__ import annotations

from apispec import BasePlugin

METHODS = ("get", "put", "post", "delete", "patch")


class JsonBodyErrors(BasePlugin):
    """Add `400: DEFAULT_ERROR` to operations with a JSON request body that list no 400 of their own."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        """Called by apispec for each path as a blueprint registers it."""
        for method, operation in (operations or {}).items():
            if method not in METHODS or not isinstance(operation, dict):
                continue
            content = (operation.get("requestBody") or {}).get("content") or {}
            responses = operation.setdefault("responses", {})
            if "application/json" in content and "400" not in responses and 400 not in responses:
                responses["400"] = "DEFAULT_ERROR"
