"""The MoSCoW view: every checklist item by priority, across phases."""

from __future__ import annotations

from ..model import PRIORITIES
from .common import Context, bullet_list, heading, md_inline
from .views import View, register


def render(ctx: Context) -> str:
    parts = []
    for priority in PRIORITIES:
        items = [(p, i) for p, i in ctx.playbook.items() if i.priority == priority]
        parts.append(heading(2, ctx.t(f"{priority}-long"), f"priority-{priority}"))
        if not items:
            parts.append(md_inline(ctx.t("no-items")))
            continue
        owner = md_inline(ctx.t("owner"))
        parts.append(bullet_list([
            ctx.item_md(i.id) + ctx.paren(md_inline(p.title) + ctx.t("clause-separator")
                                          + ctx.t("labelled", label=owner,
                                                  value=ctx.role_md(i.owner)))
            for p, i in items]))
    return "\n\n".join(parts) + "\n"


register(View("scope", "playbook", lambda ctx, _: render(ctx), title=lambda ctx, _: ctx.t("scope"),
              nav="more", macro="moscow_scope", when=lambda pb, _: any(True for _ in pb.items())))
