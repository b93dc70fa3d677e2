"""The files of one build: Luodi's packaged assets, and a check that no two files are published
at the same URL."""

from __future__ import annotations

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from ..browser import ASSET_DIR, asset_text


def asset_file(config, name: str) -> File:
    """A file of luodi/assets/ (name relative to it), published under assets/luodi/."""
    return File.generated(config, f"{ASSET_DIR}/{name}", content=asset_text(name))


class Published:
    """Where each file of this build is published. A hand-written page at the URL of a
    generated one (docs/standard.md and standard/index.md are both standard/) would be replaced
    without a word: adding a second file at a URL is an error that names both."""

    def __init__(self, files: Files):
        self.files = files
        self.by_url = {f.dest_uri: f"docs/{f.src_uri}" for f in files}

    def add(self, file: File, what: str) -> None:
        other = self.by_url.get(file.dest_uri)
        if other is not None:
            raise PluginError(f"{other} and {what} would both be published as {file.dest_uri}: "
                              "rename or move the hand-written file, or rename the playbook")
        self.by_url[file.dest_uri] = what
        self.files.append(file)
