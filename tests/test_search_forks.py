"""Search in a knowledge base of many forks: results name their playbook, stay in the reader's
playbook unless widened, and a section a fork inherits unchanged is one result.

The unit tests check the index folding (luodi/search.py); the browser tests type into the real
search box of a site with the standard playbook, the crm-rollout example and five forks made
with `luodi new` (one of which changes a glossary term).
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from test_browser_search import BEST_LINKS

from luodi.cli import main
from luodi.read.overlay import content_hash
from luodi.search import fold_inherited

FAMILY = {
    "std": {"label": "标准", "depth": 0, "parent": "", "root": "std"},
    "fork": {"label": "分支", "depth": 1, "parent": "std", "root": "std"},
    "deep": {"label": "孙", "depth": 2, "parent": "fork", "root": "std"},
    "other": {"label": "另一", "depth": 0, "parent": "", "root": "other"},
}


def doc(location: str, text: str = "同样的文字", title: str = "标题", tags=None) -> dict:
    return {"location": location, "title": title, "text": text,
            **({"tags": tags} if tags is not None else {})}


def test_a_section_inherited_unchanged_is_one_document_listing_its_playbooks():
    docs = [doc("std/glossary/"), doc("std/glossary/#a"), doc("guide/"),
            doc("fork/glossary/"), doc("fork/glossary/#a"), doc("deep/glossary/#a")]
    folded = fold_inherited(docs, FAMILY)
    assert [d["location"] for d in folded] == ["std/glossary/", "std/glossary/#a", "guide/"]
    assert folded[1]["playbooks"] == ["std", "fork", "deep"]
    assert "playbooks" not in folded[2]  # a hand-written page is left as it is
    assert not any(d.get("changed") for d in folded)


def test_a_changed_section_is_its_own_document_marked_changed_and_a_new_one_is_not():
    docs = [doc("std/glossary/#a"), doc("fork/glossary/#a", text="分支改过的文字"),
            doc("fork/glossary/#new"), doc("deep/glossary/#a", text="分支改过的文字")]
    folded = {d["location"]: d for d in fold_inherited(docs, FAMILY)}
    assert folded["std/glossary/#a"]["playbooks"] == ["std"]
    # The grandchild inherits its parent's change: one result for both, marked changed.
    assert folded["fork/glossary/#a"]["playbooks"] == ["fork", "deep"]
    assert folded["fork/glossary/#a"]["changed"] is True
    assert "changed" not in folded["fork/glossary/#new"]


def test_playbooks_of_different_families_are_never_folded():
    folded = fold_inherited([doc("std/x/#a"), doc("other/x/#a")], FAMILY)
    assert [d["playbooks"] for d in folded] == [["std"], ["other"]]


def test_a_pages_tags_count_but_a_sections_copy_of_them_does_not():
    # Material gives every section its page's tags: a fork that drops the page's only
    # Won't-have item changes the page's tags, not the other items.
    docs = [doc("std/p/", tags=["必须", "本期不做"]), doc("std/p/#a", tags=["必须", "本期不做"]),
            doc("fork/p/", tags=["必须"]), doc("fork/p/#a", tags=["必须"])]
    folded = {d["location"]: d for d in fold_inherited(docs, FAMILY)}
    assert folded["std/p/#a"]["playbooks"] == ["std", "fork"]
    assert folded["fork/p/"]["changed"] is True


def test_the_default_index_holds_each_inherited_section_once(default_site):
    index = json.loads((default_site / "search" / "search_index.json").read_text("utf-8"))
    places = [(d["location"].split("/", 1)[1], d["title"], d["text"])
              for d in index["docs"] if d["location"].startswith(("standard/", "crm-rollout/"))]
    assert len(places) == len(set(places))
    gray = [d for d in index["docs"] if d["location"].endswith("glossary/#gray-release")]
    assert [d["playbooks"] for d in gray] == [["standard", "crm-rollout"]]
    family = index["config"]["luodi"]["playbooks"]
    assert family["crm-rollout"] == {"label": "CRM 项目", "depth": 1, "parent": "standard",
                                     "root": "standard"}


# ---------------------------------------------------------------- in the browser

FORKS = ["p1", "p2", "p3", "p4", "p5"]
CHANGED = "灰度发布（本项目：只在华南区试点）"


@pytest.fixture(scope="module")
def forks_url(tmp_path_factory):
    from conftest import ROOT, build_site, make_project, serve

    root = tmp_path_factory.mktemp("forks")
    playbooks = root / "pb"
    shutil.copytree(ROOT / "playbooks", playbooks)
    for number, fork in enumerate(FORKS, 1):
        assert main(["new", fork, "--from", "standard", "--title", f"项目{number}实施手册",
                     "--short-title", f"项目{number}", "--playbooks", str(playbooks)]) == 0
    # p2 changes one glossary term's definition.
    standard = yaml.safe_load((playbooks / "standard" / "playbook.yaml").read_text("utf-8"))
    term = next(t for t in standard["glossary"] if t["id"] == "gray-release")
    based_on = content_hash({"definition": term["definition"]})  # what the override replaces
    with (playbooks / "p2" / "playbook.yaml").open("a", encoding="utf-8") as out:
        out.write(f"\nglossary:\n  - id: gray-release\n    based_on: \"{based_on}\"\n"
                  f"    definition: {CHANGED}\n")
    project = make_project(root / "project", playbooks)
    done = build_site(project, root / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    url, stop = serve(root / "site")
    yield url
    stop()


def results(page, url: str, query: str) -> list[dict]:
    """Type a query into the search box; each result's best link and its playbook label."""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        "q => { const m = document.querySelector('.md-search-result__meta');"
        " return m && /符合条件|matching/i.test(m.textContent)"
        " && document.querySelector('.md-search__input').value === q }", arg=query,
        timeout=15000)
    page.wait_for_timeout(200)
    return settled(page, url)


def settled(page, url: str) -> list[dict]:
    links = page.eval_on_selector_all(".md-search-result__item", BEST_LINKS)
    labels = page.eval_on_selector_all(
        ".md-search-result__item", """items => items.map(li => {
          const badge = li.querySelector(':scope > a .luodi-search-playbook');
          return badge ? [badge.textContent, badge.title] : ['', ''];
        })""")
    return [{"link": link.removeprefix(url).split("?")[0] + ("#" + link.split("#")[1]
                                                             if "#" in link else ""),
             "label": label, "all": full} for link, (label, full) in zip(links, labels,
                                                                         strict=True)]


# The best link of each result group of the worker's answer, asked as the home page asks it.
WORKER_ANSWER = """async query => {
  const index = await (await fetch("search/search_index.json")).json();
  const worker = new Worker("assets/luodi/luodi-search-worker.js");
  const reply = () => new Promise(resolve => worker.onmessage = ev => resolve(ev.data));
  worker.postMessage({type: 0, data: {config: index.config, docs: index.docs, options: {}}});
  await reply();
  worker.postMessage({type: 2, data: query});
  const answer = await reply();
  worker.terminate();
  return answer.data.items.map(group => group.find(entry => entry.best).location);
}"""


def place(link: str) -> str:
    """A result's object: its place in any playbook (the path after /<id>/)."""
    return link.split("/", 1)[1] if link.split("/", 1)[0] in ["standard", "crm-rollout",
                                                              *FORKS] else link


def switch(page, scope: str) -> None:
    """Press a scope button and wait for the worker's new answer to be shown."""
    list_html = "document.querySelector('.md-search-result__list').innerHTML"
    before = page.evaluate(f"() => {list_html}")
    page.click(f".luodi-search-scope button[data-scope={scope}]")
    page.wait_for_function(f"before => {list_html} !== before", arg=before, timeout=10000)
    page.wait_for_timeout(200)


@pytest.mark.browser
def test_on_a_forks_pages_results_come_from_that_fork_and_name_it(page, forks_url):
    page.goto(forks_url + "p3/glossary/")
    found = results(page, forks_url, "灰度发布")
    assert found and found[0]["link"] == "p3/glossary/#gray-release"
    for result in found:
        head = result["link"].split("/", 1)[0]
        assert head == "p3" or head not in ["standard", "crm-rollout", *FORKS], result
        if head == "p3":
            assert result["label"].startswith("项目3"), result
    assert page.locator(".luodi-search-scope button[data-scope=own]").get_attribute(
        "aria-pressed") == "true"


@pytest.mark.browser
def test_all_playbooks_give_one_result_per_object_and_the_forks_change_apart(page, forks_url):
    page.goto(forks_url + "p1/")
    results(page, forks_url, "灰度发布")
    switch(page, "all")
    found = settled(page, forks_url)
    top = [place(r["link"]) for r in found[:10]]
    # The changed definition is the only second result for the same place, and says so.
    changed = [r for r in found if r["link"] == "p2/glossary/#gray-release"]
    assert len(changed) == 1 and "已修改" in changed[0]["label"], found[:12]
    inherited = next(r for r in found if place(r["link"]) == "glossary/#gray-release"
                     and r is not changed[0])
    assert inherited["link"] == "p1/glossary/#gray-release"  # the reader's own fork's page
    # Six playbooks hold it: the reader's own first, then two more, and how many others.
    assert inherited["label"] == "项目1 · 标准方法论 · CRM 项目 · 另 3 个手册", inherited
    assert inherited["all"] == "项目1 · 标准方法论 · CRM 项目 · 项目3 · 项目4 · 项目5"
    others = [p for p in top if p != "glossary/#gray-release"]
    assert len(others) == len(set(others)), top


@pytest.mark.browser
def test_the_choice_of_scope_is_remembered_on_the_next_page(page, forks_url):
    page.goto(forks_url + "p4/")
    results(page, forks_url, "验收确认书")
    switch(page, "all")
    page.goto(forks_url + "p4/phases/acceptance/")
    assert page.locator(".luodi-search-scope button[data-scope=all]").get_attribute(
        "aria-pressed") == "true"
    found = results(page, forks_url, "验收确认书")
    # Every playbook: what p4 inherits names the other playbooks that hold it too.
    assert "标准方法论" in found[0]["all"] and found[0]["label"].startswith("项目4"), found[:3]
    switch(page, "own")
    found = settled(page, forks_url)
    assert all(r["link"].startswith("p4/") or place(r["link"]) == r["link"] for r in found)
    assert {r["label"] for r in found if r["link"].startswith("p4/")} == {"项目4"}


@pytest.mark.browser
def test_from_the_home_page_results_are_grouped_by_playbook(page, forks_url):
    page.goto(forks_url)
    assert page.locator(".luodi-search-scope").count() == 0  # no playbook: no switch
    shown = results(page, forks_url, "灰度发布")
    assert shown[0]["link"] == "standard/glossary/#gray-release", shown[:2]
    # Every answer, not only the ten results Material shows before the reader scrolls: the
    # worker's answer to the same query, asked as the home page's search box asks it.
    links = page.evaluate(WORKER_ANSWER, "灰度发布")
    assert [link.split("#")[0] for link in links[:len(shown)]] == [
        r["link"].split("#")[0] for r in shown]
    owners = [link.split("/", 1)[0] if "/" in link else "" for link in links]
    runs = [owner for i, owner in enumerate(owners) if i == 0 or owners[i - 1] != owner]
    assert len(runs) == len(set(runs)), owners  # each playbook's results stand together
    assert "p2" in owners and "standard" in owners, owners


@pytest.mark.browser
def test_every_result_text_is_the_text_of_the_section_it_links_to(page, site_url,
                                                                  default_site):
    """For each glossary term and checklist item of the default site, typed as a query: every
    result shown with text shows text of the section its own link lands on, and the term or
    item itself is among the results with its own text."""
    from conftest import ROOT

    from luodi.read import load_playbooks


    index = json.loads((default_site / "search" / "search_index.json").read_text("utf-8"))
    text_at = {}  # every playbook's location of a section → its text, as the worker has it
    for entry in index["docs"]:
        text = html.unescape(re.sub(r"<[^>]+>", " ", entry["text"]))
        text = re.sub(r"\s+", "", text.replace("\u200b", ""))
        head, _, rest = entry["location"].partition("/")
        for pb in entry.get("playbooks") or [head]:
            text_at[f"{pb}/{rest}" if "playbooks" in entry else entry["location"]] = text
    pb = load_playbooks(str(ROOT / "playbooks")).playbooks["standard"]
    queries = [(t.term, f"standard/glossary/#{t.id}") for t in pb.glossary]
    queries += [(item.title, f"standard/phases/{phase.id}/#{item.id}")
                for phase, item in pb.items()]
    page.goto(site_url + "standard/")
    misplaced, missing = [], []
    for query, wanted in queries:
        results(page, site_url, query)
        shown = page.eval_on_selector_all(
            ".md-search-result__item a.md-search-result__link", """links => links.map(a => [
              a.href, (a.querySelector('article > p') || {}).textContent || ''])""")
        found_wanted = False
        for href, teaser in shown:
            if not teaser:
                continue
            path, _, anchor = href.removeprefix(site_url).partition("#")
            key = unquote(path.split("?")[0] + (f"#{anchor}" if anchor else ""))
            pieces = [re.sub(r"\s+", "", p) for p in teaser.split("…") if p.strip()]
            if not all(p in text_at.get(key, "") for p in pieces):
                misplaced.append((query, key, teaser[:60]))
            found_wanted |= key == wanted
        if not found_wanted:
            missing.append((query, wanted))
    assert misplaced == [], misplaced[:5]
    assert missing == [], missing[:5]


FORK_QUERIES = yaml.safe_load(
    (Path(__file__).parent / "search" / "fork_queries.yaml").read_text(encoding="utf-8"))


@pytest.mark.browser
@pytest.mark.parametrize("query", FORK_QUERIES, ids=lambda q: f"{q['q']}@{q['from'] or 'home'}")
def test_fork_queries_find_the_object_in_the_expected_playbook(page, forks_url, query):
    page.goto(forks_url + (f"{query['from']}/" if query["from"] else ""))
    page.evaluate("scope => localStorage.setItem('luodi:search-scope', scope)", query["scope"])
    page.reload()
    found = results(page, forks_url, query["q"])
    expect = query["expect"]
    assert found and found[0]["link"] == f"{expect['playbook']}/{expect['object']}", found[:3]


# ---------------------------------------------------------------- tags


def tag_entries(site, tag: str) -> list[tuple[str, str]]:
    """(page title, playbooks named) under one tag of the site's tag index."""
    text = (site / "tags" / "index.html").read_text(encoding="utf-8")
    index = text.split('<div class="luodi-tag-index">', 1)[1].split("</div>", 1)[0]
    section = index.split(f'id="tag:{tag}">', 1)[1].split("</ul>", 1)[0]
    return [(html.unescape(re.sub(r"<[^>]+>", "", title)).strip(),
             html.unescape(re.sub(r"<[^>]+>", "", names)).strip())
            for title, names in re.findall(
                r'<li><a href="[^"]*">(.*?)</a> <span class="luodi-tag-playbooks">(.*?)</span>'
                r"</li>", section)]


def test_the_tag_index_lists_an_inherited_page_once_and_a_changed_one_apart(default_site):
    entries = tag_entries(default_site, "执行阶段")
    assert entries == [("执行阶段", "标准方法论 · CRM 项目")]  # crm-rollout inherits it
    prep = tag_entries(default_site, "准备阶段")
    assert ("准备阶段", "标准方法论") in prep and ("准备阶段", "CRM 项目 · 已修改") in prep
    # Grouped by playbook: the standard playbook's pages, then the fork's changes.
    owners = [names.split(" · ")[0] for _, names in tag_entries(default_site, "验收与上线阶段")]
    assert set(owners) == {"标准方法论", "CRM 项目"}
    assert owners == sorted(owners, key=["标准方法论", "CRM 项目"].index)


def test_each_playbook_has_a_tag_page_and_its_tags_link_there(default_site):
    crm = (default_site / "crm-rollout" / "tags" / "index.html").read_text(encoding="utf-8")
    article = crm.split("<article", 1)[1].split("</article>", 1)[0]
    assert "../phases/execution/" in article and "standard/" not in article
    page = (default_site / "crm-rollout" / "phases" / "execution" / "index.html").read_text(
        encoding="utf-8")
    chips = re.findall(r'<a href="([^"]+)" class="md-tag', page)
    assert chips and all(link.startswith("../../tags/#tag:") for link in chips), chips


def test_materials_own_search_gets_the_playbook_in_page_titles():
    from luodi.search import label_titles

    class Named:
        def __init__(self, label):
            self.label = label

    index = {"docs": [{"location": "std/glossary/", "title": "术语表"},
                      {"location": "std/glossary/#a", "title": "灰度发布"},
                      {"location": "guide/", "title": "指南"}]}
    label_titles(index, {"std": Named("标准 & <方法>")})
    assert [d["title"] for d in index["docs"]] == ["术语表 · 标准 &amp; &lt;方法&gt;", "灰度发布",
                                                   "指南"]


@pytest.mark.parametrize("page", [
    '<script>{"search": "../assets/javascripts/workers/search.07f07601.min.js"}</script>',
    # Something like the name before it (a page about the worker): only the name itself.
    '<p>assets/javascripts/workers/search.js</p>'
    '<script>{"search": "assets/javascripts/workers/search.ab12.min.js"}</script>',
    "<p>没有搜索</p>",  # no worker named (a page outside the theme)
    "assets/javascripts/workers/search.1.min.js assets/javascripts/workers/search.2.min.js",
])
def test_pages_point_at_luodis_worker_as_a_scan_by_regular_expression_would(page):
    from luodi.site.search import _MATERIAL_WORKER, _point_worker

    worker = "assets/luodi/luodi-search-worker.js#standard"
    pointed = _point_worker(page, worker)
    assert pointed == _MATERIAL_WORKER.sub(worker, page, count=1)
    assert (worker in pointed) == bool(_MATERIAL_WORKER.search(page))
