"""The course page: one training module, the page trainers link to."""

from __future__ import annotations

from ..model import Module, Role
from .common import Context, bullet_list, drift_notice, heading, md, md_inline


def render(ctx: Context, role: Role, module: Module) -> str:
    facts = [
        ctx.fact('for-role', ctx.role_md(role.id)),
        ctx.fact('format', md_inline(ctx.t('format-' + module.format))),
        ctx.fact('duration', md_inline(ctx.t('minutes', n=module.duration))),
        ctx.fact("prerequisites", ctx.join(ctx.module_md(p) for p in module.prerequisites)
                 if module.prerequisites else md_inline(ctx.t("none"))),
    ]
    parts = [drift_notice(ctx, module), md(module.summary), bullet_list(facts)]
    parts.append(heading(2, ctx.t("objectives"), "objectives"))
    parts.append(bullet_list([md_inline(o) for o in module.objectives]))
    if module.lessons:
        parts.append(heading(2, ctx.t("lessons"), "lessons"))
        for lesson in module.lessons:
            parts.append(heading(3, lesson.title, lesson.id, "luodi-lesson"))
            if lesson.detail:
                parts.append(md(lesson.detail))
    if module.exercises:
        parts.append(heading(2, ctx.t("exercises"), "exercises"))
        parts.append(bullet_list([md_inline(e) for e in module.exercises]))
    items = ctx.playbook.index["items_by_module"].get(module.id, [])
    if items:
        parts.append(heading(2, ctx.t("supports-items"), "items"))
        parts.append(bullet_list([ctx.item_md(i.id) + ctx.paren(md_inline(p.title))
                                  for p, i in items]))
    return "\n\n".join(p for p in parts if p) + "\n"
