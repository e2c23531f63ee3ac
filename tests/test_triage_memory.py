"""Red flags remembered (issue 10): a look-back window, codes on different days combined,
the date each was reported, flags that stop once dealt with (seen_doctor, resolved, "gone"
in the runner's words), risk factors, the new daily-log columns through storage, and
ordinary running notes that must raise nothing."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from engine_helpers import make_context, steady_weeks
from heavylegs.triage import evaluate
from heavylegs.triage.words import read

DAY = date(2026, 3, 11)  # a Wednesday


def hits(log: dict[int, dict], runs: bool = True) -> list[tuple[str, str]]:
    ctx = make_context(DAY, steady_weeks(DAY, 6) if runs else {}, {DAY - timedelta(days=k): v for k, v in log.items()})
    return [(h.tier, h.rule) for h in evaluate(DAY, ctx.daily)]


def first(log: dict[int, dict]):
    ctx = make_context(DAY, steady_weeks(DAY, 6), {DAY - timedelta(days=k): v for k, v in log.items()})
    return evaluate(DAY, ctx.daily)[0]


def test_a_past_flag_says_when_it_was_reported() -> None:
    h = first({2: {"symptoms": "swelling-left"}, 0: {"heaviness": 5}})
    assert h.tier == "urgent" and h.reported == DAY - timedelta(days=2)
    assert h.message.startswith("On Mon 9 Mar you reported a swollen left leg.")
    assert "on Mon 9 Mar you reported a swollen left leg (swelling-left)" in h.evidence
    assert "seen_doctor=yes" in h.to_json()["how_to_clear"] and "resolved=swelling-left" in h.to_json()["how_to_clear"]


def test_free_text_is_quoted() -> None:
    h = first({0: {"notes": "calf swollen and hot, left leg"}})
    assert "today you wrote in notes: 'calf swollen and hot, left leg'" in h.evidence


@pytest.mark.parametrize("back,tier", [(0, "urgent"), (6, "urgent"), (7, "soon"), (13, "soon"), (14, None)])
def test_memory_of_a_tier_1_flag(back: int, tier: str | None) -> None:
    found = hits({back: {"symptoms": "calf-pain-one-side"}})
    assert (found[0][0] if found else None) == tier
    if tier == "soon":
        assert "more than a week ago" in first({back: {"symptoms": "calf-pain-one-side"}}).message


@pytest.mark.parametrize("back,tier", [(13, "soon"), (14, None)])
def test_memory_of_a_tier_2_flag(back: int, tier: str | None) -> None:
    found = hits({back: {"symptoms": "bone-pain"}})
    assert (found[0][0] if found else None) == tier


def test_codes_on_different_days_combine_into_the_pe_rule() -> None:
    found = hits({5: {"notes": "left calf swollen"}, 1: {"notes": "short of breath climbing the stairs"}})
    assert ("emergency", "breathless-after-leg-swelling") in found


def test_numbness_one_day_and_weakness_later_is_urgent() -> None:
    assert ("urgent", "numbness-with-weakness") in hits({4: {"symptoms": "numbness"}, 0: {"symptoms": "weakness"}})


def test_weakness_never_silences_the_swelling_rule() -> None:
    assert ("soon", "swelling-or-numbness") in hits({0: {"symptoms": "swelling-both;weakness"}})


@pytest.mark.parametrize("clear", [{"seen_doctor": "1"}, {"resolved": "swelling-left"}, {"notes": "swelling gone now"}])
def test_a_flag_stops_once_dealt_with(clear: dict) -> None:
    values = {k: (1 if v == "1" else v) for k, v in clear.items()}
    assert hits({3: {"symptoms": "swelling-left"}, 1: values}) == []


def test_a_flag_after_the_doctors_visit_still_shows() -> None:
    assert hits({3: {"symptoms": "swelling-left", "seen_doctor": 1}, 1: {"symptoms": "chest-pain"}})[0][0] == "emergency"


def test_resolving_one_code_keeps_the_others() -> None:
    assert ("emergency", "cardiac-symptoms") in hits({3: {"symptoms": "swelling-left;chest-pain"},
                                                      1: {"resolved": "swelling-left"}})


def test_risk_factors_are_remembered_and_shown() -> None:
    h = first({200: {"symptoms": "previous-clot"}, 20: {"notes": "on the pill"}, 0: {"symptoms": "swelling-right"}})
    text = " ".join(h.evidence)
    assert "previous clot" in text and "hormonal contraception" in text
    assert hits({200: {"symptoms": "previous-clot"}}) == []  # a risk factor alone raises nothing


@pytest.mark.parametrize("place,pain,want", [("left calf", 1, "urgent"), ("right hamstring", 3, "urgent"),
                                             ("right thigh", 2, "urgent"), ("both calves", 4, None),
                                             ("left calf", 0, None), ("right shin, one spot", 3, None)])
def test_one_sided_leg_pain_named_by_location(place: str, pain: int, want: str | None) -> None:
    found = hits({0: {"pain": pain, "pain_location": place}})
    assert (found[0][0] if found else None) == want


def test_severe_pain_at_rest_is_urgent_without_effort_and_emergency_with_nerve_signs() -> None:
    assert hits({0: {"pain": 8, "symptoms": "pain-at-rest"}}, runs=False)[0] == ("urgent", "severe-pain-at-rest")
    assert hits({0: {"pain": 8, "symptoms": "pain-at-rest;numbness"}}, runs=False)[0] == ("emergency", "acute-compartment")


def test_fever_message_matches_its_tier() -> None:
    h = first({0: {"symptoms": "fever"}})
    assert h.tier == "urgent" and "today" in h.message and "within a day" not in h.message


# Ordinary notes runners write: none may raise a red flag.
BENIGN = [
    "legs heavy after the long run", "calves tight, foam rolled", "easy 8k, felt good", "hot day, ran early",
    "heatwave, ran in the heat", "warm-weather trip, ran in the heat", "legs sore after intervals",
    "right hamstring a bit tight", "slept badly, busy week at work", "out of breath on the hill repeats",
    "heart rate high in the heat", "no pain, no swelling", "new shoes, red ones", "in the red zone for the tempo",
    "knees fine today", "calf cramps late in the run; white salt marks on my cap", "legs went empty in the last part",
    "trail run with long steep descents", "shoes feel flat and dead", "heavy period", "blood test at the GP",
    "new leg routine: heavy squats and lunges", "felt faint-hearted about the race", "hands numb from the cold",
    "temperature outside was 30 degrees", "flu jab yesterday", "legs weak-ish on the climbs? no, just tired",
    "smoker, 15 a day; high blood pressure", "quads sore after the downhill", "both calves achy",
    "wasn't dizzy at all", "no chest pain today", "swelling gone, back to normal", "numb toes from the cold",
    "red wine last night", "felt a bit sick before the race", "headache in the evening", "stretched after the run",
]


@pytest.mark.parametrize("note", BENIGN)
def test_ordinary_notes_raise_nothing(note: str) -> None:
    assert hits({0: {"notes": note}}) == [], [m.code for m in read(note)]


def test_new_columns_go_through_storage_export_and_import(tmp_path: Path) -> None:
    from heavylegs.api import Workspace

    with Workspace(tmp_path / "a") as ws:
        ws.log_set(DAY - timedelta(days=2), {"symptoms": "swelling-left;dizziness"})
        assert ws.log_set(DAY, {"seen_doctor": "yes", "resolved": "dizziness"}) == []
        ws.export_daily_log(tmp_path / "log.csv")
    text = (tmp_path / "log.csv").read_text()
    assert "seen_doctor" in text.splitlines()[0] and "resolved" in text.splitlines()[0]
    with Workspace(tmp_path / "b") as ws:
        ws.import_paths([tmp_path / "log.csv"])
        assert ws.log_row(DAY) == {"seen_doctor": 1, "resolved": "dizziness"}


def test_a_workspace_from_before_gets_the_new_columns(tmp_path: Path) -> None:
    from heavylegs.api import Workspace
    from heavylegs.storage.db import DB_NAME, MIGRATIONS
    from schema_helpers import back_to_schema

    with Workspace(tmp_path):
        pass
    conn = sqlite3.connect(tmp_path / DB_NAME)
    back_to_schema(conn, 4)  # as heavylegs left it before the red-flag columns (migration 5)
    assert len(MIGRATIONS) > 4
    conn.commit()
    conn.close()
    with Workspace(tmp_path) as ws:
        assert ws.log_set(DAY, {"seen_doctor": "yes"}) == []
        assert ws.log_row(DAY) == {"seen_doctor": 1}
