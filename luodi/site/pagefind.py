"""Pagefind behind Material's search box: the build step of `search: pagefind`.

Material's search ships one JSON index that every reader downloads whole, and it grows with the
site. Pagefind (https://pagefind.app) indexes the built HTML into fragments that a reader fetches
per query; its extended build segments Chinese. With `search: pagefind` the luodi plugin

- marks each page's article as the part to index (`data-pagefind-body`: the nav, header, footer
  and redirect pages stay out; headings' permalink signs are skipped),
- honours Material's exclusions: a page with `search: exclude: true` gets no such mark, and a
  block with `data-search-exclude` is marked `data-pagefind-ignore`,
- takes every page out of Material's own index, which would only be cut down afterwards (parsing
  every page for it is a good part of a build),
- runs the extended binary over the finished site into `site/pagefind/`, Chinese forced so that
  every page is cut into words the same way,
- cuts Material's search_index.json down to its config (Material's interface still fetches it,
  but no reader should download the whole index for nothing),
- and points Material's search box at assets/luodi/luodi-pagefind-worker.js, which answers
  Material's worker messages from Pagefind.

Pagefind is optional (`pip install "luodi[pagefind]"`): the binary comes from the PyPI package
pagefind-bin-extended, which `pagefind[extended]` installs.
"""

from __future__ import annotations

import json
import re
import subprocess
from html import escape as html_escape
from pathlib import Path

from mkdocs.exceptions import PluginError

OUTPUT = "pagefind"  # relative to site_dir; the worker looks for it at the site root
INSTALL = 'pip install "luodi[pagefind]"'
# Indexed: the page's article; skipped inside it: the ¶ of each heading's permalink.
EXCLUDE = ".headerlink"
_ARTICLE = re.compile(r'<article class="md-content__inner\b')


def executable() -> Path:
    """Pagefind's extended binary (the standard one cannot cut Chinese into words)."""
    try:
        from pagefind_bin_extended import get_executable
        return get_executable()
    except (ImportError, FileNotFoundError):
        raise PluginError(
            "search: pagefind needs Pagefind's extended build, which is not installed: "
            f"{INSTALL} (or set search: luodi)") from None


_ARTICLE_START = re.compile(r"<article data-pagefind-body [^>]*>")
# Hand-written pages' value of the `playbook` filter: searched from every playbook's pages.
OTHER_PAGES = "-"


def mark_body(html: str, playbook: str = OTHER_PAGES, label: str = "",
              holders: list[tuple[str, str]] | None = None) -> str:
    """Mark the page's article as what Pagefind indexes, with the playbook it belongs to as a
    filter (the worker keeps a reader in their playbook) and its label as meta (each result
    names its playbook). The values sit in attributes of their own, so that no character of a
    label can break Pagefind's `key:value` syntax. Pages without the mark (redirects, the 404
    page) are left out of the index.

    `holders`: for the first of the playbooks that hold the same page (a parent and the forks
    that inherit it unchanged), those playbooks as (id, label). Only such pages, and the
    hand-written ones, carry the filter `original`, which the all-playbooks scope searches in:
    a page forks inherit is one result there. A fork's copy is found in the fork's own scope."""
    marks = ("<article data-pagefind-body "
             f'data-pagefind-filter="playbook[data-luodi-playbook]" '
             f'data-luodi-playbook="{html_escape(playbook)}" ')
    if label:
        marks += (f'data-pagefind-meta="playbook[data-luodi-label]" '
                  f'data-luodi-label="{html_escape(label)}" ')
    html = _ARTICLE.sub(lambda m: m.group(0).replace("<article ", marks, 1), html, count=1)
    if holders is None and playbook != OTHER_PAGES:
        return html  # a fork's copy of its parent's page
    held = json.dumps([[pb, name] for pb, name in holders or []], ensure_ascii=False)
    mark = (f'<span data-pagefind-filter="original:1" data-pagefind-meta="holders'
            f'[data-luodi-holders]" data-luodi-holders="{html_escape(held)}"></span>')
    return _ARTICLE_START.sub(lambda m: m.group(0) + mark, html, count=1)


# The opening tag of an element that Material's search leaves out.
_EXCLUDED_BLOCK = re.compile(r"<[A-Za-z][^<>]*\sdata-search-exclude\b[^<>]*>")


def ignore_excluded_blocks(html: str) -> str:
    """Blocks Material's search leaves out (`data-search-exclude`) are left out by Pagefind too."""
    return _EXCLUDED_BLOCK.sub(
        lambda m: m.group(0).replace(" data-search-exclude", " data-pagefind-ignore "
                                                            "data-search-exclude", 1), html)


def index_site(binary: Path, site_dir: str) -> None:
    """Run Pagefind over the written site; its bundle goes to site_dir/pagefind/."""
    site = Path(site_dir).resolve()
    command = [str(binary), "--site", str(site), "--output-subdir", OUTPUT,
               "--force-language", "zh", "--exclude-selectors", EXCLUDE, "--quiet"]
    try:
        # cwd: Pagefind reads a pagefind.yml/json/toml from its working directory; none there.
        done = subprocess.run(command, cwd=site, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PluginError(f"search: pagefind: could not run {binary.name}: {exc}") from None
    if done.returncode != 0 or not (site / OUTPUT / "pagefind.js").is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise PluginError(f"search: pagefind: {binary.name} failed (exit {done.returncode}): "
                          + " / ".join(tail))


def slim_index(index: Path) -> None:
    """Keep only the config of Material's search_index.json: the interface reads its settings,
    and Pagefind answers the queries."""
    data = json.loads(index.read_text(encoding="utf-8"))
    index.write_text(json.dumps({"config": data.get("config", {}), "docs": []},
                                ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
