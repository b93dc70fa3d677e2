"""The RACI matrix: checklist items (rows, by phase) × roles (columns).

Up to WIDE roles it is one table with every role. A playbook with more roles gets one table per
phase with only the roles that hold a letter in it: a matrix of hundreds of mostly empty columns
cannot be read, and its size would grow with items × roles.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Phase, Role
from .common import Context, h, md
from .views import View, register

WIDE = 12


def render(ctx: Context) -> str:
    pb = ctx.playbook
    if len(pb.roles) <= WIDE:
        tables = [_table(ctx, pb.roles, pb.phases)]
    else:
        tables = []
        for phase in (p for p in pb.phases if p.checklist):
            involved = {role_id for item in phase.checklist for role_id in item.raci_by_role}
            tables.append(_table(ctx, [r for r in pb.roles if r.id in involved], [phase]))
    return (md(ctx.t("raci-legend")) + "\n\n" + role_filter(ctx) + "\n\n" + "\n\n".join(tables)
            + "\n")


def role_filter(ctx: Context) -> str:
    """One role's rows and column only (the reader's script shows and runs it): on a phone the
    matrix then reads as that role's list."""
    involved = {role_id for _, item in ctx.playbook.items() for role_id in item.raci_by_role}
    options = "".join(f'<option value="{h(r.id)}">{h(r.title)}</option>'
                      for r in ctx.playbook.roles if r.id in involved)
    return (f'<p class="luodi-raci-filter" hidden data-search-exclude><label>{h(ctx.t("raci-filter"))} '
            f'<select data-raci-filter><option value="">{h(ctx.t("filter-all"))}</option>{options}'
            "</select></label></p>")


def _table(ctx: Context, roles: Sequence[Role], phases: Sequence[Phase]) -> str:
    head = "".join(f'<th scope="col" data-role="{h(r.id)}"><a href="'
                   f'{ctx.href(ctx.path("role", r.id))}">{h(r.title)}</a></th>' for r in roles)
    body = []
    for phase in phases:
        body.append(f'<tr class="luodi-raci-phase"><th scope="rowgroup" '
                    f'colspan="{len(roles) + 1}">{h(phase.title)}</th></tr>')
        for item in phase.checklist:
            cells = "".join(f'<td data-role="{h(r.id)}">{h(item.raci_letters(r.id))}</td>'
                            for r in roles)
            body.append(f'<tr id="{h(item.id)}"><th scope="row">{ctx.item_html(phase, item)}'
                        f"</th>{cells}</tr>")
    # Its own scroll box (both ways) under a height: the header and the task column stay put.
    return ('<div class="luodi-table-scroll luodi-raci-scroll"><table class="luodi-raci">\n<thead><tr>'
            f'<th scope="col">{h(ctx.t("item"))}</th>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(body) + "\n</tbody>\n</table></div>")


register(View("raci", "playbook", lambda ctx, _: render(ctx), title=lambda ctx, _: ctx.t("raci"),
              nav="more", macro="raci_matrix",
              when=lambda pb, _: any(True for _ in pb.items())))
