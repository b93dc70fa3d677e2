"""Upgrading a fork: `luodi diff FORK --drift` shows the parent's value then (git history) and
now beside the fork's; `luodi accept` rewrites based_on in place and nothing else."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import ROOT

from luodi.cli import main

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
PARENT = "playbooks/standard/phases/preparation.yaml"
FORK = "playbooks/crm-rollout/phases/preparation.yaml"
OLD = "    evidence: 数据质量抽样报告与迁移难度评估表\n"
NEW = "    evidence: 数据质量抽样报告、迁移难度评估表与迁移演练计划\n"


def git(root, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.email=t@example.com",
                           "-c", "user.name=t", *args], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def upgraded(tmp_path, monkeypatch):
    """The default playbooks in a git repository, then a new standard version that rewrites
    the evidence of an item crm-rollout overrides."""
    shutil.copytree(ROOT / "playbooks", tmp_path / "playbooks")
    monkeypatch.chdir(tmp_path)
    if shutil.which("git"):
        git(tmp_path, "init", "-q")
        git(tmp_path, "add", "-A")
        git(tmp_path, "commit", "-qm", "standard 1.0")
    parent = tmp_path / PARENT
    text = parent.read_text(encoding="utf-8")
    assert text.count(OLD) == 1
    parent.write_text(text.replace(OLD, NEW), encoding="utf-8")
    if shutil.which("git"):
        git(tmp_path, "commit", "-qam", "standard 1.1")
    return tmp_path


@needs_git
def test_drift_shows_the_parents_value_then_and_now_beside_the_forks(upgraded, capsys):
    assert main(["diff", "crm-rollout", "--drift"]) == 0
    out = capsys.readouterr().out
    first = git(upgraded, "log", "--format=%h", "--reverse").split()[0]
    assert "crm-rollout: 1 override(s) whose parent content changed" in out
    assert f"{FORK}:8:15: assess-migration-difficulty: override of evidence, raci" in out
    assert "parent then (" in out and "数据质量抽样报告与迁移难度评估表" in out
    assert out.split("parent then (")[1].startswith(first[:7])
    assert "parent now: 数据质量抽样报告、迁移难度评估表与迁移演练计划" in out
    assert "this fork:  各销售大区客户数据质量抽样报告与迁移难度评估表" in out
    assert "raci: unchanged in the parent since" in out
    assert "accept: luodi accept crm-rollout assess-migration-difficulty" in out


def test_without_git_history_the_report_says_so(upgraded, capsys):
    shutil.rmtree(upgraded / ".git", ignore_errors=True)
    assert main(["diff", "crm-rollout", "--drift"]) == 0
    out = capsys.readouterr().out
    assert "parent then: unknown (the playbooks are not in a git repository)" in out
    assert "parent now: 数据质量抽样报告、迁移难度评估表与迁移演练计划" in out


def test_accept_rewrites_the_hash_in_place_and_nothing_else(upgraded, capsys):
    fork = upgraded / FORK
    before = fork.read_bytes()
    assert main(["accept", "crm-rollout", "assess-migration-difficulty"]) == 0
    after = fork.read_bytes()
    assert after != before
    old, new = before.split(b"\n")[7], after.split(b"\n")[7]
    assert old.startswith(b'    based_on: "') and new.startswith(b'    based_on: "')
    assert before.replace(old, new) == after  # one line changed, in its hash alone
    capsys.readouterr()
    assert main(["validate", "--strict", "playbooks"]) == 0
    assert "warning" not in capsys.readouterr().out


def test_accept_a_removal_rewrites_the_hash_after_the_at_sign(upgraded, capsys):
    parent = upgraded / PARENT
    text = parent.read_text(encoding="utf-8")
    evidence = "    evidence: 《范围确认单》Won't-have 清单中的报表条目\n"
    assert text.count(evidence) == 1
    parent.write_text(text.replace(evidence, "    evidence: 《范围确认单》中的报表清单\n"),
                      encoding="utf-8")
    capsys.readouterr()
    assert main(["diff", "crm-rollout", "--drift"]) == 0
    out = capsys.readouterr().out
    assert "replicate-legacy-reports: removal" in out
    if shutil.which("git"):  # only what the parent changed since: its evidence
        removal = out.split("replicate-legacy-reports: removal", 1)[1]
        assert "  evidence:\n    parent then (" in removal
        assert "parent now: 《范围确认单》中的报表清单" in removal
        assert "title:" not in removal
    fork = upgraded / FORK
    before = fork.read_text(encoding="utf-8")
    assert main(["accept", "crm-rollout", "--all"]) == 0
    after = fork.read_text(encoding="utf-8")
    assert "remove: [replicate-legacy-reports@2e62540b]" in before
    assert "remove: [replicate-legacy-reports@" in after
    assert "replicate-legacy-reports@2e62540b" not in after
    assert len(before) == len(after) and before.count("\n") == after.count("\n")
    capsys.readouterr()
    assert main(["validate", "--strict", "playbooks"]) == 0


def test_accept_refuses_what_has_no_drift_and_needs_ids_or_all(upgraded, capsys):
    fork = upgraded / FORK
    before = fork.read_bytes()
    assert main(["accept", "crm-rollout", "assess-migration-difulty"]) == 1
    err = capsys.readouterr().err
    assert "'assess-migration-difulty' has no drift in 'crm-rollout'" in err
    assert "did you mean 'assess-migration-difficulty'" in err
    assert main(["accept", "crm-rollout"]) == 2
    assert main(["accept", "nope", "--all"]) == 1
    assert fork.read_bytes() == before


def test_accept_refuses_when_the_file_no_longer_holds_the_hash(upgraded):
    from luodi.drift import AcceptError, accept
    from luodi.read import load_playbooks

    drift = next(d for d in load_playbooks("playbooks").drifts if d.fork == "crm-rollout")
    fork = upgraded / FORK
    fork.write_text(fork.read_text(encoding="utf-8").replace(drift.recorded, "0000beef"),
                    encoding="utf-8")
    before = fork.read_bytes()
    with pytest.raises(AcceptError, match="is no longer there"):
        accept([drift])
    assert fork.read_bytes() == before


def test_accept_says_so_when_a_file_cannot_be_written(upgraded, capsys, monkeypatch):
    import os

    fork = upgraded / FORK
    before = fork.read_bytes()

    def refused(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refused)
    assert main(["accept", "crm-rollout", "--all"]) == 1
    err = capsys.readouterr().err
    assert "luodi accept: error: cannot write" in err and "Permission denied" in err
    assert "Traceback" not in err and "bug in Luodi" not in err
    assert fork.read_bytes() == before
    assert not [p for p in fork.parent.iterdir() if p.name.startswith(".")]  # no temp file
