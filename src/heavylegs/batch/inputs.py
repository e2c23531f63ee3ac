"""An athlete's folder: the files `heavylegs import` reads, plus ``profile.toml`` (profile
keys) and ``gear.csv`` (name,kind,from,to,start_km,limit_km), both optional."""

from __future__ import annotations

import csv
import hashlib
import io
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from heavylegs.core.profile import KEYS as PROFILE_KEYS

PROFILE_FILE = "profile.toml"
GEAR_FILE = "gear.csv"
GEAR_COLUMNS = ("name", "kind", "from", "to", "start_km", "limit_km")


@dataclass
class Settings:
    """What ``profile.toml`` and ``gear.csv`` hold, and their problems (path, reason)."""

    profile: dict[str, str] = field(default_factory=dict)
    gear: list[dict[str, object]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def athletes(root: Path) -> list[str]:
    """The athlete ids: the names of ROOT's folders (hidden ones left out), sorted."""
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def is_setting(folder: Path, path: Path) -> bool:
    return path.parent == folder and path.name in (PROFILE_FILE, GEAR_FILE)


def file_hashes(paths: list[Path]) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def read_settings(profile_text: bytes | None, gear_text: bytes | None, where: str) -> Settings:
    """Parse the two settings files' bytes (``where``: the athlete folder, for messages)."""
    out = Settings()
    if profile_text is not None:
        _profile(profile_text, f"{where}/{PROFILE_FILE}", out)
    if gear_text is not None:
        _gear(gear_text, f"{where}/{GEAR_FILE}", out)
    return out


def _profile(data: bytes, path: str, out: Settings) -> None:
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        out.errors.append((path, f"not a TOML file ({exc}); accepted: key = value lines with profile keys"))
        return
    for key, value in table.items():
        if key not in PROFILE_KEYS:
            out.errors.append((path, f"unknown profile key {key!r}; accepted: {', '.join(PROFILE_KEYS)}"))
        elif isinstance(value, bool | dict | list):
            out.errors.append((path, f"{key}: {value!r} is not a single value"))
        else:
            out.profile[key] = str(value)


def _gear(data: bytes, path: str, out: Settings) -> None:
    try:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error) as exc:
        out.errors.append((path, f"not a CSV file ({exc}); accepted columns: {', '.join(GEAR_COLUMNS)}"))
        return
    for line, row in enumerate(rows, start=2):
        try:
            out.gear.append(_gear_row(row))
        except ValueError as exc:
            out.errors.append((f"{path}:{line}", f"{exc}; accepted columns: {', '.join(GEAR_COLUMNS)} "
                                                 "(dates YYYY-MM-DD, km numbers; only name required)"))


def _gear_row(row: dict[str, str | None]) -> dict[str, object]:
    def text(key: str) -> str:
        return (row.get(key) or "").strip()

    if not text("name"):
        raise ValueError("name is empty")
    day = {k: date.fromisoformat(text(k)) if text(k) else None for k in ("from", "to")}
    return {"name": text("name"), "kind": text("kind") or "shoes", "from_date": day["from"], "to_date": day["to"],
            "start_km": float(text("start_km") or 0.0),
            "limit_km": float(text("limit_km")) if text("limit_km") else None}
