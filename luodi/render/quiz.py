"""The quiz sheet of a training module: its self-check questions to print and hand out, with
lines to answer on, then the answer key on a page of its own."""

from __future__ import annotations

from ..model import Module, Role
from .common import Context, h, heading
from .course import has_questions
from .views import View, register


def render(ctx: Context, role: Role, module: Module) -> str:
    questions = [(lesson, q) for lesson in module.lessons for q in lesson.questions]
    parts = [f'<p class="luodi-print-hint">{h(ctx.t("quiz-print-hint"))}</p>',
             f'<p class="luodi-quiz-course">{ctx.fact_html("course", _link(ctx, module))}</p>',
             f'<p class="luodi-quiz-name">{h(ctx.t("quiz-name-line"))}</p>',
             heading(2, ctx.t("self-check"), "questions")]
    rows = ['<ol class="luodi-quiz">']
    # The answer key names each question by its number: ids are the course page's anchors.
    rows += [f'<li><p>{h(q.question)}</p><div class="luodi-quiz-lines"></div></li>'
             for _, q in questions]
    rows.append("</ol>")
    parts.append("\n".join(rows))
    parts.append(heading(2, ctx.t("answer-key"), "answer-key", "luodi-answer-key"))
    rows = ['<ol class="luodi-quiz-key">']
    rows += [f'<li><p><strong>{h(q.question)}</strong></p><p>{h(q.answer)}</p>'
             f'<p class="luodi-quiz-lesson">{ctx.fact_html("lesson", _lesson_link(ctx, module, lesson))}</p></li>'
             for lesson, q in questions]
    rows.append("</ol>")
    parts.append("\n".join(rows))
    return "\n\n".join(parts) + "\n"


def _link(ctx: Context, module: Module) -> str:
    return f'<a href="{ctx.href(ctx.path("module", module.id))}">{h(module.title)}</a>'


def _lesson_link(ctx: Context, module: Module, lesson) -> str:
    return (f'<a href="{ctx.href(ctx.path("module", module.id), lesson.id)}">'
            f"{h(lesson.title)}</a>")


# A sheet to print: what it says is on the course page, which search finds.
register(View("quiz", "module", lambda ctx, pair: render(ctx, *pair),
              title=lambda ctx, pair: ctx.t("quiz-title", module=pair[1].title),
              when=lambda pb, pair: has_questions(pair[1]),
              front=(("search", {"exclude": True}),)))
