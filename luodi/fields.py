"""Reflection over the model: the declared fields of each class, their types, and a walk over
every object of a playbook. The reader, the JSON Schemas, the format reference, search and the
fork tools all see the model through these few functions."""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache

from .model import Node, Playbook


@cache
def schema_fields(cls: type) -> tuple[tuple[str, object, dataclasses.Field], ...]:
    """The declared (user-facing) fields of a model class with their resolved types."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name], f) for f in dataclasses.fields(cls)
                 if not f.metadata.get("internal"))


def is_required(f: dataclasses.Field) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def unwrap_optional(tp):
    """`X | None` → X (None-able fields are simply optional in YAML)."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0]
    return tp


@cache
def _node_fields(cls: type) -> tuple[str, ...]:
    """The fields of a model class that can hold model objects (walk skips text and numbers)."""
    def holds_nodes(tp) -> bool:
        tp = unwrap_optional(tp)
        if isinstance(tp, type) and issubclass(tp, Node):
            return True
        return any(holds_nodes(arg) for arg in typing.get_args(tp))
    return tuple(name for name, tp, _ in schema_fields(cls) if holds_nodes(tp))


def walk(obj):
    """Yield every model object inside obj (itself included), depth first, in file order."""
    if isinstance(obj, Node):
        yield obj
        for name in _node_fields(type(obj)):
            yield from walk(getattr(obj, name))
        if isinstance(obj, Playbook):
            for part in (obj.phases, obj.roles, obj.forms):
                yield from walk(part)
    elif isinstance(obj, (list, tuple)):
        for element in obj:
            yield from walk(element)
    elif isinstance(obj, dict):
        for element in obj.values():
            yield from walk(element)
