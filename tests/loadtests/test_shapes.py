"""Load shapes as data: the stages of every shape and what the shape asks Locust for over time."""

from __future__ import annotations

import pytest

from loadtests.shapes import ShapeError, get_shape, load_shapes


def users_over(shape_name: str, duration: float = 100, peak: int = 50, step: float = 1) -> list[int]:
    """Users the shape asks for at each second of a run."""
    shape = get_shape(shape_name)
    return [shape.target(t, duration, peak)[0] for t in range(0, int(duration), int(step))]


def test_every_shape_in_the_kit_file_loads_with_a_description():
    shapes = load_shapes()
    assert {"steady", "peak_hour", "spike", "ramp_to_break"} <= set(shapes)
    assert all(s.description and s.stages[-1].end == 1.0 for s in shapes.values())


def test_steady_holds_peak_users_for_the_whole_run_then_ends():
    shape = get_shape("steady")
    assert set(users_over("steady")) == {50}
    assert shape.target(100, 100, 50) is None


def test_ramp_to_break_grows_linearly_from_one_user_to_peak():
    users = users_over("ramp_to_break")
    assert users[0] == 1 and users[-1] >= 49
    assert users == sorted(users)
    assert abs(users[50] - 25) <= 1


def test_peak_hour_builds_to_a_morning_peak_then_eases_with_an_afternoon_bump():
    users = users_over("peak_hour")
    assert users[0] < 15 and max(users) == 50
    peak_at = users.index(50)
    assert 25 <= peak_at <= 50
    lunch, afternoon = users[71], users[84]
    assert lunch < 50 and afternoon > lunch and users[-1] < afternoon


def test_spike_jumps_from_baseline_to_peak_quickly_and_back():
    shape = get_shape("spike")
    assert shape.target(10, 100, 50) == (10, 50.0)
    users, spawn_rate = shape.target(31, 100, 50)
    assert users == 50 and spawn_rate == 250.0
    assert shape.target(60, 100, 50)[0] == 10


def test_a_shape_file_with_unordered_stages_is_refused(tmp_path):
    bad = tmp_path / "shapes.yaml"
    bad.write_text("broken:\n  stages:\n    - {end: 0.8, users: 1}\n    - {end: 0.5, users: 1}\n", encoding="utf-8")
    with pytest.raises(ShapeError, match="must increase"):
        load_shapes(bad)


def test_an_unknown_shape_name_lists_the_known_ones():
    with pytest.raises(ShapeError, match="known: steady"):
        get_shape("tsunami")
