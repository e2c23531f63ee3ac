"""heavylegs' FIT decoder on small FIT files built byte by byte in this test.

``FitBuilder`` is a tiny encoder: definition and data messages (normal or compressed
timestamp headers, either byte order, developer fields), then a header and CRCs. The CRCs
come from the official SDK's CrcCalculator, not from the code under test.
"""

from __future__ import annotations

import random
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from garmin_fit_sdk import CrcCalculator

from heavylegs.errors import CorruptFile, InvalidInput
from heavylegs.importers.fastfit import assemble, decode
from heavylegs.importers.fastfit.crc import crc16

FIT_EPOCH_S = 631065600
T0 = 1_000_000_000  # a FIT timestamp (2021-09-09), low 5 bits = 0
UINT8, UINT16, UINT32, SINT32 = 0x02, 0x84, 0x86, 0x85
ENUM, STRING, BYTE = 0x00, 0x07, 0x0D
_CODES = {0x00: "B", 0x02: "B", 0x84: "H", 0x86: "I", 0x85: "i", 0x0D: "B"}
RECORD, EVENT, SESSION, FILE_ID = 20, 21, 18, 0
HR_RECORD = [(253, 4, UINT32), (3, 1, UINT8)]  # timestamp, heart_rate


def crc(data: bytes) -> int:
    return CrcCalculator.calculate_crc(bytearray(data), 0, len(data))


@dataclass
class FitBuilder:
    """Build FIT bytes: ``define`` then ``data``/``compressed`` messages, then ``build``."""

    body: bytearray = field(default_factory=bytearray)
    layouts: dict[int, tuple[str, list[tuple[int, int, int]], int]] = field(default_factory=dict)

    def define(self, local, global_num, fields, big=False, dev_fields=()):
        header = 0x40 | local | (0x20 if dev_fields else 0)
        self.body += bytes([header, 0, 1 if big else 0])
        self.body += global_num.to_bytes(2, "big" if big else "little")
        self.body += bytes([len(fields)]) + b"".join(bytes(f) for f in fields)
        if dev_fields:
            self.body += bytes([len(dev_fields)]) + b"".join(bytes(f) for f in dev_fields)
        self.layouts[local] = (">" if big else "<", list(fields), sum(f[1] for f in dev_fields))
        return self

    def payload(self, local, values, dev=b""):
        order, fields, dev_size = self.layouts[local]
        out = bytearray()
        for (_, size, base), value in zip(fields, values, strict=True):
            if isinstance(value, bytes):
                out += value.ljust(size, b"\0")
            else:
                out += struct.pack(order + _CODES[base], value)
        return bytes(out) + dev.ljust(dev_size, b"\xee")

    def data(self, local, *values, dev=b""):
        self.body += bytes([local]) + self.payload(local, values, dev)
        return self

    def compressed(self, local, offset, *values):
        self.body += bytes([0x80 | local << 5 | offset]) + self.payload(local, values)
        return self

    def build(self, header_size=14, data_size=None, header_crc=True, file_crc=None):
        size = len(self.body) if data_size is None else data_size
        header = bytearray([header_size, 0x20]) + struct.pack("<HI", 2132, size) + b".FIT"
        if header_size == 14:
            header += struct.pack("<H", crc(header) if header_crc else 0)
        out = bytes(header) + bytes(self.body)
        return out + struct.pack("<H", crc(out) if file_crc is None else file_crc)


def hr_file(rates=(100, 101, 102)) -> bytes:
    fit = FitBuilder().define(0, RECORD, HR_RECORD)
    for i, hr in enumerate(rates):
        fit.data(0, T0 + i, hr)
    return fit.build()


def unix(fit_seconds: int) -> np.datetime64:
    return np.datetime64(fit_seconds + FIT_EPOCH_S, "s")


def test_crc_matches_the_sdk_on_random_bytes() -> None:
    rng = random.Random(7)
    for n in (0, 1, 13, 255, 256, 1001, 70_001):
        data = bytes(rng.getrandbits(8) for _ in range(n))
        assert crc16(data) == crc(data)


def test_record_values_scale_offset_semicircles_and_sentinels() -> None:
    fields = [(253, 4, UINT32), (0, 4, SINT32), (1, 4, SINT32), (2, 2, UINT16), (3, 1, UINT8)]
    fields += [(5, 4, UINT32), (6, 2, UINT16)]
    fit = FitBuilder().define(0, RECORD, fields)
    fit.data(0, T0, 2**30, -(2**30), 3000, 150, 123456, 3500)
    fit.data(0, T0 + 1, 0x7FFFFFFF, 0x7FFFFFFF, 0xFFFF, 0xFF, 0xFFFFFFFF, 0xFFFF)
    result = decode(fit.build())
    rec = result.records
    assert list(rec["timestamp"]) == [unix(T0), unix(T0 + 1)]
    assert rec["position_lat"][0] == pytest.approx(90.0)
    assert rec["position_long"][0] == pytest.approx(-90.0)
    assert rec["altitude"][0] == pytest.approx(3000 / 5 - 500)
    assert rec["distance"][0] == pytest.approx(1234.56)
    assert rec["speed"][0] == pytest.approx(3.5)
    assert rec["heart_rate"][0] == 150
    for name in ("position_lat", "altitude", "heart_rate", "distance", "speed", "power"):
        assert np.isnan(rec[name][1]), name
    assert result.warnings == [] and result.truncated_at is None


def test_big_endian_definition_reads_like_little_endian() -> None:
    fields = [(253, 4, UINT32), (5, 4, UINT32), (6, 2, UINT16), (0, 4, SINT32)]
    little = FitBuilder().define(0, RECORD, fields).data(0, T0, 500, 2000, -12345).build()
    big = FitBuilder().define(0, RECORD, fields, big=True).data(0, T0, 500, 2000, -12345).build()
    a, b = decode(little).records, decode(big).records
    for name in ("timestamp", "distance", "speed", "position_lat"):
        assert a[name][0] == b[name][0], name


def test_compressed_timestamps_roll_over_every_32_seconds() -> None:
    fit = FitBuilder().define(0, RECORD, HR_RECORD).define(1, RECORD, [(3, 1, UINT8)])
    fit.data(0, T0 + 30, 90)  # low 5 bits = 30
    fit.compressed(1, 31, 91).compressed(1, 2, 92).compressed(1, 2, 93).compressed(1, 0, 94)
    rec = decode(fit.build()).records
    expected = [T0 + 30, T0 + 31, T0 + 34, T0 + 34, T0 + 64]
    assert list(rec["timestamp"]) == [unix(t) for t in expected]
    assert list(rec["heart_rate"]) == [90, 91, 92, 93, 94]


def test_redefinition_mid_file_keeps_file_order_and_fields() -> None:
    fit = FitBuilder().define(0, RECORD, HR_RECORD).data(0, T0, 100)
    fit.define(0, EVENT, [(253, 4, UINT32), (0, 1, ENUM), (1, 1, ENUM)]).data(0, T0 + 1, 0, 0)
    fit.define(0, RECORD, [*HR_RECORD, (4, 1, UINT8)]).data(0, T0 + 2, 110, 85)
    fit.define(1, RECORD, HR_RECORD).data(1, T0 + 3, 120)
    result = decode(fit.build())
    assert list(result.records["heart_rate"]) == [100, 110, 120]
    assert np.isnan(result.records["cadence"][0]) and result.records["cadence"][1] == 85
    assert result.messages["event"] == [
        {"timestamp": unix_dt(T0 + 1), "event": "timer", "event_type": "start"}
    ]


def unix_dt(fit_seconds: int):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(fit_seconds + FIT_EPOCH_S, UTC)


def test_developer_fields_are_skipped_by_their_declared_size() -> None:
    fit = FitBuilder().define(0, RECORD, HR_RECORD, dev_fields=[(0, 5, 0), (1, 3, 0)])
    fit.data(0, T0, 140, dev=b"\x01\x02\x03\x04\x05\x06\x07\x08").data(0, T0 + 1, 141)
    assert list(decode(fit.build()).records["heart_rate"]) == [140, 141]


def test_chained_files_are_all_decoded() -> None:
    data = hr_file((100, 101)) + hr_file((102,))
    result = decode(data)
    assert list(result.records["heart_rate"]) == [100, 101, 102]
    assert result.warnings == []


def test_bad_file_crc_warns_raises_or_is_ignored() -> None:
    data = FitBuilder().define(0, RECORD, HR_RECORD).data(0, T0, 99).build(file_crc=0x1234)
    warned = decode(data)
    assert list(warned.records["heart_rate"]) == [99]
    assert any("CRC" in w for w in warned.warnings)
    assert decode(data, crc="ignore").warnings == []
    with pytest.raises(CorruptFile) as err:
        decode(data, crc="raise", path="run.fit")
    assert err.value.path == "run.fit" and err.value.offset == len(data) - 2


def test_header_crc_zero_means_not_computed_and_a_wrong_one_is_reported() -> None:
    fit = FitBuilder().define(0, RECORD, HR_RECORD).data(0, T0, 99)
    assert decode(fit.build(header_crc=False), crc="raise").warnings == []
    bad = bytearray(fit.build())
    bad[12] ^= 0xFF
    assert any("header CRC" in w for w in decode(bytes(bad), crc="ignore").warnings) is False
    assert any("header CRC" in w for w in decode(bytes(bad)).warnings)


def test_twelve_byte_header_is_read() -> None:
    data = FitBuilder().define(0, RECORD, HR_RECORD).data(0, T0, 99).build(header_size=12)
    assert list(decode(data, crc="raise").records["heart_rate"]) == [99]


def test_truncated_file_keeps_complete_records_and_says_where() -> None:
    data = hr_file((100, 101, 102))
    cut = data[: len(data) - 2 - 3]  # drops the CRC and half of the last record
    result = decode(cut)
    assert list(result.records["heart_rate"]) == [100, 101]
    assert result.truncated_at == len(data) - 2 - 6
    assert any("truncated" in w or "cut off" in w for w in result.warnings)


def test_huge_declared_size_neither_allocates_nor_hangs() -> None:
    fit = FitBuilder().define(0, RECORD, HR_RECORD).data(0, T0, 100).data(0, T0 + 1, 101)
    data = fit.build(data_size=0xFFFFFFF0)
    start = time.perf_counter()
    result = decode(data)
    assert time.perf_counter() - start < 2.0
    assert list(result.records["heart_rate"])[:2] == [100, 101]
    assert result.truncated_at is not None and result.warnings


def test_header_declaring_no_data_is_recovered() -> None:
    data = hr_file((100, 101))
    broken = (
        data[:4]
        + b"\0\0\0\0"
        + data[8:12]
        + struct.pack("<H", crc(data[:4] + bytes(4) + data[8:12]))
        + data[14:]
    )
    result = decode(broken)
    assert list(result.records["heart_rate"]) == [100, 101]
    assert any("declares no records" in w for w in result.warnings)


def test_data_message_of_undefined_local_type_stops_with_a_warning() -> None:
    fit = FitBuilder().define(0, RECORD, HR_RECORD).data(0, T0, 100)
    offset = 14 + len(fit.body)
    fit.body += bytes([0x0B, 1, 2, 3])  # local type 11 was never defined
    fit.data(0, T0 + 1, 101)
    result = decode(fit.build())
    assert list(result.records["heart_rate"]) == [100]
    assert result.truncated_at == offset
    assert any("undefined local type 11" in w for w in result.warnings)


def test_field_size_off_its_type_is_read_as_bytes_like_the_sdk() -> None:
    fields = [(253, 4, UINT32), (5, 1, UINT32), (3, 1, UINT8)]  # distance: uint32 in 1 byte
    fit = FitBuilder().define(0, RECORD, fields)
    fit.body += bytes([0]) + struct.pack("<IBB", T0, 200, 130)
    result = decode(fit.build())
    assert result.records["distance"][0] == pytest.approx(2.0)
    assert result.records["heart_rate"][0] == 130
    assert any("no multiple of its type" in w for w in result.warnings)


def test_strings_with_bad_utf8_are_replaced_and_enums_named() -> None:
    fields = [(0, 1, ENUM), (1, 2, UINT16), (4, 4, UINT32), (8, 8, STRING)]
    fit = FitBuilder().define(0, FILE_ID, fields).data(0, 4, 1, T0, b"FR\xff\xfe9")
    (file_id,) = decode(fit.build()).messages["file_id"]
    assert file_id["type"] == "activity" and file_id["manufacturer"] == "garmin"
    assert file_id["time_created"] == unix_dt(T0)
    assert file_id["product_name"] == "FR\ufffd\ufffd9"


def test_session_totals_scaled_like_the_sdk() -> None:
    fields = [(5, 1, ENUM), (7, 4, UINT32), (9, 4, UINT32), (16, 1, UINT8), (22, 2, UINT16)]
    fit = FitBuilder().define(0, SESSION, fields).data(0, 1, 3_600_500, 1_000_012, 150, 0xFFFF)
    (session,) = decode(fit.build()).messages["session"]
    assert session["sport"] == "running"
    assert session["total_elapsed_time"] == pytest.approx(3600.5)
    assert session["total_distance"] == pytest.approx(10000.12)
    assert session["avg_heart_rate"] == 150 and "total_ascent" not in session


def test_compressed_speed_distance_expands_and_accumulates() -> None:
    fit = FitBuilder().define(0, RECORD, [(253, 4, UINT32), (8, 3, BYTE)])
    for i, (speed, dist) in enumerate([(250, 4000), (300, 4090), (310, 100)]):  # 4096 rolls
        bits = speed | dist << 12
        fit.body += bytes([0]) + struct.pack("<I", T0 + i) + bits.to_bytes(3, "little")
    rec = decode(fit.build()).records
    assert list(rec["speed"]) == pytest.approx([2.5, 3.0, 3.1])
    assert list(rec["distance"]) == pytest.approx([4000 / 16, 4090 / 16, (4096 + 100) / 16])


def test_not_fit_empty_and_bad_crc_argument() -> None:
    with pytest.raises(CorruptFile):
        decode(b"<gpx></gpx> not a fit file at all", path="x.gpx")
    with pytest.raises(CorruptFile):
        decode(b"")
    with pytest.raises(InvalidInput):
        decode(hr_file(), crc="maybe")


def test_random_damage_raises_only_corrupt_file() -> None:
    rng = random.Random(11)
    fit = FitBuilder().define(0, RECORD, [*HR_RECORD, (5, 4, UINT32), (8, 3, BYTE)])
    fit.define(1, SESSION, [(5, 1, ENUM), (7, 4, UINT32)]).data(1, 1, 5000)
    for i in range(40):
        fit.data(0, T0 + i, 100 + i, i * 100, b"\x10\x20\x30")
    clean = fit.build()
    for _ in range(400):
        data = bytearray(clean)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.getrandbits(8)
        data = data[: rng.randint(0, len(data))] if rng.random() < 0.3 else data
        try:
            decode(bytes(data))
        except CorruptFile:
            pass


CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def test_row_and_column_paths_agree_on_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small message kinds go through ``rows`` or ``convert``; both must give the same dicts."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    compared = 0
    for path in sorted(CORPUS.rglob("*.fit")):
        data = path.read_bytes()
        try:
            monkeypatch.setattr(assemble, "ROW_PATH_MAX", 10**9)
            rows = decode(data).messages
        except CorruptFile:
            continue
        monkeypatch.setattr(assemble, "ROW_PATH_MAX", -1)
        assert decode(data).messages == rows, path.name
        compared += 1
    assert compared > 100
