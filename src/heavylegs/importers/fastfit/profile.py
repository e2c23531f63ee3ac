"""Tables the decoder needs, built once from the official Garmin profile.

Nothing here is typed by hand: base types come from ``garmin_fit_sdk.fit`` and messages,
fields, components and sub-fields from ``garmin_fit_sdk.profile.Profile``. Only the
message kinds heavylegs analyses are turned into :class:`MessageSpec` objects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np
from garmin_fit_sdk import fit as _sdk_fit
from garmin_fit_sdk.profile import Profile

#: message kinds decoded into ``FitResult.messages`` (``record`` goes to columns)
MESSAGE_NAMES: tuple[str, ...] = (
    "session",
    "lap",
    "event",
    "device_info",
    "hrv",
    "sport",
    "file_id",
    "activity",
    "user_profile",
    "zones_target",
    "timestamp_correlation",
)
RECORD_NAME = "record"
TIMESTAMP_FIELD = 253
FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z, the FIT epoch, in UNIX seconds
SEMICIRCLE_DEG = 180.0 / 2**31

_STRUCT_TO_NUMPY = {
    "B": "u1",
    "b": "i1",
    "H": "u2",
    "h": "i2",
    "I": "u4",
    "i": "i4",
    "Q": "u8",
    "q": "i8",
    "f": "f4",
    "d": "f8",
}
_STRING_CODE = 0x07
_UINT8_CODE = 0x02
_NUMERIC_TYPES = frozenset(_sdk_fit.NUMERIC_FIELD_TYPES)


@dataclass(frozen=True, slots=True)
class BaseType:
    """A FIT base type: its size in bytes, numpy kind and invalid sentinel."""

    code: int
    size: int
    numpy: str  # e.g. "u2"; "S" for strings
    invalid: int | None  # None for floats (NaN is the sentinel)

    @property
    def is_string(self) -> bool:
        return self.numpy == "S"


@dataclass(frozen=True, slots=True)
class Component:
    """One component of a field: ``bits`` of the raw value expand into field ``target``."""

    target: int
    bits: int
    scale: float
    offset: float


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A profile field (or sub-field): how to turn raw integers into named values."""

    num: int
    name: str
    type: str
    scale: float
    offset: float
    numeric: bool  # scale/offset apply (the SDK's NUMERIC_FIELD_TYPES)
    semicircles: bool
    accumulated: bool
    components: tuple[Component, ...]
    enum: dict[int, str] | None
    base: BaseType | None  # base type of the profile type, when it has one
    sub_fields: tuple[SubField, ...] = ()


@dataclass(frozen=True, slots=True)
class SubField:
    """A sub-field: ``spec`` applies where field ``ref`` holds one of ``values``."""

    spec: FieldSpec
    ref: tuple[tuple[int, int], ...]  # (reference field num, raw value)


@dataclass(frozen=True, slots=True)
class MessageSpec:
    num: int
    name: str
    fields: dict[int, FieldSpec]


def _base_type_from_sdk(code: int, entry: dict[str, Any]) -> BaseType:
    if code == _STRING_CODE:
        return BaseType(code, 1, "S", None)
    kind = _STRUCT_TO_NUMPY[entry["type_code"]]
    invalid = None if kind[0] == "f" else int(entry["invalid"])
    return BaseType(code, int(entry["size"]), kind, invalid)


BASE_TYPES: dict[int, BaseType] = {
    code: _base_type_from_sdk(code, entry) for code, entry in _sdk_fit.BASE_TYPE_DEFINITIONS.items()
}
UINT8 = BASE_TYPES[_UINT8_CODE]
BASE_TYPE_MASK = int(_sdk_fit.BASE_TYPE_MASK)


def numpy_dtype(base: BaseType, big_endian: bool) -> np.dtype:
    """The numpy dtype of one element of ``base`` in the given byte order."""
    if base.is_string:
        return np.dtype("S1")
    return np.dtype((">" if big_endian else "<") + base.numpy)


def _first(values: Any, default: float) -> float:
    if isinstance(values, list):
        return float(values[0]) if len(values) == 1 else default
    return float(values) if values not in (None, "") else default


def _field_spec(raw: dict[str, Any], num: int, accumulated: bool) -> FieldSpec:
    ftype = raw["type"]
    scale = _first(raw["scale"], 1.0)
    offset = _first(raw["offset"], 0.0)
    comps = tuple(
        Component(int(t), int(b), float(s), float(o))
        for t, b, s, o in zip(
            raw["components"], raw["bits"], raw["scale"], raw["offset"], strict=False
        )
    )
    units = raw.get("units")
    base_code = _sdk_fit.FIELD_TYPE_TO_BASE_TYPE.get(ftype)
    return FieldSpec(
        num=num,
        name=raw["name"],
        type=ftype,
        scale=scale,
        offset=offset,
        numeric=ftype in _NUMERIC_TYPES,
        semicircles=units == "semicircles" or units == ["semicircles"],
        accumulated=accumulated,
        components=comps if raw.get("has_components") else (),
        enum=Profile["types"].get(ftype),
        base=BASE_TYPES.get(base_code) if base_code is not None else None,
    )


def _sub_fields(raw: dict[str, Any]) -> tuple[SubField, ...]:
    out = []
    for sub in raw.get("sub_fields") or ():
        spec = _field_spec(sub, int(raw["num"]), False)
        refs = tuple((int(m["num"]), int(m["raw_value"])) for m in sub["map"])
        out.append(SubField(spec, refs))
    return tuple(out)


def _message_spec(num: int, raw: dict[str, Any]) -> MessageSpec:
    fields: dict[int, FieldSpec] = {}
    for fnum, fraw in raw["fields"].items():
        spec = _field_spec(fraw, int(fnum), bool(fraw["is_accumulated"]))
        subs = _sub_fields(fraw)
        if subs:
            spec = replace(spec, sub_fields=subs)
        fields[int(fnum)] = spec
    return MessageSpec(num=num, name=raw["name"], fields=fields)


@cache
def wanted_specs() -> dict[int, MessageSpec]:
    """Specs of the record message and the small messages, keyed by global number."""
    names = {RECORD_NAME, *MESSAGE_NAMES}
    return {
        int(num): _message_spec(int(num), raw)
        for num, raw in Profile["messages"].items()
        if raw["name"] in names
    }


@cache
def record_num() -> int:
    return next(num for num, spec in wanted_specs().items() if spec.name == RECORD_NAME)
