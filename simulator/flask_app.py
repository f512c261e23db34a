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
- `create_url_adapter`: the request's URL adapter. Werkzeug works out the host (validating its
  characters, stripping the default port, IDNA-encoding it) and the scheme from the environ on
  every request; those depend only on the Host header, the server address, the scheme and the
  upgrade headers, so they are worked out once per distinct set of those (by Flask's own code)
  and the adapter is then built directly. Any app with `SERVER_NAME`, `TRUSTED_HOSTS`, host or
  subdomain matching takes Flask's path every time.
- `SandboxRequest.blueprints`: Flask splits the endpoint's blueprint path on each of the three
  or more times a request's hooks ask for it; it is split once per endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Request
from werkzeug.routing import Map, MapAdapter, Rule, RuleFactory
from werkzeug.routing.matcher import StateMachineMatcher

MEMO_MAX = 4096
HOSTS_MAX = 256  # distinct (Host header, server address, scheme, upgrade) sets remembered


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


class SandboxRequest(Request):
    """Flask's request with its blueprint path split once per endpoint (see the module doc)."""

    _blueprints_of: tuple[str | None, list[str]] | None = None

    @property
    def blueprints(self) -> list[str]:
        """The registered names of the current blueprint upwards through parent blueprints."""
        endpoint = self.endpoint
        known = self._blueprints_of
        if known is None or known[0] != endpoint:
            known = self._blueprints_of = (endpoint, Request.blueprints.fget(self))
        return list(known[1])


def _wsgi_text(value: str | None) -> str | None:
    """Werkzeug's decoding of a WSGI string (Latin-1 bytes read as UTF-8), without work for ASCII."""
    if value is None or value.isascii():
        return value
    return value.encode("latin1").decode(errors="replace")


class SandboxFlask(Flask):
    """Flask with the memoised URL map, `ensure_sync` and host work (see the module doc)."""

    url_map_class = MemoMap
    request_class = SandboxRequest

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable, Callable] = {}
        self._hosts: dict[tuple, tuple[str, str, str | None, str]] = {}

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Flask's URL adapter for `request`, its host worked out once per Host header and server address."""
        if request is None or self.config["SERVER_NAME"] is not None or self.config["TRUSTED_HOSTS"] is not None:
            return super().create_url_adapter(request)
        if self.url_map.host_matching or self.subdomain_matching:
            return super().create_url_adapter(request)
        env = request.environ
        key = (
            env.get("HTTP_HOST"),
            env.get("SERVER_NAME"),
            env.get("SERVER_PORT"),
            env["wsgi.url_scheme"],
            env.get("HTTP_CONNECTION"),
            env.get("HTTP_UPGRADE"),
        )
        known = self._hosts.get(key)
        if known is None:
            adapter = super().create_url_adapter(request)  # raises for a bad host, as Flask does; nothing kept
            if len(self._hosts) >= HOSTS_MAX:
                self._hosts.clear()
            self._hosts[key] = (request.host, adapter.server_name, adapter.subdomain, adapter.url_scheme)
            return adapter
        request.host, server_name, subdomain, scheme = known
        script_name, path_info = _wsgi_text(env.get("SCRIPT_NAME")), _wsgi_text(env.get("PATH_INFO"))
        return MapAdapter(
            self.url_map,
            server_name,
            "/" if script_name is None else script_name,  # as Map.bind defaults them
            subdomain,
            scheme,
            "/" if path_info is None else path_info,
            env["REQUEST_METHOD"],
            _wsgi_text(env.get("QUERY_STRING")),
        )

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask's `ensure_sync`, asked once per function."""
        try:
            return self._sync[func]
        except KeyError:
            wrapped = self._sync[func] = super().ensure_sync(func)
            return wrapped
        except TypeError:  # an unhashable callable: ask every time, as Flask does
            return super().ensure_sync(func)
