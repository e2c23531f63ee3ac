"""Strava and Garmin Connect bulk exports, and plain zips, imported end to end.

The archives are built here from tests/data files (copies of corpus files, see
tests/data/INDEX.md) with known values: no real export is published anywhere (FORMATS.md
§2), so the layouts follow FORMATS.md. Strava's activities.csv carries the full 94-column
header of the 2020 sample, duplicate names included.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from heavylegs.api import Workspace
from heavylegs.importers import exports, strava_export
from heavylegs.importers.strava_export import HEADER_2020 as STRAVA_HEADER

DATA = Path(__file__).resolve().parent / "data" / "activities"
# id, date, name, type, elapsed s, distance m, gear, file (None = manual), source file
STRAVA_ROWS = [
    ("101", "Jun 11, 2017, 2:34:09 PM", "Morning Run", "Run", 57, 157.56, "Pegasus 38",
     "activities/101.fit.gz", "garmin-fenix-5-run.fit"),
    ("102", "Jun 1, 2020, 2:52:40 PM", "Leiden ride", "Ride", 126, 899.26, "",
     "activities/102.gpx", "activity_5039744860.gpx"),
    ("103", "Jul 16, 2022, 4:08:25 PM", "Lake trail", "Trail Run", 1112, 1157.51, "Pegasus 38",
     "activities/103.tcx.gz", "sup_activity_1.tcx"),
    ("104", "Mar 1, 2023, 7:00:00 AM", "Treadmill 5k", "Run", 1500, 5000.0, "Pegasus 38", "", None),
    ("105", "Mar 2, 2023, 6:00:00 PM", "Gym, legs", "Weight Training", 3600, 0.0, "", "", None),
    ("106", "Feb 6, 2013, 12:11:14 PM", "FR110 run", "Run", 2624, 4835.38, "Ghost 14",
     "activities/106.fit.gz", "2013-02-06-12-11-14.fit"),
]
EXPECTED = {  # name -> (sport, distance m)
    "Morning Run": ("running", 157.56), "Leiden ride": ("cycling", 899.26),
    "Lake trail": ("trail_running", 1157.51), "Treadmill 5k": ("running", 5000.0),
    "Gym, legs": ("strength", 0.0), "FR110 run": ("running", 4835.38),
}
GARMIN_DAYS = [date(2013, 2, 4), date(2013, 2, 5), date(2013, 2, 6)]
UPLOADS = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compression)
    return buf.getvalue()


def strava_csv(rows: list[tuple] = STRAVA_ROWS) -> bytes:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(STRAVA_HEADER)
    for ident, when, name, kind, elapsed, metres, gear, filename, _ in rows:
        cells = [""] * len(STRAVA_HEADER)
        cells[:13] = [ident, when, name, kind, "", str(elapsed), f"{metres / 1000:.2f}", "", "",
                      "false", "", gear, filename]
        cells[15], cells[16], cells[17] = f"{elapsed:.1f}", f"{elapsed:.1f}", f"{metres}"
        cells[51] = "1200.0" if kind == "Weight Training" else ""
        out.writerow(cells)
    return buf.getvalue().encode()


def strava_member(filename: str, source: str) -> bytes:
    data = (DATA / source).read_bytes()
    if filename.endswith(".gpx"):
        return b"          " + data  # Strava's exported XML starts with spaces
    return gzip.compress(data, mtime=0) if filename.endswith(".gz") else data


def strava_zip(base: str = "") -> bytes:
    members = {f"{base}activities.csv": strava_csv(), f"{base}profile.csv": b"Athlete ID\n1\n"}
    for *_, filename, source in STRAVA_ROWS:
        if source:
            members[base + filename] = strava_member(filename, source)
    return zip_bytes(members)


def garmin_json() -> dict[str, object]:
    d = [x.isoformat() for x in GARMIN_DAYS]
    sleep = [{"calendarDate": d[0], "deepSleepSeconds": 5400, "lightSleepSeconds": 14400,
              "remSleepSeconds": 5400, "awakeSleepSeconds": 600, "sleepScores": {"overallScore": 81}},
             {"calendarDate": d[1], "deepSleepSeconds": 3600, "lightSleepSeconds": 12600,
              "remSleepSeconds": 3600, "sleepScores": {"overall": {"value": 70}}, "newKey": [1]},
             {"calendarDate": d[2], "deepSleepSeconds": 3000, "lightSleepSeconds": 9000,
              "remSleepSeconds": 1800, "unmeasurableSeconds": 0}]
    uds = [{"calendarDate": d[0], "restingHeartRate": 48, "totalSteps": 12034,
            "activeKilocalories": 812.0},
           {"calendarDate": d[1], "restingHeartRate": 51, "totalSteps": 8000},
           {"calendarDate": d[2], "restingHeartRate": None, "totalSteps": 4000}]
    health = [{"calendarDate": day, "metrics": [{"type": "HRV", "value": hrv},
                                                 {"type": "HR", "value": hr},
                                                 {"type": "SKIN_TEMP_C", "value": -0.2}]}
              for day, hrv, hr in zip(d, (62.0, 55.0, 48.0), (47.0, 50.0, 53.0), strict=True)]
    return {"DI_CONNECT/DI-Connect-Wellness/42_sleepData.json": sleep,
            "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2013-02-01_2013-05-12.json": uds,
            "DI_CONNECT/DI-Connect-Wellness/42_healthStatusData.json": health}


def garmin_zip(extra: dict[str, bytes] | None = None) -> bytes:
    uploads = zip_bytes({"9001_ACTIVITY.fit": (DATA / "2013-02-06-12-11-14.fit").read_bytes(),
                         "9002_ACTIVITY.fit": (DATA / "garmin-fenix-5-walk.fit").read_bytes()})
    members = {UPLOADS: uploads,
               "DI_CONNECT/DI-Connect-Fitness/42_0_summarizedActivities.json": b"[]",
               "DI_CONNECT/DI-Connect-User/user_profile.json": b"{}"}
    members |= {name: json.dumps(doc).encode() for name, doc in garmin_json().items()}
    return zip_bytes(members | (extra or {}))


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture
def ws(tmp_path: Path):
    with Workspace(tmp_path / "home") as workspace:
        yield workspace


# -- Strava ---------------------------------------------------------------------------------
@pytest.mark.parametrize("base", ["", "export_12345/"])
def test_strava_export_activities_sports_distances(ws: Workspace, tmp_path: Path, base: str) -> None:
    report = ws.import_paths([write(tmp_path, "export_12345.zip", strava_zip(base))])
    assert report.failed == [], report.failed
    assert report.imported == 5  # four files and the CSV's summary-only activities
    acts = ws.activities()
    got = {r["name"]: (r["sport"], r["distance_m"]) for r in acts.iter_rows(named=True)}
    assert got.keys() == EXPECTED.keys()
    for name, (sport, metres) in EXPECTED.items():
        assert got[name][0] == sport, name
        assert got[name][1] == pytest.approx(metres, abs=0.5), name
    manual = acts.filter(acts["name"] == "Treadmill 5k").row(0, named=True)
    assert manual["start_utc"].startswith("2023-03-01T07:00:00") and manual["elapsed_s"] == 1500
    assert manual["source"] == f"{tmp_path / 'export_12345.zip'}!{base}activities.csv"


def test_strava_gear_km_per_shoe(ws: Workspace, tmp_path: Path) -> None:
    ws.import_paths([write(tmp_path, "export.zip", strava_zip())])
    gear = {g["name"]: g for g in ws.gear_list()}
    assert set(gear) == {"Pegasus 38", "Ghost 14"}
    assert gear["Pegasus 38"]["km"] == pytest.approx((157.56 + 1157.51 + 5000) / 1000, abs=0.05)
    assert gear["Pegasus 38"]["runs"] == 3
    assert gear["Ghost 14"]["km"] == pytest.approx(4.8, abs=0.05)


def test_strava_csv_reads_duplicate_columns_by_position() -> None:
    rows = strava_export.read_rows(strava_csv(), "activities.csv")
    assert rows is not None and len(rows) == 6
    first = rows[0]
    assert first.distance_m == 157.56  # the second "Distance" (metres), not the first (km)
    assert first.start is not None and first.start.isoformat() == "2017-06-11T14:34:09+00:00"
    assert (first.gear, first.filename, first.sport) == ("Pegasus 38", "activities/101.fit.gz", "running")
    assert rows[4].sport == "strength" and rows[4].name == "Gym, legs"


def test_strava_without_csv_imports_the_files_alone(ws: Workspace, tmp_path: Path) -> None:
    members = {filename: strava_member(filename, source)
               for *_, filename, source in STRAVA_ROWS if source}
    report = ws.import_paths([write(tmp_path, "export.zip", zip_bytes(members))])
    assert report.failed == [] and report.imported == 4
    assert ws.activities()["sport"].to_list().count("other") == 1  # the TCX's own sport


def test_strava_row_whose_file_is_missing_keeps_its_summary(ws: Workspace, tmp_path: Path) -> None:
    members = {"activities.csv": strava_csv(STRAVA_ROWS[:1])}
    report = ws.import_paths([write(tmp_path, "export.zip", zip_bytes(members))])
    assert report.imported == 1 and any("not in the archive" in w for w in report.warnings)
    act = ws.activities().row(0, named=True)
    assert (act["name"], act["sport"], act["distance_m"]) == ("Morning Run", "running", 157.56)


def test_strava_dates_and_sports() -> None:
    assert strava_export.parse_date("Oct 7, 2020, 2:43:11 PM").isoformat() == "2020-10-07T14:43:11+00:00"
    assert strava_export.parse_date("7 Sept 2020, 14:43:11").isoformat() == "2020-09-07T14:43:11+00:00"
    assert strava_export.parse_date("gestern") is None
    assert [strava_export.strava_sport(k) for k in ("Run", "Trail Run", "Virtual Run", "Ride",
                                                   "Walk", "Hike", "Weight Training", "Workout")] == [
        "running", "trail_running", "treadmill_running", "cycling", "walking", "hiking",
        "strength", "training"]
    assert strava_export.strava_sport("Workout", 500.0) == "strength"
    assert strava_export.strava_sport("Kitesurf") == "kitesurf"


# -- Garmin ---------------------------------------------------------------------------------
def test_garmin_export_activities_and_daily_values(ws: Workspace, tmp_path: Path) -> None:
    report = ws.import_paths([write(tmp_path, "garmin.zip", garmin_zip())])
    assert report.failed == [], report.failed
    assert report.imported == 5  # 2 FIT files + 3 wellness files
    acts = ws.activities()
    assert sorted(acts["sport"].to_list()) == ["running", "walking"]
    assert acts.filter(acts["sport"] == "running")["distance_m"][0] == pytest.approx(4835.38, abs=0.5)
    assert acts["source"].str.contains(UPLOADS + "!9001_ACTIVITY.fit", literal=True).any()
    rows = {r["date"]: r for r in ws.daily_table(GARMIN_DAYS[-1]).iter_rows(named=True)}
    d0, d1, d2 = (rows[d] for d in GARMIN_DAYS)
    assert d0["sleep_h"] == pytest.approx(7.0) and d1["sleep_h"] == pytest.approx(5.5)
    assert d2["sleep_h"] == pytest.approx(3.8333, abs=1e-3)
    assert [d["resting_hr_bpm"] for d in (d0, d1, d2)] == [48, 51, 53]  # UDS, UDS, health status
    assert [d["hrv_rmssd_ms"] for d in (d0, d1, d2)] == [62.0, 55.0, 48.0]
    for row in (d0, d1, d2):
        for column in ("sleep_h", "resting_hr_bpm", "hrv_rmssd_ms"):
            assert row[f"{column}_source"] == "garmin", (row["date"], column)
    assert d0["sleep_score"] == 81 and d1["sleep_score"] == 70 and d2["sleep_score"] is None
    assert d0["sleep_deep_h"] == pytest.approx(1.5) and d0["steps"] == 12034


def test_garmin_bad_json_fails_that_member_only(ws: Workspace, tmp_path: Path) -> None:
    bad = {"DI_CONNECT/DI-Connect-Wellness/43_sleepData.json": b'[{"calendarDate": "2013-02-07",'}
    report = ws.import_paths([write(tmp_path, "garmin.zip", garmin_zip(bad))])
    assert len(report.failed) == 1
    name, reason = report.failed[0]
    assert name.endswith("garmin.zip!DI_CONNECT/DI-Connect-Wellness/43_sleepData.json")
    assert reason.startswith("not valid JSON") and "\n" not in reason
    assert report.imported == 5 and ws.activities().height == 2


def test_garmin_out_of_range_values_are_dropped_with_a_warning(ws: Workspace, tmp_path: Path) -> None:
    uds = [{"calendarDate": "2013-02-04", "restingHeartRate": 0, "totalSteps": 10},
           {"calendarDate": "not a day", "restingHeartRate": 50}, "junk"]
    name = "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2013-02-01_2013-05-12.json"
    report = ws.import_paths([write(tmp_path, "g.zip", zip_bytes({name: json.dumps(uds).encode()}))])
    assert report.failed == [] and report.imported == 1
    assert any("resting_hr_bpm outside 25-120" in w for w in report.warnings)
    assert any("without a calendarDate" in w for w in report.warnings)


# -- across exports -------------------------------------------------------------------------
@pytest.mark.parametrize("order", ["strava-first", "garmin-first"])
def test_same_fit_in_both_exports_is_one_activity_with_both_sources(
        ws: Workspace, tmp_path: Path, order: str) -> None:
    strava = write(tmp_path, "strava.zip", strava_zip())
    garmin = write(tmp_path, "garmin.zip", garmin_zip())
    paths = [strava, garmin] if order == "strava-first" else [garmin, strava]
    report = ws.import_paths(paths)
    assert report.failed == []
    acts = ws.activities()
    assert acts.height == 7  # 6 from Strava + the walk only Garmin has
    fr110 = acts.filter(acts["start_utc"].str.starts_with("2013-02-06T12:11")).row(0, named=True)
    sources = fr110["source"].split(";")
    assert f"{strava}!activities/106.fit.gz" in sources
    assert f"{garmin}!{UPLOADS}!9001_ACTIVITY.fit" in sources
    assert {g["name"]: g["runs"] for g in ws.gear_list()}["Ghost 14"] == 1
    assert (fr110["name"], fr110["sport"]) == ("FR110 run", "running")  # Strava's name either way


def test_reimport_is_idempotent(ws: Workspace, tmp_path: Path) -> None:
    paths = [write(tmp_path, "strava.zip", strava_zip()), write(tmp_path, "garmin.zip", garmin_zip())]
    first = ws.import_paths(paths)
    counts = ws.counts()
    again = ws.import_paths(paths)
    assert first.imported == 10 and again.imported == 0 and again.unchanged == 10
    assert again.failed == [] and ws.counts() == counts


def test_same_member_in_two_archives_is_skipped_by_hash(ws: Workspace, tmp_path: Path) -> None:
    fit = (DATA / "garmin-fenix-5-run.fit").read_bytes()
    first = ws.import_paths([write(tmp_path, "a.zip", zip_bytes({"run.fit": fit}))])
    second = ws.import_paths([write(tmp_path, "b.zip", zip_bytes({"x/other-name.fit": fit},
                                                                 zipfile.ZIP_STORED))])
    assert first.imported == 1 and second.unchanged == 1 and second.imported == 0


# -- plain zips -----------------------------------------------------------------------------
def test_plain_zip_imports_activity_files_and_daily_log(ws: Workspace, tmp_path: Path) -> None:
    members = {"runs/a.fit": (DATA / "garmin-fenix-5-run.fit").read_bytes(),
               "runs/b.tcx.gz": gzip.compress((DATA / "sup_activity_1.tcx").read_bytes()),
               "log/daily.csv": b"date,heaviness,sleep_h\n2017-06-11,6,6.5\n",
               "notes/shoes.csv": b"brand,model\nx,y\n", "README.txt": b"hello",
               "__MACOSX/runs/._a.fit": b"junk", "inner.zip": zip_bytes(
                   {"c.gpx": (DATA / "activity_5039744860.gpx").read_bytes()})}
    report = ws.import_paths([write(tmp_path, "bundle.zip", zip_bytes(members))])
    assert report.failed == [], report.failed
    assert report.imported == 4 and ws.activities().height == 3
    assert ws.log_row(date(2017, 6, 11)) == {"heaviness": 6, "sleep_h": 6.5}
    assert f"{tmp_path / 'bundle.zip'}!inner.zip!c.gpx" in ws.activities()["source"].to_list()


def test_units_are_lazy_and_named_after_members(tmp_path: Path) -> None:
    units = exports.units("s.zip", strava_zip())
    names = [u.name for u in units]
    assert names[:4] == ["s.zip!activities/101.fit.gz", "s.zip!activities/102.gpx",
                         "s.zip!activities/103.tcx.gz", "s.zip!activities/106.fit.gz"]
    assert names[4] == "s.zip!activities.csv"
    assert len({u.sha256 for u in units}) == 5
    bundle = units[0].parse()
    assert bundle.activities[0].summary.name == "Morning Run"
    assert [(g.index, g.name) for g in bundle.gear] == [(0, "Pegasus 38")]


def test_apple_health_export_zip_is_handed_to_its_reader(ws: Workspace, tmp_path: Path,
                                                         corpus: Path) -> None:
    root = corpus / "dogsheep_healthkit-to-sqlite" / "tests" / "zip_contents"
    if not root.is_dir():
        pytest.skip("dogsheep Apple Health sample not in the corpus")
    members = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    members["../escape.gpx"] = b"<gpx/>"
    report = ws.import_paths([write(tmp_path, "export.zip", zip_bytes(members))])
    assert [name for name, _ in report.failed] == [f"{tmp_path / 'export.zip'}!../escape.gpx"]
    assert report.imported == 1
    act = ws.activities().row(0, named=True)
    assert act["sport"] == "running"
    assert act["source"] == f"{tmp_path / 'export.zip'}!apple_health_export/export.xml"


def test_strava_csv_in_another_language_is_read_by_position() -> None:
    header = ["Aktivitäts-ID", "Datum", "Name", "Typ", "Beschreibung", "Zeit", "Distanz",
              "Max HF", "Anstrengung", "Pendeln", "Notiz", "Ausrüstung", "Dateiname",
              "Gewicht", "Radgewicht", "Zeit", "Bewegungszeit", "Distanz"]
    row = ["7", "Oct 7, 2020, 2:43:11 PM", "Lauf", "Run", "", "600", "2,00", "", "", "false", "",
           "Schuh", "activities/7.fit.gz", "", "", "600.0", "590.0", "2000.5"]
    text = "\n".join(",".join(f'"{c}"' for c in line) for line in (header, row)).encode()
    rows = strava_export.read_rows(text, "activities.csv")
    assert rows is not None
    assert (rows[0].gear, rows[0].filename, rows[0].distance_m, rows[0].moving_s) == (
        "Schuh", "activities/7.fit.gz", 2000.5, 590.0)


def test_strava_manual_row_without_a_date_is_reported(ws: Workspace, tmp_path: Path) -> None:
    rows = [STRAVA_ROWS[3], ("107", "", "No date", "Run", 600, 1000.0, "", "", None)]
    report = ws.import_paths([write(tmp_path, "s.zip", zip_bytes({"activities.csv": strava_csv(rows)}))])
    assert len(report.failed) == 1 and "line 3 (activity 107)" in report.failed[0][1]
    assert ws.activities()["name"].to_list() == ["Treadmill 5k"]


def test_garmin_settings_file_in_uploads_is_skipped_not_failed(ws: Workspace, tmp_path: Path) -> None:
    """Garmin exports carry settings/monitoring FIT files among the uploads: skipped and
    said, not an error (the exit code stays 0)."""
    uploads = zip_bytes({"9001_ACTIVITY.fit": (DATA / "2013-02-06-12-11-14.fit").read_bytes(),
                         "9003_SETTINGS.fit": (DATA / "Settings.fit").read_bytes()})
    report = ws.import_paths([write(tmp_path, "garmin.zip", zip_bytes({UPLOADS: uploads}))])
    assert report.failed == [] and report.imported == 1
    assert [(p.rsplit("!", 1)[-1], why) for p, why in report.skipped] == [
        ("9003_SETTINGS.fit", "no activity data (a FIT settings file, not an activity)")]
    assert report.to_json()["skipped"][0]["path"].endswith("9003_SETTINGS.fit")
    again = ws.import_paths([tmp_path / "garmin.zip"])
    assert again.imported == 0 and again.unchanged == 1 and len(again.skipped) == 1


def test_a_settings_file_named_alone_is_skipped(ws: Workspace) -> None:
    report = ws.import_paths([DATA / "Settings.fit"])
    assert report.failed == [] and report.imported == 0 and len(report.skipped) == 1
