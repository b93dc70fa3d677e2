"""Where things are on the site: the one URL and anchor scheme.

Pages and downloads live at paths made of ids only, never of titles, so that a title can change
without breaking a link. Every page Luodi writes gives its own sections fixed anchors, and some
anchors are made from ids (`priority-must`, `sign-<role>` …): those may not be object ids too,
or a link would land on whichever comes first. Renamed objects keep their old URLs and anchors
(`aliases`): the redirects and alias anchors are derived here as well.

The validator, the renderers, the exports and the site glue all ask this module; none of them
spells a path or a derived anchor of its own.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from .model import GOAL_KINDS, PRIORITIES, RISK_CATEGORIES, Playbook

# ------------------------------------------------------------------ pages


# The index page of each group of pages, and the folder it is the index of.
INDEX_KINDS = {"phases-index": "phases", "roles-index": "roles", "training-index": "training",
               "forms-index": "forms"}


def playbook_dir(playbook: Playbook | str) -> str:
    return playbook if isinstance(playbook, str) else playbook.id


def page_path(playbook: Playbook | str, kind: str, obj_id: str = "") -> str:
    """Source path (.md) of a generated page; URLs are derived from it, ids only, never titles."""
    base = playbook_dir(playbook)
    if kind == "overview":
        return f"{base}/index.md"
    if kind in ("phase", "role", "form"):
        return f"{base}/{kind}s/{obj_id}.md"
    if kind == "module":
        return f"{base}/training/{obj_id}.md"
    if kind == "handout":  # next to the role page: standard/roles/pm/handout.md
        return f"{base}/roles/{obj_id}/handout.md"
    if kind in INDEX_KINDS:  # a group's index: standard/phases/index.md → standard/phases/
        return f"{base}/{INDEX_KINDS[kind]}/index.md"
    if kind == "quiz":  # next to the course page: standard/training/pm-basics/quiz.md
        return f"{base}/training/{obj_id}/quiz.md"
    return f"{base}/{kind}.md"  # raci, kpis, risks, scope, glossary, cases, pitfalls


def download_path(playbook: Playbook | str, relative: str) -> str:
    """Where the build publishes a download: below the playbook's folder, at the path its
    export declares (exports/__init__.py), e.g. standard/downloads/checklist.xlsx."""
    return f"{playbook_dir(playbook)}/{relative}"


@lru_cache(maxsize=1 << 16)
def relative_path(target: str, start: str) -> str:
    """posixpath.relpath for paths relative to the site root, without asking the file system
    for the working directory on every call (a third of the time of writing the pages)."""
    to = [part for part in target.split("/") if part not in ("", ".")]
    frm = [part for part in start.split("/") if part not in ("", ".")]
    common = 0
    while common < min(len(to), len(frm)) and to[common] == frm[common]:
        common += 1
    return "/".join([".."] * (len(frm) - common) + to[common:]) or "."


def relative_url(from_url: str, to_url: str) -> str:
    """The link from one page URL to another (both relative to the site root)."""
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    rel = relative_path(to_url, base)
    if to_url.endswith("/") or to_url == "":
        rel = "./" if rel == "." else rel.rstrip("/") + "/"
    return rel


def url_of(src: str, directory_urls: bool = True) -> str:
    """The URL path (relative to the site root) that mkdocs gives a source file."""
    if not src.endswith(".md"):  # a download or an asset keeps its path
        return src
    stem = src[:-3]
    if not directory_urls:  # mkdocs keeps index.html in the URL then (file:// has no index)
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return f"{stem}/"


# ------------------------------------------------------------------ anchors

# The fixed anchors of the sections, rows and tables of each kind of page Luodi writes.
SECTIONS: dict[str, tuple[str, ...]] = {
    "phase": ("gate", "entry-criteria", "exit-criteria", "deliverables", "checklist"),
    "role": ("open-now", "responsibilities", "items", "other-items", "modules"),
    "handout": ("courses",),
    "module": ("objectives", "lessons", "exercises", "materials", "items"),
    "quiz": ("questions", "answer-key"),
    "form": ("form-header", "criteria", "notes", "signatures"),
    "overview": ("roadmap", "i-am", "goals", "forms", "more"),
    "status": ("by-phase", "by-role", "timeline", "blocked", "next-gate", "gate"),
}
COURSE_SECTIONS = SECTIONS["module"]


def declare_sections(kind: str, anchors: tuple[str, ...]) -> None:
    """The fixed anchors of a new kind of page (an extension's view), so that the validator
    keeps object ids off them."""
    if kind in SECTIONS:
        raise ValueError(f"page kind '{kind}' has its section anchors already")
    SECTIONS[kind] = tuple(anchors)
CASE_PARTS = ("results", "lessons", "items")


def priority_anchor(priority: str) -> str:
    return f"priority-{priority}"


def goal_kind_anchor(kind: str) -> str:
    return f"goals-{kind}"


def risk_category_anchor(category: str) -> str:
    return f"category-{category}"


def role_phase_anchor(phase_id: str) -> str:
    """A role's items of one phase (role pages)."""
    return f"phase-{phase_id}"


def signature_anchor(role_id: str) -> str:
    return f"sign-{role_id}"


def exit_criterion_anchor(n: int) -> str:
    """The n-th (from 1) exit criterion of a phase, as a row of its forms."""
    return f"exit-{n}"


_WORD = re.compile(r"\w+")


def topic_anchor(tag: str) -> str:
    """A checklist topic (an item's tag) on the playbook's topics page: made of the tag itself
    (its letters and digits, Chinese included), so that a link to it never depends on the order
    of the tags, and nothing in a tag can reach the heading's attributes."""
    return "topic-" + "-".join(_WORD.findall(tag.lower()))


def glossary_letter_anchor(letter: str) -> str:
    """The glossary's section of terms that sort under a letter (A–Z; '#' for the rest)."""
    return f"letter-{letter.lower()}" if letter.isalpha() else "letter-other"


GLOSSARY_LETTERS = (*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#")


def case_part_anchor(case_id: str, part: str) -> str:
    return f"{case_id}-{part}"


def course_section_anchor(module_id: str, section: str) -> str:
    """A course's section on a handout, which holds every course of a role: the module id in
    front, so that no id is written twice on the page."""
    return f"{module_id}-{section}"


def course_anchors(module_id: str) -> list[str]:
    """The anchors a module has on a handout: its chapter, then its sections."""
    return [f"course-{module_id}", *(course_section_anchor(module_id, s) for s in COURSE_SECTIONS)]


def section_anchors(pb: Playbook) -> frozenset[str]:
    """Every anchor Luodi's pages give their own sections, rows and tables in this playbook.

    Object ids are anchors too, so an object id equal to one of these would be written twice on
    a page, and a link to it would land on whichever comes first: the validator refuses it.
    tests/test_site.py checks that every id a generated page has is an object id or is here.
    """
    return frozenset({
        *(anchor for anchors in SECTIONS.values() for anchor in anchors),
        *map(priority_anchor, PRIORITIES),
        *map(goal_kind_anchor, GOAL_KINDS),
        *map(risk_category_anchor, RISK_CATEGORIES),
        *(role_phase_anchor(phase.id) for phase in pb.phases),
        *(signature_anchor(role.id) for role in pb.roles),
        *(exit_criterion_anchor(n) for phase in pb.phases
          for n in range(1, len(phase.exit_criteria) + 1)),
        *(anchor for _, module in pb.modules() for anchor in course_anchors(module.id)),
        *(case_part_anchor(case.id, part) for case in pb.cases for part in CASE_PARTS),
        *map(glossary_letter_anchor, GLOSSARY_LETTERS),
        *map(topic_anchor, {tag for _, item in pb.items() for tag in item.tags}),
    })


# ------------------------------------------------------------------ renamed objects


def redirects(pb: Playbook) -> list[tuple[str, str, str]]:
    """(old source path, new source path, title): a page at each old URL of a renamed phase,
    role (its page and its handout), module or form, that sends the reader on."""
    out = []

    def moved(kind: str, obj) -> None:
        out.extend((page_path(pb, kind, old), page_path(pb, kind, obj.id), obj.title)
                   for old in obj.aliases)

    for phase in pb.phases:
        moved("phase", phase)
    for role in pb.roles:
        moved("role", role)
        moved("handout", role)
    for _, module in pb.modules():
        moved("module", module)
        if any(lesson.questions for lesson in module.lessons):
            moved("quiz", module)
    for form in pb.forms:
        moved("form", form)
    return out


def alias_anchors(pb: Playbook) -> dict[str, list[str]]:
    """New anchor → its old ones, for anchors made of ids: items and modules, the phase headings
    of role pages and the course chapters of handouts."""
    anchors: dict[str, list[str]] = {}
    for _, item in pb.items():
        anchors.setdefault(item.id, []).extend(item.aliases)
    for _, module in pb.modules():
        anchors.setdefault(module.id, []).extend(module.aliases)
        for old in module.aliases:
            for now, was in zip(course_anchors(module.id), course_anchors(old), strict=True):
                anchors.setdefault(now, []).append(was)
    for phase in pb.phases:
        anchors.setdefault(role_phase_anchor(phase.id), []).extend(
            role_phase_anchor(old) for old in phase.aliases)
    return {new: olds for new, olds in anchors.items() if olds}
