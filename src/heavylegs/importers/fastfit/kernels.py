"""The record-header walk and the CRC as numba-compiled loops (imported only on demand).

Importing this module imports numba (~0.5-1 s) and loads or compiles the two kernels
(``cache=True`` keeps the machine code between runs). :mod:`native` decides when that
cost is worth paying; without numba installed, the pure-Python walk in :mod:`scan` and
the numpy CRC in :mod:`crc` do the same work.
"""

from __future__ import annotations

import numpy as np
from numba import njit

DEFINITION, FULL, DONE = 1, 2, 0


@njit(cache=True, nogil=True)
def walk(buf, pos, end, sizes, current, offsets, def_ids, comp, n):  # pragma: no cover
    """Note the data messages of ``buf[pos:end]`` until a definition message or the end.

    Returns (position, messages noted so far, DEFINITION | FULL | DONE). A message that
    runs past ``end`` is still noted; the caller drops it.
    """
    capacity = offsets.shape[0]
    while pos < end:
        header = buf[pos]
        if header < 0x40:
            local = header & 0x0F
            time_offset = -1
        elif header & 0x80:
            local = (header >> 5) & 0x03
            time_offset = header & 0x1F
        else:
            return pos, n, DEFINITION
        if n >= capacity:
            return pos, n, FULL
        offsets[n] = pos
        def_ids[n] = current[local]
        comp[n] = time_offset
        n += 1
        pos += sizes[local] + 1
    return pos, n, DONE


@njit(cache=True, nogil=True)
def crc16(buf, start, end, crc, table):  # pragma: no cover
    """CRC-16 of ``buf[start:end]`` continuing from ``crc`` (``table``: 256 entries)."""
    for i in range(start, end):
        crc = (crc >> 8) ^ table[(crc ^ buf[i]) & 0xFF]
    return crc


def warm_up() -> None:
    """Load (or compile) both kernels now, on a tiny input."""
    buf = np.zeros(4, dtype=np.uint8)
    table = np.zeros(256, dtype=np.int64)
    ints = np.zeros(16, dtype=np.int64)
    walk(
        buf, 0, 0, ints, ints, np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1, np.int8), 0
    )
    crc16(buf, 0, 4, 0, table)
