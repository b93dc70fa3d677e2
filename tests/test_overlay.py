"""Forks: each merge rule, each error, provenance and drift, on a fork of the sample playbook."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from luodi.read import load_playbooks
from luodi.read.overlay import content_hash


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


FORK_HEAD = """\
schema_version: 1
id: fork
extends: sample
title: 分支
summary: 示例分支
"""


@pytest.fixture
def fork(sample_tree) -> Path:
    folder = sample_tree.parent / "fork"
    write(folder / "playbook.yaml", FORK_HEAD)
    return folder


def load(capsys=None):
    result = load_playbooks("playbooks")
    return result, [d.format() for d in result.diagnostics]


def test_a_fork_without_changes_inherits_everything(fork):
    result, messages = load()
    assert messages == []
    sample, forked = result.playbooks["sample"], result.playbooks["fork"]
    assert forked.title == "分支" and forked.extends == "sample"
    assert [i.id for _, i in forked.items()] == [i.id for _, i in sample.items()]
    assert forked.variables == sample.variables
    assert [f.id for f in forked.forms] == ["acceptance"]


def test_mappings_deep_merge_scalars_and_plain_lists_are_replaced(fork):
    write(fork / "playbook.yaml", FORK_HEAD + """\
variables:
  project-name: {value: 分支项目}
""")
    write(fork / "phases" / "prep.yaml", """\
id: prep
entry_criteria: [新的进入条件]
checklist:
  - id: prep-team
    priority: should
    tags: [新标签]
    raci: {accountable: trainer}
""")
    result, messages = load()
    assert [m for m in messages if "error" in m] == []
    pb = result.playbooks["fork"]
    assert pb.variables["project-name"].value == "分支项目"
    assert pb.variables["project-name"].label == "项目名称"  # inherited key of the mapping
    prep = pb.phase("prep")
    assert prep.entry_criteria == ["新的进入条件"]
    item = prep.checklist[0]
    assert (item.priority, item.tags, item.title) == ("should", ["新标签"], "组建项目团队")
    assert item.raci.accountable == "trainer" and item.raci.consulted == ["trainer"]
    # Provenance: each field says where it came from.
    assert str(item.sources["priority"]).startswith("playbooks/fork/phases/prep.yaml:5:")
    assert str(item.sources["title"]).startswith("playbooks/sample/phases/prep.yaml:")


def test_identified_lists_merge_by_id_keep_order_and_place_new_entries(fork):
    write(fork / "phases" / "prep.yaml", """\
id: prep
checklist:
  - id: prep-new-first
    after: prep-team
    title: 新检查项
    owner: pm
    priority: could
    evidence: 记录
  - id: prep-new-last
    title: 末尾检查项
    owner: trainer
    priority: must
    evidence: 记录
""")
    result, messages = load()
    assert [m for m in messages if "error" in m] == []
    ids = [i.id for i in result.playbooks["fork"].phase("prep").checklist]
    assert ids == ["prep-team", "prep-new-first", "prep-scope", "prep-new-last"]
    assert [i.id for i in result.playbooks["sample"].phase("prep").checklist] == [
        "prep-team", "prep-scope"]


def test_remove_needs_an_explicit_list(fork):
    write(fork / "playbook.yaml", FORK_HEAD + "remove: [go-live, acceptance, budget-overrun]\n")
    write(fork / "phases" / "prep.yaml", "id: prep\nremove: [prep-team]\n")
    result, messages = load()
    pb = result.playbooks["fork"]
    assert [p.id for p in pb.phases] == ["prep"]
    assert pb.risks == [] and pb.forms == ()
    assert [i.id for i in pb.phase("prep").checklist] == ["prep-scope"]
    assert len(messages) == 4 and all("warning[overlay-no-base]" in m for m in messages)


def test_removing_what_the_parent_refers_to_is_reported_against_the_fork(fork):
    write(fork / "phases" / "prep.yaml", "id: prep\nremove: [prep-scope]\n")
    _, messages = load()
    broken = [m for m in messages if "error" in m]
    assert broken == [
        "playbooks/sample/playbook.yaml:41:20: error[unknown-ref]: in fork 'fork': prevented_by: "
        "no item with id 'prep-scope' (did you mean 'prep-team'?)\n"
        "  hint: the fork removed what this refers to; override or remove the reference in "
        "playbooks/fork/ as well"]


def test_null_and_omission_never_remove(fork):
    write(fork / "phases" / "prep.yaml", """\
id: prep
exit_criteria: null
checklist:
  - id: prep-team
    evidence: null
""")
    result, messages = load()
    assert "playbooks/fork/phases/prep.yaml:2:16: error[overlay-null]: 'exit_criteria: null' does " \
           "not remove or reset anything" in messages[0]
    assert any("playbooks/fork/phases/prep.yaml:5:15: error[overlay-null]" in m for m in messages)


def test_override_of_an_unknown_id_suggests_the_close_one(fork):
    write(fork / "phases" / "prep.yaml", """\
id: prep
checklist:
  - id: prep-tema
    priority: could
""")
    _, messages = load()
    assert messages[0].startswith(
        "playbooks/fork/phases/prep.yaml:3:9: error[overlay-unknown-id]: the parent has no "
        "'checklist' entry 'prep-tema' (did you mean 'prep-team'?)")


def test_removal_of_an_unknown_id_suggests_the_close_one(fork):
    write(fork / "phases" / "prep.yaml", "id: prep\nremove: [prep-scoop]\n")
    _, messages = load()
    assert messages[0].startswith(
        "playbooks/fork/phases/prep.yaml:2:10: error[overlay-unknown-id]: remove: the parent has "
        "no 'prep-scoop' here (did you mean 'prep-scope'?)")


def test_changing_a_value_kind_is_an_error(fork):
    write(fork / "phases" / "prep.yaml", "id: prep\nentry_criteria: 只有一条\n")
    _, messages = load()
    assert messages[0].startswith(
        "playbooks/fork/phases/prep.yaml:2:17: error[overlay-type]: 'entry_criteria' is a list in "
        "the parent (playbooks/sample/phases/prep.yaml:6:17), not text")


def test_extends_cycle_shows_the_chain(fork, sample_tree):
    write(fork / "playbook.yaml", FORK_HEAD.replace("extends: sample", "extends: other"))
    write(sample_tree.parent / "other" / "playbook.yaml",
          FORK_HEAD.replace("id: fork", "id: other").replace("extends: sample", "extends: fork"))
    result, messages = load()
    assert any("error[extends-cycle]: playbooks extend each other in a cycle: "
               in m and ("fork → other → fork" in m or "other → fork → other" in m)
               for m in messages)
    assert "fork" not in result.playbooks and "sample" in result.playbooks


def test_chains_of_forks_resolve_in_order(fork, sample_tree):
    write(fork / "phases" / "prep.yaml", "id: prep\nremove: [prep-scope]\n")
    write(sample_tree.parent / "grandchild" / "playbook.yaml",
          FORK_HEAD.replace("id: fork", "id: grandchild").replace("extends: sample",
                                                                   "extends: fork"))
    result, _ = load()
    assert [i.id for _, i in result.playbooks["grandchild"].items()] == [
        "prep-team", "live-training"]


def test_overlay_keys_outside_a_fork_are_refused(sample_tree):
    prep = sample_tree / "phases" / "prep.yaml"
    prep.write_text(prep.read_text(encoding="utf-8") + "remove: [prep-scope]\n", encoding="utf-8")
    _, messages = load()
    assert messages[0].startswith("playbooks/sample/phases/prep.yaml:24:1: error[unknown-key]: "
                                  "'remove' is only allowed in a playbook that extends another")


def test_drift_is_reported_when_the_parent_changes_under_an_override(fork, sample_tree, capsys):
    from luodi.cli import main

    parent_item = {"priority": "must"}
    write(fork / "phases" / "prep.yaml", f"""\
id: prep
checklist:
  - id: prep-team
    based_on: "{content_hash(parent_item)}"
    priority: should
""")
    write(fork / "phases" / "go-live.yaml", "id: go-live\nremove: [live-training@PLACEHOLDER]\n")
    result, messages = load()
    removal_hash = next(m for m in messages if "drift" in m).split("now ")[1].split(")")[0]
    text = (fork / "phases" / "go-live.yaml").read_text(encoding="utf-8")
    (fork / "phases" / "go-live.yaml").write_text(text.replace("PLACEHOLDER", removal_hash),
                                                  encoding="utf-8")
    result, messages = load()
    assert messages == []
    assert main(["validate", "--strict", "playbooks"]) == 0

    # The parent changes the overridden field and the removed item.
    for name, old, new in (("prep", "    priority: must", "    priority: could"),
                           ("go-live", "evidence: 培训签到表", "evidence: 培训签到表（新版）")):
        file = sample_tree / "phases" / f"{name}.yaml"
        file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    result, messages = load()
    assert len(messages) == 2 and all("warning[drift]" in m for m in messages)
    assert messages[0].startswith("playbooks/fork/phases/go-live.yaml:2:10: warning[drift]: "
                                  "'live-training' changed in the parent "
                                  "(playbooks/sample/phases/go-live.yaml:")
    assert messages[1].startswith("playbooks/fork/phases/prep.yaml:4:15: warning[drift]: "
                                  "'prep-team' changed in the parent "
                                  "(playbooks/sample/phases/prep.yaml:")
    item = result.playbooks["fork"].phase("prep").checklist[0]
    assert item.drift and "prep-team" in item.drift[0]
    capsys.readouterr()
    assert main(["validate", "playbooks"]) == 0
    assert main(["validate", "--strict", "playbooks"]) == 1
    assert "warning[drift]" in capsys.readouterr().err


# ---------------------------------------------------------------- the fork tools


def test_new_scaffolds_a_valid_fork_and_refuses_an_existing_folder(sample_tree, capsys):
    from luodi.cli import main

    assert main(["new", "pilot", "--from", "sample", "--title", "试点项目",
                 "--set", "project-name=试点 CRM", "--set", "contract-no=HT-9"]) == 0
    text = (sample_tree.parent / "pilot" / "playbook.yaml").read_text(encoding="utf-8")
    assert "extends: sample" in text and 'title: "试点项目"' in text
    assert 'project-name: {value: "试点 CRM"}' in text and 'contract-no: {value: "HT-9"}' in text
    assert "# kpis:" in text and "# remove:" in text and "checklist:" in text
    capsys.readouterr()
    assert main(["validate", "--strict", "playbooks"]) == 0
    result, _ = load()
    assert result.playbooks["pilot"].variables["project-name"].value == "试点 CRM"

    before = text
    assert main(["new", "pilot", "--from", "sample", "--title", "别的"]) == 1
    assert "already exists; nothing was written" in capsys.readouterr().err
    assert (sample_tree.parent / "pilot" / "playbook.yaml").read_text(encoding="utf-8") == before


def test_new_rejects_unknown_parent_and_variable(sample_tree, capsys):
    from luodi.cli import main

    assert main(["new", "pilot", "--from", "sampel"]) == 1
    assert "no playbook 'sampel' (did you mean 'sample'?)" in capsys.readouterr().err
    assert main(["new", "pilot", "--from", "sample", "--set", "project-nmae=x"]) == 1
    assert "has no variable 'project-nmae' (did you mean 'project-name'?)" in \
        capsys.readouterr().err
    assert main(["new", "Pilot_1", "--from", "sample"]) == 2
    assert not (sample_tree.parent / "pilot").exists()


def test_diff_lists_changes_object_by_object(fork, capsys):
    from luodi.cli import main

    write(fork / "playbook.yaml", FORK_HEAD + "variables:\n  vendor: {value: 新乙方}\n"
          "remove: [budget-overrun]\n")
    write(fork / "phases" / "prep.yaml", """\
id: prep
checklist:
  - id: prep-team
    priority: could
  - id: prep-extra
    title: 额外检查项
    owner: pm
    priority: should
    evidence: 记录
""")
    assert main(["diff", "fork"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("fork against sample: ")
    assert any(line.startswith('~ variable vendor: "示例实施有限公司" → "新乙方"') for line in out)
    assert "    priority: \"must\" → \"could\"" in out
    assert any(line.startswith("~ item prep-team  (playbooks/fork/phases/prep.yaml:3:5)")
               for line in out)
    assert any(line.startswith("+ item prep-extra  (playbooks/fork/phases/prep.yaml:5:5)")
               for line in out)
    assert any(line.startswith("- risk budget-overrun  (was playbooks/sample/playbook.yaml:")
               for line in out)
    assert main(["diff", "sample"]) == 1


def test_explain_shows_where_each_field_came_from(fork, capsys):
    from luodi.cli import main

    write(fork / "phases" / "prep.yaml", "id: prep\nchecklist:\n  - id: prep-team\n"
          "    evidence: 新证据\n")
    assert main(["explain", "fork", "prep-team"]) == 0
    out = capsys.readouterr().out
    assert 'evidence: "新证据"  (playbooks/fork/phases/prep.yaml:4:15)' in out
    assert 'title: "组建项目团队"  (playbooks/sample/phases/prep.yaml:' in out
    assert main(["explain", "fork", "prep-tem"]) == 1
    assert "no object with id 'prep-tem' in 'fork' (did you mean 'prep-team'?)" in \
        capsys.readouterr().err


def test_the_site_shows_a_notice_where_the_parent_drifted(fork, sample_tree, tmp_path):
    from conftest import build_site, make_project

    write(fork / "phases" / "prep.yaml", """\
id: prep
checklist:
  - id: prep-team
    based_on: "00000000"
    priority: should
""")
    project = make_project(tmp_path / "project", sample_tree.parent)
    done = build_site(project, tmp_path / "site", strict=False)  # the drift warning is the point
    assert done.returncode == 0, done.stderr
    assert "warning[drift]" in done.stderr
    page = (tmp_path / "site" / "fork" / "phases" / "prep" / "index.html").read_text(
        encoding="utf-8")
    assert 'class="admonition warning"' in page and "上游已变更，请复核" in page
    assert "prep-team" in page.split("上游已变更")[1][:400]
    parent = (tmp_path / "site" / "sample" / "phases" / "prep" / "index.html").read_text(
        encoding="utf-8")
    assert "上游已变更" not in parent
    # With --strict the drift fails the build.
    assert build_site(project, tmp_path / "strict").returncode == 1


def test_overlays_of_plain_or_empty_parent_values_never_crash(fork, sample_tree):
    prep = sample_tree / "phases" / "prep.yaml"
    prep.write_text(prep.read_text(encoding="utf-8").replace(
        "    tags: [团队]", "    tags: [团队]\n    raci:").replace(
        "    raci: {responsible: [pm], accountable: pm, consulted: [trainer]}\n",
        ""), encoding="utf-8")
    write(fork / "phases" / "prep.yaml", """\
id: prep
checklist:
  - id: prep-team
    raci: {accountable: trainer}
    tags:
      - id: not-a-tag
        title: 不是标签
""")
    write(fork / "phases" / "extra.yaml", "id: 5\norder: 9\n")
    result, messages = load()
    # Replacing a plain list: the fork's list of mappings is then checked as tags (text).
    assert any("error[type]: 'tags' must be text, not a mapping" in m for m in messages), messages
    assert any(m.startswith("playbooks/fork/phases/extra.yaml:1:5: error[missing-key]: a new "
                            "phase needs a text id") for m in messages), messages
    # The parent's empty raci takes the fork's value.
    write(fork / "phases" / "prep.yaml", "id: prep\nchecklist:\n  - id: prep-team\n"
          "    raci: {accountable: trainer}\n")
    (fork / "phases" / "extra.yaml").unlink()
    result, messages = load()
    assert [m for m in messages if "error" in m] == []
    assert result.playbooks["fork"].phase("prep").checklist[0].raci.accountable == "trainer"


def test_an_empty_list_in_a_fork_is_not_a_removal(fork):
    write(fork / "playbook.yaml", FORK_HEAD + "kpis: []\n")
    _, messages = load()
    assert messages[0].startswith("playbooks/fork/playbook.yaml:6:7: error[overlay-null]: "
                                  "an empty list does not remove the inherited entries")
