"""Tables that read: the RACI matrix full width, its header and task column held while it
scrolls, tasks left-aligned, upright role names, a role filter, short on a phone and landscape
on paper; the KPI table never cuts a unit one character per line."""

from __future__ import annotations

import subprocess

import pytest
from conftest import ROOT

from luodi.read import load_playbooks

pytestmark = pytest.mark.browser
STANDARD = load_playbooks(ROOT / "playbooks").playbooks["standard"]


def open_page(browser, site_url, path: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.goto(site_url + path)
    return context, tab


@pytest.mark.parametrize("width", [1280, 390])
def test_the_raci_matrix_is_full_width_with_a_held_header(browser, site_url, width):
    context, tab = open_page(browser, site_url, "standard/raci/", width)
    sizes = tab.evaluate("""() => {
        const table = document.querySelector('table.luodi-raci');
        const box = table.closest('.luodi-raci-scroll');
        const article = document.querySelector('article');
        const role = table.querySelector('thead th[data-role]');
        const task = table.querySelector('tbody th[scope=row]');
        box.scrollTop = 600;
        const head = table.querySelector('thead th').getBoundingClientRect().top;
        return {table: table.offsetWidth, box: box.clientWidth, article: article.clientWidth,
                roleWidth: role.getBoundingClientRect().width, headAt: head,
                boxAt: box.getBoundingClientRect().top, align: getComputedStyle(task).textAlign,
                page: document.documentElement.scrollHeight};
    }""")
    assert sizes["table"] >= sizes["box"] - 1 and sizes["box"] >= sizes["article"] * 0.9
    assert sizes["roleWidth"] < 40  # one upright column of characters, not 3-4 wrapped lines
    assert abs(sizes["headAt"] - sizes["boxAt"]) < 2  # the header stays at the box's top
    assert sizes["align"] in ("left", "start")
    assert sizes["page"] < 2000, sizes["page"]  # the matrix scrolls in its box
    context.close()


def test_the_role_filter_shows_one_roles_rows_and_column(browser, site_url):
    context, tab = open_page(browser, site_url, "standard/raci/", 390)
    tab.locator("select[data-raci-filter]").select_option("trainer")
    shown = tab.evaluate("""() => [...document.querySelectorAll('table.luodi-raci tbody tr')]
        .filter(r => !r.hidden && !r.classList.contains('luodi-raci-phase')).map(r => r.id)""")
    expected = [i.id for _, i in STANDARD.items() if i.raci_letters("trainer")]
    assert shown == expected
    columns = tab.evaluate("""() => [...document.querySelectorAll('table.luodi-raci thead th')]
        .filter(th => !th.hidden).length""")
    assert columns == 2
    tab.locator("select[data-raci-filter]").select_option("")
    assert tab.evaluate("document.querySelectorAll('table.luodi-raci tr[hidden]').length") == 0
    context.close()


def test_the_raci_matrix_prints_on_a4_landscape(browser, site_url, tmp_path):
    context, tab = open_page(browser, site_url, "standard/raci/", 1280)
    tab.emulate_media(media="print")
    pdf = tmp_path / "raci.pdf"
    tab.pdf(path=str(pdf), prefer_css_page_size=True)
    context.close()
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9", str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    sizes = [line.split(":", 1)[1] for line in info.splitlines() if "size" in line and "Page" in line]
    landscape = [s for s in sizes if float(s.split()[0]) > float(s.split()[2])]
    assert landscape, sizes
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    last = [i for _, i in STANDARD.items()][-1]
    assert last.title[:10] in text.replace("\n", "")  # every row is on paper


@pytest.mark.parametrize("width", [1280, 390])
def test_kpi_cells_never_break_one_character_per_line(browser, site_url, width):
    context, tab = open_page(browser, site_url, "standard/kpis/", width)
    narrow = tab.evaluate("""() => [...document.querySelectorAll('table.luodi-kpis td')]
        .filter(td => td.textContent.trim().length >= 2)
        .filter(td => { const r = document.createRange(); r.selectNodeContents(td);
                        const lines = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
                        return lines.size >= td.textContent.trim().length; })
        .map(td => td.textContent.trim())""")
    assert narrow == []
    context.close()
