"""The printable handout of a role: its manual and every one of its courses, on one page.

Nothing here renders a view of its own: the page is the role page (`manual.render`) followed by
each module's course page (`course.render`), in prerequisite order. Two things are adjusted so
that the pieces fit on one page: the course headings move one level down (each course is a
chapter under its own heading), and the course sections' fixed anchors (objectives, lessons,
exercises, items), which every course page has, get the module id in front so that no id is used
twice on the page. Lesson anchors are object ids, unique in the playbook, and stay as they are.
"""

from __future__ import annotations

import re

from ..model import Role
from . import course, manual
from .common import Context, h, heading, modules_in_order, page_path

# A heading line as common.heading() writes it: text, then `{ #anchor .class … }`. Text lines
# never start with '#': md() escapes it.
_HEADING = re.compile(r"^(#{1,5}) (.*) \{ #([^\s}]+)((?: \.[\w-]+)*) \}$", re.M)


# The sections of a course page (course.render) whose anchors get the module id in front here.
COURSE_SECTIONS = ("objectives", "lessons", "exercises", "items")


def module_anchors(module_id: str) -> list[str]:
    """The anchors a module has on a handout (its chapter and its sections), for aliases."""
    return [f"course-{module_id}", *(f"{module_id}-{s}" for s in COURSE_SECTIONS)]


def path(playbook, role_id: str) -> str:
    """Source path of a role's handout: next to the role page, e.g. standard/roles/pm/handout.md."""
    return page_path(playbook, "role", role_id)[:-3] + "/handout.md"


def link(ctx: Context, role: Role) -> str:
    """The link from the role page to its handout; not part of the page's search text."""
    return (f'<p class="luodi-handout-link" data-search-exclude><a href="'
            f'{ctx.href(path(ctx.playbook, role.id))}">{h(ctx.t("handout-link"))}</a></p>')


def render(ctx: Context, role: Role) -> str:
    parts = [f'<p class="luodi-print-hint">{h(ctx.t("handout-hint"))}</p>',
             manual.render(ctx, role).rstrip("\n")]
    modules = modules_in_order(role.modules)
    if modules:
        parts.append(heading(2, ctx.t("handout-courses"), "courses", "luodi-handout-courses"))
    for module in modules:
        parts.append(heading(2, module.title, f"course-{module.id}", "luodi-handout-course"))
        lessons = {lesson.id for lesson in module.lessons}
        parts.append(_as_chapter(course.render(ctx, role, module).rstrip("\n"), module.id, lessons))
    return "\n\n".join(p for p in parts if p) + "\n"


def _as_chapter(markdown: str, prefix: str, keep: set[str]) -> str:
    def one_down(m: re.Match) -> str:
        anchor = m.group(3) if m.group(3) in keep else f"{prefix}-{m.group(3)}"
        return f"{m.group(1)}# {m.group(2)} {{ #{anchor}{m.group(4)} }}"

    return _HEADING.sub(one_down, markdown)


__all__ = ["COURSE_SECTIONS", "link", "module_anchors", "path", "render"]
