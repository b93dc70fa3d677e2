"""The mkdocs plugin `luodi`: the only module (with define_env) that knows about mkdocs.

Per build it loads and validates every playbook once (on_config), adds the playbook sections to
the nav, generates one page per phase, role, module, form and table (on_files), and publishes
the list of anchors of every page (anchors.json) so that a later build can tell when a link
target disappeared.
"""

from __future__ import annotations

import json
import logging
import re
from importlib import resources
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .diagnostics import errors
from .model import Playbook
from .render.pages import PageSpec, page_markdown, playbook_nav, playbook_pages
from .validate import load_playbooks

log = logging.getLogger("mkdocs.plugins.luodi")

ASSETS = ("luodi.css",)
ASSET_DIR = "assets/luodi"
ANCHORS_FILE = "anchors.json"
_ID_ATTR = re.compile(r'\sid="([^"]+)"')


class LuodiConfig(base.Config):
    playbooks = c.Type(str, default="playbooks")
    """Folder of playbooks, relative to mkdocs.yml."""
    nav = c.Type(bool, default=True)
    """Add each playbook's section to the nav (after the first entry, usually the home page)."""


class LuodiPlugin(BasePlugin[LuodiConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.playbooks: dict[str, Playbook] = {}
        self.pages: list[tuple[Playbook, PageSpec]] = []
        self.anchors: dict[str, list[str]] = {}

    def playbook_root(self, config) -> Path:
        return Path(config.config_file_path or ".").parent / self.config.playbooks

    def on_config(self, config):
        result = load_playbooks(self.playbook_root(config))
        for diagnostic in result.diagnostics:
            if diagnostic.severity == "warning":
                log.warning(diagnostic.format())
        if errors(result.diagnostics):
            raise PluginError("invalid playbooks:\n" + "\n".join(
                d.format() for d in errors(result.diagnostics)))
        self.playbooks = result.playbooks
        self.pages = [(pb, spec) for pb in self.playbooks.values() for spec in playbook_pages(pb)]
        if self.config.nav:
            sections = [playbook_nav(pb) for pb in self.playbooks.values()]
            if config.nav is None:
                config.nav = ["index.md", *sections] if _has_index(config) else sections
            else:
                config.nav[1:1] = sections
        for asset in ASSETS:
            if asset.endswith(".css"):
                config.extra_css.append(f"{ASSET_DIR}/{asset}")
        return config

    def on_files(self, files: Files, config) -> Files:
        for pb, spec in self.pages:
            if files.get_file_from_path(spec.src) is not None:
                raise PluginError(
                    f"docs/{spec.src} is written by hand, but Luodi generates that page from "
                    f"playbook '{pb.id}': move or rename the hand-written page")
            files.append(File.generated(
                config, spec.src, content=page_markdown(spec, pb, config.use_directory_urls)))
        for asset in ASSETS:
            text = resources.files("macros").joinpath("assets", asset).read_text(encoding="utf-8")
            files.append(File.generated(config, f"{ASSET_DIR}/{asset}", content=text))
        return files

    def on_serve(self, server, config, builder):
        server.watch(str(self.playbook_root(config)))
        return server

    def on_page_content(self, html, page, config, files):
        self.anchors[page.url] = sorted(set(_ID_ATTR.findall(html)))
        return html

    def on_post_build(self, config):
        out = Path(config.site_dir) / ANCHORS_FILE
        data = {"version": 1, "pages": dict(sorted(self.anchors.items()))}
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _has_index(config) -> bool:
    return (Path(config.docs_dir) / "index.md").exists()
