"""The plan is honest with thin data and follows the runner's own week (issue 13, item 3)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from engine_helpers import make_context, steady_weeks
from heavylegs.explain import plan

DAY = date(2026, 3, 15)  # a Sunday


def _texts(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in plan.make(ctx, ())]


def test_no_activities_is_one_line_pointing_to_import() -> None:
    texts = _texts(make_context(DAY, {}))
    assert len(texts) == 1 and "No activity is stored" in texts[0] and "heavylegs import" in texts[0]


def test_under_four_weeks_of_history_says_what_is_missing_instead_of_numbers() -> None:
    texts = _texts(make_context(DAY, {DAY - timedelta(days=1): 0.8}))
    assert len(texts) == 1 and "at least 4 weeks" in texts[0] and "1 day" in texts[0]
    assert not re.search(r"\d km", texts[0])


def test_a_day_far_from_the_data_says_so_and_places_no_long_run() -> None:
    runs = steady_weeks(DAY, 8)
    texts = _texts(make_context(DAY + timedelta(days=20), runs))
    assert len(texts) == 1 and "No activity in the 2 weeks before" in texts[0] and "Sun 15 Mar 2026" in texts[0]
    far = _texts(make_context(date(2030, 1, 1), runs))
    assert len(far) == 1 and "No activity in the 2 weeks before Tue 01 Jan 2030" in far[0]
    before = _texts(make_context(date(2026, 1, 1), {DAY: 10.0}))
    assert len(before) == 1 and "No activity is stored in the months up to Thu 01 Jan 2026" in before[0]


def test_rest_days_and_long_run_come_from_the_runners_own_week() -> None:
    # long run on Saturday, Sunday/Monday/Friday free
    runs = steady_weeks(DAY, 8, week=(0, 8, 6, 10, 0, 16, 0))
    texts = _texts(make_context(DAY, runs))
    rest = next(t for t in texts if t.startswith("Rest days"))
    assert "Sunday (after your usual long run on Saturday)" in rest and "Friday" in rest
    assert "Monday (after" not in rest
    hard = next(t for t in texts if t.startswith("Keep"))
    assert "Saturday" not in hard and "Sunday" not in hard and "Friday" not in hard
    assert any("Longest run next week: at most 17.6 km" in t for t in texts)  # 16 km + 10 %
