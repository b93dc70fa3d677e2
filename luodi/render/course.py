"""The course page: one training module, the page trainers link to. A role's handout holds
all of the role's courses, each rendered here as a chapter."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Module, Role
from .common import Context, bullet_list, drift_notice, heading, md, md_inline
from .views import View, register


def render(ctx: Context, role: Role, module: Module, level: int = 2,
           section: Callable[[str], str] = str) -> str:
    """`level` is that of the section headings (lessons are one below); `section` makes a
    section's anchor of its name (on a handout: places.course_section_anchor). Lesson anchors are
    object ids, unique in the playbook, and stay."""
    facts = [
        ctx.fact('for-role', ctx.role_md(role.id)),
        ctx.fact('format', md_inline(ctx.t('format-' + module.format))),
        ctx.fact('duration', md_inline(ctx.t('minutes', n=module.duration))),
        ctx.fact("prerequisites", ctx.join(ctx.module_md(p) for p in module.prerequisites)
                 if module.prerequisites else md_inline(ctx.t("none"))),
    ]
    parts = [drift_notice(ctx, module), md(module.summary), bullet_list(facts)]
    parts.append(heading(level, ctx.t("objectives"), section("objectives")))
    parts.append(bullet_list([md_inline(o) for o in module.objectives]))
    if module.lessons:
        parts.append(heading(level, ctx.t("lessons"), section("lessons")))
        for lesson in module.lessons:
            parts.append(heading(level + 1, lesson.title, lesson.id, "luodi-lesson"))
            if lesson.detail:
                parts.append(md(lesson.detail))
    if module.exercises:
        parts.append(heading(level, ctx.t("exercises"), section("exercises")))
        parts.append(bullet_list([md_inline(e) for e in module.exercises]))
    items = ctx.playbook.index["items_by_module"].get(module.id, [])
    if items:
        parts.append(heading(level, ctx.t("supports-items"), section("items")))
        parts.append(bullet_list([ctx.item_md(i.id) + ctx.paren(md_inline(p.title))
                                  for p, i in items]))
    return "\n\n".join(p for p in parts if p) + "\n"


register(View("module", "module", lambda ctx, pair: render(ctx, *pair),
              title=lambda ctx, pair: pair[1].title,
              tags=lambda ctx, pair: (pair[0].title, ctx.t("format-" + pair[1].format)),
              nav="training", macro="course"))
