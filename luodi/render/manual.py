"""The role page: the role's training manual (responsibilities, items across phases, modules)."""

from __future__ import annotations

from ..model import Role
from ..places import role_phase_anchor
from .common import (
    Context,
    bullet_list,
    drift_notice,
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
    parts.append(md(ctx.t("your-items-hint")))
    by_phase: dict[str, list[str]] = {}
    for phase, item, letters in ctx.playbook.index["items_by_role"].get(role.id, []):
        by_phase.setdefault(phase.id, []).append(
            f'<li class="luodi-role-item" id="{h(item.id)}">'
            f'{priority_badge(ctx, item.priority)} '
            f'<span class="luodi-raci-letters" title="RACI">{h(letters)}</span> '
            f"{ctx.item_html(phase, item)}"
            f'<span class="luodi-evidence">{ctx.fact_html("evidence", h(item.evidence))}'
            "</span></li>")
    for phase in ctx.playbook.phases:
        if phase.id in by_phase:
            parts.append(heading(3, phase.title, role_phase_anchor(phase.id)))
            parts.append('<ul class="luodi-role-items">\n' + "\n".join(by_phase[phase.id])
                         + "\n</ul>")
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


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, 1))


def handout_link(ctx: Context, role: Role) -> str:
    """The link from the role page to its handout; not part of the page's search text."""
    return (f'<p class="luodi-handout-link" data-search-exclude><a href="'
            f'{ctx.href(ctx.path("handout", role.id))}">{h(ctx.t("handout-link"))}</a></p>')


register(View("role", "role", lambda ctx, role: handout_link(ctx, role) + "\n\n" + render(ctx, role),
              title=lambda ctx, role: role.title, tags=lambda ctx, role: (role.title,),
              nav="roles", macro="role_manual", embed=render))
