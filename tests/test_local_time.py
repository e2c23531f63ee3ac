"""Local time (issue 11): every activity keeps the UTC offset it was recorded in (a FIT
file's own, else the runner's time zone at that date, daylight saving included), local
dates and the default day of `why` follow it, and every listing prints local times.

The runs are written by the simulator's real GPX and FIT writers and read back by the
real importers, through the CLI in a subprocess (TZ as the system's zone)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from heavylegs import zones
from heavylegs.api import Workspace
from heavylegs.sim.fit import fit_bytes
from heavylegs.sim.gpx import gpx_bytes
from heavylegs.sim.runs import SimActivity
from heavylegs.storage import offsets
from heavylegs.storage.db import DB_NAME, MIGRATIONS, open_database

DATA = Path(__file__).parent / "data" / "activities"
SYDNEY = (-33.87, 151.21)
BERLIN = (52.52, 13.40)


def run_file(folder: Path, start: datetime, fmt: str, offset_s: int = 0,
             where: tuple[float, float] = BERLIN, minutes: int = 40) -> Path:
    """A steady run starting at the aware ``start``, written as a GPX (UTC times, no
    offset) or a FIT file (whose activity ``local_timestamp`` is ``offset_s`` ahead)."""
    n = minutes * 6
    elapsed = np.arange(n, dtype=np.float64) * 10.0
    speed = np.full(n, 2.9)
    lat = where[0] + elapsed * 2.9 / 111_195.0  # northwards at 2.9 m/s
    act = SimActivity(
        day_index=0, local_date=start.date(), start=start.astimezone(UTC), utc_offset_s=offset_s,
        session="easy", file_format=fmt, elapsed_s=elapsed, distance_m=elapsed * 2.9,
        speed_mps=speed, heart_rate_bpm=np.full(n, 142.0), cadence_spm=np.full(n, 170.0),
        altitude_m=np.full(n, 40.0), lat_deg=lat, lon_deg=np.full(n, where[1]))
    data = fit_bytes(act, 70.0, serial=start.toordinal()) if fmt == "fit" else gpx_bytes(act, "Morning Run")
    path = folder / f"{start.astimezone(UTC):%Y%m%dT%H%M}-{offset_s}.{fmt}"
    path.write_bytes(data)
    return path


def hl(home: Path, *args: str, tz: str = "UTC") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": tz, "COLUMNS": "150"}
    run = subprocess.run([sys.executable, "-m", "heavylegs.cli", "--home", str(home), *args],
                         capture_output=True, text=True, timeout=300, env=env)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def starts(home: Path, *args: str, tz: str = "UTC") -> list[str]:
    run = hl(home, "activities", "--json", *args, tz=tz)
    assert run.returncode == 0, run.stderr
    return [a["start"] for a in json.loads(run.stdout)]


def why_day(home: Path, tz: str = "UTC") -> str:
    run = hl(home, "why", "--json", tz=tz)
    assert run.returncode == 0, run.stderr
    return str(json.loads(run.stdout)["date"])


# -- the CLI, as the issue describes it -------------------------------------------------
@pytest.mark.parametrize("profile_first", [True, False])
def test_sydney_run_at_16_49_utc_on_sunday_is_mondays_run(tmp_path: Path, profile_first: bool) -> None:
    files = tmp_path / "files"
    files.mkdir()
    run_file(files, datetime(2026, 6, 7, 16, 49, tzinfo=UTC), "gpx", where=SYDNEY)  # AEST, +10
    run_file(files, datetime(2026, 11, 1, 16, 49, tzinfo=UTC), "gpx", where=SYDNEY)  # AEDT, +11
    home = tmp_path / "ws"
    if profile_first:
        assert hl(home, "profile", "set", "timezone=Australia/Sydney").returncode == 0
    assert hl(home, "import", str(files)).returncode == 0
    if not profile_first:
        assert hl(home, "profile", "set", "timezone=Australia/Sydney").returncode == 0
    assert starts(home) == ["2026-06-08T02:49:00+10:00", "2026-11-02T03:49:00+11:00"]
    table = hl(home, "activities").stdout
    assert "2026-06-08 02:49 +10:00" in table and "2026-11-02 03:49 +11:00" in table, table
    assert why_day(home) == "2026-11-02"  # Monday in Sydney, not the UTC Sunday
    text = hl(home, "why").stdout
    assert "No runs in the last 30 days" not in text, text
    assert hl(home, "report", "--md", str(tmp_path / "r.md")).returncode == 0
    assert (tmp_path / "r.md").read_text().startswith("# Why are my legs heavy? 2026-11-02")
    assert starts(home, "--since", "2026-11-02") == ["2026-11-02T03:49:00+11:00"]


def test_seven_am_in_berlin_winter_and_summer_from_gpx_with_the_system_zone(tmp_path: Path) -> None:
    """GPX times carry no offset: the runner's zone (here the system's, TZ) gives +01:00
    in January and +02:00 in July, so both runs show 07:00; 00:30 on a July night is that
    day's run, not the day before's (a single offset of +01:00 would put it at 23:30)."""
    files = tmp_path / "files"
    files.mkdir()
    run_file(files, datetime(2026, 1, 15, 6, 0, tzinfo=UTC), "gpx")
    run_file(files, datetime(2026, 7, 15, 5, 0, tzinfo=UTC), "gpx")
    run_file(files, datetime(2026, 7, 18, 22, 30, tzinfo=UTC), "gpx")
    home = tmp_path / "ws"
    assert hl(home, "import", str(files), tz="Europe/Berlin").returncode == 0
    assert starts(home, tz="Europe/Berlin") == [
        "2026-01-15T07:00:00+01:00", "2026-07-15T07:00:00+02:00", "2026-07-19T00:30:00+02:00"]
    assert why_day(home, tz="Europe/Berlin") == "2026-07-19"
    with Workspace(home, system_zone="Europe/Berlin") as ws:
        runs = ws.daily_table(date(2026, 7, 19)).select("date", "n_runs")
    per_day = dict(zip(runs["date"].to_list(), runs["n_runs"].to_list(), strict=True))
    assert per_day[date(2026, 7, 19)] == 1 and per_day[date(2026, 7, 18)] == 0
    assert per_day[date(2026, 7, 15)] == 1 and per_day[date(2026, 1, 15)] == 1
    # the same files for a runner in UTC: the zone is the runner's, not a constant
    assert starts(home, tz="UTC")[1] == "2026-07-15T05:00:00+00:00"
    # the answer stored under Berlin is not served in Los Angeles (15:30 on the 18th there)
    assert why_day(home, tz="America/Los_Angeles") == "2026-07-18"
    assert why_day(home, tz="Europe/Berlin") == "2026-07-19"


def test_seven_am_in_berlin_winter_and_summer_from_fit_local_timestamps(tmp_path: Path) -> None:
    """FIT files carry their own offset: it wins over the system zone (UTC here)."""
    files = tmp_path / "files"
    files.mkdir()
    run_file(files, datetime(2026, 1, 15, 6, 0, tzinfo=UTC), "fit", 3600)
    run_file(files, datetime(2026, 7, 15, 5, 0, tzinfo=UTC), "fit", 7200)
    run_file(files, datetime(2026, 7, 18, 22, 30, tzinfo=UTC), "fit", 7200)
    home = tmp_path / "ws"
    assert hl(home, "import", str(files)).returncode == 0
    assert starts(home) == ["2026-01-15T07:00:00+01:00", "2026-07-15T07:00:00+02:00",
                            "2026-07-19T00:30:00+02:00"]
    assert starts(home, "--since", "2026-07-19") == ["2026-07-19T00:30:00+02:00"]
    assert why_day(home) == "2026-07-19"


def test_a_travelling_runner_keeps_each_run_on_its_local_day(tmp_path: Path) -> None:
    """Berlin, New York, Tokyo: each FIT file's own offset puts its run on the day it was
    run there, whatever the profile's zone; the last run (Tokyo, 06:15 on the 12th) is the
    default day of `why` although it is the 11th in UTC and in Berlin."""
    files = tmp_path / "files"
    files.mkdir()
    trip = [(datetime(2026, 5, 4, 16, 0, tzinfo=UTC), 7200),     # Berlin 18:00 on the 4th
            (datetime(2026, 5, 7, 1, 30, tzinfo=UTC), -4 * 3600),  # New York 21:30 on the 6th
            (datetime(2026, 5, 11, 21, 15, tzinfo=UTC), 9 * 3600)]  # Tokyo 06:15 on the 12th
    for start, offset in trip:
        run_file(files, start, "fit", offset)
    home = tmp_path / "ws"
    assert hl(home, "profile", "set", "timezone=Europe/Berlin").returncode == 0
    assert hl(home, "import", str(files)).returncode == 0
    assert starts(home) == ["2026-05-04T18:00:00+02:00", "2026-05-06T21:30:00-04:00",
                            "2026-05-12T06:15:00+09:00"]
    assert why_day(home) == "2026-05-12"
    with Workspace(home, system_zone=None) as ws:
        table = ws.daily_table(date(2026, 5, 12))
    runs = {d for d, n in zip(table["date"].to_list(), table["n_runs"].to_list(), strict=True) if n}
    assert runs == {date(2026, 5, 4), date(2026, 5, 6), date(2026, 5, 12)}


def test_gpx_and_tcx_times_written_with_an_offset_keep_it(tmp_path: Path, corpus: Path) -> None:
    """A GPX (gpxpy's test file) and a Polar V800 TCX (Runalyze's) write local times with
    +01:00: that is the offset they were recorded in, whatever the runner's zone now."""
    polar = corpus / "Runalyze_Runalyze/tests/testfiles/tcx/Wrong-time-zone-by-polar.tcx"
    if not polar.is_file():
        pytest.skip(f"{polar} not in the corpus")
    home = tmp_path / "ws"
    assert hl(home, "profile", "set", "timezone=Australia/Sydney").returncode == 0
    imported = hl(home, "import", str(DATA / "track-with-less-sec-time.gpx"), str(polar))
    assert imported.returncode == 0, imported.stderr
    assert starts(home) == ["2015-12-11T15:43:13+01:00", "2016-04-10T18:40:59+01:00"]


def test_checkin_without_a_date_is_today_in_the_runners_zone(tmp_path: Path) -> None:
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) never share a date."""
    for zone, home in (("Pacific/Kiritimati", tmp_path / "a"), ("Pacific/Pago_Pago", tmp_path / "b")):
        before = zones.today_in(zone, datetime.now(UTC))
        assert hl(home, "profile", "set", f"timezone={zone}").returncode == 0
        run = hl(home, "checkin", "--set", "heaviness=4")
        after = zones.today_in(zone, datetime.now(UTC))
        assert run.returncode == 0, run.stderr
        with Workspace(home) as ws:
            saved = {d for d in (before, after) if ws.log_row(d)}
        assert saved, (zone, run.stdout)


# -- the parts ---------------------------------------------------------------------------
@pytest.mark.parametrize(("environ", "expected"), [
    ({"TZ": "Europe/Berlin"}, "Europe/Berlin"), ({"TZ": ":Australia/Sydney"}, "Australia/Sydney"),
    ({"TZ": "/usr/share/zoneinfo/America/New_York"}, "America/New_York"),
    ({"TZ": "EST5EDT,M3.2.0,M11.1.0"}, None), ({"TZ": "Mars/Olympus"}, None)])
def test_system_zone_from_tz(environ: dict[str, str], expected: str | None, tmp_path: Path) -> None:
    assert zones.system_zone(environ, tmp_path / "none", tmp_path / "none") == expected


def test_system_zone_from_etc_localtime_then_etc_timezone(tmp_path: Path) -> None:
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Asia/Tokyo")
    named = tmp_path / "timezone"
    named.write_text("America/Sao_Paulo\n")
    assert zones.system_zone({}, link, named) == "Asia/Tokyo"
    assert zones.system_zone({}, tmp_path / "missing", named) == "America/Sao_Paulo"
    assert zones.system_zone({}, tmp_path / "missing", tmp_path / "missing") is None


def test_offsets_follow_the_zone_and_keep_the_files_own(tmp_path: Path) -> None:
    conn = open_database(tmp_path)
    rows = [("2026-01-15T06:00:00+00:00", None), ("2026-07-15T05:00:00+00:00", None),
            ("2026-07-15T05:00:00+00:00", -4 * 3600)]
    conn.executemany("INSERT INTO activities(start_utc, utc_offset_s, sport, elapsed_s) "
                     "VALUES (?, ?, 'running', 600)", rows)

    def stored() -> list[tuple[int | None, str | None]]:
        return [tuple(r) for r in conn.execute(
            "SELECT local_offset_s, offset_zone FROM activities ORDER BY id")]

    assert offsets.sync(conn, "Europe/Berlin", zones.offset_at) == 3
    assert stored() == [(3600, "Europe/Berlin"), (7200, "Europe/Berlin"), (-14400, None)]
    assert offsets.sync(conn, "Europe/Berlin", zones.offset_at) == 0  # nothing to redo
    assert offsets.sync(conn, "Australia/Sydney", zones.offset_at) == 2
    assert stored() == [(39600, "Australia/Sydney"), (36000, "Australia/Sydney"), (-14400, None)]
    assert offsets.sync(conn, None, zones.offset_at) == 2
    assert stored() == [(None, None), (None, None), (-14400, None)]
    conn.close()


def test_a_workspace_of_schema_4_is_migrated_with_its_files_offsets(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / DB_NAME) as old:
        for sql in MIGRATIONS[:4]:
            old.executescript(sql)
        old.execute("PRAGMA user_version = 4")
        old.executemany("INSERT INTO activities(start_utc, utc_offset_s, sport, elapsed_s) "
                        "VALUES (?, ?, 'running', 600)",
                        [("2026-07-15T05:00:00+00:00", 7200), ("2026-07-15T22:30:00+00:00", None)])
    with Workspace(tmp_path, system_zone="America/Los_Angeles") as ws:
        listed = ws.activities()
        assert listed["local_offset_s"].to_list() == [7200, -7 * 3600]
        assert ws.latest_day() == date(2026, 7, 15)
        assert ws.activities(date(2026, 7, 15)).height == 2
        assert ws.activities(date(2026, 7, 16)).height == 0


def test_profile_show_names_the_zone_in_use_and_where_it_came_from(tmp_path: Path) -> None:
    hl(tmp_path, "profile", "set", "sleep_need_h=8")  # read commands never create a workspace
    shown = json.loads(hl(tmp_path, "profile", "show", "--json", tz="America/Chicago").stdout)
    assert shown["values"]["timezone"] == "America/Chicago"
    assert "system" in shown["estimated"]["timezone"]
    hl(tmp_path, "profile", "set", "timezone=Asia/Kolkata")
    shown = json.loads(hl(tmp_path, "profile", "show", "--json", tz="America/Chicago").stdout)
    assert shown["values"]["timezone"] == "Asia/Kolkata" and "timezone" not in shown["estimated"]


def test_a_profile_zone_that_is_not_a_zone_is_refused_naming_the_key(tmp_path: Path) -> None:
    run = hl(tmp_path, "profile", "set", "timezone=Europe/Atlantis")
    assert run.returncode == 2 and "timezone" in run.stderr and "IANA" in run.stderr, run.stderr


def test_the_offset_of_every_date_is_its_own() -> None:
    """Daylight saving moves the offset on its own date, in both hemispheres."""
    berlin = [zones.offset_at("Europe/Berlin", datetime(2026, 3, 29, h, tzinfo=UTC)) for h in (0, 1)]
    sydney = [zones.offset_at("Australia/Sydney", datetime(2026, 4, 4, 15, tzinfo=UTC) + timedelta(hours=h))
              for h in (0, 1)]
    assert berlin == [3600, 7200] and sydney == [39600, 36000]
