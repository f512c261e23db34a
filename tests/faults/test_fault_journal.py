"""Journal rows, filters, bounds, and the Prometheus exposition built from them."""

from __future__ import annotations

import io

from simulator.faults import formats
from simulator.faults.journal import Journal
from simulator.faults.metrics import render_metrics
from simulator.faults.wsgi_body import json_body, read_body


def entry(i, **kw):
    e = {
        "ts": 1000.0 + i,
        "request_id": f"r{i}",
        "client": "H56",
        "system": "population",
        "operation": "TraCuu",
        "method": "POST",
        "path": "/p",
        "status": 200,
        "fault": None,
        "latency_ms": 12.0,
    }
    e.update(kw)
    return e


def test_query_filters_by_each_field_newest_first(db_path):
    j = Journal(db_path)
    j.record(entry(1))
    j.record(entry(2, system="payment", status=500, fault="latency,error"))
    j.record(entry(3, client="H22", fault="latency"))
    assert j.flush() == 3
    assert [r["request_id"] for r in j.query()] == ["r3", "r2", "r1"]
    assert [r["request_id"] for r in j.query(system="payment")] == ["r2"]
    assert [r["request_id"] for r in j.query(fault="latency")] == ["r3", "r2"]
    assert [r["request_id"] for r in j.query(fault="error")] == ["r2"]
    assert [r["request_id"] for r in j.query(fault="none")] == ["r1"]
    assert [r["request_id"] for r in j.query(client="H22")] == ["r3"]
    assert [r["request_id"] for r in j.query(status=500)] == ["r2"]
    assert [r["request_id"] for r in j.query(since=1002, until=1003)] == ["r2"]
    assert [r["request_id"] for r in j.query(limit=1, offset=1)] == ["r2"]
    assert j.count(system="population") == 2


def test_journal_keeps_only_the_newest_max_rows(db_path):
    j = Journal(db_path, max_rows=100)
    for batch in range(5):
        for i in range(70):
            j.record(entry(batch * 70 + i))
        j.flush()
    assert j.count() == 100
    assert j.query(limit=1)[0]["request_id"] == "r349"


def test_disabled_journal_still_counts_metrics(db_path):
    j = Journal(db_path, enabled=False)
    j.record(entry(1))
    j.flush()
    assert j.count() == 0
    assert b'sandbox_requests_total{fault="none",operation="TraCuu",status="200",system="population"} 1.0' in render_metrics(j.db)[0]


def test_metrics_expose_counters_and_cumulative_latency_histogram(db_path):
    j = Journal(db_path)
    for ms in (3, 40, 40, 2000):
        j.record(entry(ms, latency_ms=ms, fault="latency"))
    j.flush()
    text, content_type = render_metrics(j.db)
    text = text.decode()
    assert content_type.startswith("text/plain")
    assert 'sandbox_requests_total{fault="latency",operation="TraCuu",status="200",system="population"} 4.0' in text
    assert 'sandbox_request_duration_seconds_bucket{le="0.005",operation="TraCuu",system="population"} 1.0' in text
    assert 'sandbox_request_duration_seconds_bucket{le="0.05",operation="TraCuu",system="population"} 3.0' in text
    assert 'sandbox_request_duration_seconds_bucket{le="+Inf",operation="TraCuu",system="population"} 4.0' in text
    assert 'sandbox_request_duration_seconds_count{operation="TraCuu",system="population"} 4.0' in text


def test_body_read_for_classification_is_still_readable_by_the_app():
    environ = {"CONTENT_LENGTH": "33", "wsgi.input": io.BytesIO(b'{"service": "TraCuuHoSo", "x": 1}')}
    assert json_body(environ, 1000) == {"service": "TraCuuHoSo", "x": 1}
    assert environ["wsgi.input"].read() == b'{"service": "TraCuuHoSo", "x": 1}'


def test_body_over_the_limit_is_not_classified_and_replays_whole_when_chunked():
    data = b"x" * 5000
    environ = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": io.BytesIO(data)}
    assert read_body(environ, 1024) is None
    assert environ["wsgi.input"].read(10) == b"x" * 10
    assert environ["wsgi.input"].read() == data[10:]


def test_error_formats_follow_each_system_and_the_registry_is_open():
    assert formats.format_error("portal", 500)[0]["error_code"] == "-1"
    assert formats.format_error("judicial_record", 503, "down")[0] == {"statusCode": "01", "errorDetail": "down"}
    assert formats.format_error("payment", 500)[0]["MaLoi"] == "99"
    assert formats.format_error("gateway", 401)[0]["error"] == "invalid_token"
    assert formats.format_error("unknown-system", 502)[0]["error"]["status"] == 502
    formats.register_format("tax", lambda s, m: ({"ma": s, "loi": m}, "application/json"))
    assert formats.format_error("tax", 500, "x")[0] == {"ma": 500, "loi": "x"}
