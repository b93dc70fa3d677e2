"""A project's state in status.yaml: `luodi status`, its gate check for CI, and the example fork's
file."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from conftest import FIXTURES, ROOT

from luodi.cli import main
from luodi.model import ITEM_STATES
from luodi.read import load_playbooks
from luodi.status import gates, readiness

PLAYBOOKS = str(ROOT / "playbooks")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["status", *args, "--playbooks", PLAYBOOKS])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_met_gate_exits_0_and_an_unmet_one_1_with_what_is_missing(capsys):
    code, out, _ = run(capsys, "crm-rollout", "--gate", "goals")
    assert code == 0 and "gate met" in out and "Must 8/8 done" in out
    code, out, _ = run(capsys, "crm-rollout", "--gate", "preparation")
    assert code == 1
    assert "gate not met" in out and "Must 5/11 done" in out and "forms 0/1 signed" in out
    # Each missing thing with the file and line that defines it: the fork's own file where
    # the fork overrides the item, the standard playbook's where it inherits it.
    assert ("playbooks/crm-rollout/phases/preparation.yaml:7:5: item assess-migration-difficulty "
            "评估历史数据迁移难度及潜在风险 [blocked, 赵敏]: 等待华南大区提供客户数据样本") in out
    assert "playbooks/standard/phases/preparation.yaml:113:5: item design-cleansing-conversion-" \
           "plan" in out
    assert "form scope-confirmation 范围确认单 [unsigned]" in out
    assert "criterion 4 《范围确认单》已签署" in out
    # What is done is not listed as missing.
    assert "inventory-legacy-systems" not in out and "engage-third-party-consultant" not in out


def test_without_a_gate_every_phase_is_shown_and_the_current_one_detailed(capsys):
    code, out, _ = run(capsys, "crm-rollout")
    assert code == 0
    lines = out.splitlines()
    assert sum(1 for line in lines if ": gate " in line) == 5
    assert next(line for line in lines if "← now" in line).startswith("  准备阶段 (preparation)")
    assert "assess-migration-difficulty" in out
    assert "execute-uat" not in out  # a later phase: counted, not listed


def test_json_and_markdown_carry_the_same_readiness(capsys):
    code, out, _ = run(capsys, "crm-rollout", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["current_phase"] == "preparation" and data["has_status"]
    goals, preparation = data["gates"][:2]
    assert goals["met"] and not preparation["met"]
    assert preparation["states"] == {"done": 6, "doing": 3, "blocked": 1, "todo": 3, "n/a": 1}
    assert {m["kind"] for m in preparation["missing"]} == {"item", "criterion", "form"}
    assert data["roles"]["project-manager"]["doing"] >= 1
    code, out, _ = run(capsys, "crm-rollout", "--gate", "preparation", "--format", "md")
    assert code == 1
    assert "| 准备阶段 (now) | ❌ not met | 5/11 | 1/6 | 0/1 |" in out
    assert "- item `assess-migration-difficulty`" in out


def test_a_playbook_without_status_has_every_item_open(capsys):
    code, out, _ = run(capsys, "standard", "--gate", "goals")
    assert code == 1 and "no status.yaml" in out and "Must 0/" in out


def test_an_unknown_phase_or_playbook_is_a_clear_error(capsys):
    code, out, err = run(capsys, "crm-rollout", "--gate", "preparaton")
    assert code == 1 and out == ""
    assert err == ("luodi status: error: no phase 'preparaton' in 'crm-rollout' (did you mean "
                   "'preparation'?)\n")
    code, _, err = run(capsys, "crm-rolout", "--gate", "goals")
    assert code == 1 and "no playbook 'crm-rolout'" in err and "Traceback" not in err


def test_the_example_fork_uses_every_state():
    data = yaml.safe_load((ROOT / "playbooks/crm-rollout/status.yaml").read_text("utf-8"))
    written = {entry["state"] for entry in data["items"].values()}
    assert written | {"todo"} == set(ITEM_STATES)
    playbook = load_playbooks(ROOT / "playbooks").playbooks["crm-rollout"]
    listed = set(data["items"])
    assert any(item.id not in listed for _, item in playbook.items())  # todo by default


def test_status_is_the_projects_own_and_never_inherited(tmp_path, capsys):
    playbooks = tmp_path / "playbooks"
    shutil.copytree(ROOT / "playbooks", playbooks)
    fork = playbooks / "crm-east"
    fork.mkdir()
    (fork / "playbook.yaml").write_text(
        "schema_version: 1\nid: crm-east\nextends: crm-rollout\ntitle: 华东 CRM\n"
        "summary: 华东区的 CRM 项目。\n", encoding="utf-8")
    result = load_playbooks(playbooks)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.playbooks["crm-rollout"].status is not None
    assert result.playbooks["crm-east"].status is None
    assert not any(g.met for g in gates(result.playbooks["crm-east"]))


def test_n_a_counts_as_done_and_wont_items_are_not_work(tmp_path):
    playbooks = tmp_path / "playbooks"
    shutil.copytree(FIXTURES / "sample", playbooks / "sample")
    (playbooks / "sample" / "status.yaml").write_text(
        "items:\n  prep-team: {state: n/a, note: 已有团队}\n"
        "exit_criteria:\n  prep: [{state: done}]\n", encoding="utf-8")
    playbook = load_playbooks(playbooks).playbooks["sample"]
    prep = readiness(playbook, "prep")["gates"][0]
    assert prep["met"] and prep["must"] == {"done": 1, "total": 1}


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_playbook_text_in_the_report_stays_text(tmp_path, capsys, fmt):
    playbooks = tmp_path / "playbooks"
    shutil.copytree(FIXTURES / "sample", playbooks / "sample")
    phase = playbooks / "sample" / "phases" / "prep.yaml"
    phase.write_text(phase.read_text("utf-8").replace(
        "title: 组建项目团队", "title: \"组建 | `团队` <b>**粗**</b> [x](javascript:1)\""),
        encoding="utf-8")
    (playbooks / "sample" / "status.yaml").write_text(
        "items:\n  prep-team: {state: blocked, by: \"<script>\", note: \"a|b\"}\n",
        encoding="utf-8")
    code = main(["status", "sample", "--gate", "prep", "--format", fmt,
                 "--playbooks", str(playbooks)])
    out = capsys.readouterr().out
    assert code == 1
    line = next(line for line in out.splitlines() if "prep-team" in line)
    if fmt == "md":
        assert "\\|" in line and "\\`团队\\`" in line and "\\<b\\>" in line and "\\[x\\]" in line
        assert "\\<script\\>" in line
    else:
        assert "组建 | `团队` <b>**粗**</b>" in line


def test_the_checklist_export_carries_the_state_where_there_is_one(tmp_path, capsys):
    import csv

    for playbook in ("crm-rollout", "standard"):
        out = tmp_path / f"{playbook}.csv"
        assert main(["export", "checklist", playbook, "-o", str(out),
                     "--playbooks", PLAYBOOKS]) == 0
        rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
        header = rows[0]
        if playbook == "standard":  # no status.yaml: the columns of the method only
            assert "状态" not in header
            continue
        assert header[-4:] == ["状态", "执行人", "日期", "证据位置"]
        by_id = {row[1]: row for row in rows[1:]}
        assert by_id["assess-migration-difficulty"][-4:] == ["受阻", "赵敏", "", ""]
        assert by_id["define-role-responsibilities"][-4:] == [
            "已完成", "陈静", "2026-02-16", "https://wiki.example.com/crm/raci"]
        assert by_id["build-phased-master-plan"][-4][:3] == "未开始"


def test_the_schedule_lays_phases_end_to_end_from_the_start_date():
    import datetime

    from luodi.schedule import schedule

    playbook = load_playbooks(ROOT / "playbooks").playbooks["crm-rollout"]
    rows = {row.phase.id: row for row in schedule(playbook)}
    day = datetime.date.fromisoformat
    goals = rows["goals"]  # weeks "3-6" from the start-date variable, 2026-01-05
    assert (goals.start, goals.end_short, goals.end_long) == (
        day("2026-01-05"), day("2026-01-26"), day("2026-02-16"))
    # The next phase starts when the previous one ends at its shortest; its longest end adds
    # every longest.
    assert rows["preparation"].start == day("2026-01-26")
    assert rows["preparation"].end_long == day("2026-03-30")
    assert rows["execution"].end_short == day("2026-05-04")  # the fork's own weeks: "10-14"
    assert rows["sustainment"].start is None  # no weeks: not planned
    # Actual: the dates in status.yaml; finished when the gate is met.
    assert goals.finished and goals.actual_start == day("2026-01-16")
    assert goals.actual_end == day("2026-02-11")
    assert not rows["preparation"].finished and rows["execution"].actual_start is None


def test_the_timeline_is_svg_of_escaped_text_with_a_line_for_today():
    import dataclasses
    import datetime

    import luodi.render  # noqa: F401  (registers the views)
    from luodi.render.common import Context
    from luodi.render.status import timeline

    playbook = load_playbooks(ROOT / "playbooks").playbooks["crm-rollout"]
    hostile = dataclasses.replace(playbook.phases[0], title="<script>x</script>&{{ y }}")
    playbook = dataclasses.replace(playbook, phases=(hostile, *playbook.phases[1:]))
    svg = timeline(Context(playbook, "crm-rollout/status.md"), datetime.date(2026, 2, 15))
    assert svg.count('class="luodi-tl-planned"') == 4 and svg.count("luodi-tl-today\"") == 1
    assert "今天 2026-02-15" in svg and "<script>" not in svg and "{{" not in svg
    assert "&lt;script&gt;" in svg and 'class="luodi-tl-actual luodi-tl-done"' in svg
    assert "luodi-tl-running" in svg  # preparation: started, its gate not met
