"""Search behind Material's search box: Luodi's worker (the default), Material's own, or
Pagefind (pagefind.py).

With Luodi's worker, each page points Material's search box at assets/luodi/
luodi-search-worker.js, and search_index.json gets what the worker needs (luodi/search.py: the
glossary's synonyms, vocabulary for cutting queries, pinyin), made in the second process. With
Pagefind, the built site is indexed by Pagefind and the box asks it.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path

from ..browser import ASSET_DIR, PAGEFIND_WORKER, SEARCH_WORKER
from ..model import Playbook
from ..search import enrich_index, label_titles, page_holders, search_extras
from ..search_shards import SHARD_DIR, ShardMemo, shard
from . import pagefind
from .kept import KeptSite
from .work import Work

log = logging.getLogger("mkdocs.plugins.luodi")
# Material names its search worker in each page's configuration (a hashed file name).
_MATERIAL_WORKER_START = "assets/javascripts/workers/search."
_MATERIAL_WORKER = re.compile(re.escape(_MATERIAL_WORKER_START) + r"[0-9a-f]+\.min\.js")
# `search_shards: auto` splits an index whose gzipped JSON (what a reader downloads before the
# first result, nginx's level 5) is larger than a first query's budget: below it, one file is
# as quick as the shards. An index sixteen times larger as written is split without measuring.
SHARD_ABOVE_GZIPPED = 300_000
SHARD_ABOVE_RAW = 16 * SHARD_ABOVE_GZIPPED


def too_big_for_one_file(text: str) -> bool:
    raw = text.encode("utf-8")
    return len(raw) > SHARD_ABOVE_RAW or len(zlib.compress(raw, 5)) > SHARD_ABOVE_GZIPPED


def offline_enabled(config) -> bool:
    """Whether Material's offline plugin is on in this build."""
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] == "offline" and getattr(plugin.config, "enabled", False):
            return True
    return False


class Search:
    def __init__(self):
        self.engine = "luodi"  # the engine of this build (configure)
        self.pagefind_binary: Path | None = None
        self.pagefind_skip: set[str] = set()  # pages the author excluded from search
        self.job: int | None = None  # the search extras' job (Luodi's worker)
        self.holders: dict | None = None  # Pagefind: which playbooks hold each page
        self.shards = "auto"  # Luodi's worker: search_shards
        self.memo: ShardMemo | None = None  # under `mkdocs serve`: what the last split found
        self.kept = KeptSite(enabled=False)  # writes the shard files (luodi/site/kept.py)

    def configure(self, config, engine: str, shards: str = "auto",
                  memo: ShardMemo | None = None, kept: KeptSite | None = None) -> None:
        """The engine of this build. Pagefind fetches its index over HTTP, which a site opened
        from the file system (the offline build) does not have: there Luodi's worker, which
        reads the index from a script, answers instead."""
        self.engine = engine
        self.shards = "never" if offline_enabled(config) else shards
        self.memo = memo
        self.kept = kept or KeptSite(enabled=False)
        self.pagefind_binary = None
        self.pagefind_skip = set()
        self.job = None
        self.holders = None  # Pagefind: page_holders() of this build
        if self.engine != "pagefind":
            return
        if offline_enabled(config):
            log.warning("search: pagefind needs HTTP and this is an offline build (file://): "
                        "its search box uses Luodi's worker instead")
            self.engine = "luodi"
            return
        self.pagefind_binary = pagefind.executable()  # fails the build now if it is missing

    def add_jobs(self, work: Work, playbooks: dict[str, Playbook], nav_titles: list[str]) -> None:
        if self.engine == "luodi":
            self.job = work.add(search_extras, list(playbooks.values()), nav_titles)

    def page_context(self, page) -> None:
        """Pagefind honours what Material's search would leave out; Material's own index, which
        this engine cuts down to its config after the build, is not built at all."""
        if self.engine != "pagefind":
            return
        search = page.meta.get("search")
        if search is not None and not isinstance(search, dict):
            return  # not Material's setting: leave it to Material to complain
        search = search or {}
        if search.get("exclude"):
            self.pagefind_skip.add(page.file.src_uri)
        page.meta["search"] = {**search, "exclude": True}
        page.content = pagefind.ignore_excluded_blocks(page.content)

    def post_page(self, output: str, page, playbooks: dict[str, Playbook],
                  written: Callable[[], dict[str, str]]) -> str:
        """Point Material's search box at Luodi's worker (Material lets a site bring its own),
        or at the Pagefind worker, marking the article as the part Pagefind indexes.

        The fragment names the page's playbook, so that Luodi's worker ranks that playbook's
        pages first where several playbooks (a standard one and its forks) hold the same text.
        """
        playbook = page.file.src_uri.split("/", 1)[0]
        playbook = playbook if playbook in playbooks else ""
        context = f"#{playbook}" if playbook else ""
        if self.engine == "pagefind":
            if page.file.src_uri not in self.pagefind_skip:
                if self.holders is None:  # every generated page is written by now
                    self.holders = page_holders(playbooks, written())
                output = pagefind.mark_body(
                    output, playbook or pagefind.OTHER_PAGES,
                    playbooks[playbook].label if playbook else "",
                    self.holders.get(page.file.src_uri, []) if playbook else None)
            return _point_worker(output, f"{ASSET_DIR}/{PAGEFIND_WORKER}{context}")
        if self.engine != "luodi":
            return output
        return _point_worker(output, f"{ASSET_DIR}/{SEARCH_WORKER}{context}")

    def finish(self, config, work: Work, playbooks: dict[str, Playbook]) -> None:
        """Add what Luodi's worker needs to search_index.json, or run Pagefind over the site and
        leave search_index.json with only its config. Runs after the search plugin wrote the
        index and every page, and before the offline plugin inlines it (priority -100)."""
        index = Path(config.site_dir) / "search" / "search_index.json"
        if self.engine == "pagefind":
            pagefind.index_site(self.pagefind_binary, config.site_dir)
            if index.exists():
                pagefind.slim_index(index)
            return
        if self.engine == "material" and index.exists():
            data = label_titles(json.loads(index.read_text(encoding="utf-8")), playbooks)
        elif self.engine == "luodi" and index.exists():
            extras = work.result(self.job, "the search index's extras")
            data = enrich_index(json.loads(index.read_text(encoding="utf-8")), extras)
            text = _dumps(data)
            if self.shards == "always" or (self.shards == "auto" and too_big_for_one_file(text)):
                data, files = shard(data, self.memo)
                _write_shards(index.parent, files, self.kept)
                log.info("search: index split into %d files (search/%s/)%s", len(files), SHARD_DIR,
                         f", {self.kept.unchanged} as in the last build"
                         if self.kept.adopted else "")
        else:
            return
        index.write_text(_dumps(data), encoding="utf-8")


def _point_worker(output: str, worker: str) -> str:
    """The page with Material's search worker replaced by `worker`. Looked for with str.find
    and then matched: a regular expression's scan of a whole page took four times as long
    (pages of Chinese text), and every page of the site goes through here at every build."""
    at = output.find(_MATERIAL_WORKER_START)
    while at != -1:
        found = _MATERIAL_WORKER.match(output, at)
        if found:
            return output[:at] + worker + output[found.end():]
        at = output.find(_MATERIAL_WORKER_START, at + 1)
    return output


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _write_shards(search_dir: Path, files: dict[str, str], kept: KeptSite) -> None:
    """The shard files, in a folder of their own that holds nothing else: an earlier build's
    files would not match the numbers (under `mkdocs serve`, `kept` deletes those this build
    does not write)."""
    folder = search_dir / SHARD_DIR
    if folder.exists() and not kept.adopted:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        kept.write(search_dir / name, text.encode("utf-8"))
