"""Luodi's search index in shards, for large knowledge bases: a reader's query fetches what its
results are made of, not the whole index.

search_index.json keeps Material's config and config.luodi (search.search_extras), plus
`shards`: what the worker needs before any document (the index's vocabulary for cutting queries,
its English tokens, where the files are). The documents go into files under search/luodi/:

- documents with the same text (a section repeated across phases, a copy) form one *group*;
  groups keep the index's order, so that a page's sections stay together;
- `h<n>.json`: the groups' *records* (location, title, tags, boost, playbooks; no text), a few
  KB each, with a table of the pages they are on (a section's result shows its page's title);
- `t<n>.json`: the groups' *texts*, fetched only for the results a query shows;
- `k<n>.json`: *postings*, spread over BUCKETS files by a hash of the key that the worker
  computes the same way: for every character and pair of adjacent characters of the groups'
  titles and tags, and of their texts, the groups that hold it there.

A word can occur in a field only if each of its pairs of characters does (a one-character word:
the character). The worker intersects the postings of a query's words, fetches the records of
the groups where a word can be in a title or tag (a match only in a text ranks lower: those
records come only when fewer results are found), and ranks them as it ranks a whole index, a
text not fetched yet counting as holding what its postings allow, until every result shown is
ranked on its own text. The results and their order are those of the whole index
(tests/test_search_shards.py compares them); the sections folded under a result may leave out
one that matches only in its text, on a page whose records were not needed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
import re
import unicodedata
from collections.abc import Iterable

from .memo import Memo

HEAD_BYTES = 4_000    # JSON per chunk of records (locations, titles, tags: what ranks first)
TEXT_BYTES = 3_000     # JSON per chunk of texts: fetched only for the results shown
BUCKETS = 1024         # posting files; a query's keys fetch a few of them
SHARD_DIR = "luodi"    # under search/
FORMAT = 1

# The worker's decode(): tags dropped, these named references and every numeric one decoded.
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'",
             "&#x27;": "'", "&nbsp;": " "}
_REFERENCE = re.compile(r"&(?:#x([0-9a-f]+)|#(\d+)|\w+);", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_HAN = re.compile(r"[\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf"
                  r"\u4e00-\u9fff\uf900-\ufaff\U00016fe2\U00016fe3\U00020000-\U0003134f]")
_ASCII_TOKEN = re.compile(r"[a-z0-9][a-z0-9._+#-]*")
_MAX_WORD = 10  # as the worker's MAX_WORD


def decode(html: str) -> str:
    def reference(m: re.Match) -> str:
        hex_, dec = m.group(1), m.group(2)
        n = int(hex_, 16) if hex_ else int(dec) if dec else -1
        if n < 0:
            return _ENTITIES.get(m.group(0), m.group(0))
        ok = 0 < n <= 0x10FFFF and not 0xD800 <= n <= 0xDFFF
        return chr(n) if ok else m.group(0)
    return _REFERENCE.sub(reference, _TAG.sub(" ", html))


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


# The worker's fields, made the way it makes them: zero-width spaces out, a title trimmed, a
# text's whitespace collapsed, a tag as it is. Titles repeat (every copy of a section, every
# rebuild under `mkdocs serve`): they are remembered.
@functools.lru_cache(maxsize=1 << 16)
def title_text(title: str) -> str:
    return decode(title).replace("\u200b", "").strip()


@functools.lru_cache(maxsize=1 << 16)
def title_field(title: str) -> str:
    return normalize(title_text(title))


def text_field(text: str) -> str:
    return normalize(re.sub(r"\s+", " ", decode(text).replace("\u200b", "")).strip())


def tag_field(tag) -> str:
    return normalize(decode(str(tag)))


def fold_headings(docs: list[dict]) -> list[dict]:
    """A page's own H1 is indexed as a first section with the page's title: its text becomes the
    page's (the worker does this when it reads a whole index)."""
    out: list[dict] = []
    for doc in docs:
        page, _, anchor = doc.get("location", "").partition("#")
        previous = out[-1] if out else None
        if (anchor and previous is not None and previous.get("location") == page
                and title_text(doc.get("title", "")) == title_text(previous.get("title", ""))):
            out[-1] = dict(previous, text=doc.get("text", ""))
            continue
        out.append(doc)
    return out


def keys(text: str) -> set[str]:
    """Every character and pair of adjacent characters of a normalized text."""
    found = set(text)
    found |= _pairs(text)
    found.discard(" ")
    return found


def _pairs(text: str) -> set[str]:
    """Each pair of adjacent characters of a text."""
    return set(map(operator.add, text, text[1:]))


def key_hash(key: str) -> int:
    """FNV-1a over the UTF-16 code units of the key (what JavaScript strings are made of)."""
    h = 0x811C9DC5
    data = key.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | data[i + 1] << 8
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def vocabulary(docs: Iterable[dict], separator: str, memo: ShardMemo | None = None,
               fields: _Fields | None = None) -> tuple[list[str], list[str]]:
    """The index's Chinese words (as jieba cut them, up to the worker's longest) and its English
    tokens: what the worker gathers from a whole index before its first query."""
    split = re.compile(separator)
    fields = fields if fields is not None else _Fields()
    words: set[str] = set()
    tokens: set[str] = set()
    for doc in docs:
        key = (doc.get("title", ""), doc.get("text", ""), tuple(doc.get("tags") or ()))
        if memo is None:
            found_words, found_tokens = _doc_vocabulary(key, split, fields)
        else:
            found_words, found_tokens = memo.vocabulary_of(
                key, lambda key=key: _doc_vocabulary(key, split, fields))
        words |= found_words
        tokens |= found_tokens
    if memo is not None:
        memo.vocabulary_done()
    return sorted(words), sorted(tokens)


class _Fields:
    """What one run of shard() makes of the same strings again and again: a text's field, and
    what each word jieba cut becomes (most words come back in hundreds of sections)."""

    def __init__(self):
        self.texts: dict[str, str] = {}
        self.words: dict[str, str] = {}  # a word as cut → itself normalized, if it is a word
        self.seen: set[str] = set()

    def text(self, text: str) -> str:
        found = self.texts.get(text)
        if found is None:
            found = self.texts[text] = text_field(text)
        return found

    def words_of(self, cut: set[str]) -> set[str]:
        for word in cut - self.seen:
            w = normalize(word.strip())
            if 1 < len(w) <= _MAX_WORD and _HAN.search(w):
                self.words[word] = w
        self.seen |= cut
        return set(map(self.words.__getitem__, cut & self.words.keys()))


def _doc_vocabulary(doc: tuple, split: re.Pattern, fields: _Fields) -> tuple[set[str], set[str]]:
    title, text, tags = doc
    words = fields.words_of(set(split.split(f"{decode(title)} {decode(text)}")))
    tokens: set[str] = set()
    tag_text = " ".join(tag_field(t) for t in tags)
    for field in (title_field(title), tag_text, fields.text(text)):
        tokens.update(_ASCII_TOKEN.findall(field))
    return words, tokens


def _compact(records: list[dict], pages: dict[str, dict]) -> list[dict]:
    """Records as a chunk of records stores them: a document on a page of the index names the
    page by its place in the chunk's table of pages ([location, title, tags], which a section's
    result heading shows) and keeps only its anchor, its title (a section's) and tags where
    they differ from the page's; `playbooks` is left out where it is the location's own. Here
    `p` is the page's location; _with_pages() turns it into the page's place in the table."""
    out = []
    for record in records:
        record = dict(record)
        location = record.get("location", "")
        page_location, _, anchor = location.partition("#")
        page = pages.get(page_location)
        if page is not None:
            del record["location"]
            record["p"] = page_location
            if anchor:
                record["a"] = anchor
            else:
                record.pop("title", None)
            if (record.get("tags") or []) == (page.get("tags") or []):
                record.pop("tags", None)
        if record.get("playbooks") == [location.split("/", 1)[0]]:
            del record["playbooks"]
        out.append(record)
    return out


WORD = "\u0000"  # a word's key: WORD + the word (no text holds U+0000)


def lexicon(words: Iterable[str], tokens: Iterable[str], extras: dict) -> set[str]:
    """The words a query is made of, most of the time: the index's own, the glossary's terms and
    synonyms, the terms pinyin spells. Each gets a posting of its own (one key for a query's
    word instead of one per pair of characters); the worker makes the same set."""
    found = set(words) | set(tokens)
    found.update(normalize(w) for group in extras.get("synonyms", []) for w in group)
    found.update(normalize(w) for w in extras.get("terms", []))
    found.update(normalize(row[0]) for row in extras.get("pinyin", []))
    return {w for w in found if w}


class _Finder:
    """Which words of a set occur in a text, as parts of it (确认书 in 验收确认书)."""

    def __init__(self, words: set[str], memo: ShardMemo | None = None,
                 fields: _Fields | None = None):
        self.words = words
        self.fields = fields if fields is not None else _Fields()
        # A word can be in a text only where its first two characters are: the text's pairs
        # of characters pick the few words worth looking for (a scan from every position of
        # the text, prefix by prefix, was a third of a 10x build's split; and minutes for an
        # unbroken English token of thousands of letters).
        self.short = {w for w in words if len(w) <= 2}  # a character, a pair: found by set
        self.longer: dict[str, list[tuple[str, frozenset[str]]]] = {}  # by the first pair
        for word in words - self.short:
            self.longer.setdefault(word[:2], []).append((word, frozenset(_pairs(word))))
        self.key_of = {w: WORD + w for w in words}
        self.known: dict[str, set[str]] = {}  # titles and tags come back in every section
        self.memo = memo
        if memo is not None:
            memo.next_run(words)

    def cached(self, text: str) -> set[str]:
        """The words' keys and the keys of pairs of characters (keys()) of a short text."""
        found = self.known.get(text)
        if found is None:
            found = self.known[text] = self(text) | keys(text)
        return found

    def in_text(self, text: str) -> set[str]:
        """The keys of a group's text (as the worker makes its field): its pairs of characters
        and its words."""
        if self.memo is None:
            body = self.fields.text(text)
            return keys(body) | self(body)
        body, pairs = self.memo.text_keys(text)
        return pairs | self(body)

    def __call__(self, text: str) -> set[str]:
        """The words' keys (WORD + word)."""
        if self.memo is not None:
            found = self.memo.words_in(text)
            if found is not None:
                return set(found)
        pairs = _pairs(text)
        found = self.short.intersection(text)
        found |= self.short & pairs
        longer = self.longer
        for pair in longer.keys() & pairs:
            for word, its_pairs in longer[pair]:
                if its_pairs <= pairs and word in text:
                    found.add(word)
        found = set(map(self.key_of.__getitem__, found))
        if self.memo is not None:
            self.memo.words_found(text, frozenset(found))
        return found


class ShardMemo:
    """What shard() found in each text, kept for its next run (`mkdocs serve` rebuilds): a text
    that did not change is not scanned again. When the lexicon changed, a remembered text is
    checked for the words that came and drops those that went; the files are the same as
    without the memory (tests/test_search_shards.py compares them)."""

    MAX_NEW_WORDS = 2_000  # more new words than this: scanning every text again is as quick

    def __init__(self):
        self.lexicon: set[str] = set()
        self.found = Memo()  # text → the lexicon's word keys in it
        self.vocab = Memo()  # a document's (title, text, tags) → its words and tokens
        self.texts = Memo()  # text → its field (as the worker makes it) and keys()
        self.added: set[str] = set()
        self.removed: set[str] = set()

    def next_run(self, lexicon: set[str]) -> None:
        self.added = lexicon - self.lexicon
        self.removed = {WORD + w for w in self.lexicon - lexicon}
        self.found.next_build(keep=len(self.added) <= self.MAX_NEW_WORDS)
        self.texts.next_build()
        self.lexicon = set(lexicon)

    def words_in(self, text: str) -> frozenset[str] | None:
        if not (self.added or self.removed):
            return self.found.get(text)
        added, removed = self.added, self.removed
        return self.found.get(text, lambda found: frozenset(
            (found - removed) | {WORD + w for w in added if w in text}))

    def words_found(self, text: str, found: frozenset[str]) -> None:
        self.found.put(text, found)

    def text_keys(self, text: str) -> tuple[str, frozenset[str]]:
        found = self.texts.get(text)
        if found is None:
            body = text_field(text)
            found = (body, frozenset(keys(body)))
            self.texts.put(text, found)
        return found

    def vocabulary_of(self, key: tuple, make) -> tuple[set[str], set[str]]:
        found = self.vocab.get(key)
        if found is None:
            found = make()
            self.vocab.put(key, found)
        return found

    def vocabulary_done(self) -> None:
        self.vocab.next_build()


def shard(index: dict, memo: ShardMemo | None = None) -> tuple[dict, dict[str, str]]:
    """search_index.json without its documents, and the shard files (path under search/ → JSON
    text). The index is the one Luodi's worker reads (search.enrich_index). `memo`: what an
    earlier run found in each text, to be used and kept up to date."""
    config = index.get("config", {})
    docs = fold_headings(list(index.get("docs", [])))
    pages = _pages(docs)
    fields = _Fields()
    words, tokens = vocabulary(docs, config.get("separator", r"[\s\-]+"), memo, fields)
    by_text: dict[str, list[dict]] = {}
    for doc in docs:
        by_text.setdefault(doc.get("text", ""), []).append(
            {k: v for k, v in doc.items() if k != "text"})
    # Groups in the order of their titles: a section's copies and the versions that forks
    # changed are next to each other, and a query finds them in few files.
    groups = dict(sorted(by_text.items(), key=lambda g: (
        title_field(g[1][0].get("title", "")), g[1][0].get("location", ""))))
    find = _Finder(lexicon(words, tokens, config.get("luodi", {})), memo, fields)
    # Where each key is: in a record's title or tags, and in the group's text.
    in_titles: dict[str, list[int]] = {}
    in_texts: dict[str, list[int]] = {}
    heads = _Packer(HEAD_BYTES)
    texts = _Packer(TEXT_BYTES)
    for number, (text, records) in enumerate(groups.items()):
        for key in find.in_text(text):
            in_texts.setdefault(key, []).append(number)
        fields = {title_field(r.get("title", "")) for r in records}
        fields.update(tag_field(tag) for r in records for tag in r.get("tags") or ())
        found: set[str] = set()
        for field in fields:
            found |= find.cached(field)
        for key in found:
            in_titles.setdefault(key, []).append(number)
        # An empty text needs no fetching: -1.
        where = texts.add(number, text) if text else [-1, 0]
        heads.add(number, [*where, _compact(records, pages)])
    files = {f"{SHARD_DIR}/h{n}.json": _dumps(_with_pages(chunk, pages))
             for n, chunk in enumerate(heads.chunks)}
    files.update({f"{SHARD_DIR}/t{n}.json": _dumps(chunk) for n, chunk in enumerate(texts.chunks)})
    buckets: dict[int, dict[str, list[list[int]]]] = {}
    # Every word of the lexicon has a key, also where no group holds it: a word without its key
    # is one the worker normalized otherwise, and it falls back to pairs of characters.
    for key in sorted(in_titles.keys() | in_texts.keys() | {WORD + w for w in find.words}):
        buckets.setdefault(key_hash(key) % BUCKETS, {})[key] = [
            _gaps(in_titles.get(key, [])), _gaps(in_texts.get(key, []))]
    for number, bucket in buckets.items():
        files[f"{SHARD_DIR}/k{number}.json"] = _dumps(bucket)
    # The files' version goes into their URLs: a browser that kept an earlier build's files
    # (numbered otherwise) asks for new ones.
    version = hashlib.sha256()
    for name in sorted(files):
        version.update(f"{name}\0{files[name]}\0".encode())
    slim = dict(index, docs=[])
    slim["config"] = dict(config, luodi=dict(config.get("luodi", {}), shards={
        "format": FORMAT, "dir": SHARD_DIR, "version": version.hexdigest()[:16],
        "buckets": BUCKETS, "heads": heads.starts, "texts": _gaps(texts.starts),
        "groups": len(groups), "documents": len(docs), "words": words, "tokens": tokens,
        "boost": max((d.get("boost") or 1 for d in docs), default=1),
        "empty": [n for n in range(BUCKETS) if n not in buckets]}))
    return slim, files


def _gaps(numbers: list[int]) -> list[int]:
    """Ascending group numbers as gaps: small numbers, and gzip likes them."""
    if not numbers:
        return []
    return [numbers[0], *map(operator.sub, numbers[1:], numbers)]


def _pages(docs: list[dict]) -> dict[str, dict]:
    """Each page of the index by its location in every playbook that holds it (a page a fork
    inherits unchanged is one document; a section the fork changed is on the fork's page)."""
    pages: dict[str, dict] = {}
    for doc in docs:
        location = doc.get("location", "")
        if "#" in location:
            continue
        head, _, rest = location.partition("/")
        for playbook in doc.get("playbooks") or [head]:
            pages.setdefault(f"{playbook}/{rest}" if doc.get("playbooks") else location, doc)
    return pages


def _with_pages(groups: list[list], pages: dict[str, dict]) -> dict:
    """A chunk of records: {"pages": [[location, title, tags]], "groups": [[text chunk, place
    in it, records]]}, each record's `p` the place of its page in `pages`."""
    table: dict[str, int] = {}
    for _, _, records in groups:
        for record in records:
            if "p" in record:
                record["p"] = table.setdefault(record["p"], len(table))
    return {"pages": [[location, pages[location].get("title", ""), pages[location].get("tags") or []]
                      for location in table], "groups": groups}


class _Packer:
    """Consecutive entries into chunks of about `limit` bytes of JSON (an entry larger than
    that is a chunk of its own); `starts` is each chunk's first group."""

    def __init__(self, limit: int):
        self.limit = limit
        self.chunks: list[list] = []
        self.starts: list[int] = []
        self.size = 0

    def add(self, group: int, entry) -> list[int]:
        """Add an entry; where it is: [chunk, position in the chunk]."""
        size = len(_dumps(entry).encode("utf-8")) + 1
        if not self.chunks or self.size + size > self.limit:
            self.chunks.append([])
            self.starts.append(group)
            self.size = 0
        self.chunks[-1].append(entry)
        self.size += size
        return [len(self.chunks) - 1, len(self.chunks[-1]) - 1]


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
