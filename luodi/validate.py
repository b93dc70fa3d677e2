"""From loaded YAML to the model: schema checks, then checks across objects.

`load_playbooks(path)` is the one entry point used by the CLI, the site plugin and the tests. It
reports every problem it finds in one run, sorted by file and line, and returns the playbooks that
are usable.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import re
import typing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .diagnostics import Diagnostic, Names, did_you_mean, errors
from .fields import is_required, schema_fields, unwrap_optional, walk
from .loader import Loaded, Map, Seq, describe, load_file, path_problem
from .model import (
    ID_MAX_LENGTH,
    ID_PATTERN,
    SCHEMA_VERSION,
    Case,
    Criterion,
    Deliverable,
    Form,
    Goal,
    Item,
    Kpi,
    Lesson,
    Module,
    Node,
    Phase,
    Pitfall,
    Playbook,
    Risk,
    Role,
    Source,
    Term,
)
from .overlay import OVERLAY_KEYS, Overlay, RawPlaybook
from .places import section_anchors
from .text import visible_id

_ID = re.compile(ID_PATTERN)
YAML_SUFFIXES = (".yaml", ".yml")

# Objects whose ids share one namespace per playbook: they become anchors and `luodi explain` ids.
ANCHORED = (Item, Deliverable, Module, Lesson, Kpi, Risk, Goal, Pitfall, Case, Term, Criterion)
# Folder of each per-file kind, and its class.
FOLDERS: dict[str, type] = {"phases": Phase, "roles": Role, "forms": Form}


@dataclass
class Result:
    playbooks: dict[str, Playbook] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not errors(self.diagnostics)


def display_path(path: Path) -> str:
    """Paths in messages are relative to the working directory when they are below it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def load_playbooks(path: Path | str) -> Result:
    """Load a folder of playbooks (playbooks/) or one playbook folder, and validate everything.

    Three steps: read every folder as YAML; merge each fork over its resolved parent; check the
    schema and then the references of each resolved playbook.
    """
    # Loading makes hundreds of thousands of small objects and no reference cycles worth
    # collecting: the cycle collector's passes over them were ~40% of the time (bench/).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_playbooks(Path(path))
    finally:
        if enabled:
            # What loading made goes straight to the oldest generation: left in the youngest,
            # it would all be traversed by the first collection after this (0.4 s at 10,000
            # items), and again when promoted.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _load_playbooks(path: Path) -> Result:
    result = Result()
    diagnostics = result.diagnostics
    if not os.path.lexists(path):
        diagnostics.append(Diagnostic(
            Source(display_path(path), 1, 1), "not-found", "no such folder",
            "give the playbooks/ folder or one playbook's folder"))
        return result
    single = os.path.lexists(path / "playbook.yaml")
    folders = [path] if single else _playbook_folders(path, diagnostics)
    if folders is None:
        return result
    first: dict[Path, Loaded] = {}  # a main file read already (each file is read once)
    if single:
        first[path] = _load_main(path)
        if first[path].data and first[path].data.get("extends"):
            # A fork needs its parent: look beside it.
            folders = [p for p in _playbook_folders(path.parent, []) or [path]
                       if (p / "playbook.yaml").exists() or p == path]
    if not folders:
        diagnostics.append(Diagnostic(
            Source(display_path(path), 1, 1), "no-playbooks", "no playbook folder found here",
            "a playbook is a folder holding playbook.yaml"))
    raws = {raw.name: raw for raw in (_read_folder(f, diagnostics, first.get(f))
                                      for f in folders) if raw}
    resolved = _resolve_forks(raws, diagnostics)
    complete: set[str] = set()
    for name, raw in resolved.items():
        if not raw.usable:
            continue
        before = len(errors(diagnostics))
        playbook = _build_playbook(raw, diagnostics)
        if playbook is None:
            continue
        # A file that failed its schema is missing from the playbook; checking references
        # then would only repeat that failure as a cascade of "unknown id" errors.
        if raw.complete and len(errors(diagnostics)) == before:
            complete.add(name)
        result.playbooks[playbook.id] = playbook
    checked = {pb.id: check_playbook(pb, result.playbooks)
               for pb in result.playbooks.values() if pb.id in complete}
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


def _playbook_folders(root: Path, diagnostics: list[Diagnostic]) -> list[Path] | None:
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


def _load_main(folder: Path) -> Loaded:
    return load_file(folder / "playbook.yaml", display_path(folder / "playbook.yaml"))


def _read_folder(folder: Path, diagnostics: list[Diagnostic],
                 loaded: Loaded | None = None) -> RawPlaybook | None:
    """One playbook folder as YAML; `loaded`: its playbook.yaml if that was read already."""
    main_file = folder / "playbook.yaml"
    if not os.path.lexists(main_file):
        diagnostics.append(Diagnostic(
            Source(display_path(folder), 1, 1), "missing-file", "folder has no playbook.yaml",
            "every playbook folder starts with playbook.yaml (id, title, summary, schema_version)"))
        return None
    loaded = loaded or _load_main(folder)
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
    for sub in FOLDERS:
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
            part = load_file(file, display_path(file))
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
    # The part files were still read, so that all their problems are reported in one run. A
    # playbook whose playbook.yaml is unusable is not built, but it exists: its forks are not
    # told that it does not.
    raw.usable = loaded.data is not None
    return raw


def _resolve_forks(raws: dict[str, RawPlaybook],
                   diagnostics: list[Diagnostic]) -> dict[str, RawPlaybook]:
    """Each playbook with its parents merged in; forks whose chain is broken are left out.

    Each chain is followed up to a playbook resolved already (or one that extends nothing), then
    merged from there down: a loop, not recursion, so that a long chain of forks is no problem.
    """
    resolved: dict[str, RawPlaybook | None] = {}
    for start in raws:
        chain: list[str] = []  # start, its parent, its grandparent … all unresolved
        name = start
        while name not in resolved:
            raw = raws[name]
            parent = raw.extends
            if not parent or not raw.usable:
                resolved[name] = raw if raw.usable else None
                break
            chain.append(name)
            if parent in chain or parent == name:
                cycle = chain[chain.index(parent):]
                diagnostics.append(Diagnostic(
                    raw.main.where("extends"), "extends-cycle",
                    "playbooks extend each other in a cycle: " + " → ".join([*cycle, parent]),
                    "one of them must not extend the others"))
                resolved[name] = None
                break
            if parent not in raws:
                others = [n for n in raws if n != name]
                diagnostics.append(Diagnostic(
                    raw.main.where("extends"), "unknown-ref",
                    f"extends: no other playbook with id '{visible_id(parent)}'"
                    f"{did_you_mean(parent, others)}", _known("playbook", others)))
                resolved[name] = None
                break
            name = parent
        for child in reversed(chain):  # from the resolved end of the chain down to `start`
            if child in resolved:
                continue
            parent = resolved[raws[child].extends]
            resolved[child] = None if parent is None else Overlay(diagnostics).merge_playbook(
                parent, raws[child])
    return {name: raw for name, raw in resolved.items() if raw is not None}


def _build_playbook(raw: RawPlaybook, diagnostics: list[Diagnostic]) -> Playbook | None:
    playbook = build(Playbook, raw.main, diagnostics)
    if playbook is not None and playbook.schema_version != SCHEMA_VERSION:
        diagnostics.append(Diagnostic(
            playbook.sources["schema_version"], "schema-version",
            f"schema_version {playbook.schema_version} is not supported (this Luodi reads "
            f"{SCHEMA_VERSION})", "upgrade Luodi, or write schema_version: 1"))
    parts = {sub: [obj for obj in (build(cls, data, diagnostics)
                                   for data in raw.parts.get(sub, {}).values()) if obj]
             for sub, cls in FOLDERS.items()}
    if playbook is None:
        return None
    return dataclasses.replace(
        playbook,
        phases=tuple(sorted(parts["phases"], key=lambda p: (p.order, p.id))),
        roles=tuple(sorted(parts["roles"], key=lambda r: (r.order, r.id))),
        forms=tuple(parts["forms"]))


# ------------------------------------------------------------------ the schema layer


@cache
def _known_keys(cls: type) -> frozenset[str]:
    return frozenset(name for name, _, _ in schema_fields(cls))


def _what(cls: type) -> str:
    return {"FormField": "field", "Term": "glossary term", "CaseResult": "case result"}.get(
        cls.__name__, cls.__name__.lower())


def build(cls: type, data, diagnostics: list[Diagnostic]):
    """Check a Map against a model class and build the object; None if it is unusable."""
    if not isinstance(data, Map):
        return None
    known = _known_keys(cls)
    usable = True
    for key in data:
        if key not in known:
            usable = False
            if key in OVERLAY_KEYS:
                diagnostics.append(Diagnostic(
                    data.key_sources[key], "unknown-key",
                    f"'{key}' is only allowed in a playbook that extends another",
                    "add extends: <parent id> to playbook.yaml, or remove it"))
                continue
            diagnostics.append(Diagnostic(
                data.key_sources[key], "unknown-key",
                f"unknown key '{key}' in {_what(cls)}{did_you_mean(key, known)}",
                f"allowed keys: {', '.join(sorted(known))}"))
    values: dict = {}
    sources: dict = {}
    for name, tp, f in schema_fields(cls):
        if name not in data or data[name] is None:
            if is_required(f):
                usable = False
                where = data.key_sources.get(name, data.source)
                diagnostics.append(Diagnostic(
                    where, "missing-key",
                    f"{_what(cls)} has no value for required key '{name}'",
                    f"{name}: {f.metadata['doc']}"))
            continue
        ok, value = _convert(tp, f, data[name], data.raw.get(name), data.where(name), name,
                             diagnostics)
        if not ok:
            usable = False
            continue
        values[name] = value
        sources[name] = data.where(name)
        if isinstance(data[name], Seq):
            sources[name + "[]"] = list(data[name].item_sources)
    if not usable:
        return None
    return cls(**values, source=data.source, sources=sources,
               drift=tuple(getattr(data, "drift", ())))


@cache
def _plan(tp) -> tuple[object, object]:
    """A declared type, reduced once per type: (the type without Optional, its origin)."""
    tp = unwrap_optional(tp)
    return tp, typing.get_origin(tp)


def _convert(tp, f, value, raw, where: Source, name: str, diagnostics: list[Diagnostic]):
    """Check one value against its declared type; returns (ok, converted value)."""
    if tp is str and value.__class__ is str:  # most values: checked without the general path
        return _check_pattern(f, value, where, name, diagnostics), value
    tp, origin = _plan(tp)

    def wrong(expected: str, hint: str = "") -> tuple[bool, None]:
        got = describe(value)
        if raw is None:
            message = f"'{name}' must be {expected}, not {got}"
        else:  # the YAML 1.1 surprises: NO, 1.10, 010, 2024-01-02
            message = f"'{name}' must be {expected}, but YAML reads {raw} as {got}"
            if expected == "text" and not hint:
                hint = f'put it in quotes: {name}: "{raw}"'
        diagnostics.append(Diagnostic(where, "type", message, hint))
        return False, None

    if origin is typing.Literal:
        allowed = typing.get_args(tp)
        if not isinstance(value, str):
            return wrong("one of " + ", ".join(allowed))
        if value not in allowed:
            diagnostics.append(Diagnostic(
                where, "bad-value",
                f"'{name}' is '{value}', not one of: {', '.join(allowed)}"
                f"{did_you_mean(value, allowed)}"))
            return False, None
        return True, value
    if tp is str:
        if not isinstance(value, str):
            return wrong("text")
        return _check_pattern(f, value, where, name, diagnostics), value
    if tp is bool:
        return (True, value) if isinstance(value, bool) else wrong("true or false")
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return wrong("a whole number")
        if raw is not None and raw != str(value):  # 010 is octal 8 in YAML 1.1, 0x10 is 16
            diagnostics.append(Diagnostic(
                where, "type", f"'{name}' is written {raw}, which YAML reads as {value}",
                f"write the number without a leading zero or prefix: {name}: {value}"))
            return False, None
        return True, value
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, Seq):
            return wrong("a list", "write each entry on its own line starting with '- '")
        out, ok = [], True
        for index, element in enumerate(value):
            good, converted = _convert(item_tp, f, element, value.raw.get(index),
                                       value.where(index), name, diagnostics)
            ok = ok and good
            out.append(converted)
        return ok, out
    if origin is dict:
        _, item_tp = typing.get_args(tp)
        if not isinstance(value, Map):
            return wrong("a mapping of id: …")
        out, ok = {}, True
        for key, element in value.items():
            if not _ID.fullmatch(key):
                ok = False
                diagnostics.append(Diagnostic(
                    value.key_sources[key], "bad-id",
                    f"'{key}' is not a valid id",
                    "ids are lowercase ASCII words joined by '-', e.g. project-name"))
            elif len(key) > ID_MAX_LENGTH:
                ok = False
                diagnostics.append(_long_id(value.key_sources[key], key))
            good, converted = _convert(item_tp, f, element, value.raw.get(key),
                                       value.where(key), key, diagnostics)
            ok = ok and good
            out[key] = converted
        return ok, out
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, Map):
            return wrong(f"a mapping ({_what(tp)})")
        obj = build(tp, value, diagnostics)
        return obj is not None, obj
    raise TypeError(f"unsupported field type {tp!r}")  # a bug in model.py, not in user input


def _check_pattern(f, value: str, where: Source, name: str, diagnostics) -> bool:
    pattern = f.metadata["pattern"]
    if pattern is None and value and not value.isspace():
        return True
    if pattern and not re.fullmatch(pattern, value):
        diagnostics.append(Diagnostic(
            where, "bad-id",
            f"'{value}' is not a valid id" + ("" if name == "id" else f" (in {name})"),
            "ids become URLs and anchors: lowercase ASCII letters and digits joined by '-', "
            f"e.g. '{_suggest_id(value)}'"))
        return False
    if pattern == ID_PATTERN and len(value) > ID_MAX_LENGTH:
        diagnostics.append(_long_id(where, value))
        return False
    if not value.strip() and f.metadata.get("ref") is None and is_required(f):
        diagnostics.append(Diagnostic(where, "empty", f"'{name}' is empty",
                                      f"{name}: {f.metadata['doc']}"))
        return False
    return True


def _long_id(where: Source, value: str) -> Diagnostic:
    return Diagnostic(where, "long-id",
                      f"id '{value[:24]}…' is {len(value)} characters long, over the limit of "
                      f"{ID_MAX_LENGTH}", "ids become file names and URLs: shorten it")


def _suggest_id(value: str) -> str:
    """An id to propose for a value: its ASCII words, or the pinyin of its Chinese."""
    try:
        from pypinyin import lazy_pinyin
        value = " ".join(lazy_pinyin(value))
    except ImportError:  # pragma: no cover - pypinyin is a dependency
        pass
    return "-".join(re.findall(r"[a-z0-9]+", value.lower())) or "my-id"


# ------------------------------------------------------------------ the model layer


def _names(obj) -> list[tuple[str, Source]]:
    """An object's id and its former ids (aliases), each with where it was written."""
    names = [(obj.id, obj.sources.get("id", obj.source))]
    names += zip(getattr(obj, "aliases", []), obj.sources.get("aliases[]", []), strict=False)
    return names


def check_playbook(playbook: Playbook, all_playbooks: dict[str, Playbook]) -> list[Diagnostic]:
    """Checks across objects: unique ids, references, prerequisite cycles."""
    out: list[Diagnostic] = []
    objects = list(walk(playbook))

    def unique(kind: str, things, scope: str = "") -> dict[str, Node]:
        seen: dict[str, Node] = {}
        for thing in things:
            for name, where in _names(thing):
                if name in seen:
                    other = seen[name]
                    out.append(Diagnostic(
                        where, "duplicate-id",
                        f"{kind} id '{name}' is already used{scope} at "
                        f"{other.sources.get('id', other.source)}",
                        "ids must be unique: they are URLs and anchors"))
                else:
                    seen[name] = thing
        return seen

    anchored = [o for o in objects if isinstance(o, ANCHORED)]
    unique("object", anchored, " in this playbook")
    reserved = section_anchors(playbook)
    fields = [f for form in playbook.forms for f in form.fields]  # anchors of their form's rows
    for obj in [*anchored, *fields]:
        for name, where in _names(obj):
            if name in reserved:
                out.append(Diagnostic(
                    where, "reserved-id",
                    f"id '{name}' is the anchor of a section Luodi writes on the same page",
                    f"choose another id, e.g. '{_what(type(obj)).split()[0]}-{name}'"))
    unique("phase", playbook.phases)
    unique("role", playbook.roles)
    unique("form", playbook.forms)
    for form in playbook.forms:
        unique("field", [*form.criteria, *form.fields], f" in form '{form.id}'")
    orders: dict[int, Phase] = {}
    for phase in playbook.phases:
        if phase.order in orders:
            out.append(Diagnostic(
                phase.sources["order"], "duplicate-order",
                f"phases '{orders[phase.order].id}' and '{phase.id}' both have order "
                f"{phase.order}", "give each phase its own place in the roadmap"))
        orders.setdefault(phase.order, phase)

    # References name ids; aliases only keep old links working, they are not ids to refer to.
    targets = {
        "role": Names(r.id for r in playbook.roles),
        "phase": Names(p.id for p in playbook.phases),
        "module": Names(m.id for _, m in playbook.modules()),
        "item": Names(i.id for _, i in playbook.items()),
        "kpi": Names(k.id for k in playbook.kpis),
        "variable": Names(playbook.variables),
    }
    for obj in objects:
        for name, _, f in schema_fields(type(obj)):
            kind = f.metadata.get("ref")
            if not kind:
                continue
            value = getattr(obj, name)
            if isinstance(value, list):
                pairs = zip(value, obj.sources.get(name + "[]", []), strict=False)
            else:
                pairs = [(value, obj.sources.get(name, obj.source))] if value else []
            for ref, where in pairs:
                if ref not in targets[kind]:
                    out.append(Diagnostic(
                        where, "unknown-ref",
                        f"{name}: no {kind} with id '{visible_id(ref)}'"
                        f"{did_you_mean(ref, targets[kind])}", _known(kind, targets[kind])))
        if isinstance(obj, Form):
            for fld in obj.fields:
                if fld.type == "choice" and not fld.options:
                    out.append(Diagnostic(fld.source, "missing-key",
                                          f"field '{fld.id}' is a choice but has no options",
                                          "add options: [..] or use type: text"))
    for _, item in playbook.items():
        out.extend(_raci_conflicts(item))
    out.extend(_prerequisite_cycles(playbook))
    return out


_RCI = (("responsible", "R"), ("consulted", "C"), ("informed", "I"))


def _raci_conflicts(item: Item) -> list[Diagnostic]:
    """A role in two of R, C and I on one item: doing the work, being asked and being told are
    different parts, and a fork that sets one of them easily keeps its parent's other."""
    raci = item.raci
    places: dict[str, list[tuple[str, Source]]] = {}
    places[item.owner] = [("R", item.sources.get("owner", item.source))]
    for key, letter in _RCI:
        roles = getattr(raci, key) if raci else []
        wheres = raci.sources.get(key + "[]", []) if raci else []
        for n, role_id in enumerate(roles):
            where = wheres[n] if n < len(wheres) else raci.source
            held = places.setdefault(role_id, [])
            if letter not in (held_letter for held_letter, _ in held):
                held.append((letter, where))
    out = []
    words = {"R": "responsible", "C": "consulted", "I": "informed"}
    for role_id, held in places.items():
        if len(held) < 2:
            continue
        owner = " (as the owner)" if item.owner == role_id else ""
        both = " and ".join(f"{words[letter]} ({letter}, at {where})" for letter, where in held)
        # At the place written last into this RACI (a fork's override, not its parent's text).
        newest = raci.source.path if raci else item.source.path
        where = next((w for _, w in reversed(held) if w.path == newest), held[-1][1])
        out.append(Diagnostic(
            where, "raci-conflict",
            f"role '{role_id}' is {both} on item '{item.id}'{owner}",
            "a role has one of R, C and I on an item; keep the one that is meant"))
    return out


def _known(kind: str, ids) -> str:
    if not ids:
        return f"there is no {kind} to refer to yet"
    return f"known {kind} ids: {(ids if isinstance(ids, Names) else Names(ids)).listing()}"


def _prerequisite_cycles(playbook: Playbook) -> list[Diagnostic]:
    """Each cycle of prerequisites, once. A depth-first walk with a stack of its own: a chain of
    a thousand modules, each requiring the next, is valid and must not exhaust Python's."""
    modules = {m.id: m for _, m in playbook.modules()}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    out: list[Diagnostic] = []
    for root in modules:
        if root in state:
            continue
        path = [root]
        state[root] = 1
        stack = [iter(modules[root].prerequisites)]
        while stack:
            prerequisite = next(stack[-1], None)
            if prerequisite is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if prerequisite not in modules:
                continue  # reported as unknown-ref
            if state.get(prerequisite) == 1:
                cycle = path[path.index(prerequisite):] + [prerequisite]
                start = modules[cycle[0]]
                out.append(Diagnostic(
                    start.sources.get("prerequisites", start.source), "prerequisite-cycle",
                    "training modules require each other in a cycle: " + " → ".join(cycle),
                    "remove one of these prerequisites"))
            elif prerequisite not in state:
                state[prerequisite] = 1
                path.append(prerequisite)
                stack.append(iter(modules[prerequisite].prerequisites))
    return out
