"""Under `mkdocs serve`: the previous build's site stays in place, and a file whose bytes did not
change is not written again.

mkdocs empties the site before every build and writes every file again: on a large site that is
thousands of files deleted and created for one edit (about 1 ms each on some disks), most of
them with the same bytes as before. Here, for each build after the first:

- just before mkdocs empties the site (on_pre_build, last), the site is moved aside, and it is
  put back before anything is written into it (on_files): mkdocs found nothing to delete;
- a page whose output is what the previous build wrote, to a file nobody changed since, is not
  written again (on_post_page, last): its output is left empty, which mkdocs skips (its log line
  for that is dropped); nor is any other file mkdocs copies (theme assets, downloads) when its
  bytes are the same (on_env);
- once mkdocs has written its files (on_post_build, first), every file this build neither wrote
  nor kept is deleted, so that what the plugins do after that meets the site a full build has;
- the files Luodi writes after that (the search shards) go through `write`, which leaves a file
  in place when its bytes are the same; those this build did not write are deleted at its end.

The files this build wrote are told from the last build's by their ctime, which programs cannot
set: it is later than a stamp taken when the site was moved aside. A file is left in place only
if it still has the size, times and inode it had when it was written: a file changed since, by
hand or by a plugin after the write, is written again. After a failed build nothing is kept,
and the next build starts from an emptied site as mkdocs' does.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from pathlib import Path

# What mkdocs logs for a page whose output is empty (mkdocs/commands/build.py).
_SKIPPED = "Page skipped: '{}'. Generated empty output."

_Stat = tuple[int, int, int, int]

# A file's ctime is the time its inode last changed on POSIX systems; on Windows it is the time
# the file was made, which a file written again in place keeps: there, nothing is kept.
CHANGE_TIMES = os.name == "posix"


class KeptSite:
    def __init__(self, enabled: bool):
        self.enabled = enabled and CHANGE_TIMES
        self._site: Path | None = None
        # Site-relative path → (digest of its bytes, its stat) as the last build left it.
        self._records: dict[str, tuple[bytes, _Stat]] = {}
        self._managed: set[str] = set()  # what `write` wrote in the last build
        self._quiet = _QuietSkips()
        self._new_build()

    def _new_build(self) -> None:
        self._aside: Path | None = None
        self._stamp: int | None = 0  # a file with a ctime from here on was written by this build
        self.adopted = False  # whether this build runs in the previous build's site
        # What mkdocs writes in this build, pages and other files: path → digest of the bytes.
        self._made: dict[str, bytes] = {}
        self._kept: set[str] = set()  # of those, the ones left in place
        self._made_stats: dict[str, _Stat | None] = {}  # as mkdocs left them
        self._pages = self._pages_kept = 0
        self._written: dict[str, tuple[bytes, _Stat | None]] = {}  # by `write`, this build
        self._quiet.messages.clear()
        self.unchanged = 0  # files `write` left in place, this build

    @property
    def pages_written(self) -> int:
        return self._pages - self._pages_kept

    # -- the build's events, in their order

    def pre_build(self, config) -> None:
        """Last before mkdocs empties the site: move the previous build's site aside."""
        if not self.enabled:
            return
        self._new_build()
        site = Path(config.site_dir)
        if site != self._site or not self._records or not site.is_dir():
            self._forget()
            self._site = site
            return
        aside = site.with_name(site.name + ".luodi-previous")
        try:
            if aside.exists():  # left by a server that was killed
                shutil.rmtree(aside)
            os.rename(site, aside)
            os.mkdir(site)
            self._stamp = _next_tick(site)
        except OSError:
            self._give_up(aside)
            return
        if self._stamp is None:
            self._give_up(aside)
            return
        self._aside = aside

    def restore(self) -> None:
        """When the files are listed, once mkdocs emptied the site: put it back."""
        if self._aside is None:
            return
        aside, self._aside = self._aside, None
        try:
            os.rmdir(self._site)  # fails if something was written there in the meantime
            os.rename(aside, self._site)
        except OSError:
            self._give_up(aside)
            return
        self.adopted = True
        logging.getLogger("mkdocs.commands.build").addFilter(self._quiet)

    def page(self, output: str, page) -> str:
        """Last for a page's output: empty (mkdocs writes nothing) where the file in place has
        these bytes already."""
        if not self.enabled or not output.strip():
            return output
        self._pages += 1
        # Encoded as mkdocs writes it.
        if self._left(page.file.dest_uri, output.encode("utf-8", errors="xmlcharrefreplace")):
            self._pages_kept += 1
            self._quiet.messages.add(_SKIPPED.format(page.file.src_uri))
            return ""
        return output

    def other_files(self, files) -> None:
        """Last before mkdocs copies the files that are not pages (on_env): one whose bytes the
        file in place has already is not copied again."""
        if not self.enabled:
            return
        for file in files:
            if not file.is_documentation_page():
                file.copy_file = self._copier(file)  # this build's File object only

    def _copier(self, file):
        copy = file.copy_file

        def copy_file(dirty: bool = False) -> None:
            try:
                data = file.content_bytes  # read from its source, if it has one
            except OSError:
                copy(dirty)  # mkdocs says what is wrong
                return
            if not self._left(file.dest_uri, data):
                copy(dirty)

        return copy_file

    def _left(self, path: str, data: bytes) -> bool:
        """Whether the file mkdocs is about to write to path is left as it is."""
        digest = _digest(data)
        self._made[path] = digest
        if self.adopted and self._same(path, digest):
            self._kept.add(path)
            return True
        return False

    def sweep(self) -> None:
        """First after mkdocs wrote every file: delete what this build did not write or keep,
        and note how the pages were left."""
        if not self.enabled:
            return
        self._made_stats = {path: _stat(self._site / path) for path in self._made}
        if self.adopted and any(stat is not None and stat[2] < self._stamp
                                for path, stat in self._made_stats.items()
                                if path not in self._kept):
            # The clock was set back during the build: what it wrote cannot be told apart.
            # Nothing is deleted now; the next build's sweep, with a stamp of its own, deletes
            # what this one left.
            self.adopted = False
            self._made_stats = {}
        if self.adopted:
            # What `write` wrote last time waits for this build's `write`, or for finish().
            keep = self._kept | self._managed
            _delete_where(self._site, lambda rel, stat: rel not in keep
                          and stat.st_ctime_ns < self._stamp)

    def write(self, path: Path, data: bytes) -> None:
        """Write data to path in the site, unless the file there has these bytes already."""
        if not self.enabled:
            path.write_bytes(data)
            return
        rel = path.relative_to(self._site).as_posix()
        digest = _digest(data)
        if self.adopted and rel in self._managed and self._same(rel, digest):
            self.unchanged += 1
        else:
            path.write_bytes(data)
        self._written[rel] = (digest, _stat(path))

    def finish(self) -> None:
        """Last after the build: delete what `write` wrote last time but not in this build, and
        remember each file as it was written (a file changed after that is written again)."""
        if not self.enabled:
            return
        if self.adopted:
            for rel in self._managed - set(self._written):
                path = self._site / rel
                stat = _stat(path)
                if stat is not None and stat[2] < self._stamp:  # not written by another
                    path.unlink()
                    _prune(path.parent, self._site)
        written = [(path, (digest, self._made_stats.get(path)))
                   for path, digest in self._made.items()] + list(self._written.items())
        self._records = {path: record for path, record in written if record[1] is not None}
        self._managed = set(self._written)
        self._stop_quieting()

    def error(self) -> None:
        """The build failed: the site may be half written; the next build starts afresh."""
        if not self.enabled:
            return
        if self._aside is not None:
            self._give_up(self._aside)
        self._forget()
        self._stop_quieting()

    def close(self) -> None:
        if self._aside is not None and self._aside.exists():
            shutil.rmtree(self._aside, ignore_errors=True)
        self._stop_quieting()

    # -- helpers

    def _same(self, path: str, digest: bytes) -> bool:
        record = self._records.get(path)
        return (record is not None and record[0] == digest
                and _stat(self._site / path) == record[1])

    def _give_up(self, aside: Path) -> None:
        """Keep nothing of the previous build: the site is emptied as mkdocs does it."""
        self._aside = None
        self._forget()
        if not aside.exists():
            return
        if not self._site.exists():
            try:
                os.rename(aside, self._site)  # mkdocs empties it
                return
            except OSError:
                pass
        shutil.rmtree(aside, ignore_errors=True)

    def _forget(self) -> None:
        self._records, self._managed = {}, set()

    def _stop_quieting(self) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(self._quiet)
        self._quiet.messages.clear()


class _QuietSkips(logging.Filter):
    """Drops mkdocs' line for each page whose output was left empty here."""

    def __init__(self):
        super().__init__()
        self.messages: set[str] = set()

    def filter(self, record) -> bool:
        return not self.messages or record.getMessage() not in self.messages


def _digest(data: bytes) -> bytes:
    # Every page of the site, at every build: SHA-256 where the processor has instructions for
    # it (most made since 2019) takes half the time of BLAKE2b (docs/performance.md).
    return hashlib.sha256(data).digest()


def _stat(path: Path) -> _Stat | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)


def _next_tick(folder: Path) -> int | None:
    """A ctime later than any file's written until now (file times come from a coarse clock:
    the files of the last build may have the time of its last tick), from the clock that gives
    the ctimes of the files this build writes. None on a file system with coarse times."""
    start = os.stat(folder).st_ctime_ns
    for _ in range(100):
        os.utime(folder)  # sets the folder's ctime to now
        now = os.stat(folder).st_ctime_ns
        if now > start:
            return now
        time.sleep(0.001)
    return None


def _delete_where(site: Path, stale) -> None:
    """Delete the files under site for which stale(relative path, stat) is true, and the
    folders that leaves empty. Hidden entries at the top are left, as mkdocs' own clean does."""
    for folder, dirs, names in os.walk(site):
        if folder == str(site):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            names = [n for n in names if not n.startswith(".")]
        prefix = os.path.relpath(folder, site).replace(os.sep, "/") + "/"
        prefix = "" if prefix == "./" else prefix
        deleted = False
        for name in names:
            path = os.path.join(folder, name)
            try:
                if stale(prefix + name, os.lstat(path)):
                    os.unlink(path)
                    deleted = True
            except OSError:
                pass
        if deleted:
            _prune(Path(folder), site)


def _prune(folder: Path, site: Path) -> None:
    """Remove folder and its parents below site while they are empty."""
    while folder != site:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
