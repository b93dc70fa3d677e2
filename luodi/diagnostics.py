"""Diagnostics: every problem Luodi reports has a place, a code, a message and maybe a hint."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .model import Source
from .text import visible


@dataclass(frozen=True)
class Diagnostic:
    source: Source
    code: str
    message: str
    hint: str = ""
    severity: Literal["error", "warning"] = "error"

    def format(self) -> str:
        """The diagnostic as printed: one line, and a hint line. Whatever the input held, it
        cannot drive the terminal, and invisible characters show (as \\u200b)."""
        text = f"{visible(str(self.source))}: {self.severity}[{self.code}]: {visible(self.message)}"
        if self.hint:
            text += f"\n  hint: {visible(self.hint)}"
        return text

    def sort_key(self):
        return (self.source.path, self.source.line, self.source.col, self.code, self.message)


class PlaybookError(Exception):
    """Raised by the site glue when a playbook has errors; carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))


def errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix, or '' when nothing is close. Give a `Names` where the
    same candidates serve many lookups."""
    close = candidates.closest(word) if isinstance(candidates, Names) else _closest(
        word, candidates)
    return f" (did you mean '{close}'?)" if close else ""


def known_ids(kind: str, ids) -> str:
    """A hint that lists the ids one could have meant ('known role ids: pm, trainer')."""
    if not ids:
        return f"there is no {kind} to refer to yet"
    return f"known {kind} ids: {(ids if isinstance(ids, Names) else Names(ids)).listing()}"


def _closest(word: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


class Names(frozenset):
    """Ids that can be referred to, with what a message about a wrong one needs, computed once.

    difflib compares a word with every candidate, which is fine for the nine roles of a playbook
    and quadratic for its ten thousand items: 800 misspelt references took 109 s. Beyond SMALL
    candidates, an index of each candidate with one character deleted gives a shortlist of those
    within a few edits of the word (the word with one, then two characters deleted is looked
    up), and difflib chooses among them as before."""

    SMALL = 200

    def closest(self, word: str) -> str | None:
        if len(self) <= self.SMALL:
            return _closest(word, self)
        index = getattr(self, "_index", None)
        if index is None:
            index = self._index = {}
            for name in self:
                for variant in _deletions(name, 1):
                    index.setdefault(variant, []).append(name)
        # Nearest first: within about one edit, then two; difflib chooses among the few found.
        for depth in (1, 2):
            shortlist = {name for variant in _deletions(word, depth)
                         for name in index.get(variant, ())}
            close = _closest(word, shortlist)
            if close or len(word) > 40:
                return close
        return None

    def listing(self, limit: int = 12) -> str:
        """The first `limit` ids in sorted order, for a hint ('a, b, c …')."""
        shown = getattr(self, "_listing", None)
        if shown is None:
            ids = sorted(self)
            shown = self._listing = ", ".join(ids[:limit]) + (" …" if len(ids) > limit else "")
        return shown


def _deletions(word: str, depth: int) -> set[str]:
    """The word, and every string made by deleting up to `depth` of its characters."""
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out
