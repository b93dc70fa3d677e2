"""The standard playbook's training manuals teach: every lesson has content, a duration that adds
up to its module's, self-check questions; every module names its materials; and nothing written
there changes a figure of the method it comes from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_default_playbook import text_of

from luodi.read import load_playbooks

ROOT = Path(__file__).resolve().parent.parent
PB = load_playbooks(ROOT / "playbooks" / "standard").playbooks["standard"]
LESSONS = [(module, lesson) for _, module in PB.modules() for lesson in module.lessons]


def teaching_text(lesson) -> str:
    return "".join([lesson.content, *lesson.steps, lesson.example, lesson.mistake])


def all_text() -> str:
    # Spaces between a number and its unit are a matter of typography, not of the figure.
    return re.sub(r"(?<=[\d%])\s+(?=[\u4e00-\u9fff%])|(?<=[\u4e00-\u9fff])\s+(?=\d)", "",
                  text_of(PB))


def test_every_lesson_teaches_with_a_duration_and_most_have_questions():
    assert len(LESSONS) >= 90
    for _, lesson in LESSONS:
        assert lesson.content and lesson.steps and lesson.example and lesson.mistake, lesson.id
        size = len(re.sub(r"\s", "", teaching_text(lesson)))
        assert 300 <= size <= 800, (lesson.id, size)
        assert lesson.duration > 0, lesson.id
    with_questions = sum(1 for _, lesson in LESSONS if lesson.questions)
    assert with_questions * 3 >= len(LESSONS) * 2
    for _, module in PB.modules():
        if module.lessons:
            assert sum(lesson.duration for lesson in module.lessons) == module.duration, module.id


def test_every_module_names_its_materials():
    for _, module in PB.modules():
        kinds = {m.kind for m in module.materials}
        assert {"slides", "exercise"} <= kinds, module.id
        assert any(m.url or m.form or m.export for m in module.materials), module.id


def test_pitfalls_are_the_methods_four():
    ids = {p.id for p in PB.pitfalls}
    named = {p for _, lesson in LESSONS for p in lesson.pitfalls}
    assert named and named <= ids


# A figure of the method, where any text states it: (what states it, the figure it must be).
# Each pattern captures the numbers of the statement; they must be the method's, exactly.
FIGURES = [
    (r"缓冲预算[^。；\n]{0,12}?(\d+)%?\s*[-~～至到—–]\s*(\d+)%", ("10", "15")),
    (r"(\d+)%?\s*[-~～至到—–]\s*(\d+)%的?缓冲", ("10", "15")),
    (r"库存周转率提升(\d+)%", ("25",)),
    (r"(?:年节省)?仓储成本约?(\d+)万元", ("300",)),
    (r"订单交付周期从平均(\d+)天缩短至(\d+)天", ("15", "7")),
    (r"报表生成时间从(\d+)小时压缩至(\d+)分钟", ("3", "30")),
    (r"采购审批周期缩短(\d+)%", ("30",)),
    (r"客户服务响应时间提升至(\d+)小时内", ("2",)),
    (r"录入完整率[≥>＞]=?(\d+)%", ("95",)),
    (r"报销流程线上完成率(\d+)%", ("100",)),
    (r"报工准确率[≥>＞]=?(\d+)%", ("98",)),
    (r"每(\d+)\s*[-~～至到—–]\s*(\d+)周[^。；\n]{0,8}(?:可演示|迭代|版本)", ("2", "4")),
]


@pytest.mark.parametrize(("pattern", "figure"), FIGURES)
def test_the_methods_figures_stay_exact(pattern, figure):
    text = all_text()
    found = [m.groups() for m in re.finditer(pattern, text)]
    assert found, f"the playbook no longer states {pattern}"
    assert all(groups == figure for groups in found), (pattern, found)


def test_the_method_has_the_same_shape():
    text = all_text()
    assert [p.id for p in PB.phases][:5] == ["goals", "preparation", "execution", "acceptance",
                                            "sustainment"]
    for words in ("Must-have", "Should-have", "Could-have", "Won't-have", "灰度发布", "试点",
                  "《验收确认书》", "超级用户", "金点子奖", "季度复盘会", "小步快跑、快速验证、不断迭代"):
        assert words in text, words
    # The ranges the method gives are never written another way.
    for wrong in ("10~15%", "10%~15%", "10-15%", "10%至15%", "两到四周", "2~4周"):
        assert wrong not in text, wrong
