"""The pages of a playbook site: which exist, their titles, tags, nav, and full Markdown text.

The plugin writes these into the build; the benchmark writes the same text to disk as the
plain-Markdown floor. Both go through `page_markdown`, so there is one way to make a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Playbook
from ..places import page_path
from ..text import yaml_value
from .common import Context, h, md_inline
from .views import NAV_GROUPS, SCOPES, VIEWS, View, object_id, of_scope, pages_of

# What the Markdown of generated pages uses: ids and classes on headings, HTML blocks holding
# Markdown (one box per checklist item), tables and warning boxes (drift notices).
MARKDOWN_EXTENSIONS = ("attr_list", "md_in_html", "tables", "admonition")


@dataclass(frozen=True)
class PageSpec:
    src: str  # source path, e.g. "standard/phases/preparation.md"
    title: str
    render: Callable[[Context], str]  # the body, below the title
    tags: tuple[str, ...] = ()
    kind: str = ""
    front: tuple[tuple[str, object], ...] = ()  # more front matter, e.g. (("search", {...}),)
    toc_depth: int = 0  # headings deeper than this stay out of the page's TOC (0: none do)


def _walk(pb: Playbook):
    """(view, object) of every page of a playbook, in the order of its nav: the overview, each
    phase's pages, each role's pages followed by those of its modules, each form's, then the
    playbook's other pages."""
    def pages(scope: str, obj, where=lambda view: True):
        return ((view, obj) for view in of_scope(scope) if where(view) and view.when(pb, obj))

    yield from pages("playbook", None, lambda view: view.nav == "overview")
    for phase in pb.phases:
        yield from pages("phase", phase)
    for role in pb.roles:
        yield from pages("role", role)
        for module in role.modules:
            yield from pages("module", (role, module))
    for form in pb.forms:
        yield from pages("form", form)
    yield from pages("playbook", None, lambda view: view.nav != "overview")
    for obj in SCOPES["project"](pb):
        yield from pages("project", obj)


# By playbook (the object itself, which is immutable): course pages ask once per material link,
# and a walk over every page for each of them grew with the square of the playbook's size.
_SOURCES: dict[int, tuple[Playbook, frozenset[str]]] = {}


def page_sources(pb: Playbook) -> frozenset[str]:
    """The source paths of a playbook's generated pages, without rendering them."""
    known = _SOURCES.get(id(pb))
    if known is None or known[0] is not pb:
        if len(_SOURCES) > 256:  # playbooks of earlier `mkdocs serve` builds
            _SOURCES.clear()
        known = _SOURCES[id(pb)] = (pb, frozenset(
            page_path(pb, view.kind, object_id(obj)) for view, obj in _walk(pb)))
    return known[1]


def playbook_pages(pb: Playbook) -> list[PageSpec]:
    ctx = Context(pb, "")
    return [page_spec(ctx, view, obj) for view, obj in _walk(pb)]


def page_spec(ctx: Context, view: View, obj) -> PageSpec:
    return PageSpec(page_path(ctx.playbook, view.kind, object_id(obj)), view.title(ctx, obj),
                    lambda page_ctx: view.render(page_ctx, obj), tuple(view.tags(ctx, obj)),
                    view.kind, view.front, view.toc_depth(obj))


class UnsafePage(Exception):
    """A generated page that a template engine could run: a bug in a renderer, never input."""


# What starts a Jinja statement, expression or comment (mkdocs-macros' defaults).
TEMPLATE_STARTS = ("{{", "{%", "{#")


def page_meta(spec: PageSpec, pb: Playbook) -> dict:
    """The front matter of a generated page, as mkdocs must read it.

    `render_macros: false` keeps mkdocs-macros away from the page *and its title*: playbook text
    is data, and a title containing '{{' would otherwise be executed as a template. mkdocs and
    Material put titles and tags into templates without escaping them, hence h().
    """
    meta = {"title": h(spec.title), "render_macros": False,
            "luodi": {"playbook": pb.id, "kind": spec.kind}}
    if spec.tags:
        meta["tags"] = [h(tag) for tag in dict.fromkeys(spec.tags)]
    meta.update(spec.front)
    return meta


def page_body(spec: PageSpec, pb: Playbook, directory_urls: bool = True,
              html_links: str = "url") -> str:
    """The Markdown of a generated page below its front matter: the title, the view, and which
    playbook the page belongs to, for the reader script (at the end: before the h1 it would
    change how Material's search cuts the page)."""
    body = spec.render(Context(pb, spec.src, directory_urls, html_links))
    marker = (f'<div class="luodi-page" hidden data-luodi-playbook="{h(pb.id)}" '
              f'data-luodi-kind="{h(spec.kind)}" data-luodi-lang="{h(pb.language)}" '
              f'data-luodi-title="{h(pb.title)}" data-luodi-label="{h(pb.label)}"></div>')
    return f"# {md_inline(spec.title)}\n\n{body}\n{marker}\n"


# The page marker above, which names the playbook, and the names downloads are saved under
# (the playbook's id in front): not part of what a page says.
_MARKER = re.compile(r'<div class="luodi-page" hidden[^>]*></div>|\{: download="[^"]*" \}'
                     r'| download="[^"]*"')


def page_content(text: str) -> str:
    """What a generated page says (its Markdown without the marker): the same in a fork and
    its parent when the fork inherits the page unchanged."""
    from .status import without_status  # status.py imports views, which this module does too

    return without_status(_MARKER.sub("", text))


def front_matter(meta: dict) -> str:
    """YAML front matter that every YAML reader reads back as exactly `meta` (text.yaml_value):
    if mkdocs could not read it, it would drop it silently, `render_macros: false` with it."""
    return "---\n" + "".join(f"{key}: {yaml_value(value)}\n" for key, value in meta.items()) \
        + "---\n\n"


def page_markdown(spec: PageSpec, pb: Playbook, directory_urls: bool = True,
                  html_links: str = "url") -> str:
    """The complete Markdown file of a generated page: front matter and body.

    Raises UnsafePage if the text holds a template's start ('{{', '{%', '{#'): escaping makes
    that impossible for playbook text, so only a renderer's bug can cause it, and a page that
    could run as a template must never be published."""
    text = front_matter(page_meta(spec, pb)) + page_body(spec, pb, directory_urls, html_links)
    for start in TEMPLATE_STARTS:
        at = text.find(start)
        if at != -1:
            line = text.count("\n", 0, at) + 1
            raise UnsafePage(f"generated page {spec.src} holds '{start}' at line {line}, which "
                             "a template engine would run (a bug in Luodi; please report it)")
    return text


def playbook_nav(pb: Playbook) -> dict:
    """This playbook's section of the mkdocs nav: the overview, the groups of pages (phases in
    order, roles, training by role, forms), then the playbook's other pages.

    Titles are HTML-escaped: the theme writes nav titles into pages as they are.
    """
    ctx = Context(pb, "")

    def entry(view: View, obj) -> dict:
        title = (view.nav_title or view.title)(ctx, obj)
        return {h(title): page_path(pb, view.kind, object_id(obj))}

    section: list = [entry(view, None) for view in VIEWS.values() if view.nav == "overview"]
    for group in NAV_GROUPS:
        entries: list = []
        # The group's index page first: the group's title in the nav opens it.
        for view in sorted((v for v in VIEWS.values() if v.nav == group),
                           key=lambda v: v.scope != "playbook"):
            if view.scope == "module":  # by role
                entries += [{h(role.title): [entry(view, (role, m)) for m in role.modules
                                             if view.when(pb, (role, m))]}
                            for role in pb.roles if role.modules]
            else:
                entries += [entry(view, obj) for obj in pages_of(view, pb)]
        if entries:
            section.append({h(ctx.t(group)): entries})
    section += [entry(view, obj) for view in VIEWS.values() if view.nav == "more"
                for obj in pages_of(view, pb)]
    return {h(pb.title): section}
