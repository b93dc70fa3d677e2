"""Extensions: installed modules that add views, exports and labels of their own.

A distribution declares its module in the entry point group `luodi.extensions`; Luodi imports
each such module once, before it builds its command line or a site, and the module registers
what it adds (render.views.register, exports.register, i18n.add_labels,
places.declare_sections). docs/guide/extending.md shows a whole one.
"""

from __future__ import annotations

from importlib.metadata import entry_points

GROUP = "luodi.extensions"
_loaded: list[str] = []


class ExtensionError(Exception):
    """An extension that could not be loaded: its name and what went wrong, in one line."""


def load_extensions() -> list[str]:
    """Import every extension module once; returns the names of the entry points loaded."""
    if not _loaded:
        for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name):
            try:
                entry.load()
            except Exception as exc:  # someone else's code: say whose, without a traceback
                raise ExtensionError(f"extension '{entry.name}' ({entry.value}) could not be "
                                     f"loaded: {type(exc).__name__}: {exc}") from None
            _loaded.append(entry.name)
    return list(_loaded)
