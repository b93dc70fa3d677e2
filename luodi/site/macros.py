"""Luodi's part of mkdocs-macros: the macros of hand-written pages (render/embed.py).

mkdocs-macros calls `define_env` (through the pluglet `luodi`, or a site's own macros module that
hands over). With the `luodi` plugin in the build, the playbooks are the plugin's, loaded and
checked once, and a wrong call is reported by the plugin with the page's path and line. Without
it (a site built by another engine from `luodi render` output, whose macros implementation
hands a plain dict as the config), playbooks/ beside the config file is loaded. Nothing here
imports mkdocs (Jinja only): other engines call it too.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar
from pathlib import Path

from jinja2 import pass_context


def define_env(env) -> None:
    from ..diagnostics import PlaybookError, errors
    from ..extensions import load_extensions
    from ..read import load_playbooks
    from ..render.embed import macro_functions
    from ..schema import codes_markdown, reference_markdown

    load_extensions()
    conf = env.conf
    plugins = conf.get("plugins") if isinstance(conf, dict) else getattr(conf, "plugins", None)
    plugin = plugins.get("luodi") if hasattr(plugins, "get") else None
    on_error = page_text = None
    if plugin is not None:  # loads them now if `macros` comes before `luodi` in plugins
        playbooks = plugin.load(conf)

        def on_error(message: str, line: int) -> None:
            plugin.macro_errors.add(env.page, message, line)

        def page_text(src: str) -> str | None:  # the pages the plugin wrote (tag_index())
            written = plugin.pages.generated.get(src)
            return written[1] if written else None
    else:
        config_file = _get(conf, "config_file_path")
        root = Path(config_file).parent if config_file else Path(getattr(env, "project_dir", "."))
        result = load_playbooks(root / "playbooks")
        if errors(result.diagnostics):
            raise PlaybookError(errors(result.diagnostics))
        playbooks = result.playbooks

    directory_urls = _get(conf, "use_directory_urls")
    for name, function in macro_functions(playbooks, _current_page.get,
                                          directory_urls is not False, on_error,
                                          html_links_of(env), page_text).items():
        env.macro(_in_page(function), name)
    env.macro(reference_markdown, "format_reference")
    env.macro(codes_markdown, "diagnostic_codes")


# The source path of the page whose template calls a macro now. Taken from the template's own
# `page` variable at each call: an engine may render pages side by side with one environment,
# so the environment's page of the moment may be another page's.
_current_page: ContextVar[str] = ContextVar("luodi_current_page", default="index.md")


def _in_page(function):
    @pass_context
    @functools.wraps(function)
    def call(context, *args, **kwargs):
        token = _current_page.set(_source_path(context.get("page")))
        try:
            return function(*args, **kwargs)
        finally:
            _current_page.reset(token)
    return call


def _source_path(page) -> str:
    """A page's source path, relative to the docs folder (mkdocs: page.file; others: page.path)."""
    file = getattr(page, "file", None)
    if file is not None:
        return file.src_uri
    return str(getattr(page, "path", "index.md")).replace("\\", "/")


def html_links_of(env) -> str:
    """How links in raw HTML must be written for the engine that renders the page: Zensical
    rewrites every link as relative to the page's file; mkdocs leaves links in HTML alone."""
    return "source" if type(env).__module__.startswith("zensical") else "url"


def _get(conf, key: str):
    return conf.get(key) if isinstance(conf, dict) else getattr(conf, key, None)
