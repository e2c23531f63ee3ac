"""The Garmin Connect wellness and Apple Health samples in tests/data/wellness/ (written in
those exports' documented layouts) land in the daily table with the right dates, units and
source. The CSV app exports have their own tests in test_wellness_csv.py."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data" / "wellness"


def _by_day(ws, day: date) -> dict:
    return {r["date"]: r for r in ws.daily_table(day).iter_rows(named=True)}


def test_garmin_wellness_sample(workspace, tmp_path: Path) -> None:
    root = DATA / "garmin-export"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(root.rglob("*.json")):
            zf.write(f, f.relative_to(root).as_posix())
    (tmp_path / "garmin.zip").write_bytes(buf.getvalue())
    report = workspace.import_paths([tmp_path / "garmin.zip"])
    assert report.failed == [] and report.imported == 3
    sleep = json.loads((root / "DI_CONNECT/DI-Connect-Wellness/42_sleepData.json").read_text())
    uds = json.loads((root / "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2013-02-01_2013-05-12.json").read_text())
    days = _by_day(workspace, date(2013, 2, 6))
    for night in sleep:
        day = date.fromisoformat(night["calendarDate"])
        hours = (night["deepSleepSeconds"] + night["lightSleepSeconds"] + night["remSleepSeconds"]) / 3600
        assert days[day]["sleep_h"] == pytest.approx(hours, abs=0.01) and days[day]["sleep_h_source"] == "garmin"
    first = date.fromisoformat(uds[0]["calendarDate"])
    assert days[first]["resting_hr_bpm"] == uds[0]["restingHeartRate"]
    assert days[first]["hrv_rmssd_ms"] == pytest.approx(62.0) and days[first]["hrv_rmssd_ms_source"] == "garmin"


def test_apple_health_sample(workspace) -> None:
    report = workspace.import_paths([DATA / "apple_health_export"])
    assert report.failed == []
    days = _by_day(workspace, date(2019, 6, 12))
    d11, d12 = days[date(2019, 6, 11)], days[date(2019, 6, 12)]
    assert d11["sleep_h"] == pytest.approx(7.25) and d11["sleep_h_source"] == "apple-health"
    assert d12["sleep_h"] == pytest.approx(7.0)
    assert (d11["resting_hr_bpm"], d12["resting_hr_bpm"]) == (49, 51)
    assert d11["hrv_sdnn_ms"] == pytest.approx(52.0)
    assert (d11["carbs_g"], d11["protein_g"], d11["energy_kcal"]) == (350, 100, 1900)
