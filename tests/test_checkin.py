"""`heavylegs checkin` and `heavylegs export daily-log`: the question flow with a fake
terminal, the real command in a pseudo-terminal (pexpect), the --set form, Ctrl-C, and
the export round trip."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pexpect
import pytest

from heavylegs import checkin
from heavylegs.api import Workspace

REPO = Path(__file__).resolve().parents[1]
DAY = date(2026, 5, 4)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


# -- helpers ----------------------------------------------------------------------------
def hl(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "heavylegs.cli", "--home", str(home), *args],
                          input=stdin, capture_output=True, text=True, timeout=120)


def spawn(home: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "100", "LINES": "50"}
    return pexpect.spawn(sys.executable, ["-m", "heavylegs.cli", "--home", str(home), *args],
                         cwd=str(REPO), env=env, dimensions=(50, 100), timeout=30,
                         encoding="utf-8", codec_errors="replace")


def answer(child: pexpect.spawn, prompt: str, text: str) -> None:
    """Wait for the prompt that starts with ``prompt`` to end with ': ', then answer."""
    child.expect(re.escape(prompt) + r"[^\n]*: ")
    child.sendline(text)


def flat(text: str) -> str:
    """``text`` with its line wrapping undone (error lines wrap at the console width)."""
    return " ".join(text.split())


def finish(child: pexpect.spawn) -> str:
    """Everything printed until the process ends (ANSI codes removed); closes it."""
    child.expect(pexpect.EOF)
    rest = ANSI.sub("", child.before)
    child.close()
    return rest


def fake_run(answers: list[str], yesterday: dict | None = None,
             stored: dict | None = None) -> tuple[dict[str, str], list[str], list[str]]:
    """Run the flow on scripted answers; returns values, prompts asked and lines said."""
    feed, prompts, said = iter(answers), [], []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(feed)

    values = checkin.collect(ask, said.append, yesterday, stored)
    assert next(feed, None) is None, "not every scripted answer was asked for"
    return values, prompts, said


QUIET_SCREEN = ["n"] * 9  # one leg, both legs, nerves, weakness, rest, heart, urine, ill, sudden


# -- the flow, without a terminal -------------------------------------------------------
def test_flow_asks_in_order_and_maps_the_screen_to_codes() -> None:
    values, prompts, _ = fake_run(
        ["7", "5", "6.5", "3", "4", "2", "2.5", "core", "3", "right calf",
         "y", "r", "swollen, red", "n", "y", "numb tingling", "y", "both", "y", "night",
         "y", "chest breathless", "y", "y", "y", "y"])
    assert [p.split(" ")[0] for p in prompts[:3]] == ["Legs", "Muscle", "Hours"]
    assert values["strength"] == "core" and values["pain_location"] == "right calf"
    assert values["illness"] == "yes"
    assert values["symptoms"].split(";") == [
        "swelling-right", "calf-pain-one-side", "warm-red-leg", "numbness", "tingling",
        "weakness", "foot-drop", "sudden-heaviness", "night-pain", "dark-urine", "chest-pain",
        "breathless", "fever"]


def test_follow_ups_are_skipped_when_not_needed() -> None:
    values, prompts, _ = fake_run(["", "", "", "", "", "", "", "", "0", *QUIET_SCREEN])
    assert len(prompts) == 9 + 9
    assert values == {"pain": "0", "illness": "no", "symptoms": "none"}


def test_bad_answers_are_reasked_with_what_is_accepted() -> None:
    values, prompts, said = fake_run(
        ["11", "7.5", "7", "", "17", "8", "", "", "", "", "legs", "squats", "legs-l", "0",
         "maybe", "y", "", "up", "left", "swollen", *QUIET_SCREEN[1:]])
    assert values["heaviness"] == "7" and values["sleep_h"] == "8"
    assert values["strength"] == "legs-light"
    assert values["symptoms"] == "swelling-left"
    joined = "\n".join(said)
    assert "'11' is out of range (accepted: integer 0-10" in joined
    assert "'7.5' is not a whole number" in joined
    assert "'17' is out of range (accepted: number 0-16" in joined
    assert "'legs' is not one of the choices (accepted: none, upper, core, legs-light" in joined
    assert "'maybe' is not an answer (accepted: y or n)" in joined
    assert "please answer (accepted: left, right)" in joined  # no default, Enter re-asks
    assert "'up' is not one of the choices (accepted: left, right)" in joined
    assert prompts.count(prompts[0]) == 3


def test_defaults_come_from_the_day_then_yesterday_and_dash_clears() -> None:
    yesterday = {"heaviness": 6, "sleep_h": 7.0, "mood": 4, "symptoms": "tingling",
                 "illness": 1, "electrolytes": 1}
    stored = {"heaviness": 3, "symptoms": "varicose-veins"}
    values, prompts, _ = fake_run(["", "", "-"] + [""] * 6 + [""] * 9,
                                  yesterday=yesterday, stored=stored)
    assert prompts[0].endswith("[3]: ") and prompts[2].endswith("[7]: ")
    assert "sleep_h" not in values  # '-' on yesterday's value: nothing of today's to clear
    assert values["heaviness"] == "3" and values["mood"] == "4"
    # the day's own symptoms (no tingling today; its unscreened code kept); yesterday's
    # illness is not today's default (issue 11), so no fever follow-up
    assert values["symptoms"] == "varicose-veins"
    assert values["illness"] == "no" and not any(p.startswith("A fever") for p in prompts)


def test_yesterdays_symptoms_pain_and_illness_are_never_defaults() -> None:
    yesterday = {"pain": 2, "pain_location": "left calf", "symptoms": "swelling-left;warm-red-leg",
                 "illness": 1, "strength": "legs-heavy", "notes": "sore", "heaviness": 4}
    values, prompts, _ = fake_run([""] * 9 + [""] * 9, yesterday=yesterday)
    assert prompts[0].endswith("[4]: ")
    pain = next(p for p in prompts if p.startswith("Any leg pain"))
    strength = next(p for p in prompts if p.startswith("Strength session"))
    assert "[" not in pain.split(")")[-1] and not strength.endswith("]: ")
    assert all(p.endswith("[n]: ") for p in prompts[9:])
    assert values == {"heaviness": "4", "illness": "no", "symptoms": "none"}


@pytest.mark.parametrize(("key", "value", "shown"), [
    ("fluid_l", 1.6561176555, "1.7"), ("sleep_h", 7.4833333, "7.5"), ("sleep_h", 6.0, "6"),
    ("body_mass_kg", 71.123456, "71.1"), ("hrv_rmssd_ms", 61.7, "62"), ("heaviness", 5, "5")])
def test_yesterdays_numbers_are_offered_as_a_person_types_them(key: str, value: object,
                                                                shown: str) -> None:
    from heavylegs.importers.daily_log_values import FORMATTERS

    assert FORMATTERS[key](checkin.carried({key: value})[key]) == shown


def test_a_same_day_recheckin_clears_what_was_answered_away() -> None:
    stored = {"heaviness": 6, "sleep_h": 7.0, "symptoms": "swelling-left"}
    values, _, _ = fake_run(["", "", "-"] + [""] * 5 + ["0"] + ["n"] + QUIET_SCREEN[1:],
                            stored=stored)
    assert values["symptoms"] == "none" and values["sleep_h"] == ""
    text = checkin.summary(DAY, values, stored)
    assert text.startswith("saved 2026-05-04: heaviness 6, pain 0")
    assert text.endswith(", symptoms none; cleared sleep_h") and "kept" not in text


@pytest.mark.parametrize(("items", "field"), [
    (["heaviness"], "--set"), (["legs=3"], "--set"), (["pain=2", "pain=3"], "--set"),
    (["sleep_h="], "sleep_h")])
def test_parse_sets_refuses_with_the_field_named(items: list[str], field: str) -> None:
    with pytest.raises(checkin.InvalidInput) as info:
        checkin.parse_sets(items)
    assert info.value.field == field


# -- the real command in a pseudo-terminal ----------------------------------------------
FULL = [("Legs heaviness", "7"), ("Muscle soreness", "4"), ("Hours slept", "6.5"),
        ("Sleep quality", "3"), ("Mood", "4"), ("Stress", "2"), ("Fluids drunk", "2.5"),
        ("Strength session", "legs-light"), ("Any leg pain", "2"),
        ("Where is the pain", "both thighs"), ("Is one leg swollen", "n"),
        ("Are both legs swollen", "n"), ("Numbness or tingling", "y"),
        ("Which (numbness", "tingling"), ("Weakness or foot drop", "n"),
        ("Pain at rest or at night", "n"), ("Chest pain", "n"), ("Dark (tea", "n"),
        ("Fever or feeling ill", "y"), ("A fever", "n"), ("Sudden heaviness", "n")]


def test_pty_checkin_answers_every_question_and_saves_the_row(tmp_path: Path) -> None:
    child = spawn(tmp_path, "checkin", "--date", DAY.isoformat())
    child.expect_exact("Check-in for 2026-05-04")
    for prompt, text in FULL:
        answer(child, prompt, text)
    rest = finish(child)
    assert child.exitstatus == 0, rest
    assert "saved 2026-05-04" in rest and "URGENT" not in rest
    with Workspace(tmp_path) as ws:
        assert ws.log_row(DAY) == {
            "heaviness": 7, "soreness": 4, "sleep_h": 6.5, "sleep_quality": 3, "mood": 4,
            "stress": 2, "fluid_l": 2.5, "strength": "legs-light", "pain": 2,
            "pain_location": "both thighs", "symptoms": "tingling", "illness": 1}


def test_pty_one_sided_calf_swelling_prints_triage_first(tmp_path: Path) -> None:
    child = spawn(tmp_path, "checkin", "--date", DAY.isoformat())
    answer(child, "Legs heaviness", "6")
    for prompt in ("Muscle", "Hours", "Sleep quality", "Mood", "Stress", "Fluids", "Strength"):
        answer(child, prompt, "")
    answer(child, "Any leg pain", "5")
    answer(child, "Where is the pain", "right calf")
    answer(child, "Is one leg swollen", "y")
    answer(child, "Which leg", "right")
    answer(child, "What do you notice", "swollen")
    for prompt in ("Are both", "Numbness", "Weakness", "Pain at rest", "Chest", "Dark",
                   "Fever", "Sudden heaviness"):
        answer(child, prompt, "")
    rest = finish(child)
    assert child.exitstatus == 0, rest
    lines = [line for line in rest.splitlines()[1:] if line.strip()]  # [0]: the echoed Enter
    assert "URGENT" in lines[0], rest
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", line) for line in lines)
    assert "doctor" in text and text.index("doctor") < text.index("saved 2026-05-04")
    with Workspace(tmp_path) as ws:
        row = ws.log_row(DAY)
    assert row["symptoms"] == "swelling-right;calf-pain-one-side" and row["heaviness"] == 6


def test_pty_enter_after_a_day_of_symptoms_saves_no_symptoms_and_no_alarm(tmp_path: Path) -> None:
    """Issue 11: Enter through the whole check-in the day after "swelling-both;tingling"
    (a SOON flag) saves none of yesterday's symptoms, pain or illness, raises no alarm of
    its own, and offers yesterday's other values rounded as a person types them. Triage
    remembers yesterday's report for 14 days (issue 10), so the only flag shown is that
    one, dated 3 May, with how to clear it."""
    yesterday = {"heaviness": "5", "soreness": "3", "sleep_h": "7.4833333", "sleep_quality": "4",
                 "mood": "3", "stress": "3", "fluid_l": "1.6561176555", "strength": "upper",
                 "pain": "3", "pain_location": "both shins", "symptoms": "swelling-both;tingling",
                 "illness": "yes", "notes": "ankles puffy"}
    with Workspace(tmp_path) as ws:
        hits = ws.log_set(date(2026, 5, 3), yesterday)
    assert [h.tier for h in hits] == ["soon"]  # the day itself was flagged
    child = spawn(tmp_path, "checkin", "--date", DAY.isoformat())
    child.logfile_read = screen = io.StringIO()
    child.expect_exact("Check-in for 2026-05-04")
    prompts = []
    while child.expect([r"\nsaved 2026-05-04", r"\n[^\n:]*: "]) == 1:
        prompts.append(ANSI.sub("", child.match.group(0)).strip())
        child.sendline("")
    rest = finish(child)
    assert child.exitstatus == 0, rest
    shown = ANSI.sub("", screen.getvalue())
    assert "saved 2026-05-04" in shown and "symptoms none" in shown, shown
    assert not any(tier in shown for tier in ("URGENT", "EMERGENCY", "ROUTINE")), shown
    assert shown.count("SOON") <= 1 and ("SOON" not in shown or "On Sun 3 May you reported" in shown), shown
    prompts = [p for p in prompts if not p.startswith("When a doctor")]  # the reminder's how-to-clear line
    assert len(prompts) == 9 + 9, prompts  # 9 values (no pain location), 9 screen questions
    assert "Hours slept last night [7.5]:" in prompts and "Fluids drunk today, litres [1.7]:" in prompts
    assert all(p.endswith("[n]:") for p in prompts[9:]), "\n".join(prompts)
    assert next(p for p in prompts if p.startswith("Any leg pain")) == "Any leg pain? worst 0-10:"
    with Workspace(tmp_path) as ws:
        today = ws.log_row(DAY)
        remembered = ws.log_set(DAY, {})  # the day as saved raises no triage rule of its own
        assert all(h.reported == date(2026, 5, 3) for h in remembered), remembered
    assert today == {"heaviness": 5, "soreness": 3, "sleep_h": 7.5, "sleep_quality": 4, "mood": 3,
                     "stress": 3, "fluid_l": 1.7, "illness": 0, "symptoms": "none"}


def test_pty_bad_answer_is_reasked_with_the_range(tmp_path: Path) -> None:
    child = spawn(tmp_path, "checkin", "--date", DAY.isoformat())
    answer(child, "Legs heaviness", "11")
    child.expect_exact("'11' is out of range (accepted: integer 0-10")
    answer(child, "Legs heaviness", "heavy")
    child.expect_exact("'heavy' is not a number (accepted: integer 0-10")
    answer(child, "Legs heaviness", "8")
    answer(child, "Muscle soreness", "")
    answer(child, "Hours slept", "6,5")
    child.expect_exact("has a comma")
    answer(child, "Hours slept", "6.5")
    child.expect("Sleep quality")
    child.sendeof()  # Ctrl-D: nothing saved either
    rest = finish(child)
    assert "nothing saved" in rest and child.exitstatus == 1
    with Workspace(tmp_path) as ws:
        assert ws.log_row(DAY) == {}


def test_pty_ctrl_c_saves_nothing(tmp_path: Path) -> None:
    child = spawn(tmp_path, "checkin", "--date", DAY.isoformat())
    for prompt, text in FULL[:12]:
        answer(child, prompt, text)
    child.expect("Numbness or tingling")
    child.sendintr()
    rest = finish(child)
    assert "nothing saved" in rest and "Traceback" not in rest
    assert child.exitstatus == 1
    with Workspace(tmp_path) as ws:
        assert ws.log_row(DAY) == {}


# -- the --set form ---------------------------------------------------------------------
def test_set_saves_without_asking(tmp_path: Path) -> None:
    run = hl(tmp_path, "checkin", "--date", "2026-05-04", "--set", "heaviness=7",
             "--set", "sleep_h=6.5", "--set", "strength=Legs-Heavy", "--set", "symptoms=numbness")
    assert run.returncode == 0, run.stderr
    assert "saved 2026-05-04" in run.stdout
    with Workspace(tmp_path) as ws:
        assert ws.log_row(DAY) == {"heaviness": 7, "sleep_h": 6.5, "strength": "legs-heavy",
                                   "symptoms": "numbness"}


def test_clear_removes_a_saved_value_and_the_red_flag_with_it(tmp_path: Path) -> None:
    hl(tmp_path, "checkin", "--date", "2026-05-04", "--set", "heaviness=7", "--set", "sleep_h=6.5",
       "--set", "symptoms=swelling-left")
    run = hl(tmp_path, "checkin", "--date", "2026-05-04", "--clear", "symptoms", "--clear", "sleep_h",
             "--set", "heaviness=5")
    assert run.returncode == 0, run.stderr
    assert "saved 2026-05-04: heaviness 5; cleared symptoms, sleep_h" in run.stdout
    assert "URGENT" not in run.stdout
    with Workspace(tmp_path) as ws:
        assert ws.log_row(DAY) == {"heaviness": 5}
    bad = hl(tmp_path, "checkin", "--date", "2026-05-04", "--clear", "legs")
    assert bad.returncode == 2 and bad.stderr.startswith("error: --clear='legs'")
    both = hl(tmp_path, "checkin", "--date", "2026-05-04", "--clear", "mood", "--set", "mood=3")
    assert both.returncode == 2 and "also cleared" in both.stderr


def test_log_set_clears_with_an_empty_value(tmp_path: Path) -> None:
    with Workspace(tmp_path) as ws:
        ws.log_set(DAY, {"heaviness": "6", "pain": "2"})
        ws.log_set(DAY, {"pain": ""})
        assert ws.log_row(DAY) == {"heaviness": 6}
        ws.log_set(date(2026, 5, 5), {"pain": ""})  # nothing stored that day: nothing to do
        assert ws.log_row(date(2026, 5, 5)) == {}
        with pytest.raises(checkin.InvalidInput):
            ws.log_set(DAY, {"no_such_column": ""})


def test_set_with_a_red_flag_prints_triage_before_the_summary(tmp_path: Path) -> None:
    run = hl(tmp_path, "checkin", "--date", "2026-05-04", "--set", "symptoms=swelling-left")
    assert run.returncode == 0, run.stderr
    assert "URGENT" in run.stdout.splitlines()[0]
    assert run.stdout.index("doctor") < run.stdout.index("saved 2026-05-04")


@pytest.mark.parametrize(("item", "words"), [
    ("heaviness=12", ["heaviness", "integer 0-10"]),
    ("sleep_h=lots", ["sleep_h", "number 0-16"]),
    ("strength=squats", ["strength", "none, upper, core, legs-light, legs-heavy"]),
    ("symptoms=cough", ["symptoms", "swelling-left"]),
    ("legs=3", ["--set", "heaviness"]),
    ("heaviness", ["--set", "KEY=VALUE"]),
])
def test_set_errors_exit_2_naming_the_field_and_range(tmp_path: Path, item: str,
                                                       words: list[str]) -> None:
    run = hl(tmp_path, "checkin", "--date", "2026-05-04", "--set", "mood=4", "--set", item)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.startswith("error: ") and "Traceback" not in run.stderr
    for word in words:
        assert word in flat(run.stderr)
    with Workspace(tmp_path) as ws:
        assert ws.log_row(DAY) == {}  # mood=4 was not saved either


def test_no_terminal_and_no_set_says_how_and_exits_2(tmp_path: Path) -> None:
    run = hl(tmp_path, "checkin", stdin="7\n")
    assert run.returncode == 2
    assert "--set heaviness=7" in flat(run.stderr)


def test_bad_date_exits_2(tmp_path: Path) -> None:
    run = hl(tmp_path, "checkin", "--date", "4/5/2026", "--set", "heaviness=3")
    assert run.returncode == 2 and "YYYY-MM-DD" in flat(run.stderr)


# -- export daily-log -------------------------------------------------------------------
def test_export_daily_log_round_trip(tmp_path: Path) -> None:
    days = {date(2026, 5, 2): {"heaviness": "4", "notes": 'felt "fine", then, not'},
            date(2026, 5, 3): {"sleep_h": "5.25", "electrolytes": "no", "protein_meals_g": "20;35.5",
                               "symptoms": "numbness;tingling", "strength": "core"},
            DAY: {"pain": "3", "pain_location": "left shin", "illness": "yes", "fluid_l": "2.5"}}
    with Workspace(tmp_path / "a") as ws:
        for day, values in days.items():
            ws.log_set(day, values)
    target = tmp_path / "log.csv"
    run = hl(tmp_path / "a", "export", "daily-log", str(target))
    assert run.returncode == 0, run.stderr
    assert "3 rows" in run.stdout
    run = hl(tmp_path / "b", "import", str(target))
    assert run.returncode == 0, run.stderr
    with Workspace(tmp_path / "a") as a, Workspace(tmp_path / "b") as b:
        for day in days:
            assert b.log_row(day) == a.log_row(day) != {}
    run = hl(tmp_path / "a", "export", "daily-log", str(tmp_path / "no" / "x.csv"))
    assert run.returncode == 2 and run.stderr.startswith("error: cannot write")
    run = hl(tmp_path / "a", "report", "--md", str(tmp_path / "no" / "r.md"))  # the same message for a report
    assert run.returncode == 2 and run.stderr == f"error: cannot write {tmp_path / 'no' / 'r.md'}: No such file or directory\n"
