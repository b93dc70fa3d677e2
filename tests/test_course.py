"""Course pages that teach: a lesson's length, content, steps, worked example and the mistake it
prevents; materials that link where they are; self-check questions with the answer folded away
and the reader's results kept in the browser; a quiz sheet whose answer key prints apart."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import FIXTURES, build_site, make_project, serve

LESSON = '''      - id: pm-basics-moscow
        title: MoSCoW 排序
        duration: 60
        content: |-
          按业务价值把需求分成四档 <script>alert(1)</script>。

          第二段 {{ x }} **不加粗**。
        steps: [列出需求, "逐条判定 [x](javascript:1)", 签字确认]
        example: 订单交付周期从平均15天缩短至7天。
        mistake: 一次性上线全部功能。
        pitfalls: [perfectionism]
        questions:
          - {id: pm-basics-moscow-q1, question: "Must-have 与 Should-have 的区别？<b>", answer: 不做则无法上线的是 Must-have。}
          - {id: pm-basics-moscow-q2, question: 何时签范围确认单？, answer: 准备阶段结束前。}
        materials:
          - {title: 范围确认, kind: template, form: acceptance}
      - {id: pm-basics-raci, title: RACI, duration: 30, content: 每项工作只有一个 A。}
    materials:
      - {title: 课件大纲, kind: slides, detail: "1. 开场\\n2. 四档标准 <i>"}
      - {title: 检查清单, kind: checklist, export: checklist}
      - {title: RACI 矩阵, kind: reading, url: "raci/#r"}
      - {title: 指南, kind: reading, url: /guide/}
      - {title: 外部视频, kind: video, url: "https://example.com/v?a=1&b=2"}
'''


@pytest.fixture(scope="module")
def course_playbooks(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("course-playbooks")
    shutil.copytree(FIXTURES / "sample", root / "sample")
    pm = root / "sample" / "roles" / "pm.yaml"
    text = pm.read_text("utf-8")
    old = next(line for line in text.splitlines() if "id: pm-basics-moscow" in line)
    pm.write_text(text.replace(old + "\n", LESSON), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def course_site(course_playbooks, tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("course"), course_playbooks)
    site = tmp_path_factory.mktemp("course-site")
    done = build_site(project, site)
    assert done.returncode == 0, done.stderr
    return site


def article(site, path: str) -> str:
    text = (site / path / "index.html").read_text(encoding="utf-8")
    return text.split("<article", 1)[1].split("</article>", 1)[0]


def test_a_lesson_shows_its_length_content_steps_example_and_mistake(course_site):
    body = article(course_site, "sample/training/pm-basics")
    lesson = body.split('id="pm-basics-moscow"', 1)[1].split('id="pm-basics-raci"', 1)[0]
    assert '<p class="luodi-lesson-meta">60 分钟</p>' in lesson
    # Playbook text is text: no script, no template, no Markdown, no link.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in lesson and "<script>" not in lesson
    assert "&#123;&#123; x }}" in lesson and "**不加粗**" in lesson
    assert "javascript:" not in lesson.replace("[x](javascript:1)", "")
    assert "<ol>\n<li>列出需求</li>\n<li>逐条判定 [x](javascript:1)</li>" in lesson
    assert '<div class="admonition example">' in lesson and "从平均15天缩短至7天" in lesson
    assert '<div class="admonition warning">' in lesson
    assert '<a href="../../pitfalls/#perfectionism">' in lesson


def test_materials_link_to_forms_downloads_pages_and_the_web(course_site):
    body = article(course_site, "sample/training/pm-basics")
    assert ('<a href="../../forms/acceptance/">范围确认</a> · <a href="../../downloads/forms/'
            'acceptance.docx" download="sample-acceptance.docx">Word 版</a>') in body
    materials = body.split('id="materials"', 1)[1].split("</ul>", 1)[0]
    assert ('<a href="../../downloads/checklist.xlsx" download="sample-checklist.xlsx">检查清单</a>'
            in materials)
    assert '<a href="../../raci/#r">RACI 矩阵</a>' in materials
    assert '<a href="https://example.com/v?a=1&amp;b=2">外部视频</a>' in materials
    assert '<a href="../../../guide/">指南</a>' in materials  # a page of the site
    assert "1. 开场<br>2. 四档标准 &lt;i&gt;" in materials
    for target in ("forms/acceptance/index.html", "downloads/forms/acceptance.docx",
                   "downloads/checklist.xlsx", "raci/index.html"):
        assert (course_site / "sample" / target).is_file(), target


def test_a_fork_links_its_own_copy_of_a_page(course_playbooks, tmp_path):
    import shutil

    playbooks = tmp_path / "playbooks"
    shutil.copytree(course_playbooks, playbooks)
    fork = playbooks / "fork"
    fork.mkdir()
    (fork / "playbook.yaml").write_text(
        "schema_version: 1\nid: fork\nextends: sample\ntitle: 分支\nsummary: 分支。\n",
        encoding="utf-8")
    project = make_project(tmp_path / "p", playbooks)
    done = build_site(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "site" / "fork" / "training" / "pm-basics" / "index.html").read_text("utf-8")
    assert '<a href="../../raci/#r">RACI 矩阵</a>' in text
    assert ('<a href="../../downloads/checklist.xlsx" download="fork-checklist.xlsx">检查清单</a>'
            in text)


def test_an_offline_build_links_a_page_by_its_file(course_playbooks, tmp_path):
    project = make_project(tmp_path / "p", course_playbooks)
    site = tmp_path / "site"
    done = build_site(project, site, env={"LUODI_OFFLINE": "true"})
    assert done.returncode == 0, done.stderr
    text = (site / "sample" / "training" / "pm-basics.html").read_text("utf-8")
    assert '<a href="../raci.html#r">RACI 矩阵</a>' in text


def test_questions_fold_their_answers_and_only_a_module_with_questions_has_a_quiz(course_site):
    body = article(course_site, "sample/training/pm-basics")
    question = body.split('<details class="luodi-question" id="pm-basics-moscow-q1"', 1)[1]
    question = question.split("</details>", 1)[0]
    assert "Must-have 与 Should-have 的区别？&lt;b&gt;</summary>" in question
    assert '<div class="luodi-answer"><p><strong>答案</strong>：不做则无法上线的是 Must-have。' \
        in question
    assert '<a href="quiz/">打印自测题卷（答案另页）</a>' in body
    assert (course_site / "sample/training/pm-basics/quiz/index.html").is_file()
    assert not (course_site / "sample/training/trainer-course-design/quiz").exists()
    quiz = article(course_site, "sample/training/pm-basics/quiz")
    questions, key = quiz.split('id="answer-key"', 1)
    assert "Must-have 与 Should-have 的区别？&lt;b&gt;" in questions
    assert "不做则无法上线" not in questions and "不做则无法上线的是 Must-have。" in key
    assert '<a href="../#pm-basics-moscow">MoSCoW 排序</a>' in key


def test_the_reader_marks_answers_and_the_results_stay_per_playbook(browser, course_site):
    url, stop = serve(course_site)
    try:
        for width in (1280, 390):
            context = browser.new_context(viewport={"width": width, "height": 900})
            tab = context.new_page()
            tab.goto(url + "sample/training/pm-basics/")
            score = tab.locator(".luodi-self-check-score")
            assert score.text_content() == "自测：答对 0 / 2 题"
            answer = tab.locator("#pm-basics-moscow-q1 .luodi-answer")
            assert not answer.is_visible()
            tab.click("#pm-basics-moscow-q1 > summary")
            assert answer.is_visible()
            right = tab.locator("#pm-basics-moscow-q1 button[data-result=right]")
            box = right.bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24
            right.click()
            assert score.text_content() == "自测：答对 1 / 2 题"
            assert right.get_attribute("aria-pressed") == "true"
            saved = json.loads(tab.evaluate("localStorage.getItem('luodi:quiz:sample')"))
            assert saved["answers"] == {"pm-basics-moscow-q1": "right"}
            assert tab.evaluate("localStorage.getItem('luodi:sample')") is None  # not a tick
            tab.reload()
            assert tab.locator(".luodi-self-check-score").text_content() == "自测：答对 1 / 2 题"
            assert tab.get_attribute("#pm-basics-moscow-q1", "data-result") == "right"
            tab.click("#pm-basics-moscow-q1 > summary")
            tab.click("#pm-basics-moscow-q1 button[data-result=right]")  # a second tap undoes
            assert tab.locator(".luodi-self-check-score").text_content() == "自测：答对 0 / 2 题"
            context.close()
    finally:
        stop()


def test_print_shows_every_answer_and_the_quiz_key_starts_a_page(browser, course_site, tmp_path):
    url, stop = serve(course_site)
    try:
        tab = browser.new_page()
        tab.goto(url + "sample/training/pm-basics/")
        tab.emulate_media(media="print")
        tab.pdf(path=str(tmp_path / "course.pdf"), format="A4")
        tab.goto(url + "sample/training/pm-basics/quiz/")
        tab.pdf(path=str(tmp_path / "quiz.pdf"), format="A4")
        tab.close()
    finally:
        stop()

    def text(name: str, *pages: str) -> str:
        return subprocess.run(["pdftotext", *pages, str(tmp_path / name), "-"],
                              capture_output=True, text=True, check=True).stdout

    course = text("course.pdf")
    assert "不做则无法上线的是 Must-have。" in course and "准备阶段结束前。" in course
    assert "答对了" not in course
    last = text("quiz.pdf").count("\f")
    first_page = text("quiz.pdf", "-l", "1")
    assert "何时签范围确认单？" in first_page and "准备阶段结束前。" not in first_page
    key_page = text("quiz.pdf", "-f", str(last), "-l", str(last))
    assert key_page.startswith("参考答案") and "准备阶段结束前。" in key_page


def test_a_fork_overrides_an_answer_and_adds_a_question(course_playbooks, tmp_path):
    import shutil

    import luodi.render  # noqa: F401  (registers the views)
    from luodi.read import load_playbooks
    from luodi.render.common import Context
    from luodi.render.course import render

    playbooks = tmp_path / "playbooks"
    shutil.copytree(course_playbooks, playbooks)
    (playbooks / "fork" / "roles").mkdir(parents=True)
    (playbooks / "fork" / "playbook.yaml").write_text(
        "schema_version: 1\nid: fork\nextends: sample\ntitle: 分支\nsummary: 分支。\n",
        encoding="utf-8")
    (playbooks / "fork" / "roles" / "pm.yaml").write_text(
        "id: pm\nmodules:\n  - id: pm-basics\n    lessons:\n      - id: pm-basics-moscow\n"
        "        questions:\n          - {id: pm-basics-moscow-q1, answer: 本项目的答案。}\n"
        "          - {id: pm-basics-moscow-q3, question: 本项目新增的题？, answer: 新答。}\n",
        encoding="utf-8")
    result = load_playbooks(playbooks)
    assert not [d for d in result.diagnostics if d.severity == "error"], result.diagnostics
    fork = result.playbooks["fork"]
    role, module = fork.index["module"]["pm-basics"]
    questions = module.lessons[0].questions
    assert [q.id for q in questions] == ["pm-basics-moscow-q1", "pm-basics-moscow-q2",
                                         "pm-basics-moscow-q3"]
    assert questions[0].question.startswith("Must-have") and questions[0].answer == "本项目的答案。"
    page = render(Context(fork, "fork/training/pm-basics.md"), role, module)
    assert "本项目新增的题？" in page and "本项目的答案。" in page
