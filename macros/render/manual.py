"""The role page: the role's training manual (responsibilities, items across phases, modules)."""

from __future__ import annotations

from ..model import Role
from .checklist import RACI_LETTERS
from .common import (
    Context,
    bullet_list,
    drift_notice,
    h,
    heading,
    item_roles,
    md,
    md_inline,
    modules_in_order,
    priority_badge,
)


def render(ctx: Context, role: Role) -> str:
    parts = [drift_notice(ctx, role), md(role.summary)]
    if role.responsibilities:
        parts.append(heading(2, ctx.t("responsibilities"), "responsibilities"))
        parts.append(bullet_list([md_inline(r) for r in role.responsibilities]))
    parts.append(heading(2, ctx.t("your-items"), "items"))
    parts.append(md(ctx.t("your-items-hint")))
    for phase in ctx.playbook.phases:
        rows = []
        for item in phase.checklist:
            letters = role_letters(item, role.id)
            if not letters:
                continue
            rows.append(
                f'<li class="luodi-role-item" id="{h(item.id)}">'
                f'{priority_badge(ctx, item.priority)} '
                f'<span class="luodi-raci-letters" title="RACI">{h(letters)}</span> '
                f"{ctx.item_html(phase, item)}"
                f'<span class="luodi-evidence">{ctx.fact_html("evidence", h(item.evidence))}'
                "</span>"
                "</li>")
        if rows:
            parts.append(heading(3, phase.title, f"phase-{phase.id}"))
            parts.append('<ul class="luodi-role-items">\n' + "\n".join(rows) + "\n</ul>")
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


def role_letters(item, role_id: str) -> str:
    """The RACI letters a role holds on an item ('' when it has no part in it)."""
    roles = item_roles(item)
    return "".join(letter for key, letter in RACI_LETTERS.items() if role_id in roles[key])


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, 1))
