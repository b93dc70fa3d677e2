"""Readers and trainers in headless Chromium: ticks that survive reloads, progress, export and
import of progress, copy-link buttons, print, old URLs and anchors, and axe-core."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, ROOT, build_site, make_project, serve

from luodi.read import load_playbooks

pytestmark = pytest.mark.browser

STANDARD = load_playbooks(ROOT / "playbooks").playbooks["standard"]
PHASE = STANDARD.phase("preparation")
PHASE_URL = "standard/phases/preparation/"
MUSTS = [i for i in PHASE.checklist if i.priority == "must"]
OTHERS = [i for i in PHASE.checklist if i.priority != "must"]
COUNTED = [i for i in PHASE.checklist if i.priority != "wont"]  # Won't items are not work
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"


def checkbox(page, item_id: str):
    return page.locator(f'[id="{item_id}"] .luodi-check-input')


def stored(page, playbook: str = "standard"):
    return page.evaluate(f"() => JSON.parse(localStorage.getItem('luodi:{playbook}'))")


def status(page) -> str:
    return page.locator(".luodi-progress-status").inner_text()


def progress(page) -> dict:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '.luodi-progress-bar')].map(p => [p.closest('.luodi-progress-row').className,
        {done: p.value, max: p.max, text: document.getElementById(
            p.getAttribute('aria-labelledby')).textContent}]))""")


# ---------------------------------------------------------------- ticks


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_both_progress_rows_show_in_full_at_any_width(browser, site_url, width):
    """The progress rows are held at their height (so that a tick lays out nothing else): the
    height must fit them, also after the window is made narrower."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.goto(site_url + PHASE_URL)
    tab.set_viewport_size({"width": width, "height": 900})
    tab.wait_for_timeout(300)  # the resize handler runs in the next frame
    inside = tab.evaluate("""() => {
        const bars = document.querySelector('.luodi-progress-bars').getBoundingClientRect();
        return [...document.querySelectorAll('.luodi-progress-row > *')].map(el => {
            const r = el.getBoundingClientRect();
            return r.height > 0 && r.top >= bars.top - 0.5 && r.bottom <= bars.bottom + 0.5; }); }""")
    context.close()
    assert inside == [True, True, True, True]




def test_a_tick_survives_a_reload_and_is_saved_by_item_id(page, site_url):
    page.goto(site_url + PHASE_URL)
    item = MUSTS[1]
    box = page.get_by_role("checkbox", name=item.title, exact=True)
    assert box.count() == 1  # labelled with the item's title
    box.check()
    page.reload()
    assert checkbox(page, item.id).is_checked()
    assert not checkbox(page, MUSTS[0].id).is_checked()
    data = stored(page)
    assert data["items"] == {item.id: True}
    assert (data["format"], data["version"], data["playbook"]) == ("luodi-progress", 1, "standard")


def test_ticks_follow_ids_across_pages_and_keep_unknown_ids(page, site_url):
    item = MUSTS[0]
    page.goto(site_url + PHASE_URL)
    # A tick of an id that is not on the page (removed item, or another page's) is kept, unseen.
    page.evaluate("""() => localStorage.setItem('luodi:standard', JSON.stringify(
        {format: 'luodi-progress', version: 1, playbook: 'standard',
         items: {'an-item-that-was-removed': true}}))""")
    page.reload()
    assert page.locator(".luodi-check-input:checked").count() == 0
    checkbox(page, item.id).check()
    assert stored(page)["items"] == {"an-item-that-was-removed": True, item.id: True}
    # The owner's role page lists the same item: ticked there too.
    page.goto(site_url + f"standard/roles/{item.owner}/")
    assert checkbox(page, item.id).is_checked()
    checkbox(page, item.id).uncheck()
    assert stored(page)["items"] == {"an-item-that-was-removed": True}


def test_progress_bar_counts_done_and_must_items(page, site_url):
    page.goto(site_url + PHASE_URL)
    bars = page.get_by_role("progressbar")
    assert bars.count() == 2
    assert progress(page) == {
        "luodi-progress-row luodi-progress-all": {
            "done": 0, "max": len(COUNTED), "text": f"已完成 0 / {len(COUNTED)} 项"},
        "luodi-progress-row luodi-progress-must": {
            "done": 0, "max": len(MUSTS), "text": f"必须项已完成 0 / {len(MUSTS)} 项"}}
    for item in (MUSTS[0], MUSTS[2], OTHERS[0]):
        checkbox(page, item.id).check()
    page.reload()
    shown = progress(page)
    assert shown["luodi-progress-row luodi-progress-all"]["text"] == \
        f"已完成 3 / {len(COUNTED)} 项"
    assert shown["luodi-progress-row luodi-progress-all"]["done"] == 3
    assert shown["luodi-progress-row luodi-progress-must"]["text"] == \
        f"必须项已完成 2 / {len(MUSTS)} 项"
    # The progress bars are named by their visible text.
    assert page.get_by_role("progressbar", name=f"已完成 3 / {len(COUNTED)} 项").count() == 1


def test_print_shows_ticked_and_open_items(page, site_url):
    page.goto(site_url + PHASE_URL)
    checkbox(page, MUSTS[0].id).check()
    page.emulate_media(media="print")
    marks = page.evaluate("""ids => ids.map(id => getComputedStyle(document.querySelector(
        `[id="${id}"] .luodi-check-print`), '::before').content)""", [MUSTS[0].id, MUSTS[1].id])
    assert marks == ['"☑"', '"☐"']
    assert not page.locator(".luodi-progress-actions").is_visible()
    assert not checkbox(page, MUSTS[0].id).is_visible()


# ---------------------------------------------------------------- export, import, reset


def test_export_then_import_on_another_machine(browser, site_url, tmp_path):
    first = browser.new_context(locale="zh-CN")
    second = browser.new_context(locale="zh-CN")  # its own localStorage: another machine
    try:
        page = first.new_page()
        page.goto(site_url + PHASE_URL)
        for item in (MUSTS[0], OTHERS[0]):
            checkbox(page, item.id).check()
        with page.expect_download() as download:
            page.get_by_role("button", name="导出进度").click()
        assert download.value.suggested_filename == "luodi-progress-standard.json"
        saved = tmp_path / "progress.json"
        download.value.save_as(saved)
        data = json.loads(saved.read_text(encoding="utf-8"))
        assert data["items"] == {MUSTS[0].id: True, OTHERS[0].id: True}
        assert "已导出 2 项勾选" in status(page)

        other = second.new_page()
        other.goto(site_url + PHASE_URL)
        checkbox(other, MUSTS[3].id).check()  # replaced by the import
        other.locator(".luodi-import-input").set_input_files(str(saved))
        # The import says what it would change; replacing is a choice, merging the default.
        dialog = other.locator("dialog.luodi-dialog")
        dialog.wait_for()
        assert "文件中有 2 项勾选，其中 2 项本机没有；本机有 1 项勾选不在文件中。" in dialog.inner_text()
        assert other.evaluate("document.activeElement.value") == "merge"
        dialog.get_by_role("button", name="替换").click()
        other.wait_for_function("() => /已导入/.test("
                                "document.querySelector('.luodi-progress-status').textContent)")
        assert "已导入 2 项勾选" in status(other)
        assert checkbox(other, MUSTS[0].id).is_checked()
        assert checkbox(other, OTHERS[0].id).is_checked()
        assert not checkbox(other, MUSTS[3].id).is_checked()
        other.reload()
        assert stored(other)["items"] == data["items"]
    finally:
        first.close()
        second.close()


BAD_FILES = {
    "not JSON": (b"{items: oops", "文件不是有效的 JSON"),
    "a JSON list": (b"[1, 2]", "这不是落地的进度文件"),
    "another format": (json.dumps({"format": "x", "version": 1, "playbook": "standard",
                                   "items": {}}).encode(), "这不是落地的进度文件"),
    "a newer version": (json.dumps({"format": "luodi-progress", "version": 2,
                                    "playbook": "standard", "items": {}}).encode(),
                        "不支持的进度文件版本（2）"),
    "another playbook": (json.dumps({"format": "luodi-progress", "version": 1,
                                     "playbook": "crm-x", "items": {"a": True}}).encode(),
                         "该文件属于实施手册“crm-x”"),
    "bad item values": (json.dumps({"format": "luodi-progress", "version": 1,
                                    "playbook": "standard", "items": {"a": "yes"}}).encode(),
                        "这不是落地的进度文件"),
    "bad item ids": (json.dumps({"format": "luodi-progress", "version": 1,
                                 "playbook": "standard", "items": {"<img>": True}}).encode(),
                     "这不是落地的进度文件"),
}


def test_a_bad_import_is_refused_with_a_message_and_changes_nothing(page, site_url):
    page.goto(site_url + PHASE_URL)
    checkbox(page, MUSTS[0].id).check()
    before = stored(page)
    for name, (payload, message) in BAD_FILES.items():
        page.locator(".luodi-import-input").set_input_files(
            {"name": "progress.json", "mimeType": "application/json", "buffer": payload})
        page.wait_for_function("m => document.querySelector('.luodi-progress-status')"
                               ".textContent.includes(m)", arg=message, timeout=5000)
        text = status(page)
        assert "导入失败" in text and "进度未作任何更改" in text, name
        assert page.locator(".luodi-progress-status.luodi-error").count() == 1
        assert stored(page) == before, name
        assert checkbox(page, MUSTS[0].id).is_checked()
        assert page.locator(".luodi-check-input:checked").count() == 1
        page.evaluate("() => document.querySelector('.luodi-progress-status').textContent = ''")


def test_reset_asks_first(page, site_url):
    page.goto(site_url + PHASE_URL)
    checkbox(page, MUSTS[0].id).check()
    checkbox(page, MUSTS[1].id).check()
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.get_by_role("button", name="重置进度").click()
    assert "全部勾选（2 项）" in questions[0]
    assert len(stored(page)["items"]) == 2
    page.once("dialog", lambda d: answer(d, True))
    page.get_by_role("button", name="重置进度").click()
    assert page.locator(".luodi-check-input:checked").count() == 0
    assert stored(page) is None
    assert "已清除全部勾选" in status(page)


# ---------------------------------------------------------------- copy links


def test_copy_link_buttons_give_stable_urls(browser, site_url):
    context = browser.new_context(locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    try:
        page = context.new_page()

        def copied(button) -> str:
            button.click()
            page.wait_for_selector(".luodi-toast-shown")
            return page.evaluate("() => navigator.clipboard.readText()")

        item = MUSTS[0]
        page.goto(site_url + PHASE_URL + "?h=搜索#checklist")
        button = page.get_by_role("button", name=f"复制链接：{item.title}", exact=True)
        assert button.is_visible()
        assert copied(button) == f"{site_url}{PHASE_URL}#{item.id}"
        assert "已复制链接" in page.locator(".luodi-toast").inner_text()

        role, module = next((r, m) for r, m in STANDARD.modules() if m.lessons)
        page.goto(site_url + f"standard/training/{module.id}/")
        lesson = module.lessons[0]
        assert copied(page.get_by_role("button", name=f"复制链接：{lesson.title}", exact=True)) \
            == f"{site_url}standard/training/{module.id}/#{lesson.id}"
        assert copied(page.get_by_role("button", name=f"复制链接：{module.title}", exact=True)) \
            == f"{site_url}standard/training/{module.id}/"

        page.goto(site_url + f"standard/roles/{role.id}/")
        assert copied(page.get_by_role("button", name=f"复制链接：{module.title}", exact=True)) \
            == f"{site_url}standard/training/{module.id}/"
        mine = page.locator("li.luodi-role-item").first
        item_id = mine.get_attribute("id")
        assert copied(mine.locator(".luodi-copy-link")) == \
            f"{site_url}standard/roles/{role.id}/#{item_id}"
    finally:
        context.close()


def test_copy_link_works_without_the_clipboard_api(page, site_url):
    """An intranet host on plain HTTP has no Clipboard API: the link is copied by selection, and
    only when that fails too is it shown to copy by hand."""
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(site_url + PHASE_URL)
    page.evaluate("""() => document.addEventListener('copy', () => {
        window.__copied = document.getSelection().toString() ||
            (document.activeElement && document.activeElement.value); })""")
    shown = []

    def read(dialog):
        shown.append((dialog.type, dialog.default_value))
        dialog.dismiss()

    page.on("dialog", read)
    url = f"{site_url}{PHASE_URL}#{MUSTS[0].id}"
    page.locator(f'[id="{MUSTS[0].id}"] .luodi-copy-link').click()
    page.wait_for_timeout(100)
    assert page.evaluate("window.__copied") == url and shown == []
    assert url in page.locator(".luodi-toast").text_content()
    page.evaluate("() => { document.execCommand = () => false; }")  # copying refused
    page.locator(f'[id="{MUSTS[0].id}"] .luodi-copy-link').click()
    page.wait_for_timeout(100)
    assert shown == [("prompt", url)]


def test_an_item_shows_one_link_icon(page, site_url):
    page.goto(site_url + PHASE_URL)
    heading = page.locator(f'[id="{MUSTS[0].id}"]')
    assert heading.locator(".luodi-copy-link").count() == 1
    assert heading.locator(".headerlink").count() == 0


# ---------------------------------------------------------------- renamed ids


@pytest.fixture(scope="session")
def alias_site_url(renamed_sample_site):
    """The sample playbook with a phase, an item and a module renamed, old ids as aliases."""
    site, done = renamed_sample_site
    assert done.returncode == 0, done.stderr
    url, stop = serve(site)
    yield url
    stop()


def test_old_urls_and_anchors_land_on_the_renamed_objects(page, alias_site_url):
    page.goto(alias_site_url + "sample/phases/prep/#prep-team")
    page.wait_for_url("**/sample/phases/preparation/#prep-core-team")
    assert page.evaluate("() => location.hash") == "#prep-core-team"
    assert page.locator('[id="prep-core-team"]').is_visible()
    assert 0 <= page.locator('[id="prep-core-team"]').bounding_box()["y"] < 900  # in view
    page.goto(alias_site_url + "sample/training/pm-basics/#pm-basics-moscow")
    page.wait_for_url("**/sample/training/pm-foundations/#pm-basics-moscow")
    assert "项目管理基础" in page.title()
    # A reader's tick under the old id moves to the new one.
    page.goto(alias_site_url + "sample/phases/preparation/")
    page.evaluate("""() => localStorage.setItem('luodi:sample', JSON.stringify(
        {format: 'luodi-progress', version: 1, playbook: 'sample', items: {'prep-team': true}}))""")
    page.reload()
    assert checkbox(page, "prep-core-team").is_checked()
    assert stored(page, "sample")["items"] == {"prep-core-team": True}


# ---------------------------------------------------------------- instant navigation


@pytest.fixture(scope="session")
def instant_site_url(tmp_path_factory):
    """The sample playbook with Material's instant navigation (which needs site_url)."""
    root = tmp_path_factory.mktemp("instant-site")
    project = make_project(root / "p", FIXTURES)
    site = root / "site"
    site.mkdir()
    url, stop = serve(site)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "  features:\n", "  features:\n    - navigation.instant\n", 1)
    config.write_text(f"site_url: {url}\n{text}", encoding="utf-8")
    done = build_site(project, site)
    assert done.returncode == 0, done.stderr
    yield url
    stop()


def test_instant_navigation_sets_up_each_page_once(page, instant_site_url):
    page.goto(instant_site_url + "sample/")
    page.evaluate("() => window.sameDocument = true")
    page.locator(".luodi-roadmap a").first.click()
    page.wait_for_url("**/sample/phases/prep/")
    page.wait_for_selector(".luodi-progress-panel")
    assert page.evaluate("() => window.sameDocument") is True  # no full page load
    checkbox(page, "prep-team").check()
    page.get_by_role("link", name="项目经理").first.click()
    page.wait_for_url("**/sample/roles/pm/")
    page.wait_for_selector(".luodi-progress-panel")
    assert checkbox(page, "prep-team").is_checked()
    page.go_back()
    page.wait_for_url("**/sample/phases/prep/")
    page.wait_for_selector(".luodi-progress-panel")
    assert page.evaluate("() => window.sameDocument") is True
    assert page.locator(".luodi-progress-panel").count() == 1
    assert page.locator('[id="prep-team"] .luodi-check-input').count() == 1
    assert page.locator('[id="prep-team"] .luodi-copy-link').count() == 1
    assert checkbox(page, "prep-team").is_checked()


# ---------------------------------------------------------------- accessibility


@pytest.mark.parametrize("url", [PHASE_URL, "standard/roles/trainer/",
                                 "standard/forms/acceptance-confirmation/",
                                 "standard/roles/trainer/handout/"])
def test_no_serious_accessibility_violations(page, site_url, url):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site_url + url)
    if url == PHASE_URL:  # with a tick and a message shown, too
        checkbox(page, MUSTS[0].id).check()
        page.get_by_role("button", name="导出进度").click()
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({rule: v.id, impact: v.impact,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    assert violations == []
    assert errors == []


def test_vendored_axe_is_the_documented_version():
    readme = (ROOT / "tests" / "vendor" / "README.md").read_text(encoding="utf-8")
    head = AXE.read_text(encoding="utf-8")[:200]
    version = head.split("axe v", 1)[1].split()[0]
    assert f"| {version} |" in readme
