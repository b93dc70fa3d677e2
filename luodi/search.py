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

import html
import re
from collections.abc import Iterable, Iterator

from .fields import walk
from .i18n import CATALOG, SEARCH_WORDS
from .model import Playbook
from .render.pages import page_content

_HAN = re.compile(r"[\u3400-\u9fff]")
_MAX_TERM = 10  # the worker tries words up to this many characters
_SUFFIX = re.compile(r"[\W\d_]*")  # a number or punctuation after a term


def synonym_groups(playbooks: Iterable[Playbook]) -> list[list[str]]:
    """Each glossary term with its synonyms, merged across playbooks, in a stable order."""
    groups: dict[str, list[str]] = {}
    for pb in playbooks:
        for term in pb.glossary:
            words = [term.term, *term.synonyms,
                     *(w for w in (term.english, *term.english_synonyms) if w)]
            key = term.term
            merged = groups.setdefault(key, [])
            merged.extend(w for w in words if w not in merged)
    for pb in playbooks:  # Luodi's own names of kinds of content, in both languages
        for english, words in SEARCH_WORDS.get(pb.language, {}).items():
            merged = groups.setdefault(english, [english])
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
    """[term, full pinyin, initials] for every term with at least two Chinese characters, but
    one that is a shorter term plus a number or punctuation (验收确认书·2 beside 验收确认书,
    as copies and numbered titles are): what it would find, the shorter one finds."""
    terms = set(terms)
    by_chinese: dict[str, list[str]] = {}
    for term in sorted(terms, key=lambda t: (len(t), t)):
        chinese = "".join(ch for ch in term if _HAN.match(ch))
        kept = by_chinese.setdefault(chinese, [])
        if not any(term.startswith(shorter) and _SUFFIX.fullmatch(term[len(shorter):])
                   for shorter in kept):
            kept.append(term)
    rows = []
    for term in sorted(t for kept in by_chinese.values() for t in kept):
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


def playbook_family(playbooks: list[Playbook]) -> dict[str, dict]:
    """Each playbook's label (its short title), parent and depth (how many parents it has):
    the worker names each result's playbook, keeps a reader in their own playbook, and folds
    what a fork inherits unchanged into its parent's result (fold_inherited)."""
    by_id = {p.id: p for p in playbooks}
    family = {}
    for pb in playbooks:
        depth, seen, up = 0, {pb.id}, pb
        while up.extends in by_id and up.extends not in seen:
            up = by_id[up.extends]
            seen.add(up.id)
            depth += 1
        family[pb.id] = {"label": pb.label, "depth": depth,
                         "parent": pb.extends if pb.extends in by_id else "", "root": up.id}
    return family


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
        "version": 2,
        "playbooks": playbook_family(playbooks),
        "labels": search_labels(playbooks),
        "synonyms": synonym_groups(playbooks),
        "terms": terms,
        "pinyin": pinyin_table([*terms, *(t for t in short_titles if len(t) <= _MAX_TERM)]),
    }


def search_labels(playbooks: list[Playbook]) -> dict[str, str]:
    """The worker's few words, in the language of the first playbook (the site's own)."""
    language = playbooks[0].language if playbooks else "zh"
    catalog = CATALOG.get(language, CATALOG["zh"])
    return {key: catalog[key] for key in ("search-changed", "search-more")}


def fold_inherited(docs: list[dict], family: dict[str, dict]) -> list[dict]:
    """One document for each section a fork inherits unchanged, instead of one per playbook.

    Documents of playbooks of one family (a standard playbook and its forks, at any depth)
    that have the same place in their playbook (the path after /<id>/, and anchor), title,
    text and (for a page) tags become the first one, the parent's, with `playbooks` listing
    every playbook that holds it, parents first; the worker links a reader in a fork to the
    fork's own page. A fork's section whose place exists in an ancestor with other content is
    marked `changed`. Hand-written pages are left as they are.
    """
    depth = {pb: info["depth"] for pb, info in family.items()}
    placed = []  # (playbook, place in it, position in the index, document)
    for position, doc in enumerate(docs):
        head, _, rest = doc.get("location", "").partition("/")
        placed.append((head, rest, position, doc) if head in family else ("", "", position, doc))
    kept: dict[int, dict] = {}
    same: dict[tuple, dict] = {}  # (family, place, content) → the document kept for it
    holders: dict[tuple, set[str]] = {}  # (family, place) → playbooks with a document there
    # Parents before forks, so that the document kept is the topmost playbook's.
    for pb, place, position, doc in sorted(placed, key=lambda e: (depth.get(e[0], -1), e[2])):
        if not pb:
            kept[position] = doc
            continue
        root = family[pb]["root"]
        # A section carries its page's tags: a fork that changes one item of a phase changes
        # the page's tags, not the other items.
        tags = () if "#" in place else tuple(doc.get("tags") or ())
        content = (doc.get("title", ""), doc.get("text", ""), tags)
        first = same.get((root, place, content))
        if first is not None:
            first["playbooks"].append(pb)
            continue
        doc = dict(doc, playbooks=[pb])
        if _ancestors(pb, family) & holders.get((root, place), set()):
            doc["changed"] = True
        same[(root, place, content)] = doc
        holders.setdefault((root, place), set()).add(pb)
        kept[position] = doc
    # Material's index keeps each page's sections right after it: keep the order.
    return [kept[position] for position in sorted(kept)]


def _ancestors(pb: str, family: dict[str, dict]) -> set[str]:
    found: set[str] = set()
    up = family[pb]["parent"]
    while up and up not in found:
        found.add(up)
        up = family[up]["parent"]
    return found


def page_holders(playbooks: dict[str, Playbook],
                 texts: dict[str, str]) -> dict[str, list[tuple[str, str]] | None]:
    """For Pagefind, which indexes pages: each generated page (source path → its Markdown) with
    the playbooks of its family that hold the same page, parents first, as (id, label); a fork's
    page that is the same as its parent's maps to None (a copy)."""
    family = playbook_family(list(playbooks.values()))
    first: dict[tuple, str] = {}
    out: dict[str, list[tuple[str, str]] | None] = {}
    for src in sorted(texts, key=lambda s: (family.get(s.split("/", 1)[0], {}).get("depth", 0), s)):
        pb, _, place = src.partition("/")
        if pb not in family:
            continue
        key = (family[pb]["root"], place, page_content(texts[src]))
        if key in first:
            out[first[key]].append((pb, playbooks[pb].label))
            out[src] = None
        else:
            first[key] = src
            out[src] = [(pb, playbooks[pb].label)]
    return out


def label_titles(index: dict, playbooks: dict[str, Playbook]) -> dict:
    """For Material's own search worker, which shows titles as they are in the index: each
    playbook page's title ends with its playbook's label ("验收确认书 · 标准方法论")."""
    for doc in index.get("docs", []):
        head, _, rest = doc.get("location", "").partition("/")
        if head in playbooks and rest is not None and "#" not in rest:
            doc["title"] = f"{doc.get('title', '')} · {html.escape(playbooks[head].label)}"
    return index


def enrich_index(index: dict, extras: dict) -> dict:
    """Fold what forks inherit unchanged (fold_inherited) and add config.luodi
    (search_extras()) to a search_index.json document, in place."""
    index["docs"] = fold_inherited(index.get("docs", []), extras["playbooks"])
    index.setdefault("config", {})["luodi"] = extras
    return index
