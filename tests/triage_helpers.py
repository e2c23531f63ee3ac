"""Shared by the triage tests: one table of the science.md §3 rules (each as a symptom code,
as the runner's own words and as a negated sentence), a workspace of seven weeks of easy
running written as real GPX files (plus the spike of issue 10), and the copy-rule check
over every output format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

DAY = date(2026, 3, 11)  # a Wednesday, as in issue 10 ("on Wed 11 Mar you reported ...")
EASY_WEEK = {0: 8.0, 2: 10.0, 4: 8.0, 6: 12.0}  # weekday -> km, all flat and easy
SPIKE = {DAY - timedelta(days=2): (26.0, 6.0, 800.0), DAY - timedelta(days=1): (12.0, 4.75, 0.0)}  # km, min/km, descent m


@dataclass(frozen=True)
class RuleCase:
    """One §3 rule: the check-in values that raise it as codes/numbers, the runner's own
    words for it, a negated or resolved sentence, and the least tier expected."""

    name: str
    tier: str
    codes: dict[str, object]
    words: dict[str, object]
    negated: dict[str, object]


# One table of the §3 rules (tier 0: emergency, 1: urgent, 2: soon).
RULE_TABLE: tuple[RuleCase, ...] = (
    RuleCase("cardiac-chest", "emergency", {"symptoms": "chest-pain"},
             {"notes": "chest felt tight on my run"}, {"notes": "no chest pain or tightness today"}),
    RuleCase("cardiac-faint", "emergency", {"symptoms": "fainting"},
             {"notes": "nearly fainted at the end of the run"}, {"notes": "didn't faint, just tired"}),
    RuleCase("cardiac-breathless", "emergency", {"symptoms": "breathless"},
             {"notes": "short of breath walking up the stairs"}, {"notes": "not short of breath at all"}),
    RuleCase("palpitations-dizzy", "emergency", {"symptoms": "palpitations;dizziness"},
             {"notes": "heart racing with palpitations and felt dizzy"}, {"notes": "no palpitations, no dizziness"}),
    RuleCase("pe-cough-blood", "emergency", {"symptoms": "coughing-blood"},
             {"notes": "coughing up blood this morning"}, {"notes": "a cough but no blood"}),
    RuleCase("compartment-tense", "emergency", {"symptoms": "tense-calf;pain-at-rest", "pain": 9},
             {"notes": "right calf rock hard, pain doesn't ease even at rest", "pain": 9},
             {"notes": "no tense calf, no pain at rest", "pain": 3}),
    RuleCase("rhabdo", "emergency", {"symptoms": "dark-urine", "soreness": 9},
             {"notes": "thighs very sore, urine dark like cola", "soreness": 9},
             {"notes": "thighs very sore, urine not dark", "soreness": 9}),
    RuleCase("hyponatraemia", "emergency", {"symptoms": "confusion"},
             {"notes": "confused and disoriented after the long run"}, {"notes": "no confusion or headache"}),
    RuleCase("headache", "emergency", {"symptoms": "severe-headache"},
             {"notes": "splitting headache after the race"}, {"notes": "no severe headache"}),
    RuleCase("cauda-equina", "emergency", {"symptoms": "saddle-numbness"},
             {"notes": "numb in the groin since the run"}, {"notes": "no numbness in the groin"}),
    RuleCase("stroke", "emergency", {"symptoms": "face-or-speech-change"},
             {"notes": "my speech was slurred for a while"}, {"notes": "speech normal, face fine, no slurring"}),
    RuleCase("ischaemia", "emergency", {"symptoms": "cold-pale-leg"},
             {"notes": "left leg suddenly cold and pale"}, {"notes": "leg is not cold and pale anymore, all gone"}),
    RuleCase("dvt", "urgent", {"symptoms": "swelling-left"},
             {"notes": "calf swollen and hot, left leg"}, {"notes": "no swelling, redness or warmth in my left calf"}),
    RuleCase("dvt-location", "urgent", {"pain": 2, "pain_location": "left calf"},
             {"pain_location": "left calf swollen and hot"}, {"pain_location": "left calf, not swollen"}),
    RuleCase("sudden-heaviness", "urgent", {"symptoms": "sudden-heaviness"},
             {"notes": "legs suddenly heavy after a short jog"}, {"notes": "heaviness came on gradually, not suddenly heavy"}),
    RuleCase("nerve", "urgent", {"symptoms": "numbness;weakness"},
             {"notes": "left foot numb and weak, can't lift my foot"}, {"notes": "no numbness, no weakness"}),
    RuleCase("fever", "urgent", {"symptoms": "fever"},
             {"notes": "flu with a temperature"}, {"notes": "no fever"}),
    RuleCase("palpitations", "urgent", {"symptoms": "palpitations"},
             {"notes": "heart skipping beats on the easy run"}, {"notes": "no palpitations"}),
    RuleCase("vomiting", "urgent", {"symptoms": "vomiting"},
             {"notes": "threw up twice in the night"}, {"notes": "no vomiting"}),
    RuleCase("bladder", "urgent", {"symptoms": "bladder-bowel-change"},
             {"notes": "lost control of my bladder"}, {"notes": "no bladder problems"}),
    RuleCase("passive-stretch", "urgent", {"symptoms": "pain-on-stretch"},
             {"notes": "moving my toes hurts a lot"}, {"notes": "moving my toes doesn't hurt"}),
    RuleCase("dizziness", "soon", {"symptoms": "dizziness"},
             {"notes": "felt light-headed after the run"}, {"notes": "not light-headed or dizzy"}),
    RuleCase("worsening", "soon", {"symptoms": "pain-worsening"},
             {"notes": "shin pain getting worse every day"}, {"notes": "pain not getting worse"}),
    RuleCase("bone", "soon", {"symptoms": "bone-pain"},
             {"notes": "shin bone pain, hurts to hop"}, {"notes": "no bone pain"}),
    RuleCase("swelling-both", "soon", {"symptoms": "swelling-both"},
             {"notes": "both ankles puffy in the evening"}, {"notes": "ankles not puffy"}),
    RuleCase("tingling", "soon", {"symptoms": "tingling"},
             {"notes": "pins and needles in my feet"}, {"notes": "tingling gone"}),
    RuleCase("daily-life", "soon", {"symptoms": "daily-life-impact"},
             {"notes": "can't climb the stairs with these legs"}, {"notes": "no trouble with the stairs"}),
)
TIERS = ("emergency", "urgent", "soon", "routine")

# The ten rows of issue 10's table: (name, {days before D: values}, spike, least tier).
ISSUE_ROWS: tuple[tuple[str, dict[int, dict[str, object]], bool, str], ...] = (
    ("chest-pain-two-days-before", {2: {"symptoms": "chest-pain"}, 0: {"heaviness": 7}}, False, "emergency"),
    ("swelling-three-days-before", {3: {"symptoms": "swelling-left"}, 0: {"heaviness": 6}}, False, "urgent"),
    ("swelling-then-tingling", {1: {"symptoms": "swelling-left"}, 0: {"symptoms": "tingling"}}, False, "urgent"),
    ("notes-swollen-hot-after-spike", {0: {"notes": "calf swollen and hot, left leg", "heaviness": 7}}, True, "urgent"),
    ("notes-chest-breath-faint", {0: {"notes": "chest felt tight and I was short of breath on my run, nearly fainted"}},
     False, "emergency"),
    ("pain-location-swollen-hot", {0: {"pain_location": "left calf swollen and hot"}}, False, "urgent"),
    ("notes-palpitations-dizzy", {0: {"notes": "heart racing with palpitations and felt dizzy"}}, False, "emergency"),
    ("severe-pain-at-rest-after-spike", {0: {"pain": 9, "symptoms": "pain-at-rest"}}, True, "emergency"),
    ("sudden-heaviness-dark-urine", {0: {"symptoms": "sudden-heaviness;dark-urine", "heaviness": 9}}, False, "emergency"),
    ("swelling-both-weakness", {0: {"symptoms": "swelling-both;weakness"}}, False, "soon"),
)


def at_least(tiers: list[str], want: str) -> bool:
    return bool(tiers) and TIERS.index(tiers[0]) <= TIERS.index(want)


from heavylegs.explain.copyrules import BANNED, TITLES, copy_rule_problems  # noqa: E402,F401


# -- a workspace of easy running, as real GPX files ------------------------------------------
def gpx(start: datetime, km: float, min_per_km: float, descent_m: float = 0.0) -> str:
    """A straight run northwards: a point every 10 s, elevation falling ``descent_m`` overall."""
    speed = 1000 / (min_per_km * 60)
    n = int(km * 1000 / speed / 10) + 1
    pts = []
    for i in range(n):
        d = min(i * 10 * speed, km * 1000)
        t = (start + timedelta(seconds=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        ele = 1000.0 - descent_m * d / (km * 1000)
        pts.append(f'<trkpt lat="{47.0 + d / 111320:.6f}" lon="8.000000"><ele>{ele:.1f}</ele><time>{t}</time></trkpt>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="heavylegs-tests" '
            'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>run</name><type>running</type><trkseg>'
            + "".join(pts) + "</trkseg></trk></gpx>\n")


def write_runs(folder: Path, spike: bool, weeks: int = 7) -> list[Path]:
    """Seven weeks of easy running up to the day before D (the spike replaces the last two days)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    first = DAY - timedelta(days=7 * weeks)
    for i in range(7 * weeks):
        d = first + timedelta(days=i)
        if spike and d in SPIKE:
            km, pace, down = SPIKE[d]
        elif d.weekday() in EASY_WEEK and not (spike and d >= min(SPIKE)):
            km, pace, down = EASY_WEEK[d.weekday()], 6.0, 0.0
        else:
            continue
        path = folder / f"run-{d.isoformat()}.gpx"
        path.write_text(gpx(datetime(d.year, d.month, d.day, 7, 0, tzinfo=UTC), km, pace, down))
        out.append(path)
    return out
