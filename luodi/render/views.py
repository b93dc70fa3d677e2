"""The registry of page kinds: each kind of page Luodi generates, declared once.

A `View` says what one page is made of (its scope: the playbook, or each phase, role, module or
form), how to render its body, its title and tags, where it goes in the nav, and the macro that
embeds it in hand-written pages. Its URL is places.page_path(playbook, kind, id) and the fixed
anchors it writes are places.SECTIONS[kind]. Each view module registers its views when it is
imported (render/__init__.py imports them in order: that order is the order of the nav and of
the overview's links). A new view is one module, one `register(View(...))` and its labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Playbook

# What one page is made of: the playbook, or one phase, role, (role, module) or form.
SCOPES: dict[str, Callable[[Playbook], list]] = {
    "playbook": lambda pb: [None],
    "phase": lambda pb: list(pb.phases),
    "role": lambda pb: list(pb.roles),
    "module": lambda pb: list(pb.modules()),
    "form": lambda pb: list(pb.forms),
    # A playbook's pages that exist only with a status file (the project's state).
    "project": lambda pb: [None] if pb.status is not None else [],
}

# The nav groups of a playbook's section, in order; "more" are entries of their own at the end.
NAV_GROUPS = ("phases", "roles", "training", "forms")


@dataclass(frozen=True)
class View:
    kind: str  # the page kind: its URL, its anchors, data-luodi-kind on the page
    scope: str  # one page per: see SCOPES
    render: Callable  # (ctx, obj) → Markdown of the body below the title (obj None: playbook)
    title: Callable  # (ctx, obj) → the page's title
    nav_title: Callable | None = None  # (ctx, obj) → its title in the nav, if not the title
    tags: Callable = lambda ctx, obj: ()  # (ctx, obj) → the page's tags
    nav: str = ""  # "overview" (the playbook's first page), a NAV_GROUPS group, "more" or ""
    macro: str = ""  # the macro that embeds it in hand-written pages: macro(playbook[, id])
    embed: Callable | None = None  # what the macro renders, if not `render`: (ctx, obj) → str
    front: tuple[tuple[str, object], ...] = ()  # more front matter, e.g. (("search", {...}),)
    toc_depth: Callable = lambda obj: 0  # obj → headings deeper stay out of the TOC (0: none)
    # (playbook, obj) → whether it has this page: a quiz needs questions, a glossary terms
    when: Callable = lambda pb, obj: True


VIEWS: dict[str, View] = {}


def register(view: View) -> View:
    if view.scope not in SCOPES:
        raise ValueError(f"view {view.kind}: unknown scope {view.scope!r}")
    if view.nav and view.nav not in ("overview", "more", *NAV_GROUPS):
        raise ValueError(f"view {view.kind}: unknown nav group {view.nav!r}")
    VIEWS[view.kind] = view
    return view


def object_id(obj) -> str:
    """The id a page's URL is made of: the phase's, role's, module's or form's ('' for the
    playbook's own pages)."""
    if obj is None:
        return ""
    if isinstance(obj, tuple):  # (role, module)
        return obj[1].id
    return obj.id


def pages_of(view: View, pb: Playbook) -> list:
    """The objects of a playbook that have a page of this view."""
    return [obj for obj in SCOPES[view.scope](pb) if view.when(pb, obj)]


def of_scope(scope: str) -> list[View]:
    return [view for view in VIEWS.values() if view.scope == scope]
