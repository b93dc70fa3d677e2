"""The RACI matrix: checklist items (rows, by phase) × roles (columns)."""

from __future__ import annotations

from .common import Context, h, md


def render(ctx: Context) -> str:
    pb = ctx.playbook
    head = "".join(f'<th scope="col"><a href="{ctx.href(ctx.path("role", r.id))}">{h(r.title)}'
                   "</a></th>" for r in pb.roles)
    body = []
    for phase in pb.phases:
        body.append(f'<tr class="luodi-raci-phase"><th scope="rowgroup" '
                    f'colspan="{len(pb.roles) + 1}">{h(phase.title)}</th></tr>')
        for item in phase.checklist:
            cells = "".join(f"<td>{h(item.raci_letters(r.id))}</td>" for r in pb.roles)
            body.append(f'<tr id="{h(item.id)}"><th scope="row">{ctx.item_html(phase, item)}'
                        f"</th>{cells}</tr>")
    table = ('<div class="luodi-table-scroll"><table class="luodi-raci">\n<thead><tr>'
             f'<th scope="col">{h(ctx.t("item"))}</th>{head}</tr></thead>\n<tbody>\n'
             + "\n".join(body) + "\n</tbody>\n</table></div>")
    return md(ctx.t("raci-legend")) + "\n\n" + table + "\n"
