"""Chinese queries typed into the real search box of the built site, in headless Chromium."""

from __future__ import annotations

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
    page.wait_for_function(
        "q => { const m = document.querySelector('.md-search-result__meta');"
        " return m && !/Initializing|正在初始化/.test(m.textContent)"
        " && document.querySelector('.md-search__input').value === q }", arg=query,
        timeout=15000)
    page.wait_for_timeout(150)
    return page.eval_on_selector_all(
        ".md-search-result__item > a.md-search-result__link", "els => els.map(e => e.href)")


@pytest.mark.parametrize("query, accepted", [
    ("验收确认书", ["forms/acceptance-confirmation/"]),
    ("超级用户", ["roles/super-user/"]),
    ("缓冲预算", ["training/pm-risk-buffer-budget/", "phases/preparation/"]),
    ("灰度发布", ["training/test-gray-release-verification/", "phases/acceptance/",
              "glossary/"]),
    ("MoSCoW", ["training/pm-moscow-scoping/", "scope/", "phases/preparation/"]),
    ("Scrum", ["training/pm-agile-iteration-control/", "phases/execution/"]),
    ("KPI", ["kpis/", "training/ba-kpi-definition/"]),
])
def test_chinese_and_english_queries_find_the_right_page(page, site_url, query, accepted):
    links = search(page, site_url, query)
    assert links, f"no result for {query}"
    first = links[0].removeprefix(site_url + "standard/").split("?")[0]
    assert first in accepted, [link.removeprefix(site_url) for link in links[:3]]
