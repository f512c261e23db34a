"""An injected latency holds the app's reply until the latency has passed since the request arrived."""

from __future__ import annotations

import time

import gevent
import pytest

from simulator.faults.engine import RequestInfo
from simulator.faults.middleware import ARRIVED_KEY, FaultMiddleware, sleep_first


class Body:
    """A WSGI body that notes when it is closed."""

    def __init__(self, events: list, chunks: list[bytes]):
        self.events, self.chunks = events, chunks

    def __iter__(self):
        return iter(self.chunks)

    def close(self) -> None:
        self.events.append("closed")


@pytest.fixture
def events() -> list:
    """What happened, in order: the app's call, its body's close, each sleep (seconds)."""
    return []


@pytest.fixture
def slow(store):
    """A fixed 2 s latency on every portal request."""
    store.put_rule({"id": "slow", "match": {"system": "portal"}, "effects": [{"latency": {"dist": "fixed", "seconds": 2}}]})


def make_middleware(engine, events, app=None) -> FaultMiddleware:
    """The fault middleware over `app` (by default one answering b"{}" in two chunks), sleeps noted, not slept."""

    def default_app(environ, start_response):
        events.append("app")
        start_response("200 OK", [("Content-Type", "application/json")])
        return Body(events, [b"{", b"}"])

    return FaultMiddleware(
        app or default_app, lambda environ: RequestInfo("portal", "TraCuuHoSo"), engine, sleep=lambda s: events.append(("sleep", s))
    )


def call(middleware, environ: dict | None = None) -> tuple[list, bytes]:
    """Run one request; (status and headers seen, body bytes)."""
    seen: list = []
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/dvcqg/api/service", **(environ or {})}
    body = middleware(environ, lambda status, headers, exc_info=None: seen.append((status, headers)))
    return seen, b"".join(body)


def slept(events: list) -> list[float]:
    """The sleeps noted, in seconds."""
    return [e[1] for e in events if isinstance(e, tuple)]


@pytest.mark.usefixtures("slow")
def test_the_app_answers_first_and_its_closed_reply_is_held_for_the_latency(engine, events):
    seen, body = call(make_middleware(engine, events))
    assert events[:2] == ["app", "closed"] and events[2][0] == "sleep"
    assert 1.9 < slept(events)[0] <= 2.0
    assert body == b"{}" and seen[0][0] == "200 OK"
    assert dict(seen[0][1])["X-Sandbox-Fault"] == "latency"


@pytest.mark.usefixtures("slow")
def test_the_latency_counts_from_the_requests_arrival(engine, events):
    call(make_middleware(engine, events), {ARRIVED_KEY: time.monotonic() - 0.5})
    assert 1.4 < slept(events)[0] <= 1.5


@pytest.mark.usefixtures("slow")
def test_an_arrival_later_than_the_middleware_saw_the_request_is_not_believed(engine, events):
    call(make_middleware(engine, events), {ARRIVED_KEY: time.monotonic() + 10})
    assert 1.9 < slept(events)[0] <= 2.0


@pytest.mark.usefixtures("slow")
def test_a_request_older_than_its_latency_is_answered_without_a_sleep(engine, events):
    _, body = call(make_middleware(engine, events), {ARRIVED_KEY: time.monotonic() - 3})
    assert slept(events) == [] and body == b"{}"


@pytest.mark.usefixtures("slow")
def test_an_app_that_fails_fails_after_the_latency(engine, events):
    def failing(environ, start_response):
        events.append("app")
        raise RuntimeError("the app broke")

    with pytest.raises(RuntimeError, match="the app broke"):
        call(make_middleware(engine, events, failing))
    assert events[0] == "app" and 1.9 < slept(events)[0] <= 2.0


def test_without_a_latency_the_apps_body_is_streamed_untouched(engine, events):
    middleware = make_middleware(engine, events)
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/dvcqg/api/service"}
    result = middleware(environ, lambda status, headers, exc_info=None: None)
    assert events == ["app"] and list(result) == [b"{", b"}"]
    result.close()
    assert events == ["app", "closed"]


def test_a_held_reply_wakes_before_other_work_ready_at_the_same_moment():
    order: list[str] = []

    def other(n: int) -> None:
        gevent.sleep(0.05)
        order.append(f"other {n}")

    def held(n: int) -> None:
        sleep_first(0.05)
        order.append(f"held {n}")

    started = time.monotonic()
    gevent.joinall([gevent.spawn(other, n) for n in range(3)] + [gevent.spawn(held, n) for n in range(3)])
    assert order == ["held 0", "held 1", "held 2", "other 0", "other 1", "other 2"]
    assert time.monotonic() - started >= 0.05


def test_the_middleware_holds_with_the_prioritised_sleep(engine):
    assert FaultMiddleware(lambda e, s: [], lambda e: None, engine).sleep is sleep_first
