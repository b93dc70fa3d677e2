"""Luodi (落地): implementation playbooks in YAML → a searchable mkdocs-material knowledge base.

This package is the engine (model, loader, validator, renderers, exports) and the mkdocs plugin
`luodi`. It is also an mkdocs-macros pluglet (`modules: [luodi]` under the `macros` plugin):
`define_env` below registers the macros for hand-written pages. Nothing here imports mkdocs; the
site glue lives in `luodi.site`.
"""

from __future__ import annotations

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("luodi")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"


def define_env(env) -> None:
    """The mkdocs-macros pluglet `luodi`: the macros for hand-written pages (site/macros.py)."""
    from .site.macros import define_env as luodi_macros

    luodi_macros(env)
