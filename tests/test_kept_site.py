"""The previous build's site kept in place under `mkdocs serve` (luodi/site/kept.py): after each
build the site holds exactly what a build into an emptied folder writes, and a file is left in
place only when its bytes are the ones it should have."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs import utils
from mkdocs.structure.files import File

from luodi.site.kept import KeptSite


def _page(dest: str):
    return SimpleNamespace(file=SimpleNamespace(dest_uri=dest, src_uri=dest + ".md"))


def _build(kept: KeptSite, site: Path, pages: dict[str, str], shards: dict | None = None,
           static: dict | None = None, after_pages=None, fail=False) -> None:
    """One build in the order mkdocs runs it, with Luodi's events where the plugin has them."""
    shards, static = shards or {}, static or {}
    config = SimpleNamespace(site_dir=str(site))
    kept.pre_build(config)
    utils.clean_directory(str(site))  # what mkdocs does when not --dirty
    kept.restore()
    others = []
    for name, text in static.items():  # theme assets, downloads
        others.append(File(name, src_dir=None, dest_dir=str(site), use_directory_urls=False))
        others[-1].content_bytes = text.encode()
    kept.other_files(others)  # Luodi's on_env
    for file in others:  # copy_static_files
        file.copy_file(False)
    for dest, text in pages.items():
        output = kept.page(text, _page(dest))
        if fail and dest == list(pages)[-1]:
            kept.error()
            return
        if output.strip():
            utils.write_file(output.encode(), str(site / dest))
        else:  # as mkdocs logs it
            logging.getLogger("mkdocs.commands.build").info(
                f"Page skipped: '{dest}.md'. Generated empty output.")
    kept.sweep()
    if after_pages:
        after_pages(site)  # another plugin's on_post_build
    for name, text in shards.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        kept.write(site / name, text.encode())
    kept.finish()


def _tree(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in site.rglob("*") if p.is_file()}


def _ids(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in site.rglob("*") if p.is_file()}


@pytest.fixture
def served(tmp_path):
    site = tmp_path / "mkdocs_serve"
    site.mkdir()
    kept = KeptSite(enabled=True)
    yield kept, site
    kept.close()


def test_an_unchanged_page_stays_in_place_and_the_site_is_what_a_build_writes(served):
    kept, site = served
    pages = {"a/index.html": "<p>A</p>", "b/index.html": "<p>B</p>", "c/d/index.html": "D"}
    _build(kept, site, pages, shards={"s/1.json": "[1]", "s/2.json": "[2]"},
           static={"assets/x.css": "x"})
    assert not kept.adopted  # the first build: nothing to keep
    before = _ids(site)
    pages2 = {"a/index.html": "<p>A</p>", "b/index.html": "<p>B2</p>", "e/index.html": "E"}
    _build(kept, site, pages2, shards={"s/1.json": "[1]", "s/3.json": "[3]"},
           static={"assets/x.css": "x"})
    assert kept.adopted
    # Exactly what a build writes: the removed page and shard gone, with their empty folders.
    assert _tree(site) == {**pages2, "s/1.json": "[1]", "s/3.json": "[3]", "assets/x.css": "x"}
    assert not (site / "c").exists()
    after = _ids(site)
    assert after["a/index.html"] == before["a/index.html"]  # not written again
    assert after["s/1.json"] == before["s/1.json"]
    assert after["assets/x.css"] == before["assets/x.css"]
    assert after["b/index.html"] != before["b/index.html"]
    assert kept.pages_written == 2 and kept.unchanged == 1


def test_other_files_mkdocs_copies_are_copied_only_when_their_bytes_changed(served):
    kept, site = served
    static = {"assets/a.css": "a", "assets/b.js": "b", "d/x.docx": "x"}
    _build(kept, site, {}, static=static)
    before = _ids(site)
    (site / "assets" / "b.js").write_text("changed by hand", encoding="utf-8")
    _build(kept, site, {}, static={"assets/a.css": "a", "assets/b.js": "b", "e/y.xlsx": "y"})
    assert _tree(site) == {"assets/a.css": "a", "assets/b.js": "b", "e/y.xlsx": "y"}
    after = _ids(site)
    assert after["assets/a.css"] == before["assets/a.css"]
    assert after["assets/b.js"] != before["assets/b.js"]


def test_a_file_changed_in_the_served_site_is_written_again(served):
    kept, site = served
    _build(kept, site, {"a/index.html": "A"}, shards={"s/1.json": "[1]"})
    (site / "a" / "index.html").write_text("changed by hand", encoding="utf-8")
    (site / "s" / "1.json").write_text("[changed]", encoding="utf-8")
    (site / "stray.txt").write_text("no build writes this", encoding="utf-8")
    _build(kept, site, {"a/index.html": "A"}, shards={"s/1.json": "[1]"})
    assert _tree(site) == {"a/index.html": "A", "s/1.json": "[1]"}
    assert kept.pages_written == 1 and kept.unchanged == 0


def test_a_page_a_plugin_changes_after_it_was_written_is_written_again(served):
    """Another plugin rewriting pages in its on_post_build (as the offline plugin does) must
    get mkdocs' output to work on in every build, never its own output of the last one."""
    def stamp(site):
        path = site / "a" / "index.html"
        path.write_text(path.read_text(encoding="utf-8") + "+", encoding="utf-8")

    kept, site = served
    for _ in range(3):
        _build(kept, site, {"a/index.html": "A"}, after_pages=stamp)
        assert _tree(site) == {"a/index.html": "A+"}
    assert kept.pages_written == 1


def test_what_a_post_build_plugin_finds_is_what_a_full_build_has(served):
    """A plugin writing after the pages (redirects, the search index) finds no file of the last
    build that this one did not write: it cannot mistake one for a page."""
    seen = []
    kept, site = served
    _build(kept, site, {"a/index.html": "A"}, after_pages=lambda s: (s / "old").mkdir())
    (site / "old" / "index.html").write_text("a redirect", encoding="utf-8")
    _build(kept, site, {"a/index.html": "A"},
           after_pages=lambda s: seen.append(sorted(_tree(s))))
    assert seen == [["a/index.html"]]


def test_after_a_failed_build_nothing_is_kept(served):
    kept, site = served
    _build(kept, site, {"a/index.html": "A", "b/index.html": "B"})
    _build(kept, site, {"a/index.html": "A", "b/index.html": "B"}, fail=True)
    assert not list(site.parent.glob("*.luodi-previous"))
    _build(kept, site, {"a/index.html": "A", "b/index.html": "B"})
    assert not kept.adopted and kept.pages_written == 2
    assert _tree(site) == {"a/index.html": "A", "b/index.html": "B"}


def test_hidden_entries_at_the_top_stay_as_mkdocs_clean_leaves_them(served):
    kept, site = served
    _build(kept, site, {"a/index.html": "A"})
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    _build(kept, site, {"a/index.html": "A"})
    assert _tree(site) == {"a/index.html": "A", ".git/HEAD": "ref"}


def test_mkdocs_line_for_a_page_left_in_place_is_not_logged(served, caplog):
    kept, site = served
    _build(kept, site, {"a/index.html": "A"})
    with caplog.at_level(logging.INFO, logger="mkdocs.commands.build"):
        _build(kept, site, {"a/index.html": "A"})
        logging.getLogger("mkdocs.commands.build").info(
            "Page skipped: 'a/index.html.md'. Generated empty output.")  # after the build
    assert [r.getMessage() for r in caplog.records] == [
        "Page skipped: 'a/index.html.md'. Generated empty output."]


def test_something_written_into_the_emptied_site_means_nothing_is_kept(served, monkeypatch):
    kept, site = served
    _build(kept, site, {"a/index.html": "A"})
    clean = utils.clean_directory

    def clean_and_write(path):
        clean(path)
        (Path(path) / "early.txt").write_text("a plugin's file", encoding="utf-8")

    monkeypatch.setattr(utils, "clean_directory", clean_and_write)
    _build(kept, site, {"a/index.html": "A"})
    assert not kept.adopted
    assert _tree(site) == {"a/index.html": "A", "early.txt": "a plugin's file"}
    assert not list(site.parent.glob("*.luodi-previous"))


def test_in_a_build_every_file_is_written(tmp_path):
    kept, site = KeptSite(enabled=False), tmp_path / "site"
    site.mkdir()
    for text in ("A", "A"):
        _build(kept, site, {"a/index.html": text}, shards={"s/1.json": "[1]"})
        assert _tree(site) == {"a/index.html": "A", "s/1.json": "[1]"}
        assert not kept.adopted and os.path.exists(site / "s" / "1.json")


def test_a_clock_set_back_during_a_build_deletes_nothing(served, monkeypatch):
    kept, site = served
    _build(kept, site, {"a/index.html": "A", "b/index.html": "B"})
    import luodi.site.kept as module
    tick = module._next_tick
    # The stamp lies in the future of every file this build writes.
    monkeypatch.setattr(module, "_next_tick", lambda folder: tick(folder) + 3600 * 10**9)
    _build(kept, site, {"a/index.html": "A2"})
    assert _tree(site) == {"a/index.html": "A2", "b/index.html": "B"}  # b: not told apart
    monkeypatch.setattr(module, "_next_tick", tick)
    _build(kept, site, {"a/index.html": "A2"})
    assert _tree(site) == {"a/index.html": "A2"}


def test_a_folder_left_by_a_killed_server_is_replaced(served):
    kept, site = served
    _build(kept, site, {"a/index.html": "A"})
    left = site.with_name(site.name + ".luodi-previous")
    (left / "x").mkdir(parents=True)
    (left / "x" / "index.html").write_text("old", encoding="utf-8")
    _build(kept, site, {"a/index.html": "A"})
    assert kept.adopted and kept.pages_written == 0
    assert _tree(site) == {"a/index.html": "A"} and not left.exists()


def test_where_ctime_is_when_a_file_was_made_nothing_is_kept(tmp_path, monkeypatch):
    """On Windows a file written again in place keeps its ctime: it would look stale."""
    import luodi.site.kept as module
    monkeypatch.setattr(module, "CHANGE_TIMES", False)
    kept, site = KeptSite(enabled=True), tmp_path / "site"
    site.mkdir()
    for _ in range(2):
        _build(kept, site, {"a/index.html": "A"})
        assert not kept.adopted and _tree(site) == {"a/index.html": "A"}
