"""Gear kinds, activity names and GPX files without a sport (issue 11, item 6)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from heavylegs.cli import main
from test_exports import STRAVA_ROWS, strava_csv, strava_member, write, zip_bytes

DATA = Path(__file__).resolve().parent / "data" / "activities"
BIKE_ROWS = [("107", "Mar 3, 2023, 6:00:00 PM", "Watopia loop", "VirtualRide", 3600, 30000.0, "Zwift bike", "", None),
             ("108", "Mar 4, 2023, 6:00:00 PM", "Commute", "Ride", 1200, 0.0, "Zwift bike", "", None)]


def strava_with_bike() -> bytes:
    rows = STRAVA_ROWS + BIKE_ROWS
    members = {"activities.csv": strava_csv(rows), "profile.csv": b"Athlete ID\n1\n"}
    members |= {filename: strava_member(filename, source) for *_, filename, source in rows if source}
    return zip_bytes(members)


def test_strava_bikes_are_bikes_and_only_shoes_carry_running_km(workspace, tmp_path, capsys) -> None:
    assert workspace.import_paths([write(tmp_path, "strava.zip", strava_with_bike())]).failed == []
    rows = {g["name"]: g for g in workspace.gear_list()}
    assert rows["Zwift bike"]["kind"] == "bike" and rows["Zwift bike"]["activities"] == 2
    assert rows["Zwift bike"]["km"] == 30.0
    assert "runs" not in rows["Zwift bike"] and "crossed_500_km" not in rows["Zwift bike"]
    shoe = rows["Pegasus 38"]
    assert shoe["kind"] == "shoes" and shoe["runs"] == 3 and "crossed_500_km" in shoe
    workspace.close()
    assert main(["--home", str(workspace.home), "gear", "list"]) == 0
    out = capsys.readouterr().out
    assert "runs" not in next(line for line in out.splitlines() if "Zwift bike" in line)
    assert "bike" in next(line for line in out.splitlines() if "Zwift bike" in line)


def test_gear_add_confirms_what_it_saved(tmp_path, capsys) -> None:
    home = str(tmp_path / "home")
    assert main(["--home", home, "gear", "add", "Pegasus 40", "--from", "2024-01-01", "--limit-km", "700"]) == 0
    assert capsys.readouterr().out.strip() == "gear: added shoes 'Pegasus 40' (from 2024-01-01; limit 700 km)"
    assert main(["--home", home, "gear", "add", "Canyon", "--kind", "bike"]) == 0
    assert capsys.readouterr().out.strip() == "gear: added bike 'Canyon'"


def test_activity_names_from_strava_and_gpx_are_listed_and_reported(workspace, tmp_path, capsys) -> None:
    workspace.import_paths([write(tmp_path, "strava.zip", strava_with_bike())])
    names = set(workspace.activities()["name"].drop_nulls())
    assert {"Morning Run", "Lake trail", "FR110 run", "Treadmill 5k"} <= names
    from heavylegs.api import Workspace

    with Workspace(tmp_path / "gpx") as alone:  # the GPX's own <trk><name>
        alone.import_paths([DATA / "activity_5039744860.gpx"])
        assert alone.activities()["name"].to_list() == ["Leiden Fietsen"]
    workspace.close()
    home = str(workspace.home)
    assert main(["--home", home, "activities", "--json"]) == 0
    import json

    listed = {r["name"] for r in json.loads(capsys.readouterr().out)}
    assert "Leiden ride" in listed and "Treadmill 5k" in listed
    assert main(["--home", home, "activities"]) == 0
    assert "Treadmill" in capsys.readouterr().out
    md = tmp_path / "r.md"
    assert main(["--home", home, "report", "--md", str(md), "--date", "2023-03-04"]) == 0
    text = md.read_text()
    assert "## Your last two weeks" in text and "Treadmill 5k: running" in text and "Watopia loop: cycling" in text
    html = tmp_path / "r.html"
    assert main(["--home", home, "report", "--html", str(html), "--date", "2023-03-04"]) == 0
    assert "Watopia loop: cycling" in html.read_text()


def _run_km(ws, day: date) -> float:
    table = ws.daily_table(day)
    return float(table.filter(pl.col("date") == day)["run_km"][0]) if "run_km" in table.columns else float(
        table.filter(pl.col("date") == day)["run_dist_m"][0]) / 1000


def test_a_gpx_without_a_sport_is_unknown_until_the_runner_says(tmp_path, capsys) -> None:
    gpx = DATA / "around-visnjan-with-car.gpx"
    home = str(tmp_path / "home")
    assert main(["--home", home, "import", str(gpx)]) == 0
    capsys.readouterr()
    assert main(["--home", home, "activities", "--json"]) == 0
    import json

    [row] = json.loads(capsys.readouterr().out)
    assert row["sport"] == "unknown"
    from heavylegs.api import Workspace

    with Workspace(Path(home)) as ws:
        acts = ws.context().acts
        assert not acts["is_run"].any()
    assert main(["--home", home, "activities", "set-sport", str(row["id"]), "running"]) == 0
    assert capsys.readouterr().out.strip() == f"activity {row['id']}: sport unknown -> running"
    with Workspace(Path(home)) as ws:
        assert ws.context().acts["is_run"].all()
    assert main(["--home", home, "activities", "set-sport", "999", "running"]) == 2
    assert main(["--home", home, "activities", "set-sport", str(row["id"]), "runnning"]) == 2
    other = str(tmp_path / "other")
    assert main(["--home", other, "import", "--sport", "running", str(gpx)]) == 0
    with Workspace(Path(other)) as ws:
        assert ws.activities()["sport"].to_list() == ["running"]


def test_fit_files_carry_their_activity_profile_name(corpus, workspace) -> None:
    rides = corpus / "GoldenCheetah_GoldenCheetah/test"
    report = workspace.import_paths([rides / "rides/Garmin920_withFirstbeat.fit", rides / "coretemp/FR55-CoreTemp-Walk.fit"])
    assert report.failed == []
    acts = workspace.activities()
    assert dict(zip(acts["sport"], acts["name"], strict=True)) == {"running": "Stryd Running", "walking": "Walk"}


def test_tcx_activities_recorded_from_a_workout_carry_its_name(corpus) -> None:
    from heavylegs.importers import read_activity_file

    path = corpus / "GoldenCheetah_GoldenCheetah/test/rides/2020-02-05_17-25-14_Training-with-Notes.tcx"
    [activity] = read_activity_file(path, path.read_bytes())
    assert activity.summary.name == "Indoor Cycling"


def test_an_older_workspace_gets_its_strava_bikes_as_bikes(tmp_path) -> None:
    from heavylegs.api import Workspace
    from schema_helpers import back_to_schema

    home = tmp_path / "home"
    with Workspace(home) as ws:
        ws.import_paths([write(tmp_path, "strava.zip", strava_with_bike())])
        back_to_schema(ws.conn, 4)  # before the red-flag columns, local offsets and gear kinds
    with Workspace(home) as ws:
        kinds = {g["name"]: g["kind"] for g in ws.gear_list()}
    assert kinds == {"Zwift bike": "bike", "Pegasus 38": "shoes", "Ghost 14": "shoes"}
