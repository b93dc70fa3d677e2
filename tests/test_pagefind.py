"""`search: pagefind`: Pagefind's index behind Material's search box (macros/pagefind.py)."""

from __future__ import annotations

import json
import re
import shutil
import sys

import pytest
from conftest import ROOT, build_site, make_project, serve

from macros import pagefind

try:
    pagefind.executable()
    PAGEFIND = None
except Exception as exc:  # noqa: BLE001 - the reason is what the skip says
    PAGEFIND = str(exc)
needs_pagefind = pytest.mark.skipif(PAGEFIND is not None, reason=str(PAGEFIND))


def pagefind_project(root, search: str = "pagefind"):
    """A project with the standard playbook and `search: <search>`."""
    playbooks = root / "playbooks"
    shutil.copytree(ROOT / "playbooks" / "standard", playbooks / "standard")
    return make_project(root, playbooks, search=search)


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
    assert (pagefind_site / "assets" / "luodi" / pagefind.WORKER).is_file()
    page = (pagefind_site / "standard" / "forms" / "acceptance-confirmation" / "index.html")
    text = page.read_text(encoding="utf-8")
    config = json.loads(text.split('<script id="__config" type="application/json">')[1]
                        .split("</script>")[0])
    assert config["search"] == f"../../../assets/luodi/{pagefind.WORKER}"
    assert text.count("data-pagefind-body") == 1
    assert "luodi-search-worker" not in text
    # Material's interface still reads its config from search_index.json, but no documents.
    index = json.loads((pagefind_site / "search" / "search_index.json").read_text(
        encoding="utf-8"))
    assert index["docs"] == [] and index["config"]["lang"] == ["zh"]
    assert "luodi" not in index["config"]


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
