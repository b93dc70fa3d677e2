"""Luodi (落地): implementation playbooks in YAML → a searchable mkdocs-material knowledge base.

This package is the engine (model, loader, validator, renderers, exports) and the mkdocs plugin
`luodi`. It is also an mkdocs-macros pluglet (`modules: [luodi]` under the `macros` plugin):
`define_env` below registers the macros for hand-written pages. Nothing here imports mkdocs; the
site glue lives in `luodi.plugin`.
"""

from __future__ import annotations

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("luodi")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"


def define_env(env) -> None:
    """mkdocs-macros entry point: register the macros for hand-written pages.

    The playbooks come from the `luodi` plugin, which loads and validates them once per build
    (from its `playbooks` folder); without the plugin, playbooks/ beside mkdocs.yml is loaded.
    """
    from .extensions import load_extensions
    from .render.embed import macro_functions
    from .schema import codes_markdown, reference_markdown

    load_extensions()
    plugin = env.conf.plugins.get("luodi")
    on_error = None
    if plugin is not None:  # loads them now if `macros` comes before `luodi` in plugins
        playbooks = plugin.load(env.conf)

        def on_error(message: str, line: int) -> None:
            plugin.macro_error(env.page, message, line)
    else:
        from pathlib import Path

        from .diagnostics import PlaybookError, errors
        from .read import load_playbooks

        result = load_playbooks(Path(env.conf.config_file_path).parent / "playbooks")
        if errors(result.diagnostics):
            raise PlaybookError(errors(result.diagnostics))
        playbooks = result.playbooks

    def here() -> str:
        return env.page.file.src_uri

    for name, function in macro_functions(playbooks, here, env.conf.use_directory_urls,
                                          on_error).items():
        env.macro(function, name)
    env.macro(reference_markdown, "format_reference")
    env.macro(codes_markdown, "diagnostic_codes")
