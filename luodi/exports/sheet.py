"""The checklist as a spreadsheet: CSV (UTF-8 with a BOM, for Excel and Jira) and xlsx.

Cells that a spreadsheet would read as a formula are neutralised (a leading quote, or Excel's
quote prefix), and no control character reaches the XML of an xlsx file.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile

from ..i18n import label
from ..model import Phase, Playbook
from ..status import item_status
from .common import FIXED_TIME, FORMULA_START, clean, fixed_zip, neutralise, role_title


def checklist_table(playbook: Playbook, phase: Phase | None = None
                    ) -> tuple[list[str], list[list[str]]]:
    """Header and one row per checklist item (of one phase, or of every phase), as plain text,
    in the playbook's language.

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
    # A project with status.yaml: where the team stands on each item (status.py).
    tracked = playbook.status is not None
    if tracked:
        header += [t("col-state"), t("col-by"), t("col-date"), t("col-proof")]
    rows = []
    for item_phase, item in playbook.items():
        if phase is not None and item_phase.id != phase.id:
            continue
        roles = item.raci_roles()
        raci = [sep.join(role_title(playbook, r) for r in roles[key] if r)
                for key in ("responsible", "accountable", "consulted", "informed")]
        tags = " ".join("_".join(tag.split()) for tag in item.tags)
        row = [item_phase.title, item.id, item.title, role_title(playbook, item.owner), *raci,
               t(item.priority), item.evidence, item.detail, tags]
        if tracked:
            state = item_status(playbook, item.id)
            row += [t("state-" + state.state), state.by, state.date, state.evidence]
        rows.append(row)
    return header, rows


def _cells(playbook: Playbook, phase: Phase | None) -> list[list[str]]:
    header, rows = checklist_table(playbook, phase)
    return [[clean(cell) for cell in row] for row in [header, *rows]]


def checklist_csv(playbook: Playbook, phase: Phase | None = None) -> bytes:
    """CSV as Excel reads it: UTF-8 with a BOM (else Excel shows Chinese as mojibake), CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in _cells(playbook, phase))
    return buffer.getvalue().encode("utf-8-sig")


# Column widths (characters) of the spreadsheet, and which columns wrap their text.
_XLSX_WIDTHS = (14, 22, 36, 14, 16, 14, 16, 16, 10, 30, 60, 16, 10, 12, 12, 30)
_XLSX_WRAP = {2, 9, 10}


def checklist_xlsx(playbook: Playbook, phase: Phase | None = None) -> bytes:
    """An Excel workbook (of one phase, or of every phase): bold header row, auto filter,
    header frozen (panes at A2)."""
    what = f"{phase.title} · " if phase else ""
    title = f"{playbook.title} · {what}{label(playbook.language, 'checklist')}"
    return _xlsx(tuple(tuple(row) for row in _cells(playbook, phase)),
                 label(playbook.language, "checklist"), title)


# A workbook is a function of its cells and titles alone, and openpyxl takes most of the time
# of a site's downloads: under `mkdocs serve` the phases an edit did not touch are not made
# again.
@functools.lru_cache(maxsize=512)
def _xlsx(cells: tuple[tuple[str, ...], ...], sheet_title: str, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.xml.functions import tostring

    book = Workbook()
    sheet = book.active
    sheet.title = clean(sheet_title)[:31] or "checklist"
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
    props.title = clean(title)
    props.creator = props.lastModifiedBy = "Luodi"
    props.created = props.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps 'modified' with the current time while saving: write the fixed one back.
    props.modified = FIXED_TIME
    with zipfile.ZipFile(buffer) as book_zip:
        entries = [(name, book_zip.read(name)) for name in book_zip.namelist()]
    core = tostring(props.to_tree())
    return fixed_zip([(name, core if name == "docProps/core.xml" else data)
                       for name, data in entries])
