"""Under `mkdocs serve`: files Luodi writes into the site, kept from one build for the next.

mkdocs empties the site before every build, so each rebuild writes every file again. The search
shards of a large site are many small files (2,084 at 10x the default playbook), and most of
them are the same after an edit. A file written here goes into a folder of Luodi's own and is
hard-linked into the site; the next build links it again when its text did not change, which
costs about a fifth of writing it. Where links cannot be made (another file system, one without
hard links), files are written as in a build.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class KeptFiles:
    def __init__(self):
        self._folder: tempfile.TemporaryDirectory | None = None
        self._linking = True
        # Relative name → (digest of its text, (size, mtime, inode) of the kept file). The
        # stat is checked before a link: a file changed in place in a served site is not kept.
        self._kept: dict[str, tuple[bytes, tuple[int, int, int]]] = {}
        self._written: set[str] = set()
        self.linked = 0  # files of this build linked rather than written

    def start(self) -> None:
        """A new build: what it does not write again is forgotten at its end (finish)."""
        self._written = set()
        self.linked = 0

    def write(self, root: Path, name: str, text: str) -> None:
        """Write `text` to root/name (UTF-8), linking the kept copy where it is the same."""
        data = text.encode("utf-8")
        digest = hashlib.blake2b(data, digest_size=16).digest()
        target = root / name
        self._written.add(name)
        if self._linking:
            kept = self._kept.get(name)
            source = self._path(name)
            if kept is not None and kept[0] == digest and _stat(source) == kept[1]:
                if self._link(source, target):
                    self.linked += 1
                    return
            elif self._store(source, name, digest, data) and self._link(source, target):
                return
        target.write_bytes(data)

    def finish(self) -> None:
        """After a build: the kept files it did not write are removed."""
        for name in set(self._kept) - self._written:
            del self._kept[name]
            try:
                os.unlink(self._path(name))
            except OSError:
                pass

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
        self._kept.clear()

    def _path(self, name: str) -> Path:
        if self._folder is None:
            # Removes itself when the server stops, also if a build never finishes.
            self._folder = tempfile.TemporaryDirectory(prefix="luodi-kept-")
        return Path(self._folder.name) / name

    def _store(self, source: Path, name: str, digest: bytes, data: bytes) -> bool:
        try:
            source.parent.mkdir(parents=True, exist_ok=True)
            source.unlink(missing_ok=True)  # never write through a link into a served site
            source.write_bytes(data)
            self._kept[name] = (digest, _stat(source))
        except OSError:
            self._kept.pop(name, None)
            self._linking = False
            return False
        return True

    def _link(self, source: Path, target: Path) -> bool:
        try:
            try:
                os.link(source, target)
            except FileExistsError:
                target.unlink()
                os.link(source, target)
        except OSError:  # EXDEV, EPERM, a file system without hard links
            self._linking = False
            return False
        return True


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ino)
