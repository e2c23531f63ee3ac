"""Strava bulk export (``export_<athlete>.zip``) → units.

``activities.csv`` (at the root or one folder down) lists every activity; its
``Filename`` column points at the original upload in ``activities/`` (``.fit.gz``,
``.gpx``, ``.gpx.gz``, ``.tcx.gz``, ...). Each such file is one unit: the activity as the
file has it, with the name, sport and gear the runner gave it on Strava. Activities
without a file (entered by hand, or whose file is missing) are summary-only activities
from the CSV, all in one unit named after ``activities.csv``. Files no row names are
imported as they are, and so is every file when the CSV is missing or unreadable.

The CSV header repeats names (``Elapsed Time``, ``Distance``, ``Max Heart Rate``,
``Relative Effort``, ``Commute``): a column is found by name and occurrence — the first
``Distance`` is in the runner's display unit, the second in metres. A header in another
language falls back to the positions of the 2020 layout (shared/corpus/FORMATS.md §2).
``Activity Date`` (``"Oct 7, 2020, 2:43:11 PM"``) is UTC; a file's own start time wins.

A file unit's hash joins the file's bytes with the row's name, type and gear, so that
a file already imported from another archive (a Garmin export) still gets its gear.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from heavylegs.core import streams
from heavylegs.core.model import RUNNING_SPORTS, ActivitySummary, ParsedActivity
from heavylegs.errors import ImportFailed
from heavylegs.importers.archive import Archive, failed_unit
from heavylegs.importers.bundle import Bundle, GearUse, Unit

CSV_NAME = "activities.csv"
START_MISMATCH_S = 120.0  # a CSV start further from the file's is reported
# The 94-column header of a 2020 export (shared/corpus/FORMATS.md §2; names repeat).
HEADER_2020 = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,"
    "Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,"
    "Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,"
    "Elevation Gain,Elevation Loss,Elevation Low,Elevation High,Max Grade,Average Grade,"
    "Average Positive Grade,Average Negative Grade,Max Cadence,Average Cadence,Max Heart Rate,"
    "Average Heart Rate,Max Watts,Average Watts,Calories,Max Temperature,Average Temperature,"
    "Relative Effort,Total Work,Number of Runs,Uphill Time,Downhill Time,Other Time,"
    "Perceived Exertion,Type,Start Time,Weighted Average Power,Power Count,"
    "Prefer Perceived Exertion,Perceived Relative Effort,Commute,Total Weight Lifted,From Upload,"
    "Grade Adjusted Distance,Weather Observation Time,Weather Condition,Weather Temperature,"
    "Apparent Temperature,Dewpoint,Humidity,Weather Pressure,Wind Speed,Wind Gust,Wind Bearing,"
    "Precipitation Intensity,Sunrise Time,Sunset Time,Moon Phase,Bike,Gear,"
    "Precipitation Probability,Precipitation Type,Cloud Cover,Weather Visibility,UV Index,"
    "Weather Ozone,Jump Count,Total Grit,Average Flow,Flagged,Average Elapsed Speed,"
    "Dirt Distance,Newly Explored Distance,Newly Explored Dirt Distance,Activity Count,"
    "Total Steps,Carbon Saved,Pool Length,Training Load,Intensity,Average Grade Adjusted Pace,"
    "Timer Time,Total Cycles,Media").split(",")

# key: (header name, occurrence).
NAMES: dict[str, tuple[str, int]] = {
    "id": ("Activity ID", 0), "date": ("Activity Date", 0), "name": ("Activity Name", 0),
    "type": ("Activity Type", 0), "elapsed": ("Elapsed Time", 0), "distance_display": ("Distance", 0),
    "gear": ("Activity Gear", 0), "filename": ("Filename", 0), "elapsed_s": ("Elapsed Time", 1),
    "moving_s": ("Moving Time", 0), "distance_m": ("Distance", 1),
    "weight_lifted": ("Total Weight Lifted", 0),
}


def _position(name: str, occurrence: int) -> int:
    return [i for i, n in enumerate(HEADER_2020) if n == name][occurrence]


# (name, occurrence, position in the 2020 layout: used for a header in another language)
COLUMNS: dict[str, tuple[str, int, int]] = {k: (n, o, _position(n, o)) for k, (n, o) in NAMES.items()}
SPORTS = {
    "run": "running", "trailrun": "trail_running", "virtualrun": "treadmill_running",
    "ride": "cycling", "virtualride": "cycling", "mountainbikeride": "cycling",
    "gravelride": "cycling", "velomobile": "cycling", "handcycle": "cycling",
    "ebikeride": "e_biking", "emountainbikeride": "e_biking", "walk": "walking",
    "hike": "hiking", "weighttraining": "strength", "crossfit": "training", "hiit": "hiit",
    "swim": "swimming", "rowing": "rowing", "virtualrow": "rowing",
    "elliptical": "fitness_equipment", "stairstepper": "fitness_equipment",
    "nordicski": "cross_country_skiing", "alpineski": "alpine_skiing",
    "backcountryski": "alpine_skiing", "snowshoe": "snowshoeing", "iceskate": "ice_skating",
    "inlineskate": "inline_skating", "rockclimbing": "rock_climbing", "kayaking": "kayaking",
    "canoeing": "paddling", "standuppaddling": "stand_up_paddleboarding", "yoga": "yoga",
}
DATE_FORMATS = ("%b %d, %Y, %I:%M:%S %p", "%b %d, %Y %I:%M:%S %p", "%d %b %Y, %H:%M:%S",
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Row:
    """One activities.csv row, as heavylegs reads it (times in s, distances in m)."""

    line: int
    activity_id: str
    start: datetime | None
    name: str
    type: str
    sport: str | None
    elapsed_s: float | None
    moving_s: float | None
    distance_m: float | None
    gear: str
    filename: str

    def salt(self) -> str:
        return f"strava-row\n{self.name}\n{self.type}\n{self.gear}"

    def where(self) -> str:
        return f"{CSV_NAME} line {self.line} (activity {self.activity_id or '?'})"


def find_base(names: Iterable[str]) -> str | None:
    """The folder (``''`` or ``'x/'``) holding activities.csv, or ``None``."""
    bases = sorted(n[:-len(CSV_NAME)] for n in names
                   if n.rsplit("/", 1)[-1] == CSV_NAME and n.count("/") <= 1)
    return bases[0] if bases else None


def units(archive: Archive, base: str) -> list[Unit]:
    """The units of a Strava export whose activities.csv sits in ``base``."""
    from heavylegs.importers.exports import activity_unit, member_units, plain_units

    entries = {e.name: e for e in archive.safe_entries()}
    csv_entry = entries[base + CSV_NAME]
    uploads = [e for n, e in entries.items() if n.startswith(base + "activities/")]
    try:
        data = archive.read(csv_entry, count=True)
        rows = read_rows(data, archive.member_path(csv_entry))
    except ImportFailed as error:
        return [failed_unit(error.path, error.reason)] + plain_units(archive, uploads)
    if rows is None:  # not Strava's activities.csv after all
        return plain_units(archive)
    found, summary_rows, used = [], [], set()
    for row in rows:
        entry = entries.get(base + row.filename) if row.filename else None
        if entry is None:
            summary_rows.append(row)
            continue
        used.add(entry.name)
        found.append(activity_unit(archive, entry, lambda n, d, r=row: file_bundle(n, d, r),
                                   salt=row.salt()))
    for entry in uploads:
        if entry.name not in used:
            found += member_units(archive, entry)
    if summary_rows:
        found.append(_summary_unit(archive.member_path(csv_entry), data, summary_rows))
    return found


def read_rows(data: bytes, path: str) -> list[Row] | None:
    """The rows of activities.csv, or ``None`` if the header is not Strava's."""
    from heavylegs.importers import csvguard, textenc

    data = textenc.to_utf8(data)
    csvguard.check_lines(data, path)
    records = csv.reader(csvguard.text_stream(data, errors="replace"))
    rows = []
    try:
        header = next(records, None)
        positions = _positions(header or [])
        if positions is None:
            return None
        for cells in records:
            csvguard.check_cells(cells, path, records.line_num)
            if any(c.strip() for c in cells):
                rows.append(_row(cells, positions, records.line_num))
    except csv.Error as error:
        problem = csvguard.csv_problem(error)
        raise ImportFailed(path, f"the CSV is damaged near line {records.line_num} ({problem})") from None
    return rows


def _positions(header: list[str]) -> dict[str, int] | None:
    names = [h.strip().lstrip("\ufeff") for h in header]
    if "Activity ID" not in names:
        return {k: p for k, (_, _, p) in COLUMNS.items() if p < len(names)} if len(names) >= 13 else None
    positions = {}
    for key, (name, occurrence, _) in COLUMNS.items():
        found = [i for i, n in enumerate(names) if n == name]
        if len(found) > occurrence:
            positions[key] = found[occurrence]
    return positions


def _row(cells: list[str], positions: dict[str, int], line: int) -> Row:
    def cell(key: str) -> str:
        pos = positions.get(key)
        return cells[pos].strip() if pos is not None and pos < len(cells) else ""

    distance = to_float(cell("distance_m"))
    if distance is None and "distance_m" not in positions and to_float(cell("distance_display")):
        distance = (to_float(cell("distance_display")) or 0.0) * 1000.0  # km assumed
    kind = cell("type")
    return Row(line=line, activity_id=cell("id"), start=parse_date(cell("date")), name=cell("name"),
               type=kind, sport=strava_sport(kind, to_float(cell("weight_lifted"))),
               elapsed_s=to_float(cell("elapsed_s")) or to_float(cell("elapsed")),
               moving_s=to_float(cell("moving_s")), distance_m=distance, gear=cell("gear"),
               filename=cell("filename").replace("\\", "/").lstrip("/"))


def parse_date(text: str) -> datetime | None:
    """A UTC datetime from Strava's ``Activity Date`` (English formats), else ``None``.

    >>> parse_date("Oct 7, 2020, 2:43:11 PM").isoformat()
    '2020-10-07T14:43:11+00:00'
    """
    text = " ".join(text.replace("Sept", "Sep").split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def to_float(text: str) -> float | None:
    """A number from a CSV cell (``""`` → ``None``; a lone decimal comma is accepted)."""
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def strava_sport(kind: str, weight_lifted: float | None = None) -> str | None:
    """heavylegs' sport name for a Strava activity type (``None`` when the cell is empty).

    >>> strava_sport("Trail Run"), strava_sport("Workout", 1200.0), strava_sport("Kitesurf")
    ('trail_running', 'strength', 'kitesurf')
    """
    key = re.sub(r"[^a-z]", "", kind.lower())
    if not key:
        return None
    if key == "workout":
        return "strength" if weight_lifted else "training"
    return SPORTS.get(key, re.sub(r"[^a-z0-9]+", "_", kind.lower()).strip("_"))


def file_bundle(name: str, data: bytes, row: Row) -> Bundle:
    """The activity in one uploaded file, named, typed and geared as on Strava."""
    from heavylegs.importers import read_activity_file

    acts = read_activity_file(name, data)
    warnings = [w for a in acts for w in a.warnings]
    acts = [_with_row(a, row, len(acts) == 1) for a in acts]
    if row.start and acts and abs((acts[0].summary.start - row.start).total_seconds()) > START_MISMATCH_S:
        warnings.append(f"{row.where()} gives the start {row.start:%Y-%m-%d %H:%M:%S}Z, the file "
                        f"{acts[0].summary.start:%Y-%m-%d %H:%M:%S}Z; the file's time is kept")
    gear = [GearUse(i, row.gear) for i in range(len(acts))] if row.gear else []
    return Bundle(activities=acts, gear=gear, warnings=warnings)


def _with_row(act: ParsedActivity, row: Row, single: bool) -> ParsedActivity:
    sport = act.summary.sport
    if single and row.sport is not None:
        keep = row.sport == "running" and sport in RUNNING_SPORTS  # the file is more specific
        sport = sport if keep else row.sport
    summary = replace(act.summary, name=row.name or act.summary.name, sport=sport)
    return replace(act, summary=summary)


def _summary_unit(name: str, data: bytes, rows: list[Row]) -> Unit:
    sha = hashlib.sha256(data + b"\nstrava-summaries").hexdigest()
    return Unit(name, sha, len(data), lambda: summary_bundle(rows))


def summary_bundle(rows: list[Row]) -> Bundle:
    """Summary-only activities for the rows with no file (manual entries, missing files)."""
    acts: list[ParsedActivity] = []
    gear, warnings, errors = [], [], []
    for row in rows:
        if row.start is None or row.elapsed_s is None or row.sport is None:
            errors.append(f"{row.where()}: no readable Activity Date, Elapsed Time or Activity "
                          "Type; skipped")
            continue
        if row.filename:
            warnings.append(f"{row.where()}: its file {row.filename} is not in the archive; "
                            "imported from the CSV without samples")
        summary = ActivitySummary(start=row.start, sport=row.sport, elapsed_s=row.elapsed_s,
                                  distance_m=row.distance_m, moving_s=row.moving_s,
                                  name=row.name or None)
        if row.gear:
            gear.append(GearUse(len(acts), row.gear))
        acts.append(ParsedActivity(summary=summary, streams=streams.empty()))
    return Bundle(activities=acts, gear=gear, warnings=warnings, errors=errors, kind="export-index")


__all__ = ["Row", "find_base", "units", "read_rows", "parse_date", "strava_sport", "file_bundle",
           "summary_bundle"]
