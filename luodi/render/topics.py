"""The topics page: every topic of the checklist (its items' tags), with the items on it. An
item's tag links here."""

from __future__ import annotations

from ..places import topic_anchor
from .common import Context, bullet_list, heading, md_inline
from .views import View, register


def render(ctx: Context) -> str:
    by_tag: dict[str, list] = {}
    for phase, item in ctx.playbook.items():
        for tag in item.tags:
            by_tag.setdefault(tag, []).append((phase, item))
    parts = [md_inline(ctx.t("topics-intro"))]
    for tag in sorted(by_tag, key=lambda t: (-len(by_tag[t]), t)):  # the broadest first
        parts.append(heading(2, tag, topic_anchor(tag), "luodi-topic"))
        parts.append(bullet_list([ctx.item_md(item.id) + ctx.paren(md_inline(phase.title))
                                  for phase, item in by_tag[tag]]))
    return "\n\n".join(parts) + "\n"


# A listing of links, like the tag page: kept out of search, where the items themselves are.
register(View("topics", "playbook", lambda ctx, _: render(ctx), title=lambda ctx, _: ctx.t("topics"),
              nav="more", when=lambda pb, _: any(item.tags for _, item in pb.items()),
              front=(("search", {"exclude": True}),)))
