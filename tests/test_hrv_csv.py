"""HRV4Training and Elite HRV exports → daily resting HR and rMSSD (issue 11, item 7); a CSV
of no known layout fails once; the import bar counts files.

The real exports are GoldenCheetah's test files (GPL-2.0), read from the shared corpus."""

from __future__ import annotations

import io
from datetime import date

import pytest

from heavylegs.importers import dispatch
from heavylegs.importers.wellness_csv import detect

HRV = "GoldenCheetah_GoldenCheetah/test/hrvmeasures"
HRV4T = ["2017_7_28_myMeasurements.csv", "2018_7_8_myMeasurements.csv", "MyMeasurements_Android.csv",
         "MyMeasurements_Android_1.csv", "MyMeasurements_Android_2.csv"]
ELITE = "ElitHRV_Export - 2017-10-02.csv"


def _values(bundle) -> dict[tuple[date, str], float]:
    return {(v.day, v.column): v.value for v in bundle.daily_values}


@pytest.mark.parametrize("name", [*HRV4T, ELITE])
def test_each_real_export_is_recognised_and_read_without_row_errors(corpus, name: str) -> None:
    data = (corpus / HRV / name).read_bytes()
    assert detect(data) == ("elite-hrv" if name == ELITE else "hrv4training")
    bundle = dispatch.bundle_for(name, data)
    assert bundle.kind == "wellness" and bundle.errors == []
    columns = {v.column for v in bundle.daily_values}
    assert columns == {"resting_hr_bpm", "hrv_rmssd_ms"}
    assert {v.source for v in bundle.daily_values} == {"elite-hrv" if name == ELITE else "hrv4training"}


def test_values_and_dates_as_the_apps_wrote_them(corpus) -> None:
    def read(name: str) -> dict:
        return _values(dispatch.bundle_for(name, (corpus / HRV / name).read_bytes()))

    ios = read("2017_7_28_myMeasurements.csv")  # timestamp_measurement only
    assert ios[(date(2017, 4, 1), "hrv_rmssd_ms")] == 67.54 and ios[(date(2017, 4, 1), "resting_hr_bpm")] == 43.92
    assert len(ios) == 2 * 119
    ios18 = read("2018_7_8_myMeasurements.csv")  # CR line ends, "12:01:00 a. m.", '-' on empty days
    assert ios18[(date(2018, 5, 18), "hrv_rmssd_ms")] == 32.62 and (date(2018, 4, 27), "hrv_rmssd_ms") not in ios18
    android = read("MyMeasurements_Android_1.csv")  # YYYY-DD-MM: 2017-27-07
    assert android[(date(2017, 7, 27), "hrv_rmssd_ms")] == 84.24
    assert android[(date(2017, 7, 27), "resting_hr_bpm")] == 45.71
    android2 = read("MyMeasurements_Android_2.csv")  # all-zero rows are days without a reading
    assert min(day for day, _ in android2) == date(2017, 8, 8)
    elite = read(ELITE)  # Rmssd in ms, not Elite HRV's 0-100 "HRV" score
    assert elite[(date(2017, 9, 6), "hrv_rmssd_ms")] == 40.87 and elite[(date(2017, 9, 6), "resting_hr_bpm")] == 50.46


def test_importing_the_five_hrv4training_files_fails_none(corpus, workspace) -> None:
    report = workspace.import_paths([corpus / HRV / n for n in HRV4T])
    assert report.failed == [] and report.imported == 5
    table = workspace.daily_table(date(2017, 4, 7))
    row = {r["date"]: r for r in table.iter_rows(named=True)}[date(2017, 4, 1)]
    assert row["hrv_rmssd_ms"] == 67.54 and row["hrv_rmssd_ms_source"] == "hrv4training"


def test_a_csv_of_no_known_layout_fails_once_naming_its_columns(workspace, tmp_path) -> None:
    rows = "\n".join(f"2024-05-{d:02d},{9000 + d},{70 + d / 10}" for d in range(1, 29))
    path = tmp_path / "export.csv"
    path.write_text("date,Step Count,Weight\n" + rows + "\n")
    report = workspace.import_paths([path])
    assert len(report.failed) == 1
    reason = report.failed[0][1]
    assert "date, Step Count, Weight" in reason
    for layout in ("daily log", "Oura", "WHOOP", "Cronometer", "MyFitnessPal", "HRV4Training", "Elite HRV"):
        assert layout in reason
    nodate = tmp_path / "nodate.csv"
    nodate.write_text("when,what\n1,2\n3,4\n")
    report = workspace.import_paths([nodate])
    assert len(report.failed) == 1 and "when, what" in report.failed[0][1]


def test_a_daily_log_with_a_typo_still_imports_with_its_hint(workspace, tmp_path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("date,heavyness\n2024-05-01,3\n")
    report = workspace.import_paths([path])
    assert report.failed == [] and any("did you mean heaviness" in w for w in report.warnings)


def test_the_import_bar_counts_files_as_files() -> None:
    from rich.console import Console
    from rich.progress import Progress

    from heavylegs.cli import progress_columns

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=120)
    with Progress(*progress_columns(), console=console, auto_refresh=False) as bar:
        task = bar.add_task("import", total=436)
        bar.update(task, completed=5)
        bar.refresh()
    text = buf.getvalue()
    assert "5/436" in text and "files" in text
    assert "bytes" not in text and "kB" not in text and "/s" not in text
