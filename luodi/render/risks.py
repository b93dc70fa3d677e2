"""The risk register: an overview table, then the risks by category (technical,
organizational, budget), one section per risk (its anchor is its id)."""

from __future__ import annotations

from ..model import RISK_CATEGORIES as CATEGORIES
from ..places import risk_category_anchor
from .common import Context, bullet_list, drift_notice, h, heading, md, md_inline
from .views import View, register


def render(ctx: Context) -> str:
    pb = ctx.playbook
    keys = ("risk", "category", "likelihood", "impact", "owner")
    head = "".join(f'<th scope="col">{h(ctx.t(k))}</th>' for k in keys)
    rows = [f'<tr><th scope="row"><a href="#{h(r.id)}">{h(r.title)}</a></th>'
            f'<td>{h(ctx.t("category-" + r.category))}</td>'
            f'<td class="luodi-level-{r.likelihood}">{h(ctx.t("level-" + r.likelihood))}</td>'
            f'<td class="luodi-level-{r.impact}">{h(ctx.t("level-" + r.impact))}</td>'
            f"<td>{ctx.role_html(r.owner)}</td></tr>"
            for category in CATEGORIES for r in pb.risks if r.category == category]
    parts = ['<div class="luodi-table-scroll"><table class="luodi-risks">\n<thead><tr>' + head
             + "</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table></div>"]
    for category in CATEGORIES:
        risks = [r for r in pb.risks if r.category == category]
        if not risks:
            continue
        parts.append(heading(2, ctx.t(f"category-{category}"), risk_category_anchor(category)))
        for risk in risks:
            parts.append(heading(3, risk.title, risk.id, "luodi-risk"))
            parts.append(drift_notice(ctx, risk))
            if risk.detail:
                parts.append(md(risk.detail))
            facts = [
                ctx.fact('likelihood', md_inline(ctx.t('level-' + risk.likelihood)))
                + " · " + ctx.fact("impact", md_inline(ctx.t("level-" + risk.impact))),
                ctx.fact('mitigation', md_inline(risk.mitigation)),
            ]
            if risk.contingency:
                facts.append(ctx.fact('contingency', md_inline(risk.contingency)))
            if risk.phase:
                facts.append(ctx.fact('phase', ctx.phase_md(risk.phase)))
            facts.append(ctx.fact('owner', ctx.role_md(risk.owner)))
            parts.append(bullet_list(facts))
    return "\n\n".join(parts) + "\n"


register(View("risks", "playbook", lambda ctx, _: render(ctx), title=lambda ctx, _: ctx.t("risks"),
              nav="more", macro="risk_register", when=lambda pb, _: bool(pb.risks)))
