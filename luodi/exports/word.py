"""A form as an editable Word document (.docx), filled from the playbook's variables."""

from __future__ import annotations

import io
import re
import zipfile
from functools import cache, lru_cache
from html import escape

from ..i18n import label
from ..model import Form, Playbook
from .common import FIXED_TIME, clean, fixed_zip, role_title

# Fonts common on Chinese Windows: 宋体 for the body, 黑体 for headings. Set for both the Latin
# (ascii/hAnsi) and the East Asian slots: Word picks the font of a Chinese character from
# w:eastAsia and ignores w:ascii for it.
BODY_FONT = "SimSun"
HEADING_FONT = "SimHei"

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
            text = playbook.field_value(fld)
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
    criteria = playbook.form_criteria(form)
    if criteria:
        body.heading(t("criteria"), 2)
        rows = []
        for n, (_, title, detail, _covers) in enumerate(criteria, 1):
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
        caption = t("labelled", label=form.parties.get(role_id) or t("signatory"),
                    value=role_title(playbook, role_id))
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
        lambda m: _xml_text(clean(filled[m.group(0)])).encode("utf-8"),
        parts["docProps/core.xml"])
    return _docx(tuple(parts.items()))


# A document is a function of its parts, and zipping them takes most of a form's time: under
# `mkdocs serve` the forms an edit did not touch are not zipped again.
@lru_cache(maxsize=512)
def _docx(parts: tuple[tuple[str, bytes], ...]) -> bytes:
    return fixed_zip(list(parts))


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
                    content.append(f"<w:t{space}>{_xml_text(piece)}</w:t>")
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


def _xml_text(text: str) -> str:
    """Text as XML character data: &, < and > escaped (html's escape: xml.sax's would import
    urllib and email into every `luodi validate`, some 20 ms)."""
    return escape(text, quote=False)
