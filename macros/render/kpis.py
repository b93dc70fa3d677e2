"""The KPI table: indicators with baseline, target, department and owner."""

from __future__ import annotations

from .common import Context, h


def render(ctx: Context) -> str:
    pb = ctx.playbook
    keys = ("kpi-name", "department", "baseline", "target", "unit", "measure", "phase", "owner")
    head = "".join(f'<th scope="col">{h(ctx.t(k))}</th>' for k in keys)
    rows = []
    for kpi in pb.kpis:
        phase = next((p for p in pb.phases if p.id == kpi.phase), None)
        phase_cell = (f'<a href="{ctx.href(ctx.path("phase", phase.id))}">{h(phase.title)}</a>'
                      if phase else "")
        detail = f"<br><small>{h(kpi.detail)}</small>" if kpi.detail else ""
        rows.append(
            f'<tr id="{h(kpi.id)}"><th scope="row">{h(kpi.name)}{detail}</th>'
            f"<td>{h(kpi.department)}</td><td>{h(kpi.baseline)}</td>"
            f"<td><strong>{h(kpi.target)}</strong></td><td>{h(kpi.unit)}</td>"
            f"<td>{h(kpi.measure)}</td><td>{phase_cell}</td><td>{ctx.role_html(kpi.owner)}</td></tr>")
    return ('<div class="luodi-table-scroll"><table class="luodi-kpis">\n<thead><tr>' + head
            + "</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table></div>\n")
