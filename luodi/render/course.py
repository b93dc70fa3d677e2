"""The course page: one training module, the page trainers link to. A role's handout holds
all of the role's courses, each rendered here as a chapter."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..exports import EXPORTS, download_name, site_path
from ..model import Lesson, Material, Module, Question, Role
from ..places import relative_url, url_of
from .common import Context, bullet_list, drift_notice, h, heading, md, md_inline
from .views import View, register


def render(ctx: Context, role: Role, module: Module, level: int = 2,
           section: Callable[[str], str] = str) -> str:
    """`level` is that of the section headings (lessons are one below); `section` makes a
    section's anchor of its name (on a handout: places.course_section_anchor). Lesson anchors are
    object ids, unique in the playbook, and stay."""
    facts = [
        ctx.fact('for-role', ctx.role_md(role.id)),
        ctx.fact('format', md_inline(ctx.t('format-' + module.format))),
        ctx.fact('duration', md_inline(ctx.t('minutes', n=module.duration))),
        *([ctx.fact("self-check", f"[{md_inline(ctx.t('quiz-link'))}]"
                                  f"({ctx.md_link(ctx.path('quiz', module.id))})")]
          if has_questions(module) else []),
        ctx.fact("prerequisites", ctx.join(ctx.module_md(p) for p in module.prerequisites)
                 if module.prerequisites else md_inline(ctx.t("none"))),
    ]
    parts = [drift_notice(ctx, module), md(module.summary), bullet_list(facts)]
    parts.append(heading(level, ctx.t("objectives"), section("objectives")))
    parts.append(bullet_list([md_inline(o) for o in module.objectives]))
    if module.lessons:
        parts.append(heading(level, ctx.t("lessons"), section("lessons")))
        for lesson in module.lessons:
            parts.append(heading(level + 1, lesson.title, lesson.id, "luodi-lesson"))
            parts.append(lesson_body(ctx, lesson))
    if module.exercises:
        parts.append(heading(level, ctx.t("exercises"), section("exercises")))
        parts.append(bullet_list([md_inline(e) for e in module.exercises]))
    if module.materials:
        parts.append(heading(level, ctx.t("materials"), section("materials")))
        parts.append(materials_list(ctx, module.materials))
    items = ctx.playbook.index["items_by_module"].get(module.id, [])
    if items:
        parts.append(heading(level, ctx.t("supports-items"), section("items")))
        parts.append(bullet_list([ctx.item_md(i.id) + ctx.paren(md_inline(p.title))
                                  for p, i in items]))
    return "\n\n".join(p for p in parts if p) + "\n"


def has_questions(module: Module) -> bool:
    return any(lesson.questions for lesson in module.lessons)


def lesson_body(ctx: Context, lesson: Lesson) -> str:
    """A lesson as a trainer teaches it: its length, what and why, the steps, a worked example,
    the mistake it prevents, its materials and its self-check questions."""
    parts = []
    if lesson.duration:
        parts.append(f'<p class="luodi-lesson-meta">{h(ctx.t("minutes", n=lesson.duration))}</p>')
    parts += [md(lesson.detail), md(lesson.content)]
    if lesson.steps:
        parts.append(f"**{md_inline(ctx.t('lesson-steps'))}**")
        parts.append("\n".join(f"{n}. {md_inline(step)}" for n, step in enumerate(lesson.steps, 1)))
    if lesson.example:
        parts.append(_box("example", ctx.t("lesson-example"), md(lesson.example)))
    if lesson.mistake or lesson.pitfalls:
        text = md(lesson.mistake)
        if lesson.pitfalls:
            text += "\n\n" + ctx.fact("lesson-pitfalls", ctx.join(
                f"[{md_inline(_pitfall_title(ctx, p))}]({ctx.md_link(ctx.path('pitfalls'), p)})"
                for p in lesson.pitfalls))
        parts.append(_box("warning", ctx.t("lesson-mistake"), text.strip()))
    if lesson.materials:
        parts.append(materials_list(ctx, lesson.materials))
    if lesson.questions:
        parts.append(questions_html(ctx, lesson.questions))
    return "\n\n".join(p for p in parts if p)


def _pitfall_title(ctx: Context, pitfall_id: str) -> str:
    return next((p.title for p in ctx.playbook.pitfalls if p.id == pitfall_id), pitfall_id)


def _box(kind: str, title: str, body: str) -> str:
    """An admonition (a box with a title) holding Markdown: every line indented under it."""
    inner = "\n".join(("    " + line) if line else "" for line in body.splitlines())
    return f'!!! {kind} "{h(title)}"\n\n{inner}'


def questions_html(ctx: Context, questions: list[Question]) -> str:
    """Each question with its answer folded away (a native <details>: it opens with a tap or
    the keyboard, and the reader's script adds the right/wrong buttons and keeps the result)."""
    rows = [f'<div class="luodi-questions"><p class="luodi-questions-title">'
            f'<strong>{h(ctx.t("self-check"))}</strong></p>']
    for n, q in enumerate(questions, 1):
        rows.append(
            f'<details class="luodi-question" id="{h(q.id)}" data-question="{h(q.id)}">'
            f'<summary><span class="luodi-question-n">{n}.</span> {h(q.question)}</summary>'
            f'<div class="luodi-answer"><p>'
            + ctx.t("labelled", label=f'<strong>{h(ctx.t("answer"))}</strong>',
                    value=_paragraphs(q.answer)) + "</p></div>"
            "</details>")
    rows.append("</div>")
    return "\n".join(rows)


def _paragraphs(text: str) -> str:
    """Plain text in HTML, its blank-line-separated paragraphs kept apart."""
    blocks = [h(" ".join(b.split())) for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    return "</p><p>".join(blocks)


def material_target(ctx: Context, material: Material) -> tuple[str, str]:
    """The attributes of a link to what a material points at ('' when it points nowhere), and
    of a link to its Word file (a form's)."""
    def download(path: str) -> str:
        return f'href="{ctx.href(path)}" download="{h(download_name(ctx.playbook, path))}"'

    if material.url:
        url = material.url.strip()
        if url.lower().startswith(("http://", "https://")):
            return f'href="{h(url)}"', ""
        return f'href="{_site_href(ctx, url)}"', ""
    if material.form and material.form in ctx.playbook.index["form"]:
        form = ctx.playbook.index["form"][material.form]
        word = site_path(ctx.playbook, EXPORTS["form"], form, "docx")
        return f'href="{ctx.href(ctx.path("form", form.id))}"', download(word)
    if material.export in EXPORTS:
        export = EXPORTS[material.export]
        return download(site_path(ctx.playbook, export, None, export.formats[0])), ""
    return "", ""


def _site_href(ctx: Context, path: str) -> str:
    """A material's path: a page of its playbook (raci/, phases/goals/, so that a fork links to
    its own copy) or, with a leading '/', of the site; a generated page gets its URL in this
    build's style (an offline build has no directory URLs), anything else keeps its path."""
    from .pages import page_sources  # pages.py imports the views

    stem, _, anchor = path.partition("#")
    target = stem[1:] if stem.startswith("/") else f"{ctx.playbook.id}/{stem}"
    sources = page_sources(ctx.playbook)
    for src in (target.rstrip("/") + ".md", (target.rstrip("/") + "/index.md").lstrip("/")):
        if src in sources:
            return ctx.href(src, anchor)
    return h(relative_url(url_of(ctx.here, ctx.directory_urls), target)
             + (f"#{anchor}" if anchor else ""))


def materials_list(ctx: Context, materials: list[Material]) -> str:
    """One line per material: its title (a link where it is somewhere), its kind, and what it
    holds line by line (a slide outline)."""
    rows = ['<ul class="luodi-materials">']
    for m in materials:
        link, word = material_target(ctx, m)
        title = f"<a {link}>{h(m.title)}</a>" if link else f"<strong>{h(m.title)}</strong>"
        line = f'<span class="luodi-material-kind">{h(ctx.t("material-" + m.kind))}</span> {title}'
        if word:
            line += f' · <a {word}>{h(ctx.t("material-word"))}</a>'
        lines = [h(x.strip()) for x in m.detail.splitlines() if x.strip()]
        if lines:
            line += '<br><span class="luodi-material-detail">' + "<br>".join(lines) + "</span>"
        rows.append(f"<li>{line}</li>")
    rows.append("</ul>")
    return "\n".join(rows)


register(View("module", "module", lambda ctx, pair: render(ctx, *pair),
              title=lambda ctx, pair: pair[1].title,
              tags=lambda ctx, pair: (pair[0].title, ctx.t("format-" + pair[1].format)),
              nav="training", macro="course"))
