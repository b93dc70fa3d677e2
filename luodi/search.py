"""Chinese search: the build-time half of Luodi's search worker (assets/luodi-search-worker.js).

Material's search plugin writes search_index.json (its text already cut into words by jieba).
Luodi adds, under config.luodi, what the worker needs to answer Chinese queries well and what
the index cannot tell: the glossary's synonym groups (灰度上线 = 灰度发布), extra vocabulary for
cutting unspaced queries (the glossary's terms, role, form and KPI names), and a pinyin table
(term, full pinyin, initials) so that `yanshou` or `ysqrs` find 验收确认书.

jieba's own dictionary is left alone: teaching it compounds hid their parts from search in a
trial (确认书 lost its page). Vocabulary is only used to cut *queries*, where a longer match
never hides anything, because words also match inside longer words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .fields import walk
from .i18n import CATALOG
from .model import Playbook

_HAN = re.compile(r"[\u3400-\u9fff]")
_MAX_TERM = 10  # the worker tries words up to this many characters


def synonym_groups(playbooks: Iterable[Playbook]) -> list[list[str]]:
    """Each glossary term with its synonyms, merged across playbooks, in a stable order."""
    groups: dict[str, list[str]] = {}
    for pb in playbooks:
        for term in pb.glossary:
            words = [term.term, *term.synonyms]
            if term.english:
                words.append(term.english)
            key = term.term
            merged = groups.setdefault(key, [])
            merged.extend(w for w in words if w not in merged)
    return [group for group in groups.values() if len(group) > 1]


def vocabulary(playbooks: Iterable[Playbook]) -> list[str]:
    """Terms worth keeping whole when a query is cut into words."""
    words: set[str] = set()
    for pb in playbooks:
        words.update(t.term for t in pb.glossary)
        words.update(s for t in pb.glossary for s in t.synonyms)
        for role in pb.roles:
            words.update(part for part in re.split(r"[/／、]", role.title))
        words.update(f.title for f in pb.forms)
        words.update(k.name for k in pb.kpis)
        words.update(p.title for p in pb.pitfalls)
    return sorted(w for w in words if _HAN.search(w) and 1 < len(w) <= _MAX_TERM)


# Pinyin by term, kept for the life of the process: `mkdocs serve` rebuilds recompute only new
# terms, and pypinyin (0.2 s to import, for its phrase dictionary) is imported once.
_PINYIN: dict[str, tuple[str, str]] = {}


def pinyin_table(terms: Iterable[str]) -> list[list[str]]:
    """[term, full pinyin, initials] for every term with at least two Chinese characters."""
    rows = []
    for term in sorted(set(terms)):
        chinese = "".join(ch for ch in term if _HAN.match(ch))
        if len(chinese) < 2:
            continue
        if chinese not in _PINYIN:
            from pypinyin import Style, lazy_pinyin

            _PINYIN[chinese] = ("".join(lazy_pinyin(chinese)).lower(),
                                "".join(lazy_pinyin(chinese, style=Style.FIRST_LETTER)).lower())
        rows.append([term, *_PINYIN[chinese]])
    return rows


def titles(playbook: Playbook) -> Iterator[str]:
    """Every title, name and term in a playbook (phases, items, roles, modules, lessons, forms,
    KPIs, risks, glossary …): what readers may spell in pinyin."""
    for node in walk(playbook):
        for name in ("title", "name", "term"):
            value = getattr(node, name, None)
            if isinstance(value, str):
                yield value


def _depth(pb: Playbook, playbooks: list[Playbook]) -> int:
    """How many parents a playbook has: where forks repeat their parent's text, the parent's
    pages rank first unless the reader is in the fork."""
    by_id = {p.id: p for p in playbooks}
    depth, seen = 0, {pb.id}
    while pb.extends in by_id and pb.extends not in seen:
        pb = by_id[pb.extends]
        seen.add(pb.id)
        depth += 1
    return depth


def search_extras(playbooks: Iterable[Playbook], nav_titles: Iterable[str] = ()) -> dict:
    """What Luodi's worker finds in config.luodi of search_index.json. It is known before any
    page is converted (the playbooks, the headings Luodi writes, the nav's titles), so the
    build makes it in a second process meanwhile. Headings inside hand-written pages get no
    pinyin: that would need pypinyin in the build process, at the end of the build."""
    playbooks = list(playbooks)
    terms = vocabulary(playbooks)
    headings = {text for pb in playbooks for text in CATALOG.get(pb.language, {}).values()
                if "{" not in text}
    short_titles = {re.sub(r"\s+", "", t) for t in
                    (*(t for pb in playbooks for t in titles(pb)), *headings, *nav_titles)}
    return {
        "version": 1,
        "playbooks": {pb.id: _depth(pb, playbooks) for pb in playbooks},
        "synonyms": synonym_groups(playbooks),
        "terms": terms,
        "pinyin": pinyin_table([*terms, *(t for t in short_titles if len(t) <= _MAX_TERM)]),
    }


def enrich_index(index: dict, extras: dict) -> dict:
    """Add config.luodi (search_extras()) to a search_index.json document, in place."""
    index.setdefault("config", {})["luodi"] = extras
    return index
