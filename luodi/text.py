"""Characters: what playbook text may hold, how to show text in a terminal, how to write it as YAML.

One policy for the whole engine. The reader refuses the characters that have no business in
playbook text (`forbidden`); diagnostics show invisible characters as escapes (`visible`); and
every piece of YAML Luodi writes (front matter, a new fork's playbook.yaml) quotes text so that
any YAML reader gives back exactly the same string (`yaml_string`).
"""

from __future__ import annotations

import json
import re
import unicodedata

# Bidirectional embeddings, overrides and isolates: text that displays otherwise than it reads
# ("Trojan Source"). The marks U+200E/U+200F only nudge neutral characters and are allowed.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Noncharacters: U+FDD0-U+FDEF and the last two code points of each of the 17 planes. Those
# beyond the BMP get a pattern of their own: in one character class with the others they make
# every search ten times slower, and text rarely holds a character beyond the BMP at all.
_BMP_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff"
_ASTRAL_NONCHARACTER = re.compile("[" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)) + "]")
_NONCHARACTER = re.compile(f"[{_BMP_NONCHARACTERS}]|{_ASTRAL_NONCHARACTER.pattern}")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # a range is quick to search for
# Forbidden in a file's text: C0 controls but tab and line breaks, DEL, C1 controls, lone
# surrogates, noncharacters, bidi controls, and U+2028/U+2029, which YAML counts as line breaks
# and editors do not (every later line number would be off).
_FORBIDDEN_RAW = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029"
    + BIDI_CONTROLS + _BMP_NONCHARACTERS + "]")
# Forbidden in a value (what a double-quoted escape such as "\u0080" or "\r" can produce).
_FORBIDDEN_VALUE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029"
    + BIDI_CONTROLS + _BMP_NONCHARACTERS + "]")


def forbidden_in_file(text: str, start: int = 0) -> re.Match | None:
    """The first character at or after `start` that a playbook file may not hold."""
    return _first(_FORBIDDEN_RAW, text, start)


def forbidden_in_value(text: str) -> re.Match | None:
    """The first character a text value may not hold (tab and newline are fine)."""
    return _first(_FORBIDDEN_VALUE, text, 0)


def _first(pattern: re.Pattern, text: str, start: int) -> re.Match | None:
    found = pattern.search(text, start)
    if _ASTRAL.search(text, start):
        astral = _ASTRAL_NONCHARACTER.search(text, start, found.start() if found else len(text))
        return astral or found
    return found


# Unicode's name aliases of the controls people meet (unicodedata has no name for controls).
_CONTROL_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION",
                  0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE",
                  0x85: "NEXT LINE"}


def code_point(ch: str) -> str:
    """'U+0080 (a C1 control character)', 'U+001B ESCAPE (a control character)',
    'U+202E RIGHT-TO-LEFT OVERRIDE' …"""
    number = f"U+{ord(ch):04X}"
    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(ord(ch), "")
    if unicodedata.category(ch) == "Cc":
        return f"{number} {name} ({_kind(ch)})" if name else f"{number} ({_kind(ch)})"
    if name:
        return f"{number} {name}"
    return f"{number} ({_kind(ch)})"


def _kind(ch: str) -> str:
    n = ord(ch)
    if n < 0x20 or n == 0x7F:
        return "a control character"
    if 0x80 <= n <= 0x9F:
        return "a C1 control character"
    if 0xD800 <= n <= 0xDFFF:
        return "half of a UTF-16 surrogate pair, not a character"
    if _NONCHARACTER.fullmatch(ch):
        return "a noncharacter"
    return "an unnamed character"


def why_forbidden(ch: str) -> str:
    """A hint that says why the character is refused and what to do instead."""
    if ch in BIDI_CONTROLS:
        return ("bidirectional controls make text display differently from what it holds; "
                "delete it")
    if ch in "\u2028\u2029":
        return ("a line or paragraph separator: YAML counts it as a line break and editors do "
                "not; write an ordinary line break, or delete it")
    return "it is invisible and has no meaning in playbook text (often pasted from Word or a PDF); " \
           "delete it"


def line_col(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of text[index] as an editor shows them: lines end at LF,
    CR LF or CR, columns count characters."""
    before = text[:index]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return line, index - start + 1


# ------------------------------------------------------------------ showing text in a terminal


def visible(text: str) -> str:
    """Text safe to print in a terminal and unambiguous to read: control, format (zero-width,
    bidi), separator and unassigned characters become escapes such as \\u200b; so do line breaks,
    so that one message stays one line. The ideographic space of Chinese text stays."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == "\u3000" else _escape(ch) for ch in text)


def visible_id(text: str) -> str:
    """An id-like value for a message: `visible`, and where ASCII letters mix with other
    characters, those others escaped too (a Cyrillic 'м' in 'pм' reads as 'p\\u043c', not as 'pm')."""
    if text.isascii() or not re.search(r"[a-z0-9]", text):
        return visible(text)
    return "".join(ch if ch.isascii() and ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    n = ord(ch)
    return f"\\u{n:04x}" if n <= 0xFFFF else f"\\U{n:08x}"


# ------------------------------------------------------------------ writing YAML


def yaml_string(text: str) -> str:
    """A double-quoted YAML scalar that every YAML reader (PyYAML, libyaml, YAML 1.2 readers)
    reads back as exactly `text`. JSON's string syntax is YAML's double-quoted syntax; on top of
    it, every character that is not printable (controls, format and separator characters, lone
    surrogates, noncharacters) is written as an escape, because YAML readers refuse some of them
    raw and read U+0085, U+2028 and U+2029 as line breaks. A lone surrogate is not text: no
    YAML can hold it (libyaml refuses even its escape), so it is a ValueError."""
    return yaml_value(text)


def yaml_value(value) -> str:
    """A JSON value (text, number, true/false, list, mapping) as one line of flow YAML that
    reads back exactly (see yaml_string)."""
    out = json.dumps(value, ensure_ascii=False)
    if out.isprintable():
        return out
    surrogate = re.search("[\ud800-\udfff]", out)
    if surrogate:
        raise ValueError(f"{code_point(surrogate.group())} cannot be written as YAML")
    # json.dumps escaped the C0 controls; outside strings its output is ASCII, so whatever is
    # left to escape is inside a string.
    return "".join(ch if ch.isprintable() or unicodedata.category(ch) == "Zs" else _escape(ch)
                   for ch in out)


# How a text sorts in a Chinese index (the glossary): pypinyin is imported on first use.
_SPELLED: dict[str, str] = {}


def spelled(text: str) -> str:
    """A text as it sorts in a Chinese index: its characters in pinyin, syllable by syllable
    (闭环 'bi huan' before 变革 'bian ge'), anything else as it is, lowercase (MoSCoW → moscow)."""
    if text not in _SPELLED:
        from pypinyin import lazy_pinyin

        _SPELLED[text] = " ".join(part.strip() for part in lazy_pinyin(text)).lower()
    return _SPELLED[text]
