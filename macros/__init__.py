"""Luodi (落地): implementation playbooks in YAML → a searchable mkdocs-material knowledge base.

This package is the engine (model, loader, validator, renderers) and also the mkdocs-macros module
(`module_name: macros`): `define_env` below registers the macros for hand-written pages. Nothing
here imports mkdocs; the site glue lives in `macros.plugin`.
"""

from __future__ import annotations

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("luodi")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
