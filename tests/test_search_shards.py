"""The search index in shards (luodi/search_shards.py): the files hold every document, the
worker answers as it does from one file, and a query fetches a small part of the index."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, build_site, make_project, serve
from test_browser_search import BEST_LINKS

from luodi.search_shards import (
    BUCKETS,
    SHARD_DIR,
    ShardMemo,
    fold_headings,
    key_hash,
    keys,
    normalize,
    shard,
    tag_field,
    text_field,
    title_text,
)

SEARCH = Path("search")


def index_of(docs: list[dict]) -> dict:
    return {"config": {"separator": r"[\s\u200b\-]+", "luodi": {"version": 2}}, "docs": docs}


HOSTILE = "</script><b onclick=alert(1)>&amp;lt; {{ x }} \u202e 𠀀𠀁"
DOCS = [
    {"location": "standard/phases/prep/", "title": "准备阶段", "text": "", "tags": ["准备", "必须"],
     "playbooks": ["standard"]},
    # A page's own H1: its text becomes the page's.
    {"location": "standard/phases/prep/#prep", "title": "准备阶段", "text": "阶段​目标",
     "tags": ["准备", "必须"], "playbooks": ["standard"]},
    {"location": "standard/phases/prep/#item-a", "title": "签署​验收确认书", "text": "同一​段​文字",
     "tags": ["准备", "必须"], "playbooks": ["standard", "p1", "p2"]},
    {"location": "standard/phases/prep/#item-b", "title": HOSTILE, "text": HOSTILE,
     "tags": ["别的标签"], "playbooks": ["standard"], "boost": 2},
    # The same text on another page: one group, two records.
    {"location": "p1/phases/other/", "title": "另一页", "text": "", "tags": [],
     "playbooks": ["p1"], "changed": True},
    {"location": "p1/phases/other/#item-a", "title": "签署​验收确认书", "text": "同一​段​文字",
     "tags": [], "playbooks": ["p1"], "changed": True},
    # A section whose page is not in the index, and a hand-written page.
    {"location": "guide/#intro", "title": "Intro", "text": "Rollback plan, KPI-driven."},
    {"location": "guide/search/", "title": "Search", "text": "x" * 5000},
]


def expand(record: dict, pages: list[list]) -> dict:
    """The worker's expand(): a record of a chunk as the index's document."""
    if "p" not in record:
        return record
    location, title, tags = pages[record["p"]]
    doc = {k: v for k, v in record.items() if k not in ("p", "a")}
    doc["location"] = f"{location}#{record['a']}" if "a" in record else location
    doc["title"] = record["title"] if "a" in record else title
    doc["tags"] = record.get("tags", tags)
    return doc


def documents(files: dict[str, str], slim: dict) -> list[tuple[int, dict]]:
    """Every (group, document) the shard files hold, in the order of the groups."""
    info = slim["config"]["luodi"]["shards"]
    found = []
    for n, first in enumerate(info["heads"]):
        chunk = json.loads(files[f"{SHARD_DIR}/h{n}.json"])
        for i, (text_chunk, at, records) in enumerate(chunk["groups"]):
            text = json.loads(files[f"{SHARD_DIR}/t{text_chunk}.json"])[at] if text_chunk >= 0 else ""
            found += [(first + i, dict(expand(r, chunk["pages"]), text=text)) for r in records]
    return found


def comparable(doc: dict) -> dict:
    """A document as the worker reads it: no tags are no tags, and no playbooks are the
    location's own."""
    doc = {"tags": [], **doc}
    if doc.get("playbooks") == [doc["location"].split("/", 1)[0]]:
        del doc["playbooks"]
    return doc


def test_every_document_is_in_the_shards_once_and_as_it_was():
    slim, files = shard(index_of([dict(d) for d in DOCS]))
    assert slim["docs"] == []
    expected = [comparable(d) for d in fold_headings([dict(d) for d in DOCS])]
    found = [comparable(doc) for _, doc in documents(files, slim)]
    key = lambda d: d["location"]  # noqa: E731
    assert sorted(found, key=key) == sorted(expected, key=key)
    assert len(expected) == len(DOCS) - 1  # the H1 was folded into its page
    page = next(d for d in found if d["location"] == "standard/phases/prep/")
    assert page["text"] == "阶段​目标"
    # One text, one group: the two copies of item-a are in the same group.
    groups = {doc["location"]: group for group, doc in documents(files, slim)}
    assert groups["standard/phases/prep/#item-a"] == groups["p1/phases/other/#item-a"]
    info = slim["config"]["luodi"]["shards"]
    assert info["boost"] == 2 and info["documents"] == len(expected)
    # The words as the index cut them (jieba, at build time), not their parts.
    assert "验收确认书" in info["words"] and "验收" not in info["words"]
    assert "签署" in info["words"] and "rollback" in info["tokens"]


def test_a_split_that_remembers_the_last_one_writes_the_same_files():
    # `mkdocs serve` keeps what each text held between rebuilds; after edits that add words,
    # drop words, change a text back and remove a document, every file is as without memory.
    memo = ShardMemo()
    edits = [
        DOCS,
        [*DOCS[:2], dict(DOCS[2], text="同一​段​文字​加上​新词​灰度发布"), *DOCS[3:]],
        [*DOCS[:2], dict(DOCS[2], title="签署​确认书"), *DOCS[3:5], *DOCS[6:]],
        [dict(d, text=d["text"] + " canary rollout") for d in DOCS],
        DOCS,
        [],
        DOCS[:1],
    ]
    for docs in edits:
        assert shard(index_of(docs), memo) == shard(index_of(docs))
    # A word that left the lexicon (its only document changed) is not left in the postings
    # of a text that did not change and holds it; a word that came is found in such a text.
    kept = {"location": "guide/b/", "title": "乙", "text": "执行灰度发布方案"}
    before = [{"location": "guide/a/", "title": "甲", "text": "灰度发布​方案"}, kept]
    after = [{"location": "guide/a/", "title": "甲", "text": "其他​内容​执行"}, kept]
    for docs in (before, after, before):
        assert shard(index_of(docs), memo) == shard(index_of(docs))


def test_postings_hold_every_key_of_every_field_where_it_is():
    slim, files = shard(index_of([dict(d) for d in DOCS]))
    buckets = {n: json.loads(files.get(f"{SHARD_DIR}/k{n}.json", "{}")) for n in range(BUCKETS)}

    def groups_of(key: str, field: int) -> set[int]:
        gaps = buckets[key_hash(key) % BUCKETS].get(key, [[], []])[field]
        at, out = 0, set()
        for gap in gaps:
            at += gap
            out.add(at)
        return out

    for group, doc in documents(files, slim):
        title_keys = keys(normalize(title_text(doc["title"])))
        for tag in doc.get("tags") or ():
            title_keys |= keys(tag_field(tag))
        for key in title_keys:
            assert group in groups_of(key, 0), (doc["location"], key)
        for key in keys(text_field(doc["text"])):
            assert group in groups_of(key, 1), (doc["location"], key)
    # The postings are not everything everywhere: a key of one text only is in one group.
    assert len(groups_of("𠀁", 1)) == 1 and not groups_of("𠀁", 0) - groups_of("𠀁", 1)
    assert slim["config"]["luodi"]["shards"]["empty"] == sorted(
        n for n in range(BUCKETS) if f"{SHARD_DIR}/k{n}.json" not in files)


def test_the_key_hash_is_fnv1a_over_utf16_code_units():
    # Values of the worker's keyHash() in JavaScript, for ASCII, Chinese and an astral character
    # (two UTF-16 code units).
    assert [key_hash(k) for k in ("a", "foobar", "验收", "𠀀x")] == [
        3826002220, 3214735720, 636137959, 1075027119]


# ---------------------------------------------------------------------------- built sites

@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """The repo's playbooks built with `search_shards: never` and `always`, served side by
    side: /whole/ and /sharded/."""
    root = tmp_path_factory.mktemp("shards")
    for name, shards in (("whole", "never"), ("sharded", "always")):
        project = make_project(root / f"project-{name}", ROOT / "playbooks", search_shards=shards)
        done = build_site(project, root / "serve" / name)
        assert done.returncode == 0, done.stderr[-3000:]
    url, stop = serve(root / "serve")
    yield url, root / "serve"
    stop()


def test_auto_keeps_a_small_index_whole_and_always_splits_it(two_sites, default_site):
    _, served = two_sites
    assert not (default_site / SEARCH / SHARD_DIR).exists()  # auto, below its size
    assert not (served / "whole" / SEARCH / SHARD_DIR).exists()
    whole = json.loads((default_site / SEARCH / "search_index.json").read_text("utf-8"))
    assert whole["docs"] and "shards" not in whole["config"]["luodi"]
    sharded = json.loads((served / "sharded" / SEARCH / "search_index.json").read_text("utf-8"))
    assert sharded["docs"] == [] and sharded["config"]["luodi"]["shards"]["groups"] > 100
    assert len(list((served / "sharded" / SEARCH / SHARD_DIR).glob("h*.json"))) > 10


# Both workers answer every query, side by side, from the same page; a context is the worker
# URL's fragment (the reader's playbook); scope "all" is sent as the scope switch sends it.
ANSWERS = """async ([queries, context, scope]) => {
  const start = async site => {
    const index = await (await fetch(`${site}/search/search_index.json`)).json();
    const worker = new Worker(`${site}/assets/luodi/luodi-search-worker.js${context}`);
    const replies = [];
    let wake = null;
    worker.onmessage = ev => { replies.push(ev.data); if (wake) wake(); };
    const next = () => new Promise(resolve => {
      const take = () => { wake = null; resolve(replies.shift()); };
      if (replies.length) take(); else wake = take;
    });
    worker.postMessage({type: 0, data: {config: index.config, docs: index.docs, options: {}}});
    await next();
    return {worker, next};
  };
  const workers = [await start("/whole"), await start("/sharded")];
  if (scope) {
    new BroadcastChannel("luodi-search").postMessage({scope});
    await new Promise(resolve => setTimeout(resolve, 300));
  }
  const out = [];
  for (const query of queries) {
    const answers = [];
    for (const {worker, next} of workers) {
      worker.postMessage({type: 2, data: query});
      const items = (await next()).data.items;
      answers.push(items.map(group => ({
        best: group.find(entry => entry.best).location, heading: group[0].title,
        text: group.find(entry => entry.best).text,
        entries: group.filter(entry => !entry.best && entry !== group[0]).map(e => e.location)})));
    }
    out.push([query, ...answers]);
  }
  for (const {worker} of workers) worker.terminate();
  return out;
}"""


def query_set() -> list[str]:
    queries = yaml.safe_load((ROOT / "tests/search/queries.yaml").read_text("utf-8"))
    forks = yaml.safe_load((ROOT / "tests/search/fork_queries.yaml").read_text("utf-8"))
    extra = ["的", "a", "表", "KPI 验收", "<script>", "验收确认书 不存在的词", "x" * 30]
    return [q["q"] for q in queries] + [q["q"] for q in forks] + extra


@pytest.mark.browser
@pytest.mark.parametrize("context, scope", [("#standard", None), ("", None),
                                            ("#crm-rollout", None), ("#crm-rollout", "all")])
def test_the_sharded_index_gives_the_answers_of_the_whole_one(page, two_sites, context, scope):
    url, _ = two_sites
    page.goto(url + "whole/")
    answers = page.evaluate(ANSWERS, [query_set(), context, scope])
    assert len(answers) == len(query_set())
    answered = 0
    for query, whole, sharded in answers:
        strip = lambda groups: [{k: v for k, v in g.items() if k != "entries"} for g in groups]  # noqa: E731
        assert strip(sharded) == strip(whole), query
        for s, w in zip(sharded, whole, strict=True):
            # Folded sections: those the whole index lists, best first; the sharded one may
            # leave out a section that matches only in its text (search_shards' docstring).
            assert s["entries"] == [e for e in w["entries"] if e in s["entries"]], query
        answered += bool(whole)
    assert answered > len(answers) * 0.8


@pytest.mark.browser
@pytest.mark.parametrize("query, expected", [("验收确认书", "forms/acceptance-confirmation/"),
                                             ("一把手工程", "glossary/#top-leader-project")])
def test_the_search_box_fetches_a_part_of_a_sharded_index(page, two_sites, query, expected):
    url, served = two_sites
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url))
    page.goto(url + "sharded/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0",
                           timeout=15000)
    page.wait_for_timeout(300)
    first = page.eval_on_selector_all(".md-search-result__item", BEST_LINKS)[0]
    assert first.split("?")[0].split("#")[0] + ("#" + first.split("#")[1] if "#" in first else "") \
        == f"{url}sharded/standard/{expected}"
    version = json.loads((served / "sharded" / SEARCH / "search_index.json").read_text(
        "utf-8"))["config"]["luodi"]["shards"]["version"]
    urls = [u.split(f"/{SHARD_DIR}/", 1)[1] for u in fetched if f"/search/{SHARD_DIR}/" in u]
    # Each URL names the build's version of the files, so that no browser mixes two builds.
    assert urls and all(u.endswith(f"?v={version}") for u in urls), urls
    shards = [u.split("?")[0] for u in urls]
    folder = served / "sharded" / SEARCH / SHARD_DIR
    assert any(name.startswith("t") for name in shards) and any(n.startswith("h") for n in shards)
    # What the query downloaded, compressed as a server sends it, against the whole index.
    sent = sum(len(gzip.compress((folder / name).read_bytes())) for name in shards)
    sent += len(gzip.compress((served / "sharded" / SEARCH / "search_index.json").read_bytes()))
    whole = len(gzip.compress((served / "whole" / SEARCH / "search_index.json").read_bytes()))
    assert sent < whole, (sent, whole)
    if query == "一把手工程":  # a rare word: a few files of each kind
        files = list(folder.glob("*.json"))
        assert len(shards) < len(files) / 10, shards


def test_an_offline_build_keeps_one_index_file(tmp_path):
    playbooks = tmp_path / "pb"
    shutil.copytree(FIXTURES / "sample", playbooks / "sample")
    project = make_project(tmp_path / "project", playbooks, search_shards="always")
    env = {**os.environ, "LUODI_OFFLINE": "true"}
    done = build_site(project, tmp_path / "site", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not (tmp_path / "site" / SEARCH / SHARD_DIR).exists()
    index = (tmp_path / "site" / SEARCH / "search_index.js")
    index = index if index.exists() else tmp_path / "site" / SEARCH / "search_index.json"
    assert "shards" not in index.read_text("utf-8")


def test_auto_splits_by_what_a_reader_downloads_gzipped():
    import random

    from luodi.site.search import SHARD_ABOVE_GZIPPED, SHARD_ABOVE_RAW, too_big_for_one_file

    rng = random.Random(7)
    words = ["".join(rng.choice("验收确认书灰度发布超级用户缓冲预算数据迁移") for _ in range(4))
             for _ in range(5000)]
    repetitive = json.dumps({"docs": [{"text": "同一段文字 " * 40}] * 2000}, ensure_ascii=False)
    assert len(repetitive.encode()) > 1_000_000 and not too_big_for_one_file(repetitive)
    varied = json.dumps({"docs": [{"text": " ".join(rng.choices(words, k=60))}
                                  for _ in range(3000)]}, ensure_ascii=False)
    assert len(gzip.compress(varied.encode(), 5)) > SHARD_ABOVE_GZIPPED
    assert len(varied.encode()) < SHARD_ABOVE_RAW and too_big_for_one_file(varied)
    assert too_big_for_one_file("x" * (SHARD_ABOVE_RAW + 1))
