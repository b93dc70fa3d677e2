"""The mkdocs plugin `luodi`: mkdocs' events, each handed to the features it concerns.

Per build it loads and validates every playbook once (on_config, or earlier for mkdocs-macros'
define_env), adds the playbooks' sections to the nav, generates their pages and downloads
(on_files), and checks what was generated on its way through the other plugins. The features
are objects that own their state (site/__init__.py lists them). The plugin has on_startup, so
mkdocs keeps this one object for every rebuild of `mkdocs serve`: what lives across rebuilds
(the downloads made, the server's state) is made there, and the rest again in on_config.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files

from ..diagnostics import errors, ignorable
from ..extensions import ExtensionError, load_extensions
from ..memo import Memo
from ..model import Playbook
from ..read import load_playbooks
from ..search_shards import ShardMemo
from .aliases import Aliases
from .anchors import Anchors
from .collector import Collector
from .config import LuodiConfig
from .downloads import Downloads, site_of
from .files import Published
from .kept import KeptSite
from .pages import GeneratedPages, MacroErrors
from .reader import Reader
from .rebuild import Rebuild
from .search import Search
from .serve import Serve
from .work import Work

log = logging.getLogger("mkdocs.plugins.luodi")


class LuodiPlugin(BasePlugin[LuodiConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.on_startup(command="build", dirty=False)

    def on_startup(self, *, command, dirty):
        # Kept for the life of the process (every rebuild of `mkdocs serve`).
        self.serve = Serve(command)
        self.collector = Collector(serving=command == "serve")
        self.downloads = Downloads(keep=command == "serve")
        self.rebuild = Rebuild(enabled=command == "serve")
        self.shard_memo = ShardMemo() if command == "serve" else None
        # mkdocs' --dirty keeps the site itself (and rebuilds only the pages it thinks changed).
        self.kept = KeptSite(enabled=command == "serve" and not dirty)
        self.parse_memo = Memo() if command == "serve" else None  # each playbook file's YAML
        self.built_memo = Memo() if command == "serve" else None  # each playbook, checked
        self.page_memo = Memo() if command == "serve" else None  # each generated page's text
        self._new_build()

    def _new_build(self) -> None:
        self.playbooks: dict[str, Playbook] = {}
        self._loaded_for = None  # the config the playbooks were loaded for
        self.pages = GeneratedPages(self.page_memo)
        self.macro_errors = MacroErrors()
        self.search = Search()
        self.reader = Reader()
        self.aliases = Aliases()
        self.anchors = Anchors()
        self.work = Work()
        self.nav_titles: list[str] = []  # titles written in mkdocs.yml's nav (on_config)

    def playbook_root(self, config) -> Path:
        return Path(config.config_file_path or ".").parent / self.config.playbooks

    def load(self, config) -> dict[str, Playbook]:
        """The playbooks of this build, loaded and validated once: by on_config, or earlier by
        mkdocs-macros' define_env when `macros` comes before `luodi` in plugins."""
        if self._loaded_for is config:
            return self.playbooks
        self.collector.build_starting()
        self._new_build()  # the first build, or a rebuild under `mkdocs serve`
        try:
            load_extensions()  # views, exports and anchors of their own, before anything runs
            ignored = set(ignorable(self.config.ignore))
        except ExtensionError as exc:
            raise PluginError(str(exc)) from None
        except ValueError as exc:
            raise PluginError(f"luodi: ignore: {exc}") from None
        for memo in (self.parse_memo, self.built_memo, self.page_memo):
            if memo is not None:
                memo.next_build()
        result = load_playbooks(self.playbook_root(config), self.parse_memo, self.built_memo)
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
        self.nav_titles = _nav_titles(config.nav)  # hand-written pages' names, for pinyin
        self.pages.configure(self.playbooks, config, self.config.nav)
        self.search.configure(config, self.config.search, self.config.search_shards,
                              self.shard_memo, self.kept)
        self.reader.configure(config)
        self.aliases.configure(self.playbooks)
        self.anchors.load_baseline(config, self.config.anchors_baseline)
        self.rebuild.start(config)
        return config

    @event_priority(-100)  # last: just before mkdocs empties the site
    def on_pre_build(self, config):
        self.kept.pre_build(config)

    def on_files(self, files: Files, config) -> Files:
        self.kept.restore()  # the site mkdocs emptied: before anything is written into it
        published = Published(files)
        self.pages.add_files(published, config)
        downloads = self.downloads.add_files(self.playbooks, published, config, self.work)
        self.search.add_jobs(self.work, self.playbooks, self.nav_titles)
        # Search's extras alone are not worth a second process.
        self.work.start(here=self.serve.jobs_here() or not downloads)
        self.reader.add_files(published, config, self.search.engine)
        return files

    @event_priority(-100)  # last: the nav as the theme will show it
    def on_nav(self, nav, config, files):
        self.rebuild.nav(nav, config)
        return nav

    def on_serve(self, server, config, builder):
        self.serve.started(server, self.playbook_root(config), list(self.playbooks.values()),
                           site_of(config))
        return server

    @event_priority(100)  # first: before mkdocs-macros, Material's meta or tags plugin
    def _on_page_markdown_check(self, markdown, page, config, files):
        self.pages.check(markdown, page)
        return markdown

    @event_priority(-100)  # last: after mkdocs-macros rendered the page
    def _on_page_markdown_macro_errors(self, markdown, page, config, files):
        self.macro_errors.raise_for(page, config)
        self.rebuild.page_markdown(page, config, files)
        return markdown

    on_page_markdown = CombinedEvent(_on_page_markdown_check, _on_page_markdown_macro_errors)

    @event_priority(50)  # before Material's search plugin reads the page
    def on_page_context(self, context, page, config, nav):
        self.search.page_context(page)
        self.rebuild.page_context(page, config)
        return context

    def on_page_content(self, html, page, config, files):
        self.pages.cut_toc(page)
        info = page.meta.get("luodi")
        pb = self.playbooks.get(info.get("playbook")) if isinstance(info, dict) else None
        html = self.aliases.mark(html, pb)
        self.anchors.record(html, page)
        return html

    def on_env(self, env, config, files):
        self.downloads.write(self.work)  # just before mkdocs copies files into the site
        self.anchors.pages(files)
        self.rebuild.env(env)
        self.kept.other_files(files)
        return env

    def _on_post_page(self, output, page, config):
        return self.search.post_page(output, page, self.playbooks, self.pages.texts)

    @event_priority(-1000)  # after every plugin: the page's output as it will be written
    def _on_post_page_kept(self, output, page, config):
        return self.kept.page(output, page)

    on_post_page = CombinedEvent(_on_post_page, _on_post_page_kept)

    def on_shutdown(self):
        self.kept.close()
        self.collector.close()

    def on_build_error(self, error):
        self.work.close()
        self.kept.error()
        self.collector.build_done()

    @event_priority(1000)  # before every plugin: mkdocs has written its files
    def _on_post_build_sweep(self, config):
        self.kept.sweep()

    def _on_post_build(self, config):
        self.search.finish(config, self.work, self.playbooks)
        self.work.close()
        self.aliases.write_redirects(config)
        self.anchors.finish(config, self.aliases.redirected(config.use_directory_urls))
        self.rebuild.report(self.kept)

    @event_priority(-1000)  # after every plugin: the site as it is served
    def _on_post_build_kept(self, config):
        self.kept.finish()
        self.collector.build_done()

    on_post_build = CombinedEvent(_on_post_build_sweep, _on_post_build, _on_post_build_kept)


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
