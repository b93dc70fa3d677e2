"""The KPI page: an overview table, then one section per indicator (its anchor is its id)."""

from __future__ import annotations

from .common import Context, bullet_list, drift_notice, h, heading, md, md_inline
from .views import View, register


def render(ctx: Context) -> str:
    pb = ctx.playbook
    keys = ("kpi-name", "department", "baseline", "target", "unit", "phase", "owner")
    head = "".join(f'<th scope="col">{h(ctx.t(k))}</th>' for k in keys)
    rows = []
    for kpi in pb.kpis:
        phase = next((p for p in pb.phases if p.id == kpi.phase), None)
        phase_cell = (f'<a href="{ctx.href(ctx.path("phase", phase.id))}">{h(phase.title)}</a>'
                      if phase else "")
        rows.append(
            f'<tr><th scope="row"><a href="#{h(kpi.id)}">{h(kpi.name)}</a></th>'
            f"<td>{h(kpi.department)}</td><td>{h(kpi.baseline)}</td>"
            f"<td><strong>{h(kpi.target)}</strong></td><td>{h(kpi.unit)}</td>"
            f"<td>{phase_cell}</td><td>{ctx.role_html(kpi.owner)}</td></tr>")
    parts = ['<div class="luodi-table-scroll"><table class="luodi-kpis">\n<thead><tr>' + head
             + "</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table></div>"]
    for kpi in pb.kpis:
        parts.append(heading(2, kpi.name, kpi.id, "luodi-kpi"))
        parts.append(drift_notice(ctx, kpi))
        if kpi.detail:
            parts.append(md(kpi.detail))
        facts = [ctx.fact('target', md_inline(kpi.target))]
        for key in ("baseline", "unit", "department", "measure"):
            if getattr(kpi, key):
                facts.append(ctx.fact(key, md_inline(getattr(kpi, key))))
        if kpi.phase:
            facts.append(ctx.fact('phase', ctx.phase_md(kpi.phase)))
        facts.append(ctx.fact('owner', ctx.role_md(kpi.owner)))
        parts.append(bullet_list(facts))
    return "\n\n".join(parts) + "\n"


register(View("kpis", "playbook", lambda ctx, _: render(ctx), title=lambda ctx, _: ctx.t("kpis"),
              nav="more", macro="kpi_table", when=lambda pb, _: bool(pb.kpis)))
