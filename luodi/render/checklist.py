"""The phase page: entry/exit criteria, deliverables and the checklist grouped by MoSCoW."""

from __future__ import annotations

from ..exports.common import role_title
from ..model import PRIORITIES, RACI_LETTERS, Item, Phase
from ..places import priority_anchor, topic_anchor
from .common import (
    Context,
    bullet_list,
    drift_notice,
    fork_badge,
    h,
    heading,
    md,
    md_inline,
    priority_badge,
)
from .status import criterion_state, gate_box, team_state
from .views import View, register

# A phase with more items lists its sections in the page's table of contents, not its items
# (pages.py): a TOC of thousands of entries cannot be read, and the theme's script watches
# every entry (for the tooltip of a cut title) at a cost that grows with their square: a
# minute at 10,000 items.
TOC_ITEMS = 100


def render(ctx: Context, phase: Phase) -> str:
    parts = [drift_notice(ctx, phase), md(phase.summary)]
    facts = []
    if phase.subtitle:
        facts.append(md_inline(phase.subtitle))
    if phase.duration:
        facts.append(ctx.fact('duration', md_inline(phase.duration)))
    musts = sum(1 for i in phase.checklist if i.priority == "must")
    facts.append(ctx.fact("checklist", ctx.t("items-count", n=len(phase.checklist))
                          + ctx.t("clause-separator") + ctx.t("must-count", n=musts)))
    parts.append(" · ".join(facts))
    forms = [f for f in ctx.playbook.forms if f.phase == phase.id]
    if forms:
        links = ctx.join(f"[{md_inline(f.title)}]({ctx.md_link(ctx.path('form', f.id))})"
                         for f in forms)
        parts.append(ctx.fact('related-forms', links))
    parts.append(ctx.fact("downloads", ctx.downloads_md("phase", phase)))
    parts.append(gate_box(ctx, phase))
    parts.append(criteria_section(ctx, "entry-criteria", phase.entry_criteria))
    parts.append(criteria_section(ctx, "exit-criteria", phase.exit_criteria, phase))
    if phase.deliverables:
        parts.append(heading(2, ctx.t("deliverables"), "deliverables"))
        lines = []
        for d in phase.deliverables:
            line = f'<span id="{h(d.id)}"></span>**{md_inline(d.title)}**'
            if d.owner:
                line += ctx.paren(ctx.role_md(d.owner))
            if d.detail:
                line = ctx.t("labelled", label=line, value=md_inline(d.detail))
            lines.append(line)
        parts.append(bullet_list(lines))
    parts.append(heading(2, ctx.t("checklist"), "checklist"))
    parts.append(filters(ctx, phase))
    for priority in PRIORITIES:
        items = [i for i in phase.checklist if i.priority == priority]
        if not items:
            continue
        parts.append(heading(3, ctx.t(f"{priority}-long"), priority_anchor(priority)))
        if priority == "wont":
            parts.append(f'<p class="luodi-wont-note">{h(ctx.t("wont-note"))}</p>')
        parts.extend(item_block(ctx, phase, item, level=4) for item in items)
    parts.append(phase_links(ctx, phase))
    return "\n\n".join(p for p in parts if p) + "\n"


def filters(ctx: Context, phase: Phase) -> str:
    """The checklist's filters (the reader's script shows and runs them): by priority, by a
    role that executes or approves (R or A), by the reader's own ticks."""
    if not phase.checklist:
        return ""
    present = {item.priority for item in phase.checklist}
    roles = dict.fromkeys(role for item in phase.checklist
                          for role, letters in item.raci_by_role.items()
                          if "R" in letters or "A" in letters)

    def select(name: str, options: list[tuple[str, str]]) -> str:
        choices = "".join(f'<option value="{h(value)}">{h(text)}</option>'
                          for value, text in [("", ctx.t("filter-all")), *options])
        return (f'<label class="luodi-filter">{h(ctx.t("filter-" + name))} '
                f'<select data-filter="{name}">{choices}</select></label>')

    return ('<div class="luodi-filters" hidden data-search-exclude role="group" '
            f'aria-label="{h(ctx.t("filter-label"))}">'
            + select("priority", [(p, ctx.t(p)) for p in PRIORITIES if p in present])
            + select("role", [(r, role_title(ctx.playbook, r)) for r in roles])
            + select("state", [("open", ctx.t("filter-open")), ("done", ctx.t("filter-done"))])
            + '<span class="luodi-filter-count" aria-live="polite"></span></div>')


def phase_links(ctx: Context, phase: Phase) -> str:
    """The previous and the next phase, at the foot of the page."""
    phases = list(ctx.playbook.phases)
    at = phases.index(phase) if phase in phases else -1
    links = []
    if at > 0:
        before = phases[at - 1]
        links.append(f'<a class="luodi-phase-prev" rel="prev" href="{ctx.href(ctx.path("phase", before.id))}">'
                     f'{h(ctx.t("phase-prev", phase=before.title))}</a>')
    if 0 <= at < len(phases) - 1:
        after = phases[at + 1]
        links.append(f'<a class="luodi-phase-next" rel="next" href="{ctx.href(ctx.path("phase", after.id))}">'
                     f'{h(ctx.t("phase-next", phase=after.title))}</a>')
    if not links:
        return ""
    return (f'<nav class="luodi-phase-links" aria-label="{h(ctx.t("phase-links"))}" '
            f'data-search-exclude>{"".join(links)}</nav>')


def criteria_section(ctx: Context, key: str, criteria: list[str],
                     gate_of: Phase | None = None) -> str:
    """Entry or exit criteria; exit criteria (gate_of: their phase) with the team's state."""
    if not criteria:
        return ""
    return heading(2, ctx.t(key), key) + "\n\n" + bullet_list([
        (criterion_state(ctx, gate_of, n) if gate_of else "") + md_inline(c)
        for n, c in enumerate(criteria, 1)])


def raci_line(ctx: Context, item: Item) -> str:
    roles = item.raci_roles()
    groups = []
    for key, letter in RACI_LETTERS.items():
        if roles[key]:
            groups.append(f"{letter} " + ctx.join(ctx.role_md(r) for r in roles[key]))
    return ctx.t("group-separator").join(groups)


def item_block(ctx: Context, phase: Phase, item: Item, level: int) -> str:
    """One checklist item with its anchor; shared by the phase page and the checklist macro.

    One row to scan (its title, then its priority and owner), the rest folded away: how to do
    it, the evidence, the RACI, the training and the tags open on demand and are all printed.
    The box says what the reader's filters need (its priority, the roles that execute or
    approve it)."""
    summary = (f'<summary class="luodi-meta">{priority_badge(ctx, item.priority)}'
               f'{fork_badge(ctx, item.id)} '
               f'<span class="luodi-owner">{ctx.fact_html("owner", h(role_title(ctx.playbook, item.owner)))}'
               f'</span> <span class="luodi-more">{h(ctx.t("item-more"))}</span></summary>')
    fields = [ctx.fact('evidence', md_inline(item.evidence)),
              ctx.t("labelled", label="**RACI**", value=raci_line(ctx, item))]
    if item.modules:
        fields.append(ctx.fact("prepared-by", ctx.join(ctx.module_md(m) for m in item.modules)))
    if item.tags:
        fields.append(ctx.fact("tags", ctx.join(_tag_md(ctx, t) for t in item.tags)))
    more = [md(item.detail) if item.detail else "", bullet_list(fields)]
    details = (f'<details class="luodi-item-more" markdown="1">\n{summary}\n\n'
               + "\n\n".join(p for p in more if p) + "\n\n</details>")
    parts = [heading(level, item.title, item.id, "luodi-item"), drift_notice(ctx, item), details,
             team_state(ctx, item.id)]
    own = " ".join(role for role, letters in item.raci_by_role.items()
                   if "R" in letters or "A" in letters)
    # One box per item (CSS contains its layout): ticking one item of thousands re-lays out
    # that item, not the page (bench/reader_big_page.py).
    return (f'<div class="luodi-item-block" data-priority="{h(item.priority)}" '
            f'data-roles="{h(own)}" markdown="1">\n\n'
            + "\n\n".join(p for p in parts if p) + "\n\n</div>")


def _tag_md(ctx: Context, tag: str) -> str:
    """An item's topic, a link to every item of the playbook on it."""
    return f"[{md_inline(tag)}]({ctx.md_link(ctx.path('topics'), topic_anchor(tag))})"


def _tags(ctx: Context, phase: Phase) -> tuple[str, ...]:
    """The phase (a priority's word alone, 可以 or 应该, says nothing as a tag)."""
    return (phase.title,)


register(View("phase", "phase", render, title=lambda ctx, phase: phase.title, tags=_tags,
              nav="phases", macro="checklist",
              toc_depth=lambda phase: 3 if len(phase.checklist) > TOC_ITEMS else 0))
