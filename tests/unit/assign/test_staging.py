"""Staging points: a porter free long enough, with no job, is sent to their group's point
for the hour, once, and only when the planner set one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.assign import PorterSpec
from engine.assign.staging import staging_moves
from engine.domain.errors import InvalidInput
from engine.domain.policy.anticipation import Anticipation
from engine.domain.policy.document import PolicyDocument

from .builders import CODES, FAR, HERE, NEAR, NOW, TRAVEL, porter

POINTS = Anticipation(staging={"internal": {9: FAR}, "surgical": {9: NEAR, 10: HERE}})


def idle(id: str = "p1", minutes: float = 5, **fields: Any) -> PorterSpec:
    return porter(id, free_since=NOW - timedelta(minutes=minutes), **fields)


def test_a_porter_free_long_enough_is_sent_to_the_groups_point_for_the_hour() -> None:
    [move] = staging_moves([idle()], POINTS, 9, NOW, {})
    assert (move.porter_id, move.location) == ("p1", FAR)
    assert "internal group's staging point for 09:00-09:59 is" in move.reason
    assert "free since" in move.reason


def test_no_one_is_sent_without_staging_points() -> None:
    assert staging_moves([idle()], Anticipation(), 9, NOW, {}) == []


def test_no_one_is_sent_in_an_hour_without_a_point() -> None:
    assert staging_moves([idle()], POINTS, 10, NOW, {}) == []


def test_a_porter_free_for_less_than_the_idle_minutes_stays() -> None:
    assert staging_moves([idle(minutes=1)], POINTS, 9, NOW, {}) == []


@pytest.mark.parametrize(
    "fields",
    [{"active_jobs": 1}, {"on_break": True}, {"on_shift": False}, {"location": FAR}],
    ids=["busy", "on a break", "off shift", "there already"],
)
def test_a_porter_busy_away_or_already_there_stays(fields: dict[str, object]) -> None:
    assert staging_moves([idle(**fields)], POINTS, 9, NOW, {}) == []


def test_a_porter_already_sent_there_is_not_sent_again() -> None:
    assert staging_moves([idle()], POINTS, 9, NOW, {"p1": FAR}) == []
    assert len(staging_moves([idle()], POINTS, 9, NOW, {"p1": NEAR})) == 1


@settings(max_examples=80, deadline=None)
@given(
    st.permutations(["a", "b", "c", "d"]),
    st.lists(st.sampled_from(["internal", "surgical", "emergency"]), min_size=4, max_size=4),
    st.integers(0, 23),
)
def test_moves_are_the_same_whatever_order_the_porters_come_in(
    order: list[str], groups: list[str], hour: int
) -> None:
    porters = [idle(i, group=g) for i, g in zip("abcd", groups, strict=True)]
    shuffled = [porters["abcd".index(i)] for i in order]
    moves = staging_moves(shuffled, POINTS, hour, NOW, {})
    assert moves == staging_moves(porters, POINTS, hour, NOW, {})
    for move in moves:
        spec = porters["abcd".index(move.porter_id)]
        assert move.location == POINTS.staging_point(spec.group, hour)


@pytest.mark.parametrize(
    ("staging", "field"),
    [
        ({"internal": {"24": "L000"}}, "anticipation.staging.internal"),
        ({"internal": {"9": ""}}, "anticipation.staging.internal.9"),
        ({"": {"9": "L000"}}, "anticipation.staging"),
    ],
)
def test_a_staging_point_out_of_range_is_refused_naming_the_field(
    staging: dict[str, object], field: str
) -> None:
    data = PolicyDocument().to_data() | {"anticipation": {"staging": staging}}
    with pytest.raises(InvalidInput) as caught:
        PolicyDocument.parse(data)
    assert field in str(caught.value)


def test_idle_minutes_are_bounded() -> None:
    data = PolicyDocument().to_data() | {"anticipation": {"staging_idle_minutes": 241}}
    with pytest.raises(InvalidInput, match=r"anticipation\.staging_idle_minutes"):
        PolicyDocument.parse(data)


SPREAD = Anticipation(staging={"internal": {9: [FAR, NEAR]}})


def test_idle_porters_spread_over_the_groups_points_one_each_before_any_gets_two() -> None:
    moves = staging_moves([idle("a"), idle("b"), idle("c")], SPREAD, 9, NOW, {})
    assert [(m.porter_id, m.location) for m in moves] == [("a", FAR), ("b", NEAR), ("c", FAR)]
    assert f"({FAR}, {NEAR}), {NEAR} has the fewest porters waiting" in moves[1].reason


def test_a_porter_waiting_at_a_point_holds_it_so_the_next_goes_to_another() -> None:
    waiting = idle("a", location=FAR)
    [move] = staging_moves([waiting, idle("b")], SPREAD, 9, NOW, {})
    assert (move.porter_id, move.location) == ("b", NEAR)
    # one sent to a point (and walking there) holds it too
    assert staging_moves([idle("a"), idle("b")], SPREAD, 9, NOW, {"a": NEAR})[0].location == FAR


def test_a_list_of_points_is_checked_like_one_naming_the_hour() -> None:
    data = PolicyDocument().to_data() | {"anticipation": {"staging": {"internal": {"9": []}}}}
    with pytest.raises(InvalidInput, match=r"anticipation\.staging\.internal\.9"):
        PolicyDocument.parse(data)


def test_with_walks_known_the_porter_nearest_the_emptiest_point_is_the_one_sent() -> None:
    minutes = TRAVEL.between
    near_far = min(
        (c for c in CODES if c not in (FAR, NEAR, HERE)), key=lambda c: (minutes(c, FAR), c)
    )
    assert minutes(near_far, FAR) < minutes(HERE, FAR)
    porters = [idle("a"), idle("b", location=near_far)]  # a waits at HERE
    blind = staging_moves(porters, SPREAD, 9, NOW, {})
    assert [(m.porter_id, m.location) for m in blind] == [("a", FAR), ("b", NEAR)]
    seeing = staging_moves(porters, SPREAD, 9, NOW, {}, minutes)
    assert [(m.porter_id, m.location) for m in seeing] == [("b", FAR), ("a", NEAR)]
