"""The whole playbook as JSON: model fields in declaration order, phases, roles and forms
attached, defaults written out, where things were written left out."""

from __future__ import annotations

import dataclasses
import json
import math
from json.encoder import encode_basestring

from .. import __version__
from ..model import Node, Playbook


def playbook_data(playbook: Playbook) -> dict:
    """The whole playbook as plain data: model fields in declaration order, phases, roles and
    forms attached, defaults written out, internal fields (`source`, `sources` …) left out.
    `generator` names the Luodi that wrote it."""
    data = _plain(playbook)
    out = {"schema_version": data.pop("schema_version"),
           "generator": {"name": "luodi", "version": __version__}}
    out.update(data)
    return out


# Internal fields (where things were written: source, sources …) are left out, except the
# parts the loader attaches to a playbook from its own files.
_ATTACHED = ("phases", "roles", "forms")


def _plain(value):
    if isinstance(value, Node):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.metadata.get("internal") or f.name in _ATTACHED}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def playbook_json(playbook: Playbook) -> bytes:
    """UTF-8 JSON with Chinese kept as is, two-space indent and a final newline."""
    return data_json(playbook_data(playbook))


def data_json(data) -> bytes:
    """playbook_json() of playbook_data(): `json.dumps(data, ensure_ascii=False, indent=2)`
    and a final newline."""
    try:
        text = _indented(data)
    except _NotPlain:
        text = json.dumps(data, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


class _NotPlain(Exception):
    """A value _indented() leaves to the json module (which may reject it)."""


def _indented(value) -> str:
    """The text json.dumps(value, ensure_ascii=False, indent=2) makes, for plain data (str keys;
    str, int, float, bool, None, list and tuple values). With an indent the json module has
    only its Python encoder, which took two thirds of a 10x playbook's JSON; this writes the
    same text in less than half the time (tests/test_export.py compares them)."""
    out: list[str] = []
    add = out.append

    def encode(v, pad: str) -> None:
        t = type(v)
        if t is str:
            add(encode_basestring(v))
        elif t is dict or t is list or t is tuple:
            if not v:
                add("{}" if t is dict else "[]")
                return
            inner = pad + "  "
            opening, closing = ("{", "}") if t is dict else ("[", "]")
            first = True
            for entry in v.items() if t is dict else v:
                add((opening if first else ",") + inner)
                first = False
                if t is dict:
                    if type(entry[0]) is not str:
                        raise _NotPlain  # json turns such keys into text its own way
                    add(encode_basestring(entry[0]) + ": ")
                    entry = entry[1]
                encode(entry, inner)
            add(pad + closing)
        elif v is None:
            add("null")
        elif v is True:
            add("true")
        elif v is False:
            add("false")
        elif t is int:
            add(int.__repr__(v))
        elif t is float and math.isfinite(v):
            add(float.__repr__(v))
        else:
            raise _NotPlain

    encode(value, "\n")
    return "".join(out)
