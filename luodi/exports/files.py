"""Writing an export to disk safely: never inside the playbooks being read, never over an
existing file unless asked, and through a temporary file and an atomic rename, so that an
interrupted write (a full disk) leaves the old file whole."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from .common import ExportError


def check_output(output: str | Path, playbooks: str | Path, force: bool) -> Path:
    """The path to write, or an ExportError: never inside the playbooks being read, never over
    an existing file without force, never into a folder that does not exist."""
    target = Path(output)
    resolved = target.resolve()
    root = Path(playbooks).resolve()
    if resolved == root or resolved.is_relative_to(root):
        raise ExportError(f"refusing to write {output} inside the playbooks folder being read "
                          f"({playbooks}); write it somewhere else")
    if target.is_dir():
        raise ExportError(f"{output} is a folder; give a file name")
    if not resolved.parent.is_dir():
        raise ExportError(f"cannot write {output}: no such folder {target.parent}")
    if target.exists() and not force:
        raise ExportError(f"{output} already exists (use --force to overwrite it)")
    return target


def write_output(target: str | Path, data: bytes, *, force: bool = False) -> None:
    """Write data to target through a temporary file in the same folder and a rename, so that an
    interrupted write leaves the old file whole and no temporary file behind. Without force an
    existing target is an ExportError, even one that appeared while writing."""
    target = Path(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode)
        if force:
            os.replace(tmp, target)
        else:
            _create_new(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _create_new(tmp: str, target: Path) -> None:
    """Rename tmp to target only if target does not exist (a hard link fails if it does)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise ExportError(f"{target} already exists (use --force to overwrite it)") from None
    except OSError:  # no hard links on this file system: check, then rename
        if os.path.lexists(target):
            raise ExportError(f"{target} already exists (use --force to overwrite it)") from None
        os.replace(tmp, target)
        return
    os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
