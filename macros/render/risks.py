"""The risk register, by category (technical, organizational, budget)."""

from __future__ import annotations

from .common import Context, h, heading

CATEGORIES = ("technical", "organizational", "budget")


def render(ctx: Context) -> str:
    pb = ctx.playbook
    parts = []
    keys = ("risk", "likelihood", "impact", "mitigation", "contingency", "owner")
    head = "".join(f'<th scope="col">{h(ctx.t(k))}</th>' for k in keys)
    for category in CATEGORIES:
        risks = [r for r in pb.risks if r.category == category]
        if not risks:
            continue
        parts.append(heading(2, ctx.t(f"category-{category}"), f"category-{category}"))
        rows = []
        for risk in risks:
            detail = f"<br><small>{h(risk.detail)}</small>" if risk.detail else ""
            rows.append(
                f'<tr id="{h(risk.id)}"><th scope="row">{h(risk.title)}{detail}</th>'
                f'<td class="luodi-level-{risk.likelihood}">{h(ctx.t("level-" + risk.likelihood))}</td>'
                f'<td class="luodi-level-{risk.impact}">{h(ctx.t("level-" + risk.impact))}</td>'
                f"<td>{h(risk.mitigation)}</td><td>{h(risk.contingency)}</td>"
                f"<td>{ctx.role_html(risk.owner)}</td></tr>")
        parts.append('<div class="luodi-table-scroll"><table class="luodi-risks">\n<thead><tr>'
                     + head + "</tr></thead>\n<tbody>\n" + "\n".join(rows)
                     + "\n</tbody>\n</table></div>")
    return "\n\n".join(parts) + "\n"
