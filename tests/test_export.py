"""luodi export: Word forms, CSV/xlsx checklists, JSON, and the safety rules of writing files."""

import csv
import dataclasses
import io
import json
import os
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import full_disk
from docx import Document
from openpyxl import load_workbook

from luodi import __version__
from luodi import exports as export
from luodi.cli import main
from luodi.read import load_playbooks

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ZH_HEADER = ["阶段", "编号", "检查项", "负责人", "执行 R", "批准 A", "咨询 C", "知会 I",
             "优先级", "证据", "做法", "标签"]


@pytest.fixture(scope="module")
def standard():
    result = load_playbooks(ROOT / "playbooks")
    assert result.ok, [d.format() for d in result.diagnostics]
    return result.playbooks["standard"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def cell_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def sample_playbook():
    return load_playbooks("playbooks").playbooks["sample"]


# ------------------------------------------------------------------ Word forms


def test_form_docx_is_filled_and_signable(sample_tree, capsys):
    assert main(["export", "form", "sample", "acceptance", "-o", "form.docx"]) == 0
    assert capsys.readouterr().err == ""
    doc = Document("form.docx")
    assert doc.paragraphs[0].text == "验收确认书"
    assert doc.paragraphs[0].style.name == "Heading 1"
    assert "示例实施手册" in doc.paragraphs[1].text and "验收与上线阶段" in doc.paragraphs[1].text
    header, criteria, *signatures = doc.tables
    # the header table: the form's fields, filled from the playbook variables
    assert cell_texts(header) == [["项目名称 *", "示例 CRM 项目"], ["合同编号", "HT-2026-001"],
                                  ["验收日期", ""]]
    # criteria: the form's own, then the phase's exit criteria, with pass/fail/remarks
    assert cell_texts(criteria) == [["#", "标准", "通过", "不通过", "备注"],
                                    ["1", "无阻断性缺陷", "☐", "☐", ""],
                                    ["2", "验收确认书已签署", "☐", "☐", ""]]
    assert criteria.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    texts = [p.text for p in doc.paragraphs]
    assert "1. 签署后，双方责任边界以本确认书为准。" in texts
    # one signature table per signatory, rows that never split, held together with the caption
    assert [t for t in texts if t.startswith("签字方")] == ["签字方：项目经理", "签字方：培训讲师"]
    assert len(signatures) == 2
    for table in signatures:
        assert [row[0] for row in cell_texts(table)] == ["姓名", "签字（盖章）", "日期"]
        for row in table.rows:
            assert row._tr.trPr.find(f"{W}cantSplit") is not None
        for row in table.rows[:-1]:
            assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
    # A4 portrait
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_form_docx_chinese_fonts(sample_tree):
    assert main(["export", "form", "sample", "acceptance", "-o", "form.docx"]) == 0
    doc = Document("form.docx")
    runs = list(doc.element.body.iter(f"{W}r"))
    assert runs
    for run in runs:
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None, "every run names its font"
        assert fonts.get(f"{W}eastAsia") in ("SimSun", "SimHei")
        assert fonts.get(f"{W}ascii") == fonts.get(f"{W}eastAsia")
        assert fonts.get(f"{W}asciiTheme") is None
    title = doc.paragraphs[0].runs[0]._r.find(f"{W}rPr/{W}rFonts")
    assert title.get(f"{W}eastAsia") == "SimHei"
    # the styles agree, so text typed into the document later gets 宋体 too
    normal = doc.styles["Normal"].element.find(f"{W}rPr/{W}rFonts")
    assert normal.get(f"{W}eastAsia") == "SimSun"


def test_form_docx_deliverables_and_choices(sample_tree):
    (sample_tree / "forms" / "scope.yaml").write_text(
        "id: scope\ntitle: 范围确认单\nphase: prep\naliases: [old-scope]\nfields:\n"
        "  - {id: customer, label: 甲方, variable: customer}\n"
        "  - {id: vendor, label: 乙方, variable: vendor}\n"
        "  - {id: result, label: 结论, type: choice, options: [通过, 不通过]}\n"
        "signatories: [pm]\n", encoding="utf-8")
    assert main(["export", "form", "sample", "old-scope", "-o", "scope.docx"]) == 0
    header, criteria, deliverables, signature = Document("scope.docx").tables
    assert cell_texts(header) == [["甲方", "示例客户有限公司"], ["乙方", "示例实施有限公司"],
                                  ["结论", "☐ 通过　☐ 不通过"]]
    assert cell_texts(criteria)[1][1] == "范围已确认"
    assert cell_texts(deliverables) == [["#", "交付物", "通过", "备注"],
                                        ["1", "范围说明书", "☐", ""]]
    assert cell_texts(signature)[0][0] == "姓名"


def test_every_default_form_exports(standard):
    for form in standard.forms:
        doc = Document(io.BytesIO(export.form_docx(standard, form)))
        assert doc.paragraphs[0].text == form.title
        filled = dict(row for row in cell_texts(doc.tables[0]))
        assert filled["项目名称 *"] == "某制造企业 ERP 实施项目"
        # Each signatory's block, captioned with its party where the form names one.
        expected = [f"{form.parties.get(r, '签字方')}：{next(x.title for x in standard.roles if x.id == r)}"
                    for r in form.signatories]
        captions = [p.text for p in doc.paragraphs if p.text in expected]
        assert captions == expected
        assert len(doc.tables) == 2 + len(form.signatories)  # no deliverables in these forms


# ------------------------------------------------------------------ checklist


def test_checklist_csv(sample_tree):
    assert main(["export", "checklist", "sample", "--format", "csv", "-o", "c.csv"]) == 0
    raw = Path("c.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    assert b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ZH_HEADER
    assert rows[1] == ["准备阶段", "prep-team", "组建项目团队", "项目经理", "项目经理", "项目经理",
                       "培训讲师", "", "必须", "项目组织架构图", "", "团队"]
    # without a RACI, the owner is responsible
    assert rows[3][:9] == ["验收与上线阶段", "live-training", "组织全员培训", "培训讲师", "培训讲师",
                           "", "", "", "必须"]
    assert len(rows) == 4


def test_checklist_xlsx(sample_tree):
    assert main(["export", "checklist", "sample", "-o", "c.xlsx"]) == 0  # format from suffix
    sheet = load_workbook("c.xlsx").active
    assert sheet.title == "检查清单"
    assert [c.value for c in sheet[1]] == ZH_HEADER
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:L4"
    assert sheet["C2"].value == "组建项目团队"
    assert sheet.max_row == 4


def test_checklist_headers_follow_the_language(sample_tree):
    edit(sample_tree / "playbook.yaml", "language: zh", "language: en")
    assert main(["export", "checklist", "sample", "-o", "c.csv"]) == 0
    rows = list(csv.reader(io.StringIO(Path("c.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Phase", "Id", "Item", "Owner", "Responsible", "Accountable", "Consulted",
                       "Informed", "Priority", "Evidence", "How", "Tags"]
    assert rows[2][8] == "Should"


def test_default_checklist_has_every_item(standard):
    rows = list(csv.reader(io.StringIO(export.checklist_csv(standard).decode("utf-8-sig"))))
    assert len(rows) == 1 + len(standard.items())
    assert {row[1] for row in rows[1:]} == {item.id for _, item in standard.items()}


def test_formula_injection_is_neutralised(sample_tree):
    prep = sample_tree / "phases" / "prep.yaml"
    edit(prep, "title: 组建项目团队", "title: \"=cmd|' /C calc'!A0\"")
    edit(prep, "evidence: 项目组织架构图", 'evidence: "\\t=1+1"')
    edit(prep, "tags: [团队]", 'tags: ["@SUM(A1)"]\n    detail: "-2+3"')
    edit(prep, "evidence: 签字版范围确认单", 'evidence: "+1"')
    assert main(["export", "checklist", "sample", "-o", "c.csv"]) == 0
    assert main(["export", "checklist", "sample", "-o", "c.xlsx"]) == 0
    rows = list(csv.reader(io.StringIO(Path("c.csv").read_text(encoding="utf-8-sig"))))
    sheet = load_workbook("c.xlsx").active
    expected = {(1, 2): "'=cmd|' /C calc'!A0", (1, 9): "'\t=1+1", (1, 10): "'-2+3",
                (1, 11): "'@SUM(A1)", (2, 9): "'+1"}
    for (r, c), value in expected.items():
        assert rows[r][c] == value
        # Excel never runs a text cell; the quote prefix keeps it text when edited, and the
        # reader sees the text as written (no apostrophe).
        cell = sheet.cell(row=r + 1, column=c + 1)
        assert cell.value == value[1:] and cell.data_type == "s" and cell.quotePrefix
    assert not sheet.cell(row=2, column=1).quotePrefix
    assert export.neutralise("a=b") == "a=b" and export.neutralise("") == ""
    assert export.neutralise("\r=1") == "'\r=1"
    # The reader refuses control characters (test_hostile.py); an export made from a model
    # built otherwise still cannot write one into XML.
    assert export.clean("+1\x01\ufffe") == "+1"


# ------------------------------------------------------------------ JSON


def test_json_export(sample_tree):
    assert main(["export", "json", "sample", "-o", "a.json"]) == 0
    assert main(["export", "json", "sample", "-o", "b.json"]) == 0
    raw = Path("a.json").read_bytes()
    assert raw == Path("b.json").read_bytes()
    assert "示例实施手册".encode() in raw  # Unicode kept, not \u escapes
    data = json.loads(raw)
    assert list(data)[:2] == ["schema_version", "generator"]
    assert data["schema_version"] == 1
    assert data["generator"] == {"name": "luodi", "version": __version__}
    assert [p["id"] for p in data["phases"]] == ["prep", "go-live"]
    assert data["phases"][0]["checklist"][0]["raci"]["accountable"] == "pm"
    assert data["variables"]["contract-no"]["value"] == "HT-2026-001"
    assert data["forms"][0]["signatories"] == ["pm", "trainer"]

    def keys(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield key
                yield from keys(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from keys(inner)

    assert not {"source", "sources"} & set(keys(data))


@pytest.mark.parametrize("value", [
    {"a": [], "b": {}, "c": [[], [{}], {"d": []}], "e": ()},
    {"text": 'quote " backslash \\ tab \t newline \n nul \x00 \u2028 中文 \U0001f600'},
    [0, -1, 10**30, 0.1, 1.0, -0.0, 1e300, 1e-7, True, False, None, "", [None]],
    "bare", 3, 2.5, None, [], {},
    {"nan": float("nan"), "inf": float("inf")},  # left to the json module: NaN, Infinity
    {1: "int key", None: "none key", False: "bool key", 2.5: "float key"},  # json's own way of writing keys
    {"phases": ({"id": "p", "items": ["x"]},)},
])
def test_json_text_is_the_json_modules(value):
    assert export.data.data_json(value) == (
        json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_json_text_of_every_repo_playbook_is_the_json_modules():
    playbooks = load_playbooks(ROOT / "playbooks").playbooks
    assert len(playbooks) >= 2  # the standard playbook and the example fork
    for pb in playbooks.values():
        data = export.playbook_data(pb)
        assert export.playbook_json(pb) == (
            json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_json_text_refuses_what_the_json_module_refuses():
    with pytest.raises(TypeError):
        export.data.data_json({"when": datetime(2026, 1, 1)})


def test_csv_and_json_to_stdout(sample_tree, capsysbinary):
    assert main(["export", "json", "sample", "-o", "-"]) == 0
    assert capsysbinary.readouterr().out == export.playbook_json(sample_playbook())
    assert main(["export", "checklist", "sample", "-o", "-"]) == 0
    assert capsysbinary.readouterr().out.startswith("\ufeff阶段,编号".encode())
    assert not Path("-").exists()


def test_binary_formats_refuse_stdout(sample_tree, capsys):
    assert main(["export", "form", "sample", "acceptance", "-o", "-"]) == 2
    assert main(["export", "checklist", "sample", "--format", "xlsx", "-o", "-"]) == 2
    assert "cannot be written to standard output" in capsys.readouterr().err


# ------------------------------------------------------------------ writing safely


def test_existing_file_needs_force(sample_tree, capsys):
    Path("out.json").write_text("old", encoding="utf-8")
    assert main(["export", "json", "sample", "-o", "out.json"]) == 1
    assert capsys.readouterr().err == (
        "luodi export json: error: out.json already exists (use --force to overwrite it)\n")
    assert Path("out.json").read_text(encoding="utf-8") == "old"
    assert main(["export", "json", "sample", "-o", "out.json", "--force"]) == 0
    assert json.loads(Path("out.json").read_bytes())["id"] == "sample"


def test_refuses_to_write_into_the_playbooks_folder(sample_tree, capsys):
    targets = ["playbooks/sample/sample.json", "playbooks/x.csv", "playbooks/../playbooks/y.json"]
    for target in targets:
        assert main(["export", "json", "sample", "-o", target]) == 1
        assert "inside the playbooks folder" in capsys.readouterr().err
        assert not Path(target).exists()
    # one playbook folder as --playbooks, and a link that leads into it
    assert main(["export", "form", "sample", "acceptance", "--playbooks", "playbooks/sample",
                 "-o", "playbooks/sample/forms/acceptance.docx"]) == 1
    os.symlink(sample_tree / "forms", "shortcut")
    assert main(["export", "json", "sample", "-o", "shortcut/a.json", "--force"]) == 1
    assert sorted(p.name for p in (sample_tree / "forms").iterdir()) == ["acceptance.yaml"]
    # elsewhere with --playbooks pointing at another folder is fine
    assert main(["export", "json", "sample", "-o", "elsewhere.json"]) == 0


def test_interrupted_write_keeps_the_old_file(sample_tree, monkeypatch, capsys):
    out = Path("out")
    out.mkdir()
    (out / "c.csv").write_text("old", encoding="utf-8")
    with full_disk(monkeypatch):
        assert main(["export", "checklist", "sample", "-o", "out/c.csv", "--force"]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert (out / "c.csv").read_text(encoding="utf-8") == "old"
    assert [p.name for p in out.iterdir()] == ["c.csv"]  # no temporary file left behind

    def interrupted(src, dst):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", interrupted)
        assert main(["export", "checklist", "sample", "-o", "out/c.csv", "--force"]) == 130
    assert (out / "c.csv").read_text(encoding="utf-8") == "old"
    assert [p.name for p in out.iterdir()] == ["c.csv"]
    assert main(["export", "checklist", "sample", "-o", "out/c.csv", "--force"]) == 0
    assert (out / "c.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_write_output_never_replaces_without_force(tmp_path):
    target = tmp_path / "a.txt"
    export.write_output(target, b"one")
    with pytest.raises(export.ExportError, match="already exists"):
        export.write_output(target, b"two")
    assert target.read_bytes() == b"one"
    export.write_output(target, b"two", force=True)
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


# ------------------------------------------------------------------ CLI conventions


def test_playbook_errors_block_the_export(sample_tree, capsys):
    edit(sample_tree / "phases" / "go-live.yaml", "owner: trainer", "owner: trainr")
    assert main(["export", "json", "sample", "-o", "out.json"]) == 1
    err = capsys.readouterr().err
    assert "playbooks/sample/phases/go-live.yaml:" in err and "error[unknown-ref]" in err
    assert "did you mean 'trainer'" in err
    assert err.rstrip().endswith("nothing exported (run 'luodi validate' after fixing them)")
    assert not Path("out.json").exists()


def test_unknown_ids_suggest_the_closest(sample_tree, capsys):
    assert main(["export", "json", "sampel", "-o", "x.json"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("luodi export json: error: no playbook 'sampel'")
    assert "(did you mean 'sample'?)" in err
    assert main(["export", "form", "sample", "acceptanse", "-o", "x.docx"]) == 1
    err = capsys.readouterr().err
    assert "no form 'acceptanse' (did you mean 'acceptance'?)" in err
    assert "Traceback" not in err and not Path("x.docx").exists()


def test_help_and_usage(capsys):
    assert main(["export", "--help"]) == 0
    assert "导出" in capsys.readouterr().out
    for kind, word in (("form", "验收确认书"), ("checklist", "检查清单"), ("json", "JSON")):
        assert main(["export", kind, "--help"]) == 0
        out = capsys.readouterr().out
        assert word in out and "--force" in out and "--playbooks" in out
    assert main(["export"]) == 2
    assert main(["export", "json", "standard"]) == 2  # no -o
    assert main(["export", "checklist", "standard", "--format", "pdf", "-o", "x"]) == 2
    assert "Traceback" not in capsys.readouterr().err


# ------------------------------------------------------------------ site downloads


def test_site_downloads_are_deterministic(standard, monkeypatch):
    first = export.site_downloads(standard)
    assert sorted(first) == sorted(
        ["standard/playbook.json", "standard/downloads/checklist.csv",
         "standard/downloads/checklist.xlsx", "standard/downloads/gitlab-issues.csv",
         "standard/downloads/gitlab-labels.txt"]
        + [f"standard/downloads/checklist-{p.id}.{fmt}" for p in standard.phases
           for fmt in ("xlsx", "csv")]
        + [f"standard/downloads/forms/{f.id}.docx" for f in standard.forms])
    # a later day: zip entries and core properties must not carry the time of the build
    later = time.time() + 3 * 86400
    monkeypatch.setattr(time, "time", lambda: later)
    assert export.site_downloads(standard) == first
    for name, data in first.items():
        if name.endswith((".docx", ".xlsx")):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    docx_bytes = first["standard/downloads/forms/acceptance-confirmation.docx"]
    core = Document(io.BytesIO(docx_bytes)).core_properties
    assert core.created == core.modified == datetime(1980, 1, 1, tzinfo=timezone.utc)
    assert core.title == "验收确认书"
    props = load_workbook(io.BytesIO(first["standard/downloads/checklist.xlsx"])).properties
    assert props.created == props.modified == datetime(1980, 1, 1)


def test_form_docx_keeps_line_breaks_tabs_spaces_and_markup_characters(standard):
    # The body is written as WordprocessingML text: what python-docx's API did for a run
    # (breaks, tabs, kept spaces, escaping) must still hold.
    form = dataclasses.replace(standard.forms[0], summary=" 第一行\n\t第二行 <b>&amp;</b>")
    doc = Document(io.BytesIO(export.form_docx(standard, form)))
    assert doc.paragraphs[2].text == " 第一行\n\t第二行 <b>&amp;</b>"
