"""The options of the `luodi` plugin in mkdocs.yml."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class LuodiConfig(base.Config):
    playbooks = c.Type(str, default="playbooks")
    """Folder of playbooks, relative to mkdocs.yml."""
    nav = c.Type(bool, default=True)
    """Add each playbook's section to the nav (after the first entry, usually the home page)."""
    anchors_baseline = c.Optional(c.Type(str))
    """anchors.json of an earlier build (relative to mkdocs.yml) to compare anchors with; by
    default, the one the previous build left in site_dir."""
    ignore = c.ListOfItems(c.Type(str), default=[])
    """Warning codes not to report (as `luodi validate --ignore`); an error cannot be ignored."""
    search = c.Choice(("luodi", "material", "pagefind"), default="luodi")
    """Search engine behind Material's search box: Luodi's worker (Chinese queries: word
    cutting, AND, synonyms, pinyin, item anchors; its index in shards on large sites, see
    search_shards), Material's stock lunr worker, or Pagefind (its own ranking; needs
    `luodi[pagefind]` and HTTP: an offline build falls back to Luodi's worker).
    docs/guide/search.md compares them."""
    search_shards = c.Choice(("auto", "always", "never"), default="auto")
    """Luodi's worker: split the search index into files that a query fetches as it needs them
    (`always`), keep it in one file (`never`), or split it when it is larger than 300 KB
    gzipped (`auto`). An offline build keeps one file: it cannot fetch."""
