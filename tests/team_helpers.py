"""The team job's test set: six athlete folders (simulated runners with injected causes,
one with a corrupt file, one with a one-sided swollen calf, one with real FIT files), and
the per-athlete reference: `heavylegs why --json` on a workspace that imported the folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from heavylegs import scenarios, sim

DATA = Path(__file__).parent / "data" / "activities"
SIMULATED = {  # athlete -> (seed, kind, injections)
    "ana-overtraining": (301, "recreational", ("overtraining",)),
    "ben-spike": (302, "novice", ("spike",)),
    "cai-calf": (7001, "recreational", ("calf-swelling",)),
    "dee-corrupt": (303, "recreational", ("short-sleep",)),
}
REAL_FIT = ("garmin-fenix-5-run.fit", "2013-02-06-12-11-14.fit", "garmin-fenix-5-walk.fit")
CORRUPT = "2026-02-01-broken.fit"


def _simulated(folder: Path, seed: int, kind: str, injections: tuple[str, ...], weeks: int) -> None:
    scenario = sim.Scenario(seed=seed, start=scenarios.START, weeks=weeks, kind=kind, injections=injections,
                            formats="mixed")
    result = sim.simulate(scenario)
    sim.write_files(result, folder)
    r = result.runner
    (folder / "profile.toml").write_text(f'sex = "{r.sex}"\nbirth_year = {r.birth_year}\ntimezone = "{r.home.tz}"\n')
    lines = ["name,kind,from,to,start_km,limit_km"]
    for shoe in result.shoes:
        retired = result.retired(shoe)
        lines.append(f"{shoe.name},shoes,{shoe.from_date},{retired or ''},{shoe.start_km},")
    (folder / "gear.csv").write_text("\n".join(lines) + "\n")


def build_root(root: Path, weeks: int = 8) -> Path:
    """The six athletes' folders under ``root``."""
    for name, (seed, kind, injections) in SIMULATED.items():
        _simulated(root / name, seed, kind, injections, weeks)
    fit = next((root / "dee-corrupt").rglob("*.fit"), None) or next((root / "dee-corrupt").rglob("*.tcx"))
    (root / "dee-corrupt" / CORRUPT).write_bytes(b"\x0e\x10" + fit.read_bytes()[2:200] + b"\x00" * 7)
    _simulated(root / "eve-healthy", 304, "advanced", (), weeks)
    real = root / "fay-real-fit"
    real.mkdir(parents=True)
    for name in REAL_FIT:
        shutil.copyfile(DATA / name, real / name)
    (real / "profile.toml").write_text('sex = "male"\nbirth_year = 1980\n')
    return root


def why_json_of(folder: Path, home: Path) -> dict:
    """`heavylegs why --json` on a workspace that imported ``folder`` (profile.toml by
    `profile set`, gear.csv by `gear add`, the rest by `import`), through the CLI."""
    import tomllib

    from heavylegs.cli import main

    args = ["--home", str(home)]
    if (folder / "profile.toml").exists():
        items = [f"{k}={v}" for k, v in tomllib.loads((folder / "profile.toml").read_text()).items()]
        assert main(["profile", "set", *items, *args]) == 0
    if (folder / "gear.csv").exists():
        for line in (folder / "gear.csv").read_text().splitlines()[1:]:
            name, kind, start, end, km, _ = line.split(",")
            extra = (["--from", start] if start else []) + (["--to", end] if end else [])
            assert main(["gear", "add", name, "--kind", kind, "--start-km", km, *extra, *args]) == 0
    files = [str(p) for p in sorted(folder.iterdir()) if p.name not in ("profile.toml", "gear.csv")]
    main(["import", *files, *args])
    return json.loads(_capture(lambda: main(["why", "--json", *args])))


def _capture(fn) -> str:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert fn() == 0
    return buf.getvalue()
