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
    """The phases as a row of steps: plain HTML and CSS, nothing loaded from elsewhere."""
    steps = []
    for n, phase in enumerate(ctx.playbook.phases, 1):
        musts = sum(1 for i in phase.checklist if i.priority == "must")
        duration = f'<span class="luodi-step-duration">{h(phase.duration)}</span>' \
            if phase.duration else ""
        steps.append(
            f'<li class="luodi-step"><a href="{ctx.href(ctx.path("phase", phase.id))}">'
            f'<span class="luodi-step-number">{n}</span>'
            f'<span class="luodi-step-title">{h(phase.title)}</span>{duration}'
            f'<span class="luodi-step-count">{h(ctx.t("items-count", n=len(phase.checklist)))}'
            f' · {h(ctx.t("must-count", n=musts))}</span></a></li>')
    return '<ol class="luodi-roadmap">\n' + "\n".join(steps) + "\n</ol>"


def role_picker(ctx: Context) -> str:
    cards = [f'<li><a href="{ctx.href(ctx.path("role", r.id))}">'
             f'<span class="luodi-role-title">{h(r.title)}</span>'
             f'<span class="luodi-role-summary">{h(r.summary)}</span></a></li>'
             for r in ctx.playbook.roles]
    return '<ul class="luodi-role-picker">\n' + "\n".join(cards) + "\n</ul>"


register(View("overview", "playbook", lambda ctx, _: render(ctx),
              title=lambda ctx, _: ctx.playbook.title, nav_title=lambda ctx, _: ctx.t("overview"),
              nav="overview"))
