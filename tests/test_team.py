"""`heavylegs team run`: six athletes (simulated with injected causes, a corrupt file, a
one-sided swollen calf, real FIT files) give, on both engines, the answer `why --json`
gives on a workspace that imported the athlete's folder; the roster puts the red flag
first; the corrupt file is in errors.csv and its athlete is still answered."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from heavylegs.batch import decode, inputs, local
from heavylegs.cli import main
from heavylegs.dates import latest
from team_helpers import CORRUPT, REAL_FIT, build_root, why_json_of


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_root(tmp_path_factory.mktemp("team") / "root")


@pytest.fixture(scope="module")
def local_out(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("team") / "out"
    assert main(["team", "run", str(root), "--out", str(out), "--workers", "2"]) == 0
    return out


@pytest.fixture(scope="module")
def reference(root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    homes = tmp_path_factory.mktemp("homes")
    return {a: why_json_of(root / a, homes / a) for a in inputs.athletes(root)}


def answers(out: Path) -> dict[str, dict]:
    """answers.jsonl (a file, or Spark's folder of part files) by athlete."""
    path = out / "answers.jsonl"
    files = sorted(path.glob("part-*")) if path.is_dir() else [path]
    lines = [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    return {d["athlete"]: d["answer"] for d in map(json.loads, lines)}


def test_local_answers_equal_why_json_per_athlete(local_out: Path, reference: dict[str, dict]) -> None:
    got = answers(local_out)
    assert sorted(got) == sorted(reference) and len(got) == 6
    for athlete, body in reference.items():
        assert got[athlete] == body, athlete
    by_file = json.loads((local_out / "answers" / "ana-overtraining.json").read_text())
    assert by_file == reference["ana-overtraining"]
    parquet = pl.read_parquet(local_out / "answers.parquet")
    assert json.loads(parquet.filter(pl.col("athlete") == "cai-calf")["answer"][0]) == reference["cai-calf"]


def test_roster_puts_the_red_flag_first(local_out: Path) -> None:
    rows = list(csv.DictReader((local_out / "roster.csv").open()))
    assert list(rows[0])[0] == "athlete" and len(rows) == 6
    assert rows[0]["athlete"] == "cai-calf" and rows[0]["triage_tier"] == "urgent"
    assert rows[0]["triage_rule"] and rows[0]["triage_reported"]
    assert all(r["triage_tier"] == "" for r in rows[1:])
    heavy = [float(r["heaviness"]) for r in rows[1:] if r["heaviness"]]
    assert heavy == sorted(heavy, reverse=True)
    ana = next(r for r in rows if r["athlete"] == "ana-overtraining")
    assert ana["top_finding"] == "overtraining" and ana["score"] and ana["confidence"]
    assert ana["days_since_activity"] != "" and ana["most_useful_missing"]
    page = (local_out / "roster.html").read_text()
    assert page.index("cai-calf") < page.index("ana-overtraining")
    assert "href='answers/cai-calf.json'" in page and '<script src="roster.js">' in page
    assert "http" not in page and (local_out / "roster.js").exists()


def test_corrupt_file_is_reported_and_its_athlete_answered(local_out: Path) -> None:
    errors = list(csv.DictReader((local_out / "errors.csv").open()))
    assert [(e["athlete"], e["path"]) for e in errors] == [("dee-corrupt", f"dee-corrupt/{CORRUPT}")]
    assert "\n" not in errors[0]["reason"] and "FIT" in errors[0]["reason"]
    assert "dee-corrupt" in answers(local_out)


def test_tables_are_keyed_by_athlete_with_file_hashes(local_out: Path) -> None:
    files = pl.read_parquet(local_out / "tables" / "files" / "*.parquet")
    assert set(files["athlete"]) == {"ana-overtraining", "ben-spike", "cai-calf", "dee-corrupt", "eve-healthy",
                                     "fay-real-fit"}
    assert files["sha256"].str.len_chars().unique().to_list() == [64]
    acts = pl.read_parquet(local_out / "tables" / "activities" / "*.parquet")
    assert acts.columns[0] == "athlete" and acts.filter(pl.col("athlete") == "fay-real-fit").height == 3


def test_rerun_decodes_only_new_files(root: Path, local_out: Path, tmp_path: Path) -> None:
    copy = tmp_path / "root"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("dee-corrupt", "ana-*", "ben-*", "cai-*", "eve-*"))
    out = tmp_path / "out"
    first = local.run(copy, out, None, latest(), workers=1, progress=False)
    assert (first.files_decoded, first.files_unchanged) == (3, 0)
    again = local.run(copy, out, None, latest(), workers=1, progress=False)
    assert (again.files_decoded, again.files_unchanged) == (0, 3)
    shutil.copyfile(Path(__file__).parent / "data" / "activities" / "activity_5039744860.tcx",
                    copy / "fay-real-fit" / "ride.tcx")
    third = local.run(copy, out, None, latest(), workers=1, progress=False)
    assert (third.files_decoded, third.files_unchanged) == (1, 3)
    (copy / "fay-real-fit" / "ride.tcx").unlink()  # a removed file: the athlete is rebuilt without it
    fourth = local.run(copy, out, None, latest(), workers=2, progress=False)
    assert (fourth.files_decoded, fourth.files_unchanged) == (3, 0)
    assert pl.read_parquet(out / "tables" / "activities" / "*.parquet").height == 3
    shutil.copytree(copy / "fay-real-fit", copy / "gus")  # an athlete added, then gone
    assert local.run(copy, out, None, latest(), workers=1, progress=False).athletes == 2
    assert (out / "work" / "gus").is_dir()
    shutil.rmtree(copy / "gus")
    assert local.run(copy, out, None, latest(), workers=1, progress=False).athletes == 1
    assert not (out / "work" / "gus").exists() and (out / "work" / "fay-real-fit").is_dir()
    assert set(pl.read_parquet(out / "tables" / "files" / "*.parquet")["athlete"]) == {"fay-real-fit"}


def test_bad_settings_are_one_line_errors_and_the_rest_completes() -> None:
    got = inputs.read_settings(b'sex = "female"\nshoe_size = 42\n', b"name,kind,from\nA,shoes,2026-13-01\nB,,\n", "x")
    assert got.profile == {"sex": "female"} and [g["name"] for g in got.gear] == ["B"]
    assert [p for p, _ in got.errors] == ["x/profile.toml", "x/gear.csv:2"]
    assert "accepted" in got.errors[0][1] and "accepted" in got.errors[1][1]


def test_spark_engine_gives_the_same_outputs(root: Path, local_out: Path, reference: dict[str, dict],
                                             spark_session, tmp_path: Path) -> None:
    from heavylegs.batch import spark

    out = tmp_path / "spark"
    summary = spark.run(root, out, None, latest(), "local[2]", spark=spark_session)
    assert summary.athletes == 6 and summary.answered == 6
    got = answers(out)
    for athlete, body in reference.items():
        assert got[athlete] == body, athlete
    for name in ("roster.csv", "roster.html", "errors.csv", "roster.js"):
        assert (out / name).read_bytes() == (local_out / name).read_bytes(), name
    for table, schema in decode.SCHEMAS.items():
        a = pl.read_parquet(local_out / "tables" / table / "*.parquet")
        b = pl.read_parquet(out / "tables" / table / "*.parquet").select(a.columns)
        assert a.schema == b.schema, table
        key = ["athlete", *[c for c in schema if schema[c] != pl.Binary()]]
        assert a.sort(key).equals(b.sort(key)), table
    assert (summary.files_decoded, summary.files_unchanged) == (first_total := summary.files_decoded, 0)
    # a re-run decodes only the new files: the root moved (same files), then one file added
    moved = tmp_path / "moved"
    shutil.copytree(root, moved)
    again = spark.run(moved, out, None, latest(), "local[2]", spark=spark_session)
    assert (again.files_decoded, again.files_unchanged) == (0, first_total)
    assert answers(out) == got
    shutil.copyfile(Path(__file__).parent / "data" / "activities" / "activity_5039744860.tcx",
                    moved / "fay-real-fit" / "ride.tcx")
    third = spark.run(moved, out, None, latest(), "local[2]", spark=spark_session)
    assert (third.files_decoded, third.files_unchanged) == (1, first_total)
    files = pl.read_parquet(out / "tables" / "files" / "*.parquet").filter(pl.col("athlete") == "fay-real-fit")
    assert sorted(files["path"]) == sorted(f"fay-real-fit/{n}" for n in ("ride.tcx", *REAL_FIT))
    now = answers(out)
    assert now["fay-real-fit"] == why_json_of(moved / "fay-real-fit", tmp_path / "fay-home")
    assert {a: b for a, b in now.items() if a != "fay-real-fit"} == {a: b for a, b in got.items() if a != "fay-real-fit"}
    shutil.rmtree(moved / "fay-real-fit")  # an athlete gone: their rows and kept workspace too
    assert (out / "work" / "cache" / "fay-real-fit").is_dir()
    fourth = spark.run(moved, out, None, latest(), "local[2]", spark=spark_session)
    assert fourth.athletes == 5 and "fay-real-fit" not in answers(out)
    assert not (out / "work" / "cache" / "fay-real-fit").exists() and (out / "work" / "cache" / "eve-healthy").is_dir()
    assert "fay-real-fit" not in set(pl.read_parquet(out / "tables" / "files" / "*.parquet")["athlete"])


def test_most_useful_missing_is_what_unblocks_most_causes_logged_before_labs() -> None:
    from heavylegs.batch.roster import most_useful_missing

    entries = [{"cause": "b-vitamin-deficiency", "missing": ["b12_pg_ml"]},
               {"cause": "low-protein", "missing": ["protein_g"]},
               {"cause": "glycogen-depletion", "missing": ["carbs_g"]},
               {"cause": "low-carbohydrate", "missing": ["carbs_g"]}]
    assert most_useful_missing(entries) == "carbs_g (glycogen-depletion, low-carbohydrate)"
    assert most_useful_missing(entries[:2]) == "protein_g (low-protein)"
    assert most_useful_missing([]) == ""


def test_the_summary_line_counts_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "root" / "solo"
    folder.mkdir(parents=True)
    shutil.copyfile(Path(__file__).parent / "data" / "activities" / "activity_5039744860.tcx", folder / "ride.tcx")
    assert main(["team", "run", str(tmp_path / "root"), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "team: 1 athlete, 1 answered, 1 file decoded, 0 unchanged, no problems"
    (folder / "broken.fit").write_bytes(b"not a FIT file")
    assert main(["team", "run", str(tmp_path / "root"), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"team: 1 athlete, 1 answered, 0 files decoded, 1 unchanged, 1 problem in {tmp_path / 'out' / 'errors.csv'}")


def test_a_red_flag_in_words_logged_days_ago_by_a_sydney_triathlete_in_miles_leads_the_roster(
        root: Path, spark_session, tmp_path: Path) -> None:
    """What a real coach's folder holds: a triathlon (multisport) FIT, a ride, a GPX run at
    16:49 UTC on a Sunday (03:49 on Monday in Sydney), the runner in miles, and a swollen
    calf written in the runner's own words three days before that run. Both engines give
    the answer `why --json` gives, flag the athlete, and put them before a healthy one."""
    from datetime import UTC, datetime

    from heavylegs.batch import spark
    from test_local_time import SYDNEY, run_file

    case = tmp_path / "root"
    shutil.copytree(root / "eve-healthy", case / "eve-healthy")
    gus = case / "gus-sydney"
    gus.mkdir()
    for name in ("6471559601_ACTIVITY.fit", "activity_5039744860.tcx"):
        shutil.copyfile(Path(__file__).parent / "data" / "activities" / name, gus / name)
    run_file(gus, datetime(2026, 11, 1, 16, 49, tzinfo=UTC), "gpx", where=SYDNEY)
    (gus / "notes.csv").write_text("date,notes\n2026-10-30,my left calf is swollen and painful since Sunday\n",
                                   encoding="utf-8")
    (gus / "profile.toml").write_text('timezone = "Australia/Sydney"\nunits = "imperial"\n')
    reference = why_json_of(gus, tmp_path / "gus-home")
    assert reference["date"] == "2026-11-02" and reference["training_advice_withheld"]
    assert [(t["tier"], t["rule"]) for t in reference["triage"]] == [("urgent", "one-sided-calf-swelling")]
    outs = {"local": tmp_path / "local", "spark": tmp_path / "spark"}
    assert local.run(case, outs["local"], None, latest(), workers=2, progress=False).answered == 2
    assert spark.run(case, outs["spark"], None, latest(), "local[2]", spark=spark_session).answered == 2
    for out in outs.values():
        assert answers(out)["gus-sydney"] == reference
        first = next(csv.DictReader((out / "roster.csv").open()))
        assert (first["athlete"], first["triage_tier"], first["triage_rule"], first["triage_reported"]) == (
            "gus-sydney", "urgent", "one-sided-calf-swelling", "2026-10-30"), first
    assert (outs["local"] / "roster.csv").read_bytes() == (outs["spark"] / "roster.csv").read_bytes()


def test_spark_submit_keeps_uris_as_given(spark_session, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/scale.md's spark-submit line passes hdfs:// URIs; a ``Path`` would fold
    ``file:///a`` to ``file:/a`` and read a folder of that name under the working one."""
    from heavylegs.batch import submit

    folder = tmp_path / "root" / "solo"
    folder.mkdir(parents=True)
    shutil.copyfile(Path(__file__).parent / "data" / "activities" / "activity_5039744860.tcx", folder / "ride.tcx")
    out = tmp_path / "out"
    assert submit.main([(tmp_path / "root").as_uri(), "--out", out.as_uri()]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "team: 1 athlete, 1 answered, 1 file decoded, 0 unchanged, no problems", f"roster: {out.as_uri()}/roster.html"]
    assert list(answers(out)) == ["solo"] and (out / "roster.html").is_file()
    assert main(["team", "run", (tmp_path / "root").as_uri(), "--out", str(out)]) == 2
    assert "needs --engine spark" in capsys.readouterr().err


def test_a_second_team_run_into_the_same_out_stops_with_a_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import fcntl

    from heavylegs.batch import job

    folder = tmp_path / "root" / "solo"
    folder.mkdir(parents=True)
    shutil.copyfile(Path(__file__).parent / "data" / "activities" / "activity_5039744860.tcx", folder / "ride.tcx")
    out = tmp_path / "out"
    out.mkdir()
    with (out / job.LOCK_FILE).open("w") as first:  # the first run's hold, as its process has it
        fcntl.flock(first, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert main(["team", "run", str(tmp_path / "root"), "--out", str(out)]) == 2
        assert "another `heavylegs team run` is writing there" in capsys.readouterr().err
        assert not (out / "roster.html").exists()
    assert main(["team", "run", str(tmp_path / "root"), "--out", str(out)]) == 0  # once it is done
    assert (out / "roster.html").is_file()
