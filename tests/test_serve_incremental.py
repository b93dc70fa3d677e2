"""`mkdocs serve` rebuilds only what an edit changed (luodi/site/rebuild.py), and the site it
serves is byte for byte the one a full build of the same sources makes: after every kind of
edit, the served folder is compared file by file with a fresh `mkdocs build`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, free_port

NEW_ITEM = """\
  - id: weekly-risk-sync
    title: 每周同步一次风险登记册
    owner: project-manager
    priority: should
    evidence: 每周风险同步纪要
    detail: 新增的检查项，用来检验增量重建。
    raci:
      responsible: [project-manager]
      accountable: project-manager
"""

NEW_ROLE = """\
id: data-steward
title: 数据管理员
order: 20
summary: 负责主数据的质量与口径。
responsibilities:
  - 维护主数据口径
"""


def _replace(old: str, new: str):
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)
    return edit


def _title(text: str) -> str:
    return re.sub(r"(?m)^title: (.+)$", r"title: \1（修订）", text, count=1)


# (what, file, edit of its text, or None to delete it). Each kind of edit the issue names.
EDITS = [
    ("a phase's title", "playbooks/standard/phases/preparation.yaml", _title),
    ("an item added", "playbooks/standard/phases/execution.yaml",
     _replace("checklist:\n", "checklist:\n" + NEW_ITEM)),
    ("the item removed", "playbooks/standard/phases/execution.yaml", _replace(NEW_ITEM, "")),
    ("an item's detail", "playbooks/standard/phases/preparation.yaml",
     lambda text: re.sub(r"(?m)^(    detail: .+)$", r"\1（补充说明）", text, count=1)),
    ("a role renamed", "playbooks/standard/roles/tester.yaml",
     _replace("title: 测试人员", "title: 测试与质量人员")),
    ("a fork's override", "playbooks/crm-rollout/phases/preparation.yaml",
     _replace("evidence: 各销售大区客户数据质量抽样报告与迁移难度评估表",
              "evidence: 各大区客户数据抽样报告")),
    ("a variable a form shows", "playbooks/standard/playbook.yaml",
     _replace("value: 某制造企业 ERP 实施项目", "value: 某集团 ERP 二期项目")),
    ("the playbook's title (every page's nav, and 404.html)", "playbooks/standard/playbook.yaml",
     _title),
    ("a glossary term", "playbooks/standard/playbook.yaml",
     _replace("term: MoSCoW 法", "term: MoSCoW 排序法")),
    ("a new role (new pages)", "playbooks/standard/roles/data-steward.yaml",
     lambda text: NEW_ROLE),
    ("a broken file", "playbooks/standard/roles/data-steward.yaml",
     lambda text: text + "responsibilities: [\n"),
    ("the role removed", "playbooks/standard/roles/data-steward.yaml", None),
    ("a hand-written page", "docs/guide/readers.md",
     lambda text: text + "\n\n增量重建之后加的一段话。\n"),
]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _builds(log: str) -> int:
    """Builds the server finished, well or not, by its log."""
    return sum(log.count(mark) for mark in ("Serving on", "Reloading browsers", "ERROR"))


class _Server:
    def __init__(self, project: Path, port: int, env: dict):
        self.log_path = project.parent / "serve.log"
        self.log = self.log_path.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            # The configuration named relative to the working folder, as people type it:
            # mkdocs then names it so for the first build and by its full path afterwards.
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "-f",
             "mkdocs.yml"],
            cwd=project, stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_settled(self, builds_before: int, timeout: float = 240) -> str:
        """Until a build after the edit finished and the log has been quiet for 2 s."""
        deadline = time.monotonic() + timeout
        size, quiet_since = -1, time.monotonic()
        while True:
            assert self.proc.poll() is None, self.text()
            text = self.text()
            done = _builds(text)
            if len(text) != size:
                size, quiet_since = len(text), time.monotonic()
            elif done > builds_before and time.monotonic() - quiet_since > 2.0:
                return text
            assert time.monotonic() < deadline, text[-4000:]
            time.sleep(0.2)

    def builds(self) -> int:
        return _builds(self.text())

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def test_the_served_site_is_the_full_build_after_every_kind_of_edit(tmp_path):
    project = tmp_path / "site"
    for name in ("docs", "playbooks", "macros"):
        shutil.copytree(ROOT / name, project / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    port = free_port()
    # `mkdocs serve` sets site_url to its own address: the full build gets the same one.
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    # The search index split into shards, as a large site's is: they stay between builds.
    split = config.replace("      playbooks: playbooks\n",
                           "      playbooks: playbooks\n      search_shards: always\n", 1)
    assert split != config
    (project / "mkdocs.yml").write_text(f"site_url: http://127.0.0.1:{port}/\n" + split,
                                        encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp_path / "tmp"),
           "SOURCE_DATE_EPOCH": "1764547200"}  # the sitemap's dates: the same in both
    server = _Server(project, port, env)
    try:
        server.wait_settled(0)
        served = next((tmp_path / "tmp").glob("mkdocs_*"))
        time.sleep(1.5)  # the watcher's first look at the files
        reused, shards = [], []
        for what, name, edit in EDITS:
            path = project / name
            before = server.builds()
            if edit is None:
                path.unlink()
            else:
                staged = path.with_name(path.name + ".tmp")
                staged.write_text(edit(path.read_text(encoding="utf-8")
                                       if path.exists() else ""), encoding="utf-8")
                os.replace(staged, path)  # one change event, never a half-written file
            log = server.wait_settled(before)
            if what == "a broken file":
                assert "data-steward.yaml" in log[-3000:], log[-3000:]
                continue  # the server keeps the last good site; the next edit fixes it
            fresh = tmp_path / "fresh"
            shutil.rmtree(fresh, ignore_errors=True)
            done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d",
                                   str(fresh)], cwd=project, env=env, capture_output=True,
                                  text=True)
            assert done.returncode == 0, done.stderr
            got, want = _tree(served), _tree(fresh)
            assert sorted(got) == sorted(want), (what, set(got) ^ set(want))
            differ = [f for f in want if got[f] != want[f]]
            assert not differ, (what, differ[:10])
            found = re.findall(r"luodi: rebuilt (\d+) of (\d+) pages \(.*, (\d+) written\)", log)
            reused.append((what, found[-1] if found else None))
            kept = re.findall(r"search: index split into (\d+) files .*, (\d+) as in the last", log)
            shards.append((what, kept[-1] if kept else None))
        # The memory was used: the first rebuild after start-up reused the first build's
        # pages, and after an item's detail changed, few pages were rendered again.
        # The pages rendered again are the ones written again: the others stayed in place in
        # the served folder (luodi/site/kept.py).
        counts = dict(reused)
        assert counts["a phase's title"] is not None, reused
        rebuilt, total, written = map(int, counts["a phase's title"])
        assert written <= rebuilt < total / 2, reused
        rebuilt, total, written = map(int, counts["an item's detail"])
        assert 0 < written <= rebuilt <= 6 < total, reused
        # Most shard files stayed in place too.
        split, same = map(int, dict(shards)["an item's detail"])
        assert split / 2 < same < split, shards
    finally:
        server.stop()
