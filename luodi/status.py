"""Where a project stands, from its status.yaml: each phase's gate (its Must items done, its exit
criteria met, its forms signed), what is missing for it, and counts by phase and by role.

One computation for every view: `luodi status`, the phase pages, the dashboard, the exports.
An item not listed in status.yaml is todo; n/a counts as done (it does not apply); Won't items
are an agreement, not work, and are never counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import CriterionStatus, Form, FormStatus, Item, ItemStatus, Phase, Playbook, Source

STATES = ("done", "doing", "blocked", "todo", "n/a")
FINISHED = ("done", "n/a")
TODO = ItemStatus()


def item_status(playbook: Playbook, item_id: str) -> ItemStatus:
    status = playbook.status
    return status.items.get(item_id, TODO) if status else TODO


def counted(item: Item) -> bool:
    """Whether an item is work to track (a Won't item is not)."""
    return item.priority != "wont"


@dataclass(frozen=True)
class Missing:
    """One thing that stands between a phase and its gate."""

    kind: str  # "item", "criterion" or "form"
    id: str  # item or form id; for a criterion, its number
    title: str
    state: str  # the item's or criterion's state; "unsigned" for a form
    source: Source  # where it is defined in the playbook
    by: str = ""
    note: str = ""


@dataclass(frozen=True)
class Gate:
    """A phase's exit gate: met when every Must item is done, every exit criterion met and
    every form of the phase signed."""

    phase: Phase
    must_done: int
    must_total: int
    criteria: list[tuple[str, CriterionStatus]]  # (criterion, its state), in order
    forms: list[tuple[Form, FormStatus | None]]
    missing: list[Missing] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.missing

    @property
    def criteria_met(self) -> int:
        return sum(1 for _, c in self.criteria if c.state in FINISHED)

    @property
    def forms_signed(self) -> int:
        return sum(1 for _, f in self.forms if f and f.signed)


def gate(playbook: Playbook, phase: Phase) -> Gate:
    status = playbook.status
    missing: list[Missing] = []
    musts = [item for item in phase.checklist if item.priority == "must"]
    done = 0
    for item in musts:
        state = item_status(playbook, item.id)
        if state.state in FINISHED:
            done += 1
        else:
            missing.append(Missing("item", item.id, item.title, state.state, item.source,
                                   state.by, state.note))
    written = status.exit_criteria.get(phase.id, []) if status else []
    criteria = [(text, written[n] if n < len(written) else CriterionStatus())
                for n, text in enumerate(phase.exit_criteria)]
    for n, (text, state) in enumerate(criteria, 1):
        if state.state not in FINISHED:
            where = phase.sources.get("exit_criteria[]", [])
            missing.append(Missing("criterion", str(n), text, state.state,
                                   where[n - 1] if n <= len(where) else phase.source,
                                   state.by, state.note))
    forms = [(form, status.forms.get(form.id) if status else None)
             for form in playbook.forms if form.phase == phase.id]
    for form, signed in forms:
        if not (signed and signed.signed):
            missing.append(Missing("form", form.id, form.title, "unsigned", form.source,
                                   signed.by if signed else "", signed.note if signed else ""))
    return Gate(phase, done, len(musts), criteria, forms, missing)


def gates(playbook: Playbook) -> list[Gate]:
    """Every phase's gate, in order: once per playbook (each role's page shows the current one)."""
    found = playbook.derived.get("gates")
    if found is None:
        found = playbook.derived["gates"] = [gate(playbook, phase) for phase in playbook.phases]
    return found


def current_gate(playbook: Playbook, all_gates: list[Gate] | None = None) -> Gate | None:
    """The first gate not met: where the project is now (None when every gate is met)."""
    return next((g for g in all_gates or gates(playbook) if not g.met), None)


def state_counts(playbook: Playbook, items) -> dict[str, int]:
    """How many of the items are in each state (Won't items left out)."""
    counts = dict.fromkeys(STATES, 0)
    for item in items:
        if counted(item):
            counts[item_status(playbook, item.id).state] += 1
    return counts


def blocked(playbook: Playbook) -> list[tuple[Phase, Item, ItemStatus]]:
    return [(phase, item, item_status(playbook, item.id)) for phase, item in playbook.items()
            if item_status(playbook, item.id).state == "blocked"]


def role_items(playbook: Playbook, role_id: str,
               phase: Phase | None = None) -> list[tuple[Item, str]]:
    """A role's own work (in one phase, or in all): the items it executes or approves (R or
    A), with its letters; Won't items are not work."""
    return [(item, letters) for p, item, letters in playbook.index["items_by_role"].get(role_id, [])
            if (phase is None or p.id == phase.id) and counted(item)
            and ("R" in letters or "A" in letters)]


def readiness(playbook: Playbook, phase_id: str | None = None) -> dict:
    """The project's readiness as data (what `luodi status --format json` prints)."""
    all_gates = gates(playbook)
    current = current_gate(playbook, all_gates)

    def gate_data(g: Gate) -> dict:
        return {
            "phase": g.phase.id, "title": g.phase.title, "met": g.met,
            "must": {"done": g.must_done, "total": g.must_total},
            "exit_criteria": {"met": g.criteria_met, "total": len(g.criteria)},
            "forms": {"signed": g.forms_signed, "total": len(g.forms)},
            "states": state_counts(playbook, g.phase.checklist),
            "missing": [{"kind": m.kind, "id": m.id, "title": m.title, "state": m.state,
                         "by": m.by, "note": m.note, "where": str(m.source)}
                        for m in g.missing],
        }

    shown = [g for g in all_gates if phase_id in (None, g.phase.id)]
    return {
        "playbook": playbook.id, "title": playbook.title,
        "has_status": playbook.status is not None,
        "current_phase": current.phase.id if current else None,
        "gates": [gate_data(g) for g in shown],
        "roles": {role.id: state_counts(playbook, [item for item, _ in
                                                   role_items(playbook, role.id)])
                  for role in playbook.roles},
    }


STATE_LABELS = {"done": "done", "doing": "doing", "blocked": "blocked", "todo": "open",
                "n/a": "n/a"}


def report_text(data: dict, gate_only: bool) -> list[str]:
    """`luodi status` for a terminal: each gate's counts, then what is missing, file:line."""
    lines = [f"{data['playbook']}: {data['title']}" + (
        "" if data["has_status"] else " (no status.yaml: every item is open)")]
    for g in data["gates"]:
        mark = "met" if g["met"] else "not met"
        current = "  ← now" if g["phase"] == data["current_phase"] else ""
        lines.append(f"  {g['title']} ({g['phase']}): gate {mark}; Must {g['must']['done']}/"
                     f"{g['must']['total']} done, exit criteria {g['exit_criteria']['met']}/"
                     f"{g['exit_criteria']['total']} met, forms {g['forms']['signed']}/"
                     f"{g['forms']['total']} signed{current}")
        if gate_only or g["phase"] == data["current_phase"]:
            for m in g["missing"]:
                who = f", {m['by']}" if m["by"] else ""
                note = f": {m['note']}" if m["note"] else ""
                lines.append(f"    {m['where']}: {m['kind']} {m['id']} {m['title']} "
                             f"[{m['state']}{who}]{note}")
    return lines


def report_markdown(data: dict, gate_only: bool) -> list[str]:
    """The same as Markdown, for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY)."""
    lines = [f"### {_md(data['title'])}: readiness", "",
             "| phase | gate | Must done | exit criteria met | forms signed |",
             "| --- | --- | ---: | ---: | ---: |"]
    for g in data["gates"]:
        now = " (now)" if g["phase"] == data["current_phase"] else ""
        lines.append(f"| {_md(g['title'])}{now} | {'✅ met' if g['met'] else '❌ not met'} | "
                     f"{g['must']['done']}/{g['must']['total']} | {g['exit_criteria']['met']}/"
                     f"{g['exit_criteria']['total']} | {g['forms']['signed']}/"
                     f"{g['forms']['total']} |")
    for g in data["gates"]:
        if g["missing"] and (gate_only or g["phase"] == data["current_phase"]):
            lines += ["", f"**Missing for {_md(g['title'])}:**", ""]
            lines += [f"- {m['kind']} `{_md(m['id'])}` {_md(m['title'])}: {m['state']}"
                      f"{' (' + _md(m['by']) + ')' if m['by'] else ''} — `{_md(m['where'])}`"
                      for m in g["missing"]]
    return lines


def _md(text: str) -> str:
    """Playbook text in a Markdown table or list: no markup of its own."""
    return "".join("\\" + ch if ch in "\\`*_[]<>|#" else ch for ch in str(text)).replace(
        "\n", " ")
