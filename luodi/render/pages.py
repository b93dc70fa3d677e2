"""The pages of a playbook site: which exist, their titles, tags, nav, and full Markdown text.

The plugin writes these into the build; the benchmark writes the same text to disk as the
plain-Markdown floor. Both go through `page_markdown`, so there is one way to make a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Playbook
from ..text import yaml_value
from . import (
    checklist,
    course,
    form,
    handout,
    kpis,
    manual,
    overview,
    raci,
    reference,
    risks,
    scope,
)
from .common import TABLE_PAGES, Context, h, md_inline, page_path


@dataclass(frozen=True)
class PageSpec:
    src: str  # source path, e.g. "standard/phases/preparation.md"
    title: str
    render: Callable[[Context], str]  # the body, below the title
    tags: tuple[str, ...] = ()
    kind: str = ""
    front: tuple[tuple[str, object], ...] = ()  # more front matter, e.g. (("search", {...}),)
    toc_depth: int = 0  # headings deeper than this stay out of the page's TOC (0: none do)


_TABLE_VIEWS = {
    "scope": scope.render, "raci": raci.render, "kpis": kpis.render, "risks": risks.render,
    "glossary": reference.glossary, "cases": reference.cases, "pitfalls": reference.pitfalls,
}


def playbook_pages(pb: Playbook) -> list[PageSpec]:
    def t(key: str, **values) -> str:
        return Context(pb, "").t(key, **values)

    pages = [PageSpec(page_path(pb, "overview"), pb.title, overview.render, kind="overview")]
    for phase in pb.phases:
        priorities = sorted({i.priority for i in phase.checklist},
                            key=("must", "should", "could", "wont").index)
        big = len(phase.checklist) > checklist.TOC_ITEMS
        pages.append(PageSpec(page_path(pb, "phase", phase.id), phase.title,
                              lambda ctx, p=phase: checklist.render(ctx, p),
                              (phase.title, *(t(p) for p in priorities)), "phase",
                              toc_depth=3 if big else 0))
    for role in pb.roles:
        pages.append(PageSpec(page_path(pb, "role", role.id), role.title,
                              lambda ctx, r=role: handout.link(ctx, r) + "\n\n"
                              + manual.render(ctx, r), (role.title,), "role"))
        # The printable handout repeats the role page and its courses: kept out of search so
        # that a query finds the course page, not the handout as well.
        pages.append(PageSpec(page_path(pb, "handout", role.id),
                              t("handout-title", role=role.title),
                              lambda ctx, r=role: handout.render(ctx, r), kind="handout",
                              front=(("search", {"exclude": True}),)))
        for module in role.modules:
            pages.append(PageSpec(page_path(pb, "module", module.id), module.title,
                                  lambda ctx, r=role, m=module: course.render(ctx, r, m),
                                  (role.title, t("format-" + module.format)), "module"))
    for f in pb.forms:
        phase_title = next((p.title for p in pb.phases if p.id == f.phase), f.phase)
        pages.append(PageSpec(page_path(pb, "form", f.id), f.title,
                              lambda ctx, fm=f: form.render(ctx, fm), (phase_title,), "form"))
    for kind in TABLE_PAGES:
        pages.append(PageSpec(page_path(pb, kind), t(kind), _TABLE_VIEWS[kind], kind=kind))
    return pages


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


def page_body(spec: PageSpec, pb: Playbook, directory_urls: bool = True) -> str:
    """The Markdown of a generated page below its front matter: the title, then the view."""
    body = spec.render(Context(pb, spec.src, directory_urls))
    return f"# {md_inline(spec.title)}\n\n{body}"


def front_matter(meta: dict) -> str:
    """YAML front matter that every YAML reader reads back as exactly `meta` (text.yaml_value):
    if mkdocs could not read it, it would drop it silently, `render_macros: false` with it."""
    return "---\n" + "".join(f"{key}: {yaml_value(value)}\n" for key, value in meta.items()) \
        + "---\n\n"


def page_markdown(spec: PageSpec, pb: Playbook, directory_urls: bool = True) -> str:
    """The complete Markdown file of a generated page: front matter and body.

    Raises UnsafePage if the text holds a template's start ('{{', '{%', '{#'): escaping makes
    that impossible for playbook text, so only a renderer's bug can cause it, and a page that
    could run as a template must never be published."""
    text = front_matter(page_meta(spec, pb)) + page_body(spec, pb, directory_urls)
    for start in TEMPLATE_STARTS:
        at = text.find(start)
        if at != -1:
            line = text.count("\n", 0, at) + 1
            raise UnsafePage(f"generated page {spec.src} holds '{start}' at line {line}, which "
                             "a template engine would run (a bug in Luodi; please report it)")
    return text


def playbook_nav(pb: Playbook) -> dict:
    """This playbook's section of the mkdocs nav: phases in order, then by role.

    Titles are HTML-escaped: the theme writes nav titles into pages as they are.
    """
    def t(key: str) -> str:
        return h(Context(pb, "").t(key))

    section: list = [{t("overview"): page_path(pb, "overview")}]
    section.append({t("phases"): [{h(p.title): page_path(pb, "phase", p.id)}
                                  for p in pb.phases]})
    section.append({t("roles"): [{h(r.title): page_path(pb, "role", r.id)} for r in pb.roles]})
    section.append({t("training"): [
        {h(r.title): [{h(m.title): page_path(pb, "module", m.id)} for m in r.modules]}
        for r in pb.roles if r.modules]})
    if pb.forms:
        section.append({t("forms"): [{h(f.title): page_path(pb, "form", f.id)}
                                     for f in pb.forms]})
    section.extend({t(kind): page_path(pb, kind)} for kind in TABLE_PAGES)
    return {h(pb.title): section}
