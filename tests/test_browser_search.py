"""Chinese queries typed into the real search box of the built site, in headless Chromium."""

from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.browser


def search(page, base_url: str, query: str) -> list[str]:
    """Type a query like a reader would and return the result links, best first."""
    if not page.url.startswith(base_url):
        page.goto(base_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # fill() alone starts no search in Material's worker
    # Answered: the meta line counts results (or says there are none), not "initializing" or
    # "type to start searching", which a page shows before its first answer.
    page.wait_for_function(
        "q => { const m = document.querySelector('.md-search-result__meta');"
        " return m && /符合条件|matching/i.test(m.textContent)"
        " && document.querySelector('.md-search__input').value === q }", arg=query,
        timeout=15000)
    page.wait_for_timeout(150)
    return page.eval_on_selector_all(".md-search-result__item", BEST_LINKS)


# The link of each result that a reader follows for its best match. Luodi's worker leads a
# group whose best match is a section with its page's heading, scored as that section, and the
# section right under it; a page that is the best match leads with its own, higher score.
# Material's own worker always leads with the page.
BEST_LINKS = """items => items.map(li => {
  const links = [...li.querySelectorAll(':scope > a.md-search-result__link')];
  const score = a => a.querySelector('article').getAttribute('data-md-score');
  return (links[1] && score(links[1]) === score(links[0]) ? links[1] : links[0]).href;
})"""


@pytest.mark.parametrize("query, accepted", [
    ("验收确认书", ["forms/acceptance-confirmation/"]),
    ("超级用户", ["roles/super-user/"]),
    ("缓冲预算", ["glossary/", "training/pm-risk-buffer-budget/", "phases/preparation/"]),
    ("灰度发布", ["training/test-gray-release-verification/", "phases/acceptance/",
              "glossary/"]),
    ("MoSCoW", ["training/pm-moscow-scoping/", "glossary/", "scope/"]),
    ("Scrum", ["glossary/", "training/pm-agile-iteration-control/", "phases/execution/"]),
    ("KPI", ["glossary/", "kpis/"]),
])
def test_chinese_and_english_queries_find_the_right_page(page, site_url, query, accepted):
    links = search(page, site_url, query)
    assert links, f"no result for {query}"
    first = links[0].removeprefix(site_url + "standard/").split("?")[0]
    assert first in accepted, [link.removeprefix(site_url) for link in links[:3]]


# ---------------------------------------------------------------- Luodi's search worker


def all_words_found(page, base_url: str, query: str, words: list[str]) -> bool:
    """The first result matches, and highlights, every word of the query."""
    links = search(page, base_url, query)
    if not links:
        return False
    marked = page.eval_on_selector_all(
        ".md-search-result__item:first-child mark", "els => els.map(e => e.textContent)")
    return all(any(w in m for m in marked) for w in words)


@pytest.fixture(scope="module")
def stock_site_url(tmp_path_factory):
    """The same site with Material's own search worker (luodi: search: material)."""
    from conftest import ROOT, build_site, serve, with_luodi_options

    root = tmp_path_factory.mktemp("stock")
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copytree(ROOT / "playbooks", root / "playbooks")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(with_luodi_options(
        config.replace("module_name: macros", "modules: [luodi]"), search="material"),
        encoding="utf-8")
    done = build_site(root, root / "site")
    assert done.returncode == 0, done.stderr
    url, stop = serve(root / "site")
    yield url
    stop()


def test_unspaced_words_all_count_and_are_all_highlighted(page, site_url, stock_site_url):
    assert all_words_found(page, site_url, "管理员培训", ["管理员", "培训"])
    assert all_words_found(page, site_url, "灰度发布方案", ["灰度发布", "方案"])
    # Stock Material drops the last word of an unspaced query: this check fails there.
    page.goto(stock_site_url)
    assert not all_words_found(page, stock_site_url, "管理员培训", ["管理员", "培训"])


def test_results_link_to_the_item_anchor(page, site_url, stock_site_url):
    links = search(page, site_url, "签署验收确认书")
    assert links[0].split("?")[0] == site_url + "standard/phases/acceptance/"
    assert links[0].endswith("#sign-acceptance-confirmation")
    page.goto(stock_site_url)
    stock = search(page, stock_site_url, "签署验收确认书")
    assert "#" not in stock[0]  # stock Material's first link is a page top


@pytest.mark.parametrize("query, expected", [
    ("金丝雀发布", "standard/glossary/"),          # a synonym of 灰度发布
    ("ysqrs", "standard/forms/acceptance-confirmation/"),  # pinyin initials
    ("yanshouquerenshu", "standard/forms/acceptance-confirmation/"),  # full pinyin
])
def test_synonyms_and_pinyin(page, site_url, query, expected):
    links = search(page, site_url, query)
    assert links and links[0].split("?")[0].startswith(site_url + expected), links[:3]


def test_a_fork_page_ranks_its_own_playbook_first(page, site_url):
    page.goto(site_url + "crm-rollout/")
    links = search(page, site_url + "crm-rollout/", "验收确认书")
    assert links[0].startswith(site_url + "crm-rollout/forms/acceptance-confirmation/")


def test_the_teaser_shows_the_match_when_normalizing_changes_lengths(page, site_url):
    # The worker compares NFKC text: '…' becomes '...', so offsets in the normalized text
    # are further on than in the text shown. The teaser must still show the match.
    page.goto(site_url)
    result = page.evaluate("""async () => {
      const worker = new Worker("assets/luodi/luodi-search-worker.js");
      const reply = () => new Promise(resolve => worker.onmessage = ev => resolve(ev.data));
      const text = "……".repeat(60) + "目标词就在这里。";
      worker.postMessage({type: 0, data: {config: {lang: ["zh"], separator: "[\\\\s]+"},
        docs: [{location: "a/", title: "页面", text, tags: []}], options: {suggest: false}}});
      await reply();
      worker.postMessage({type: 2, data: "目标词"});
      const message = await reply();
      worker.terminate();
      return message.data.items[0][0].text;
    }""")
    assert "<mark data-md-highlight>目标词</mark>" in result


def test_titles_and_tags_with_markup_characters_show_as_written(page, tmp_path):
    """A phase titled R&D <b>x</b> {y}: its tag and title in the result list read exactly so
    (the index holds them as HTML; shown escaped once, never twice, never as markup)."""
    from conftest import FIXTURES, build_site, make_project, serve

    playbooks = tmp_path / "pb"
    shutil.copytree(FIXTURES, playbooks)
    prep = playbooks / "sample" / "phases" / "prep.yaml"
    title = "R&D 准备 <b>x</b> {y}"
    prep.write_text(prep.read_text(encoding="utf-8").replace(
        "title: 准备阶段", f'title: "{title}"'), encoding="utf-8")
    project = make_project(tmp_path / "p", playbooks)
    done = build_site(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    url, stop = serve(tmp_path / "site")
    try:
        links = search(page, url, "组建项目团队")
        assert any("phases/prep/" in link for link in links)
        shown = page.eval_on_selector_all(
            ".md-search-result__item .md-tag", "els => els.map(e => e.textContent)")
        assert title in shown, shown
        assert page.locator(".md-search-result__item b").count() == 0
    finally:
        stop()


@pytest.mark.parametrize("how", ["paste", "ime"])
def test_search_starts_on_paste_and_at_the_end_of_an_ime_composition(page, site_url, how):
    """Text that arrives without a key released (pasted with the mouse, or committed by a Chinese
    input method) is searched as well."""
    page.goto(site_url + "standard/")
    page.locator(".md-search__input").focus()
    page.wait_for_timeout(300)
    if how == "paste":  # what a paste from the context menu does: one input event, no key
        page.evaluate("""() => { const box = document.querySelector('.md-search__input');
            box.value = '验收确认书';
            box.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'}));
        }""")
    else:  # an IME: input events while composing, then compositionend
        page.evaluate("""() => { const box = document.querySelector('.md-search__input');
            box.dispatchEvent(new CompositionEvent('compositionstart', {bubbles: true}));
            box.value = 'yanshou';
            box.dispatchEvent(new InputEvent('input', {bubbles: true, isComposing: true}));
            box.value = '验收确认书';
            box.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: '验收确认书'}));
        }""")
    page.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && /符合条件/.test(m.textContent); }", timeout=15000)
    links = page.eval_on_selector_all(".md-search-result__item", BEST_LINKS)
    assert any("forms/acceptance-confirmation/" in link for link in links[:3]), links[:3]
