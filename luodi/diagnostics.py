"""Diagnostics: every problem Luodi reports has a place, a code, a message and maybe a hint."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .model import Source
from .text import visible


@dataclass(frozen=True)
class Code:
    """A kind of problem: its name in messages (error[unknown-ref]), what it means, and whether
    it is an error (the playbook cannot be used as it is) or a warning (it can; --strict and
    `mkdocs build --strict` still refuse it, and a warning code may be ignored)."""

    name: str
    severity: Literal["error", "warning"]
    meaning: str
    # Where a code is shown when no case of tests/cases/ can show it (a FIFO, a 4 MiB file, a
    # site build): the test that does.
    tested_by: str = ""


_C = Code
CODES: dict[str, Code] = {c.name: c for c in (
    # reading YAML
    _C("encoding", "error", "The file is not UTF-8 (GBK and GB2312 are not read)."),
    _C("too-large", "error", "The file is over 4 MiB: one file holds one phase, role or form.",
       "test_loader.py::test_file_over_size_cap_is_refused"),
    _C("unreadable", "error", "A path that is not a readable file or folder: a link that leads "
       "nowhere or loops, a FIFO, a folder, no permission.",
       "test_hostile.py::test_broken_paths_are_named_with_what_is_wrong"),
    _C("bad-character", "error", "A character that has no business in playbook text: a control, "
       "bidi or line separator character, a noncharacter."),
    _C("fullwidth-colon", "error", "A key followed by a full-width colon '：' (an input method's "
       "typo)."),
    _C("fullwidth-space", "error", "A line indented with a full-width space (U+3000)."),
    _C("yaml-syntax", "error", "The file is not valid YAML."),
    _C("empty-file", "error", "The file holds nothing."),
    _C("multiple-documents", "error", "Several YAML documents in one file ('---')."),
    _C("not-a-mapping", "error", "The file holds a list or a value, not keys."),
    _C("alias", "error", "Anchors and aliases (&x / *x): refused, they can make files explode."),
    _C("merge-key", "error", "A '<<' merge key."),
    _C("yaml-tag", "error", "A '!' tag (!!python/…, !include …)."),
    _C("key-type", "error", "A key YAML reads as a number, a boolean or a date."),
    _C("duplicate-key", "error", "A key written twice in one mapping (YAML would keep the last)."),
    _C("too-deep", "error", "Nesting deeper than 24 levels."),
    # folders and files
    _C("not-found", "error", "The folder to validate does not exist."),
    _C("no-playbooks", "error", "No playbook folder (a folder with playbook.yaml) in the folder."),
    _C("missing-file", "error", "A folder of playbooks/ without playbook.yaml."),
    _C("id-mismatch", "error", "An id that is not its file's or folder's name."),
    # the format
    _C("unknown-key", "error", "A key the format does not have (with the closest one)."),
    _C("missing-key", "error", "A required key is missing."),
    _C("type", "error", "A value of the wrong kind, e.g. YAML reads NO as false or 1.10 as 1.1."),
    _C("bad-value", "error", "A value that is not one of those allowed (must, should …)."),
    _C("bad-id", "error", "An id that is not lowercase ASCII words joined by '-'."),
    _C("long-id", "error", "An id over 64 characters (ids become file names)."),
    _C("empty", "error", "A required text is empty."),
    _C("schema-version", "error", "A schema_version this Luodi does not read."),
    # across objects
    _C("duplicate-id", "error", "An id used twice where ids must be unique."),
    _C("duplicate-order", "error", "Two phases with the same order."),
    _C("reserved-id", "error", "An id that is the anchor of a section Luodi writes on the page."),
    _C("unknown-ref", "error", "A reference to an id that does not exist (with the closest one)."),
    _C("raci-conflict", "error", "A role in two of R, C and I on one item."),
    _C("prerequisite-cycle", "error", "Training modules that require each other in a cycle."),
    _C("lesson-no-content", "warning", "A lesson with no teaching text (content)."),
    _C("lesson-durations", "warning", "A module whose lessons' durations do not add up to its "
       "duration."),
    _C("bad-url", "error", "A material's url that is neither a web address (https://…) nor a "
       "path of the site."),
    _C("material-targets", "error", "A material that gives more than one of url, form and "
       "export."),
    # forks
    _C("extends-cycle", "error", "Playbooks that extend each other in a cycle."),
    _C("overlay-unknown-id", "error", "A fork overrides or removes an id its parent does not have "
       "(with the closest one), or adds one without a title."),
    _C("overlay-type", "error", "A fork's value of another kind than the parent's it replaces."),
    _C("overlay-null", "error", "A fork's null or empty list, which removes nothing (use "
       "remove: [id])."),
    _C("overlay-new-based-on", "error", "based_on on an object the parent does not have."),
    _C("overlay-no-base", "warning", "A fork's override or removal that does not record which "
       "version of the parent's object it was made against (based_on, id@version)."),
    _C("drift", "warning", "The parent changed an object under a fork's override or removal "
       "since it was made."),
    # status.yaml (a project's state)
    _C("status-unknown-id", "error", "status.yaml names an item, phase, form or exit criterion "
       "the playbook does not have (with the closest one)."),
    _C("status-removed", "error", "status.yaml names an item the fork removed."),
    _C("status-bad-date", "error", "A date in status.yaml that is not a date (YYYY-MM-DD)."),
    _C("status-no-evidence", "warning", "A Must item marked done in status.yaml without its "
       "evidence."),
    # the site
    _C("macro", "error", "A macro of Luodi's called wrongly on a hand-written page.",
       "test_hostile.py::test_a_macro_mistake_on_a_hand_written_page_names_the_page_and_line"),
)}


class UnknownCode(Exception):
    """A diagnostic with a code that is not registered: a bug in Luodi, never input."""


@dataclass(frozen=True)
class Diagnostic:
    source: Source
    code: str
    message: str
    hint: str = ""

    def __post_init__(self):
        if self.code not in CODES:
            raise UnknownCode(f"diagnostic code '{self.code}' is not registered (diagnostics.py)")

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    def format(self) -> str:
        """The diagnostic as printed: one line, and a hint line. Whatever the input held, it
        cannot drive the terminal, and invisible characters show (as \\u200b)."""
        text = f"{visible(str(self.source))}: {self.severity}[{self.code}]: {visible(self.message)}"
        if self.hint:
            text += f"\n  hint: {visible(self.hint)}"
        return text

    def sort_key(self):
        return (self.source.path, self.source.line, self.source.col, self.code, self.message)


def ignorable(codes) -> list[str]:
    """The codes of a --ignore or `ignore:` list, checked: each a registered warning (an error
    cannot be ignored); raises ValueError with what is wrong."""
    out = []
    for code in codes:
        if code not in CODES:
            raise ValueError(f"no diagnostic code '{visible(code)}'{did_you_mean(code, CODES)}")
        if CODES[code].severity == "error":
            raise ValueError(f"'{code}' is an error, which cannot be ignored; fix what it says")
        out.append(code)
    return out


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
