"""Every FIT session becomes its own activity with the device's totals, checked against
the official Garmin SDK's session messages on every distinct corpus FIT file.

One file per workspace: the file is imported through the API and its stored activities
(what ``activities --json`` lists) are compared with the SDK's sessions (duplicates of a
chained file counted once). A session agrees when an activity starts within 2 s of it
with the same sport, a distance within max(10 m, 1 %) and an elapsed time within
max(2 s, 0.5 %). At least 98 % must agree; every session that does not is listed in
``EXCEPTIONS`` with the reason, and the multisport and chained files must agree.
"""

from __future__ import annotations

import contextlib
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from fit_reference import corpus_fit_files, sdk_decode
from heavylegs.api import Workspace

FILES = corpus_fit_files()
MUST_AGREE = ("activity-large-fenxi2-multisport.fit", "sample_mulitple_header.fit",
              "event_timestamp.fit", "MultiSport-2019-11-24.fit", "Multisession.fit",
              "Multisession-stop-after-transition.fit", "6471559601_ACTIVITY.fit")
#: (file name, the SDK's session start) -> why heavylegs stores something else
EXCEPTIONS = {
    ("time-jump.fit", "2017-02-22T09:04:45"):
        "the watch's clock jumped: the session says it started 20 days before its own "
        "records and its end; heavylegs starts the activity at its first record",
    ("compressed-speed-distance.fit", "1990-07-18T06:44:24"):
        "its times count from the device's power-on and no timestamp_correlation places "
        "them on the calendar (the SDK's session is dated 1990): heavylegs refuses the file",
    ("antfs-dump.63.fit", "1990-07-09T07:00:41"):
        "its times count from the device's power-on and no timestamp_correlation places "
        "them on the calendar (the SDK's session is dated 1990): heavylegs refuses the file",
}
SYSTEM_TIME_END = datetime(1998, 7, 1).astimezone()  # below 0x10000000 s: power-on times


def _sdk_sessions(path: Path) -> list[dict]:
    """The SDK's sessions, duplicates once, power-on times moved by the file's own
    timestamp_correlation (the SDK decodes it but does not apply it)."""
    messages, _ = sdk_decode(path)
    shift = timedelta(0)
    for link in messages.get("timestamp_correlation_mesgs", [])[:1]:
        if isinstance(link.get("system_timestamp"), datetime):
            shift = link["timestamp"] - link["system_timestamp"]
    unique: dict[tuple, dict] = {}
    for session in messages.get("session_mesgs", []):
        start = session.get("start_time")
        if not isinstance(start, datetime):
            continue
        if start < SYSTEM_TIME_END and shift:
            session = {**session, "start_time": start + shift}
        key = (session["start_time"], session.get("total_elapsed_time"), session.get("sport"))
        unique.setdefault(key, session)
    return list(unique.values())


def _stored(path: Path, home: Path) -> list[dict]:
    with contextlib.redirect_stderr(io.StringIO()), Workspace(home) as ws:
        ws.import_paths([path])
        return ws.activities().to_dicts()


def _same_sport(ours: str, session: dict) -> bool:
    sport = session.get("sport") or "generic"  # no sport written: heavylegs says generic
    return ours == sport or ours.endswith(f"_{sport}")  # trail_running refines running


def _disagreement(session: dict, stored: list[dict]) -> str | None:
    start = session["start_time"]
    near = [a for a in stored
            if abs((datetime.fromisoformat(a["start_utc"]) - start).total_seconds()) <= 2]
    if not near:
        return "no activity starts within 2 s"
    act, why = near[0], []
    distance, elapsed = session.get("total_distance"), session.get("total_elapsed_time")
    if distance is not None and (act["distance_m"] is None
                                 or abs(act["distance_m"] - distance) > max(10, distance / 100)):
        why.append(f"distance {act['distance_m']} m, the session {distance} m")
    if elapsed is not None and abs(act["elapsed_s"] - elapsed) > max(2, elapsed * 0.005):
        why.append(f"elapsed {act['elapsed_s']} s, the session {elapsed} s")
    if not _same_sport(act["sport"], session):
        why.append(f"sport {act['sport']}, the session {session.get('sport')}")
    return "; ".join(why) or None


@pytest.mark.skipif(not FILES, reason="shared corpus not found")
def test_every_session_is_an_activity_with_the_devices_totals(tmp_path: Path) -> None:
    agree, differ = 0, {}
    for i, path in enumerate(FILES):
        sessions = _sdk_sessions(path)
        if not sessions:
            continue
        stored = _stored(path, tmp_path / f"home{i}")
        for session in sessions:
            why = _disagreement(session, stored)
            key = (path.name, session["start_time"].strftime("%Y-%m-%dT%H:%M:%S"))
            if why is None:
                agree += 1
            else:
                differ[key] = why
    total = agree + len(differ)
    assert set(differ) == set(EXCEPTIONS), differ  # each one explained, none left stale
    assert agree / total >= 0.98, f"{agree} of {total} sessions agree"
    assert not {name for name, _ in differ} & set(MUST_AGREE)
    names = {path.name for path in FILES}
    assert set(MUST_AGREE) <= names


@pytest.mark.skipif(not FILES, reason="shared corpus not found")
def test_a_triathlons_legs_keep_their_own_distance(tmp_path: Path) -> None:
    """sample_mulitple_header.fit: swim, T1, bike, T2, run. The run leg is the session's
    9.8 km (not the 52.5 km the records count from the swim start), its distance stream
    starts at 0, and the transitions are not runs."""
    from heavylegs.core.model import RUNNING_SPORTS
    from heavylegs.importers import read_activity_file

    path = next(p for p in FILES if p.name == "sample_mulitple_header.fit")
    legs = read_activity_file(path)
    assert [a.summary.sport for a in legs] == [
        "swimming", "transition", "cycling", "transition", "running"]
    run = legs[-1]
    assert run.summary.distance_m == pytest.approx(9805.92)
    distance = run.streams["distance_m"].drop_nulls()
    assert distance[0] == 0 and distance.max() < 10_000
    assert [a.summary.sport in RUNNING_SPORTS for a in legs] == [False] * 4 + [True]
    with contextlib.redirect_stderr(io.StringIO()), Workspace(tmp_path / "home") as ws:
        ws.import_paths([path])
        table = ws.daily_table(date(2018, 5, 27))
    [day] = table.filter(table["date"] == date(2018, 5, 27)).to_dicts()
    # the day's running is the run leg alone: no transitions, no swim or bike distance
    assert day["n_runs"] == 1
    assert day["run_distance_m"] == pytest.approx(9805.92)
    assert day["run_time_s"] == pytest.approx(run.summary.elapsed_s)
