"""The project's state on the built site: the team's state beside each item, the gate at the top
of each phase page, the dashboard, a role's open work; status text stays text."""

from __future__ import annotations

import html
import re
import shutil

import pytest
from conftest import FIXTURES, build_site, make_project, serve


def page(site, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def article(text: str) -> str:
    return text.split('<article', 1)[1].split("</article>", 1)[0]


def test_only_a_playbook_with_a_status_file_has_a_dashboard(default_site):
    assert (default_site / "crm-rollout" / "status" / "index.html").exists()
    assert not (default_site / "standard" / "status").exists()
    # ... and only its pages show a state or a gate.
    standard = article(page(default_site, "standard/phases/preparation"))
    assert "luodi-gate" not in standard and "luodi-team-state" not in standard


def test_a_phase_page_shows_its_gate_and_each_items_state(default_site):
    body = article(page(default_site, "crm-rollout/phases/preparation"))
    gate = body.split('id="gate"', 1)[1].split("</div>", 1)[0]
    assert "阶段门未满足" in gate and "必须项完成 5/11" in gate and "表单签署 0/1" in gate
    assert "尚缺 (12)" in gate and 'href="../../forms/scope-confirmation/"' in gate
    # Before the criteria and the checklist.
    assert body.index('id="gate"') < body.index('id="entry-criteria"')
    item = body.split('id="assess-migration-difficulty"', 1)[1].split('luodi-item-block', 1)[0]
    assert 'data-state="blocked"' in item and "受阻" in item
    assert "赵敏" in item and "等待华南大区提供客户数据样本" in item
    # Evidence that is a web address is a link; a document's name stays text.
    defined = body.split('id="define-role-responsibilities"', 1)[1].split("luodi-item-block")[0]
    assert '<a href="https://wiki.example.com/crm/raci" rel="noopener">证据</a>' in defined
    owner = body.split('id="crm-customer-data-owner"', 1)[1].split("luodi-item-block")[0]
    assert "签字版《客户主数据责任分工表》" in owner and "<a href=\"签字版" not in owner
    # An item the file does not list is to do.
    plan = body.split('id="build-phased-master-plan"', 1)[1].split("luodi-item-block")[0]
    assert 'data-state="todo"' in plan
    exits = body.split('id="exit-criteria"', 1)[1].split("</ul>", 1)[0]
    assert exits.count("luodi-state-done") == 1 and exits.count("luodi-state-todo") == 4
    assert exits.count("luodi-state-doing") == 1


def test_the_dashboard_counts_by_phase_and_role_and_lists_what_blocks(default_site):
    body = article(page(default_site, "crm-rollout/status"))
    assert "当前阶段：准备阶段" in body
    rows = re.findall(r"<tr>(.*?)</tr>", body.split('id="by-phase"', 1)[1].split("</table>")[0],
                      re.S)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                    rows[2], re.S)]
    assert cells == ["准备阶段", "未满足", "7", "3", "1", "3"]
    blocked = body.split('id="blocked"', 1)[1].split("<h2", 1)[0]
    assert "评估历史数据迁移难度及潜在风险" in blocked and "phases/preparation/#assess-migration" \
        "-difficulty" in blocked
    assert body.count('id="gate"') == 1 and "<details open>" in body
    assert 'id="by-role"' in body and "项目经理" in body


def test_a_role_page_shows_its_open_work_in_the_current_phase(default_site):
    body = article(page(default_site, "crm-rollout/roles/business-analyst"))
    open_now = body.split('id="open-now"', 1)[1].split("<h2", 1)[0]
    assert "准备阶段" in body.split('id="open-now"', 1)[1].split("</h2>", 1)[0]
    assert "评估旧系统与新系统的兼容性" in open_now and "进行中" in open_now
    assert "制定详细的数据清洗与转换方案" in open_now  # not listed: to do
    assert "盘点现有系统" not in open_now  # done (the developer's anyway)
    assert body.index('id="open-now"') < body.index('id="items"')


HOSTILE = "<script>alert(1)</script>{{ x }} **b** [l](javascript:alert(1))"


@pytest.fixture(scope="module")
def hostile_status_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("status-hostile")
    playbooks = root / "pb"
    shutil.copytree(FIXTURES / "sample", playbooks / "sample")
    (playbooks / "sample" / "status.yaml").write_text(
        "items:\n"
        f"  prep-team: {{state: blocked, by: \"{HOSTILE}\", note: \"{HOSTILE}\", "
        "evidence: \"javascript:alert(1)\"}\n"
        f"  prep-scope: {{state: done, by: x, evidence: \"https://e.example/a?b=1&c=2\"}}\n"
        "forms:\n"
        f"  acceptance: {{signed: \"2026-03-05\", note: \"{HOSTILE}\"}}\n", encoding="utf-8")
    project = make_project(root / "project", playbooks)
    done = build_site(project, root / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "site"


def test_status_text_reaches_the_pages_as_text(hostile_status_site):
    for path in ("sample/phases/prep", "sample/status"):
        body = article(page(hostile_status_site, path))
        assert "<script>alert" not in body and "<b>" not in body and "<strong>b" not in body
        assert 'href="javascript' not in body  # shown as text, never as a link
        assert "{{ x }}" not in body  # braces are written as references, never run
    body = article(page(hostile_status_site, "sample/phases/prep"))
    assert html.escape("<script>alert(1)</script>") in body
    # A web address is escaped inside its link; evidence that is not one (javascript:) is text.
    assert 'href="https://e.example/a?b=1&amp;c=2"' in body
    assert "javascript:alert(1)</span>" in body or "· javascript:alert(1)" in body


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboard_and_a_gate_fit_the_screen(browser, default_site, width):
    url, stop = serve(default_site)
    try:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        tab = context.new_page()
        for path in ("crm-rollout/status/", "crm-rollout/phases/preparation/"):
            tab.goto(url + path)
            overflow = tab.evaluate("() => document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, (path, overflow)
            gate = tab.locator(".luodi-gate").first
            assert gate.is_visible()
            box = gate.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
        # The missing list of a phase's gate opens on demand, and prints open.
        tab.goto(url + "crm-rollout/phases/preparation/")
        summary = tab.locator(".luodi-gate summary")
        assert not tab.locator(".luodi-gate li").first.is_visible()
        summary.click()
        assert tab.locator(".luodi-gate li").first.is_visible()
        context.close()
    finally:
        stop()


def test_the_state_stays_out_of_search_and_the_fork_keeps_its_parents_pages(default_site):
    import json

    index = json.loads((default_site / "search" / "search_index.json").read_text("utf-8"))
    assert not any("团队进度" in doc["text"] or "阶段门未满足" in doc["text"]
                   for doc in index["docs"])
    # An item the fork inherits is still one document for both playbooks, status or not.
    doc = next(d for d in index["docs"]
               if d["location"] == "standard/phases/execution/#run-scrum-iterations")
    assert doc["playbooks"] == ["standard", "crm-rollout"]


@pytest.mark.browser
def test_the_readers_ticks_become_status_yaml_lines_that_validate(browser, default_site,
                                                                   tmp_path):
    import datetime

    import yaml
    from conftest import ROOT

    from luodi.cli import main

    url, stop = serve(default_site)
    try:
        context = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-CN",
                                      accept_downloads=True)
        tab = context.new_page()
        tab.goto(url + "crm-rollout/phases/execution/")
        boxes = tab.locator(".luodi-check-input")
        boxes.nth(0).check()
        boxes.nth(2).check()
        name = '王 "五" <b>{{ x }}</b>: #1'
        tab.once("dialog", lambda dialog: dialog.accept(name))
        with tab.expect_download() as download:
            tab.get_by_role("button", name="生成 status.yaml 行").click()
        text = download.value.path().read_text(encoding="utf-8")
        assert download.value.suggested_filename.startswith("crm-rollout-status-")
        status_line = tab.locator(".luodi-progress-status").inner_text()
        assert "2 行" in status_line and "playbooks/crm-rollout/status.yaml" in status_line
        context.close()
    finally:
        stop()
    written = yaml.safe_load(text)["items"]
    today = datetime.date.today().isoformat()
    assert len(written) == 2
    assert all(entry == {"state": "done", "by": name, "date": today}
               for entry in written.values())
    # Added to the fork's file, the lines validate.
    playbooks = tmp_path / "playbooks"
    shutil.copytree(ROOT / "playbooks", playbooks)
    status = playbooks / "crm-rollout" / "status.yaml"
    lines = [line for line in text.splitlines()[2:]]
    status.write_text(status.read_text("utf-8").replace(
        "items:\n", "items:\n" + "\n".join(lines) + "\n", 1), encoding="utf-8")
    assert main(["validate", str(playbooks)]) == 0


def test_the_dashboard_draws_the_timeline(default_site):
    body = article(page(default_site, "crm-rollout/status"))
    figure = body.split('id="timeline"', 1)[1].split("</figure>", 1)[0]
    assert "<svg" in figure and figure.count('class="luodi-tl-planned"') == 4
    assert "luodi-tl-today" in figure and "luodi-tl-done" in figure
    assert "data-search-exclude" in figure


def test_a_forks_pages_mark_what_it_added_or_changed(default_site):
    body = article(page(default_site, "crm-rollout/phases/preparation"))

    def block(item_id: str) -> str:
        return body.split(f'id="{item_id}"', 1)[1].split("luodi-item-block", 1)[0]

    assert '<span class="luodi-fork-badge luodi-fork-changed" data-search-exclude>本项目修改</span>' \
        in block("assess-migration-difficulty")
    assert "本项目新增" in block("crm-customer-data-owner")
    assert "luodi-fork-badge" not in block("inventory-legacy-systems")  # inherited as it is
    role = article(page(default_site, "crm-rollout/roles/business-analyst"))
    assert "本项目修改" in role.split('id="assess-migration-difficulty"', 1)[1].split("</li>")[0]
    assert "luodi-fork-badge" not in article(page(default_site, "standard/phases/preparation"))
