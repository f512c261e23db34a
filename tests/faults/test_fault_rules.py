"""Rule validation messages, matching, windows and expiry."""

from __future__ import annotations

from datetime import datetime

import pytest

from simulator.clock import TZ
from simulator.faults.rules import Limits, RuleError, validate_rule


def rule(**overrides):
    base = {"id": "r1", "effects": [{"error": {"status": 503}}]}
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (rule(effects=[{"latency": {"dist": "fixed", "seconds": 1, "cap_s": 900}}]), "effects[0].latency.cap_s must be ≤ 600"),
        (
            rule(effects=["reset", {"latency": {"dist": "gamma"}}]),
            "effects[1].latency.dist must be one of: fixed, uniform, normal, lognormal",
        ),
        (rule(effects=[{"latency": {"dist": "uniform", "min_s": 3, "max_s": 1}}]), "effects[0].latency.min_s must be ≤ max_s"),
        (rule(effects=[{"latency": {"dist": "normal", "mean_s": 1}}]), "effects[0].latency.stddev_s is required for dist normal"),
        (rule(effects=[{"hang": {"cap_s": 4000}}]), "effects[0].hang.cap_s must be ≤ 300"),
        (rule(effects=[{"error": {"status": 200}}]), "effects[0].error.status must be ≥ 400"),
        (rule(effects=[{"explode": {}}]), "effects[0] has unknown effect 'explode'"),
        (rule(effects=[]), "effects must be a non-empty list"),
        (rule(match={"probability": 1.5}), "match.probability must be ≤ 1"),
        (rule(match={"sytem": "payment"}), "match.sytem is not a known field"),
        (rule(match={"window": {"daily": "5am-6am"}}), 'match.window.daily must look like "05:00-05:30"'),
        (rule(effects=[{"rate_limit": {"rate_per_s": 0, "burst": 1}}]), "effects[0].rate_limit.rate_per_s must be > 0"),
        (rule(effects=[{"partial": {"fields": []}}]), "effects[0].partial.fields must be a non-empty list"),
        (rule(expires_at="2026-01-01T00:00:00"), "expires_at must include a UTC offset"),
        (rule(id="has space"), "id must be 1-100 letters"),
    ],
)
def test_invalid_rule_is_refused_with_a_message_naming_the_field(raw, message):
    with pytest.raises(RuleError) as err:
        validate_rule(raw, Limits(latency_cap_s=600, hang_cap_s=300))
    assert str(err.value).startswith(message)


def test_bare_effect_names_and_defaults_are_normalised():
    r = validate_rule(
        rule(effects=["reset", {"hang": None}, {"latency": {"dist": "fixed", "seconds": 2}}]), Limits(latency_cap_s=30, hang_cap_s=60)
    )
    assert [e.kind for e in r.effects] == ["reset", "hang", "latency"]
    assert r.effects[1].params == {"cap_s": 60}
    assert r.effects[2].params["cap_s"] == 30  # the setting caps a rule that names no cap


def test_rule_matches_system_operation_method_and_client():
    r = validate_rule(
        rule(
            match={"system": ["population", "civil_status"], "operation": ["lookup", "births"], "method": "post", "client": ["H56", "H01"]}
        )
    )
    assert r.matches_request("population", "lookup", "POST", "H56")
    assert r.matches_request("civil_status", "births", "POST", "H01")
    assert not r.matches_request("payment", "lookup", "POST", "H56")
    assert not r.matches_request("population", "verify", "POST", "H56")
    assert not r.matches_request("population", "lookup", "GET", "H56")
    assert not r.matches_request("population", "lookup", "POST", "H22")
    assert not r.matches_request("population", "lookup", "POST", None)


def test_star_and_missing_match_fields_match_anything():
    r = validate_rule(rule(match={"system": "*"}))
    assert r.matches_request("payment", None, "GET", None)


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=TZ)


def test_offset_window_applies_only_between_start_and_end_after_rule_start():
    r = validate_rule(rule(match={"window": {"start_offset_s": 60, "duration_s": 120}}, started_at=1000.0))
    local = at(12, 0)
    assert not r.active_at(0, 1059.0, local)
    assert r.active_at(0, 1060.0, local)
    assert r.active_at(0, 1179.9, local)
    assert not r.active_at(0, 1180.0, local)


def test_daily_window_uses_sandbox_local_time_and_may_wrap_midnight():
    morning = validate_rule(rule(match={"window": {"daily": "05:00-05:30"}}))
    assert morning.active_at(0, 0, at(5, 0)) and morning.active_at(0, 0, at(5, 29))
    assert not morning.active_at(0, 0, at(5, 30)) and not morning.active_at(0, 0, at(4, 59))
    night = validate_rule(rule(match={"window": {"daily": "23:30-00:30"}}))
    assert night.active_at(0, 0, at(23, 45)) and night.active_at(0, 0, at(0, 10))
    assert not night.active_at(0, 0, at(12, 0))


def test_rule_stops_applying_by_itself_at_expiry():
    r = validate_rule(rule(expires_at="2026-03-02T10:00:00+07:00"))
    expiry = datetime(2026, 3, 2, 10, 0, tzinfo=TZ).timestamp()
    assert r.active_at(expiry - 1, 0, at(9, 0))
    assert not r.active_at(expiry, 0, at(9, 0))


def test_disabled_rule_never_applies():
    assert not validate_rule(rule(enabled=False)).active_at(0, 0, at(9, 0))
