"""The sandbox's Flask class: Flask with two per-worker memos on the request path.

Why (measured 2026-11-28, docs/benchmarks.md, issue 19): under the one-core delay benchmark
(10,000 connections held by a 5 s delay) the garbage collector was the largest cost that grows
with the number of requests in flight, and Werkzeug's URL matcher made the only reference cycle
a request leaves behind (its recursive `_match` closure: 8 objects for the collector to find and
free on every request). Both memos below keep Flask's behaviour exactly:

- `MemoMatcher`: a URL map's matches, memoised by (host or subdomain, path, method, websocket).
  Only successful matches are kept (a 404, 405 or redirect is computed each time, as before);
  the kept values are copied out on every hit, so a view or URL preprocessor that changes its
  arguments changes only its own. The memo is bounded (cleared when full: paths with dynamic
  parts, such as a dossier code, are unbounded) and cleared whenever a rule is added.
- `ensure_sync`: whether a view or hook is a coroutine function, looked up once per function
  (Flask asks `inspect` for every view and hook on every request).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.routing import Map, Rule, RuleFactory
from werkzeug.routing.matcher import StateMachineMatcher

MEMO_MAX = 4096


class MemoMatcher(StateMachineMatcher):
    """Werkzeug's state-machine matcher with a bounded memo of its successful matches."""

    def __init__(self, merge_slashes: bool):
        super().__init__(merge_slashes)
        self._memo: dict[tuple[str, str, str, bool], tuple[Rule, dict[str, Any]]] = {}

    def add(self, rule: Rule) -> None:
        """Add a rule and forget every memoised match (the new rule may win some of them)."""
        self._memo.clear()
        super().add(rule)

    def update(self) -> None:
        """Re-sort the rules (Werkzeug calls this after additions) and forget every memoised match."""
        self._memo.clear()
        super().update()

    def match(self, domain: str, path: str, method: str, websocket: bool) -> tuple[Rule, dict[str, Any]]:
        """The rule and values Werkzeug's matcher finds; raises exactly as it does when none does."""
        key = (domain, path, method, websocket)
        hit = self._memo.get(key)
        if hit is not None:
            return hit[0], dict(hit[1])
        rule, values = super().match(domain, path, method, websocket)
        if len(self._memo) >= MEMO_MAX:
            self._memo.clear()
        self._memo[key] = (rule, dict(values))
        return rule, values


class MemoMap(Map):
    """A Werkzeug URL map whose matcher memoises (see `MemoMatcher`)."""

    def __init__(self, rules: Iterable[RuleFactory] | None = None, **kwargs: Any):
        super().__init__(None, **kwargs)
        self._matcher = MemoMatcher(self._matcher.merge_slashes)  # before any rule is added to it
        for rule in rules or ():
            self.add(rule)


class SandboxFlask(Flask):
    """Flask with the memoised URL map and a memoised `ensure_sync` (see the module doc)."""

    url_map_class = MemoMap

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable, Callable] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask's `ensure_sync`, asked once per function."""
        try:
            return self._sync[func]
        except KeyError:
            wrapped = self._sync[func] = super().ensure_sync(func)
            return wrapped
        except TypeError:  # an unhashable callable: ask every time, as Flask does
            return super().ensure_sync(func)
