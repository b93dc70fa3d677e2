"""Tags in a knowledge base of many playbooks.

- Each playbook has a tag page (`<playbook>/tags/`) listing its own pages by tag: Material's tags
  listing, scoped to the playbook's folder, so that a tag on a playbook's page links there and a
  reader stays in their playbook.
- The site's tag index (the `tag_index()` macro, docs/tags.md) lists every playbook's pages by
  tag, grouped by playbook, and a page a fork inherits unchanged once: beside the parent's page,
  the names of the playbooks that hold the same page, each linked to its copy. A page a fork
  changed is listed on its own, marked as changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..model import Playbook
from .common import Context, h
from .pages import PageSpec, page_content, playbook_pages
from .views import View, register

MAX_NAMED = 4  # playbooks named beside a page; more are counted


def render(ctx: Context, _) -> str:
    # Material's tags plugin fills the listing with the tags of the pages in this folder.
    return f"{h(ctx.t('tags-intro'))}\n\n<!-- material/tags {{ scope: true }} -->\n"


register(View("tags", "playbook", render, title=lambda ctx, _: ctx.t("tags"), nav="more",
              front=(("search", {"exclude": True}),)))


def tag_index(playbooks: dict[str, Playbook], ctx_for: Callable[[Playbook], Context],
              body_of: Callable[[Playbook, PageSpec], str]) -> str:
    """Every playbook's pages by tag (see the module's docstring). `body_of(pb, spec)`: the
    Markdown of a generated page (the plugin's, or rendered anew)."""
    # Each playbook's tagged pages by their place in it (the path after /<id>/).
    tagged = {pb.id: {spec.src.split("/", 1)[1]: spec for spec in playbook_pages(pb)
                      if spec.tags} for pb in playbooks.values()}
    said: dict[str, str] = {}  # source path → what the page says (each page read once)

    def content(pb: Playbook, spec: PageSpec) -> str:
        if spec.src not in said:
            said[spec.src] = page_content(body_of(pb, spec))
        return said[spec.src]

    # Each tagged page, with the playbooks holding the same page (its parents' first).
    entries: list[dict] = []
    held: dict[tuple[str, str], dict] = {}  # (playbook id, place) → the entry listing it
    for pb in _parents_first(playbooks):
        parent = playbooks.get(pb.extends)
        for where, spec in tagged[pb.id].items():
            parent_spec = tagged[parent.id].get(where) if parent else None
            if parent_spec is not None and parent_spec.tags == spec.tags and (
                    content(parent, parent_spec) == content(pb, spec)):
                entry = held[(parent.id, where)]
                entry["holders"].append((pb, spec))
                held[(pb.id, where)] = entry
                continue
            entry = {"owner": pb, "spec": spec, "holders": [(pb, spec)],
                     "changed": parent_spec is not None}
            held[(pb.id, where)] = entry
            entries.append(entry)
    order = {pb.id: i for i, pb in enumerate(playbooks.values())}
    tags: dict[str, list[dict]] = {}
    for entry in sorted(entries, key=lambda e: order[e["owner"].id]):  # grouped by playbook
        for tag in dict.fromkeys(entry["spec"].tags):
            tags.setdefault(tag, []).append(entry)
    out = ['<div class="luodi-tag-index">']
    for tag, listed in tags.items():
        anchor = "tag:" + re.sub(r"\s+", "-", tag)
        out.append(f'<h2 id="{h(anchor)}">{h(tag)}</h2>\n<ul>')
        for entry in listed:
            owner, spec = entry["owner"], entry["spec"]
            ctx = ctx_for(owner)
            holders = entry["holders"]
            shown = holders if len(holders) <= MAX_NAMED else holders[:MAX_NAMED - 1]
            names = " · ".join(f'<a href="{ctx.href(s.src)}">{h(p.label)}</a>' for p, s in shown)
            if len(shown) < len(holders):  # many forks: the rest counted, named on hover
                rest = holders[len(shown):]
                names += (f' · <span title="{h(" · ".join(p.label for p, _ in rest))}">'
                          f'{h(ctx.t("tag-more", n=len(rest)))}</span>')
            changed = f" · {h(ctx.t('tag-changed'))}" if entry["changed"] else ""
            out.append(f'<li><a href="{ctx.href(spec.src)}">{h(spec.title)}</a> '
                       f'<span class="luodi-tag-playbooks">{names}{changed}</span></li>')
        out.append("</ul>")
    out.append("</div>")
    return "\n".join(out)


def _parents_first(playbooks: dict[str, Playbook]) -> list[Playbook]:
    done: list[Playbook] = []
    seen: set[str] = set()
    for pb in playbooks.values():
        chain = []
        while pb is not None and pb.id not in seen:
            chain.append(pb)
            seen.add(pb.id)
            pb = playbooks.get(pb.extends)
        done.extend(reversed(chain))
    return done
