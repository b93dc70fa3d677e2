"""The role page: the role's training manual (responsibilities, items across phases, modules)."""

from __future__ import annotations

from ..model import Role
from ..places import role_phase_anchor
from .common import (
    Context,
    bullet_list,
    drift_notice,
    fork_badge,
    h,
    heading,
    md,
    md_inline,
    modules_in_order,
    priority_badge,
)
from .status import role_open_items
from .views import View, register


def render(ctx: Context, role: Role) -> str:
    parts = [drift_notice(ctx, role), md(role.summary), role_open_items(ctx, role.id)]
    if role.responsibilities:
        parts.append(heading(2, ctx.t("responsibilities"), "responsibilities"))
        parts.append(bullet_list([md_inline(r) for r in role.responsibilities]))
    parts.append(heading(2, ctx.t("your-items"), "items"))
    parts.append(f'<p class="luodi-raci-legend">{h(ctx.t("raci-legend"))}</p>')
    own: dict[str, list[str]] = {}
    others: dict[str, list[str]] = {}
    for phase, item, letters in ctx.playbook.index["items_by_role"].get(role.id, []):
        mine = "R" in letters or "A" in letters
        # Won't items are an agreement on scope: shown with the rest, never ticked.
        target = own if mine and item.priority != "wont" else others
        target.setdefault(phase.id, []).append(_item_line(ctx, phase, item, letters))
    if own:
        parts.append(md(ctx.t("your-items-hint")))
    for phase in ctx.playbook.phases:
        if phase.id in own:
            parts.append(heading(3, phase.title, role_phase_anchor(phase.id)))
            parts.append('<ul class="luodi-role-items luodi-own-items">\n'
                         + "\n".join(own[phase.id]) + "\n</ul>")
    if not own:
        parts.append(md(ctx.t("your-items-none")))
    if others:
        n = sum(len(lines) for lines in others.values())
        rows = [f'<details class="luodi-other-items" id="other-items">'
                f'<summary>{h(ctx.t("other-items", n=n))}</summary>']
        for phase in ctx.playbook.phases:
            if phase.id in others:
                # A phase the role only hears of keeps its anchor here, as before.
                anchor = "" if phase.id in own else f' id="{h(role_phase_anchor(phase.id))}"'
                rows.append(f'<p class="luodi-other-phase"{anchor}><strong>{h(phase.title)}'
                            "</strong></p>")
                rows.append('<ul class="luodi-role-items">\n' + "\n".join(others[phase.id])
                            + "\n</ul>")
        rows.append("</details>")
        parts.append("\n".join(rows))
    parts.append(heading(2, ctx.t("your-modules"), "modules"))
    parts.append(md(ctx.t("your-modules-hint")))
    lines = []
    for module in modules_in_order(role.modules):
        line = (f"{ctx.module_md(module.id)} · {md_inline(ctx.t('format-' + module.format))}"
                f" · {md_inline(ctx.t('minutes', n=module.duration))}")
        if module.prerequisites:
            line += " · " + ctx.t("labelled", label=md_inline(ctx.t("prerequisites")),
                                  value=ctx.join(ctx.module_md(p) for p in module.prerequisites))
        if module.summary:
            line += f"<br>{md_inline(module.summary)}"
        lines.append(f'<span id="{h(module.id)}"></span>{line}')
    parts.append(_numbered(lines) if lines else md(ctx.t("none")))
    return "\n\n".join(p for p in parts if p) + "\n"


def _item_line(ctx: Context, phase, item, letters: str) -> str:
    # Every item keeps its anchor on the role page (links to it never break); one folded away
    # opens when a link leads to it.
    return (f'<li class="luodi-role-item" id="{h(item.id)}">'
            f'{priority_badge(ctx, item.priority)}{fork_badge(ctx, item.id)} '
            f'<span class="luodi-raci-letters" title="RACI">{h(letters)}</span> '
            f"{ctx.item_html(phase, item)}"
            f'<span class="luodi-evidence">{ctx.fact_html("evidence", h(item.evidence))}'
            "</span></li>")


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, 1))


def handout_link(ctx: Context, role: Role) -> str:
    """The link from the role page to its handout; not part of the page's search text."""
    return (f'<p class="luodi-handout-link" data-search-exclude><a href="'
            f'{ctx.href(ctx.path("handout", role.id))}">{h(ctx.t("handout-link"))}</a></p>')


register(View("role", "role", lambda ctx, role: handout_link(ctx, role) + "\n\n" + render(ctx, role),
              title=lambda ctx, role: role.title, tags=lambda ctx, role: (role.title,),
              nav="roles", macro="role_manual", embed=render))
