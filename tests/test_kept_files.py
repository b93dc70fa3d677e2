"""Files kept from one `mkdocs serve` build for the next (luodi/site/kept.py): a file whose text
did not change is linked into the emptied site, never with a stale or altered text."""

from __future__ import annotations

import os
import shutil

from luodi.site.kept import KeptFiles


def _build(kept: KeptFiles, site, files: dict[str, str]) -> None:
    """One build as mkdocs makes it: the site emptied first, then the files written."""
    shutil.rmtree(site, ignore_errors=True)
    (site / "s").mkdir(parents=True)
    kept.start()
    for name, text in files.items():
        kept.write(site, name, text)
    kept.finish()


def _read(site) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in site.rglob("*") if p.is_file()}


def test_an_unchanged_file_is_linked_and_a_changed_one_written(tmp_path):
    kept, site = KeptFiles(), tmp_path / "site"
    try:
        _build(kept, site, {"s/a.json": "[1]", "s/b.json": "[2]", "s/c.json": "中文"})
        assert kept.linked == 0
        _build(kept, site, {"s/a.json": "[1]", "s/b.json": "[3]", "s/c.json": "中文"})
        assert _read(site) == {"s/a.json": "[1]", "s/b.json": "[3]", "s/c.json": "中文"}
        assert kept.linked == 2
        # A file the last build did not write is forgotten: it is written when it comes back.
        _build(kept, site, {"s/b.json": "[3]"})
        assert kept.linked == 1 and _read(site) == {"s/b.json": "[3]"}
        _build(kept, site, {"s/a.json": "[1]", "s/b.json": "[3]"})
        assert kept.linked == 1 and _read(site)["s/a.json"] == "[1]"
    finally:
        kept.close()


def test_a_file_changed_in_the_served_site_is_not_linked_again(tmp_path):
    kept, site = KeptFiles(), tmp_path / "site"
    try:
        _build(kept, site, {"s/a.json": "[1]"})
        (site / "s" / "a.json").write_text("[changed in place]", encoding="utf-8")
        _build(kept, site, {"s/a.json": "[1]"})
        assert kept.linked == 0 and _read(site) == {"s/a.json": "[1]"}
    finally:
        kept.close()


def test_without_hard_links_the_files_are_written(tmp_path, monkeypatch):
    def no_links(*args):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    kept, site = KeptFiles(), tmp_path / "site"
    try:
        for text in ("[1]", "[1]", "[2]"):
            _build(kept, site, {"s/a.json": text})
            assert _read(site) == {"s/a.json": text} and kept.linked == 0
    finally:
        kept.close()
