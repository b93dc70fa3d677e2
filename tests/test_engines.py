"""Output any engine can build: `luodi render --out DIR` writes the site as a plain docs folder,
and a config that builds it without the luodi plugin. Built here with mkdocs (plugin off) and
with Zensical (the pinned version of the test extra), which skips plugins it does not know."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT

from luodi.cli import main
from luodi.read import load_playbooks
from luodi.render.pages import page_markdown, playbook_pages

PLAYBOOKS = load_playbooks(ROOT / "playbooks").playbooks


def _render(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "luodi.cli", "render", *args], cwd=root,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """A copy of this repository's site sources, rendered into build/docs with engine.yml (for
    mkdocs) and into zensical/docs with zensical.yml."""
    root = tmp_path_factory.mktemp("render")
    for name in ("docs", "playbooks", "macros"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    done = _render(root, "--out", "build/docs", "--config", "engine.yml")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote ") and "engine.yml" in done.stdout
    done = _render(root, "--out", "zensical/docs", "--config", "zensical.yml",
                   "--engine", "zensical")
    assert done.returncode == 0, done.stderr
    return root


def test_every_generated_page_is_written_as_the_plugin_hands_it_to_mkdocs(rendered):
    out = rendered / "build" / "docs"
    for pb in PLAYBOOKS.values():
        for spec in playbook_pages(pb):
            assert (out / spec.src).read_text(encoding="utf-8") == page_markdown(spec, pb), spec.src
    assert (out / "standard" / "downloads" / "checklist.xlsx").read_bytes()[:2] == b"PK"
    assert (out / "standard" / "playbook.json").is_file()
    assert (out / "assets" / "luodi" / "luodi-labels.js").is_file()
    assert (out / "assets" / "luodi" / "luodi-reader.js").is_file()
    assert (out / "index.md").read_text(encoding="utf-8") == \
        (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    config = (rendered / "engine.yml").read_text(encoding="utf-8")
    assert "docs_dir: build/docs" in config and "- luodi:" not in config
    assert "standard/phases/preparation.md" in config  # the playbooks' nav sections


def test_render_never_overwrites_without_force(rendered, capsys, monkeypatch):
    monkeypatch.chdir(rendered)
    assert main(["render", "--out", "build/docs"]) == 1
    assert "build/docs is not empty (use --force to replace it)" in capsys.readouterr().err
    assert main(["render", "--out", "docs"]) == 1
    assert "refusing to write docs: it is or holds the docs folder" in capsys.readouterr().err
    assert main(["render", "--out", "x", "--config", "mkdocs.yml"]) == 1
    assert "is the site's own config" in capsys.readouterr().err
    assert main(["render", "--out", "x", "--config", "engine.yml"]) == 1
    assert "engine.yml already exists" in capsys.readouterr().err
    assert not (rendered / "x").exists()


def _links_resolve(site: Path) -> None:
    """Every internal link of every page reaches a file, and its #fragment an id there."""
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = set(re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8")))
        return ids[page]

    broken = []
    for page in site.rglob("*.html"):
        if page.name == "404.html":  # served at any depth: its links start at the root
            continue
        for href in re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8")):
            href = html.unescape(href)
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("#", "mailto:", "//")) or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append((page.relative_to(site).as_posix(), href))
            elif parts.fragment and target.suffix == ".html" and \
                    unquote(parts.fragment) not in ids_of(target):
                broken.append((page.relative_to(site).as_posix(), href))
    assert broken == []


def _check_site(site: Path) -> None:
    for pb in PLAYBOOKS.values():
        for spec in playbook_pages(pb):
            stem = spec.src[:-3]
            page = site / (stem[:-5] if stem.endswith("index") else stem + "/") / "index.html"
            assert page.is_file(), spec.src
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "luodi-playbook-list" in home  # playbook_list() on the hand-written home page ran
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "{{" not in text and "Macro Rendering Error" not in text, page
    assert (site / "standard" / "downloads" / "checklist.xlsx").is_file()
    _links_resolve(site)


def test_mkdocs_builds_the_rendered_folder_without_the_plugin(rendered):
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "engine.yml", "-d",
                           "site-mkdocs"], cwd=rendered, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr
    _check_site(rendered / "site-mkdocs")


def test_zensical_builds_the_rendered_folder(rendered):
    zensical = shutil.which("zensical") or str(Path(sys.executable).with_name("zensical"))
    if not Path(zensical).exists():
        pytest.skip("zensical is not installed (the test extra pins it)")
    site = rendered / "site"
    shutil.rmtree(site, ignore_errors=True)
    done = subprocess.run([zensical, "build", "-f", "zensical.yml"], cwd=rendered,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    _check_site(site)
    page = (site / "standard" / "phases" / "preparation" / "index.html").read_text(
        encoding="utf-8")
    assert 'class="luodi-page"' in page and "luodi-reader.js" in page
