"""Reading playbook folders: playbook.yaml and one file per phase, role and form, each file once.

What is not a readable file or folder is named with what is wrong with it (a link that leads
nowhere, a FIFO, no permission) instead of being skipped or waited for.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..diagnostics import Diagnostic
from ..memo import Memo
from ..model import MAIN_FILE, PART_FOLDERS, STATUS_FILE, Source
from .overlay import RawPlaybook
from .strict import Loaded, Map, load_file, path_problem

YAML_SUFFIXES = (".yaml", ".yml")


def display_path(path: Path) -> str:
    """Paths in messages are relative to the working directory when they are below it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _entries(folder: Path, diagnostics: list[Diagnostic]) -> list[os.DirEntry] | None:
    """The entries of a folder but hidden ones (editors' lock and swap files), sorted by name;
    None, after a diagnostic that says what is wrong, when it cannot be listed."""
    try:
        with os.scandir(folder) as listing:
            return sorted((e for e in listing if not e.name.startswith(".")),
                          key=lambda e: e.name)
    except NotADirectoryError:
        message, hint = "this is a file, not a folder", (
            f"'{folder.name}' holds one file per object; move this file into a folder")
    except OSError as exc:
        message, hint = path_problem(folder, exc)
    diagnostics.append(Diagnostic(Source(display_path(folder), 1, 1), "unreadable", message,
                                  hint))
    return None


def playbook_folders(root: Path, diagnostics: list[Diagnostic]) -> list[Path] | None:
    """The playbook folders in a playbooks/ folder; a link among them that leads nowhere is
    reported (it was meant to be one), other files are not playbooks and are left alone."""
    entries = _entries(root, diagnostics)
    if entries is None:
        return None
    folders = []
    for entry in entries:
        if entry.name.startswith("_"):
            continue
        path = Path(entry.path)
        if entry.is_dir():
            folders.append(path)
        elif entry.is_symlink():
            try:
                os.stat(path)
            except OSError as exc:
                diagnostics.append(Diagnostic(Source(display_path(path), 1, 1), "unreadable",
                                              *path_problem(path, exc)))
    return folders


def read_main(folder: Path, memo: Memo | None = None) -> Loaded:
    return load_file(folder / MAIN_FILE, display_path(folder / MAIN_FILE), memo)


def read_folder(folder: Path, diagnostics: list[Diagnostic], loaded: Loaded | None = None,
                memo: Memo | None = None) -> RawPlaybook | None:
    """One playbook folder as YAML; `loaded`: its playbook.yaml if that was read already;
    `memo`: what the files parsed to at the previous load (strict.load_file)."""
    main_file = folder / MAIN_FILE
    if not os.path.lexists(main_file):
        diagnostics.append(Diagnostic(
            Source(display_path(folder), 1, 1), "missing-file", f"folder has no {MAIN_FILE}",
            f"every playbook folder starts with {MAIN_FILE} (id, title, summary, schema_version)"))
        return None
    loaded = loaded or read_main(folder, memo)
    diagnostics.extend(loaded.diagnostics)
    raw = RawPlaybook(folder.name, folder, loaded.data if loaded.data is not None else Map(
        Source(display_path(main_file), 1, 1)))
    if loaded.data is None:
        raw.complete = False
    elif loaded.data.get("id") != folder.name and isinstance(loaded.data.get("id"), str):
        diagnostics.append(Diagnostic(
            loaded.data.where("id"), "id-mismatch",
            f"playbook id '{loaded.data['id']}' does not match its folder name '{folder.name}'",
            "the folder name and the id must be the same"))
    for sub in PART_FOLDERS:
        objects = raw.parts.setdefault(sub, {})
        if not os.path.lexists(folder / sub):
            continue  # a playbook need not have roles or forms
        entries = _entries(folder / sub, diagnostics)
        if entries is None:
            raw.complete = False
            continue
        # Every entry named *.yaml is read: a link that leads nowhere, a folder or a FIFO under
        # that name is reported by the loader instead of being skipped without a word.
        files = [Path(e.path) for e in entries if Path(e.name).suffix.lower() in YAML_SUFFIXES]
        for file in files:
            part = load_file(file, display_path(file), memo)
            diagnostics.extend(part.diagnostics)
            if part.data is None:
                raw.complete = False
                raw.failed.add((sub, file.stem))
                continue
            obj_id = part.data.get("id")
            if isinstance(obj_id, str) and obj_id != file.stem:
                raw.complete = False  # references to either name would only cascade
                diagnostics.append(Diagnostic(
                    part.data.where("id"), "id-mismatch",
                    f"id '{obj_id}' does not match the file name '{file.name}'",
                    f"rename the file to {obj_id}{file.suffix} or change the id"))
            if file.stem in objects:
                diagnostics.append(Diagnostic(
                    part.data.source, "duplicate-id",
                    f"'{file.stem}' is defined twice in {sub}/ (.yaml and .yml)"))
                continue
            objects[file.stem] = part.data
    if os.path.lexists(folder / STATUS_FILE):
        status = load_file(folder / STATUS_FILE, display_path(folder / STATUS_FILE), memo)
        diagnostics.extend(status.diagnostics)
        raw.status = status.data
    # The part files were still read, so that all their problems are reported in one run. A
    # playbook whose playbook.yaml is unusable is not built, but it exists: its forks are not
    # told that it does not.
    raw.usable = loaded.data is not None
    return raw
