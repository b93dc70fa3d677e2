"""The project's state on the site (status.yaml, luodi/status.py): the team's state beside each
item, a phase's gate at the top of its page, and the dashboard page of a playbook with a status
file. Everything here is HTML made from escaped text: status.yaml is data like the playbook."""

from __future__ import annotations

import datetime
import re

from ..model import ItemStatus, Phase
from ..schedule import schedule
from ..status import (
    FINISHED,
    STATES,
    Gate,
    blocked,
    current_gate,
    gate,
    gates,
    item_status,
    role_items,
    state_counts,
)
from .common import Context, h, heading, md_inline
from .views import View, register

# Evidence that is a web address becomes a link; anything else stays text (a document's name).
_WEB = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def state_label(ctx: Context, state: str) -> str:
    return f'<span class="luodi-state luodi-state-{h(state.replace("/", ""))}" ' \
           f'data-search-exclude>{h(ctx.t("state-" + state))}</span>'


def evidence_html(ctx: Context, evidence: str) -> str:
    if _WEB.fullmatch(evidence.strip()):
        url = evidence.strip()
        return f'<a href="{h(url)}" rel="noopener">{h(ctx.t("evidence"))}</a>'
    return h(evidence)


def team_state(ctx: Context, item_id: str) -> str:
    """The team's state of an item (who, when, the evidence) as one line, or '' without a
    status file."""
    if ctx.playbook.status is None:
        return ""
    state: ItemStatus = item_status(ctx.playbook, item_id)
    parts = [state_label(ctx, state.state)]
    parts += [h(value) for value in (state.by, state.date) if value]
    if state.evidence:
        parts.append(evidence_html(ctx, state.evidence))
    if state.note:
        parts.append(f'<span class="luodi-state-note">{h(state.note)}</span>')
    return (f'<p class="luodi-team-state" data-state="{h(state.state)}" data-search-exclude>'
            f'{ctx.fact_html("team-state", " · ".join(parts))}</p>')


def gate_box(ctx: Context, phase: Phase, found: Gate | None = None, open_list: bool = False) -> str:
    """A phase's gate: Must items done, exit criteria met, forms signed, and what is missing
    (folded away on the phase page, open on the dashboard)."""
    if ctx.playbook.status is None:
        return ""
    found = found or gate(ctx.playbook, phase)
    met = "met" if found.met else "not-met"
    counts = [ctx.t("gate-must", done=found.must_done, total=found.must_total),
              ctx.t("gate-criteria", done=found.criteria_met, total=len(found.criteria)),
              ctx.t("gate-forms", done=found.forms_signed, total=len(found.forms))]
    lines = [f'<div class="luodi-gate luodi-gate-{met}" id="gate" data-search-exclude>',
             f'<p class="luodi-gate-title"><strong>{h(ctx.t("gate-" + met))}</strong> · '
             + " · ".join(h(c) for c in counts) + "</p>"]
    if found.missing:
        entries = []
        for m in found.missing:
            if m.kind == "item":
                target = f'<a href="{ctx.href(ctx.path("phase", phase.id), m.id)}">{h(m.title)}</a>'
            elif m.kind == "form":
                target = f'<a href="{ctx.href(ctx.path("form", m.id))}">{h(m.title)}</a>'
            else:
                target = (f'<a href="{ctx.href(ctx.path("phase", phase.id), "exit-criteria")}">'
                          + ctx.t("labelled", label=h(f'{ctx.t("exit-criteria")} {m.id}'),
                                  value=h(m.title)) + "</a>")
            state = "unsigned" if m.kind == "form" else m.state
            who = f" · {h(m.by)}" if m.by else ""
            entries.append(f"<li>{state_label(ctx, state)} {target}{who}</li>")
        lines.append(f'<details{" open" if open_list else ""}><summary>{h(ctx.t("gate-missing"))} '
                     f'({len(found.missing)})</summary><ul>{"".join(entries)}</ul></details>')
    lines.append("</div>")
    return "\n".join(lines)


def criterion_state(ctx: Context, phase: Phase, number: int) -> str:
    """The state of a phase's exit criterion (1-based), before its text; '' without status."""
    status = ctx.playbook.status
    if status is None:
        return ""
    written = status.exit_criteria.get(phase.id, [])
    state = written[number - 1].state if number <= len(written) else "todo"
    return state_label(ctx, state) + " "


# ------------------------------------------------------------------ the dashboard


def _count_cells(counts: dict[str, int]) -> str:
    return " | ".join(str(counts[s] + (counts["n/a"] if s == "done" else 0))
                      for s in ("done", "doing", "blocked", "todo"))


def render(ctx: Context, _obj=None) -> str:
    pb = ctx.playbook
    all_gates = gates(pb)
    current = current_gate(pb, all_gates)
    parts = [md_inline(ctx.t("status-intro"))]
    parts.append("**" + md_inline(ctx.t("status-current", phase=current.phase.title)) + "**"
                 if current else md_inline(ctx.t("status-all-met")))
    header = (f"| {md_inline(ctx.t('phase'))} | {md_inline(ctx.t('col-gate'))} | "
              + " | ".join(md_inline(ctx.t(f"col-state-{s}")) for s in
                           ("done", "doing", "blocked", "todo")) + " |")
    rule = "| --- | --- | " + " | ".join("---:" for _ in range(4)) + " |"
    rows = [header, rule]
    for g in all_gates:
        link = f"[{md_inline(g.phase.title)}]({ctx.md_link(ctx.path('phase', g.phase.id), 'gate')})"
        rows.append(f"| {link} | {md_inline(ctx.t('gate-cell-met' if g.met else 'gate-cell-not-met'))} | "
                    f"{_count_cells(state_counts(pb, g.phase.checklist))} |")
    parts += [heading(2, ctx.t("status-by-phase"), "by-phase"), "\n".join(rows)]
    rows = [header.replace(md_inline(ctx.t("phase")), md_inline(ctx.t("roles")), 1)
            .replace(f" {md_inline(ctx.t('col-gate'))} |", "", 1), "| --- | "
            + " | ".join("---:" for _ in range(4)) + " |"]
    for role in pb.roles:
        own = [item for item, _ in role_items(pb, role.id)]
        rows.append(f"| {ctx.role_md(role.id)} | {_count_cells(state_counts(pb, own))} |")
    parts += [heading(2, ctx.t("status-by-role"), "by-role"), "\n".join(rows)]
    parts += [heading(2, ctx.t("status-timeline"), "timeline"),
              md_inline(ctx.t("status-timeline-intro")), timeline(ctx)]
    stuck = blocked(pb)
    parts.append(heading(2, ctx.t("status-blocked"), "blocked"))
    parts.append("\n".join(
        "- " + " · ".join(part for part in (
            ctx.item_md(item.id) + ctx.paren(md_inline(phase.title)), md_inline(state.by),
            md_inline(state.note)) if part)
        for phase, item, state in stuck) or md_inline(ctx.t("status-none")))
    if current:
        parts.append(heading(2, ctx.t("status-next-gate"), "next-gate"))
        parts.append(gate_box(ctx, current.phase, current, open_list=True))
    parts.append(ctx.fact("downloads", ctx.downloads_md("status")))
    return "\n\n".join(parts) + "\n"


def role_open_items(ctx: Context, role_id: str) -> str:
    """A role's open items (R or A) in the current phase, for its page; '' without status."""
    pb = ctx.playbook
    if pb.status is None:
        return ""
    current = current_gate(pb)
    if current is None:
        return ""
    phase = current.phase
    open_items = [item for item, _ in role_items(pb, role_id, phase)
                  if item_status(pb, item.id).state not in FINISHED]
    title = ctx.t("labelled", label=ctx.t("role-open"), value=phase.title)
    lines = [heading(2, title, "open-now")]
    if not open_items:
        lines.append(md_inline(ctx.t("role-open-none")))
    else:
        lines.append("\n".join(
            f"- {ctx.item_md(item.id)} · {md_inline(ctx.t('state-' + item_status(pb, item.id).state))}"
            for item in open_items))
    return ('<div class="luodi-role-open" data-search-exclude markdown="1">\n\n'
            + "\n\n".join(lines) + "\n\n</div>")


# ------------------------------------------------------------------ the timeline

_LABEL_W, _CHART_W, _ROW_H, _TOP = 190, 540, 34, 34


def timeline(ctx: Context, today: datetime.date | None = None) -> str:
    """The phases on a time axis, as SVG made at build time: planned bars (shortest, and the
    light part up to the longest), actual bars from status.yaml's dates, and a line for today.
    It scrolls sideways inside its box on a phone and prints on an A4 landscape page."""
    today = today or datetime.date.today()
    rows = schedule(ctx.playbook)
    dates = [d for r in rows for d in (r.start, r.end_long, r.actual_start, r.actual_end) if d]
    if not any(r.start for r in rows):
        return md_inline(ctx.t("status-timeline-none"))
    first = min([*dates, today]) - datetime.timedelta(days=7)
    last = max([*dates, today]) + datetime.timedelta(days=7)
    span = max((last - first).days, 1)

    def x(day: datetime.date) -> float:
        return round(_LABEL_W + (day - first).days / span * _CHART_W, 1)

    height = _TOP + len(rows) * _ROW_H + 10
    width = _LABEL_W + _CHART_W + 70  # room for the last month's and today's labels
    parts = [f'<svg class="luodi-timeline-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{h(ctx.t("status-timeline"))}" xmlns="http://www.w3.org/2000/svg">']
    month = first.replace(day=1)
    while month <= last:  # a line and a label at each month's first day
        if month >= first:
            parts.append(f'<line class="luodi-tl-grid" x1="{x(month)}" y1="{_TOP - 6}" '
                         f'x2="{x(month)}" y2="{height - 6}"/>'
                         f'<text class="luodi-tl-month" x="{x(month) + 2}" y="{_TOP - 12}">'
                         f'{month.year}-{month.month:02d}</text>')
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    for n, row in enumerate(rows):
        y = _TOP + n * _ROW_H
        parts.append(f'<text class="luodi-tl-label" x="4" y="{y + 18}">'
                     f'{h(_shorten(row.phase.title))}<title>{h(row.phase.title)}</title></text>')
        if row.start and row.end_short and row.end_long:
            parts.append(f'<rect class="luodi-tl-planned" x="{x(row.start)}" y="{y + 4}" '
                         f'width="{max(x(row.end_short) - x(row.start), 1)}" height="12"/>')
            if row.end_long > row.end_short:
                parts.append(f'<rect class="luodi-tl-range" x="{x(row.end_short)}" y="{y + 4}" '
                             f'width="{x(row.end_long) - x(row.end_short)}" height="12"/>')
        if row.actual_start:
            end = row.actual_end if row.finished else max(today, row.actual_end)
            kind = "done" if row.finished else "running"
            parts.append(f'<rect class="luodi-tl-actual luodi-tl-{kind}" x="{x(row.actual_start)}"'
                         f' y="{y + 19}" width="{max(x(end) - x(row.actual_start), 2)}" '
                         f'height="7"/>')
    parts.append(f'<line class="luodi-tl-today" x1="{x(today)}" y1="{_TOP - 6}" '
                 f'x2="{x(today)}" y2="{height - 4}"/>'
                 f'<text class="luodi-tl-today-label" x="{x(today) + 3}" y="{height - 2}">'
                 f'{h(ctx.t("status-today", date=today.isoformat()))}</text>')
    parts.append("</svg>")
    legend = (f'<span class="luodi-tl-key luodi-tl-planned"></span>{h(ctx.t("status-planned"))}'
              f' <span class="luodi-tl-key luodi-tl-done"></span>{h(ctx.t("status-actual"))}')
    return ('<figure class="luodi-timeline" data-search-exclude>'
            f'<div class="luodi-timeline-scroll">{"".join(parts)}</div>'
            f"<figcaption>{legend}</figcaption></figure>")


def _shorten(title: str, limit: int = 14) -> str:
    return title if len(title) <= limit else title[:limit - 1] + "…"


# The parts above, as they are written: what a page says without the project's state (a fork's
# page with a status file is still its parent's page for search and tags: pages.page_content).
STATUS_PARTS = re.compile(
    r'<p class="luodi-team-state"[^>]*>.*?</p>|<span class="luodi-state [^>]*>[^<]*</span> ?'
    r'|<div class="luodi-gate [^>]*>.*?</details>\n</div>|<div class="luodi-gate [^>]*>.*?</div>'
    r'|<div class="luodi-role-open"[^>]*>.*?</div>',
    re.S)


def without_status(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", STATUS_PARTS.sub("", text))


register(View("status", "project", render, title=lambda ctx, obj: ctx.t("status"),
              nav="more"))

__all__ = ["STATES", "criterion_state", "gate_box", "role_open_items", "team_state"]
