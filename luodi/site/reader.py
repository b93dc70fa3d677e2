"""What readers and trainers get in the browser: the styles of Luodi's pages and the reader script
(ticks, progress, copy links) with its labels (browser.py). Nothing is loaded from elsewhere:
Material's offline plugin gets the iframe-worker shim the site ships instead of a CDN's."""

from __future__ import annotations

import re

from mkdocs.structure.files import File

from ..browser import ASSET_DIR, CSS, IFRAME_WORKER_SHIM, LABELS_JS, SCRIPTS, labels_js, packaged
from .files import Published, asset_file
from .search import offline_enabled


def _is_external(url: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.I))


class Reader:
    def configure(self, config) -> None:
        config.extra_css.extend(f"{ASSET_DIR}/{name}" for name in CSS)
        config.extra_javascript.extend(f"{ASSET_DIR}/{name}" for name in SCRIPTS)
        # Material's offline plugin adds the iframe-worker shim from a public CDN unless a
        # polyfill named iframe-worker is there already: use the copy the site ships.
        polyfills = [p for p in config.extra.get("polyfills") or []
                     if not ("iframe-worker" in str(p) and _is_external(str(p)))]
        if offline_enabled(config) and IFRAME_WORKER_SHIM not in map(str, polyfills):
            polyfills.append(IFRAME_WORKER_SHIM)
        if polyfills or "polyfills" in config.extra:
            config.extra["polyfills"] = polyfills

    def add_files(self, published: Published, config, search_engine: str) -> None:
        for name in packaged(search_engine):
            published.add(asset_file(config, name), f"Luodi's {name}")
        published.add(File.generated(config, f"{ASSET_DIR}/{LABELS_JS}", content=labels_js()),
                      f"Luodi's {LABELS_JS}")
