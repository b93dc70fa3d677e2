"""Reference pages: the glossary, case studies and common pitfalls."""

from __future__ import annotations

from ..places import GLOSSARY_LETTERS, case_part_anchor, glossary_letter_anchor
from ..text import spelled
from .common import Context, bullet_list, h, heading, md, md_inline
from .views import View, register


def glossary(ctx: Context) -> str:
    """The terms in pinyin order (验收确认书 under Y), a line of letters to jump to, and each
    term as a short entry: its definition, then its English and its synonyms on one line."""
    by_letter: dict[str, list] = {}
    for term in sorted(ctx.playbook.glossary, key=lambda t: (spelled(t.term), t.term)):
        first = spelled(term.term)[:1].upper()
        by_letter.setdefault(first if "A" <= first <= "Z" else "#", []).append(term)
    letters = [letter for letter in GLOSSARY_LETTERS if letter in by_letter]
    parts = ['<p class="luodi-letters" data-search-exclude>' + " ".join(
        f'<a href="#{glossary_letter_anchor(x)}">{h(x)}</a>' for x in letters) + "</p>"]
    for letter in letters:
        parts.append(heading(2, letter, glossary_letter_anchor(letter), "luodi-letter"))
        for term in by_letter[letter]:
            parts.append(heading(3, term.term, term.id, "luodi-term"))
            parts.append(md(term.definition))
            facts = []
            english = [w for w in (term.english, *term.english_synonyms) if w]
            if english:
                facts.append(ctx.fact("english", ctx.join(md_inline(w) for w in english)))
            if term.synonyms:
                facts.append(ctx.fact("synonyms", ctx.join(md_inline(s) for s in term.synonyms)))
            if facts:
                parts.append(f'<p class="luodi-term-facts" markdown="1">{" · ".join(facts)}</p>')
    return "\n\n".join(parts) + "\n"


def cases(ctx: Context) -> str:
    parts = []
    for case in ctx.playbook.cases:
        parts.append(heading(2, case.title, case.id))
        facts = [ctx.fact(k, md_inline(getattr(case, k)))
                 for k in ("industry", "system") if getattr(case, k)]
        if facts:
            parts.append(" · ".join(facts))
        parts.append(md(case.summary))
        if case.results:
            head = "".join(f'<th scope="col">{h(ctx.t(k))}</th>'
                           for k in ("metric", "before", "after", "remarks"))
            rows = [f"<tr><th scope=\"row\">{h(r.metric)}</th><td>{h(r.before)}</td>"
                    f"<td><strong>{h(r.after)}</strong></td><td>{h(r.note)}</td></tr>"
                    for r in case.results]
            parts.append(heading(3, ctx.t("results"), case_part_anchor(case.id, "results")))
            parts.append('<table class="luodi-results">\n<thead><tr>' + head
                         + "</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>")
        if case.lessons:
            parts.append(heading(3, ctx.t("lessons-learned"), case_part_anchor(case.id, "lessons")))
            parts.append(bullet_list([md_inline(x) for x in case.lessons]))
        if case.related:
            parts.append(heading(3, ctx.t("related-items"), case_part_anchor(case.id, "items")))
            parts.append(bullet_list([ctx.item_md(i) for i in case.related]))
    return "\n\n".join(parts) + "\n"


def pitfalls(ctx: Context) -> str:
    parts = []
    for pitfall in ctx.playbook.pitfalls:
        parts.append(heading(2, pitfall.title, pitfall.id, "luodi-pitfall"))
        lines = [ctx.fact('symptom', md_inline(pitfall.symptom)),
                 ctx.fact('remedy', md_inline(pitfall.remedy))]
        if pitfall.prevented_by:
            lines.append(ctx.fact("prevented-by",
                                  ctx.join(ctx.item_md(i) for i in pitfall.prevented_by)))
        parts.append(bullet_list(lines))
    return "\n\n".join(parts) + "\n"


register(View("pitfalls", "playbook", lambda ctx, _: pitfalls(ctx),
              title=lambda ctx, _: ctx.t("pitfalls"), nav="more", macro="pitfalls",
              when=lambda pb, _: bool(pb.pitfalls)))
register(View("cases", "playbook", lambda ctx, _: cases(ctx), title=lambda ctx, _: ctx.t("cases"),
              nav="more", when=lambda pb, _: bool(pb.cases)))
register(View("glossary", "playbook", lambda ctx, _: glossary(ctx),
              title=lambda ctx, _: ctx.t("glossary"), nav="more", macro="glossary",
              when=lambda pb, _: bool(pb.glossary)))
