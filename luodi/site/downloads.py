"""The downloads next to each playbook's pages (exports/: Word forms, checklists, JSON).

They depend on the playbooks alone and cost more than the pages: the second process makes them
while mkdocs converts the pages, and they are handed to mkdocs just before it copies files into
the site (on_env), as the contents of the files announced in on_files. Under `mkdocs serve` they
are kept while a playbook does not change: this object lives as long as the server.
"""

from __future__ import annotations

import json

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from ..exports import EXPORTS, Site, download_paths, site_downloads, site_path
from ..exports.data import data_json, playbook_data
from ..model import Playbook
from .files import Published
from .work import Work


def site_of(config) -> Site:
    """Where this mkdocs build publishes the site, for the downloads that link back to it."""
    return Site(config.site_url or "", config.use_directory_urls)


class Downloads:
    def __init__(self, keep: bool = True):
        self.keep = keep  # `mkdocs serve`: a build that runs once keeps nothing
        # By playbook id: the playbook, the data and the site the downloads were made from, and
        # the files (path → bytes). Some files link back to the site's pages (its URL is in
        # them).
        self.cache: dict[str, tuple[Playbook, tuple[str, Site], dict[str, bytes]]] = {}
        # Playbook, its key, its job, and the files announced for it (path → File).
        self.pending: list[tuple[Playbook, tuple, int, dict[str, File]]] = []

    def add_files(self, playbooks: dict[str, Playbook], published: Published, config,
                  work: Work) -> bool:
        """Announce every download to mkdocs; those not made yet become jobs (returns whether
        there is any)."""
        self.pending = []
        site = site_of(config)
        for pb in playbooks.values():
            cached = self.cache.get(pb.id)
            data = key = None
            # The loader gives the very same object for a playbook whose files did not change.
            # One read again can still hold the same data (a comment was edited): compared as
            # the json module's C encoder writes it without an indent, a third of the time of
            # the download itself, and exact (1, 1.0 and true differ).
            if cached is None or cached[0] is not pb or cached[1][1] != site:
                data = playbook_data(pb)
                key = (json.dumps(data, ensure_ascii=False), site) if self.keep else None
            if cached is not None and (data is None or cached[1] == key):
                self.cache[pb.id] = (pb, cached[1], cached[2])
                for path, content in cached[2].items():
                    published.add(File.generated(config, path, content=content),
                                  f"a download of playbook '{pb.id}'")
                continue
            # The JSON download is made from the same data here.
            made = {site_path(pb, EXPORTS["json"], None, "json"): data_json(data)}
            announced = {}
            for path in download_paths(pb):
                # No content yet: write() gives each file its bytes before mkdocs copies it.
                announced[path] = File.generated(config, path, content=b"")
                published.add(announced[path], f"a download of playbook '{pb.id}'")
            self.pending.append((pb, key, work.add(site_downloads, pb, made, site), announced))
        return bool(self.pending)

    def write(self, work: Work) -> None:
        """Give the files the second process made to mkdocs, which copies them into the site."""
        pending, self.pending = self.pending, []
        for pb, key, job, announced in pending:
            made = work.result(job, f"the downloads of playbook '{pb.id}'")
            missing = sorted(set(announced) - set(made))
            if missing:  # the files were announced to mkdocs already: it would copy nothing
                raise PluginError(f"the downloads of playbook '{pb.id}' lack {', '.join(missing)}")
            for path, file in announced.items():
                file.content_bytes = made[path]
            if self.keep:
                self.cache[pb.id] = (pb, key, made)
