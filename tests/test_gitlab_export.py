"""luodi export gitlab: the open checklist items as a CSV for GitLab's issue import, and the
labels it uses; playbook text never becomes a quick action or a mention."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest
from conftest import FIXTURES, ROOT

from luodi.cli import main
from luodi.read import load_playbooks
from luodi.status import FINISHED, item_status

PLAYBOOKS = str(ROOT / "playbooks")
LABEL_LINE = re.compile(r'^/label( ~"[^"\n]+")+$')


def export(capsysbinary, kind: str, playbook: str, *extra: str,
           playbooks: str = PLAYBOOKS) -> bytes:
    code = main(["export", kind, playbook, "-o", "-", "--playbooks", playbooks, *extra])
    captured = capsysbinary.readouterr()
    assert code == 0, captured.err
    return captured.out


def issues(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def labels_of(description: str) -> list[str]:
    last = description.rsplit("\n", 1)[-1]
    assert LABEL_LINE.match(last), last
    return re.findall(r'~"([^"]+)"', last)


def test_one_issue_per_open_item_with_its_phases_due_date_and_labels(capsysbinary):
    data = export(capsysbinary, "gitlab", "crm-rollout")
    # GitLab reads the header's first bytes as the name 'title': no byte order mark.
    assert data.startswith(b"title,description,due_date\r\n")
    rows = issues(data)
    playbook = load_playbooks(PLAYBOOKS).playbooks["crm-rollout"]
    open_items = [item for _, item in playbook.items() if item.priority != "wont"
                  and item_status(playbook, item.id).state not in FINISHED]
    assert [row["title"] for row in rows] == [item.title for item in open_items]
    by_id = {re.search(r"`([^`]+)`", row["description"]).group(1): row for row in rows}
    assert "define-role-responsibilities" not in by_id  # done
    assert "engage-third-party-consultant" not in by_id  # n/a
    blocked = by_id["assess-migration-difficulty"]
    assert blocked["due_date"] == "2026-03-30"  # preparation's end at its longest
    assert labels_of(blocked["description"]) == [
        "阶段::准备阶段", "优先级::必须", "负责人::业务分析师", "状态::受阻"]
    assert "**状态**：受阻（赵敏） — 等待华南大区提供客户数据样本" in blocked["description"]
    assert "**证据**：各销售大区客户数据质量抽样报告与迁移难度评估表" in blocked["description"]
    assert "**批准 A** 项目经理" in blocked["description"]
    # Without the site's address the page is named by its path, as text.
    assert "在知识库中查看：`crm-rollout/phases/preparation/#assess-migration-difficulty`" \
        in blocked["description"]
    # A phase the schedule cannot place has no due date.
    assert {row["due_date"] for row in rows if "保障机制" in row["description"]} == {""}


def test_the_labels_file_holds_exactly_the_labels_the_issues_use(capsysbinary):
    used = set()
    for row in issues(export(capsysbinary, "gitlab", "crm-rollout")):
        used.update(labels_of(row["description"]))
    listed = export(capsysbinary, "gitlab-labels", "crm-rollout").decode("utf-8").splitlines()
    assert sorted(listed) == sorted(used) and len(listed) == len(set(listed))
    assert listed[0] == "阶段::准备阶段" and listed[-1].startswith("状态::")


def test_a_playbook_without_status_exports_every_item_but_wont(capsysbinary):
    rows = issues(export(capsysbinary, "gitlab", "standard"))
    playbook = load_playbooks(PLAYBOOKS).playbooks["standard"]
    assert len(rows) == sum(1 for _, item in playbook.items() if item.priority != "wont")
    assert all("**状态**" not in row["description"] for row in rows)


def test_links_back_are_absolute_with_the_sites_address(capsysbinary, tmp_path, monkeypatch):
    rows = issues(export(capsysbinary, "gitlab", "crm-rollout",
                         "--site-url", "https://kb.example.com/base/"))
    assert ("[在知识库中查看](https://kb.example.com/base/crm-rollout/phases/preparation/"
            "#assess-migration-difficulty)") in rows[1]["description"]
    # Without --site-url: what mkdocs.yml says, whatever tags it holds.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nsite_url: https://intra.example/kb\nuse_directory_urls: false\n"
        "strict: !ENV [STRICT, false]\n", encoding="utf-8")
    rows = issues(export(capsysbinary, "gitlab", "crm-rollout"))
    assert ("(https://intra.example/kb/crm-rollout/phases/preparation.html"
            "#assess-migration-difficulty)") in rows[1]["description"]


def test_playbook_text_never_becomes_a_quick_action_or_a_mention(tmp_path, capsysbinary):
    playbooks = tmp_path / "playbooks"
    shutil.copytree(FIXTURES / "sample", playbooks / "sample")
    phase = playbooks / "sample" / "phases" / "prep.yaml"
    text = phase.read_text("utf-8")
    assert "title: 组建项目团队" in text
    phase.write_text(text.replace(
        "title: 组建项目团队",
        'title: "组建 \\"团队\\" @boss"\n    detail: "/close\\n  /assign @boss\\n见 @everyone 与 '
        'a@b.example"', 1), encoding="utf-8")
    roles = playbooks / "sample" / "roles"
    role = next(roles.glob("*.yaml"))
    role.write_text(re.sub(r"^title: (.*)$", r'title: "\1 \\"x\\""', role.read_text("utf-8"),
                           count=1, flags=re.M), encoding="utf-8")
    rows = issues(export(capsysbinary, "gitlab", "sample", playbooks=str(playbooks)))
    row = next(r for r in rows if "@boss" in r["title"])
    assert row["title"] == '组建 "团队" @boss'
    lines = row["description"].split("\n")
    assert [line for line in lines if line.lstrip().startswith("/")] == [lines[-1]]
    assert "\\/close" in lines and "  \\/assign @<!-- -->boss" in lines
    assert not re.search(r"@(?!<!-- -->)\w", row["description"])
    for name in labels_of(row["description"]):
        assert '"' not in name


@pytest.mark.parametrize("kind", ["gitlab", "gitlab-labels"])
def test_the_site_publishes_both_files(default_site, kind):
    name = {"gitlab": "gitlab-issues.csv", "gitlab-labels": "gitlab-labels.txt"}[kind]
    assert (default_site / "crm-rollout" / "downloads" / name).is_file()
    dashboard = (default_site / "crm-rollout" / "status" / "index.html").read_text("utf-8")
    assert f'href="../downloads/{name}"' in dashboard
    overview = (default_site / "standard" / "index.html").read_text("utf-8")
    assert (f'href="downloads/{name}"' in overview) == (kind == "gitlab")
