"""Units a runner uses, everywhere they read (issue 11 item 2): the converter of the
engine's sentences (explain/units.py), the input readers (core/quantity.py), and a whole
imperial runner's answer, report, check-in, gear and activities with no metric unit left."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heavylegs import checkin, sim
from heavylegs.api import Workspace
from heavylegs.core import quantity
from heavylegs.core.profile import normalize
from heavylegs.errors import InvalidInput
from heavylegs.explain import units as u

METRIC_WORDS = re.compile(r"\bkm\b|\bkg\b|litre|liter|/km|\bkilomet|°C|\d\s?L\b|\d\s?m\b|\bcm\b|\bml\b"
                          r"|\b(?:body_mass|pre_run_mass|post_run_mass)_kg\b|\b(?:run_)?fluid_l\b")


# -- the converter, on the sentences the engine writes --------------------------------------
@pytest.mark.parametrize(("metric", "imperial"), [
    ("Next week: at most 52 km in total.", "Next week: at most 32 mi in total."),
    ("Longest run next week: at most 8.9 km, within 10 % of your established long run (8.1 km).",
     "Longest run next week: at most 5.5 mi, within 10 % of your established long run (5.0 mi)."),
    ("weekly distance rose gently (28 → 20 km).", "weekly distance rose gently (17 → 12 mi)."),
    ("past the usual 500-800 km replacement range", "past the usual 311-497 mi replacement range"),
    ("cadence 167 spm at about 6:31/km", "cadence 167 spm at about 10:29/mi"),
    ("Your morning weight fell from about 52.1 kg a month ago to 51.0 kg (2.1 %).",
     "Your morning weight fell from about 114.9 lb a month ago to 112.4 lb (2.1 %)."),
    ("after while drinking 1.6 L: a 3.2 % loss", "after while drinking 54 fl oz: a 3.2 % loss"),
    ("You sweat about 1.2 L an hour", "You sweat about 41 fl oz an hour"),
    ("at your sweat rate of 1.1 L/h that is", "at your sweat rate of 37 fl oz/h that is"),
    ("Rehydrate after runs with about 1.25-1.5 L for every kg lost, with sodium",
     "Rehydrate after runs with about 19-23 fl oz for every lb lost, with sodium"),
    ("20-30 mmol/L (about 460-690 mg per litre), salty food", "20-30 mmol/L (about 435-653 mg per quart), salty food"),
    ("Fluids drunk today, litres", "Fluids drunk today, fl oz"),
    ("went 318 m downhill (52 m of it steep), a descent load of 1,478 m",
     "went 1,043 ft downhill (171 ft of it steep), a descent load of 4,849 ft"),
    ("vertical oscillation 10.2 cm", "vertical oscillation 4.0 in"),
    ("28 °C, long and hot enough", "82 °F, long and hot enough"),
    ("A fever (38 °C / 100.4 °F or more, or chills)?", "A fever (100.4 °F or more, or chills)?"),
    ("a fever of 101 °F / 38.3 °C", "a fever of 101 °F"),
    ("runners need 1.2-2.0 g/kg.", "runners need 0.54-0.91 g/lb."),
    ("Carbohydrate averaged 4.9 g/kg a day", "Carbohydrate averaged 2.2 g/lb a day"),
    ("roughly 25 kcal per kg of fat-free mass (under 30 kcal per kg disturbs hormones)",
     "roughly 11 kcal per lb of fat-free mass (under 14 kcal per lb disturbs hormones)"),
    ("energy availability of 34 kcal/kg fat-free mass", "energy availability of 15 kcal/lb fat-free mass"),
    ("You ate 0.9 g of protein per kg a day", "You ate 0.41 g of protein per lb a day"),
    ("eat 1-4 g of carbohydrate per kg in the 1-4 h before", "eat 0.5-1.8 g of carbohydrate per lb in the 1-4 h before"),
    ("log morning body_mass_kg and urine_color, with run_fluid_l",
     "log morning body_mass_lb and urine_color, with run_fluid_oz"),
    ("set `heavylegs profile set weight_kg=...`", "set `heavylegs profile set weight_lb=...`"),
    ("high running volume (72 km a week)", "high running volume (45 mi a week)"),
    ("climbing more than 15 m/km", "climbing more than 79 ft/mi"),
    ("before runs: 1-4 g per kg of body weight", "before runs: 0.5-1.8 g per lb of body weight"),
    ("you ate under 5 g of carbohydrate per kg the day before", "you ate under 2.3 g of carbohydrate per lb the day before"),
    ("Your Road shoes have 812 km on them (90 % of your running), past the usual 500-800 km replacement range (800 km).",
     "Your Road shoes have 505 mi on them (90 % of your running), past the usual 311-497 mi replacement range (497 mi)."),
    ("the pair in use with the most km, have 812 km", "the pair in use with the most miles, have 505 mi"),
    ("on Sat 28 Mar you ran 42 km, 2.1× your longest run", "on Sat 28 Mar you ran 26 mi, 2.1× your longest run"),
])
def test_sentence_converts_every_pattern_the_engine_writes(metric: str, imperial: str) -> None:
    assert u.sentence(metric, "imperial") == imperial
    assert u.sentence(metric, "metric") == metric


@pytest.mark.parametrize("text", [
    "You slept 6.5 h a night; HRV 54 ms, 5 min at 160 bpm, 12 % more, 1-3 h days, 3 months",
    "winter at about 52° latitude", "Your ferritin was 18 µg/L on Sun 22 Mar", "the 24-72 h peak",
    "Sodium 20-30 mmol/L", "Mon 5 Jan 2026 at 07:00", "a 5:3 ratio",
])
def test_sentence_leaves_other_quantities_alone(text: str) -> None:
    assert u.sentence(text, "imperial") == text


UNITS = st.sampled_from(["km", "kg", "L", "m", "°C", "g/kg", "km/h", "cm", "kcal per kg"])
NUMBERS = st.floats(min_value=0, max_value=5000, allow_nan=False).map(lambda v: f"{v:.1f}")
PIECES = st.one_of(st.tuples(NUMBERS, UNITS).map(" ".join), st.sampled_from(["a", "run", "of", "(", ")", ",", "→"]),
                   st.builds(lambda a, b, unit: f"{a}-{b} {unit}", NUMBERS, NUMBERS, UNITS))


@given(st.lists(PIECES, max_size=8).map(" ".join))
def test_sentence_is_idempotent_and_leaves_no_metric_unit(text: str) -> None:
    once = u.sentence(text, "imperial")
    assert u.sentence(once, "imperial") == once
    assert not METRIC_WORDS.search(once), once


@given(st.floats(min_value=0.1, max_value=500))
def test_distance_sentence_is_the_right_number_of_miles(km: float) -> None:
    out = u.sentence(f"at most {km:.1f} km", "imperial")
    miles = float(re.fullmatch(r"at most ([\d,.]+) mi", out)[1].replace(",", ""))  # type: ignore[index]
    assert abs(miles - round(km, 1) / 1.609344) <= 0.05 + 1e-9


@given(st.floats(min_value=20, max_value=250))
def test_mass_input_round_trips(kg: float) -> None:
    lb = kg / quantity.KG_PER_LB
    assert quantity.mass_kg(f"{lb!r}lb") == pytest.approx(kg)
    assert quantity.mass_kg(f"{kg!r} kg") == pytest.approx(kg)
    shown = u.mass(kg, "imperial")
    assert quantity.mass_kg(shown.replace(" ", "")) == pytest.approx(kg, abs=0.05 * quantity.KG_PER_LB + 1e-9)


@given(st.floats(min_value=150, max_value=600))
def test_pace_round_trips_through_minutes_per_mile(s_km: float) -> None:
    shown = u.pace(s_km, "imperial")  # e.g. 7:38/mi, rounded to the second
    assert shown.endswith("/mi")
    assert quantity.pace_s_per_km(shown) == pytest.approx(s_km, abs=0.5 / 1.609344 + 1e-6)
    assert quantity.pace_s_per_km(u.pace(s_km, "metric")) == pytest.approx(s_km, abs=0.5)


@given(st.floats(min_value=0.05, max_value=10))
def test_fluid_input_round_trips(litres: float) -> None:
    oz = litres / quantity.L_PER_FL_OZ
    assert quantity.fluid_l(f"{oz!r}oz") == pytest.approx(litres)
    assert quantity.fluid_l(f"{oz!r} fl oz") == pytest.approx(litres)
    assert quantity.fluid_l(f"{litres * 1000!r}ml") == pytest.approx(litres)


def test_localize_keeps_ids_and_json_metric() -> None:
    body = {"date": "2026-03-29", "findings": [{"cause": "training-spike", "evidence": [
        {"metric": "run_spike_km", "value": 22.0, "text": "a 22.0 km run"}], "fix": ["under 15.0 km"]}]}
    out = u.localize(body, "imperial")
    assert out["findings"][0]["evidence"][0] == {"metric": "run_spike_km", "value": 22.0, "text": "a 13.7 mi run"}
    assert out["findings"][0]["fix"] == ["under 9.3 mi"] and body["findings"][0]["fix"] == ["under 15.0 km"]
    assert u.localize(body, "metric") is body


# -- inputs ----------------------------------------------------------------------------------
def test_profile_inputs_in_imperial_are_stored_metric(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws") as ws:
        ws.profile_set({"units": "imperial", "weight": "160lb", "threshold_pace": "7:38/mi", "height": "5'10\""})
        stored = dict(ws.conn.execute("SELECT key, value FROM profile").fetchall())
        assert stored["weight_kg"] == "72.57" and stored["threshold_pace"] == "4:44.6"
        assert stored["height_cm"] == "177.8" and "weight" not in stored
        p = ws.profile()
        assert p.weight_kg == pytest.approx(72.57) and p.threshold_pace_s_km == pytest.approx(284.6)
        ws.profile_set({"weight_kg": "160lb"})
        assert ws.profile().weight_kg == pytest.approx(72.57)
        ws.profile_set({"weight_lb": "150", "threshold_pace": "4:05"})
        assert ws.profile().weight_kg == pytest.approx(68.04) and ws.profile().threshold_pace_s_km == 245.0
    assert normalize("body_mass", "70") == ("weight_kg", "70")


@pytest.mark.parametrize(("key", "value", "names"), [
    ("threshold_pace", "7:38/furlong", "7:38/mi"), ("weight", "160 stone", "160lb"), ("weight_kg", "600lb", "160lb"),
    ("height", "6 yards", "71in"),
])
def test_profile_errors_name_the_accepted_forms(key: str, value: str, names: str) -> None:
    with pytest.raises(InvalidInput) as err:
        normalize(key, value)
    assert names in str(err.value)


def test_checkin_set_with_units_saves_metric(tmp_path: Path) -> None:
    assert checkin.parse_sets(["fluid_l=64oz", "body_mass_kg=160lb", "sleep_h=7"]) == {
        "fluid_l": "1.893", "body_mass_kg": "72.575", "sleep_h": "7"}
    assert checkin.parse_sets(["run_fluid_oz=500ml"]) == {"run_fluid_l": "0.5"}
    with pytest.raises(InvalidInput, match="64oz"):
        checkin.parse_sets(["fluid_l=64 gallons"])
    with Workspace(tmp_path / "ws") as ws:
        ws.log_set(date(2026, 3, 2), checkin.parse_sets(["fluid_l=64oz", "body_mass_lb=160"]))
        row = ws.log_row(date(2026, 3, 2))
    assert row["fluid_l"] == pytest.approx(1.893) and row["body_mass_kg"] == pytest.approx(72.575, abs=0.001)


def test_imperial_checkin_asks_and_offers_fluids_in_fl_oz() -> None:
    prompts: list[str] = []
    answers = iter(["5", "", "", "", "", "", "", "", "0"] + ["n"] * 9)

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    values = checkin.collect(ask, lambda line: None, yesterday={"fluid_l": 1.893}, units="imperial")
    fluid = next(p for p in prompts if p.startswith("Fluids"))
    assert fluid == "Fluids drunk today, fl oz [64]: "
    assert not any(METRIC_WORDS.search(p) for p in prompts)
    assert float(values["fluid_l"]) == pytest.approx(64 * quantity.L_PER_FL_OZ, abs=0.001)
    said = checkin.summary(date(2026, 3, 2), values, units="imperial")
    assert "fluid_oz 64" in said and "fluid_l" not in said


def test_imperial_checkin_reads_a_unit_and_re_asks_a_wrong_one() -> None:
    q = next(q for q in checkin.questions_for("imperial") if q.key == "fluid_l")
    assert checkin.parse_answer(q, "2l") == pytest.approx(2.0)
    assert checkin.parse_answer(q, "32") == pytest.approx(0.946, abs=0.001)
    with pytest.raises(checkin.Retry, match="64oz"):
        checkin.parse_answer(q, "3 cups")


# -- a whole imperial runner -------------------------------------------------------------------
def hl(home: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "heavylegs.cli", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=300, env={"COLUMNS": "160", "PATH": "/usr/bin:/bin"})
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def imperial_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("imperial")
    scenario = sim.Scenario(seed=3, start=date(2026, 1, 5), weeks=12, injections=(
        "spike", "dehydration", "muscle-damage", "low-protein", "worn-shoes", "running-form"))
    sim.write_files(sim.simulate(scenario), root / "files")
    log = root / "files" / "imperial-log.csv"  # the daily log's imperial variants, end to end
    log.write_text("date,body_mass_lb,run_fluid_oz,pre_run_mass_lb,post_run_mass_lb\n"
                   "2026-03-28,150.0,20,151.0,147.0\n", encoding="utf-8")
    home = root / "home"
    hl(home, "import", str(root / "files"))
    hl(home, "profile", "set", "units=imperial", "weight=150lb", "threshold_pace=7:38/mi")
    hl(home, "gear", "add", "Trail shoes", "--from", "2026-01-05", "--limit-km", "640")
    return home


def test_imperial_log_columns_are_stored_metric(imperial_home: Path) -> None:
    with Workspace(imperial_home) as ws:
        row = ws.log_row(date(2026, 3, 28))
    assert row["body_mass_kg"] == pytest.approx(150 * quantity.KG_PER_LB, abs=0.01)
    assert row["run_fluid_l"] == pytest.approx(20 * quantity.L_PER_FL_OZ, abs=0.001)


def test_imperial_runner_reads_no_metric_unit_anywhere(imperial_home: Path, tmp_path: Path) -> None:
    html, md = tmp_path / "r.html", tmp_path / "r.md"
    hl(imperial_home, "report", "--html", str(html))
    hl(imperial_home, "report", "--md", str(md))
    outputs = {"why": hl(imperial_home, "why"), "why-again (stored answer)": hl(imperial_home, "why"),
               "html": html.read_text(), "md": md.read_text(), "activities": hl(imperial_home, "activities"),
               "gear": hl(imperial_home, "gear", "list"), "profile": hl(imperial_home, "profile", "show")}
    for name, text in outputs.items():
        found = [text[max(0, m.start() - 60):m.end() + 10] for m in METRIC_WORDS.finditer(text)]
        assert not found, (name, found)
    # and it does say the quantities, in miles, pounds and feet
    assert re.search(r"\d mi\b", outputs["why"]) and re.search(r"\d(?:\.\d)? lb\b", outputs["why"] + outputs["md"])
    assert "Weekly running miles" in outputs["html"] and " mi " in outputs["activities"].replace("┃", " ")
    assert re.search(r"Trail shoes\s+shoes\s+[\d.]+ / 398 mi", outputs["gear"])
    assert "weight          150.0 lb" in outputs["profile"] and "7:38/mi" in outputs["profile"]


@pytest.mark.parametrize("injections", [
    ("low-carbohydrate", "electrolyte-imbalance", "glycogen-depletion", "low-energy-availability", "triage-soon-bone"),
    ("iron-deficiency", "overtraining", "excess-intensity", "edge-long-run", "triage-urgent-dvt"),
])
def test_imperial_answers_of_other_runners_have_no_metric_unit(tmp_path: Path, injections: tuple[str, ...]) -> None:
    """The converter against the engine's own sentences for other causes (in process)."""
    from rich.console import Console

    from heavylegs.explain.text import render

    scenario = sim.Scenario(seed=2, start=date(2026, 1, 5), weeks=12, injections=injections)
    sim.write_files(sim.simulate(scenario), tmp_path / "files")
    with Workspace(tmp_path / "home") as ws:
        ws.import_paths([tmp_path / "files"])
        ws.profile_set({"units": "imperial"})
        console = Console(record=True, width=120, file=io.StringIO())
        console.print(render(ws.why_json(), ws.units()))
        metric = json.dumps(ws.why_json())
        outputs = {"why": console.export_text(), "md": ws.report(fmt="md"), "html": ws.report(fmt="html")}
    assert METRIC_WORDS.search(metric)  # the engine did write metric quantities
    for name, text in outputs.items():
        found = [text[max(0, m.start() - 60):m.end() + 10] for m in METRIC_WORDS.finditer(text)]
        assert not found, (name, found)


def test_imperial_json_stays_metric(imperial_home: Path) -> None:
    body = json.loads(hl(imperial_home, "why", "--json"))
    texts = json.dumps(body)
    assert " km" in texts or " kg" in texts  # the engine's own words, SI
    assert json.loads(hl(imperial_home, "activities", "--json"))[0]["distance_m"] > 0
    gear = json.loads(hl(imperial_home, "gear", "list", "--json"))
    assert gear[0]["limit_km"] == 640


def test_gear_distances_typed_with_units(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    with Workspace(home) as ws:
        ws.profile_set({"units": "imperial"})
    said = hl(home, "gear", "add", "Road shoes", "--start", "100", "--limit", "800km")
    assert "starting at 100 mi" in said and "limit 497 mi" in said
    gear = json.loads(hl(home, "gear", "list", "--json"))[0]
    assert gear["limit_km"] == pytest.approx(800) and gear["km"] == pytest.approx(160.9, abs=0.1)
    bad = subprocess.run([sys.executable, "-m", "heavylegs.cli", "--home", str(home), "gear", "add", "X",
                          "--limit", "5 leagues"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "300mi" in bad.stderr


def test_quantity_readers_refuse_what_they_do_not_know() -> None:
    for reader, text in ((quantity.mass_kg, "12 stone"), (quantity.fluid_l, "2 cups"), (quantity.distance_km, "3 leagues"),
                         (quantity.pace_s_per_km, "7:38/furlong"), (quantity.pace_s_per_km, "7.5"),
                         (quantity.length_cm, "6 yards")):
        with pytest.raises(ValueError):
            reader(text)
    assert quantity.distance_km("300 miles") == pytest.approx(482.8, abs=0.1)
    assert quantity.pace_s_per_km("7:38 min/mi") == pytest.approx(284.6, abs=0.1)


def test_pty_imperial_checkin_in_fl_oz_end_to_end(tmp_path: Path) -> None:
    """The real command in a pseudo-terminal: an imperial runner is asked fluids in fl oz
    (yesterday's 1.893 L offered as 64), answers 32oz, and reads no metric unit."""
    import os

    pexpect = pytest.importorskip("pexpect")
    with Workspace(tmp_path) as ws:
        ws.profile_set({"units": "imperial"})
        ws.log_set(date(2026, 5, 3), {"fluid_l": "1.893", "sleep_h": "7"})
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "100", "LINES": "50"}
    child = pexpect.spawn(sys.executable, ["-m", "heavylegs.cli", "--home", str(tmp_path), "checkin", "--date",
                                           "2026-05-04"], env=env, dimensions=(50, 100), timeout=60, encoding="utf-8")
    child.logfile_read = screen = io.StringIO()
    while child.expect([r"\nsaved 2026-05-04", r"\n[^\n:]*: "]) == 1:
        child.sendline("32oz" if "Fluids" in child.match.group(0) else "")
    child.expect(pexpect.EOF)
    child.close()
    shown = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", screen.getvalue())
    assert child.exitstatus == 0, shown
    assert "Fluids drunk today, fl oz [64]: " in shown and "fluid_oz 32" in shown, shown
    assert not METRIC_WORDS.search(shown), shown
    with Workspace(tmp_path) as ws:
        assert ws.log_row(date(2026, 5, 4))["fluid_l"] == pytest.approx(32 * quantity.L_PER_FL_OZ, abs=0.001)
