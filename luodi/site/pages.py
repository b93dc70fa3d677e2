"""The generated pages of a build: one per phase, role, module, form and table of every playbook,
the playbooks' sections of the nav, and the checks that keep playbook text from ever running as
a template. Also where a wrong call of one of Luodi's macros on a hand-written page is reported.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.meta import get_data

from ..diagnostics import Diagnostic
from ..memo import Memo
from ..model import Playbook, Source
from ..read import display_path
from ..render.pages import (
    MARKDOWN_EXTENSIONS,
    PageSpec,
    UnsafePage,
    front_matter,
    page_markdown,
    page_meta,
    playbook_nav,
    playbook_pages,
)
from ..render.views import VIEWS
from .files import Published


class GeneratedPages:
    def __init__(self, memo: Memo | None = None):
        self.pages: list[tuple[Playbook, PageSpec]] = []
        # By source path: the front matter and body a page was written with, its TOC depth.
        self.generated: dict[str, tuple[dict, str, int]] = {}
        # Under `mkdocs serve`: each page's text as the last build wrote it, with the playbook
        # it was written from. A page is a function of its playbook alone (and of the day: the
        # status page's timeline marks today), and the loader gives the very same object for a
        # playbook whose files did not change: such a page is not written again.
        self.memo = memo

    def configure(self, playbooks: dict[str, Playbook], config, add_nav: bool) -> None:
        """The pages of this build, the playbooks' nav sections and the Markdown extensions
        their text needs."""
        self.pages = [(pb, spec) for pb in playbooks.values() for spec in playbook_pages(pb)]
        self.generated = {}
        if add_nav:
            sections = [playbook_nav(pb) for pb in playbooks.values()]
            if config.nav is None:
                has_index = (Path(config.docs_dir) / "index.md").exists()
                config.nav = ["index.md", *sections] if has_index else sections
            else:
                config.nav[1:1] = sections
        enabled = {str(name).split(".")[-1] for name in config.markdown_extensions}
        config.markdown_extensions.extend(e for e in MARKDOWN_EXTENSIONS if e not in enabled)

    def add_files(self, published: Published, config) -> None:
        today = datetime.date.today()
        for pb, spec in self.pages:
            key = (spec.src, config.use_directory_urls, today)
            known = self.memo.get(key) if self.memo is not None else None
            if known is not None and known[0] is pb:
                _, meta, text, body = known
            else:
                meta = page_meta(spec, pb)
                try:
                    text = page_markdown(spec, pb, config.use_directory_urls)
                except UnsafePage as exc:
                    raise PluginError(str(exc)) from None
                body = text[len(front_matter(meta)):]
                if self.memo is not None:
                    self.memo.put(key, (pb, meta, text, body))
            # A page outside the nav (a handout, a quiz sheet) is one by design: mkdocs need not
            # list it at every build.
            inclusion = (InclusionLevel.INCLUDED if VIEWS[spec.kind].nav
                         else InclusionLevel.NOT_IN_NAV)
            published.add(File.generated(config, spec.src, content=text, inclusion=inclusion),
                          f"the page of playbook '{pb.id}' that Luodi generates ({spec.src})")
            self.generated[spec.src] = (meta, body, spec.toc_depth)

    def texts(self) -> dict[str, str]:
        """Each generated page's Markdown below its front matter, by source path."""
        return {src: body for src, (_, body, _) in self.generated.items()}

    def check(self, markdown: str, page) -> None:
        """A generated page must reach every plugin exactly as Luodi wrote it. mkdocs drops
        front matter it cannot parse without a word, and `render_macros: false` with it: that
        would let mkdocs-macros run the page as a template. Never silently: fail the build."""
        found = self.generated.get(page.file.src_uri)
        if found is not None and (page.meta != found[0] or markdown != found[1]):
            raise PluginError(f"generated page {page.file.src_uri}: mkdocs did not read back "
                              "the front matter Luodi wrote (a bug in Luodi; please report it)")

    def cut_toc(self, page) -> None:
        """A page with more items than a TOC can hold lists only its sections there."""
        depth = self.generated.get(page.file.src_uri, (None, None, 0))[2]
        if depth:
            page.toc = TableOfContents(_to_depth(list(page.toc), depth))


def _to_depth(links: list[AnchorLink], depth: int) -> list[AnchorLink]:
    for link in links:
        link.children = _to_depth(link.children, depth) if link.level < depth else []
    return links


class MacroErrors:
    """Wrong calls of Luodi's macros on hand-written pages (site/macros.py reports them): the
    build fails with the page's path and line, as mkdocs-macros would not (it prints a
    traceback and exits 100)."""

    def __init__(self):
        self.by_page: dict[str, list[tuple[str, int]]] = {}  # page → (message, line)

    def add(self, page, message: str, line: int) -> None:
        self.by_page.setdefault(page.file.src_uri, []).append((message, line))

    def raise_for(self, page, config) -> None:
        found = self.by_page.pop(page.file.src_uri, None)
        if found:
            raise PluginError("\n".join(_located(page, config, message, line).format()
                                        for message, line in found))


def _located(page, config, message: str, line: int) -> Diagnostic:
    """Where in the page's file a macro call is: the template's line, below the front matter
    (which mkdocs-macros never sees), and the column of the call on that line."""
    source = page.file.content_string
    body, _ = get_data(source)
    offset = source[:len(source) - len(body)].count("\n") if source.endswith(body) else 0
    lines = source.splitlines()
    number = offset + line if line else 1
    text = lines[number - 1] if 0 < number <= len(lines) else ""
    name = message.split("(", 1)[0]
    col = text.find(name) + 1 if name and name in text else 1
    shown = display_path(Path(config.docs_dir, page.file.src_path))
    return Diagnostic(Source(shown, number, col), "macro", message)
