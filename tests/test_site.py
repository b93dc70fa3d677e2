"""The real site: `mkdocs build --strict` of the default playbook and of hostile/invalid inputs."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jieba
import pytest
from conftest import FIXTURES, ROOT, build_site, make_project

from luodi.read import load_playbooks

STANDARD = load_playbooks(ROOT / "playbooks").playbooks["standard"]
ID_ATTR = re.compile(r'\sid="([^"]*)"')
HREF = re.compile(r'\shref="([^"]*)"')


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def ids(text: str) -> set[str]:
    return {html.unescape(i) for i in ID_ATTR.findall(text)}


def test_every_object_has_its_page_at_a_stable_url(default_site):
    expected = ["standard/", "standard/raci/", "standard/kpis/", "standard/risks/",
                "standard/scope/", "standard/glossary/", "standard/cases/", "standard/pitfalls/"]
    expected += [f"standard/phases/{p.id}/" for p in STANDARD.phases]
    expected += [f"standard/roles/{r.id}/" for r in STANDARD.roles]
    expected += [f"standard/training/{m.id}/" for _, m in STANDARD.modules()]
    expected += [f"standard/forms/{f.id}/" for f in STANDARD.forms]
    missing = [url for url in expected if not (default_site / url / "index.html").exists()]
    assert missing == []
    assert len(expected) == 8 + 5 + 9 + len(STANDARD.modules()) + 4


def test_anchors_are_object_ids(default_site):
    for phase in STANDARD.phases:
        found = ids(page(default_site, f"standard/phases/{phase.id}"))
        assert {i.id for i in phase.checklist} <= found
        assert {d.id for d in phase.deliverables} <= found
    for role, module in STANDARD.modules():
        assert {lesson.id for lesson in module.lessons} <= ids(
            page(default_site, f"standard/training/{module.id}"))
        assert module.id in ids(page(default_site, f"standard/roles/{role.id}"))
    assert {k.id for k in STANDARD.kpis} <= ids(page(default_site, "standard/kpis"))
    assert {r.id for r in STANDARD.risks} <= ids(page(default_site, "standard/risks"))
    assert {t.id for t in STANDARD.glossary} <= ids(page(default_site, "standard/glossary"))
    for form in STANDARD.forms:
        found = ids(page(default_site, f"standard/forms/{form.id}"))
        assert {f.id for f in form.fields} <= found
        assert {c.id for c in form.criteria} <= found
    # A role page lists every item where the role has a part, under the item's id.
    pm = ids(page(default_site, "standard/roles/project-manager"))
    owned = {i.id for _, i in STANDARD.items() if i.owner == "project-manager"}
    assert owned and owned <= pm


def test_no_positional_slugs_and_unicode_slugs_for_chinese_headings(default_site):
    for file in default_site.rglob("*.html"):
        positional = [i for i in ids(file.read_text(encoding="utf-8")) if re.fullmatch(r"_\d+", i)]
        assert positional == [], file
    assert "实施手册" in ids((default_site / "index.html").read_text(encoding="utf-8"))


def test_published_anchor_list(default_site):
    data = json.loads((default_site / "anchors.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    prep = STANDARD.phase("preparation")
    assert {i.id for i in prep.checklist} <= set(data["pages"]["standard/phases/preparation/"])
    assert set(data["pages"]) >= {"", "standard/", "standard/kpis/"}


def _index_tokens(site: Path) -> tuple[set[str], dict]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    tokens: set[str] = set()
    for doc in index["docs"]:
        text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])
        tokens.update(t.lower() for t in separator.split(html.unescape(text)) if t)
    return tokens, index


@pytest.mark.parametrize("term", ["验收确认书", "灰度发布", "超级用户", "缓冲预算", "数据迁移",
                                  "MoSCoW", "Scrum", "KPI"])
def test_search_index_holds_segmented_terms(default_site, term):
    tokens, _ = _index_tokens(default_site)
    words = [w.lower() for w in jieba.cut(term) if w.strip()]
    assert words and all(w in tokens for w in words), (term, words)


def test_search_index_is_segmented_by_jieba(default_site):
    tokens, index = _index_tokens(default_site)
    assert index["config"]["lang"] == ["zh"]
    assert "\u200b" in json.dumps(index, ensure_ascii=False)  # Material's segmentation marker
    assert "确认书" in tokens and "验收" in tokens


def test_no_page_carries_an_error_or_traceback(default_site):
    for file in default_site.rglob("*.html"):
        text = file.read_text(encoding="utf-8")
        for marker in ("Traceback", "Macro Syntax Error", "Macro Rendering Error",
                       "UndefinedError", "{{", "{%"):
            assert marker not in text, (file, marker)


def test_internal_links_and_fragments_resolve(default_site):
    anchors: dict[Path, set[str]] = {}
    broken = []
    for file in sorted(default_site.rglob("*.html")):
        if file.name == "404.html":  # served from any depth, so mkdocs makes its links absolute
            continue
        text = file.read_text(encoding="utf-8")
        for href in HREF.findall(text):
            href = html.unescape(href)
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("#", "mailto:")) or not href:
                continue
            target = (file.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append((file.relative_to(default_site), href))
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in anchors:
                    anchors[target] = ids(target.read_text(encoding="utf-8"))
                if unquote(parts.fragment) not in anchors[target]:
                    broken.append((file.relative_to(default_site), href))
    assert broken == []


def test_generated_pages_are_byte_identical_across_builds(default_site, tmp_path):
    done = build_site(ROOT, tmp_path / "again")
    assert done.returncode == 0, done.stderr
    first = sorted(p.relative_to(default_site) for p in (default_site / "standard").rglob("*")
                   if p.is_file())
    assert first
    for rel in first:
        assert (tmp_path / "again" / rel).read_bytes() == (default_site / rel).read_bytes(), rel


def test_invalid_playbook_fails_the_build_with_every_diagnostic(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES)
    prep = project / "playbooks" / "sample" / "phases" / "prep.yaml"
    prep.write_text(prep.read_text(encoding="utf-8").replace("priority: should", "priority: x")
                    .replace("owner: pm\n    priority: must", "owner: NO\n    priority: must"),
                    encoding="utf-8")
    done = build_site(project, tmp_path / "site")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "playbooks/sample/phases/prep.yaml:13:12: error[type]: 'owner' must be text" in done.stderr
    assert "playbooks/sample/phases/prep.yaml:22:15: error[bad-value]" in done.stderr
    assert not (tmp_path / "site" / "sample").exists()


def test_macro_with_a_wrong_id_fails_the_build(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES,
                           {"guide.md": "# 指南\n\n{{ checklist('sample', 'perp') }}\n"})
    done = build_site(project, tmp_path / "site")
    assert done.returncode != 0
    assert "no phase 'perp' (did you mean 'prep'?)" in done.stderr
    assert not (tmp_path / "site" / "guide" / "index.html").exists() or "Error" not in (
        tmp_path / "site" / "guide" / "index.html").read_text(encoding="utf-8")


def test_macros_embed_the_same_views_in_hand_written_pages(tmp_path):
    guide = ("# 指南\n\n## 准备阶段清单\n\n{{ checklist('sample', 'prep') }}\n\n"
             "## 表单\n\n{{ acceptance_form('sample', 'acceptance') }}\n\n"
             "{{ raci_matrix('sample') }}\n{{ kpi_table('sample') }}\n"
             "{{ risk_register('sample') }}\n{{ role_manual('sample', 'trainer') }}\n"
             "{{ moscow_scope('sample') }}\n{{ roadmap('sample') }}\n")
    project = make_project(tmp_path / "p", FIXTURES, {"guide/embed.md": guide})
    site = tmp_path / "site"
    done = build_site(project, site)
    assert done.returncode == 0, done.stderr
    text = page(site, "guide/embed")
    assert {"prep-team", "prep-scope", "project", "approval-cycle", "budget-overrun",
            "准备阶段清单"} <= ids(text)
    # Links are relative to the embedding page and lead to the generated pages.
    assert 'href="../../sample/roles/pm/"' in text
    assert 'href="../../sample/phases/prep/#prep-team"' in text
    generated = page(site, "sample/phases/prep")
    item = re.search(r'<h4[^>]*id="prep-team".*?</ul>', generated, re.S).group(0)
    # The very same rendering (no second copy of the view); only the relative links differ.
    def unlinked(markup: str) -> str:
        return re.sub(r'href="[^"]*"', "", markup)

    assert unlinked(item) in unlinked(text)


HOSTILE = {
    "phase_title": "{{ 7*7 }} 准备 {% include 'mkdocs.yml' %}",
    "item_title": "<script>alert('x')</script> 组建团队",
    "detail": "# 不是标题\n\n<img src=x onerror=alert(1)> 见 [点我](javascript:alert(1))",
    "evidence": "| 管道 | 符号 |",
    "kpi_name": "审批|周期 {{ config }}",
    "role_title": "<b>项目经理</b>",
}


def test_playbook_text_is_data_never_markup_or_template(tmp_path):
    playbooks = tmp_path / "pb"
    shutil.copytree(FIXTURES, playbooks)
    prep = playbooks / "sample" / "phases" / "prep.yaml"
    text = prep.read_text(encoding="utf-8")
    text = text.replace("title: 准备阶段", f"title: {json.dumps(HOSTILE['phase_title'])}")
    text = text.replace("title: 组建项目团队", f"title: {json.dumps(HOSTILE['item_title'])}")
    text = text.replace("evidence: 项目组织架构图",
                        f"evidence: {json.dumps(HOSTILE['evidence'], ensure_ascii=False)}\n"
                        f"    detail: {json.dumps(HOSTILE['detail'], ensure_ascii=False)}")
    prep.write_text(text, encoding="utf-8")
    book = playbooks / "sample" / "playbook.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace(
        "name: 采购审批周期", f"name: {json.dumps(HOSTILE['kpi_name'], ensure_ascii=False)}"),
        encoding="utf-8")
    pm = playbooks / "sample" / "roles" / "pm.yaml"
    pm.write_text(pm.read_text(encoding="utf-8").replace(
        "title: 项目经理", f"title: {json.dumps(HOSTILE['role_title'])}"), encoding="utf-8")
    project = make_project(tmp_path / "p", playbooks)
    site = tmp_path / "site"
    done = build_site(project, site)
    assert done.returncode == 0, done.stderr

    phase = page(site, "sample/phases/prep")
    # Shown as typed; written with '{' as an entity, so that no page holds a template at all.
    shown = html.unescape(phase)
    assert "{{ 7*7 }}" in shown and "{% include" in shown
    assert "<title>{{ 7*7 }}" in shown
    assert "{{" not in phase and "{%" not in phase
    assert ">49<" not in phase and "site_name" not in phase
    assert "&lt;script&gt;alert" in phase
    assert "&lt;img src=x onerror=alert(1)&gt;" in phase
    assert "# 不是标题" in phase
    assert "| 管道 | 符号 |" in phase
    kpis = page(site, "sample/kpis")
    assert "审批|周期 {{ config }}" in html.unescape(kpis) and "{{" not in kpis
    for file in site.rglob("*.html"):
        body = file.read_text(encoding="utf-8")
        assert "<script>alert" not in body, file
        assert not re.search(r"<img[^>]*onerror", body), file
        assert 'href="javascript:' not in body.lower(), file
        assert "<b>项目经理</b>" not in body, file
        assert "<h1" not in body.split("不是标题")[0][-20:], file
    # Structure intact: the evidence cell did not become a table, the detail no heading.
    assert not re.search(r"<h\d[^>]*>\s*不是标题", phase)


def test_every_playbook_is_built_under_its_own_prefix(default_site):
    home = (default_site / "index.html").read_text(encoding="utf-8")
    assert 'href="standard/"' in home and 'href="crm-rollout/"' in home
    crm = load_playbooks(ROOT / "playbooks").playbooks["crm-rollout"]
    prep = ids(page(default_site, "crm-rollout/phases/preparation"))
    assert "crm-customer-data-owner" in prep and "replicate-legacy-reports" not in prep
    assert "replicate-legacy-reports" in ids(page(default_site, "standard/phases/preparation"))
    assert "kpi-lead-conversion" in ids(page(default_site, "crm-rollout/kpis"))
    letter = page(default_site, "crm-rollout/forms/acceptance-confirmation")
    assert crm.variables["project-name"].value == "华东销售 CRM 上线项目"
    assert "华东销售 CRM 上线项目" in letter and "CRM-2026-017" in letter
    assert "华东销售 CRM 上线项目" not in page(default_site,
                                         "standard/forms/acceptance-confirmation")
    # The fork's pages link within the fork.
    assert 'href="../../roles/key-user/"' in page(default_site, "crm-rollout/phases/preparation")


def test_downloads_are_published_next_to_the_pages_and_linked(default_site):
    import io

    import docx
    import openpyxl

    base = default_site / "standard"
    csv = (base / "downloads" / "checklist.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens Chinese correctly
    assert csv.decode("utf-8-sig").count("\n") == len(STANDARD.items()) + 1
    sheet = openpyxl.load_workbook(io.BytesIO((base / "downloads" / "checklist.xlsx")
                                              .read_bytes())).active
    assert sheet.max_row == len(STANDARD.items()) + 1
    letter = docx.Document(str(base / "downloads" / "forms" / "acceptance-confirmation.docx"))
    assert any("验收确认书" in p.text for p in letter.paragraphs)
    data = json.loads((base / "playbook.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["id"] == "standard"
    # Fork downloads carry the fork's variables.
    crm = docx.Document(str(default_site / "crm-rollout" / "downloads" / "forms"
                            / "acceptance-confirmation.docx"))
    cells = [c.text for t in crm.tables for row in t.rows for c in row.cells]
    assert "华东销售 CRM 上线项目" in cells
    # Pages link to them (test_internal_links_and_fragments_resolve checks that links resolve).
    assert 'href="../../downloads/checklist-preparation.xlsx"' in page(
        default_site, "standard/phases/preparation")
    form = page(default_site, "standard/forms/acceptance-confirmation")
    assert 'href="../../downloads/forms/acceptance-confirmation.docx" download' in form
    assert 'href="playbook.json"' in page(default_site, "standard")


def test_macros_before_luodi_use_luodis_playbooks_folder_loaded_once(tmp_path):
    # mkdocs-macros' define_env runs in its on_config: listed before luodi, it asks the luodi
    # plugin for the playbooks, which loads its own `playbooks:` folder then, and only then.
    project = make_project(tmp_path / "p", FIXTURES / "sample",
                           {"index.md": "# 首页\n\n{{ playbook_list() }}\n"})
    (project / "kb").mkdir()
    shutil.move(project / "playbooks", project / "kb" / "sample")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    plugins = config[config.index("plugins:"):config.index("\nmarkdown_extensions:")]
    luodi = plugins[plugins.index("  - luodi:"):plugins.index("  - macros:")]
    reordered = plugins.replace(luodi, "") + "\n" + luodi.replace(
        "playbooks: playbooks", "playbooks: kb").rstrip() + "\n"
    (project / "mkdocs.yml").write_text(config.replace(plugins, reordered), encoding="utf-8")
    (project / "loads.py").write_text(
        "import runpy, sys\n"
        "import luodi.read as v\n"
        "real = v.load_playbooks\n"
        "def counted(path, *memos):\n"
        "    print('LOAD', path, file=sys.stderr)\n"
        "    return real(path, *memos)\n"
        "v.load_playbooks = counted\n"
        "import luodi.site.plugin as p\n"
        "p.load_playbooks = counted\n"
        "sys.argv = ['mkdocs', 'build', '--strict', '-d', sys.argv[1]]\n"
        "runpy.run_module('mkdocs', run_name='__main__')\n", encoding="utf-8")
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "loads.py", str(tmp_path / "site")], cwd=project,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if line.startswith("LOAD")] == [
        f"LOAD {project / 'kb'}"]
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "示例实施手册" in index


ANCHOR = re.compile(r'\{ #([^\s}]+)|\sid="([^"]*)"')


def test_every_anchor_a_page_writes_is_an_object_id_or_a_declared_section_anchor():
    # The validator refuses object ids equal to section anchors (section_anchors), so that no id
    # is written twice on a page. That only holds if every fixed anchor is declared there.
    from luodi.fields import walk
    from luodi.places import section_anchors
    from luodi.render.pages import page_markdown, playbook_pages

    pages = 0
    for root in (ROOT / "playbooks", FIXTURES / "sample"):
        result = load_playbooks(root)
        assert result.ok, root
        for pb in result.playbooks.values():
            objects = {obj.id for obj in walk(pb) if isinstance(getattr(obj, "id", None), str)}
            allowed = objects | section_anchors(pb)
            for spec in playbook_pages(pb):
                text = page_markdown(spec, pb)
                written = {html.unescape(a or b) for a, b in ANCHOR.findall(text)}
                assert written - allowed == set(), f"{pb.id}: {spec.src}"
                pages += 1
    assert pages > 100


def test_a_raci_matrix_of_many_roles_is_one_table_per_phase_with_the_roles_involved(sample_tree):
    from luodi.render import raci
    from luodi.render.common import Context

    for n in range(raci.WIDE):  # roles that hold no letter anywhere
        (sample_tree / "roles" / f"extra-{n}.yaml").write_text(
            f"id: extra-{n}\ntitle: 额外角色{n}\nsummary: 无。\n", encoding="utf-8")
    pb = load_playbooks(sample_tree).playbooks["sample"]
    assert len(pb.roles) > raci.WIDE
    text = raci.render(Context(pb, "sample/raci.md"))
    tables = text.split('<table class="luodi-raci">')[1:]
    phases = [p for p in pb.phases if p.checklist]
    assert len(tables) == len(phases) > 1
    for phase, table in zip(phases, tables, strict=True):
        involved = {role for item in phase.checklist for role in item.raci_by_role}
        columns = re.findall(r'<th scope="col" data-role="[^"]*"><a href="[^"]*">([^<]*)</a></th>',
                             table)
        assert columns == [html.escape(r.title) for r in pb.roles if r.id in involved]
        for item in phase.checklist:
            row = re.search(rf'<tr id="{item.id}">.*?</tr>', table).group(0)
            assert re.findall(r"<td data-role=\"[^\"]*\">([A-Z]*)</td>", row) == [
                item.raci_letters(r.id) for r in pb.roles if r.id in involved]
    assert "额外角色" not in text


def test_maintainer_pages_are_apart_labelled_in_their_language_and_rank_below(default_site):
    """Luodi's own guides and reference (in English) have a section of their own in the nav,
    not mixed into the readers' pages, and search ranks them below reader content."""
    import yaml as yaml_module

    class Loader(yaml_module.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, tag, node: None)
    config = yaml_module.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=Loader)
    nav = {next(iter(entry)): next(iter(entry.values())) for entry in config["nav"]
           if isinstance(entry, dict)}
    section = nav["For maintainers (English)"]

    def pages(entries) -> list[str]:
        out = []
        for entry in entries:
            value = next(iter(entry.values()))
            out += pages(value) if isinstance(value, list) else [value]
        return out

    maintainer = pages(section)
    assert "reference/format.md" in maintainer and "guide/forking.md" in maintainer
    assert "guide/readers.md" not in maintainer
    for page in maintainer:
        head = (ROOT / "docs" / page).read_text("utf-8").split("\n---\n", 1)[0]
        assert re.search(r"search:\s*\n\s+boost: 0\.5", head), page


def test_a_normal_build_does_not_list_the_pages_left_out_of_the_nav_by_design(tmp_path):
    done = build_site(ROOT, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert "not included in the" not in done.stdout + done.stderr
    assert (tmp_path / "site" / "standard/roles/project-manager/handout/index.html").exists()
