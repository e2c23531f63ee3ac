"""A minimal FIT activity writer for simulated runs (FIT protocol 2.0, little-endian).

A file is a 14-byte header (size, protocol and profile version, data size, ``.FIT``,
header CRC), definition and data messages, and a CRC over everything before it. This
writer emits, in order: ``file_id`` (type activity, manufacturer ``development``), one
``record`` per sample (timestamp, position in semicircles, distance, enhanced speed and
altitude, heart rate, cadence per leg, temperature and, for runners with a dynamics pod,
stance time, vertical oscillation and stance-time balance), one ``lap``, one ``session``
and the ``activity`` message (whose ``local_timestamp`` gives the UTC offset). Values
missing in a sample (a pod reads nothing while the runner stands) are FIT's invalid
value for the field's base type.

Data messages are packed as numpy structured arrays (one row per record, no padding),
so a two-hour run of 2,500 records packs in well under a millisecond. The CRC is
FIT's CRC-16 (reflected polynomial 0xA001, initial value 0), fed 16 bits at a time
through a 65,536-entry table: a 16-bit register XORed with 16 data bits is shifted
out completely, so two bytes cost one table lookup.

>>> crc16(b"123456789") == 0xBB3D  # the CRC-16/ARC check value
True
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from heavylegs.sim.runs import SimActivity

FIT_EPOCH_S = 631_065_600  # 1989-12-31T00:00:00Z in Unix seconds
PROTOCOL_VERSION = 0x20
PROFILE_VERSION = 2132
SEMICIRCLES_PER_DEG = 2**31 / 180.0
MANUFACTURER_DEVELOPMENT = 255
SPORT_RUNNING, EVENT_LAP, EVENT_SESSION, EVENT_ACTIVITY, EVENT_TYPE_STOP = 1, 9, 8, 26, 1

# base type -> (FIT code, numpy dtype, invalid value)
BASE: dict[str, tuple[int, str, int]] = {
    "enum": (0x00, "u1", 0xFF), "sint8": (0x01, "i1", 0x7F), "uint8": (0x02, "u1", 0xFF),
    "uint16": (0x84, "<u2", 0xFFFF), "sint32": (0x85, "<i4", 0x7FFFFFFF),
    "uint32": (0x86, "<u4", 0xFFFFFFFF), "uint32z": (0x8C, "<u4", 0),
}
Field = tuple[int, str, object]  # field number, base type, raw value(s) (see ``raw``)
# lap / session field numbers of the totals they both carry
_LAP = {"avg_hr": 15, "max_hr": 16, "cadence": 17, "ascent": 21, "descent": 22}
_SESSION = {"avg_hr": 16, "max_hr": 17, "cadence": 18, "ascent": 22, "descent": 23}


def _crc_table() -> list[int]:
    x = np.arange(1 << 16, dtype=np.uint32)
    for _ in range(16):
        x = (x >> 1) ^ (np.uint32(0xA001) * (x & 1))
    return x.tolist()


_TABLE16 = _crc_table()


def crc16(data: bytes, crc: int = 0) -> int:
    """FIT's CRC-16 of ``data``, continuing from ``crc``."""
    table, even = _TABLE16, len(data) & ~1
    for word in np.frombuffer(data, "<u2", even // 2).tolist():
        crc = table[crc ^ word]
    if even < len(data):  # a last odd byte: XOR it in and shift its 8 bits out
        crc ^= data[-1]
        for _ in range(8):
            crc = (crc >> 1) ^ (0xA001 if crc & 1 else 0)
    return crc


def raw(values: np.ndarray | float, base: str, scale: float = 1.0, offset: float = 0.0) -> np.ndarray:
    """Physical values as raw field values; ``nan`` becomes the invalid value."""
    _, dtype, invalid = BASE[base]
    scaled = (np.asarray(values, dtype=float) + offset) * scale
    info = np.iinfo(np.dtype(dtype))
    ok = np.isfinite(scaled) & (scaled >= info.min) & (scaled <= info.max)
    return np.where(ok, np.rint(np.where(ok, scaled, 0.0)), invalid).astype(dtype)


def message(local: int, global_num: int, fields: Sequence[Field]) -> bytes:
    """A definition message and its data message(s): one per row of the values."""
    head = struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields))
    dtype = [("header", "u1")]
    for k, (num, base, _) in enumerate(fields):
        code, fmt, _ = BASE[base]
        head += bytes((num, np.dtype(fmt).itemsize, code))
        dtype.append((f"f{k}", fmt))
    columns = [np.atleast_1d(np.asarray(v)).astype(BASE[base][1]) for _, base, v in fields]
    rows = np.zeros(max(c.size for c in columns), dtype=np.dtype(dtype))
    rows["header"] = local
    for k, column in enumerate(columns):
        rows[f"f{k}"] = column
    return head + rows.tobytes()


def fit_time(moment: datetime) -> int:
    return int(moment.timestamp()) - FIT_EPOCH_S


def fit_bytes(a: SimActivity, weight_kg: float, serial: int = 1) -> bytes:
    """The activity as a FIT file."""
    start = fit_time(a.start)
    body = message(0, 0, [(0, "enum", 4), (1, "uint16", MANUFACTURER_DEVELOPMENT),
                          (2, "uint16", 1), (3, "uint32z", serial), (4, "uint32", start)])
    body += message(1, 20, _record_fields(a, start))
    end = start + int(a.duration_s)
    totals = _totals(a, start, end, weight_kg)
    body += message(2, 19, [(254, "uint16", 0), (0, "enum", EVENT_LAP), *totals,
                            *_effort(a, _LAP), (25, "enum", SPORT_RUNNING)])
    body += message(3, 18, [(254, "uint16", 0), (0, "enum", EVENT_SESSION), *totals,
                            *_effort(a, _SESSION), (5, "enum", SPORT_RUNNING),
                            (6, "enum", 0), (25, "uint16", 0), (26, "uint16", 1)])
    body += message(4, 34, [(253, "uint32", end),
                            (0, "uint32", raw(a.duration_s, "uint32", 1e3)), (1, "uint16", 1), (2, "enum", 0), (3, "enum", EVENT_ACTIVITY),
                            (4, "enum", EVENT_TYPE_STOP), (5, "uint32", end + a.utc_offset_s)])
    header = struct.pack("<BBHI4s", 14, PROTOCOL_VERSION, PROFILE_VERSION, len(body), b".FIT")
    header += struct.pack("<H", crc16(header))
    return header + body + struct.pack("<H", crc16(body, crc16(header)))


def _record_fields(a: SimActivity, start: int) -> list[Field]:
    fields: list[Field] = [
        (253, "uint32", (start + a.elapsed_s).astype("<u4")),
        (0, "sint32", raw(a.lat_deg, "sint32", SEMICIRCLES_PER_DEG)),
        (1, "sint32", raw(a.lon_deg, "sint32", SEMICIRCLES_PER_DEG)),
        (5, "uint32", raw(a.distance_m, "uint32", 100)),
        (73, "uint32", raw(a.speed_mps, "uint32", 1000)),
        (78, "uint32", raw(a.altitude_m, "uint32", 5, 500)),
        (3, "uint8", raw(a.heart_rate_bpm, "uint8")),
        (4, "uint8", raw(a.cadence_spm / 2, "uint8")),
    ]
    if a.temperature_c is not None:
        fields.append((13, "sint8", raw(a.temperature_c, "sint8")))
    if a.stance_time_ms is not None:
        fields += [(39, "uint16", raw(a.vertical_oscillation_mm, "uint16", 10)),
                   (41, "uint16", raw(a.stance_time_ms, "uint16", 10)),
                   (84, "uint16", raw(a.stance_balance_pct, "uint16", 100))]
    return fields


def _totals(a: SimActivity, start: int, end: int, weight_kg: float) -> list[Field]:
    """Lap and session totals with the same field numbers in both."""
    return [
        (253, "uint32", end), (1, "enum", EVENT_TYPE_STOP), (2, "uint32", start),
        (3, "sint32", raw(a.lat_deg[:1], "sint32", SEMICIRCLES_PER_DEG)),
        (4, "sint32", raw(a.lon_deg[:1], "sint32", SEMICIRCLES_PER_DEG)),
        (7, "uint32", raw(a.duration_s, "uint32", 1e3)),
        (8, "uint32", raw(a.duration_s, "uint32", 1e3)),
        (9, "uint32", raw(a.distance_m[-1], "uint32", 100)),
        (11, "uint16", raw(weight_kg * a.distance_km, "uint16")),
    ]


def _effort(a: SimActivity, numbers: dict[str, int]) -> list[Field]:
    """Average and maximum HR, average cadence (per leg, moving), ascent and descent."""
    climb = np.diff(a.altitude_m)
    moving = a.cadence_spm > 0
    return [
        (numbers["avg_hr"], "uint8", raw(float(np.mean(a.heart_rate_bpm)), "uint8")),
        (numbers["max_hr"], "uint8", raw(float(np.max(a.heart_rate_bpm)), "uint8")),
        (numbers["cadence"], "uint8", raw(float(np.mean(a.cadence_spm[moving])) / 2, "uint8")),
        (numbers["ascent"], "uint16", raw(float(climb[climb > 0].sum()), "uint16")),
        (numbers["descent"], "uint16", raw(float(-climb[climb < 0].sum()), "uint16")),
    ]
