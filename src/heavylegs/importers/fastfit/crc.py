"""The FIT CRC-16 (reflected polynomial 0xA001, initial value 0), computed with numpy.

A byte-at-a-time Python loop runs at ~10 MB/s, slower than the whole rest of the decoder,
so the bulk of a file is cut into ``L`` blocks of 8 little-endian 16-bit words. A 65 536-
entry table ``T`` advances the CRC by one word (``crc = T[crc ^ word]``, exact because the
register is 16 bits wide), so the ``L`` block CRCs advance together in 8 numpy steps.
The CRC is linear over GF(2): two neighbouring blocks join as ``T^n[left] ^ right``
(``n`` = words in ``right``), so the blocks are joined pairwise, level by level, with
tables ``T^(2^k)`` made by squaring ``T``. ~500 MB/s on large files.

>>> crc16(b"123456789")
47933
"""

from __future__ import annotations

from functools import cache

import numpy as np

_POLY = 0xA001  # CRC-16 as the FIT protocol defines it (bit-reflected 0x8005)
_BLOCK_POWER = 3  # blocks of 8 words: few numpy steps, the joining is vectorised too
_JUMPS: list[np.ndarray] = []


@cache
def byte_table() -> list[int]:
    table = []
    for value in range(256):
        crc = value
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY if crc & 1 else crc >> 1
        table.append(crc)
    return table


def _jump(k: int) -> np.ndarray:
    """The table that advances a CRC register by ``2**k`` zero words (built by squaring)."""
    if not _JUMPS:
        t8 = np.array(byte_table(), dtype=np.uint16)
        x = np.arange(65536, dtype=np.uint32)
        c1 = (x >> 8) ^ t8[x & 0xFF]
        _JUMPS.append(((c1 >> 8) ^ t8[c1 & 0xFF]).astype(np.uint16))
    while len(_JUMPS) <= k:
        _JUMPS.append(_JUMPS[-1][_JUMPS[-1]])
    return _JUMPS[k]


def _crc_bytes(data: bytes | memoryview, start: int, end: int, crc: int) -> int:
    table = byte_table()
    for byte in data[start:end]:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def _block_crcs(data: bytes | memoryview, start: int, nblocks: int) -> np.ndarray:
    """CRC (from 0) of each of ``nblocks`` consecutive blocks of ``2**_BLOCK_POWER`` words."""
    words = np.frombuffer(data, dtype="<u2", count=nblocks << _BLOCK_POWER, offset=start)
    columns = np.ascontiguousarray(words.reshape(nblocks, 1 << _BLOCK_POWER).T)
    word_table = _jump(0)
    state = np.zeros(nblocks, dtype=np.uint16)
    mixed = np.empty(nblocks, dtype=np.uint16)
    for column in columns:
        np.bitwise_xor(state, column, out=mixed)
        np.take(word_table, mixed, out=state)
    return state


def _join(state: np.ndarray) -> int:
    """CRC of the blocks in order: pairs join as ``T^len(right)[left] ^ right``, level by
    level (a zero block in front changes nothing, as the CRC starts from 0)."""
    level = _BLOCK_POWER
    while len(state) > 1:
        if len(state) % 2:
            state = np.concatenate([np.zeros(1, dtype=np.uint16), state])
        state = _jump(level)[state[0::2]] ^ state[1::2]
        level += 1
    return int(state[0])


def _advance(crc: int, words: int) -> int:
    """``crc`` after ``words`` zero words."""
    k = 0
    while words:
        if words & 1:
            crc = int(_jump(k)[crc])
        words >>= 1
        k += 1
    return crc


def crc16(data: bytes | memoryview, start: int = 0, end: int | None = None, crc: int = 0) -> int:
    """CRC of ``data[start:end]`` continuing from ``crc``."""
    end = len(data) if end is None else end
    block_bytes = 2 << _BLOCK_POWER
    nblocks = (end - start) // block_bytes
    if nblocks < 16:
        return _crc_bytes(data, start, end, crc)
    head = end - start - nblocks * block_bytes
    crc = _crc_bytes(data, start, start + head, crc)
    joined = _join(_block_crcs(data, start + head, nblocks))
    return _advance(crc, nblocks << _BLOCK_POWER) ^ joined
