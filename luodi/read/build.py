"""YAML to the model: each value checked against the field it fills, then the object built.

The types, patterns and required keys come from the model's declarations (model.py, fields.py);
YAML 1.1's surprises (NO, 1.10, 010, 2024-01-02) are named for what they are.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import typing
from dataclasses import dataclass
from functools import cache

from ..diagnostics import Diagnostic, did_you_mean
from ..fields import is_required, schema_fields, unwrap_optional
from ..model import (
    ID_MAX_LENGTH,
    ID_PATTERN,
    OVERLAY_KEYS,
    PART_FOLDERS,
    SCHEMA_VERSION,
    Playbook,
    Source,
    Status,
)
from .overlay import RawPlaybook
from .strict import Map, Seq, describe

_ID = re.compile(ID_PATTERN)


def build_playbook(raw: RawPlaybook, diagnostics: list[Diagnostic]) -> Playbook | None:
    playbook = build(Playbook, raw.main, diagnostics)
    if playbook is not None and playbook.schema_version != SCHEMA_VERSION:
        diagnostics.append(Diagnostic(
            playbook.sources["schema_version"], "schema-version",
            f"schema_version {playbook.schema_version} is not supported (this Luodi reads "
            f"{SCHEMA_VERSION})", "upgrade Luodi, or write schema_version: 1"))
    parts = {sub: [obj for obj in (build(cls, data, diagnostics)
                                   for data in raw.parts.get(sub, {}).values()) if obj]
             for sub, cls in PART_FOLDERS.items()}
    if playbook is None:
        return None
    return dataclasses.replace(
        playbook,
        phases=tuple(sorted(parts["phases"], key=lambda p: (p.order, p.id))),
        roles=tuple(sorted(parts["roles"], key=lambda r: (r.order, r.id))),
        forms=tuple(parts["forms"]))


def build_status(raw: RawPlaybook, diagnostics: list[Diagnostic]) -> Status | None:
    """status.yaml, if the playbook has one. Built apart from the playbook: a mistake in the
    project's state does not keep the playbook's own checks from running."""
    return build(Status, raw.status, diagnostics) if raw.status is not None else None


def what(cls: type) -> str:
    return {"FormField": "field", "Term": "glossary term", "CaseResult": "case result"}.get(
        cls.__name__, cls.__name__.lower())


# What a field's quick check returns besides the converted value: _SLOW when the value needs the
# general check (which words the diagnostic), _BAD when a nested object was reported unusable.
_SLOW = object()
_BAD = object()


@dataclass(frozen=True)
class _Field:
    """One declared field of a model class, reduced once per class for the reader."""

    name: str
    tp: object
    f: dataclasses.Field
    required: bool
    quick: typing.Callable | None  # (value, diagnostics) -> converted value, _SLOW or _BAD
    items_key: str  # where a list's item sources go in `sources`


@dataclass(frozen=True)
class _Shape:
    known: frozenset[str]
    fields: tuple[_Field, ...]


@cache
def _shape(cls: type) -> _Shape:
    return _Shape(frozenset(name for name, _, _ in schema_fields(cls)), tuple(
        _Field(name, tp, f, is_required(f), _quick(tp, f), name + "[]")
        for name, tp, f in schema_fields(cls)))


def _quick(tp, f: dataclasses.Field):
    """A check of the common, valid case of one declared type: most of the 260,000 values of a
    10,000-item playbook are text, lists of text or nested objects. Anything it is not sure
    of goes to `_convert`, so every diagnostic is still worded in one place."""
    if f.metadata.get("weeks") or f.metadata.get("date"):
        return None
    tp, origin = _plan(tp)
    if tp is str:
        pattern = f.metadata["pattern"]
        if pattern is None:
            return lambda v, _: v if v.__class__ is str and v and not v.isspace() else _SLOW
        matches = re.compile(pattern).fullmatch
        limit = ID_MAX_LENGTH if pattern == ID_PATTERN else None
        return lambda v, _: v if (v.__class__ is str and matches(v) and v.strip()
                                  and (limit is None or len(v) <= limit)) else _SLOW
    if origin is typing.Literal:
        allowed = frozenset(typing.get_args(tp))
        return lambda v, _: v if v.__class__ is str and v in allowed else _SLOW
    if tp is bool:
        return lambda v, _: v if v.__class__ is bool else _SLOW
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        item = _quick(item_tp, f)
        if item is None:
            return None
        if dataclasses.is_dataclass(unwrap_optional(item_tp)):
            def quick_objects(v, diagnostics):  # each built, and reported, once
                if not isinstance(v, Seq) or not all(isinstance(e, Map) for e in v):
                    return _SLOW
                out = [item(e, diagnostics) for e in v]
                return _BAD if any(e is _BAD for e in out) else out
            return quick_objects

        def quick_list(v, diagnostics):
            if not isinstance(v, Seq):
                return _SLOW
            out = [item(e, diagnostics) for e in v]
            return _SLOW if any(e is _SLOW for e in out) else out
        return quick_list
    if dataclasses.is_dataclass(tp):
        def quick_object(v, diagnostics):
            if not isinstance(v, Map):
                return _SLOW
            obj = build(tp, v, diagnostics)
            return _BAD if obj is None else obj
        return quick_object
    return None


def build(cls: type, data, diagnostics: list[Diagnostic]):
    """Check a Map against a model class and build the object; None if it is unusable."""
    if not isinstance(data, Map):
        return None
    shape = _shape(cls)
    known = shape.known
    usable = known.issuperset(data)
    if not usable:
        _unknown_keys(cls, data, known, diagnostics)
    values: dict = {}
    sources: dict = {}
    value_sources = data.value_sources
    for fd in shape.fields:
        name = fd.name
        value = data.get(name)
        if value is None:
            if fd.required:
                usable = False
                where = data.key_sources.get(name, data.source)
                diagnostics.append(Diagnostic(
                    where, "missing-key",
                    f"{what(cls)} has no value for required key '{name}'",
                    f"{name}: {fd.f.metadata['doc']}"))
            continue
        where = value_sources.get(name, data.source)
        converted = fd.quick(value, diagnostics) if fd.quick is not None else _SLOW
        if converted is _SLOW:
            ok, converted = _convert(fd.tp, fd.f, value, data.raw.get(name), where, name,
                                     diagnostics)
            if not ok:
                usable = False
                continue
        elif converted is _BAD:
            usable = False
            continue
        values[name] = converted
        sources[name] = where
        if isinstance(value, Seq):
            sources[fd.items_key] = list(value.item_sources)
    if not usable:
        return None
    return cls(**values, source=data.source, sources=sources,
               drift=tuple(getattr(data, "drift", ())))


def _unknown_keys(cls: type, data: Map, known: frozenset[str],
                  diagnostics: list[Diagnostic]) -> None:
    for key in data:
        if key in known:
            continue
        if key in OVERLAY_KEYS:
            diagnostics.append(Diagnostic(
                data.key_sources[key], "unknown-key",
                f"'{key}' is only allowed in a playbook that extends another",
                "add extends: <parent id> to playbook.yaml, or remove it"))
            continue
        diagnostics.append(Diagnostic(
            data.key_sources[key], "unknown-key",
            f"unknown key '{key}' in {what(cls)}{did_you_mean(key, known)}",
            f"allowed keys: {', '.join(sorted(known))}"))


@cache
def _plan(tp) -> tuple[object, object]:
    """A declared type, reduced once per type: (the type without Optional, its origin)."""
    tp = unwrap_optional(tp)
    return tp, typing.get_origin(tp)


def _convert(tp, f, value, raw, where: Source, name: str, diagnostics: list[Diagnostic]):
    """Check one value against its declared type; returns (ok, converted value)."""
    if f.metadata.get("weeks"):  # before the fast path: "6-4" is text, and not weeks
        return _weeks(value, where, name, diagnostics)
    if tp is str and value.__class__ is str:  # most values: checked without the general path
        return _check_pattern(f, value, where, name, diagnostics), value
    if f.metadata.get("date") and isinstance(value, datetime.date):
        return True, value.isoformat()  # date: 2026-03-02, unquoted, is the same date
    tp, origin = _plan(tp)

    def wrong(expected: str, hint: str = "") -> tuple[bool, None]:
        got = describe(value)
        if raw is None:
            message = f"'{name}' must be {expected}, not {got}"
        else:  # the YAML 1.1 surprises: NO, 1.10, 010, 2024-01-02
            message = f"'{name}' must be {expected}, but YAML reads {raw} as {got}"
            if expected == "text" and not hint:
                hint = f'put it in quotes: {name}: "{raw}"'
        diagnostics.append(Diagnostic(where, "type", message, hint))
        return False, None

    if origin is typing.Literal:
        allowed = typing.get_args(tp)
        if not isinstance(value, str):
            return wrong("one of " + ", ".join(allowed))
        if value not in allowed:
            diagnostics.append(Diagnostic(
                where, "bad-value",
                f"'{name}' is '{value}', not one of: {', '.join(allowed)}"
                f"{did_you_mean(value, allowed)}"))
            return False, None
        return True, value
    if tp is str:
        if not isinstance(value, str):
            return wrong("text")
        return _check_pattern(f, value, where, name, diagnostics), value
    if tp is bool:
        return (True, value) if isinstance(value, bool) else wrong("true or false")
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return wrong("a whole number")
        if raw is not None and raw != str(value):  # 010 is octal 8 in YAML 1.1, 0x10 is 16
            diagnostics.append(Diagnostic(
                where, "type", f"'{name}' is written {raw}, which YAML reads as {value}",
                f"write the number without a leading zero or prefix: {name}: {value}"))
            return False, None
        return True, value
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, Seq):
            return wrong("a list", "write each entry on its own line starting with '- '")
        out, ok = [], True
        for index, element in enumerate(value):
            good, converted = _convert(item_tp, f, element, value.raw.get(index),
                                       value.where(index), name, diagnostics)
            ok = ok and good
            out.append(converted)
        return ok, out
    if origin is dict:
        _, item_tp = typing.get_args(tp)
        if not isinstance(value, Map):
            return wrong("a mapping of id: …")
        out, ok = {}, True
        for key, element in value.items():
            if not _ID.fullmatch(key):
                ok = False
                diagnostics.append(Diagnostic(
                    value.key_sources[key], "bad-id",
                    f"'{key}' is not a valid id",
                    "ids are lowercase ASCII words joined by '-', e.g. project-name"))
            elif len(key) > ID_MAX_LENGTH:
                ok = False
                diagnostics.append(_long_id(value.key_sources[key], key))
            good, converted = _convert(item_tp, f, element, value.raw.get(key),
                                       value.where(key), key, diagnostics)
            ok = ok and good
            out[key] = converted
        return ok, out
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, Map):
            return wrong(f"a mapping ({what(tp)})")
        obj = build(tp, value, diagnostics)
        return obj is not None, obj
    raise TypeError(f"unsupported field type {tp!r}")  # a bug in model.py, not in user input


def _weeks(value, where: Source, name: str, diagnostics: list[Diagnostic]):
    """weeks: 4, or "4-6": text either way, a range from low to high."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    found = re.fullmatch(r"(\d{1,3})(?:-(\d{1,3}))?", text) if isinstance(text, str) else None
    if found and int(found.group(1)) > 0 and int(found.group(2) or found.group(1)) >= int(
            found.group(1)):
        return True, text
    diagnostics.append(Diagnostic(
        where, "bad-value", f"'{name}' is '{value}', not a number of weeks",
        f"{name}: a number of weeks, e.g. {name}: 4, or a range, e.g. {name}: \"4-6\""))
    return False, None


def _check_pattern(f, value: str, where: Source, name: str, diagnostics) -> bool:
    pattern = f.metadata["pattern"]
    if pattern is None and value and not value.isspace():
        return True
    if pattern and not re.fullmatch(pattern, value):
        diagnostics.append(Diagnostic(
            where, "bad-id",
            f"'{value}' is not a valid id" + ("" if name == "id" else f" (in {name})"),
            "ids become URLs and anchors: lowercase ASCII letters and digits joined by '-', "
            f"e.g. '{_suggest_id(value)}'"))
        return False
    if pattern == ID_PATTERN and len(value) > ID_MAX_LENGTH:
        diagnostics.append(_long_id(where, value))
        return False
    if not value.strip() and f.metadata.get("ref") is None and is_required(f):
        diagnostics.append(Diagnostic(where, "empty", f"'{name}' is empty",
                                      f"{name}: {f.metadata['doc']}"))
        return False
    return True


def _long_id(where: Source, value: str) -> Diagnostic:
    return Diagnostic(where, "long-id",
                      f"id '{value[:24]}…' is {len(value)} characters long, over the limit of "
                      f"{ID_MAX_LENGTH}", "ids become file names and URLs: shorten it")


def _suggest_id(value: str) -> str:
    """An id to propose for a value: its ASCII words, or the pinyin of its Chinese."""
    try:
        from pypinyin import lazy_pinyin
        value = " ".join(lazy_pinyin(value))
    except ImportError:  # pragma: no cover - pypinyin is a dependency
        pass
    return "-".join(re.findall(r"[a-z0-9]+", value.lower())) or "my-id"
