"""Reading playbooks: `load_playbooks(path)` is the one entry point of the CLI, the site plugin
and the tests. It reports every problem it finds in one run, sorted by file and line, and returns
the playbooks that are usable.

Four steps, one module each: read every folder as strict YAML (folders.py, strict.py); merge
each fork over its resolved parent (overlay.py); check each file against the model and build it
(build.py); check each playbook across its objects (check.py).
"""

from __future__ import annotations

import dataclasses
import gc
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, errors
from ..fork import changes
from ..memo import Memo
from ..model import MAIN_FILE, Playbook, Source
from .build import build_playbook, build_status
from .check import check_playbook
from .folders import display_path, playbook_folders, read_folder, read_main
from .overlay import Drift, RawPlaybook, resolve_forks
from .status import check_status
from .strict import Loaded

__all__ = ["Result", "display_path", "load_playbooks"]


@dataclass
class Result:
    playbooks: dict[str, Playbook] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    drifts: list[Drift] = field(default_factory=list)  # what `luodi diff --drift` shows

    @property
    def ok(self) -> bool:
        return not errors(self.diagnostics)


def load_playbooks(path: Path | str, memo: Memo | None = None,
                   built: Memo | None = None) -> Result:
    """Load a folder of playbooks (playbooks/) or one playbook folder, and validate everything.

    Three steps: read every folder as YAML; merge each fork over its resolved parent; check the
    schema and then the references of each resolved playbook. `memo` keeps what each file
    parsed to for the next load of the same folder (`mkdocs serve`; see strict.load_file).
    `built`, with `memo`, keeps what each playbook was built and checked to: a playbook none of
    whose files (nor its parents') changed is then the same object as at the last load, with
    the same diagnostics, and costs nothing (one fork edited among tens).
    """
    # Loading makes hundreds of thousands of small objects and no reference cycles worth
    # collecting: the cycle collector's passes over them were ~40% of the time (bench/).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_playbooks(Path(path), memo, built if memo is not None else None)
    finally:
        if enabled:
            # What loading made goes straight to the oldest generation: left in the youngest,
            # it would all be traversed by the first collection after this (0.4 s at 10,000
            # items), and again when promoted.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _load_playbooks(path: Path, memo: Memo | None, built_memo: Memo | None) -> Result:
    result = Result()
    diagnostics = result.diagnostics
    if not os.path.lexists(path):
        diagnostics.append(Diagnostic(
            Source(display_path(path), 1, 1), "not-found", "no such folder",
            "give the playbooks/ folder or one playbook's folder"))
        return result
    single = os.path.lexists(path / MAIN_FILE)
    folders = [path] if single else playbook_folders(path, diagnostics)
    if folders is None:
        return result
    first: dict[Path, Loaded] = {}  # a main file read already (each file is read once)
    if single:
        first[path] = read_main(path, memo)
        if first[path].data and first[path].data.get("extends"):
            # A fork needs its parent: look beside it.
            folders = [p for p in playbook_folders(path.parent, []) or [path]
                       if (p / MAIN_FILE).exists() or p == path]
    if not folders:
        diagnostics.append(Diagnostic(
            Source(display_path(path), 1, 1), "no-playbooks", "no playbook folder found here",
            "a playbook is a folder holding playbook.yaml"))
    raws = {raw.name: raw for raw in (read_folder(f, diagnostics, first.get(f), memo)
                                      for f in folders) if raw}
    resolved = resolve_forks(raws, diagnostics, result.drifts)
    built: dict[str, _Built] = {}
    fresh: list[_Built] = []  # built by this load, not found in the memo
    for name, raw in resolved.items():
        if not raw.usable:
            continue
        key, pinned = _inputs_key(raws, name) if built_memo is not None else (None, ())
        entry = built_memo.get(key) if key is not None else None
        if entry is None:
            entry = _build(raw, key, pinned)
            fresh.append(entry)
        built[name] = entry
        diagnostics.extend(entry.diagnostics)
        if entry.playbook is not None:
            result.playbooks[entry.playbook.id] = entry.playbook
    for entry in fresh:  # what each fork adds or changes, for its pages
        pb = entry.playbook
        parent = result.playbooks.get(pb.extends) if pb is not None else None
        if parent is not None:
            entry.playbook = result.playbooks[pb.id] = dataclasses.replace(
                pb, changes=changes(parent, pb))
    for entry in fresh:
        if entry.complete:
            entry.checked = (check_playbook(entry.playbook, result.playbooks)
                             + check_status(entry.playbook, result.playbooks))
        if entry.key is not None:
            built_memo.put(entry.key, entry)
    checked = {name: b.checked for name, b in built.items() if b.complete}
    for playbook_id, found in checked.items():
        diagnostics.extend(_own_problems(found, resolved[playbook_id], raws, checked))
    # A fork repeats its parent's content: report each problem once.
    result.diagnostics = sorted(dict.fromkeys(diagnostics), key=Diagnostic.sort_key)
    if single:  # one folder asked for (its parents were loaded beside it): report on it alone
        wanted = path.resolve().name
        result.playbooks = {k: v for k, v in result.playbooks.items() if k == wanted}
        chain, name = [], wanted
        while name in raws and name not in chain:
            chain.append(name)
            name = raws[name].extends
        folders = tuple(display_path(raws[n].folder) + "/" for n in chain) or (
            display_path(path) + "/",)
        result.diagnostics = [d for d in result.diagnostics
                              if d.source.path.startswith(folders)]
    return result


@dataclass
class _Built:
    """One playbook as built and checked, by what it was built from (_inputs_key)."""

    key: tuple | None
    playbook: Playbook | None  # None: its files are too broken to build it
    diagnostics: list[Diagnostic]  # of building it (schema, status file)
    complete: bool  # built without an error: its references are checked
    checked: list[Diagnostic] | None = None  # those checks' findings, once made
    pinned: tuple = ()  # the parsed files _inputs_key names by id, kept alive with it


def _build(raw: RawPlaybook, key: tuple | None, pinned: tuple) -> _Built:
    found: list[Diagnostic] = []
    playbook = build_playbook(raw, found)
    if playbook is None:
        return _Built(key, None, found, False, [], pinned)
    # A file that failed its schema is missing from the playbook; checking references
    # then would only repeat that failure as a cascade of "unknown id" errors.
    complete = raw.complete and not errors(found) and playbook.id == raw.name
    status = build_status(raw, found)
    if status is not None:
        playbook = dataclasses.replace(playbook, status=status)
    return _Built(key, playbook, found, complete, None if complete else [], pinned)


def _inputs_key(raws: dict[str, RawPlaybook], name: str) -> tuple[tuple | None, tuple]:
    """What a playbook is built from: the parsed files of its folder and of its parents'. The
    parse memo gives the same object for a file whose bytes did not change, so the objects'
    identities are the key; the entry keeps the objects alive, so that no other object can
    take one of their ids while it is held. (key, objects); no key if the chain of parents is
    broken."""
    ids: list = []
    pinned: list = []
    seen: set[str] = set()
    while name:
        raw = raws.get(name)
        if raw is None or name in seen:
            return None, ()
        seen.add(name)
        files = [raw.main, raw.status,
                 *(data for objects in raw.parts.values() for data in objects.values())]
        pinned += files
        ids.append((name, str(raw.folder), raw.complete, raw.usable, tuple(sorted(raw.failed)),
                    tuple((sub, tuple((stem, id(data)) for stem, data in objects.items()))
                          for sub, objects in raw.parts.items()),
                    id(raw.main), id(raw.status)))
        name = raw.extends
    return tuple(ids), tuple(pinned)


def _own_problems(found: list[Diagnostic], raw: RawPlaybook, raws: dict[str, RawPlaybook],
                  checked: dict[str, list[Diagnostic]]) -> list[Diagnostic]:
    """A fork's problems, without its parents' own: a fork holds its parent's content, so a
    parent's problem is found again in each fork. It is reported once, at its place, by the
    parent. What is found in a parent's file only in the fork, the fork caused (it removed what
    the parent's text refers to, say): that is said, with the fork's name."""
    if not raw.extends:
        return found
    inherited: set[tuple] = set()
    name, seen = raw.extends, {raw.name}
    while name in raws and name not in seen:
        seen.add(name)
        inherited.update((d.source, d.code, d.message) for d in checked.get(name, ()))
        name = raws[name].extends
    own = display_path(raw.folder) + "/"
    out = []
    for diagnostic in found:
        if diagnostic.source.path.startswith(own):
            out.append(diagnostic)
        elif (diagnostic.source, diagnostic.code, diagnostic.message) not in inherited:
            hint = (f"the fork removed what this refers to; override or remove the reference in "
                    f"{own} as well" if diagnostic.code == "unknown-ref" else
                    f"{diagnostic.hint + '; ' if diagnostic.hint else ''}this comes from what "
                    f"the fork changes in {own}")
            out.append(dataclasses.replace(
                diagnostic, message=f"in fork '{raw.name}': {diagnostic.message}", hint=hint))
    return out
