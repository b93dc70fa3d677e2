"""Checks of a playbook's status.yaml against the playbook: every id it names exists, dates are
dates, and a done Must item says where its evidence is."""

from __future__ import annotations

import datetime

from ..diagnostics import Diagnostic, Names, did_you_mean, known_ids
from ..model import Playbook


def check_status(playbook: Playbook, playbooks: dict[str, Playbook]) -> list[Diagnostic]:
    status = playbook.status
    if status is None:
        return []
    out: list[Diagnostic] = []
    items = playbook.index["item"]
    item_names = Names(items)
    removed = _removed_items(playbook, playbooks)
    for item_id, state in status.items.items():
        where = state.source  # the line of the item's entry
        if item_id in items:
            _, item = items[item_id]
            if (state.state == "done" and item.priority == "must" and not state.evidence):
                out.append(Diagnostic(
                    where, "status-no-evidence",
                    f"Must item '{item_id}' is done without its evidence ({item.evidence})",
                    f"add evidence: a link to it, or the document's name, e.g. "
                    f"{item_id}: {{state: done, evidence: \"https://…\"}}"))
        elif item_id in removed:
            out.append(Diagnostic(
                where, "status-removed",
                f"item '{item_id}' is removed in this playbook (it is {removed[item_id]}'s)",
                f"remove the line, or stop removing the item in {playbook.id}"))
        else:
            out.append(Diagnostic(
                where, "status-unknown-id",
                f"no checklist item '{item_id}' in '{playbook.id}'"
                f"{did_you_mean(item_id, item_names)}", known_ids("item", item_names)))
        out += _dates(state, ("date",))
    phases = playbook.index["phase"]
    for phase_id, criteria in status.exit_criteria.items():
        where = criteria[0].source if criteria else status.sources.get("exit_criteria",
                                                                         status.source)
        if phase_id not in phases:
            out.append(Diagnostic(
                where, "status-unknown-id", f"no phase '{phase_id}' in '{playbook.id}'"
                f"{did_you_mean(phase_id, phases)}", known_ids("phase", list(phases))))
            continue
        count = len(phases[phase_id].exit_criteria)
        if len(criteria) > count:
            extra = criteria[count]
            out.append(Diagnostic(
                extra.source, "status-unknown-id",
                f"phase '{phase_id}' has {count} exit criteria; this is number {count + 1}",
                "one entry per exit criterion, in the order of the phase's exit_criteria"))
        for criterion in criteria:
            out += _dates(criterion, ("date",))
    forms = playbook.index["form"]
    for form_id, form_status in status.forms.items():
        if form_id not in forms:
            out.append(Diagnostic(
                form_status.source, "status-unknown-id",
                f"no form '{form_id}' in '{playbook.id}'{did_you_mean(form_id, forms)}",
                known_ids("form", list(forms))))
        out += _dates(form_status, ("signed",))
    return out


def _dates(obj, names: tuple[str, ...]) -> list[Diagnostic]:
    out = []
    for name in names:
        value = getattr(obj, name)
        if not value:
            continue
        try:
            datetime.date.fromisoformat(value)
            ok = len(value) == 10
        except ValueError:
            ok = False
        if not ok:
            out.append(Diagnostic(
                obj.sources.get(name, obj.source), "status-bad-date",
                f"'{name}' is '{value}', which is not a date", f"{name}: a date as YYYY-MM-DD, "
                f"e.g. {name}: \"2026-03-02\""))
    return out


def _removed_items(playbook: Playbook, playbooks: dict[str, Playbook]) -> dict[str, str]:
    """Items an ancestor has and this playbook does not: item id → the ancestor's id."""
    found: dict[str, str] = {}
    seen = {playbook.id}
    parent = playbooks.get(playbook.extends)
    while parent is not None and parent.id not in seen:
        seen.add(parent.id)
        for item_id in parent.index["item"]:
            if item_id not in playbook.index["item"]:
                found.setdefault(item_id, parent.id)
        parent = playbooks.get(parent.extends)
    return found

