"""Peak memory of importing large exports: it must not grow with the archive.

Usage: ``.venv/bin/python benchmarks/bench_import_memory.py [--only CASE ...] [--small-mb 200]
[--big-mb 1800] [--garmin-mb 600] [--rebuild] [--pythonpath DIR]``

The archives are built under ``benchmarks/out/import-memory/`` and reused when they exist:

- ``small``, ``big``: an Apple Health ``export.zip`` whose ``apple_health_export/export.xml``
  holds about ``--small-mb`` / ``--big-mb`` MB, ZIP_DEFLATED (it packs ~18:1, as real
  exports do), plus the workout-route GPX files its workouts name. The XML follows Apple's
  layout (see tests/test_apple_health.py): the DTD header, ``ExportDate``, ``Me``, then
  every ``Record`` grouped by type and ordered by date (as a real export), then ``Workout``
  elements, then one ``ActivitySummary`` a day. A day holds ~1,500 records: energy, steps
  and distance (the bulk of a real export, skipped by the reader), all-day and in-workout
  heart rate with metadata, HRV with its beat list, resting heart rate, sleep stages,
  water, food energy and weekly body mass. A run every third day has heart-rate
  statistics; every eighth one a GPX route.
- ``big-level0``: the same export deflated at level 0, so the zip on disk is as big as its
  content (~1.8 GB): what an archive of that size costs.
- ``garmin``: a Garmin Connect export whose ``UploadedFiles`` zip holds ``--garmin-mb`` MB,
  past ``archive.NESTED_IN_MEMORY_BYTES`` (a zip inside a zip: read into memory, or spooled
  to a temporary file). Its members are copies of one real upload from the shared corpus,
  so that only the first is parsed: this case measures the archive handling (every copy
  is still unzipped and hashed), not the FIT decoder.

Everything is written as a stream (``ZipFile.open(name, "w", force_zip64=True)``), so the
big export takes about a minute to build, and little memory.

Each archive is then imported by ``Workspace.import_paths`` in a fresh subprocess into a
fresh workspace; the table shows the wall and CPU time and the child's peak RSS
(``getrusage(RUSAGE_SELF).ru_maxrss``, read by the child as it exits: it includes the
interpreter, numpy, polars and lxml, ~100 MB). ``--pythonpath`` runs the child against
another copy of the package (the code before a change) for a before/after comparison.
The target: under 600 MB for every case, and about the same peak whatever the archive's
size. No pass/fail: numbers only. The Apple reader makes the whole export ONE unit, so its
bundle (every workout with its streams, every daily value) is in memory when it is stored:
that part grows with the number of workouts in the export, not with the archive.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out" / "import-memory"
CASES = ("small", "big", "big-level0", "garmin")
GARMIN_FIT = (REPO.parent / "shared" / "corpus" / "GoldenCheetah_GoldenCheetah" / "test" / "runs"
              / "GarminFR955v18.zip.d" / "14211916346_ACTIVITY.fit")
GARMIN_UPLOADS = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"
TARGET_RSS_MB = 600.0
FIRST_DAY = date(2015, 1, 1)
ZONE = "-0700"
Q = "HKQuantityTypeIdentifier"
WATCH = "Dana’s Apple Watch"
PHONE = "Dana’s iPhone"
WATCH_DEVICE = ("&lt;&lt;HKDevice: 0x{:x}&gt;, name:Apple Watch, manufacturer:Apple Inc., "
                "model:Watch, hardware:Watch4,2, software:8.5&gt;")
PHONE_DEVICE = ("&lt;&lt;HKDevice: 0x{:x}&gt;, name:iPhone, manufacturer:Apple Inc., "
                "model:iPhone, hardware:iPhone12,1, software:15.4&gt;")
WORKOUT_EVERY_DAYS = 3
ROUTE_EVERY_WORKOUTS = 8
RUN_START_S = 18 * 3600 + 5 * 60  # local time of day the runs start
RUN_MINUTES = 40
DTD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 11 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
]>
<HealthData locale="en_US">
 <ExportDate value="2024-06-13 09:00:00 -0700"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1988-04-02"
  HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"
  HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet"
  HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet"
  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
"""

CHILD = """
import json, resource, sys, time
from pathlib import Path
from heavylegs.api import Workspace
start = time.perf_counter()
with Workspace(Path(sys.argv[2])) as ws:
    report = ws.import_paths([Path(sys.argv[1])])
    counts = ws.counts()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall_s": time.perf_counter() - start, "cpu_s": usage.ru_utime + usage.ru_stime,
                  "peak_rss_kb": usage.ru_maxrss, "imported": report.imported,
                  "failed": report.failed[:3], "counts": counts}))
"""


# --- building the export -------------------------------------------------------------------
def stamp(day: date, second: int) -> str:
    """Apple's date format, local time in a fixed -0700 zone (the day may roll over)."""
    day, second = day + timedelta(days=second // 86400), second % 86400
    return f"{day.isoformat()} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d} {ZONE}"


def utc_stamp(day: date, second: int) -> str:
    second += 7 * 3600  # -0700 → UTC
    day, second = day + timedelta(days=second // 86400), second % 86400
    return f"{day.isoformat()}T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"


def record(rng: random.Random, kind: str, unit: str, value: str, day: date, start: int,
           end: int, *, watch: bool = True, children: str = "") -> str:
    source, version, device = ((WATCH, "8.5", WATCH_DEVICE) if watch
                               else (PHONE, "15.4", PHONE_DEVICE))
    body = f">\n{children}  </Record>" if children else "/>"
    return (f' <Record type="{kind}" sourceName="{source}" sourceVersion="{version}" '
            f'device="{device.format(rng.getrandbits(36))}" unit="{unit}" '
            f'creationDate="{stamp(day, end + 30)}" startDate="{stamp(day, start)}" '
            f'endDate="{stamp(day, end)}" value="{value}"{body}\n')


def is_run_day(index: int) -> bool:
    return index % WORKOUT_EVERY_DAYS == 1


def energy(rng: random.Random, day: date, index: int, kind: str, every_s: int) -> list[str]:
    return [record(rng, f"{Q}{kind}", "kcal", f"{rng.uniform(0.05, 4.0):.3f}", day, s,
                   s + every_s - 1) for s in range(6 * 3600, 23 * 3600, every_s)]


def walking(rng: random.Random, day: date, index: int, kind: str) -> list[str]:
    out = []
    for s in range(7 * 3600, 22 * 3600, 480):
        steps = rng.randint(10, 900)
        value = str(steps) if kind == "StepCount" else f"{steps * 0.00072:.5f}"
        out.append(record(rng, f"{Q}{kind}", "count" if kind == "StepCount" else "km", value,
                          day, s, s + rng.randint(60, 470), watch=False))
    return out


def heart_rate(rng: random.Random, day: date, index: int) -> list[str]:
    meta = '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="{}"/>\n'
    seconds = list(range(0, 86400, 300))
    if is_run_day(index):  # dense readings through the run
        seconds += range(RUN_START_S, RUN_START_S + RUN_MINUTES * 60 + 1, 5)
    out = []
    for s in sorted(set(seconds)):
        running = RUN_START_S <= s <= RUN_START_S + RUN_MINUTES * 60 and is_run_day(index)
        bpm = rng.randint(135, 172) if running else rng.randint(52, 95)
        out.append(record(rng, f"{Q}HeartRate", "count/min", str(bpm), day, s, s,
                          children=meta.format(2 if running else rng.choice((0, 1)))))
    return out


def hrv(rng: random.Random, day: date, index: int) -> list[str]:
    out = []
    for s in (3 * 3600 + 600, 9 * 3600, 14 * 3600, 21 * 3600):
        beats = "".join(f'     <InstantaneousBeatsPerMinute bpm="{rng.randint(50, 70)}" '
                        f'time="{s // 3600 % 12 or 12}:{s // 60 % 60:02d}:{i:02d}.{rng.randint(0, 99):02d} AM"/>\n'
                        for i in range(0, 60, 1))
        children = f"   <HeartRateVariabilityMetadataList>\n{beats}   </HeartRateVariabilityMetadataList>\n"
        out.append(record(rng, f"{Q}HeartRateVariabilitySDNN", "ms", f"{rng.uniform(25, 90):.4f}",
                          day, s, s + 60, children=children))
    return out


def sleep(rng: random.Random, day: date, index: int) -> list[str]:
    meta = '  <MetadataEntry key="HKTimeZone" value="America/Los_Angeles"/>\n'
    stages = ("AsleepCore", "AsleepDeep", "AsleepCore", "AsleepREM", "Awake", "AsleepCore",
              "AsleepREM", "AsleepCore")
    out, s = [], -2 * 3600 + rng.randint(-900, 900)  # from ~22:00 the evening before
    for stage in stages:
        length = rng.randint(1800, 4500)
        out.append(record(rng, "HKCategoryTypeIdentifierSleepAnalysis", "",
                          f"HKCategoryValueSleepAnalysis{stage}", day, s, s + length,
                          children=meta).replace(' unit=""', ""))
        s += length
    return out


def daily(rng: random.Random, day: date, index: int) -> list[str]:
    out = [record(rng, f"{Q}RestingHeartRate", "count/min", str(rng.randint(44, 58)), day,
                  7 * 3600, 7 * 3600 + 60)]
    out += [record(rng, f"{Q}DietaryWater", "mL", str(rng.randint(200, 900)), day, s, s,
                   watch=False) for s in (9 * 3600, 13 * 3600, 19 * 3600)]
    out += [record(rng, f"{Q}DietaryEnergyConsumed", "kcal", f"{rng.uniform(300, 1100):.1f}",
                   day, s, s, watch=False) for s in (8 * 3600, 13 * 3600, 20 * 3600)]
    if index % 7 == 0:
        out.append(record(rng, f"{Q}BodyMass", "kg", f"{rng.uniform(61, 64):.1f}", day,
                          7 * 3600, 7 * 3600, watch=False))
    return out


# Records are grouped by type (one pass over the days each), as Apple writes them.
PASSES = [
    lambda r, d, i: energy(r, d, i, "ActiveEnergyBurned", 150),
    lambda r, d, i: energy(r, d, i, "BasalEnergyBurned", 240),
    lambda r, d, i: walking(r, d, i, "StepCount"),
    lambda r, d, i: walking(r, d, i, "DistanceWalkingRunning"),
    heart_rate, hrv, daily, sleep,
]


def workout(day: date, index: int, route: str | None) -> str:
    start, end = RUN_START_S, RUN_START_S + RUN_MINUTES * 60
    body = ('  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
            '  <MetadataEntry key="HKTimeZone" value="America/Los_Angeles"/>\n'
            f'  <WorkoutStatistics type="{Q}HeartRate" startDate="{stamp(day, start)}" '
            f'endDate="{stamp(day, end)}" average="152" minimum="120" maximum="172" '
            'unit="count/min"/>\n')
    if route:
        body += (f'  <WorkoutRoute sourceName="{WATCH}" sourceVersion="8.5">\n'
                 f'   <FileReference path="/workout-routes/{route}"/>\n  </WorkoutRoute>\n')
    return (f' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" '
            f'duration="{RUN_MINUTES}" durationUnit="min" totalDistance="{7.2 + index % 5 * 0.4:.1f}" '
            'totalDistanceUnit="km" totalEnergyBurned="520" totalEnergyBurnedUnit="kcal" '
            f'sourceName="{WATCH}" sourceVersion="8.5" creationDate="{stamp(day, end + 60)}" '
            f'startDate="{stamp(day, start)}" endDate="{stamp(day, end)}">\n{body} </Workout>\n')


def route_gpx(rng: random.Random, day: date) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Apple Health '
             'Export" xmlns="http://www.topografix.com/GPX/1/1">\n  <metadata>\n    <time>'
             f'{utc_stamp(day, RUN_START_S)}</time>\n  </metadata>\n  <trk>\n    <name>Route '
             f'{day.isoformat()}</name>\n    <trkseg>\n']
    lat, lon, ele = 37.7816 + rng.uniform(-0.01, 0.01), -122.3964, 4.0
    for s in range(RUN_START_S + 1, RUN_START_S + RUN_MINUTES * 60, 2):
        lat, lon = lat + rng.uniform(0, 4e-5), lon + rng.uniform(-1e-5, 3e-5)
        ele += rng.uniform(-0.3, 0.3)
        lines.append(f'      <trkpt lon="{lon:.6f}" lat="{lat:.6f}"><ele>{ele:.6f}</ele><time>'
                     f'{utc_stamp(day, s)}</time><extensions><speed>{rng.uniform(2.5, 3.3):.6f}'
                     f'</speed><course>{rng.uniform(0, 360):.6f}</course><hAcc>'
                     f'{rng.uniform(3, 9):.6f}</hAcc><vAcc>{rng.uniform(2, 7):.6f}</vAcc>'
                     '</extensions></trkpt>\n')
    lines.append("    </trkseg>\n  </trk>\n</gpx>\n")
    return "".join(lines).encode()


def day_bytes() -> int:
    """Bytes of export.xml per day of data (one sample day of each pass, averaged)."""
    rng = random.Random(0)
    per_day = [sum(len(line.encode()) for i in range(WORKOUT_EVERY_DAYS)
                   for line in one(rng, FIRST_DAY, i)) / WORKOUT_EVERY_DAYS for one in PASSES]
    return int(sum(per_day)) + 400  # + workouts and rings


def build(path: Path, megabytes: int) -> None:
    """Write ``path`` as a stream: export.xml of about ``megabytes`` MB, then the routes."""
    days = [FIRST_DAY + timedelta(days=i) for i in range(max(1, megabytes * 10**6 // day_bytes()))]
    partial = path.with_suffix(".partial")
    routes: list[tuple[str, date]] = []
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("apple_health_export/export.xml", "w", force_zip64=True) as out:
            out.write(DTD.encode())
            for number, one in enumerate(PASSES):
                for index, day in enumerate(days):
                    rng = random.Random(number * 1_000_003 + index)
                    out.write("".join(one(rng, day, index)).encode())
            for index, day in enumerate(days):
                if not is_run_day(index):
                    continue
                route = None
                if index // WORKOUT_EVERY_DAYS % ROUTE_EVERY_WORKOUTS == 0:
                    route = f"route_{day.isoformat()}_6.05pm.gpx"
                    routes.append((route, day))
                out.write(workout(day, index, route).encode())
            for index, day in enumerate(days):
                rng = random.Random(index)
                out.write(f' <ActivitySummary dateComponents="{day.isoformat()}" '
                          f'activeEnergyBurned="{rng.uniform(300, 900):.3f}" '
                          'activeEnergyBurnedGoal="630" activeEnergyBurnedUnit="kcal" '
                          'appleExerciseTime="40" appleExerciseTimeGoal="30" appleStandHours="13" '
                          'appleStandHoursGoal="12"/>\n'.encode())
            out.write(b"</HealthData>\n")
        zf.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
        for name, day in routes:
            zf.writestr(f"apple_health_export/workout-routes/{name}",
                        route_gpx(random.Random(day.toordinal()), day))
    partial.replace(path)


def build_level0(source: Path, path: Path) -> None:
    """``source``'s members again, deflated at level 0 (no compression): the same export as
    a zip about as big as its content."""
    partial = path.with_suffix(".partial")
    with zipfile.ZipFile(source) as zin, \
            zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=0) as zout:
        for info in zin.infolist():
            with zin.open(info) as member, zout.open(info.filename, "w", force_zip64=True) as out:
                while chunk := member.read(1 << 20):
                    out.write(chunk)
    partial.replace(path)


def build_garmin(path: Path, megabytes: int) -> None:
    """A Garmin Connect export whose ``UploadedFiles`` zip (written as a stream, stored in
    the outer zip as Garmin's are) holds ``megabytes`` MB of copies of one real upload."""
    fit = GARMIN_FIT.read_bytes()
    partial = path.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as outer:
        info = zipfile.ZipInfo(GARMIN_UPLOADS, (2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        with outer.open(info, "w", force_zip64=True) as member, \
                zipfile.ZipFile(member, "w", zipfile.ZIP_DEFLATED) as inner:
            written, copy = 0, 0
            while written < megabytes * 10**6:
                inner.writestr(f"{copy}_ACTIVITY.fit", fit)
                written, copy = written + inner.getinfo(f"{copy}_ACTIVITY.fit").compress_size, copy + 1
        outer.writestr("DI_CONNECT/DI-Connect-User/user_profile.json", "{}")
    partial.replace(path)


def archive(case: str, megabytes: int, rebuild: bool) -> Path:
    """The archive of a case, built if missing (or asked to)."""
    OUT.mkdir(parents=True, exist_ok=True)
    name = {"garmin": f"garmin-export-{megabytes}mb.zip",
            "big-level0": f"apple-export-{megabytes}mb-level0.zip"}.get(
        case, f"apple-export-{megabytes}mb.zip")
    path = OUT / name
    if rebuild or not path.exists():
        if case == "big-level0":
            source = archive("big", megabytes, False)
        started = time.perf_counter()
        print(f"building {path.relative_to(REPO)} ...", flush=True)
        if case == "garmin":
            build_garmin(path, megabytes)
        elif case == "big-level0":
            build_level0(source, path)
        else:
            build(path, megabytes)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


# --- importing ---------------------------------------------------------------------------
def import_once(path: Path, pythonpath: str | None) -> dict[str, object]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (pythonpath, env.get("PYTHONPATH")) if p)
    with tempfile.TemporaryDirectory(dir=OUT, prefix="home-") as home:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", CHILD, str(path), home], env=env,
                              capture_output=True, text=True)
        wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"import of {path} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = wall
    return result


def content_size(path: Path) -> int:
    """Uncompressed bytes in the archive, nested zips' content included."""
    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.filename.endswith(".zip"):
                with zf.open(info) as member, zipfile.ZipFile(io.BytesIO(member.read())) as inner:
                    total += sum(i.file_size for i in inner.infolist())
            else:
                total += info.file_size
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small-mb", type=int, default=200, help="export.xml of 'small'")
    parser.add_argument("--big-mb", type=int, default=1800,
                        help="export.xml of 'big' and 'big-level0'")
    parser.add_argument("--garmin-mb", type=int, default=600, help="uploads zip of 'garmin'")
    parser.add_argument("--only", choices=CASES, action="append",
                        help="run only these cases (repeatable)")
    parser.add_argument("--rebuild", action="store_true", help="build the archives again")
    parser.add_argument("--pythonpath", help="import heavylegs from here (a before/after run)")
    args = parser.parse_args()
    sizes = {"small": args.small_mb, "big": args.big_mb, "big-level0": args.big_mb,
             "garmin": args.garmin_mb}
    cases = [c for c in CASES if not args.only or c in args.only]
    if "garmin" in cases and not GARMIN_FIT.is_file():
        print(f"note: {GARMIN_FIT} not found (the shared corpus); the garmin case is skipped")
        cases.remove("garmin")
    paths = {case: archive(case, sizes[case], args.rebuild) for case in cases}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"heavylegs from {args.pythonpath or 'this checkout'}")
    print(f"{'case':>10} {'zip MB':>8} {'content MB':>10} {'wall s':>8} {'cpu s':>8} "
          f"{'peak RSS MB':>12} {'activities':>10} {'daily values':>12}")
    for case, path in paths.items():
        result = import_once(path, args.pythonpath)
        counts = result["counts"]
        print(f"{case:>10} {path.stat().st_size / 1e6:8.0f} {content_size(path) / 1e6:10.0f} "
              f"{result['process_wall_s']:8.1f} {result['cpu_s']:8.1f} "
              f"{result['peak_rss_kb'] / 1024:12.0f} {counts.get('activities', 0):>10} "
              f"{counts.get('daily_values', '?'):>12}", flush=True)
        if result["failed"]:
            print(f"  failed: {result['failed']}")
    print(f"target: peak RSS < {TARGET_RSS_MB:.0f} MB however big the archive, about the same "
          "for every case")
    return 0


if __name__ == "__main__":
    sys.exit(main())
