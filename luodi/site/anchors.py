"""The anchors of every page, published as anchors.json, and compared with the previous build's:
a page or an anchor that is gone breaks the links trainers and readers keep, so each one is a
warning (and fails `mkdocs build --strict`) until an alias keeps it.

On the pages Luodi generates, the anchors kept are its own: object ids and section anchors,
which never depend on a title. The theme's anchor of a page's title (准备阶段, _1) changes with
the title and is not one: renaming a phase is never a broken link."""

from __future__ import annotations

import html as html_lib
import json
import logging
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from ..model import ID_PATTERN
from .aliases import ID_ATTR

STABLE = re.compile(ID_PATTERN)  # the anchors Luodi makes: ids, never titles

log = logging.getLogger("mkdocs.plugins.luodi")
ANCHORS_FILE = "anchors.json"


def page_key(url: str) -> str:
    """A page URL without its style: 'a/b/', 'a/b.html' and 'a/b/index.html' are one page."""
    url = url.split("#")[0]
    if url.endswith("index.html"):
        url = url[:-len("index.html")]
    elif url.endswith(".html"):
        url = url[:-len(".html")]
    return url.strip("/").removeprefix("./")


class Anchors:
    def __init__(self):
        self.anchors: dict[str, list[str]] = {}  # page URL → its ids, this build
        self.baseline: dict | None = None  # anchors.json of the previous build
        self.page_urls: set[str] = set()  # the documentation pages of this build

    def load_baseline(self, config, baseline: str | None) -> None:
        """Read the anchor list to compare with, before mkdocs empties site_dir: `baseline`
        (relative to mkdocs.yml) if given, else the previous build's in site_dir."""
        self.anchors = {}
        self.baseline = None
        if baseline:
            path = Path(config.config_file_path or ".").parent / baseline
            if not path.is_file():
                raise PluginError(f"anchors_baseline: no file '{baseline}'")
        else:
            path = Path(config.site_dir) / ANCHORS_FILE
            if not path.is_file():
                return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            pages = data["pages"] if isinstance(data, dict) else None
            if data.get("version") != 1 or not isinstance(pages, dict) or not all(
                    isinstance(anchors, list) and all(isinstance(a, str) for a in anchors)
                    for anchors in pages.values()):
                raise ValueError("not a version 1 anchor list (pages of lists of anchors)")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            if baseline:
                raise PluginError(f"anchors_baseline '{baseline}': {e}") from e
            log.warning("the previous build's %s is unusable (%s): this build writes a new one "
                        "and cannot tell which anchors are gone", ANCHORS_FILE, e)
            return
        self.baseline = data

    def record(self, html: str, page) -> None:
        ids = set(ID_ATTR.findall(html))
        if (page.meta or {}).get("luodi"):  # a generated page: its stable anchors only
            ids = {i for i in ids if STABLE.match(i)}
        self.anchors[page.url] = sorted(ids)

    def pages(self, files) -> None:
        """The pages this build writes (a --dirty build renders only the changed ones)."""
        self.page_urls = {"" if f.url in (".", "./") else f.url  # as Page.url has it
                          for f in files.documentation_pages()}

    def finish(self, config, redirected: dict[str, str]) -> None:
        """Warn for what is gone, and write this build's anchors.json."""
        removed = self._check(redirected)
        data = {"version": 1, "pages": dict(sorted(self._listing().items()))}
        if removed and config.strict and self.baseline is not None:
            # This build fails: keep the previous list, so that the next build fails the same way
            # until an alias is added (a build without --strict accepts the removal).
            data = self.baseline
        out = Path(config.site_dir) / ANCHORS_FILE
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def _partial_build(self) -> bool:
        return bool(self.page_urls - set(self.anchors))

    def _listing(self) -> dict[str, list[str]]:
        """Anchors of every page; a partial build keeps the earlier list of pages it skipped."""
        if not self._partial_build() or self.baseline is None:
            return self.anchors
        kept = {url: ids for url, ids in self.baseline["pages"].items() if url in self.page_urls}
        return {**kept, **self.anchors}

    def _check(self, redirected: dict[str, str]) -> int:
        """Warn for each page or anchor of the previous build that is gone; returns how many."""
        if self.baseline is None:
            return 0
        if self._partial_build():
            log.info("not comparing anchors with the previous build: only some pages were built")
            return 0
        current = {page_key(url): set(ids) for url, ids in self.anchors.items()}
        moved = {page_key(old): page_key(new) for old, new in redirected.items()}
        removed = 0
        for url, ids in sorted(self.baseline["pages"].items()):
            key = page_key(url)
            target = key if key in current else moved.get(key)
            if target not in current:
                log.warning("page '%s' of the previous build is gone and nothing redirects it: "
                            "links to it break (a renamed phase, role, module or form keeps its "
                            "old URL with 'aliases: [old-id]')", url)
                removed += 1
                continue
            for anchor in sorted(set(ids) - current[target]):
                old = html_lib.unescape(anchor)
                hint = (f"a renamed item or module keeps its old anchor with 'aliases: [{old}]'"
                        if STABLE.match(old) else
                        f"keep it on the page that held it, e.g. with an empty "
                        f"<span id=\"{old}\"></span> where the heading was")
                log.warning("anchor '#%s' of page '%s' is gone since the previous build: links "
                            "to it break (%s)", old, url, hint)
                removed += 1
        return removed
