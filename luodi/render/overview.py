"""The playbook overview: summary, goals, the roadmap drawn in HTML/CSS, and entry points."""

from __future__ import annotations

from ..model import GOAL_KINDS
from ..places import goal_kind_anchor
from .common import Context, bullet_list, h, heading, md, md_inline
from .views import VIEWS, View, pages_of, register


def render(ctx: Context) -> str:
    pb = ctx.playbook
    parts = [md(pb.summary)]
    parts.append(heading(2, ctx.t("roadmap"), "roadmap"))
    parts.append(roadmap(ctx))
    parts.append(heading(2, ctx.t("i-am"), "i-am"))
    parts.append(md(ctx.t("i-am-hint")))
    parts.append(role_picker(ctx))
    if pb.goals:
        parts.append(heading(2, ctx.t("goals"), "goals"))
        for kind in GOAL_KINDS:
            goals = [g for g in pb.goals if g.kind == kind]
            if not goals:
                continue
            parts.append(heading(3, ctx.t(f"goal-{kind}"), goal_kind_anchor(kind)))
            for goal in goals:
                parts.append(heading(4, goal.title, goal.id))
                lines = []
                if goal.detail:
                    parts.append(md(goal.detail))
                if goal.methods:
                    lines.append(ctx.fact("methods", ctx.join(md_inline(m) for m in goal.methods)))
                if goal.kpis:
                    lines.append(ctx.fact("measured-by", ctx.join(ctx.kpi_md(k) for k in goal.kpis)))
                if goal.owner:
                    lines.append(ctx.fact('owner', ctx.role_md(goal.owner)))
                if lines:
                    parts.append(bullet_list(lines))
    if pb.forms:
        parts.append(heading(2, ctx.t("forms"), "forms"))
        links = [(f"[{md_inline(f.title)}]({ctx.md_link(ctx.path('form', f.id))})", f.summary)
                 for f in pb.forms]
        parts.append(bullet_list([
            ctx.t("labelled", label=link, value=md_inline(summary)) if summary else link
            for link, summary in links]))
    parts.append(heading(2, ctx.t("more"), "more"))
    parts.append(bullet_list([f"[{md_inline(ctx.t(view.kind))}]({ctx.md_link(ctx.path(view.kind))})"
                              for view in VIEWS.values() if view.nav == "more"
                              and pages_of(view, pb)]))
    parts.append(ctx.fact("downloads", ctx.downloads_md("overview")))
    return "\n\n".join(p for p in parts if p) + "\n"


def roadmap(ctx: Context) -> str:
    """The phases as a compact grid of numbered steps (a line each on a phone): plain HTML and
    CSS, nothing loaded from elsewhere."""
    steps = []
    for n, phase in enumerate(ctx.playbook.phases, 1):
        musts = sum(1 for i in phase.checklist if i.priority == "must")
        meta = [f'<span class="luodi-step-duration">{h(phase.duration)}</span>'] \
            if phase.duration else []
        meta.append(f'<span class="luodi-step-count">{h(ctx.t("items-count", n=len(phase.checklist)))}'
                    f' · {h(ctx.t("must-count", n=musts))}</span>')
        steps.append(
            f'<li class="luodi-step"><a href="{ctx.href(ctx.path("phase", phase.id))}">'
            f'<span class="luodi-step-number">{n}</span>'
            f'<span class="luodi-step-title">{h(phase.title)}</span>'
            f'<span class="luodi-step-meta">{" · ".join(meta)}</span></a></li>')
    return '<ol class="luodi-roadmap">\n' + "\n".join(steps) + "\n</ol>"


def entry_links(ctx: Context) -> str:
    """A playbook's ways in: its index pages (phases, roles, training, forms) and, for a project,
    its status page. HTML, for the home page's list."""
    from .views import VIEWS

    kinds = [kind for kind in ("phases-index", "roles-index", "training-index", "forms-index",
                               "status") if kind in VIEWS and pages_of(VIEWS[kind], ctx.playbook)]
    return " · ".join(f'<a href="{ctx.href(ctx.path(kind))}">{h(ctx.t(kind))}</a>'
                      for kind in kinds)


def front_door(ctx: Context) -> str:
    """Three doors: look something up, teach, start a project (guides of the site's docs)."""
    pb = ctx.playbook
    roles = " · ".join(f'<a href="{ctx.href(ctx.path("role", r.id))}">{h(r.title)}</a>'
                       for r in pb.roles)

    def door(key: str, body: str) -> str:
        return (f'<div class="luodi-door"><p class="luodi-door-title">{h(ctx.t(key))}</p>'
                f"{body}</div>")

    def link(src: str, key: str) -> str:
        return f'<a href="{ctx.href(src)}">{h(ctx.t(key))}</a>'

    employee = f"<p>{h(ctx.t('door-employee-hint'))}</p><p>{roles}</p>"
    if pb.glossary:
        employee += f"<p>{link(ctx.path('glossary'), 'glossary')}</p>"
    trainer = (f"<p>{h(ctx.t('door-trainer-hint'))}</p><p>{link(ctx.path('training-index'), 'training-index')}"
               f" · {link(ctx.path('roles-index'), 'door-handouts')}</p>")
    team = (f"<p>{h(ctx.t('door-team-hint'))}</p><p><code>luodi new my-project --from {h(pb.id)}"
            f"</code></p><p>{link('guide/forking.md', 'door-forking')} · "
            f"{link('guide/status.md', 'door-status')}</p>")
    return ('<div class="luodi-doors">' + door("door-employee", employee)
            + door("door-trainer", trainer) + door("door-team", team) + "</div>")


def role_picker(ctx: Context) -> str:
    cards = [f'<li><a href="{ctx.href(ctx.path("role", r.id))}">'
             f'<span class="luodi-role-title">{h(r.title)}</span>'
             f'<span class="luodi-role-summary">{h(r.summary)}</span></a></li>'
             for r in ctx.playbook.roles]
    return '<ul class="luodi-role-picker">\n' + "\n".join(cards) + "\n</ul>"


register(View("overview", "playbook", lambda ctx, _: render(ctx),
              title=lambda ctx, _: ctx.playbook.title, nav_title=lambda ctx, _: ctx.t("overview"),
              nav="overview"))
