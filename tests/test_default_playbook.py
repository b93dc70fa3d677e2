"""The default playbook holds every concept of the methodology it comes from, as structured data."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

from luodi.fields import walk
from luodi.model import Node
from luodi.read import load_playbooks

ROOT = Path(__file__).resolve().parent.parent
RESULT = load_playbooks(ROOT / "playbooks" / "standard")
PB = RESULT.playbooks["standard"]


def text_of(obj) -> str:
    """All text of a model object and everything inside it."""
    parts = []
    for node in walk(obj):
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if isinstance(value, str):
                parts.append(value)
            elif isinstance(value, list):
                parts.extend(v for v in value if isinstance(v, str))
    return "\n".join(parts)


def items_mentioning(*words: str):
    return [i for _, i in PB.items() if all(w in text_of(i) for w in words)]


def test_validates_clean():
    assert RESULT.diagnostics == []


def test_phases_in_order_with_criteria_deliverables_and_items():
    assert [p.id for p in PB.phases] == ["goals", "preparation", "execution", "acceptance",
                                         "sustainment"]
    for phase in PB.phases:
        assert phase.entry_criteria and phase.exit_criteria and phase.deliverables, phase.id
        assert len(phase.checklist) >= 8, phase.id
        for item in phase.checklist:
            assert item.owner and item.evidence and item.priority, item.id
            assert item.raci and item.raci.accountable and item.raci.responsible, item.id
    assert set(Counter(i.priority for _, i in PB.items())) == {"must", "should", "could", "wont"}


def test_roles_and_training_modules():
    titles = {r.title for r in PB.roles}
    for name in ("项目经理", "业务分析师", "开发工程师", "测试人员", "培训讲师", "第三方顾问",
                 "高层决策者", "超级用户", "关键用户"):
        assert any(name in t for t in titles), name
    assert len(PB.roles) >= 9
    modules = [m for _, m in PB.modules()]
    assert len(modules) >= 25
    assert all(len(r.modules) >= 2 and r.responsibilities for r in PB.roles)
    for m in modules:
        assert m.objectives and m.lessons and m.exercises and m.duration > 0, m.id
    # Training differentiated by role and format: 操作手册、视频教程、实操演练.
    assert {"manual", "video", "drill"} <= {m.format for m in modules}
    assert any(m.prerequisites for m in modules)


def test_goals_kpis_and_executive_consensus():
    kinds = Counter(g.kind for g in PB.goals)
    assert kinds["pain-point"] and kinds["objective"] and kinds["governance"]
    goal_text = text_of(PB.goals)
    for word in ("访谈", "问卷", "流程梳理", "一把手工程", "联合项目组"):
        assert word in goal_text, word
    targets = {k.target for k in PB.kpis}
    assert any("30%" in t for t in targets) and any("2小时内" in t for t in targets)
    by_department = {k.department: k.target for k in PB.kpis if k.department}
    assert any("≥95%" in t and "CRM" in text_of(k) for k in PB.kpis for t in [k.target])
    assert any("100%" in t for t in by_department.values())
    assert any("≥98%" in k.target and "MES" in text_of(k) for k in PB.kpis)
    assert {"销售部门", "财务部门", "生产部门"} <= set(by_department)


@pytest.mark.parametrize("words", [
    ("MoSCoW",), ("数据清洗",), ("迁移",), ("Scrum",), ("Kanban",), ("2-4周",), ("Git",),
    ("Jira",), ("灰度",), ("试点",), ("培训",), ("验收确认书",), ("责任边界",), ("超级用户",),
    ("SOP",), ("知识库",), ("季度复盘",), ("金点子奖",), ("供应商",), ("持续集成",),
    ("第三方顾问",), ("兼容性",), ("缓冲预算",), ("变革",),
])
def test_seed_topics_are_checklist_items(words):
    assert items_mentioning(*words), words


def test_risk_register_covers_three_categories_and_the_buffer():
    categories = Counter(r.category for r in PB.risks)
    assert all(categories[c] >= 3 for c in ("technical", "organizational", "budget"))
    assert any("10%-15%" in r.mitigation for r in PB.risks if r.category == "budget")


def test_forms():
    forms = {f.id: f for f in PB.forms}
    assert {"acceptance-confirmation", "pilot-acceptance", "scope-confirmation",
            "training-completion"} <= set(forms)
    letter = forms["acceptance-confirmation"]
    assert letter.title == "验收确认书" and letter.phase == "acceptance"
    assert letter.include_exit_criteria and len(letter.signatories) >= 2
    assert any(f.variable == "project-name" for f in letter.fields)
    assert any("责任" in n for n in letter.notes)


def test_erp_case_keeps_the_figures():
    case = PB.cases[0]
    text = text_of(case)
    assert "SAP ERP" in text
    for figure in ("25%", "300 万元", "15 天", "7 天", "3 小时", "30 分钟"):
        assert figure in text.replace("300万元", "300 万元"), figure
    assert case.related


def test_four_pitfalls_each_prevented_by_items():
    titles = [p.title for p in PB.pitfalls]
    assert titles == ["重技术轻业务", "忽视变革管理", "盲目追求完美", "缺乏闭环管理"]
    assert all(len(p.prevented_by) >= 2 for p in PB.pitfalls)
    assert any("小步快跑、快速验证、不断迭代" in p.remedy for p in PB.pitfalls)


def test_glossary_with_search_variants():
    terms = {t.term: t for t in PB.glossary}
    assert len(terms) >= 25
    gray = next(t for t in PB.glossary if "灰度发布" in t.term)
    assert {"灰度上线", "金丝雀发布"} <= set(gray.synonyms)


def test_every_object_knows_its_source():
    for node in walk(PB):
        assert isinstance(node, Node)
        assert node.source.path.endswith(".yaml") and node.source.line >= 1
