"""The index page of each group of a playbook's pages: its phases, its roles, its training
catalogue and its forms (`/<playbook>/phases/`, `roles/`, `training/`, `forms/`). Each is the
first page of its group in the nav, so that the group's title opens it; trainers link the
catalogue."""

from __future__ import annotations

from ..exports import EXPORTS, site_path
from ..status import role_items
from .common import Context, md_inline
from .views import View, register


def _table(header: list[str], rows: list[list[str]]) -> str:
    return "\n".join([f"| {' | '.join(header)} |", "| " + " | ".join("---" for _ in header) + " |",
                      *(f"| {' | '.join(row)} |" for row in rows)])


def phases(ctx: Context) -> str:
    pb = ctx.playbook
    t = ctx.t
    rows = []
    for n, phase in enumerate(pb.phases, 1):
        musts = sum(1 for i in phase.checklist if i.priority == "must")
        forms = [f for f in pb.forms if f.phase == phase.id]
        rows.append([str(n), ctx.phase_md(phase.id), md_inline(phase.duration or "—"),
                     md_inline(t("items-count", n=len(phase.checklist)) + t("clause-separator")
                               + t("must-count", n=musts)),
                     ctx.join(f"[{md_inline(f.title)}]({ctx.md_link(ctx.path('form', f.id))})"
                              for f in forms) or "—"])
    header = ["#", md_inline(t("phase")), md_inline(t("duration")), md_inline(t("checklist")),
              md_inline(t("forms"))]
    return md_inline(t("phases-index-intro")) + "\n\n" + _table(header, rows) + "\n"


def roles(ctx: Context) -> str:
    pb = ctx.playbook
    t = ctx.t
    rows = []
    for role in pb.roles:
        own = len(role_items(pb, role.id))
        handout = f"[{md_inline(t('handout-short'))}]({ctx.md_link(ctx.path('handout', role.id))})"
        rows.append([ctx.role_md(role.id), md_inline(role.summary),
                     md_inline(t("items-count", n=own)), str(len(role.modules)), handout])
    header = [md_inline(t("roles")), md_inline(t("summary")), md_inline(t("own-items")),
              md_inline(t("training")), md_inline(t("handout-short"))]
    return md_inline(t("roles-index-intro")) + "\n\n" + _table(header, rows) + "\n"


def training(ctx: Context) -> str:
    """The catalogue: every module by role, with format, duration, lessons, prerequisites."""
    pb = ctx.playbook
    t = ctx.t
    rows = []
    for role, module in pb.modules():
        prerequisites = ctx.join(ctx.module_md(p) for p in module.prerequisites) or "—"
        rows.append([ctx.module_md(module.id), ctx.role_md(role.id),
                     md_inline(t("format-" + module.format)),
                     md_inline(t("minutes", n=module.duration)), str(len(module.lessons)),
                     prerequisites])
    header = [md_inline(t("course")), md_inline(t("for-role")), md_inline(t("format")),
              md_inline(t("duration")), md_inline(t("lessons")), md_inline(t("prerequisites"))]
    total = sum(m.duration for _, m in pb.modules())
    intro = md_inline(t("training-index-intro", n=len(rows), hours=round(total / 60, 1)))
    return intro + "\n\n" + _table(header, rows) + "\n"


def forms(ctx: Context) -> str:
    pb = ctx.playbook
    t = ctx.t
    rows = []
    for form in pb.forms:
        word = site_path(pb, EXPORTS["form"], form, "docx")
        rows.append([f"[{md_inline(form.title)}]({ctx.md_link(ctx.path('form', form.id))})",
                     ctx.phase_md(form.phase) if form.phase else "—",
                     md_inline(form.summary or "—"),
                     ctx.download_md(t("material-word"), word)])
    header = [md_inline(t("forms")), md_inline(t("phase")), md_inline(t("summary")),
              md_inline(t("download-docx"))]
    return md_inline(t("forms-index-intro")) + "\n\n" + _table(header, rows) + "\n"


# One per nav group, in the group's place (views.NAV_GROUPS); a playbook without forms has no
# forms page.
for kind, group, render, has in (
        ("phases-index", "phases", phases, lambda pb, _: bool(pb.phases)),
        ("roles-index", "roles", roles, lambda pb, _: bool(pb.roles)),
        ("training-index", "training", training, lambda pb, _: any(True for _ in pb.modules())),
        ("forms-index", "forms", forms, lambda pb, _: bool(pb.forms))):
    register(View(kind, "playbook", lambda ctx, _, r=render: r(ctx),
                  title=lambda ctx, _, k=kind: ctx.t(k), nav=group, when=has))
