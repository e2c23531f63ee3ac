"""Device values land in the daily table with their source; the runner's log wins."""

from __future__ import annotations

from datetime import date

from heavylegs.core.wellness import DailyValue
from heavylegs.importers.bundle import Bundle, Unit


def test_device_values_fill_gaps_and_the_log_wins(workspace) -> None:
    d1, d2 = date(2026, 3, 1), date(2026, 3, 2)
    bundle = Bundle(kind="wellness", daily_values=[
        DailyValue(d1, "sleep_h", 7.25, "garmin"), DailyValue(d2, "sleep_h", 6.0, "garmin"),
        DailyValue(d2, "sleep_h", 6.5, "oura"), DailyValue(d1, "resting_hr_bpm", 48.4, "garmin"),
        DailyValue(d2, "hrv_sdnn_ms", 61.0, "apple-health")])
    from heavylegs.storage import repo

    repo.save_bundle(workspace.conn, Unit("w.json", "ab" * 32, 10, lambda: bundle), bundle, [])
    log = Bundle(kind="daily-log", log_rows=[{"date": d1, "sleep_h": 5.5, "heaviness": 6}])
    repo.save_bundle(workspace.conn, Unit("log.csv", "cd" * 32, 10, lambda: log), log, [])
    table = workspace.daily_table(d2)
    rows = {r["date"]: r for r in table.iter_rows(named=True)}
    assert rows[d1]["sleep_h"] == 5.5 and rows[d1]["sleep_h_source"] == "log"
    assert rows[d2]["sleep_h"] == 6.5 and rows[d2]["sleep_h_source"] == "oura"
    assert rows[d1]["resting_hr_bpm"] == 48 and rows[d1]["resting_hr_bpm_source"] == "garmin"
    assert rows[d2]["hrv_sdnn_ms"] == 61.0 and rows[d2]["hrv_sdnn_ms_source"] == "apple-health"
