"""The MoSCoW view: every checklist item by priority, across phases."""

from __future__ import annotations

from ..model import PRIORITIES
from .common import Context, bullet_list, heading, md_inline


def render(ctx: Context) -> str:
    parts = []
    for priority in PRIORITIES:
        items = [(p, i) for p, i in ctx.playbook.items() if i.priority == priority]
        parts.append(heading(2, ctx.t(f"{priority}-long"), f"priority-{priority}"))
        if not items:
            parts.append(md_inline(ctx.t("no-items")))
            continue
        parts.append(bullet_list([f"{ctx.item_md(i.id)}（{md_inline(p.title)}，"
                                  f"{md_inline(ctx.t('owner'))}：{ctx.role_md(i.owner)}）"
                                  for p, i in items]))
    return "\n\n".join(parts) + "\n"
