"""Following a served sandbox's captured requests over its admin API (`requests tail`).

Polls `GET /sandbox/requests` with `after_id`: ids grow with every row written, whichever
worker wrote it, so paging by id misses nothing and repeats nothing (paging by time could:
two workers flush their buffers at different moments). A sandbox reset starts ids again;
the feed notices the newest id going down and starts over.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime

import requests

from simulator.faults.capture import QUERY_LIMIT_MAX


class CaptureFeedError(Exception):
    """The sandbox cannot be reached or refuses the admin token."""


class CaptureFeed:
    """Captured requests of one served sandbox, filtered as `GET /sandbox/requests` filters them."""

    def __init__(self, base: str, token: str, filters: dict[str, str | None], timeout: float = 10.0,
                 sleep: Callable[[float], None] = time.sleep):
        self.url = base.rstrip("/") + "/sandbox/requests"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.filters = {k: v for k, v in filters.items() if v}
        self.timeout = timeout
        self.sleep = sleep

    def page(self, after_id: int | None = None, limit: int = QUERY_LIMIT_MAX) -> list[dict]:
        """One page of captured requests, newest first (those after `after_id` when given)."""
        params = {**self.filters, "limit": limit}
        if after_id is not None:
            params["after_id"] = after_id
        try:
            reply = self.session.get(self.url, params=params, timeout=self.timeout)
        except requests.RequestException as err:
            raise CaptureFeedError(f"cannot reach {self.url}: {err}") from None
        if reply.status_code == 401:
            raise CaptureFeedError("the sandbox refused the admin token: set SANDBOX_ADMIN_TOKEN to its token")
        if reply.status_code != 200:
            try:
                message = reply.json().get("message", reply.text)
            except ValueError:
                message = reply.text
            raise CaptureFeedError(f"GET {self.url} answered {reply.status_code}: {message}")
        return reply.json()["items"]

    def follow(self, backlog: int, interval: float) -> Iterator[tuple[dict, bool]]:
        """(request, is new) oldest first: the last `backlog` requests, then each new one as it comes."""
        recent = self.page(limit=max(1, backlog))
        last = max((i["id"] for i in recent), default=0)
        for item in reversed(recent[:backlog]):
            yield item, False
        while True:
            items = self.page(after_id=last)  # oldest first
            if not items and last and not self.page(after_id=last - 1, limit=1):
                last = 0  # the row we saw last is gone: the sandbox was reset and ids start again
                continue
            for item in items:
                yield item, True
            if items:
                last = max(i["id"] for i in items)
            if len(items) < QUERY_LIMIT_MAX:
                self.sleep(interval)

    @staticmethod
    def line(item: dict) -> str:
        """One request as a terminal line: time, province, system/operation, call, status, latency, fault."""
        when = datetime.fromtimestamp(item["ts"]).strftime("%H:%M:%S.%f")[:-3]
        what = f"{item['system']}/{item['operation'] or '-'}"
        if item.get("via"):
            what += f" via {item['via']}"
        call = f"{item['method']} {item['path']}{'?' + item['query'] if item.get('query') else ''}"
        status = item["status"] or "---"
        fault = f"  fault={item['fault']}" if item.get("fault") else ""
        return (f"{when}  {item['client'] or '---':4} {what:32} {call:48} {status}  "
                f"{item['latency_ms'] or 0:8.1f} ms  {item['request_id']}{fault}")
