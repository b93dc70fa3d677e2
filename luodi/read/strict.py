"""Strict YAML: text → plain data that remembers where every key and value was written.

PyYAML alone is too lenient for files people edit by hand: it keeps the last of two duplicate keys,
builds anything an anchor/alias graph describes (alias bombs), and accepts any tag. Here the C
parser composes a node tree, and a small walk turns it into `Map`/`Seq` containers, refusing what a
playbook never needs. Every problem becomes a Diagnostic; nothing raises.
"""

from __future__ import annotations

import dataclasses
import datetime
import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import model
from ..diagnostics import Diagnostic
from ..memo import Memo
from ..model import Source
from ..text import code_point, forbidden_in_file, forbidden_in_value, line_col, why_forbidden

try:  # libyaml's C parser is ~10x faster; fall back to pure Python where it is missing.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 24

_STR = "tag:yaml.org,2002:str"
_ScalarNode = yaml.ScalarNode
_SequenceNode = yaml.SequenceNode
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class _Loader(_BaseLoader):
    """The safe loader with a shortcut in the resolver, which libyaml calls for every node.

    Most scalars in a playbook are quoted, or plain text starting with a character (a letter, a
    Chinese character) that no implicit type starts with: those are text without trying the
    regular expressions (a tenth of the time spent composing 10,000 items). Anything else takes
    PyYAML's own path. The class keeps its own copy of the resolver tables, so that what other
    code registers on PyYAML's loaders later cannot change how playbooks read.
    """

    yaml_implicit_resolvers = {
        first: list(rules) for first, rules in _BaseLoader.yaml_implicit_resolvers.items()}
    yaml_path_resolvers: dict = {}

    def resolve(self, kind, value, implicit):
        if kind is _ScalarNode:
            if not implicit[0] or value[:1] not in _IMPLICIT_FIRST:
                return _STR
            return super().resolve(kind, value, implicit)
        return _SEQ if kind is _SequenceNode else _MAP  # what PyYAML gives without path rules

    # Without path rules (yaml_path_resolvers is empty) PyYAML's hooks around every node only
    # check that there are none; libyaml calls them twice per node.
    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


# PyYAML's safe rules all name their first characters (none is registered for any character).
_IMPLICIT_FIRST = frozenset(_Loader.yaml_implicit_resolvers)
_constructor = yaml.constructor.SafeConstructor()
_SCALARS = {
    _STR: lambda node: node.value,
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
    "tag:yaml.org,2002:timestamp": _constructor.construct_yaml_timestamp,
}


class Map(dict):
    """A YAML mapping: a dict that knows where it, each key and each value were written.

    `raw` keeps the text of scalars YAML read as something other than a string, so that a message
    can say "YAML reads NO as false".
    """

    def __init__(self, source: Source):
        super().__init__()
        self.source = source
        self.key_sources: dict[str, Source] = {}
        self.value_sources: dict[str, Source] = {}
        self.raw: dict[str, str] = {}

    def where(self, key: str) -> Source:
        return self.value_sources.get(key, self.source)


class Seq(list):
    """A YAML sequence: a list that knows where it and each element were written."""

    def __init__(self, source: Source):
        super().__init__()
        self.source = source
        self.item_sources: list[Source] = []
        self.raw: dict[int, str] = {}

    def where(self, index: int) -> Source:
        return self.item_sources[index] if index < len(self.item_sources) else self.source


@dataclass
class Loaded:
    """The result of loading one file: data (a Map, or None when unusable) and diagnostics."""

    path: str
    data: Map | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


# Keys written with a full-width colon (title：准备) or lines indented with an ideographic space
# are typos of Chinese input methods that YAML reports confusingly or not at all.
_FULLWIDTH_KEY = re.compile(r"^([ ]*(?:-[ ]+)?)([A-Za-z_][A-Za-z0-9_]*)[ ]*：")
# Only the format's own keys count: "- UAT：全部通过" is text, "title：准备" a typo.
_FORMAT_KEYS = frozenset(
    f.name for cls in vars(model).values() if dataclasses.is_dataclass(cls)
    for f in dataclasses.fields(cls)) | set(model.OVERLAY_KEYS)
_BLOCK_START = re.compile(r"(?::|^[ ]*-)[ ]+[|>][-+0-9]*[ ]*$")
_IDEOGRAPHIC_INDENT = re.compile(r"^[ \t]*\u3000")


def load_file(path: Path | str, display: str | None = None, memo: Memo | None = None) -> Loaded:
    """Read and parse one YAML file; `display` is the path used in diagnostics. With a `memo`
    (under `mkdocs serve`), a file whose bytes are those of the previous load is not parsed
    again: the result is shared, so nothing after the reader may change it (overlay.py
    merges into copies)."""
    path = Path(path)
    name = display or path.as_posix()
    try:
        # Non-blocking, then checked: opening a FIFO for reading would wait for a writer forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return _fail(name, 1, 1, "unreadable", *path_problem(path, exc))
    kind = stat.S_IFMT(os.fstat(fd).st_mode)
    if kind != stat.S_IFREG:
        os.close(fd)
        return _fail(name, 1, 1, "unreadable",
                     f"this is {_FILE_TYPES.get(kind, 'not a regular file')}, not a file",
                     "a playbook file is an ordinary text file; remove or replace it")
    with open(fd, "rb") as stream:
        try:
            data = stream.read(MAX_BYTES + 1)  # never trust the size a special file reports
        except OSError as exc:
            return _fail(name, 1, 1, "unreadable", *path_problem(path, exc))
    if len(data) > MAX_BYTES:
        size = max(os.stat(path).st_size, len(data))
        return _fail(name, 1, 1, "too-large",
                     f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit",
                     "split it: one file per phase, role or form")
    if memo is None:
        return load_bytes(data, name)
    loaded = memo.get((name, data))
    if loaded is None:
        loaded = load_bytes(data, name)
        memo.put((name, data), loaded)
    return loaded


_FILE_TYPES = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a named pipe (FIFO)",
               stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device"}


def path_problem(path: Path, exc: OSError) -> tuple[str, str]:
    """(message, hint) for a file or folder that cannot be read: what is wrong with the path
    itself (a broken or looping link, no permission) rather than the bare system error."""
    if exc.errno == errno.ELOOP:
        return "this symbolic link points, through others, back at itself", \
            "fix or remove the link"
    if os.path.islink(path) and not os.path.exists(path):
        return f"this symbolic link points at '{os.readlink(path)}', which does not exist", \
            "fix or remove the link"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: Luodi cannot read this", \
            "give the user who builds the site read access (chmod a+r, or a+rx for a folder)"
    if exc.errno == errno.EISDIR:
        return "this is a folder, not a file", "a playbook file is an ordinary text file"
    return f"cannot read this: {exc.strerror or exc}", ""


def load_bytes(data: bytes, name: str) -> Loaded:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return _fail(name, line, col, "encoding",
                     f"invalid UTF-8 (byte 0x{data[exc.start]:02x})",
                     "save the file as UTF-8 (GBK/GB2312 are not supported)")
    return load_text(text, name)


def load_text(text: str, name: str) -> Loaded:
    # Before YAML reads the text: PyYAML reports some of these characters at 1:1, and counts
    # U+0085, U+2028 and U+2029 as line breaks, which would shift every later position.
    bad = _forbidden_characters(text, name)
    if bad:
        return Loaded(name, None, bad)
    typo = _input_method_typos(text, name)
    if typo:
        return Loaded(name, None, typo)
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        return Loaded(name, None, [_syntax_error(exc, text, name)])
    except yaml.YAMLError as exc:  # errors without a mark (rare: reader errors)
        return _fail(name, 1, 1, "yaml-syntax", str(exc).splitlines()[0])
    # An empty document ('---' alone, or only comments) is a null scalar or nothing.
    documents = [d for d in documents if d is not None and not (
        isinstance(d, yaml.ScalarNode) and d.tag == "tag:yaml.org,2002:null" and not d.value)]
    if not documents:
        return _fail(name, 1, 1, "empty-file", "file is empty",
                     "write the object's keys, starting with id:")
    if len(documents) > 1:
        second = documents[1].start_mark
        return _fail(name, second.line + 1, second.column + 1, "multiple-documents",
                     "several YAML documents in one file",
                     "remove the '---' separator: one file holds one object")
    root = documents[0]
    builder = _Builder(name, text)
    value = builder.build(root, 1)
    if builder.diagnostics:
        return Loaded(name, None, builder.diagnostics)
    if not isinstance(value, Map):
        where = _source(name, root.start_mark)
        return Loaded(name, None, [Diagnostic(where, "not-a-mapping",
                                              "the file must hold a mapping of keys (id: …)")])
    return Loaded(name, value, [])


_MAX_REPORTED = 20  # characters reported per file; the rest are the same mistake again


def _forbidden_characters(text: str, name: str) -> list[Diagnostic]:
    found = []
    match = forbidden_in_file(text)
    while match and len(found) < _MAX_REPORTED:
        line, col = line_col(text, match.start())
        found.append(Diagnostic(Source(name, line, col), "bad-character",
                                f"{code_point(match.group())} is not allowed in a playbook",
                                why_forbidden(match.group())))
        match = forbidden_in_file(text, match.end())
    return found


def _fail(name: str, line: int, col: int, code: str, message: str, hint: str = "") -> Loaded:
    return Loaded(name, None, [Diagnostic(Source(name, line, col), code, message, hint)])


def _source(name: str, mark) -> Source:
    return Source(name, mark.line + 1, mark.column + 1)


_ANY_KEY_TYPO = re.compile(r"[ ]*(?:-[ ]+)?[A-Za-z_][A-Za-z0-9_]*[ ]*：")


def _may_have_typos(text: str) -> bool:
    """A quick look for what _input_method_typos reports. Full-width colons are common in
    Chinese values, so only the lines that hold one are looked at, from their start."""
    if "\u3000" in text:
        return True
    colon = text.find("：")
    while colon != -1:
        if _ANY_KEY_TYPO.match(text, text.rfind("\n", 0, colon) + 1):
            return True
        line_end = text.find("\n", colon)
        if line_end == -1:
            return False
        colon = text.find("：", line_end)
    return False


def _input_method_typos(text: str, name: str) -> list[Diagnostic]:
    if not _may_have_typos(text):
        return []  # the common case, without a scan line by line
    found = []
    in_block = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("#"):
            continue
        if in_block and (line.startswith(" ") or not line.strip()):
            continue  # inside a literal block (|, >) anything goes
        in_block = bool(_BLOCK_START.search(line))
        match = _IDEOGRAPHIC_INDENT.match(line)
        if match:
            found.append(Diagnostic(
                Source(name, number, match.end()), "fullwidth-space",
                "line is indented with a full-width space (U+3000)",
                "indent with ordinary spaces; switch the input method to half-width (半角)"))
            continue
        match = _FULLWIDTH_KEY.match(line)
        if match and match.group(2) in _FORMAT_KEYS:
            found.append(Diagnostic(
                Source(name, number, match.end()), "fullwidth-colon",
                f"key '{match.group(2)}' is followed by a full-width colon '：'",
                f"write an ASCII colon and a space: '{match.group(2)}: '"))
    return found


_SYNTAX_HINTS = (
    ("tab character", "indent with spaces: YAML does not allow tabs for indentation"),
    ("found character '\\t'", "indent with spaces: YAML does not allow tabs for indentation"),
    ("flow sequence", "a '[' is not closed by ']'; quote text that starts with '['"),
    ("flow mapping", "a '{' is not closed by '}'; quote text that starts with '{'"),
    ("found unexpected end of stream", "a quote or bracket is not closed"),
    ("found character '@'", "text starting with @ or ` must be quoted"),
    ("found character '`'", "text starting with @ or ` must be quoted"),
    ("mapping values are not allowed", "a value contains ': '; put the whole value in quotes"),
    ("expected <block end>", "check the indentation of this line against the lines above"),
)


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, name: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "syntax error"
    hint = next((h for needle, h in _SYNTAX_HINTS if needle in str(exc)), "")
    line_text = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
    if "：" in line_text and not hint:
        hint = "this line has a full-width colon '：'; after a key, write ': '"
    where = _source(name, mark) if mark else Source(name, 1, 1)
    return Diagnostic(where, "yaml-syntax", problem, hint)


# Source(…) without the named tuple's own __new__, a Python function: the walk below makes
# two for each key and one for each list element (half a million for 10,000 items).
_new_source = tuple.__new__

# A superset of anchors: '&' and a character that can start an anchor's name ("A & B" is not one).
_MAYBE_ANCHOR = re.compile(r"&[^\s\[\]{},]")


class _Builder:
    """Walks a composed node tree into Map/Seq/scalars, collecting diagnostics."""

    def __init__(self, name: str, text: str):
        self.name = name
        self.text = text
        # An alias makes the composer hand out the same node twice. Refusing every shared node
        # stops alias bombs before anything walks their exponential expansion. An alias needs
        # an anchor (&name) in the text (libyaml refuses an undefined one): without anything
        # that looks like one, no node can be shared and none is tracked.
        self.seen: set[int] | None = set() if _MAYBE_ANCHOR.search(text) else None
        self.diagnostics: list[Diagnostic] = []

    def error(self, mark, code: str, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(_source(self.name, mark), code, message, hint))

    def build(self, node, depth: int):
        if self.seen is not None:
            if id(node) in self.seen:
                self._alias_error()
                return None
            self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.error(node.start_mark, "too-deep",
                       f"nesting is deeper than {MAX_DEPTH} levels",
                       "a playbook never needs this much nesting; check the indentation")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            return self.sequence(node, depth)
        return self.scalar(node)

    def _alias_error(self) -> None:
        if any(d.code == "alias" for d in self.diagnostics):
            return
        for token in yaml.scan(self.text, Loader=_Loader):
            if isinstance(token, yaml.AliasToken):
                self.error(token.start_mark, "alias",
                           f"anchors and aliases (&{token.value} / *{token.value}) are not "
                           "supported", "write the value out in full where it is needed")
                return

    def scalar(self, node):
        if node.style == '"':  # only a double-quoted scalar has escapes such as "\u0080"
            self.check_escapes(node)
        constructor = _SCALARS.get(node.tag)
        if constructor is None:
            self.error(node.start_mark, "yaml-tag", f"YAML tag '{_short(node.tag)}' is not allowed",
                       "playbooks hold plain text, numbers, lists and mappings only; "
                       "remove the '!' tag")
            return None
        try:
            return constructor(node)
        except (ValueError, yaml.YAMLError):  # e.g. an impossible date such as 2024-13-45
            return node.value

    def check_escapes(self, node) -> None:
        bad = forbidden_in_value(node.value)
        if bad:
            self.error(node.start_mark, "bad-character",
                       f"this text holds {code_point(bad.group())}, written as an escape",
                       why_forbidden(bad.group()))

    def _check_tag(self, node, expected: str) -> bool:
        if node.tag != expected:
            self.error(node.start_mark, "yaml-tag", f"YAML tag '{_short(node.tag)}' is not allowed",
                       "remove the '!' tag")
            return False
        return True

    def child(self, node, depth: int):
        """build(), with the common case (a plain text scalar) inlined: most nodes are that."""
        if (node.__class__ is _ScalarNode and node.tag == _STR and depth <= MAX_DEPTH
                and self.seen is None and node.style != '"'):
            return node.value
        return self.build(node, depth)

    def mapping(self, node, depth: int) -> Map | None:
        if not self._check_tag(node, _MAP):
            return None
        name = self.name
        result = Map(_source(name, node.start_mark))
        key_sources, value_sources = result.key_sources, result.value_sources
        for key_node, value_node in node.value:
            if key_node.__class__ is not _ScalarNode or key_node.tag != _STR:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self._alias_error()
                    if not any(d.code == "alias" for d in self.diagnostics):
                        self.error(key_node.start_mark, "merge-key",
                                   "'<<' merge keys are not supported",
                                   "write the keys out in full in this mapping")
                    continue
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "…"
                self.error(key_node.start_mark, "key-type",
                           f"key {shown!s} is not text (YAML reads it as "
                           f"{_kind(key_node.tag)})", f'quote the key: "{shown}":')
                continue
            key = key_node.value
            if key_node.style == '"':
                self.check_escapes(key_node)
            if key in result:
                self.error(key_node.start_mark, "duplicate-key",
                           f"duplicate key '{key}'; the first is at {key_sources[key]}",
                           "YAML would silently keep only the last one; remove one of them")
                continue
            result[key] = self.child(value_node, depth + 1)
            mark = key_node.start_mark
            key_sources[key] = _new_source(Source, (name, mark.line + 1, mark.column + 1))
            mark = value_node.start_mark
            value_sources[key] = _new_source(Source, (name, mark.line + 1, mark.column + 1))
            if value_node.tag != _STR and value_node.__class__ is _ScalarNode:
                result.raw[key] = value_node.value
        return result

    def sequence(self, node, depth: int) -> Seq | None:
        if not self._check_tag(node, _SEQ):
            return None
        name = self.name
        result = Seq(_source(name, node.start_mark))
        item_sources = result.item_sources
        for index, child in enumerate(node.value):
            result.append(self.child(child, depth + 1))
            mark = child.start_mark
            item_sources.append(_new_source(Source, (name, mark.line + 1, mark.column + 1)))
            if child.tag != _STR and child.__class__ is _ScalarNode:
                result.raw[index] = child.value
        return result


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _kind(tag: str) -> str:
    return {
        "tag:yaml.org,2002:int": "a number",
        "tag:yaml.org,2002:float": "a number",
        "tag:yaml.org,2002:bool": "a boolean",
        "tag:yaml.org,2002:null": "empty (null)",
        "tag:yaml.org,2002:timestamp": "a date",
    }.get(tag, tag)


def describe(value) -> str:
    """What YAML made of a scalar, for messages: False → 'the boolean false'."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "nothing (null)"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"the date {value.isoformat()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, Map):
        return "a mapping"
    if isinstance(value, Seq):
        return "a list"
    return "text"
