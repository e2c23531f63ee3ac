"""Device wellness feeds the engine (issue 11, item 4): resting HR and HRV from Garmin,
Oura, WHOOP, Apple Health and HRV4Training exports set the profile's resting HR (median
of the last 7 days, as the runner's own log does) and give the answer its morning
markers against the runner's 60-day range, for a runner who logs nothing by hand; and
`profile show` reports the same values `why` used, saying where each came from.

Every file is built in the layout the app writes (see the importers' docstrings) and goes
through `Workspace.import_paths`, next to one real Garmin FR110 run (2013-02-06)."""

from __future__ import annotations

import io
import json
import statistics
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from heavylegs.api import Workspace
from heavylegs.cli import main

DATA = Path(__file__).resolve().parent / "data" / "activities"
RUN = DATA / "2013-02-06-12-11-14.fit"
END = date(2013, 2, 6)  # the run's day, the latest day with data
DAYS = [END - timedelta(days=i) for i in range(69, -1, -1)]
# 63 usual days of HRV 56-66 ms and resting HR 48-55 bpm, then a week of HRV 44 ms.
HRV = {d: (44.0 if (END - d).days < 7 else 56.0 + 2.5 * (i % 5)) for i, d in enumerate(DAYS)}
RHR = {d: (53 if (END - d).days < 7 else 48 + i % 8) for i, d in enumerate(DAYS)}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def garmin() -> tuple[str, bytes]:
    uds = [{"calendarDate": d.isoformat(), "restingHeartRate": RHR[d]} for d in DAYS]
    health = [{"calendarDate": d.isoformat(), "metrics": [{"type": "HRV", "value": HRV[d]}]} for d in DAYS]
    return "garmin.zip", _zip({
        "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2012-11-01_2013-02-06.json": json.dumps(uds).encode(),
        "DI_CONNECT/DI-Connect-Wellness/42_healthStatusData.json": json.dumps(health).encode(),
        "DI_CONNECT/DI-Connect-User/user_profile.json": b"{}"})


def oura() -> tuple[str, bytes]:
    rows = [f"{d},{RHR[d]},{HRV[d]},80" for d in DAYS]
    return "oura.csv", ("date,Lowest Resting Heart Rate,Average HRV,Readiness Score\n" + "\n".join(rows)).encode()


def whoop() -> tuple[str, bytes]:
    rows = [f"{d - timedelta(days=1)} 23:00:00,{d} 23:00:00,UTC+00:00,60,{RHR[d]},{HRV[d]},"
            f"{d - timedelta(days=1)} 23:10:00,{d} 06:30:00" for d in DAYS]
    head = ("Cycle start time,Cycle end time,Cycle timezone,Recovery score %,Resting heart rate (bpm),"
            "Heart rate variability (ms),Sleep onset,Wake onset")
    return "physiological_cycles.csv", (head + "\n" + "\n".join(rows)).encode()


def apple() -> tuple[str, bytes]:
    q = "HKQuantityTypeIdentifier"

    def rec(kind: str, unit: str, value: float, d: date) -> str:
        at = f"{d} 06:30:00 +0000"
        return (f'<Record type="{q}{kind}" sourceName="Watch" unit="{unit}" creationDate="{at}" '
                f'startDate="{at}" endDate="{at}" value="{value}"/>')
    body = "".join(rec("RestingHeartRate", "count/min", RHR[d], d) + rec("HeartRateVariabilitySDNN", "ms", HRV[d], d)
                   for d in DAYS)
    return "export.xml", (f'<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_GB">'
                          f'<ExportDate value="{END} 20:00:00 +0000"/>{body}</HealthData>\n').encode()


def hrv4training() -> tuple[str, bytes]:
    rows = [f"{d} 06:40:00 +0000,{RHR[d]},1200,70,{HRV[d]},30,0.04,0.03,8" for d in DAYS]
    return "myMeasurements.csv", ("timestamp_measurement,HR,AVNN,SDNN,rMSSD,pNN50,LF,HF,HRV4T_Recovery_Points\n"
                                  + "\n".join(rows)).encode()


SOURCES = {"garmin": (garmin, "Garmin"), "oura": (oura, "Oura"), "whoop": (whoop, "WHOOP"),
           "apple-health": (apple, "Apple Health"), "hrv4training": (hrv4training, "HRV4Training")}


def _workspace(tmp_path: Path, source: str) -> Workspace:
    name, data = SOURCES[source][0]()
    path = tmp_path / name
    path.write_bytes(data)
    ws = Workspace(tmp_path / "home")
    report = ws.import_paths([RUN, path])
    assert report.failed == [], report.failed
    return ws


@pytest.mark.parametrize("source", list(SOURCES))
def test_device_resting_hr_sets_the_profile_and_feeds_lthr(tmp_path: Path, source: str) -> None:
    with _workspace(tmp_path, source) as ws:
        table = ws.daily_table(END)
        recent = [v for v in table["resting_hr_bpm"].to_list() if v is not None][-7:]
        assert len(recent) == 7 and set(table["resting_hr_bpm_source"].drop_nulls()) == {source}
        p = ws.profile(END)
        assert p.resting_hr == statistics.median(recent) == 53
        assert p.estimated["resting_hr"] == f"median of the last 7 daily resting HRs ({SOURCES[source][1]})"
        assert p.lthr == pytest.approx(53 + 0.85 * (p.max_hr - 53))
        notes = " ".join(ws.why(END).notes)
        assert "no resting HR" not in notes and "resting HR 53 bpm" in notes


@pytest.mark.parametrize("source", list(SOURCES))
def test_an_hrv_drop_is_in_the_answer_of_a_runner_who_logs_nothing(tmp_path: Path, source: str) -> None:
    with _workspace(tmp_path, source) as ws:
        body = ws.why_json(END)
        assert body["heaviness"] is None
        hrv = [m for m in body["markers"] if m["metric"].startswith("hrv_")]
        assert len(hrv) == 1, body["markers"]
        m = hrv[0]
        assert m["metric"] == ("hrv_sdnn_ms" if source == "apple-health" else "hrv_rmssd_ms")
        assert m["side"] == "below" and m["mean_7d"] <= 46 and 55 <= m["normal_low"] < m["normal_high"] <= 66
        assert m["text"].startswith("HRV") and "below your normal" in m["text"] and SOURCES[source][1] in m["text"]
        rhr = [m for m in body["markers"] if m["metric"] == "resting_hr_bpm"]
        assert rhr and rhr[0]["side"] == "above"


def test_the_hrv_drop_reads_as_the_issue_asks_in_why(tmp_path: Path, capsys) -> None:
    with _workspace(tmp_path, "garmin"):
        pass
    assert main(["--home", str(tmp_path / "home"), "why"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Morning markers" in out
    # the first HRV of an answer gets a half-line explanation (explain/glossary.py)
    assert "7-day mean 44 ms, below your normal 59-63 ms (your 60-day range, Garmin)" in out


def test_profile_show_reports_the_values_why_used_and_their_origin(tmp_path: Path, capsys) -> None:
    with _workspace(tmp_path, "garmin") as ws:
        shown = ws.profile_show()
        notes = " ".join(ws.why(END).notes)
    values, origin = shown["values"], shown["from"]
    assert shown["as_of"] == END.isoformat()
    assert values["max_hr"] != 190.0 and "default" not in origin["max_hr"]  # measured, as why uses
    for key, label in (("max_hr", "max HR"), ("resting_hr", "resting HR"), ("lthr", "LTHR")):
        assert f"{label} {values[key]:g} bpm ({origin[key]})" in notes
    assert "Garmin" in origin["resting_hr"]
    assert main(["--home", str(tmp_path / "home"), "profile", "set", "max_hr=185"]) == 0
    capsys.readouterr()
    assert main(["--home", str(tmp_path / "home"), "profile", "show"]) == 0
    out = capsys.readouterr().out
    assert "max_hr          185  (set by you)" in out and "(estimated: median of the last 7 daily resting HRs (Garmin))" in out
    with Workspace(tmp_path / "home") as ws:
        assert "max HR 185 bpm (set by you)" in " ".join(ws.why(END).notes)


def test_the_runners_own_log_wins_over_the_device(tmp_path: Path) -> None:
    with _workspace(tmp_path, "garmin") as ws:
        for d in DAYS[-7:]:
            ws.log_set(d, {"resting_hr_bpm": "60"})
        p = ws.profile(END)
        assert p.resting_hr == 60 and p.estimated["resting_hr"].endswith("(your log)")



def test_markers_follow_the_why_schema(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[1] / "src/heavylegs/data/why.schema.json").read_text())
    assert "markers" in schema["properties"]
    with _workspace(tmp_path, "hrv4training") as ws:
        body = ws.why_json(END)
    assert len(body["markers"]) == 2
    jsonschema.validate(body, schema)


def test_insufficient_recovery_takes_hrv_below_band_as_corroboration() -> None:
    from engine_helpers import make_context, steady_weeks
    from heavylegs.causes import recovery

    def signals(drop: bool) -> list[str]:
        log = {d: {"hrv_rmssd_ms": 44.0 if drop and (END - d).days < 7 else HRV[d] if (END - d).days >= 7 else 60.0}
               for d in DAYS}
        ctx = make_context(END, steady_weeks(END, 10), log)
        return [e.metric for _, e in recovery._signals(ctx, 70)]

    assert "hrv_7d_vs_band" in signals(True)
    assert "hrv_7d_vs_band" not in signals(False)


def test_the_report_shows_the_morning_markers(tmp_path: Path) -> None:
    with _workspace(tmp_path, "oura") as ws:
        md, html = ws.report(END, "md"), ws.report(END, "html")
    assert "## Morning markers" in md and "7-day mean 44 ms, below your normal" in md
    assert "<h2>Morning markers</h2>" in html and "(your 60-day range, Oura)" in html
