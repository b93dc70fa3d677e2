"""The mkdocs plugin `luodi`: the only module (with define_env) that knows about mkdocs.

Per build it loads and validates every playbook once (on_config), adds the playbook sections to
the nav, generates one page per phase, role, module, form and table and the downloads (Word
forms, checklist CSV/xlsx, playbook.json) (on_files), and publishes the list of anchors of every
page (anchors.json) so that a later build can tell when a link target disappeared. With
`search: luodi` (the default) it points Material's search box at Luodi's worker and adds what
that worker needs to search_index.json (the `_search_*` methods, luodi/search.py); with
`search: pagefind` it indexes the built site with Pagefind and points the box at a worker that
asks Pagefind (luodi/pagefind.py).

For readers and trainers (the `_reader_*`, `_alias_*` and `_anchor_*` methods, kept apart from
page generation): it ships luodi-reader.js/.css and their labels, marks each generated page with
its playbook, keeps old ids working (redirect pages for renamed pages, alias anchors for renamed
items and modules), warns when an anchor of the previous build is gone, and points Material's
offline plugin at a local copy of its iframe-worker shim instead of a CDN.
"""

from __future__ import annotations

import contextlib
import html as html_lib
import json
import logging
import re
import tempfile
import threading
from importlib import resources
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.meta import get_data

from . import pagefind
from .background import Background, JobFailed
from .diagnostics import Diagnostic, errors, ignorable
from .exports import EXPORTS, download_paths, playbook_json, site_downloads, site_path
from .extensions import ExtensionError, load_extensions
from .i18n import CATALOG
from .model import Playbook, Source
from .places import alias_anchors, redirects, relative_url, url_of
from .read import display_path, load_playbooks
from .render.common import h
from .render.pages import (
    PageSpec,
    UnsafePage,
    front_matter,
    page_markdown,
    page_meta,
    playbook_nav,
    playbook_pages,
)
from .search import enrich_index, search_extras

log = logging.getLogger("mkdocs.plugins.luodi")
# Downloads by playbook id, with the JSON they were made from; kept for the life of the process,
# because mkdocs makes a new plugin object for each rebuild under `mkdocs serve`.
_DOWNLOADS: dict[str, tuple[bytes, dict[str, bytes]]] = {}
_SERVING = False  # set once `mkdocs serve` has made its first build
_WARM_UP: threading.Thread | None = None  # imports for serve's rebuilds (on_serve)

ASSETS = ("luodi.css", "luodi-search-worker.js")
# What the Markdown of generated pages uses: ids and classes on headings, HTML blocks holding
# Markdown (one box per checklist item), tables and warning boxes (drift notices).
MARKDOWN_EXTENSIONS = ("attr_list", "md_in_html", "tables", "admonition")
ASSET_DIR = "assets/luodi"
ANCHORS_FILE = "anchors.json"
_ID_ATTR = re.compile(r'\sid="([^"]+)"')
# Material names its search worker in each page's configuration (a hashed file name).
_MATERIAL_WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")
# Readers and trainers: browser assets, with vendored files published next to their licences.
READER_ASSETS = ("luodi-reader.css", "luodi-reader.js")
LABELS_JS = "luodi-labels.js"
VENDOR_FILES = ("vendor/iframe-worker/shim.js", "vendor/iframe-worker/LICENSE")
IFRAME_WORKER_SHIM = f"{ASSET_DIR}/{VENDOR_FILES[0]}"
# The opening tag of an element with an id, for alias anchors; void elements cannot hold one.
_OPEN_TAG = re.compile(r'<(?P<tag>[a-zA-Z][\w-]*)\b[^<>]*?\sid="(?P<id>[^"]+)"[^<>]*>')
_CELL = re.compile(r"<t[dh]\b[^<>]*>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


class LuodiConfig(base.Config):
    playbooks = c.Type(str, default="playbooks")
    """Folder of playbooks, relative to mkdocs.yml."""
    nav = c.Type(bool, default=True)
    """Add each playbook's section to the nav (after the first entry, usually the home page)."""
    anchors_baseline = c.Optional(c.Type(str))
    """anchors.json of an earlier build (relative to mkdocs.yml) to compare anchors with; by
    default, the one the previous build left in site_dir."""
    ignore = c.ListOfItems(c.Type(str), default=[])
    """Warning codes not to report (as `luodi validate --ignore`); an error cannot be ignored."""
    search = c.Choice(("luodi", "material", "pagefind"), default="luodi")
    """Search engine behind Material's search box: Luodi's worker (Chinese queries: word
    cutting, AND, synonyms, pinyin, item anchors), Material's stock lunr worker, or Pagefind
    (a chunked index fetched per query, for very large sites; needs `luodi[pagefind]` and HTTP:
    an offline build falls back to Luodi's worker). docs/guide/search.md compares them."""


class LuodiPlugin(BasePlugin[LuodiConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.playbooks: dict[str, Playbook] = {}
        self._loaded_for = None  # the config the playbooks were loaded for
        self.pages: list[tuple[Playbook, PageSpec]] = []
        # Generated pages by source path: the front matter and the body they were written with,
        # and how deep their TOC goes (0: every heading).
        self.generated: dict[str, tuple[dict, str, int]] = {}
        self.macro_errors: dict[str, list[tuple[str, int]]] = {}  # page → (message, line)
        self._published: dict[str, str] = {}  # each file of the site: its URL → what it is
        self.anchors: dict[str, list[str]] = {}
        self.redirects: list[tuple[str, str, str, str]] = []  # old src, new src, title, lang
        self.anchor_aliases: dict[str, dict[str, list[str]]] = {}  # playbook → new id → old ids
        self.baseline: dict | None = None  # anchors.json of the previous build
        self.page_urls: set[str] = set()  # the documentation pages of this build
        self.engine = "luodi"  # the search engine this build uses (see _search_config)
        self.pagefind_binary: Path | None = None
        self.pagefind_skip: set[str] = set()  # pages the author excluded from search
        self.nav_titles: list[str] = []  # titles written in mkdocs.yml's nav (on_config)
        # Work in a second process (_background_start): downloads to collect, their folder.
        self._background: Background | None = None
        self._downloads: list[tuple[Playbook, bytes]] = []
        self._workdir: Path | None = None
        self._search_job: int | None = None

    def playbook_root(self, config) -> Path:
        return Path(config.config_file_path or ".").parent / self.config.playbooks

    def load(self, config) -> dict[str, Playbook]:
        """The playbooks of this build, loaded and validated once: by on_config, or earlier by
        the macros module's define_env when `macros` comes before `luodi` in plugins."""
        if self._loaded_for is config:
            return self.playbooks
        try:
            load_extensions()  # views, exports and anchors of their own, before anything runs
        except ExtensionError as exc:
            raise PluginError(str(exc)) from None
        try:
            ignored = set(ignorable(self.config.ignore))
        except ValueError as exc:
            raise PluginError(f"luodi: ignore: {exc}") from None
        result = load_playbooks(self.playbook_root(config))
        for diagnostic in result.diagnostics:
            if diagnostic.severity == "warning" and diagnostic.code not in ignored:
                log.warning(diagnostic.format())
        if errors(result.diagnostics):
            raise PluginError("invalid playbooks:\n" + "\n".join(
                d.format() for d in errors(result.diagnostics)))
        self.playbooks = result.playbooks
        self._loaded_for = config
        return self.playbooks

    def on_config(self, config):
        self.load(config)
        self.pages = [(pb, spec) for pb in self.playbooks.values() for spec in playbook_pages(pb)]
        self.nav_titles = _nav_titles(config.nav)  # hand-written pages' names, for pinyin
        if self.config.nav:
            sections = [playbook_nav(pb) for pb in self.playbooks.values()]
            if config.nav is None:
                config.nav = ["index.md", *sections] if _has_index(config) else sections
            else:
                config.nav[1:1] = sections
        enabled = {str(name).split(".")[-1] for name in config.markdown_extensions}
        config.markdown_extensions.extend(e for e in MARKDOWN_EXTENSIONS if e not in enabled)
        for asset in ASSETS:
            if asset.endswith(".css"):
                config.extra_css.append(f"{ASSET_DIR}/{asset}")
        self._search_config(config)
        self._reader_config(config)
        self._alias_config()
        self._anchor_baseline_load(config)
        return config

    def on_files(self, files: Files, config) -> Files:
        self.generated = {}
        # Where each file of the site is published: a hand-written page at the URL of a
        # generated one (docs/standard.md and standard/index.md are both standard/) would be
        # replaced without a word.
        self._published = {f.dest_uri: f"docs/{f.src_uri}" for f in files}
        for pb, spec in self.pages:
            meta = page_meta(spec, pb)
            try:
                text = page_markdown(spec, pb, config.use_directory_urls)
            except UnsafePage as exc:
                raise PluginError(str(exc)) from None
            self._publish(files, File.generated(config, spec.src, content=text),
                          f"the page of playbook '{pb.id}' that Luodi generates ({spec.src})")
            self.generated[spec.src] = (meta, text[len(front_matter(meta)):], spec.toc_depth)
        self._background_start(files, config)
        for asset in (*ASSETS, *([pagefind.WORKER] if self.engine == "pagefind" else [])):
            files.append(_asset_file(config, asset))
        self._reader_files(files, config)
        return files

    def _publish(self, files: Files, file: File, what: str) -> None:
        other = self._published.get(file.dest_uri)
        if other is not None:
            raise PluginError(f"{other} and {what} would both be published as {file.dest_uri}: "
                              "rename or move the hand-written file, or rename the playbook")
        self._published[file.dest_uri] = what
        files.append(file)

    # ------------------------------------------------------------ work in a second process
    # The downloads (export.py) and search's extras (search.py) depend on the playbooks alone
    # and cost more than the pages: they are made by a child process (background.py) while
    # mkdocs converts the pages' Markdown. Downloads are collected in on_env (just before mkdocs
    # copies files into the site) and kept while a playbook does not change (`mkdocs serve`);
    # search's extras are collected in on_post_build.

    def _background_start(self, files: Files, config) -> None:
        self._downloads = []  # (playbook, its JSON); job i makes the downloads of entry i
        self._workdir = None
        jobs = []
        for pb in self.playbooks.values():
            key = playbook_json(pb)
            cached = _DOWNLOADS.get(pb.id)
            if cached is not None and cached[0] == key:
                for path, data in cached[1].items():
                    self._publish(files, File.generated(config, path, content=data),
                                  f"a download of playbook '{pb.id}'")
                continue
            if self._workdir is None:
                # TemporaryDirectory also removes itself at exit if a build never finishes.
                self._tempdir = tempfile.TemporaryDirectory(prefix="luodi-downloads-")
                self._workdir = Path(self._tempdir.name)
            self._downloads.append((pb, key))
            # The key is the playbook's JSON download: made once.
            jobs.append((site_downloads, (pb, {site_path(pb, EXPORTS["json"], None, "json"): key})))
            for path in download_paths(pb):
                self._publish(files, File.generated(
                    config, path, abs_src_path=str(self._workdir / pb.id / path)),
                    f"a download of playbook '{pb.id}'")
        downloads = bool(jobs)
        self._search_job = None
        if self.engine == "luodi":
            self._search_job = len(jobs)
            jobs.append((search_extras, (list(self.playbooks.values()), self.nav_titles)))
        # Rebuilds under `mkdocs serve` run the jobs here: only the first one pays for importing
        # python-docx, openpyxl and pypinyin, and a rebuild redoes one playbook's files. Search's
        # extras alone are not worth a child either.
        if _SERVING and _WARM_UP is not None:
            _WARM_UP.join()  # the same imports must not run in two threads at once
        self._background = Background(jobs, here=_SERVING or not downloads)

    def _background_result(self, job: int, what: str):
        try:
            return self._background.result(job)
        except JobFailed as exc:  # the same code runs in the CLI: a bug, said in one line
            raise PluginError(f"could not make {what}: {exc}") from None

    def _downloads_collect(self) -> None:
        downloads, self._downloads = self._downloads, []
        for job, (pb, key) in enumerate(downloads):
            made = self._background_result(job, f"the downloads of playbook '{pb.id}'")
            missing = sorted(set(download_paths(pb)) - set(made))
            if missing:  # the files were announced to mkdocs already: it would copy nothing
                raise PluginError(f"the downloads of playbook '{pb.id}' lack {', '.join(missing)}")
            for path, data in made.items():
                target = self._workdir / pb.id / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            _DOWNLOADS[pb.id] = (key, made)

    def _background_close(self) -> None:
        if self._background is not None:
            self._background.close()
            self._background = None
        if self._workdir is not None:
            self._tempdir.cleanup()
            self._workdir = None

    def on_serve(self, server, config, builder):
        global _SERVING, _WARM_UP
        _SERVING = True  # the first build is done: rebuilds follow
        # While the server waits for the first edit, import what the rebuilds' jobs need.
        languages = {pb.language for pb in self.playbooks.values()}
        _WARM_UP = threading.Thread(target=_warm_up, args=(languages,), daemon=True)
        _WARM_UP.start()
        memoize_jieba()
        server.watch(str(self.playbook_root(config)))
        return server

    @event_priority(100)  # first: before mkdocs-macros, Material's meta or tags plugin
    def _on_page_markdown_check(self, markdown, page, config, files):
        """A generated page must reach every plugin exactly as Luodi wrote it. mkdocs drops
        front matter it cannot parse without a word, and `render_macros: false` with it: that
        would let mkdocs-macros run the page as a template. Never silently: fail the build."""
        found = self.generated.get(page.file.src_uri)
        if found is None:
            return markdown
        meta, body, _ = found
        if page.meta != meta or markdown != body:
            raise PluginError(f"generated page {page.file.src_uri}: mkdocs did not read back "
                              "the front matter Luodi wrote (a bug in Luodi; please report it)")
        return markdown

    def macro_error(self, page, message: str, line: int) -> None:
        """A macro of Luodi's was called wrongly on a hand-written page (luodi/__init__.py)."""
        self.macro_errors.setdefault(page.file.src_uri, []).append((message, line))

    @event_priority(-100)  # last: after mkdocs-macros rendered the page
    def _on_page_markdown_macro_errors(self, markdown, page, config, files):
        errors_here = self.macro_errors.pop(page.file.src_uri, None)
        if errors_here:
            raise PluginError("\n".join(
                _macro_diagnostic(page, config, message, line).format()
                for message, line in errors_here))
        return markdown

    on_page_markdown = CombinedEvent(_on_page_markdown_check, _on_page_markdown_macro_errors)

    @event_priority(50)  # before Material's search plugin reads the page
    def on_page_context(self, context, page, config, nav):
        if self.engine == "pagefind":
            self._pagefind_page(page)
        return context

    def on_page_content(self, html, page, config, files):
        depth = self.generated.get(page.file.src_uri, (None, None, 0))[2]
        if depth:
            page.toc = TableOfContents(_toc_to_depth(list(page.toc), depth))
        html = self._reader_page(html, page)
        self.anchors[page.url] = sorted(set(_ID_ATTR.findall(html)))
        return html

    def on_env(self, env, config, files):
        self._downloads_collect()
        self._anchor_pages(files)
        return env

    def on_build_error(self, error):
        self._background_close()

    def on_post_page(self, output, page, config):
        return self._search_page(output, page)

    def on_post_build(self, config):
        self._search_index(config)
        self._background_close()
        self._alias_redirects(config)
        removed = self._anchor_check(config)
        out = Path(config.site_dir) / ANCHORS_FILE
        data = {"version": 1, "pages": dict(sorted(self._anchor_list().items()))}
        if removed and config.strict and self.baseline is not None:
            # This build fails: keep the previous list, so that the next build fails the same way
            # until an alias is added (a build without --strict accepts the removal).
            data = self.baseline
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    # ------------------------------------------------------------ search (luodi/search.py)

    def _search_config(self, config) -> None:
        """The engine of this build. Pagefind fetches its index over HTTP, which a site opened
        from the file system (the offline build) does not have: there Luodi's worker, which
        reads the index from a script, answers instead."""
        self.engine = self.config.search
        self.pagefind_binary = None
        self.pagefind_skip = set()
        if self.engine != "pagefind":
            return
        if _offline_enabled(config):
            log.warning("search: pagefind needs HTTP and this is an offline build (file://): "
                        "its search box uses Luodi's worker instead")
            self.engine = "luodi"
            return
        self.pagefind_binary = pagefind.executable()  # fails the build now if it is missing

    def _search_page(self, output: str, page) -> str:
        """Point Material's search box at Luodi's worker (Material lets a site bring its own),
        or at the Pagefind worker, marking the article as the part Pagefind indexes.

        The fragment names the page's playbook, so that Luodi's worker ranks that playbook's
        pages first where several playbooks (a standard one and its forks) hold the same text.
        """
        if self.engine == "pagefind":
            if page.file.src_uri not in self.pagefind_skip:
                output = pagefind.mark_body(output)
            return _MATERIAL_WORKER.sub(f"{ASSET_DIR}/{pagefind.WORKER}", output, count=1)
        if self.engine != "luodi":
            return output
        playbook = page.file.src_uri.split("/", 1)[0]
        context = f"#{playbook}" if playbook in self.playbooks else ""
        return _MATERIAL_WORKER.sub(f"{ASSET_DIR}/luodi-search-worker.js{context}", output,
                                    count=1)

    def _pagefind_page(self, page) -> None:
        """Pagefind honours what Material's search would leave out; Material's own index, which
        this engine cuts down to its config after the build, is not built at all."""
        search = page.meta.get("search")
        if search is not None and not isinstance(search, dict):
            return  # not Material's setting: leave it to Material to complain
        search = search or {}
        if search.get("exclude"):
            self.pagefind_skip.add(page.file.src_uri)
        page.meta["search"] = {**search, "exclude": True}
        page.content = pagefind.ignore_excluded_blocks(page.content)

    def _search_index(self, config) -> None:
        """Add what Luodi's worker needs to search_index.json, or run Pagefind over the site and
        leave search_index.json with only its config. Runs after the search plugin wrote the
        index and every page, and before the offline plugin inlines it (priority -100)."""
        index = Path(config.site_dir) / "search" / "search_index.json"
        if self.engine == "pagefind":
            pagefind.index_site(self.pagefind_binary, config.site_dir)
            if index.exists():
                pagefind.slim_index(index)
            return
        if self.engine != "luodi" or not index.exists():
            return
        extras = self._background_result(self._search_job, "the search index's extras")
        data = json.loads(index.read_text(encoding="utf-8"))
        enrich_index(data, extras)
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                         encoding="utf-8")

    # ------------------------------------------------------------ readers: assets and pages

    def _reader_config(self, config) -> None:
        config.extra_css.append(f"{ASSET_DIR}/{READER_ASSETS[0]}")
        config.extra_javascript.append(f"{ASSET_DIR}/{LABELS_JS}")
        config.extra_javascript.append(f"{ASSET_DIR}/{READER_ASSETS[1]}")
        # Material's offline plugin adds the iframe-worker shim from a public CDN unless a
        # polyfill named iframe-worker is there already: use the copy the site ships.
        polyfills = [p for p in config.extra.get("polyfills") or []
                     if not ("iframe-worker" in str(p) and _is_external(str(p)))]
        if _offline_enabled(config) and IFRAME_WORKER_SHIM not in map(str, polyfills):
            polyfills.append(IFRAME_WORKER_SHIM)
        if polyfills or "polyfills" in config.extra:
            config.extra["polyfills"] = polyfills

    def _reader_files(self, files: Files, config) -> None:
        for name in (*READER_ASSETS, *VENDOR_FILES):
            files.append(_asset_file(config, name))
        files.append(File.generated(config, f"{ASSET_DIR}/{LABELS_JS}", content=_labels_js()))

    def _reader_page(self, html: str, page) -> str:
        """Old ids as anchors next to the new ones; on generated pages, which playbook it is."""
        info = page.meta.get("luodi")
        pb = self.playbooks.get(info.get("playbook")) if isinstance(info, dict) else None
        if pb is not None:
            aliases = self.anchor_aliases.get(pb.id, {})
        else:  # a hand-written page may embed any playbook's checklist
            aliases = {new: old for by_id in self.anchor_aliases.values()
                       for new, old in by_id.items()}
        if aliases:
            html = _mark_aliases(html, aliases)
        if pb is not None:
            # At the end: before the h1 it would change how Material's search cuts the page.
            html += (f'\n<div class="luodi-page" hidden data-luodi-playbook="{h(pb.id)}" '
                     f'data-luodi-kind="{h(info.get("kind", ""))}" '
                     f'data-luodi-lang="{h(pb.language)}" data-luodi-title="{h(pb.title)}"></div>')
        return html

    # ------------------------------------------------------------ renamed ids (aliases)

    def _alias_config(self) -> None:
        self.redirects = [(old, new, title, pb.language) for pb in self.playbooks.values()
                          for old, new, title in redirects(pb)]
        self.anchor_aliases = {pb.id: alias_anchors(pb) for pb in self.playbooks.values()}

    def _alias_redirects(self, config) -> None:
        """An HTML page at each old URL that sends the reader on, #fragment included."""
        site = Path(config.site_dir)
        for old_src, new_src, title, lang in self.redirects:
            old_url = url_of(old_src, config.use_directory_urls)
            new_url = url_of(new_src, config.use_directory_urls)
            out = site / (old_url + "index.html" if old_url.endswith("/") else old_url)
            if out.exists():
                log.warning("not writing a redirect from '%s' to '%s': a page is there",
                            old_url, new_url)
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(_redirect_html(relative_url(old_url, new_url), title, lang,
                                          config.site_url, new_url), encoding="utf-8")

    # ------------------------------------------------------------ anchors of the previous build

    def _anchor_baseline_load(self, config) -> None:
        """Read the anchor list to compare with, before mkdocs empties site_dir."""
        self.baseline = None
        if self.config.anchors_baseline:
            path = Path(config.config_file_path or ".").parent / self.config.anchors_baseline
            if not path.is_file():
                raise PluginError(f"anchors_baseline: no file '{self.config.anchors_baseline}'")
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
            if self.config.anchors_baseline:
                raise PluginError(f"anchors_baseline '{self.config.anchors_baseline}': {e}") from e
            log.warning("the previous build's %s is unusable (%s): this build writes a new one "
                        "and cannot tell which anchors are gone", ANCHORS_FILE, e)
            return
        self.baseline = data

    def _anchor_pages(self, files: Files) -> None:
        """The pages this build writes (a --dirty build renders only the changed ones)."""
        self.page_urls = {"" if f.url in (".", "./") else f.url  # as Page.url has it
                          for f in files.documentation_pages()}

    def _partial_build(self) -> bool:
        return bool(self.page_urls - set(self.anchors))

    def _anchor_list(self) -> dict[str, list[str]]:
        """Anchors of every page; a partial build keeps the earlier list of pages it skipped."""
        if not self._partial_build() or self.baseline is None:
            return self.anchors
        kept = {url: ids for url, ids in self.baseline["pages"].items() if url in self.page_urls}
        return {**kept, **self.anchors}

    def _anchor_check(self, config) -> int:
        """Warn for each page or anchor of the previous build that is gone; returns how many."""
        if self.baseline is None:
            return 0
        if self._partial_build():
            log.info("not comparing anchors with the previous build: only some pages were built")
            return 0
        current = {_page_key(url): set(ids) for url, ids in self.anchors.items()}
        redirected = {_page_key(url_of(old, config.use_directory_urls)):
                      _page_key(url_of(new, config.use_directory_urls))
                      for old, new, _, _ in self.redirects}
        removed = 0
        for url, ids in sorted(self.baseline["pages"].items()):
            key = _page_key(url)
            target = key if key in current else redirected.get(key)
            if target not in current:
                log.warning("page '%s' of the previous build is gone and nothing redirects it: "
                            "links to it break (a renamed phase, role, module or form keeps its "
                            "old URL with 'aliases: [old-id]')", url)
                removed += 1
                continue
            for anchor in sorted(set(ids) - current[target]):
                log.warning("anchor '#%s' of page '%s' is gone since the previous build: links "
                            "to it break (a renamed item or module keeps its old anchor with "
                            "'aliases: [%s]')", html_lib.unescape(anchor), url,
                            html_lib.unescape(anchor))
                removed += 1
        return removed


def _macro_diagnostic(page, config, message: str, line: int) -> Diagnostic:
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
    path = Path(config.docs_dir, page.file.src_path)
    shown = display_path(path)
    return Diagnostic(Source(shown, number, col), "macro", message)


def _toc_to_depth(links: list[AnchorLink], depth: int) -> list[AnchorLink]:
    for link in links:
        link.children = _toc_to_depth(link.children, depth) if link.level < depth else []
    return links


def _has_index(config) -> bool:
    return (Path(config.docs_dir) / "index.md").exists()


# ---------------------------------------------------------------- readers: helpers


def _is_external(url: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.I))


def _offline_enabled(config) -> bool:
    """Whether Material's offline plugin is on in this build."""
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] == "offline" and getattr(plugin.config, "enabled", False):
            return True
    return False


def _asset_file(config, name: str) -> File:
    """A file of luodi/assets/ (name relative to it), published under assets/luodi/."""
    text = resources.files("luodi").joinpath("assets", *name.split("/")).read_text(
        encoding="utf-8")
    return File.generated(config, f"{ASSET_DIR}/{name}", content=text)


def _labels_js() -> str:
    labels = {lang: {k: v for k, v in sorted(catalog.items()) if k.startswith("reader-")}
              for lang, catalog in CATALOG.items()}
    return ("/* Generated by Luodi from luodi/i18n.py: the labels of luodi-reader.js. */\n"
            f"window.luodiLabels = {json.dumps(labels, ensure_ascii=False, sort_keys=True)};\n")


def _mark_aliases(html: str, aliases: dict[str, list[str]]) -> str:
    """Put an empty element with each old id inside the element that has the new one (in a
    table row, inside its first cell: a row cannot hold a span)."""
    present = set(_ID_ATTR.findall(html))
    out: list[str] = []
    done = 0
    for m in _OPEN_TAG.finditer(html):
        new = html_lib.unescape(m.group("id"))
        olds = [o for o in aliases.get(new, ()) if h(o) not in present]
        tag = m.group("tag").lower()
        if not olds or tag in _VOID:
            continue
        at = m.end()
        if tag == "tr":
            cell = _CELL.search(html, at)
            if cell is None:
                continue
            at = cell.end()
        present.update(h(o) for o in olds)
        out.append(html[done:at])
        out.extend(f'<span class="luodi-alias" id="{h(old)}" data-luodi-alias-of="{h(new)}">'
                   "</span>" for old in olds)
        done = at
    out.append(html[done:])
    return "".join(out)


def _page_key(url: str) -> str:
    """A page URL without its style: 'a/b/', 'a/b.html' and 'a/b/index.html' are one page."""
    url = url.split("#")[0]
    if url.endswith("index.html"):
        url = url[:-len("index.html")]
    elif url.endswith(".html"):
        url = url[:-len(".html")]
    return url.strip("/").removeprefix("./")


def _redirect_html(target: str, title: str, lang: str, site_url: str | None,
                   target_url: str) -> str:
    """A page that only sends the reader to the new URL: meta refresh, and a script that keeps
    the #fragment (an old anchor there is mapped on the new page). Nothing loaded from elsewhere.
    """
    canonical = (site_url.rstrip("/") + "/" + target_url) if site_url else target
    script_target = json.dumps(target).replace("<", "\\u003c")
    return (
        "<!doctype html>\n"
        f'<html lang="{h(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{h(title)}</title>\n"
        f'<link rel="canonical" href="{h(canonical)}">\n'
        '<meta name="robots" content="noindex">\n'
        f"<script>location.replace({script_target} + location.hash)</script>\n"
        f'<meta http-equiv="refresh" content="0; url={h(target)}">\n'
        "</head>\n<body>\n"
        f'<p><a href="{h(target)}">{h(title)}</a></p>\n'
        "</body>\n</html>\n")


def _nav_titles(nav) -> list[str]:
    """The section and page titles written in the nav (hand-written pages' names)."""
    out: list[str] = []
    for entry in nav or []:
        if isinstance(entry, dict):
            for title, value in entry.items():
                out.append(str(title))
                if isinstance(value, list):
                    out.extend(_nav_titles(value))
    return out


def _warm_up(languages: set[str]) -> None:
    """Import python-docx, openpyxl and pypinyin, and make the Word template, ahead of time."""
    with contextlib.suppress(Exception):  # only an optimisation: the jobs import them anyway
        import openpyxl  # noqa: F401

        from .exports.word import _docx_template
        from .search import pinyin_table

        for language in languages:
            _docx_template(language)
        pinyin_table(["验收"])


def memoize_jieba() -> None:
    """Make jieba remember how it cut each piece of Chinese text, for `mkdocs serve`.

    Material's search cuts all of every page's Chinese again on each rebuild: about a seventh
    of a rebuild of the default site, though an edit changes a few pages. The memory is dropped
    whenever jieba loads a dictionary (Material sets `jieba_dict` again on each rebuild, so with
    that option nothing is remembered), and when words are added (`jieba_dict_user`, add_word)
    and change its word count or total frequency. Not noticed: del_word, or a frequency changed
    so that the total stays the same, between two rebuilds; Material does neither. Builds
    (`mkdocs build`) are left alone.
    """
    try:
        import jieba
    except ImportError:  # Material's search then does not cut Chinese at all
        return
    if getattr(jieba.cut, "luodi_memo", False):
        return
    cut = jieba.cut
    memo: dict = {}
    dictionary = [None]

    def remembered_cut(sentence, cut_all=False, HMM=True, use_paddle=False):
        if cut_all or not HMM or use_paddle:
            return cut(sentence, cut_all=cut_all, HMM=HMM, use_paddle=use_paddle)
        tokenizer = jieba.dt
        tokenizer.check_initialized()  # as cut() would: (re)load a dictionary that was set
        state = (id(tokenizer), id(tokenizer.FREQ), tokenizer.dictionary, tokenizer.total,
                 len(tokenizer.FREQ))
        if state != dictionary[0] or len(memo) > 500_000:
            memo.clear()
            dictionary[0] = state
        words = memo.get(sentence)
        if words is None:
            words = memo[sentence] = tuple(cut(sentence))
        return iter(words)

    remembered_cut.luodi_memo = True
    jieba.cut = remembered_cut
