"""What the exports share: their error, safe text for XML and spreadsheets, fixed zip archives.

Every export is deterministic: the same playbook gives byte-identical files. Word and Excel files
are zip archives that carry timestamps (zip entries and core properties); both are fixed here.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime

from ..model import Playbook
from ..places import url_of


class ExportError(Exception):
    """A problem the user can fix (unknown id, file exists …); the CLI prints it on one line."""


# Zip entries cannot be dated before 1980; core properties get the same instant.
FIXED_TIME = datetime(1980, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# A cell starting with one of these is a formula (or starts one) in Excel, LibreOffice and
# Google Sheets: '=1+1', '+1', '-1', '@SUM(…)', and tab/CR variants of them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (Word and Excel files are XML): C0 controls but tab/LF/CR.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """Text without the control characters an XML file (docx, xlsx) cannot contain."""
    return _XML_ILLEGAL.sub("", text)


def neutralise(text: str) -> str:
    """A spreadsheet cell that can never be read as a formula: a leading '=' '+' '-' '@' (or
    tab/CR) gets a single quote in front, the usual defence against CSV/formula injection."""
    return "'" + text if text.startswith(FORMULA_START) else text


def role_title(playbook: Playbook, role_id: str) -> str:
    return next((r.title for r in playbook.roles if r.id == role_id), role_id)


def fixed_zip(entries: list[tuple[str, bytes]]) -> bytes:
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


@dataclass(frozen=True)
class Site:
    """Where the site is published, for files that link back to its pages: mkdocs' site_url
    ("" when it is not known) and its use_directory_urls."""

    url: str = ""
    directory_urls: bool = True

    def link(self, page: str, anchor: str = "") -> str:
        """A page's address (its source path, places.page_path), absolute when the site's URL
        is known, else relative to the site's root."""
        path = url_of(page, self.directory_urls) + (f"#{anchor}" if anchor else "")
        return f"{self.url.rstrip('/')}/{path}" if self.url else path
