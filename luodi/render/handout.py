"""The printable handout of a role: its manual and every one of its courses, on one page.

Nothing here renders a view of its own: the page is the role page (`manual.render`) followed by
each module's course page (`course.render`), in prerequisite order, as a chapter: its headings
one level down, and its sections' anchors (objectives, lessons, exercises, items), which every
course has, with the module id in front so that no id is written twice on the page.
"""

from __future__ import annotations

from ..model import Role
from ..places import course_anchors, course_section_anchor
from . import course, manual
from .common import Context, h, heading, modules_in_order
from .views import View, register


def render(ctx: Context, role: Role) -> str:
    parts = [f'<p class="luodi-print-hint">{h(ctx.t("handout-hint"))}</p>',
             manual.render(ctx, role).rstrip("\n")]
    modules = modules_in_order(role.modules)
    if modules:
        parts.append(heading(2, ctx.t("handout-courses"), "courses", "luodi-handout-courses"))
    for module in modules:
        chapter, *_ = course_anchors(module.id)
        parts.append(heading(2, module.title, chapter, "luodi-handout-course"))
        parts.append(course.render(ctx, role, module, level=3,
                                   section=lambda s, m=module.id: course_section_anchor(m, s))
                     .rstrip("\n"))
    return "\n\n".join(p for p in parts if p) + "\n"


# The printable handout repeats the role page and its courses: kept out of search so that a
# query finds the course page, not the handout as well.
register(View("handout", "role", render,
              title=lambda ctx, role: ctx.t("handout-title", role=role.title),
              front=(("search", {"exclude": True}),)))
