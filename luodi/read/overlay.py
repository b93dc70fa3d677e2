"""Forks: a playbook that `extends` another holds only what differs, merged over its parent.

The merge works on loaded YAML (Map/Seq), before the schema is checked, so that every resolved
value keeps the file, line and column it came from — the parent's where the fork is silent, the
fork's where it speaks. Rules:

- mappings deep-merge (the fork wins); scalars and plain lists are replaced;
- lists of identified things (mappings with an `id`: checklist items, modules, KPIs …) merge by id,
  keep the parent's order, and new entries go `after: <id>` or at the end;
- removing needs `remove: [ids]`; `null` or leaving something out never removes it;
- a new entry must carry its own title (so a typo in an override's id is caught, with "did you
  mean"); changing a value's kind (text → list …) is an error;
- an override records the version of what it overrode (`based_on: <hash>`, `remove: [id@hash]`);
  when the parent has changed since, the fork is told where (drift).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, did_you_mean, known_ids
from ..model import OVERLAY_KEYS, PART_FOLDERS, Source
from ..text import visible_id
from .strict import Map, Seq

# A new identified object must name itself with one of these; an override need not.
TITLE_KEYS = ("title", "name", "term", "label", "question")
# Keys of playbook.yaml that name the fork itself: its parent's would mislabel it.
NOT_INHERITED = ("short_title",)


@dataclass
class RawPlaybook:
    """One playbook folder as loaded YAML: playbook.yaml and its part files by id."""

    name: str  # folder name, which must be the playbook id
    folder: Path
    main: Map
    parts: dict[str, dict[str, Map]] = field(default_factory=dict)
    complete: bool = True  # every file parsed
    # Part files that could not be read, as (folder, id): a fork's file of the same name is not
    # "new" then, and saying so would only repeat the parent's error as a wrong one.
    failed: set[tuple[str, str]] = field(default_factory=set)
    usable: bool = True  # playbook.yaml was read: the playbook exists, even if broken
    status: Map | None = None  # status.yaml: the project's own, never a parent's

    @property
    def extends(self) -> str:
        value = self.main.get("extends")
        return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class Drift:
    """The parent changed what a fork overrides or removes (a `drift` warning), as data for
    reviewing it (drift.py): `luodi diff FORK --drift`, `luodi accept`."""

    fork: str  # the playbook whose file records the old version
    obj_id: str
    kind: str  # "override" or "removal"
    keys: tuple[str, ...]  # the keys the fork overrides (an override)
    recorded: str  # the hash the fork's file holds
    now: str  # the hash of the parent's content now
    at: Source  # where the fork's file holds the recorded hash
    parent_at: Source  # where the object is in the parent's files
    parent_now: dict  # the parent's values of those keys now (a removal: the whole object)
    fork_value: dict  # the fork's values of those keys


def plain(value):
    """Loaded YAML as plain JSON-able data (for hashing and comparing)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def content_hash(value) -> str:
    """A short, stable fingerprint of some YAML content: what a fork's `based_on` records."""
    text = json.dumps(plain(value), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _kind(value) -> str:
    if isinstance(value, Map):
        return "a mapping"
    if isinstance(value, Seq):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "something else"


def _identified(seq) -> bool:
    return isinstance(seq, Seq) and bool(seq) and all(
        isinstance(e, Map) and isinstance(e.get("id"), str) for e in seq)


def _copy_map(source: Map, keys=None) -> Map:
    out = Map(source.source)
    for key in (source if keys is None else keys):
        _put(out, key, source[key], source)
    return out


def _put(out: Map, key: str, value, origin: Map) -> None:
    out[key] = value
    out.key_sources[key] = origin.key_sources.get(key, origin.source)
    out.value_sources[key] = origin.value_sources.get(key, origin.source)
    if key in origin.raw:
        out.raw[key] = origin.raw[key]
    elif key in out.raw:
        del out.raw[key]


class Overlay:
    """Merges one fork over its resolved parent, collecting diagnostics and drift notices."""

    def __init__(self, diagnostics: list[Diagnostic], drifts: list[Drift] | None = None):
        self.diagnostics = diagnostics
        self.drifts = drifts if drifts is not None else []
        self.fork = ""  # the fork being merged (merge_playbook)

    def error(self, where: Source, code: str, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(where, code, message, hint))

    # ------------------------------------------------------------------ playbooks

    def merge_playbook(self, parent: RawPlaybook, fork: RawPlaybook) -> RawPlaybook:
        self.fork = fork.name
        main = self.merge_map(parent.main, fork.main, element=False, root=True)
        for key in NOT_INHERITED:
            if key not in fork.main:
                main.pop(key, None)
        parts: dict[str, dict[str, Map]] = {}
        for folder in PART_FOLDERS:
            merged = dict(parent.parts.get(folder, {}))
            for obj_id, data in fork.parts.get(folder, {}).items():
                if obj_id in merged:
                    merged[obj_id] = self.merge_map(merged[obj_id], data, element=True)
                elif (folder, obj_id) in parent.failed:
                    continue  # the parent's file is broken: reported there, once
                else:
                    added = self.new_element(data, merged, folder[:-1])
                    if added is not None:
                        merged[obj_id] = added
            parts[folder] = merged
        part_ids = frozenset(i for folder in PART_FOLDERS for i in parts[folder])
        self.apply_removals(main, fork.main, elsewhere=part_ids)
        removals = fork.main.get("remove")
        if isinstance(removals, Seq) and all(isinstance(r, str) for r in removals):
            for index, entry in enumerate(removals):
                obj_id, _, _ = str(entry).partition("@")
                folder = next((f for f in PART_FOLDERS if obj_id in parts[f]), None)
                if folder is not None:
                    self.check_removal_drift(main, entry, parts[folder][obj_id],
                                             removals.where(index))
                    del parts[folder][obj_id]
        return RawPlaybook(fork.name, fork.folder, main, parts, parent.complete and fork.complete,
                           parent.failed | fork.failed, status=fork.status)

    # ------------------------------------------------------------------ mappings

    def merge_map(self, parent: Map, child: Map, element: bool, root: bool = False) -> Map:
        """Deep-merge child over parent.

        `element`: child overrides an identified object (drift is checked); `root`: the
        playbook.yaml mapping, whose removals merge_playbook applies with the part files.
        """
        out = _copy_map(parent)
        out.source = child.source
        out.drift = list(getattr(parent, "drift", []))
        overridden: list[str] = []
        for key, value in child.items():
            if key in OVERLAY_KEYS:
                continue
            where = child.where(key)
            if parent.get(key) is None:  # absent or empty in the parent: the fork's value stands
                if value is None:
                    continue
                _put(out, key, value, child)
                if key != "id":
                    overridden.append(key)
                continue
            before = parent[key]
            if value is None:
                self.error(where, "overlay-null",
                           f"'{key}: null' does not remove or reset anything",
                           "to remove an entry write remove: [id]; to override, give a value")
                continue
            if _kind(before) != _kind(value):
                self.error(where, "overlay-type",
                           f"'{key}' is {_kind(before)} in the parent "
                           f"({parent.where(key)}), not {_kind(value)}",
                           "an override keeps the kind of value it replaces")
                continue
            if isinstance(value, Map):
                _put(out, key, self.merge_map(before, value, element=False), child)
                out.value_sources[key] = parent.where(key)
                if not element:
                    continue
                overridden.append(key)
            elif _identified(before):
                _put(out, key, self.merge_list(before, value, key), child)
                out.value_sources[key] = parent.where(key)
            else:
                _put(out, key, value, child)
                if key != "id":
                    overridden.append(key)
        if not root:
            self.apply_removals(out, child)
        if element and overridden:
            self.check_override_drift(out, parent, child, overridden)
        return out

    def new_element(self, data: Map, siblings, what: str) -> Map | None:
        """An object the parent does not have; None (after an error) if it looks like a typo."""
        new_id = data.get("id")
        if not isinstance(new_id, str) or not new_id:
            self.error(data.where("id"), "missing-key",
                       f"a new {what} needs a text id", "write id: <lowercase-words-with-dashes>")
            return None
        if not any(k in data for k in TITLE_KEYS):
            self.error(data.where("id"), "overlay-unknown-id",
                       f"the parent has no {what} '{new_id}'{did_you_mean(new_id, siblings)}",
                       f"to override, use an id the parent has; to add a new {what}, give it "
                       "a title")
            return None
        if "based_on" in data:
            self.error(data.key_sources["based_on"], "overlay-new-based-on",
                       f"'based_on' on a new {what}: there is nothing in the parent to be based on",
                       "remove based_on, or use the id of the object you meant to override")
        out = _copy_map(data, [k for k in data if k not in OVERLAY_KEYS])
        out.drift = []
        self.apply_removals(out, data, new=True)
        return out

    # ------------------------------------------------------------------ identified lists

    def merge_list(self, parent: Seq, child: Seq, key: str) -> Seq:
        if isinstance(child, Seq) and not child:
            self.error(child.source, "overlay-null",
                       "an empty list does not remove the inherited entries",
                       "to remove entries write remove: [id, …]")
            return parent
        if not _identified(child):
            where = child.source if isinstance(child, Seq) else parent.source
            self.error(where, "overlay-type",
                       "this list holds objects with ids in the parent; every entry here needs "
                       "an 'id' too", "write - id: <existing id> to override, or a new id to add")
            return parent
        entries = [(e["id"], e, parent.where(i)) for i, e in enumerate(parent)]
        ids = [entry[0] for entry in entries]
        for index, element in enumerate(child):
            obj_id = element["id"]
            if obj_id in ids:
                position = ids.index(obj_id)
                merged = self.merge_map(entries[position][1], element, element=True)
                entries[position] = (obj_id, merged, entries[position][2])
                continue
            merged = self.new_element(element, ids, f"'{key}' entry")
            if merged is None:
                continue
            position = len(entries)
            after = element.get("after")
            if after is not None:
                if after in ids:
                    position = ids.index(after) + 1
                else:
                    self.error(element.where("after"), "overlay-unknown-id",
                               f"after: no entry '{after}' in this list"
                               f"{did_you_mean(str(after), ids)}")
            entries.insert(position, (obj_id, merged, child.where(index)))
            ids.insert(position, obj_id)
        out = Seq(parent.source)
        for _, element, where in entries:
            out.append(element)
            out.item_sources.append(where)
        return out

    # ------------------------------------------------------------------ removal and drift

    def apply_removals(self, out: Map, child: Map, new: bool = False,
                       elsewhere: frozenset[str] = frozenset()) -> None:
        removals = child.get("remove")
        if removals is None:
            return
        if not isinstance(removals, Seq) or not all(isinstance(r, str) for r in removals):
            self.error(child.where("remove"), "type", "'remove' must be a list of ids",
                       "remove: [item-id, other-id]")
            return
        if new:
            self.error(child.key_sources["remove"], "overlay-unknown-id",
                       "'remove' in a new object: there is nothing inherited to remove")
            return
        lists = {key: value for key, value in out.items() if _identified(value)}
        for index, entry in enumerate(removals):
            obj_id, _, _ = entry.partition("@")
            where = removals.where(index)
            holder = next((k for k, v in lists.items() if any(e["id"] == obj_id for e in v)),
                          None)
            if holder is None:
                if obj_id in elsewhere:
                    continue  # a phase, role or form: merge_playbook removes it
                known = [e["id"] for v in lists.values() for e in v] + sorted(elsewhere)
                self.error(where, "overlay-unknown-id",
                           f"remove: the parent has no '{obj_id}' here{did_you_mean(obj_id, known)}",
                           "remove names ids of entries inherited by this object")
                continue
            seq = lists[holder]
            position = next(i for i, e in enumerate(seq) if e["id"] == obj_id)
            self.check_removal_drift(out, entry, seq[position], where)
            kept = Seq(seq.source)
            for i, element in enumerate(seq):
                if i != position:
                    kept.append(element)
                    kept.item_sources.append(seq.where(i))
            out[holder] = lists[holder] = kept

    def check_removal_drift(self, out: Map, entry: str, removed: Map, where: Source) -> None:
        obj_id, _, recorded = entry.partition("@")
        now = content_hash(removed)
        if not recorded:
            self.error(where, "overlay-no-base",
                       f"the removal of '{obj_id}' does not record which version it removed",
                       f"write {obj_id}@{now} so that Luodi can tell you when the parent changes it")
        elif recorded != now:
            message = (f"'{obj_id}' changed in the parent ({removed.source}) since it was removed "
                       f"here (removed version {recorded}, now {now})")
            self.error(where, "drift", message,
                       f"check with `luodi diff {self.fork} --drift` that the removal still "
                       f"holds, then accept it with `luodi accept {self.fork} {obj_id}` "
                       f"(writes {obj_id}@{now})")
            self.drifts.append(Drift(self.fork, obj_id, "removal", (), recorded, now, where,
                                     removed.source, plain(removed), {}))
            out.drift = [*getattr(out, "drift", []), message]

    def check_override_drift(self, out: Map, parent: Map, child: Map,
                             overridden: list[str]) -> None:
        obj_id = child.get("id", "")
        now = content_hash({key: parent.get(key) for key in sorted(overridden)})
        recorded = child.get("based_on")
        if recorded is None:
            self.error(child.where("id"), "overlay-no-base",
                       f"the override of '{obj_id}' ({', '.join(sorted(overridden))}) does not "
                       "record which parent version it is based on",
                       f"add based_on: \"{now}\" so that Luodi can tell you when the parent "
                       "changes what you overrode")
        elif str(recorded) != now:
            message = (f"'{obj_id}' changed in the parent ({parent.source}) under this override "
                       f"of {', '.join(sorted(overridden))} (based on {recorded}, now {now})")
            self.error(child.where("based_on"), "drift", message,
                       f"review it with `luodi diff {self.fork} --drift`, then accept it with "
                       f"`luodi accept {self.fork} {obj_id}` (writes based_on: \"{now}\")")
            keys = tuple(sorted(overridden))
            self.drifts.append(Drift(
                self.fork, obj_id, "override", keys, str(recorded), now,
                child.where("based_on"), parent.source,
                {key: plain(parent.get(key)) for key in keys},
                {key: plain(child.get(key)) for key in keys}))
            out.drift = [*getattr(out, "drift", []), message]


def resolve_forks(raws: dict[str, RawPlaybook], diagnostics: list[Diagnostic],
                  drifts: list[Drift] | None = None) -> dict[str, RawPlaybook]:
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
                    f"{did_you_mean(parent, others)}", known_ids("playbook", others)))
                resolved[name] = None
                break
            name = parent
        for child in reversed(chain):  # from the resolved end of the chain down to `start`
            if child in resolved:
                continue
            parent = resolved[raws[child].extends]
            resolved[child] = None if parent is None else Overlay(
                diagnostics, drifts).merge_playbook(parent, raws[child])
    return {name: raw for name, raw in resolved.items() if raw is not None}
