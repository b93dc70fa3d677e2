"""The printable handout of a role: its manual and every one of its courses, on one page.

Nothing here renders a view of its own: the page is the role page (`manual.render`) followed by
each module's course page (`course.render`), in prerequisite order, as a chapter: its headings
one level down, and its sections' anchors (objectives, lessons, exercises, items), which every
course has, with the module id in front so that no id is written twice on the page.
"""

from __future__ import annotations

from ..model import Role
from . import course, manual
from .common import Context, h, heading, modules_in_order, page_path


def module_anchors(module_id: str) -> list[str]:
    """The anchors a module has on a handout (its chapter and its sections), for aliases."""
    return [f"course-{module_id}", *(f"{module_id}-{s}" for s in course.SECTIONS)]


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
        parts.append(course.render(ctx, role, module, level=3, prefix=f"{module.id}-")
                     .rstrip("\n"))
    return "\n\n".join(p for p in parts if p) + "\n"


__all__ = ["link", "module_anchors", "path", "render"]
