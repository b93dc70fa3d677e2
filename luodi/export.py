"""Exports: a form as an editable Word document, the checklist as CSV or Excel, the playbook as JSON.

Every function here turns a loaded `Playbook` into bytes and nothing else; `write_output` puts
bytes on disk safely (never over an existing file unless asked, through a temporary file and an
atomic rename). The same bytes are published next to the site's pages by `site_downloads`.

Every export is deterministic: the same playbook gives byte-identical files. Word and Excel files
are zip archives that carry timestamps (zip entries and core properties); both are fixed here.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
import os
import re
import stat
import tempfile
import zipfile
from datetime import datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from . import __version__
from .diagnostics import did_you_mean
from .i18n import label
from .model import Form, Node, Playbook
from .places import download_path
from .render.form import criteria_rows, field_value

# Fonts common on Chinese Windows: 宋体 for the body, 黑体 for headings. Set for both the Latin
# (ascii/hAnsi) and the East Asian slots: Word picks the font of a Chinese character from
# w:eastAsia and ignores w:ascii for it.
BODY_FONT = "SimSun"
HEADING_FONT = "SimHei"

# Zip entries cannot be dated before 1980; core properties get the same instant.
FIXED_TIME = datetime(1980, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# A cell starting with one of these is a formula (or starts one) in Excel, LibreOffice and
# Google Sheets: '=1+1', '+1', '-1', '@SUM(…)', and tab/CR variants of them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (Word and Excel files are XML): C0 controls but tab/LF/CR.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

class ExportError(Exception):
    """A problem the user can fix (unknown id, file exists …); the CLI prints it on one line."""


# ------------------------------------------------------------------ looking things up


def find_form(playbook: Playbook, form_id: str) -> Form:
    """The form with this id (or a former id, from its aliases), or an ExportError."""
    for form in playbook.forms:
        if form.id == form_id or form_id in form.aliases:
            return form
    ids = [f.id for f in playbook.forms]
    known = f"; its forms: {', '.join(ids)}" if ids else "; it has no forms"
    raise ExportError(f"playbook '{playbook.id}' has no form '{form_id}'"
                      f"{did_you_mean(form_id, ids)}{known}")


def _role_title(playbook: Playbook, role_id: str) -> str:
    return next((r.title for r in playbook.roles if r.id == role_id), role_id)


# ------------------------------------------------------------------ text cleaning


def clean(text: str) -> str:
    """Text without the control characters an XML file (docx, xlsx) cannot contain."""
    return _XML_ILLEGAL.sub("", text)


def neutralise(text: str) -> str:
    """A spreadsheet cell that can never be read as a formula: a leading '=' '+' '-' '@' (or
    tab/CR) gets a single quote in front, the usual defence against CSV/formula injection."""
    return "'" + text if text.startswith(FORMULA_START) else text


# ------------------------------------------------------------------ JSON


def playbook_data(playbook: Playbook) -> dict:
    """The whole playbook as plain data: model fields in declaration order, phases, roles and
    forms attached, defaults written out, internal fields (`source`, `sources` …) left out.
    `generator` names the Luodi that wrote it."""
    data = _plain(playbook)
    out = {"schema_version": data.pop("schema_version"),
           "generator": {"name": "luodi", "version": __version__}}
    out.update(data)
    return out


# Internal fields (where things were written: source, sources …) are left out, except the
# parts the loader attaches to a playbook from its own files.
_ATTACHED = ("phases", "roles", "forms")


def _plain(value):
    if isinstance(value, Node):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.metadata.get("internal") or f.name in _ATTACHED}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def playbook_json(playbook: Playbook) -> bytes:
    """UTF-8 JSON with Chinese kept as is, two-space indent and a final newline."""
    text = json.dumps(playbook_data(playbook), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


# ------------------------------------------------------------------ checklist (CSV, xlsx)


def checklist_table(playbook: Playbook) -> tuple[list[str], list[list[str]]]:
    """Header and one row per checklist item, as plain text, in the playbook's language.

    Roles are shown by title. The RACI takes four columns; several roles in one cell are joined
    with the language's list separator. Tags are separated by spaces (a space inside a tag
    becomes '_') because Jira's Labels field splits on spaces.
    """
    def t(key: str) -> str:
        return label(playbook.language, key)

    sep = t("list-separator")
    header = [t("phase"), t("id"), t("item"), t("owner"), t("col-responsible"),
              t("col-accountable"), t("col-consulted"), t("col-informed"), t("priority"),
              t("evidence"), t("detail"), t("tags")]
    rows = []
    for phase, item in playbook.items():
        roles = item.raci_roles()
        raci = [sep.join(_role_title(playbook, r) for r in roles[key] if r)
                for key in ("responsible", "accountable", "consulted", "informed")]
        tags = " ".join("_".join(tag.split()) for tag in item.tags)
        rows.append([phase.title, item.id, item.title, _role_title(playbook, item.owner), *raci,
                     t(item.priority), item.evidence, item.detail, tags])
    return header, rows


def _cells(playbook: Playbook) -> list[list[str]]:
    header, rows = checklist_table(playbook)
    return [[clean(cell) for cell in row] for row in [header, *rows]]


def checklist_csv(playbook: Playbook) -> bytes:
    """CSV as Excel reads it: UTF-8 with a BOM (else Excel shows Chinese as mojibake), CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in _cells(playbook))
    return buffer.getvalue().encode("utf-8-sig")


# Column widths (characters) of the spreadsheet, and which columns wrap their text.
_XLSX_WIDTHS = (14, 22, 36, 14, 16, 14, 16, 16, 10, 30, 60, 16)
_XLSX_WRAP = {2, 9, 10}


def checklist_xlsx(playbook: Playbook) -> bytes:
    """An Excel workbook: bold header row, auto filter, header frozen (panes at A2)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.xml.functions import tostring

    cells = _cells(playbook)
    book = Workbook()
    sheet = book.active
    sheet.title = clean(label(playbook.language, "checklist"))[:31] or "checklist"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    top, wrap = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
    for r, row in enumerate(cells, 1):
        for c, text in enumerate(row, 1):
            cell = sheet.cell(row=r, column=c)
            cell.value = text
            cell.data_type = "s"  # text, always: never a formula, a number or a date
            # Shown as typed, and still text when someone edits the cell (no visible ').
            cell.quotePrefix = text.startswith(FORMULA_START)
            if r == 1:
                cell.font, cell.fill = bold, fill
            else:
                cell.alignment = wrap if c - 1 in _XLSX_WRAP else top
    for c, width in enumerate(_XLSX_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(cells[0]))}{len(cells)}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    props = book.properties
    props.title = clean(f"{playbook.title} · {label(playbook.language, 'checklist')}")
    props.creator = props.lastModifiedBy = "Luodi"
    props.created = props.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps 'modified' with the current time while saving: write the fixed one back.
    props.modified = FIXED_TIME
    with zipfile.ZipFile(buffer) as book_zip:
        entries = [(name, book_zip.read(name)) for name in book_zip.namelist()]
    core = tostring(props.to_tree())
    return _fixed_zip([(name, core if name == "docProps/core.xml" else data)
                       for name, data in entries])


# ------------------------------------------------------------------ form (docx)

# A4 with 2.2 cm side margins leaves 16.6 cm for tables.
_CM_WIDE = 16.6


def form_docx(playbook: Playbook, form: Form) -> bytes:
    """The form as an editable Word document, filled from the playbook's variables.

    python-docx makes the package once per language (`_docx_template`: default template,
    styles, page, properties); each form's body is written as WordprocessingML (`_Body`).
    python-docx's cell API recomputes a table's grid on each access, and opening and saving a
    package per form cost more than the form: together they made the forms cost more than all
    of a site's pages (bench/)."""
    def t(key: str, **values) -> str:
        return label(playbook.language, key, **values)

    body = _Body()
    phase = playbook.phase(form.phase)
    body.heading(form.title, 1)
    body.paragraph(body.run(t("form-subtitle", playbook=playbook.title, phase=phase.title),
                            size=9), center=True)
    if form.summary:
        body.paragraph(body.run(form.summary))

    if form.fields:
        body.heading(t("form-header"), 2)
        rows = []
        for fld in form.fields:
            text = field_value(playbook, fld)
            if not text and fld.type == "choice" and fld.options:
                text = t("option-separator").join(f"☐ {o}" for o in fld.options)
            value = [body.cell_paragraph(body.run(text) if text else "")]
            height = 2.2 if not text and fld.type == "textarea" else None
            rows.append(([body.cell_paragraph(body.run(fld.label + (" *" if fld.required else ""),
                                                       bold=True))], value, height))
        body.table([4.6, _CM_WIDE - 4.6], [(cells, h) for *cells, h in rows])
        if any(f.required for f in form.fields):
            body.paragraph(body.run(f"* {t('required-mark')}", size=9))

    def number(n: int) -> list[str]:
        return [body.cell_paragraph(body.run(str(n)), center=True)]

    tick = [body.cell_paragraph(body.run("☐"), center=True)]
    criteria = criteria_rows(playbook, form)
    if criteria:
        body.heading(t("criteria"), 2)
        rows = []
        for n, (_, title, detail) in enumerate(criteria, 1):
            text = [body.cell_paragraph(body.run(title))]
            if detail:
                text.append(body.cell_paragraph(body.run(detail, size=9)))
            rows.append(([number(n), text, tick, tick, [body.cell_paragraph("")]], None))
        body.table([1.0, 9.1, 1.8, 1.8, 2.9], rows,
                   ["#", t("criterion"), t("pass"), t("fail"), t("remarks")])

    if form.include_deliverables and phase.deliverables:
        body.heading(t("deliverables"), 2)
        rows = [([number(n), [body.cell_paragraph(body.run(item.title))], tick,
                  [body.cell_paragraph("")]], None)
                for n, item in enumerate(phase.deliverables, 1)]
        body.table([1.0, 10.9, 1.8, 2.9], rows, ["#", t("deliverables"), t("pass"), t("remarks")])

    if form.notes:
        body.heading(t("notes"), 2)
        for n, note in enumerate(form.notes, 1):
            body.paragraph(body.run(f"{n}. {' '.join(note.split())}"), hanging=0.7)

    body.heading(t("signatures"), 2)
    for role_id in form.signatories:
        caption = t("labelled", label=t("signatory"), value=_role_title(playbook, role_id))
        body.paragraph(body.run(caption, font=HEADING_FONT), keep_next=True, space_before=10)
        rows = []
        for i, key in enumerate(("name", "signature", "date")):
            keep = i < 2  # keep the three rows and the caption on one page
            rows.append(([[body.cell_paragraph(body.run(t(key), bold=True), keep_next=keep)],
                          [body.cell_paragraph("", keep_next=keep)]],
                         1.6 if key == "signature" else 0.9))
        body.table([4.6, _CM_WIDE - 4.6], rows)

    template = _docx_template(playbook.language)
    parts = dict(template)
    document = parts["word/document.xml"].decode("utf-8")
    at = document.rindex("<w:sectPr")
    parts["word/document.xml"] = (document[:at] + body.xml() + document[at:]).encode("utf-8")
    filled = {_TITLE_MARK: form.title, _SUBJECT_MARK: playbook.title}
    parts["docProps/core.xml"] = _MARKS.sub(  # one pass: a title may contain a mark's text
        lambda m: xml_escape(clean(filled[m.group(0)])).encode("utf-8"),
        parts["docProps/core.xml"])
    return _fixed_zip(list(parts.items()))


_TITLE_MARK, _SUBJECT_MARK = b"LUODI-FORM-TITLE", b"LUODI-FORM-SUBJECT"
_MARKS = re.compile(re.escape(_TITLE_MARK) + b"|" + re.escape(_SUBJECT_MARK))


@cache
def _docx_template(language: str) -> tuple[tuple[str, bytes], ...]:
    """The parts of an empty form document in this language, in package order: styles, A4
    page and properties set, the title and subject left as marks to fill in."""
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    _setup_styles(doc, language, Pt, RGBColor)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    core = doc.core_properties
    core.title = _TITLE_MARK.decode()
    core.subject = _SUBJECT_MARK.decode()
    core.author = core.last_modified_by = "Luodi"
    core.comments = ""
    core.keywords = ""
    core.language = "zh-CN" if language == "zh" else "en-US"
    core.revision = 1
    core.created = core.modified = FIXED_TIME
    # The default template carries a thumbnail of some other document: drop it.
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[rel_id]
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as package_zip:
        return tuple((entry, package_zip.read(entry)) for entry in package_zip.namelist())


def _twips(cm: float) -> int:
    return round(cm * 360000 / 635)  # as python-docx's Cm(…).twips


class _Body:
    """A Word document's body as WordprocessingML text: paragraphs, runs and tables in the
    fonts and layout of Luodi's forms. Elements are emitted in the schema's order."""

    def __init__(self):
        self.parts: list[str] = []

    def xml(self) -> str:
        """The body's elements, for a document.xml that declares the w: prefix."""
        return "".join(self.parts)

    @staticmethod
    def run(text: str, *, font: str = BODY_FONT, bold: bool = False,
            size: float | None = None) -> str:
        props = (f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" '
                 f'w:cs="{font}"/>' + ("<w:b/>" if bold else "")
                 + (f'<w:sz w:val="{round(size * 2)}"/>' if size else ""))
        content = []
        for n, line in enumerate(clean(text).replace("\r", "\n").split("\n")):
            if n:
                content.append("<w:br/>")
            for m, piece in enumerate(line.split("\t")):
                if m:
                    content.append("<w:tab/>")
                if piece:
                    space = ' xml:space="preserve"' if piece != piece.strip() else ""
                    content.append(f"<w:t{space}>{xml_escape(piece)}</w:t>")
        return f"<w:r><w:rPr>{props}</w:rPr>{''.join(content)}</w:r>"

    @staticmethod
    def cell_paragraph(runs: str, *, style: str = "", keep_next: bool = False,
                       center: bool = False, space_before: float = 0,
                       hanging: float = 0) -> str:
        props = ((f'<w:pStyle w:val="{style}"/>' if style else "")
                 + ("<w:keepNext/>" if keep_next else "")
                 + (f'<w:spacing w:before="{round(space_before * 20)}"/>' if space_before else "")
                 + (f'<w:ind w:left="{_twips(hanging)}" w:hanging="{_twips(hanging)}"/>'
                    if hanging else "")
                 + ('<w:jc w:val="center"/>' if center else ""))
        return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"

    def paragraph(self, runs: str, **props) -> None:
        self.parts.append(self.cell_paragraph(runs, **props))

    def heading(self, text: str, level: int) -> None:
        self.paragraph(self.run(text, font=HEADING_FONT), style=f"Heading{level}",
                       keep_next=True, center=level == 1)

    def table(self, widths: list[float], rows: list[tuple[list[list[str]], float | None]],
              header: list[str] | None = None) -> None:
        """rows: (cells, height in cm or None); a cell is a list of paragraphs. A header row
        repeats on every page; no row splits across pages."""
        grid = [_twips(w) for w in widths]
        out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
               '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" '
               'w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" '
               'w:val="04A0"/></w:tblPr><w:tblGrid>',
               *(f'<w:gridCol w:w="{w}"/>' for w in grid), "</w:tblGrid>"]
        if header:
            rows = [([[self.cell_paragraph(self.run(text, font=HEADING_FONT), center=True)]
                      for text in header], None), *rows]
        for n, (cells, height) in enumerate(rows):
            out.append('<w:tr><w:trPr><w:cantSplit w:val="true"/>'
                       + ('<w:tblHeader w:val="true"/>' if header and n == 0 else "")
                       + (f'<w:trHeight w:val="{_twips(height)}"/>' if height else "")
                       + "</w:trPr>")
            for width, paragraphs in zip(grid, cells, strict=True):
                out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>'
                           f'<w:vAlign w:val="center"/></w:tcPr>{"".join(paragraphs)}</w:tc>')
            out.append("</w:tr>")
        out.append("</w:tbl>")
        self.parts.append("".join(out))


def _set_font(rpr, font: str) -> None:
    """Set one font for Latin and East Asian text on an rPr, dropping theme fonts that win
    over explicit ones."""
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _setup_styles(doc, language: str, Pt, RGBColor) -> None:
    from docx.oxml.ns import qn

    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_font(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "zh-CN" if language == "zh" else "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    normal = styles["Normal"]
    _set_font(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font.size = Pt(10.5)  # 五号
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Heading 1", 18), ("Heading 2", 13)):
        style = styles[name]
        _set_font(style.element.get_or_add_rPr(), HEADING_FONT)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(14 if size > 13 else 12)
        style.paragraph_format.space_after = Pt(6)


def _fixed_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of these entries with fixed dates and attributes, so that equal content gives
    equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, data)
    return out.getvalue()


# ------------------------------------------------------------------ the site


def site_downloads(playbook: Playbook, json_bytes: bytes | None = None) -> dict[str, bytes]:
    """The files published next to a playbook's pages, by path relative to the site root;
    `json_bytes`: playbook_json(playbook) when the caller made it already."""
    return {path: make() for path, make in _download_makers(playbook, json_bytes)}


def download_paths(playbook: Playbook) -> list[str]:
    """The paths site_downloads() returns, without making the files."""
    return [path for path, _ in _download_makers(playbook)]


def _download_makers(playbook: Playbook, json_bytes: bytes | None = None):
    yield download_path(playbook, "json"), lambda: json_bytes or playbook_json(playbook)
    yield download_path(playbook, "csv"), lambda: checklist_csv(playbook)
    yield download_path(playbook, "xlsx"), lambda: checklist_xlsx(playbook)
    for form in playbook.forms:
        yield download_path(playbook, "docx", form.id), lambda f=form: form_docx(playbook, f)


# ------------------------------------------------------------------ writing files safely


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
