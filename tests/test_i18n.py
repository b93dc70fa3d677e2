"""Labels come from one catalog keyed by the playbook's language; zh and en are complete."""

from __future__ import annotations

import logging
import re
import shutil

from conftest import FIXTURES, ROOT, build_site, make_project

from luodi.i18n import CATALOG, label
from luodi.model import MATERIAL_KINDS, RACI_LETTERS

KEY_USE = re.compile(r"""\b(?:t|label)\(\s*(?:[\w.]+,\s*)?["']([a-z][a-z0-9-]*)["']""")


def test_zh_and_en_have_the_same_keys():
    assert set(CATALOG["zh"]) == set(CATALOG["en"])


def test_every_label_used_in_the_code_exists():
    used = set()
    for file in (ROOT / "luodi").rglob("*.py"):
        used.update(KEY_USE.findall(file.read_text(encoding="utf-8")))
    assert used, "no label use found: the pattern is broken"
    # Keys built from a prefix ("level-" + likelihood) are checked for every value.
    composed = {"level-": ("low", "medium", "high"), "category-": ("technical",
                "organizational", "budget"), "format-": ("manual", "video", "drill", "workshop"),
                "goal-": ("pain-point", "objective", "governance"),
                "state-": ("todo", "doing", "done", "blocked", "n/a", "unsigned"),
                "gate-": ("met", "not-met"), "col-state-": ("done", "doing", "blocked", "todo"),
                "col-": tuple(RACI_LETTERS), "material-": MATERIAL_KINDS,
                "filter-": ("priority", "role", "state"), "fork-": ("added", "changed")}
    keys = {k for k in used if not k.endswith("-")}
    keys |= {p + v for p in used if p.endswith("-") for v in composed[p]}
    missing = sorted(k for k in keys if k not in CATALOG["en"])
    assert missing == []


def test_a_missing_translation_warns_and_never_shows_the_raw_key(caplog, monkeypatch):
    monkeypatch.setitem(CATALOG, "en", {k: v for k, v in CATALOG["en"].items() if k != "owner"})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.luodi"):
        text = label("en", "owner")
    assert text == CATALOG["zh"]["owner"]
    assert "label 'owner'" in caplog.text and "'en'" in caplog.text


def test_an_english_playbook_reads_as_english_next_to_a_chinese_one(tmp_path):
    playbooks = tmp_path / "pb"
    shutil.copytree(FIXTURES / "sample", playbooks / "sample")
    english = playbooks / "sample-en"
    shutil.copytree(FIXTURES / "sample", english)
    main = english / "playbook.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace("id: sample", "id: sample-en")
                    .replace("language: zh", "language: en")
                    .replace("title: 示例实施手册", "title: Sample playbook"), encoding="utf-8")
    project = make_project(tmp_path / "p", playbooks)
    site = tmp_path / "site"
    done = build_site(project, site)
    assert done.returncode == 0, done.stderr

    def page(url: str) -> str:
        """The article of a page (the nav lists both playbooks, in their own languages)."""
        text = (site / url / "index.html").read_text(encoding="utf-8")
        return text.split('<article class="md-content__inner', 1)[1].split("</article>", 1)[0]

    en, zh = page("sample-en/phases/prep"), page("sample/phases/prep")
    for word in ("Owner", "Evidence", "Entry criteria", "Checklist"):
        assert word in en and word not in zh, word
    for word in ("负责人", "证据", "必须有", "进入条件", "检查清单"):
        assert word in zh and word not in en, word
    form = page("sample-en/forms/acceptance")
    assert "Signatory: " in form and "Signature (seal)" in form and "签字" not in form
    kpis = re.sub(r"<[^>]+>", "", page("sample-en/kpis"))
    assert "Owner: " in kpis and "：" not in kpis and "、" not in kpis
