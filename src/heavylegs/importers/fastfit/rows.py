"""Small messages, one at a time: ``struct`` per message, a plan compiled per definition.

A session or lap message has ~100 fields but a file holds only a few of them, so turning
each field into a numpy column costs more than it saves. Here each definition is compiled
once (and cached across files by its bytes) into a ``struct.Struct`` and a list of
per-field steps; a message is then one ``unpack_from`` and a short loop. Sub-fields and
components are applied per message exactly as :mod:`expand` does per column. Message kinds
with many messages (``hrv``) take the columnar path in :mod:`convert` instead.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .convert import decode_text, expanded_value, scalar_converter
from .profile import FieldSpec, MessageSpec
from .scan import Definition

_STRUCT_CODES = {
    "u1": "B", "i1": "b", "u2": "H", "i2": "h", "u4": "I",
    "i4": "i", "u8": "Q", "i8": "q", "f4": "f", "f8": "d",
}  # fmt: skip
_BYTE_CODE = 0x0D
_MAX_BITS = 64


@dataclass(frozen=True, slots=True)
class _Step:
    num: int
    spec: FieldSpec
    index: int  # position in the unpacked tuple
    count: int  # 0 for a string, 1 for a scalar, k for an array
    invalid: int | None
    keep_all: bool  # byte arrays keep every element when any is valid (as the SDK)
    convert: Callable[[Any], Any]


_Simple = tuple[int, str, int, int, Callable[[Any], Any] | None]  # num, name, index, invalid


@dataclass(frozen=True, slots=True)
class _Plan:
    unpack: Callable[[bytes, int], tuple[Any, ...]]
    simple: tuple[_Simple, ...]  # integer scalars nothing depends on: the fast loop
    keyed: tuple[_Simple, ...]  # integer scalars whose raw value other fields need
    steps: tuple[_Step, ...]  # strings, arrays, floats
    raw_nums: frozenset[int]  # fields whose raw value sub-fields or components need
    derive: tuple[FieldSpec, ...]  # fields here with sub-fields or components


def _struct_format(definition: Definition) -> str:
    parts = [">" if definition.big_endian else "<"]
    for fdef in definition.fields:
        code = "s" if fdef.base.is_string else _STRUCT_CODES[fdef.base.numpy]
        parts.append(f"{fdef.size if fdef.base.is_string else fdef.count}{code}")
    return "".join(parts)


def _raw_nums(spec: MessageSpec) -> frozenset[int]:
    nums = set()
    for fspec in spec.fields.values():
        if fspec.components or fspec.sub_fields:
            nums.add(fspec.num)
        for sub in fspec.sub_fields:
            nums.update(ref for ref, _ in sub.ref)
    return frozenset(nums)


def _simple_convert(fspec: FieldSpec) -> Callable[[Any], Any] | None:
    if fspec.numeric and fspec.scale == 1.0 and fspec.offset == 0.0:
        return None
    return scalar_converter(fspec, True)


def compile_plan(definition: Definition, spec: MessageSpec) -> _Plan:
    """Compile how to read ``definition``'s messages into dicts."""
    simple: list[_Simple] = []
    keyed: list[_Simple] = []
    steps: list[_Step] = []
    raw_nums = _raw_nums(spec)
    index = 0
    for fdef in definition.fields:
        fspec = spec.fields.get(fdef.num)
        count = 0 if fdef.base.is_string else fdef.count
        integer = fdef.base.numpy[0] in "ui"
        if fspec is not None and count == 1 and integer:
            item = (fdef.num, fspec.name, index, fdef.base.invalid or 0, _simple_convert(fspec))
            (keyed if fdef.num in raw_nums else simple).append(item)
        elif fspec is not None:
            keep = fdef.base.code == _BYTE_CODE
            convert = scalar_converter(fspec, integer)
            steps.append(_Step(fdef.num, fspec, index, count, fdef.base.invalid, keep, convert))
        index += max(count, 1)
    present = {fdef.num for fdef in definition.fields}
    derive = tuple(
        f for n, f in spec.fields.items() if n in present and (f.components or f.sub_fields)
    )
    fmt = struct.Struct(_struct_format(definition))
    return _Plan(fmt.unpack_from, tuple(simple), tuple(keyed), tuple(steps), raw_nums, derive)


def _array_value(step: _Step, values: tuple[Any, ...]) -> tuple[Any, Any]:
    """(converted, raw) of an array field; (None, None) when no element is valid."""
    invalid = step.invalid
    if invalid is None:
        valid = [v == v for v in values]  # NaN is the float sentinel
    else:
        valid = [v != invalid for v in values]
    if not any(valid):
        return None, None
    conv = step.convert
    items = [conv(v) if ok or step.keep_all else None for v, ok in zip(values, valid, strict=True)]
    return (items[0] if len(items) == 1 else items), list(values)


def _field_value(step: _Step, values: tuple[Any, ...]) -> tuple[Any, Any]:
    if step.count == 0:
        text = decode_text(values[step.index])
        return text, text
    if step.count > 1:
        return _array_value(step, values[step.index : step.index + step.count])
    raw = values[step.index]
    if raw == step.invalid or raw != raw:
        return None, None
    return step.convert(raw), raw


_SubIndex = dict[int, dict[int, list[FieldSpec]]]  # ref field -> raw value -> sub-fields
_SUB_INDEX: dict[int, _SubIndex] = {}


def _sub_index(fspec: FieldSpec) -> _SubIndex:
    """Sub-fields of ``fspec`` by (reference field, value); specs live as long as the module."""
    index = _SUB_INDEX.get(id(fspec))
    if index is None:
        index = {}
        for sub in fspec.sub_fields:
            for ref, want in sub.ref:
                index.setdefault(ref, {}).setdefault(want, []).append(sub.spec)
        _SUB_INDEX[id(fspec)] = index
    return index


def _apply_sub_fields(
    plan: _Plan, raw: dict[int, Any], row: dict[str, Any], stack: list[tuple[FieldSpec, Any]]
) -> None:
    for fspec in plan.derive:
        value = raw.get(fspec.num)
        if value is None:
            continue
        if fspec.components:
            stack.append((fspec, value))
        for ref, by_value in _sub_index(fspec).items():
            ref_value = raw.get(ref)
            if not isinstance(ref_value, int):  # absent, or an array where a value belongs
                continue
            for sub in by_value.get(ref_value, ()):
                row[sub.name] = _convert_raw(sub, value)
                if sub.components:
                    stack.append((sub, value))


def _convert_raw(spec: FieldSpec, value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return [_convert_raw(spec, v) for v in value]
    return scalar_converter(spec, isinstance(value, int))(value)


def _bits(fspec: FieldSpec, value: Any) -> tuple[int, int]:
    assert fspec.base is not None
    width = fspec.base.size * 8
    items = value if isinstance(value, list) else [value]
    combined = 0
    for i, item in enumerate(items[: _MAX_BITS // width]):
        combined |= (int(item) & ((1 << width) - 1)) << (i * width)
    return combined, width * len(items)


def _expand(spec: MessageSpec, row: dict[str, Any], stack: list[tuple[FieldSpec, Any]]) -> None:
    while stack:
        fspec, value = stack.pop()
        if fspec.base is None or isinstance(value, str):
            continue
        combined, available = _bits(fspec, value)
        position = 0
        for comp in fspec.components:
            if position + comp.bits > min(available, _MAX_BITS):
                break
            bits = (combined >> position) & ((1 << comp.bits) - 1)
            position += comp.bits
            target = spec.fields.get(comp.target)
            if target is None:
                continue
            number = bits / comp.scale - comp.offset
            target_raw = round((number + target.offset) * target.scale)
            if target.base is not None and target_raw == target.base.invalid:
                row.pop(target.name, None)
                continue
            row[target.name] = expanded_value(number, target)
            if target.components and target.base is not None:
                stack.append((target, target_raw))


def _decode_one(plan: _Plan, spec: MessageSpec, values: tuple[Any, ...]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for _, name, index, invalid, convert in plan.simple:
        value = values[index]
        if value != invalid:
            row[name] = value if convert is None else convert(value)
    raw: dict[int, Any] = {}
    for num, name, index, invalid, convert in plan.keyed:
        value = values[index]
        if value != invalid:
            row[name] = value if convert is None else convert(value)
            raw[num] = value
    for step in plan.steps:
        value, rawv = _field_value(step, values)
        if value is not None:
            row[step.spec.name] = value
            if step.num in plan.raw_nums:
                raw[step.num] = rawv
    if raw and plan.derive:
        stack: list[tuple[FieldSpec, Any]] = []
        _apply_sub_fields(plan, raw, row, stack)
        _expand(spec, row, stack)
    return row


def decode_rows(data: bytes, plan: _Plan, spec: MessageSpec, offsets: list[int]) -> list[dict]:
    """One SDK-like dict per message at ``offsets`` (header byte positions)."""
    unpack = plan.unpack
    return [_decode_one(plan, spec, unpack(data, offset + 1)) for offset in offsets]
