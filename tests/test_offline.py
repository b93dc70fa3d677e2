"""The site on an intranet and from the file system: nothing loaded from the internet, and an
offline build (LUODI_OFFLINE=true) whose links and search work over file://."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT, build_site

# A URL that leaves the site: http(s)://… or protocol-relative //….
EXTERNAL = r"(?:[a-z][a-z0-9+.-]*:)?//"
TAG = re.compile(r"<(script|link|img|iframe|source|video|audio|embed|object|track|image|use)\b"
                 r"([^>]*)>", re.I)
ATTR = re.compile(r'\s(src|href|srcset|data|poster|xlink:href)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')',
                  re.I)
CSS_URL = re.compile(r"""url\(\s*['"]?\s*(""" + EXTERNAL + r")|@import\s+(?:url\()?\s*['\"]?"
                     + EXTERNAL, re.I)


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory) -> Path:
    """The repo's site built with LUODI_OFFLINE=true, once per session."""
    site = tmp_path_factory.mktemp("offline-site")
    before = os.environ.get("LUODI_OFFLINE")
    os.environ["LUODI_OFFLINE"] = "true"
    try:
        done = build_site(ROOT, site)
    finally:
        if before is None:
            del os.environ["LUODI_OFFLINE"]
        else:
            os.environ["LUODI_OFFLINE"] = before
    assert done.returncode == 0, done.stderr
    return site


def external_resources(site: Path) -> list[tuple[str, str]]:
    """Every URL outside the site that a page or stylesheet would load (links in <a> are fine)."""
    found = []
    for file in sorted(site.rglob("*.html")):
        text = file.read_text(encoding="utf-8")
        for tag, attrs in TAG.findall(text):
            rel = re.search(r'\srel="([^"]*)"', attrs)
            if tag.lower() == "link" and rel and rel.group(1).lower() in ("canonical", "alternate"):
                continue  # names the page's address, loads nothing
            for _, double, single in ATTR.findall(attrs):
                value = html.unescape(double or single).strip()
                if re.match(EXTERNAL, value, re.I):
                    found.append((str(file.relative_to(site)), f"<{tag} {value}>"))
        for style in re.findall(r"<style[^>]*>(.*?)</style>|\sstyle=\"([^\"]*)\"", text, re.S):
            if CSS_URL.search("".join(style)):
                found.append((str(file.relative_to(site)), "inline style"))
    for file in sorted(site.rglob("*.css")):
        if CSS_URL.search(file.read_text(encoding="utf-8")):
            found.append((str(file.relative_to(site)), CSS_URL.search(
                file.read_text(encoding="utf-8")).group(0)))
    return found


def test_external_resource_check_catches_what_it_must(tmp_path):
    page = tmp_path / "p.html"
    page.write_text('<script src="https://unpkg.com/iframe-worker/shim"></script>'
                    '<link rel="stylesheet" href="//fonts.example/x.css">'
                    '<img alt="" src="http://example.com/a.png"><a href="https://example.com/">ok</a>'
                    '<link rel="canonical" href="https://intranet.example/x/">', encoding="utf-8")
    (tmp_path / "a.css").write_text("@import url('https://fonts.example/y.css');\n"
                                    'b { background: url("data:image/png;base64,AAAA") }',
                                    encoding="utf-8")
    assert [what for _, what in external_resources(tmp_path)] == [
        "<script https://unpkg.com/iframe-worker/shim>", "<link //fonts.example/x.css>",
        "<img http://example.com/a.png>", "@import url('https://"]


@pytest.mark.parametrize("build", ["online", "offline"])
def test_no_page_loads_anything_from_the_internet(request, build):
    site = request.getfixturevalue("default_site" if build == "online" else "offline_site")
    assert external_resources(site) == []


def test_offline_build_ships_the_iframe_worker_shim_instead_of_a_cdn(offline_site, default_site):
    shim = offline_site / "assets" / "luodi" / "vendor" / "iframe-worker" / "shim.js"
    vendored = ROOT / "luodi" / "assets" / "vendor" / "iframe-worker"
    assert shim.read_bytes() == (vendored / "shim.js").read_bytes()
    assert (shim.parent / "LICENSE").read_text(encoding="utf-8").startswith("Copyright")
    home = (offline_site / "index.html").read_text(encoding="utf-8")
    assert '<script src="assets/luodi/vendor/iframe-worker/shim.js"></script>' in home
    deep = (offline_site / "standard" / "phases" / "preparation.html").read_text(encoding="utf-8")
    assert '<script src="../../assets/luodi/vendor/iframe-worker/shim.js"></script>' in deep
    assert "unpkg" not in home + deep
    # Search from file:// reads the index from a script, not with fetch().
    assert (offline_site / "search" / "search_index.js").read_text(
        encoding="utf-8").startswith("var __index = {")
    # The online build needs no shim at all.
    online = (default_site / "index.html").read_text(encoding="utf-8")
    assert "iframe-worker" not in online


def test_offline_links_point_at_files_not_folders(offline_site):
    """file:// opens no index.html by itself: every internal link must name an existing file,
    and every #fragment an id on that page."""
    ids: dict[Path, set[str]] = {}
    broken = []
    pages = sorted(offline_site.rglob("*.html"))
    assert (offline_site / "standard" / "index.html") in pages
    for file in pages:
        text = file.read_text(encoding="utf-8")
        for _tag, attrs in TAG.findall(text) + re.findall(r"<(a)\b([^>]*)>", text):
            for _, double, single in ATTR.findall(attrs):
                url = html.unescape(double or single)
                parts = urlsplit(url)
                if (parts.scheme or parts.netloc or url.startswith(("#", "mailto:"))
                        or not url or file.name == "404.html"):
                    continue
                target = (file.parent / unquote(parts.path)).resolve()
                if not target.is_file():
                    broken.append((str(file.relative_to(offline_site)), url))
                    continue
                if parts.fragment and target.suffix == ".html":
                    if target not in ids:
                        ids[target] = {html.unescape(i) for i in re.findall(
                            r'\sid="([^"]*)"', target.read_text(encoding="utf-8"))}
                    if unquote(parts.fragment) not in ids[target]:
                        broken.append((str(file.relative_to(offline_site)), url))
    assert broken == []


def test_offline_build_keeps_the_same_pages_and_anchors(offline_site, default_site):
    import json

    from luodi.site.anchors import page_key as _page_key

    def pages(site: Path) -> dict[str, list[str]]:
        data = json.loads((site / "anchors.json").read_text(encoding="utf-8"))["pages"]
        return {_page_key(url): ids for url, ids in data.items()}

    assert pages(offline_site) == pages(default_site)


# ---------------------------------------------------------------- file:// in the browser


@pytest.mark.browser
def test_search_works_from_the_file_system(offline_site, browser):
    from test_browser_search import search

    context = browser.new_context(locale="zh-CN")
    try:
        tab = context.new_page()
        requests: list[str] = []
        tab.on("request", lambda r: requests.append(r.url))
        base = (offline_site / "index.html").as_uri()
        tab.goto(base)
        links = search(tab, base, "验收确认书")
        assert links, "no result from file://"
        assert links[0].startswith("file://")
        assert "standard/forms/acceptance-confirmation.html" in links[0]
        tab.goto(links[0])
        assert "验收确认书" in tab.title()
        # Ticks are saved from file:// too.
        phase = (offline_site / "standard" / "phases" / "preparation.html").as_uri()
        tab.goto(phase)
        box = tab.locator(".luodi-item .luodi-check-input").first
        box.check()
        tab.reload()
        assert tab.locator(".luodi-item .luodi-check-input").first.is_checked()
        assert [u for u in requests if not u.startswith(("file:", "data:", "blob:", "about:"))] == []
    finally:
        context.close()
