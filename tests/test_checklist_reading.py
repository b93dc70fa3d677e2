"""Checklists quick to scan and tick: one row per item with the rest folded away (and printed),
a tick you can see, tap targets of 24 px with the title as the label, no tick for Won't items,
filters, previous and next phase, import that merges unless told to replace; role pages that
count the role's own work."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import ROOT

from luodi.read import load_playbooks

pytestmark = pytest.mark.browser

STANDARD = load_playbooks(ROOT / "playbooks").playbooks["standard"]
PHASE = STANDARD.phase("preparation")
URL = "standard/phases/preparation/"
MUSTS = [i for i in PHASE.checklist if i.priority == "must"]
WONT = [i for i in PHASE.checklist if i.priority == "wont"]


def open_page(browser, site_url, path: str, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.goto(site_url + path)
    return context, tab


def test_items_are_one_row_each_with_the_rest_folded_away(browser, site_url):
    context, tab = open_page(browser, site_url, URL)
    item = MUSTS[0]
    assert item.detail
    block = tab.locator(f'.luodi-item-block:has([id="{item.id}"])')
    assert not block.get_by_text(item.evidence, exact=False).first.is_visible()
    height = block.bounding_box()["height"]
    assert height < 90, height  # the title, then priority and owner
    # The checklist of 14 items fits in about two screens (900 px each).
    top = tab.evaluate("document.getElementById('checklist').getBoundingClientRect().top")
    bottom = tab.evaluate("""() => { const all = document.querySelectorAll('.luodi-item-block');
        return all[all.length - 1].getBoundingClientRect().bottom; }""")
    assert bottom - top < 2 * 900, bottom - top
    block.locator("summary").click()
    assert block.get_by_text(item.evidence, exact=False).first.is_visible()
    context.close()


def test_print_shows_every_items_detail(browser, site_url, tmp_path):
    context, tab = open_page(browser, site_url, URL)
    tab.emulate_media(media="print")
    pdf = tmp_path / "phase.pdf"
    tab.pdf(path=str(pdf), format="A4")
    context.close()
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                             text=True, check=True).stdout)
    for item in PHASE.checklist:
        assert re.sub(r"\s+", "", item.evidence)[:12] in text, item.id
        if item.detail:
            assert re.sub(r"\s+", "", item.detail)[:12] in text, item.id
    assert "做法、证据与RACI" not in text and "下一阶段" not in text


@pytest.mark.parametrize("width", [1280, 390])
def test_a_tick_is_24px_its_title_ticks_it_and_a_ticked_item_looks_done(browser, site_url, width):
    context, tab = open_page(browser, site_url, URL, width)
    item = MUSTS[1]
    box = tab.locator(f'[id="{item.id}"] .luodi-check-input')
    size = box.bounding_box()
    assert size["width"] >= 24 and size["height"] >= 24
    block = tab.locator(f'.luodi-item-block:has([id="{item.id}"])')
    before = block.evaluate("el => getComputedStyle(el).backgroundColor")
    tab.locator(f'[id="{item.id}"] .luodi-check-label').click()  # tapping the title
    assert box.is_checked()
    look = block.evaluate("""el => [getComputedStyle(el).backgroundColor,
        getComputedStyle(el.querySelector('.luodi-check-label')).textDecorationLine]""")
    assert look[0] != before and look[1] == "line-through"
    assert tab.get_by_role("checkbox", name=item.title, exact=True).count() == 1
    context.close()


def test_wont_items_have_no_tick_and_do_not_count(browser, site_url):
    assert WONT
    context, tab = open_page(browser, site_url, URL)
    for item in WONT:
        assert tab.locator(f'[id="{item.id}"] .luodi-check-input').count() == 0
    counted = len(PHASE.checklist) - len(WONT)
    assert tab.locator(".luodi-progress-all .luodi-progress-text").text_content() == \
        f"已完成 0 / {counted} 项"
    assert tab.locator(".luodi-check-input").count() == counted
    assert "本期不做的项是范围约定" in tab.locator(".luodi-wont-note").text_content()
    context.close()


def test_filters_by_priority_role_and_tick(browser, site_url):
    context, tab = open_page(browser, site_url, URL)
    bar = tab.locator(".luodi-filters")
    assert bar.is_visible()

    def shown() -> list[str]:
        return tab.evaluate("""() => [...document.querySelectorAll('.luodi-item-block')]
            .filter(b => !b.hidden).map(b => b.querySelector('.luodi-item').id)""")

    bar.locator('select[data-filter="priority"]').select_option("must")
    assert shown() == [i.id for i in MUSTS]
    assert not tab.locator("#priority-should").is_visible()
    assert tab.locator(".luodi-filter-count").text_content() == \
        f"显示 {len(MUSTS)} / {len(PHASE.checklist)} 项"
    bar.locator('select[data-filter="priority"]').select_option("")
    role = "business-analyst"
    bar.locator('select[data-filter="role"]').select_option(role)
    assert shown() == [i.id for i in PHASE.checklist
                       if {"R", "A"} & set(i.raci_by_role.get(role, ""))]
    bar.locator('select[data-filter="role"]').select_option("")
    bar.locator('select[data-filter="state"]').select_option("done")
    assert shown() == []
    bar.locator('select[data-filter="state"]').select_option("open")
    assert MUSTS[0].id in shown() and not set(shown()) & {i.id for i in WONT}
    tab.locator(f'[id="{MUSTS[0].id}"] .luodi-check-input').check()
    assert MUSTS[0].id not in shown()  # a tick moves it out of "open" at once
    bar.locator('select[data-filter="state"]').select_option("done")
    assert shown() == [MUSTS[0].id]
    context.close()


def test_previous_and_next_phase_at_the_foot(default_site):
    text = (default_site / URL / "index.html").read_text("utf-8")
    links = text.split('class="luodi-phase-links"', 1)[1].split("</nav>", 1)[0]
    phases = list(STANDARD.phases)
    at = phases.index(PHASE)
    assert f'href="../{phases[at - 1].id}/">← 上一阶段：{phases[at - 1].title}</a>' in links
    assert f'href="../{phases[at + 1].id}/">下一阶段：{phases[at + 1].title} →</a>' in links
    first = (default_site / "standard/phases" / phases[0].id / "index.html").read_text("utf-8")
    assert "luodi-phase-prev" not in first and "luodi-phase-next" in first


def _import(tab, items: dict) -> None:
    data = {"format": "luodi-progress", "version": 1, "playbook": "standard", "items": items}
    tab.locator(".luodi-import-input").set_input_files(
        {"name": "p.json", "mimeType": "application/json", "buffer": json.dumps(data).encode()})


def test_an_import_merges_unless_the_reader_chooses_to_replace(browser, site_url):
    context, tab = open_page(browser, site_url, URL)
    local = [i.id for i in MUSTS[:5]]
    incoming = {i.id: True for i in MUSTS[3:7]}  # 2 of them ticked here already
    tab.evaluate("""ids => localStorage.setItem('luodi:standard', JSON.stringify({format:
        'luodi-progress', version: 1, playbook: 'standard',
        items: Object.fromEntries(ids.map(id => [id, true]))}))""", local)
    tab.reload()

    def ticks() -> set[str]:
        data = json.loads(tab.evaluate("localStorage.getItem('luodi:standard')"))
        return set(data["items"])

    _import(tab, incoming)
    dialog = tab.locator("dialog.luodi-dialog")
    dialog.wait_for()
    assert "文件中有 4 项勾选，其中 2 项本机没有；本机有 3 项勾选不在文件中。" in dialog.inner_text()
    assert "共 7 项" in dialog.inner_text() and "取消本机另外的 3 项勾选" in dialog.inner_text()
    dialog.get_by_role("button", name="取消").click()
    assert ticks() == set(local)
    _import(tab, incoming)
    tab.locator("dialog.luodi-dialog").wait_for()
    tab.keyboard.press("Enter")  # the default: merge
    tab.wait_for_function("() => /已合并/.test(document.querySelector("
                          "'.luodi-progress-status').textContent)")
    assert ticks() == set(local) | set(incoming)
    assert "新增 2 项勾选，现共 7 项" in tab.locator(".luodi-progress-status").text_content()
    _import(tab, incoming)
    tab.locator("dialog.luodi-dialog").wait_for()
    tab.locator("dialog.luodi-dialog").get_by_role("button", name="替换").click()
    tab.wait_for_function("() => /已导入 4 项/.test(document.querySelector("
                          "'.luodi-progress-status').textContent)")
    assert ticks() == set(incoming)
    assert tab.locator(".luodi-check-input:checked").count() == 4
    # Nothing new and nothing lost: said, and nothing asked.
    _import(tab, incoming)
    tab.wait_for_function("() => /本机都已有/.test(document.querySelector("
                          "'.luodi-progress-status').textContent)")
    assert tab.locator("dialog.luodi-dialog").count() == 0
    context.close()


def test_a_role_page_counts_its_own_work_and_folds_the_rest(browser, site_url):
    role = "key-user"
    own = [i for _, i in STANDARD.items()
           if {"R", "A"} & set(i.raci_by_role.get(role, "")) and i.priority != "wont"]
    rest = [i for _, i in STANDARD.items() if i.raci_by_role.get(role) and i not in own]
    assert own and rest
    context, tab = open_page(browser, site_url, f"standard/roles/{role}/")
    assert tab.locator(".luodi-progress-all .luodi-progress-text").text_content() == \
        f"已完成 0 / {len(own)} 项"
    assert tab.locator(".luodi-check-input").count() == len(own)
    others = tab.locator("details#other-items")
    assert not others.evaluate("el => el.open")
    assert f"（{len(rest)} 项）" in others.locator("summary").text_content()
    assert not tab.locator(f'[id="{rest[0].id}"]').is_visible()
    assert "R 执行" in tab.locator(".luodi-raci-legend").text_content()
    # A link to an item folded away opens it.
    tab.goto(site_url + f"standard/roles/{role}/#{rest[0].id}")
    tab.wait_for_timeout(200)
    assert tab.locator(f'[id="{rest[0].id}"]').is_visible()
    context.close()
