"""Upgrading a fork: what changed in the parent under each override, and accepting a review.

A fork records the version of what it overrides (`based_on: <hash>`, `remove: [id@hash]`). When
the parent changes that content, the reader reports a drift (read/overlay.py records each one as
a `Drift`). `luodi diff FORK --drift` shows, for each, the parent's value then (found in git
history: the last commit of the parent's file whose content has the recorded hash) and now,
beside the fork's; `luodi accept FORK ID…` writes the new hash in place of the old one, and
changes nothing else in the file: comments, order and quoting stay as they are.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .read.overlay import Drift, content_hash
from .text import visible


class AcceptError(Exception):
    """The file no longer holds the recorded hash where the reader found it."""


@dataclass(frozen=True)
class Then:
    """The parent's content at the recorded version, if git history has it."""

    values: dict | None  # key → value then (None: not found)
    commit: str = ""
    date: str = ""
    why: str = ""  # why it was not found


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True,
                              text=True, encoding="utf-8", timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _find(node, obj_id: str):
    """The mapping with this id anywhere in a YAML document."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if current.get("id") == obj_id:
                return current
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return None


def _content(drift: Drift, found: dict):
    if drift.kind == "removal":
        return found
    return {key: found.get(key) for key in sorted(drift.keys)}


def parent_then(drift: Drift) -> Then:
    """Look through the git history of the parent's file for the version the fork recorded."""
    path = Path(drift.parent_at.path)
    folder = path.parent
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return Then(None, why="the playbooks are not in a git repository")
    top = Path(top.strip())
    relative = Path(os.path.relpath(path.resolve(), top.resolve())).as_posix()
    log = _git(top, "log", "--format=%H %ad", "--date=short", "--", relative)
    if not log:
        return Then(None, why=f"git has no history of {relative}")
    for line in log.splitlines():
        commit, _, date = line.partition(" ")
        text = _git(top, "show", f"{commit}:{relative}")
        if text is None:
            continue
        try:
            found = _find(yaml.safe_load(text), drift.obj_id)
        except yaml.YAMLError:
            continue
        if isinstance(found, dict) and content_hash(_content(drift, found)) == drift.recorded:
            return Then(_content(drift, found) if drift.kind == "override" else found,
                        commit[:10], date)
    return Then(None, why=f"no commit of {relative} holds the recorded version "
                          f"{drift.recorded}")


def report(drift: Drift) -> list[str]:
    """The lines of `luodi diff --drift` for one drift."""
    what = ("removal" if drift.kind == "removal"
            else "override of " + ", ".join(sorted(drift.keys)))
    lines = [f"{drift.at}: {drift.obj_id}: {what}",
             f"  based on {drift.recorded}; the parent's is now {drift.now} ({drift.parent_at})"]
    then = parent_then(drift)
    if then.values is None:
        lines.append(f"  parent then: unknown ({then.why})")
    if drift.kind == "override":
        keys = sorted(drift.keys)
    elif then.values is not None:  # a removal: the keys the parent changed since
        keys = sorted(k for k in {*then.values, *drift.parent_now}
                      if then.values.get(k) != drift.parent_now.get(k))
    else:
        keys = [None]
    for key in keys:
        pad = "    " if key is not None else "  "
        now = drift.parent_now.get(key) if key is not None else drift.parent_now
        if then.values is not None:
            value = then.values.get(key) if key is not None else then.values
            if value == now:  # the parent changed another of the keys
                lines.append(f"  {key}: unchanged in the parent since {then.commit}")
                continue
        if key is not None:
            lines.append(f"  {key}:")
        if then.values is not None:
            lines.append(f"{pad}parent then ({then.commit}, {then.date}): {_show(value)}")
        lines.append(f"{pad}parent now: {_show(now)}")
        if key is not None and drift.kind == "override":
            lines.append(f"{pad}this fork:  {_show(drift.fork_value.get(key))}")
    lines.append(f"  accept: luodi accept {drift.fork} {drift.obj_id}")
    return lines


def _show(value) -> str:
    if isinstance(value, str):
        return visible(value)
    return visible(yaml.safe_dump(value, allow_unicode=True, default_flow_style=True,
                                  width=10**6).strip())


def accept(drifts: list[Drift]) -> list[str]:
    """Write each drift's new hash where its old one is; every other character of the file
    stays. A file is rewritten whole or not at all (a temporary file, then a rename)."""
    by_file: dict[str, list[Drift]] = {}
    for drift in drifts:
        by_file.setdefault(drift.at.path, []).append(drift)
    done, rewritten = [], {}
    for path, found in by_file.items():  # every file checked before any is written
        text = Path(path).read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        for drift in found:
            line = lines[drift.at.line - 1]
            start = _offset(line, drift.at.col)
            at = line.find(drift.recorded, start)
            if at < 0 or line[start:at].strip(" \"'@" + drift.obj_id) != "":
                raise AcceptError(f"{drift.at}: '{drift.recorded}' is no longer there; "
                                  "run luodi validate and try again")
            lines[drift.at.line - 1] = line[:at] + drift.now + line[at + len(drift.recorded):]
            done.append(f"{drift.at}: {drift.obj_id}: based on {drift.recorded} → {drift.now}")
        rewritten[path] = "".join(lines)
    for path, text in rewritten.items():
        _write(Path(path), text)
    return done


def _offset(line: str, column: int) -> int:
    """The index in `line` of a column counted as the reader counts it (code points)."""
    return max(0, min(len(line), column - 1))


def _write(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
