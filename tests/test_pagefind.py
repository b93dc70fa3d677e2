"""`search: pagefind`: Pagefind's index behind Material's search box (luodi/site/pagefind.py)."""

from __future__ import annotations

import json
import re
import shutil
import sys

import pytest
from conftest import ROOT, build_site, make_project, serve

from luodi.browser import PAGEFIND_WORKER
from luodi.site import pagefind

try:
    pagefind.executable()
    PAGEFIND = None
except Exception as exc:  # noqa: BLE001 - the reason is what the skip says
    PAGEFIND = str(exc)
needs_pagefind = pytest.mark.skipif(PAGEFIND is not None, reason=str(PAGEFIND))


# Hand-written pages with what Material's search leaves out: a block, and a whole page.
EXCLUSIONS = {
    "kept.md": "# 保留页\n\n能搜到的词：甲乙丙丁。\n\n<div data-search-exclude markdown>\n"
               "不该搜到的词：戊己庚辛。\n</div>\n",
    "hidden.md": "---\nsearch:\n  exclude: true\n---\n\n# 隐藏页\n\n整页都不该搜到：壬癸子丑。\n",
}


def pagefind_project(root, search: str = "pagefind"):
    """A project with the default playbooks (standard and its fork crm-rollout), the pages of
    EXCLUSIONS and `search: <search>`."""
    playbooks = root / "playbooks"
    shutil.copytree(ROOT / "playbooks", playbooks)
    return make_project(root, playbooks, EXCLUSIONS, search=search)


def indexed_text(site) -> str:
    """Everything Pagefind put in its fragments (each gzip'd JSON after a signature), without
    the zero-width spaces it puts between Chinese words."""
    import gzip

    return "\n".join(gzip.decompress(f.read_bytes()).decode("utf-8", "replace")
                     for f in (site / "pagefind" / "fragment").glob("*.pf_fragment")
                     ).replace("\u200b", "")


@pytest.fixture(scope="module")
def pagefind_site(tmp_path_factory):
    if PAGEFIND is not None:
        pytest.skip(PAGEFIND)
    root = pagefind_project(tmp_path_factory.mktemp("pagefind"))
    done = build_site(root, root / "site")
    assert done.returncode == 0, done.stderr
    return root / "site"


@needs_pagefind
def test_the_build_writes_pagefind_and_points_pages_at_its_worker(pagefind_site):
    bundle = pagefind_site / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["zh"]  # forced: Chinese segmentation for every page
    assert len(list((bundle / "fragment").glob("*.pf_fragment"))) > 50
    assert list((bundle / "index").glob("*.pf_index"))
    assert (pagefind_site / "assets" / "luodi" / PAGEFIND_WORKER).is_file()
    page = (pagefind_site / "standard" / "forms" / "acceptance-confirmation" / "index.html")
    text = page.read_text(encoding="utf-8")
    config = json.loads(text.split('<script id="__config" type="application/json">')[1]
                        .split("</script>")[0])
    # The fragment names the page's playbook: the worker searches it unless told otherwise.
    assert config["search"] == f"../../../assets/luodi/{PAGEFIND_WORKER}#standard"
    assert 'data-pagefind-filter="playbook[data-luodi-playbook]" data-luodi-playbook="standard"' in text
    assert text.count("data-pagefind-body") == 1
    assert "luodi-search-worker" not in text
    # Material's interface still reads its config from search_index.json, but no documents.
    index = json.loads((pagefind_site / "search" / "search_index.json").read_text(
        encoding="utf-8"))
    assert index["docs"] == [] and index["config"]["lang"] == ["zh"]
    assert "luodi" not in index["config"]


@needs_pagefind
def test_what_materials_search_leaves_out_pagefind_leaves_out(pagefind_site):
    text = indexed_text(pagefind_site)
    assert "甲乙丙丁" in text and "/kept/" in text
    assert "戊己庚辛" not in text  # a block with data-search-exclude
    assert "壬癸子丑" not in text and "/hidden/" not in text  # a page with search: exclude: true
    hidden = (pagefind_site / "hidden" / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in hidden


def test_with_pagefind_materials_index_is_not_built_but_exclusions_are_kept():
    """Material's index is cut to its config after a Pagefind build: its plugin, which parses
    every page for it, is told to skip each page; the author's own exclusions are remembered."""
    from types import SimpleNamespace

    from luodi.site.plugin import LuodiPlugin

    plugin = LuodiPlugin()
    plugin.search.engine = "pagefind"
    pages = {name: SimpleNamespace(meta=meta, file=SimpleNamespace(src_uri=name),
                                   content='<p class="x" data-search-exclude>不要</p><p>要</p>')
             for name, meta in (("a.md", {}), ("b.md", {"search": {"exclude": True}}),
                                ("c.md", {"search": {"boost": 2}}))}
    for page in pages.values():
        plugin.on_page_context({}, page=page, config=None, nav=None)
        assert page.meta["search"]["exclude"] is True
        assert page.content.startswith('<p class="x" data-pagefind-ignore data-search-exclude>')
    assert pages["c.md"].meta["search"]["boost"] == 2
    assert plugin.search.pagefind_skip == {"b.md"}


@pytest.mark.browser
@needs_pagefind
def test_material_search_box_answers_from_pagefind(pagefind_site, page):
    from test_browser_search import search

    url, stop = serve(pagefind_site)
    try:
        fetched: list[str] = []
        page.on("requestfinished", lambda r: fetched.append(r.url))
        page.goto(url + "standard/")
        links = search(page, url + "standard/", "验收确认书")
        assert links, "no result from Pagefind"
        assert links[0].split("?")[0] == url + "standard/forms/acceptance-confirmation/"
        marked = page.eval_on_selector_all(".md-search-result__item:first-child mark",
                                           "els => els.map(e => e.textContent)")
        assert any("验收" in m for m in marked), marked
        page.locator(".md-search-result__link").first.click()
        page.wait_for_url("**/forms/acceptance-confirmation/**")
        assert "验收确认书" in page.title()
        # An item's section is linked to its anchor.
        links = search(page, url + "standard/", "签署验收确认书")
        anchors = [re.sub(r"\?[^#]*", "", link).removeprefix(url) for link in links]
        assert "standard/phases/acceptance/#sign-acceptance-confirmation" in anchors, links[:5]
        # What was fetched: Pagefind's files, never a documents index.
        assert any(u.endswith(".pf_fragment") for u in fetched)
        assert any("pagefind/pagefind.js" in u for u in fetched)
    finally:
        stop()


def test_missing_pagefind_fails_the_build_in_one_line(tmp_path):
    """Simulated with a pagefind_bin_extended that cannot be imported, ahead on sys.path."""
    root = pagefind_project(tmp_path / "project")
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "pagefind_bin_extended.py").write_text(
        'raise ImportError("simulated: not installed")\n', encoding="utf-8")
    done = build_site(root, tmp_path / "site", strict=False, env={"PYTHONPATH": str(shadow)})
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if "pagefind" in line]
    assert len(lines) == 1, done.stderr
    assert 'pip install "luodi[pagefind]"' in lines[0]
    assert not (tmp_path / "site" / "pagefind").exists()


def test_executable_says_how_to_install(monkeypatch):
    from mkdocs.exceptions import PluginError

    monkeypatch.setitem(sys.modules, "pagefind_bin_extended", None)  # import fails
    with pytest.raises(PluginError, match=r'pip install "luodi\[pagefind\]"'):
        pagefind.executable()


def test_offline_build_falls_back_to_luodi_search_with_a_warning(tmp_path, monkeypatch):
    root = pagefind_project(tmp_path / "project")
    monkeypatch.setenv("LUODI_OFFLINE", "true")
    site = tmp_path / "site"
    # Not --strict: there the warning stops the build, as every warning does.
    done = build_site(root, site, strict=False)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and "search: pagefind needs HTTP" in warnings[0], warnings
    assert not (site / "pagefind").exists()
    home = (site / "standard" / "index.html").read_text(encoding="utf-8")
    assert "assets/luodi/luodi-search-worker.js#standard" in home
    assert "data-pagefind-body" not in home
    # Luodi's worker reads the full index from a script over file://.
    script = (site / "search" / "search_index.js").read_text(encoding="utf-8")
    assert script.startswith("var __index = {") and '"luodi"' in script


@pytest.mark.browser
@needs_pagefind
def test_pagefind_results_name_their_playbook_and_stay_in_the_readers(pagefind_site, page):
    """Pagefind's filters keep a reader of crm-rollout in crm-rollout (and the hand-written
    pages); the scope switch widens the search to every playbook."""
    from test_browser_search import search
    from test_search_forks import settled, switch

    url, stop = serve(pagefind_site)
    try:
        page.goto(url + "crm-rollout/")
        links = search(page, url + "crm-rollout/", "验收确认书")
        assert links and links[0].startswith(url + "crm-rollout/forms/acceptance-confirmation/")
        found = settled(page, url)
        playbooks = {r["link"].split("/", 1)[0] for r in found} & {"standard", "crm-rollout"}
        assert playbooks == {"crm-rollout"}, found
        assert {r["label"] for r in found if r["link"].startswith("crm-rollout/")} == {
            "CRM 项目"}
        switch(page, "all")
        # crm-rollout fills the form with its own variables: each playbook's form is a result.
        labels = {r["label"] for r in settled(page, url)}
        assert {"标准方法论", "CRM 项目"} <= labels, labels
        # A page crm-rollout inherits unchanged is one result, opening crm-rollout's copy.
        search(page, url + "crm-rollout/", "执行阶段")
        found = settled(page, url)
        places = [r["link"].split("/", 1)[-1].split("#")[0] for r in found]
        assert len(places) == len(set(places)), found
        execution = [r for r in found if r["link"].startswith("crm-rollout/phases/execution/")]
        assert execution and execution[0]["label"] == "CRM 项目 · 标准方法论", found[:3]
        assert not any(r["link"].startswith("standard/phases/execution/") for r in found)
    finally:
        stop()


def test_labels_of_any_characters_reach_pagefind_as_data():
    """A label with Pagefind's own separators (',', ':', '|') and markup stays one value."""
    import html

    label = 'R&D, "x":<b>|y'
    marked = pagefind.mark_body('<article class="md-content__inner md-typeset">t</article>',
                                "p", label, [("p", label), ("q", "Q")])
    attributes = dict(re.findall(r'(data-luodi-[a-z]+)="([^"]*)"', marked))
    assert html.unescape(attributes["data-luodi-label"]) == label
    assert json.loads(html.unescape(attributes["data-luodi-holders"])) == [["p", label],
                                                                         ["q", "Q"]]
    assert "<b>" not in marked
    # A fork's copy of its parent's page is not an original; a hand-written page is.
    article = '<article class="md-content__inner md-typeset">t</article>'
    assert "original:1" not in pagefind.mark_body(article, "q", "Q", None)
    assert "original:1" in pagefind.mark_body(article)
