"""Luodi's part of mkdocs-macros: the macros of hand-written pages (render/embed.py).

mkdocs-macros calls `define_env` (through the pluglet `luodi`, or a site's own macros module that
hands over). With the `luodi` plugin in the build, the playbooks are the plugin's, loaded and
checked once, and a wrong call is reported by the plugin with the page's path and line. Without
it (a site built by another engine from `luodi render` output, whose macros implementation
hands a plain dict as the config), playbooks/ beside the config file is loaded. Nothing here
imports mkdocs: other engines call it too.
"""

from __future__ import annotations

from pathlib import Path


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
    on_error = None
    if plugin is not None:  # loads them now if `macros` comes before `luodi` in plugins
        playbooks = plugin.load(conf)

        def on_error(message: str, line: int) -> None:
            plugin.macro_errors.add(env.page, message, line)
    else:
        config_file = _get(conf, "config_file_path") or "mkdocs.yml"
        result = load_playbooks(Path(config_file).parent / "playbooks")
        if errors(result.diagnostics):
            raise PlaybookError(errors(result.diagnostics))
        playbooks = result.playbooks

    def here() -> str:
        return env.page.file.src_uri

    directory_urls = _get(conf, "use_directory_urls")
    for name, function in macro_functions(playbooks, here, directory_urls is not False,
                                          on_error).items():
        env.macro(function, name)
    env.macro(reference_markdown, "format_reference")
    env.macro(codes_markdown, "diagnostic_codes")


def _get(conf, key: str):
    return conf.get(key) if isinstance(conf, dict) else getattr(conf, key, None)
