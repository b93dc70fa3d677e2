"""The whole playbook as JSON: model fields in declaration order, phases, roles and forms
attached, defaults written out, where things were written left out."""

from __future__ import annotations

import dataclasses
import json

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
    text = json.dumps(playbook_data(playbook), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")
