"""Downloads fit their page: a phase page's Excel holds that phase, the whole checklist stays on
the overview; every download link saves a file (never opens raw JSON in the tab) under a name
that carries the playbook, so that files of two playbooks never collide."""

from __future__ import annotations

import io
import re

import pytest
from conftest import ROOT
from openpyxl import load_workbook

from luodi.read import load_playbooks

PLAYBOOKS = load_playbooks(ROOT / "playbooks").playbooks
LINK = re.compile(r'<a ([^>]*)>')


def test_a_phase_pages_excel_holds_that_phase(default_site):
    standard = PLAYBOOKS["standard"]
    phase = standard.phase("preparation")
    page = (default_site / "standard/phases/preparation/index.html").read_text("utf-8")
    assert 'href="../../downloads/checklist-preparation.xlsx"' in page
    assert 'href="../../downloads/checklist.xlsx"' not in page
    book = load_workbook(io.BytesIO((default_site / "standard/downloads/checklist-preparation.xlsx")
                                    .read_bytes()))
    ids = [row[1].value for row in book.active.iter_rows(min_row=2)]
    assert ids == [item.id for item in phase.checklist]
    overview = (default_site / "standard/index.html").read_text("utf-8")
    assert 'href="downloads/checklist.xlsx"' in overview
    whole = load_workbook(io.BytesIO((default_site / "standard/downloads/checklist.xlsx")
                                     .read_bytes()))
    assert whole.active.max_row - 1 == sum(1 for _ in standard.items())


def test_every_download_link_saves_a_file_named_after_its_playbook(default_site):
    names: dict[str, set[str]] = {}
    for playbook in PLAYBOOKS:
        for page in (default_site / playbook).rglob("index.html"):
            for attrs in LINK.findall(page.read_text("utf-8")):
                href = re.search(r'href="([^"#]+)"', attrs)
                if not href or not re.search(r"(downloads/|playbook\.json$)", href.group(1)):
                    continue
                name = re.search(r'download="([^"]+)"', attrs)
                assert name, (page, attrs)
                assert name.group(1).startswith(playbook + "-"), (page, attrs)
                names.setdefault(name.group(1), set()).add(playbook)
    assert "standard-checklist.xlsx" in names and "crm-rollout-checklist.xlsx" in names
    assert all(len(owners) == 1 for owners in names.values())


@pytest.mark.browser
def test_the_json_link_downloads_instead_of_opening(page, site_url):
    page.goto(site_url + "standard/")
    with page.expect_download() as download:
        page.get_by_role("link", name="整个实施手册（JSON）").click()
    assert download.value.suggested_filename == "standard-playbook.json"
    assert page.url.endswith("/standard/")
