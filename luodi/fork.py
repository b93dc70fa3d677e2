"""Tools for forks: scaffold a new fork, show what it changes, explain where a value came from."""

from __future__ import annotations

import json
from dataclasses import fields as dc_fields

from .fields import schema_fields, walk
from .i18n import label
from .model import Node, Playbook, Variable
from .text import yaml_string


def scaffold(parent: Playbook, fork_id: str, title: str = "",
             values: dict[str, str] | None = None, short_title: str = "") -> str:
    """The text of playbooks/<fork-id>/playbook.yaml: variables filled, overlay kinds shown."""
    values = values or {}
    q = _yaml_str
    lines = [
        "# yaml-language-server: $schema=../../docs/schema/playbook.fork.schema.json",
        f"# Fork of '{parent.id}': write only what differs; everything else is inherited.",
        "# Check it with: luodi validate    See what it changes: luodi diff " + fork_id,
        "schema_version: 1",
        f"id: {fork_id}",
        f"extends: {parent.id}",
        f"title: {q(title or parent.title + '（' + fork_id + '）')}",
        "# The name beside search results and tags (a fork does not inherit its parent's).",
        f"short_title: {q(short_title or title or fork_id)}",
        f"summary: {q(label(parent.language, 'fork-summary', title=parent.title))}",
        "",
        "# Project variables: fill in the values; labels are inherited.",
        "variables:",
    ]
    for var_id, variable in parent.variables.items():
        value = values.get(var_id, variable.value)
        lines.append(f"  {var_id}: {{value: {q(value)}}}  # {variable.label}")
    example_item = next(iter(parent.items()), None)
    example_kpi = parent.kpis[0] if parent.kpis else None
    lines += [
        "",
        "# ---- Examples of each overlay kind (uncomment and adapt) ----",
        "#",
        "# Add a KPI after an existing one (lists of objects with ids merge by id):",
        "# kpis:",
        "#   - id: kpi-new-indicator",
        f"#     after: {example_kpi.id if example_kpi else 'kpi-id'}",
        "#     name: 新指标",
        "#     target: 提升10%",
        "#     owner: sponsor",
        "#",
        "# Remove inherited objects (KPIs, risks, phases, roles, forms …) by id; the",
        "# @version lets Luodi warn you when the parent changes what you removed:",
        "# remove: [some-risk-id]",
    ]
    if example_item:
        phase, item = example_item
        lines += [
            "#",
            f"# Override one checklist item: create phases/{phase.id}.yaml holding only",
            "#   id: " + phase.id,
            "#   checklist:",
            f"#     - id: {item.id}",
            "#       priority: should      # only the fields you change",
            "#   remove: [other-item-id]   # drop an inherited item of this phase",
            "# `luodi validate` then tells you the based_on version to record.",
        ]
    return "\n".join(lines) + "\n"


def _yaml_str(text: str) -> str:
    return yaml_string(text)


def objects_by_id(pb: Playbook) -> dict[str, tuple[str, Node]]:
    """Every object with an id: id → (kind, object). Phases, roles, forms and anchored objects."""
    out: dict[str, tuple[str, Node]] = {}
    for node in walk(pb):
        obj_id = getattr(node, "id", None)
        if node is pb or not isinstance(obj_id, str):
            continue
        out.setdefault(obj_id, (type(node).__name__.lower(), node))
    return out


def _own_values(node: Node) -> dict:
    """A node's field values, without nested objects that have their own ids."""
    out = {}
    for name, _, _ in schema_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, list) and value and isinstance(value[0], Node) \
                and hasattr(value[0], "id"):
            value = [v.id for v in value]
        elif isinstance(value, Node):
            value = {n: getattr(value, n) for n, _, _ in schema_fields(type(value))}
        out[name] = value
    return out


def _changed(old: dict, new: dict) -> dict[str, tuple[str, Node, list[str] | None]]:
    """The fork's objects that are new (keys None) or whose own values differ (those keys)."""
    out = {}
    for obj_id, (kind, node) in new.items():
        if obj_id not in old:
            out[obj_id] = (kind, node, None)
            continue
        before, after = _own_values(old[obj_id][1]), _own_values(node)
        keys = [k for k in after if before.get(k) != after[k]]
        if keys:
            out[obj_id] = (kind, node, keys)
    return out


def changes(parent: Playbook, fork: Playbook) -> dict[str, str]:
    """Id → "added" or "changed", for what a fork adds to or changes in its parent (the fork's
    pages mark them)."""
    return {obj_id: "added" if keys is None else "changed"
            for obj_id, (_, _, keys) in _changed(objects_by_id(parent), objects_by_id(fork)).items()}


def diff(parent: Playbook, fork: Playbook) -> list[str]:
    """What the fork changes against its parent, object by object."""
    lines: list[str] = []
    for name in ("title", "short_title", "summary", "language", "version"):
        if getattr(parent, name) != getattr(fork, name):
            lines.append(f"~ playbook {fork.id}: {name}: {_show(getattr(parent, name))} → "
                         f"{_show(getattr(fork, name))}")
    for var_id in sorted(set(parent.variables) | set(fork.variables)):
        before, after = parent.variables.get(var_id), fork.variables.get(var_id)
        if before != after:
            lines.append(f"~ variable {var_id}: {_show(_var(before))} → {_show(_var(after))}"
                         f"  ({after.sources.get('value', after.source) if after else ''})")
    old, new = objects_by_id(parent), objects_by_id(fork)
    for obj_id, (kind, node, keys) in _changed(old, new).items():
        if keys is None:
            lines.append(f"+ {kind} {obj_id}  ({node.source})")
            continue
        before, after = _own_values(old[obj_id][1]), _own_values(node)
        lines.append(f"~ {kind} {obj_id}  ({node.source})")
        lines += [f"    {k}: {_show(before.get(k))} → {_show(after[k])}" for k in keys]
    for obj_id, (kind, node) in old.items():
        if obj_id not in new:
            lines.append(f"- {kind} {obj_id}  (was {node.source})")
    return lines


def _var(variable: Variable | None):
    return variable.value if variable else None


def _show(value) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Node):
        return json.dumps(_own_values(value), ensure_ascii=False, default=str)
    return json.dumps(value, ensure_ascii=False, default=str)


def explain(pb: Playbook, obj_id: str) -> list[str] | None:
    """Each field of an object with the file:line:col it came from; None if there is no such id."""
    if obj_id == pb.id:
        node, kind = pb, "playbook"
    else:
        found = objects_by_id(pb).get(obj_id)
        if found is None:
            return None
        kind, node = found
    lines = [f"{kind} {obj_id}  ({node.source})"]
    lines += _explain_fields(node, "  ")
    for note in node.drift:
        lines.append(f"  ! drift: {note}")
    return lines


def _explain_fields(node: Node, indent: str) -> list[str]:
    lines = []
    internal = {f.name for f in dc_fields(node) if f.metadata.get("internal")}
    for name, _, _ in schema_fields(type(node)):
        if name in internal:
            continue
        value = getattr(node, name)
        where = node.sources.get(name)
        origin = str(where) if where else "default"
        if isinstance(value, Node):
            lines.append(f"{indent}{name}:  ({origin})")
            lines += _explain_fields(value, indent + "  ")
        elif isinstance(value, list) and value and isinstance(value[0], Node):
            ids = [getattr(v, "id", "…") for v in value]
            lines.append(f"{indent}{name}: [{', '.join(ids)}]  ({origin})")
        elif isinstance(value, dict):
            lines.append(f"{indent}{name}:  ({origin})")
            for key, sub in value.items():
                lines.append(f"{indent}  {key}:  ({sub.source})")
                lines += _explain_fields(sub, indent + "    ")
        else:
            lines.append(f"{indent}{name}: {_show(value)}  ({origin})")
    return lines
