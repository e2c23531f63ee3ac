"""When to walk record headers with compiled code, and the walker that does it.

Importing numba and loading the cached kernels costs ~0.5-1 s once per process, about
what the pure-Python walk and numpy CRC spend on 30-60 MB of FIT files. So by default
("auto") a process starts in Python and switches to the compiled kernels once it has
decoded ``AUTO_SWITCH_BYTES`` (the ski-rental rule: buy once the rent paid equals the
price), and only if numba is installed. ``set_engine("python" | "numba" | "auto")`` or the
``HEAVYLEGS_FIT_ENGINE`` environment variable fix the choice.
"""

from __future__ import annotations

import os
from types import ModuleType

import numpy as np

from .crc import byte_table
from .scan import Scan, Stop, Walker, read_definition

ENGINES = ("auto", "python", "numba")
AUTO_SWITCH_BYTES = 100_000_000

_state: dict[str, object] = {
    "engine": os.environ.get("HEAVYLEGS_FIT_ENGINE", "auto"),
    "decoded": 0,
    "kernels": None,  # the kernels module once loaded; False if numba is missing
}


def set_engine(engine: str) -> None:
    """Choose how record headers are walked: "auto", "python" or "numba"."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    _state["engine"] = engine


def _kernels() -> ModuleType | None:
    if _state["kernels"] is None:
        try:
            from . import kernels
        except ImportError:
            _state["kernels"] = False
        else:
            kernels.warm_up()
            _state["kernels"] = kernels
    return _state["kernels"] or None  # type: ignore[return-value]


def walker_for(size: int) -> Walker | None:
    """The compiled walker if the engine policy picks it for ``size`` more bytes, else None."""
    engine = _state["engine"]
    if engine == "python":
        return None
    _state["decoded"] = int(_state["decoded"]) + size  # type: ignore[call-overload]
    loaded = _state["kernels"]
    if engine == "numba" or loaded or int(_state["decoded"]) >= AUTO_SWITCH_BYTES:  # type: ignore[call-overload]
        kernels = _kernels()
        return NativeWalker(kernels) if kernels is not None else None
    return None


class NativeWalker:
    """Record-header walk and CRC with the numba kernels, into growing numpy arrays."""

    def __init__(self, kernels: ModuleType) -> None:
        self.k = kernels
        self.buf: np.ndarray | None = None
        self.n = 0
        self.offsets = np.empty(0, dtype=np.int64)
        self.def_ids = np.empty(0, dtype=np.int64)
        self.comp = np.empty(0, dtype=np.int8)

    def _grow(self, size: int) -> None:
        capacity = max(2 * len(self.offsets), size // 16 + 64)
        for name in ("offsets", "def_ids", "comp"):
            old = getattr(self, name)
            new = np.empty(capacity, dtype=old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)

    def walk(self, data: bytes, pos: int, end: int, scan: Scan) -> int:
        if self.buf is None:
            self.buf = np.frombuffer(data, dtype=np.uint8)
            self._grow(len(data))
        sizes = np.array(scan.sizes, dtype=np.int64)
        current = np.array(scan.current, dtype=np.int64)
        while True:
            pos, self.n, status = self.k.walk(
                self.buf, pos, end, sizes, current, self.offsets, self.def_ids, self.comp, self.n
            )
            if status == self.k.DEFINITION:
                local = data[pos] & 0x0F
                pos = read_definition(data, pos, end, scan)
                sizes[local], current[local] = scan.sizes[local], scan.current[local]
            elif status == self.k.FULL:
                self._grow(len(data))
            else:
                break
        if pos > end:  # the last data message runs past the end: drop it
            self.n -= 1
            start = int(self.offsets[self.n])
            if self.def_ids[self.n] < 0:
                raise Stop(f"data message for undefined local type {data[start] & 0x0F}", start)
            raise Stop("data message cut off", start)
        return pos

    def crc(self, data: bytes, start: int, end: int) -> int:
        buf = self.buf if self.buf is not None else np.frombuffer(data, dtype=np.uint8)
        return int(self.k.crc16(buf, start, end, 0, _table()))

    def finish(self, data: bytes, scan: Scan) -> None:
        n = self.n
        scan.offsets = self.offsets[:n]  # type: ignore[assignment]
        scan.def_ids = self.def_ids[:n]  # type: ignore[assignment]
        where = np.flatnonzero(self.comp[:n] >= 0)
        scan.compressed = np.column_stack((where, self.comp[where]))  # type: ignore[assignment]


_TABLE: list[np.ndarray] = []


def _table() -> np.ndarray:
    if not _TABLE:
        _TABLE.append(np.array(byte_table(), dtype=np.int64))
    return _TABLE[0]
