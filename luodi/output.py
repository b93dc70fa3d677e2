"""`luodi render --out DIR`: the whole site as a plain docs folder, for engines that do not run the
`luodi` plugin (Zensical, ProperDocs, or mkdocs with the plugin off).

DIR gets the hand-written pages, every generated page (the same text the plugin hands mkdocs:
front matter and Markdown), each playbook's downloads, a redirect page at each old URL of a
renamed object, and Luodi's browser files. With `--config FILE`, a copy of mkdocs.yml that builds
DIR without the plugin: docs_dir pointing at DIR, the playbooks' sections in the nav, Luodi's
styles and scripts, and the Markdown extensions its pages use. The hand-written pages' macros
still come from the project's macros module, which hands over to Luodi's (site/macros.py).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml

from .browser import ASSET_DIR, CSS, LABELS_JS, SCRIPTS, asset_text, labels_js, packaged
from .exports import Site, site_downloads
from .model import Playbook
from .places import redirects, relative_url, url_of
from .render.pages import MARKDOWN_EXTENSIONS, page_markdown, playbook_nav, playbook_pages
from .render.redirect import redirect_html


class OutputError(Exception):
    """A problem the user can fix; the CLI says it in one line."""


# ------------------------------------------------------------------ mkdocs.yml as data


class Tagged:
    """A YAML value with a tag Luodi need not understand (!ENV, !!python/… in mkdocs.yml),
    kept so that it is written back as it was."""

    def __init__(self, tag: str, value):
        self.tag, self.value = tag, value


class _ConfigLoader(yaml.SafeLoader):
    pass


class _ConfigDumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader, _suffix, node):
    if isinstance(node, yaml.MappingNode):
        return Tagged(node.tag, loader.construct_mapping(node, deep=True))
    if isinstance(node, yaml.SequenceNode):
        return Tagged(node.tag, loader.construct_sequence(node, deep=True))
    return Tagged(node.tag, loader.construct_scalar(node))


def _represent_tagged(dumper, data: Tagged):
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_ConfigLoader.add_multi_constructor("!", _construct_tagged)
_ConfigDumper.add_representer(Tagged, _represent_tagged)


def read_config(path: Path) -> dict:
    """mkdocs.yml as data, its tags kept (nothing in it is run)."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    if not isinstance(data, dict):
        raise OutputError(f"{path.as_posix()} is not a mapping of settings")
    return data


def write_config(config: dict, path: Path) -> None:
    path.write_text(yaml.dump(config, Dumper=_ConfigDumper, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def plugin_name(entry) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def plugin_options(config: dict, name: str) -> dict | None:
    """The options of a plugin in mkdocs.yml ({} without options), or None if it is not there."""
    for entry in config.get("plugins") or []:
        if plugin_name(entry) == name:
            return {} if isinstance(entry, str) else dict(entry[name] or {})
    return None


# ------------------------------------------------------------------ the docs folder


# How each engine treats links in raw HTML (render/common.py, Context.html_links): mkdocs (and
# ProperDocs, its fork) leaves them alone; Zensical rewrites them as it does Markdown links.
ENGINES = {"mkdocs": "url", "zensical": "source"}


def render_docs(config_file: Path, out: Path, playbooks: dict[str, Playbook],
                config_out: Path | None = None, engine: str = "mkdocs") -> list[str]:
    """Write the docs folder (and the config if asked) for an engine of ENGINES; returns what
    was written in DIR. `out` must not exist or be empty (the caller checks --force)."""
    config = read_config(config_file)
    root = config_file.parent
    docs = (root / str(config.get("docs_dir", "docs"))).resolve()
    directory_urls = config.get("use_directory_urls", True) is not False
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}  # path in DIR → what it is, to refuse two files at one URL

    def put(relative: str, data: bytes | str, what: str) -> None:
        key = url_of(relative, directory_urls)
        if key in written:
            raise OutputError(f"{written[key]} and {what} would both be published as {key}")
        written[key] = what
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            target.write_text(data, encoding="utf-8")
        else:
            target.write_bytes(data)

    if docs.is_dir():
        for path in sorted(docs.rglob("*")):
            if path.is_file():
                relative = path.relative_to(docs).as_posix()
                put(relative, path.read_bytes(), f"docs/{relative}")
    for pb in playbooks.values():
        for spec in playbook_pages(pb):
            put(spec.src, page_markdown(spec, pb, directory_urls, ENGINES[engine]),
                f"the page of playbook '{pb.id}' that Luodi generates ({spec.src})")
        site = Site(config.get("site_url") or "", directory_urls)
        for path, data in site_downloads(pb, site=site).items():
            put(path, data, f"a download of playbook '{pb.id}'")
        for old, new, title in redirects(pb):
            old_url, new_url = url_of(old, directory_urls), url_of(new, directory_urls)
            page = old_url + "index.html" if old_url.endswith("/") else old_url
            put(page, redirect_html(relative_url(old_url, new_url), title, pb.language,
                                    config.get("site_url"), new_url),
                f"the redirect from '{old_url}'")
    for name in packaged():
        put(f"{ASSET_DIR}/{name}", asset_text(name), f"Luodi's {name}")
    put(f"{ASSET_DIR}/{LABELS_JS}", labels_js(), f"Luodi's {LABELS_JS}")
    if config_out is not None:
        write_config(engine_config(config, playbooks, out, config_out.parent), config_out)
    return sorted(written.values())


def engine_config(config: dict, playbooks: dict[str, Playbook], out: Path, at: Path) -> dict:
    """mkdocs.yml for a build of DIR without the plugin: what the plugin would have added."""
    options = plugin_options(config, "luodi") or {}
    derived = dict(config)
    derived["docs_dir"] = Path(os.path.relpath(out.resolve(), at.resolve())).as_posix()
    derived["plugins"] = [e for e in config.get("plugins") or [] if plugin_name(e) != "luodi"]
    if options.get("nav", True):
        sections = [playbook_nav(pb) for pb in playbooks.values()]
        nav = list(config.get("nav") or [])
        derived["nav"] = nav[:1] + sections + nav[1:] if nav else sections
    extensions = list(config.get("markdown_extensions") or [])
    names = {plugin_name(e).split(".")[-1] for e in extensions}
    derived["markdown_extensions"] = extensions + [e for e in MARKDOWN_EXTENSIONS
                                                   if e not in names]
    derived["extra_css"] = [*config.get("extra_css", []), *(f"{ASSET_DIR}/{n}" for n in CSS)]
    derived["extra_javascript"] = [*config.get("extra_javascript", []),
                                   *(f"{ASSET_DIR}/{n}" for n in SCRIPTS)]
    return derived


def check_output_folder(out: Path, root: Path, config: dict, force: bool) -> None:
    """DIR may be replaced only with --force, and never be (or hold) the project's own
    folders: the docs, the playbooks, or the project itself."""
    resolved = out.resolve()
    docs = (root / str(config.get("docs_dir", "docs"))).resolve()
    playbooks_dir = (root / str((plugin_options(config, "luodi") or {}).get(
        "playbooks", "playbooks"))).resolve()
    for folder, what in ((docs, "the docs folder"), (playbooks_dir, "the playbooks folder"),
                         (root.resolve(), "the project folder")):
        if resolved == folder or folder.is_relative_to(resolved) or (
                what != "the project folder" and resolved.is_relative_to(folder)):
            raise OutputError(f"refusing to write {out.as_posix()}: it is or holds {what}")
    if resolved.exists() and not resolved.is_dir():
        raise OutputError(f"{out.as_posix()} is a file, not a folder")
    if resolved.is_dir() and any(resolved.iterdir()):
        if not force:
            raise OutputError(f"{out.as_posix()} is not empty (use --force to replace it)")
        shutil.rmtree(resolved)
