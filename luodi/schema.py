"""JSON Schema and reference tables, both generated from the model declarations in model.py."""

from __future__ import annotations

import dataclasses
import json
import typing

from .diagnostics import CODES
from .fields import is_required, schema_fields, unwrap_optional
from .model import FILE_KINDS, ID_MAX_LENGTH, ID_PATTERN, STATUS_FILE, Status

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


# What a fork may write besides the format's own keys (see overlay.py).
FORK_KEYS = {
    "remove": {"type": "array", "items": {"type": "string"},
               "description": "Inherited ids to remove, each optionally with @version."},
    "after": {"type": "string", "description": "Place a new entry after this inherited id."},
    "based_on": {"type": "string",
                 "description": "Version of the parent object this override is based on."},
}


# The files a schema is published for: the playbook's, and status.yaml (a project's own, so
# it has no fork variant).
SCHEMA_KINDS: dict[str, tuple[type, str]] = {**FILE_KINDS, "status": (Status, STATUS_FILE)}


def json_schema(kind: str, fork: bool = False) -> dict:
    """The JSON Schema of one file kind: playbook, phase, role or form.

    `fork`: the variant for playbooks that extend another, where every key but `id` may be
    inherited and the overlay keys (remove, after, based_on) are allowed.
    """
    cls, _ = SCHEMA_KINDS[kind]
    defs: dict[str, dict] = {}
    root = _object_schema(cls, defs, fork)
    name = f"{kind}.fork" if fork else kind
    return {"$schema": SCHEMA_DIALECT, "$id": f"{name}.schema.json",
            "title": f"Luodi {kind} file" + (" (fork)" if fork else ""), **root, "$defs": defs}


def schema_text(kind: str, fork: bool = False) -> str:
    return json.dumps(json_schema(kind, fork), ensure_ascii=False, indent=2) + "\n"


def schema_files() -> dict[str, str]:
    """Every published schema: file name → text."""
    return {f"{kind}{'.fork' if fork else ''}.schema.json": schema_text(kind, fork)
            for kind in SCHEMA_KINDS for fork in (False, True) if not (fork and kind == "status")}


def _object_schema(cls: type, defs: dict, fork: bool) -> dict:
    properties = {}
    required = []
    for name, tp, f in schema_fields(cls):
        prop = _type_schema(tp, f, defs, fork)
        prop["description"] = f.metadata["doc"]
        properties[name] = prop
        if is_required(f) and not (fork and name != "id"):
            required.append(name)
    if fork:
        properties.update(FORK_KEYS)
    out = {"type": "object", "description": (cls.__doc__ or "").strip().splitlines()[0],
           "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def _type_schema(tp, f, defs: dict, fork: bool) -> dict:
    optional = unwrap_optional(tp) is not tp
    tp = unwrap_optional(tp)
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        out = {"enum": list(typing.get_args(tp))}
    elif f.metadata.get("weeks"):  # weeks: 4, or weeks: "4-6"
        out = {"anyOf": [{"type": "integer", "minimum": 1},
                         {"type": "string", "pattern": r"^\d{1,3}(-\d{1,3})?$"}]}
    elif tp is str:
        out = {"type": "string"}
        if f.metadata.get("pattern"):
            out["pattern"] = f.metadata["pattern"]
        if f.metadata.get("pattern") == ID_PATTERN:
            out["maxLength"] = ID_MAX_LENGTH
    elif tp is bool:
        out = {"type": "boolean"}
    elif tp is int:
        out = {"type": "integer"}
    elif origin is list:
        (item,) = typing.get_args(tp)
        out = {"type": "array", "items": _type_schema(item, f, defs, fork)}
    elif origin is dict:
        _, item = typing.get_args(tp)
        out = {"type": "object",
               "propertyNames": {"pattern": ID_PATTERN, "maxLength": ID_MAX_LENGTH},
               "additionalProperties": _type_schema(item, f, defs, fork)}
    elif dataclasses.is_dataclass(tp):
        if tp.__name__ not in defs:
            defs[tp.__name__] = {}  # placeholder first: recursive types terminate
            defs[tp.__name__] = _object_schema(tp, defs, fork)
        out = {"$ref": f"#/$defs/{tp.__name__}"}
    else:
        raise TypeError(f"unsupported field type {tp!r}")
    return {"anyOf": [out, {"type": "null"}]} if optional else out


def _type_name(tp) -> str:
    tp = unwrap_optional(tp)
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in typing.get_args(tp))
    if origin is list:
        return f"list of {_type_name(typing.get_args(tp)[0])}"
    if origin is dict:
        return f"mapping id → {_type_name(typing.get_args(tp)[1])}"
    if dataclasses.is_dataclass(tp):
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    return {str: "text", int: "whole number", bool: "true/false"}.get(tp, str(tp))


def reference_classes() -> list[type]:
    """Every class reachable from the file kinds, in declaration order of first use."""
    seen: list[type] = []

    def visit(cls: type) -> None:
        if cls in seen:
            return
        seen.append(cls)
        for _, tp, _ in schema_fields(cls):
            nested = [unwrap_optional(tp)]
            while nested:  # dict[str, list[X]] holds X too
                arg = nested.pop(0)
                if dataclasses.is_dataclass(arg):
                    visit(arg)
                nested.extend(typing.get_args(arg))

    for cls, _ in SCHEMA_KINDS.values():
        visit(cls)
    return seen


def codes_markdown() -> str:
    """The table of diagnostic codes of the format reference, from the registry."""
    rows = ["| code | severity | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{code.name}` | {code.severity} | {code.meaning} |" for code in CODES.values()]
    return "\n".join(rows) + "\n"


def reference_markdown() -> str:
    """The field tables of the format reference page (docs/reference/format.md)."""
    blocks = []
    for cls in reference_classes():
        rows = ["| key | type | required | meaning |", "| --- | --- | --- | --- |"]
        for name, tp, f in schema_fields(cls):
            kind = _type_name(tp)
            if f.metadata.get("ref"):
                kind += f" (a {f.metadata['ref']} id)"
            rows.append(f"| `{name}` | {kind} | {'yes' if is_required(f) else ''} | "
                        f"{f.metadata['doc']} |")
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        blocks.append(f"### {cls.__name__} {{#{cls.__name__.lower()}}}\n\n{doc}\n\n"
                      + "\n".join(rows))
    return "\n\n".join(blocks) + "\n"

