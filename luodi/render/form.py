"""The form page: a printable, signable form filled from the playbook's variables."""

from __future__ import annotations

from ..exports import page_links
from ..model import Form
from ..places import exit_criterion_anchor, signature_anchor
from .common import Context, drift_notice, h, heading, md, md_inline
from .views import View, register


def render(ctx: Context, form: Form) -> str:
    pb = ctx.playbook
    phase = pb.phase(form.phase)
    downloads = " ".join(f'<a href="{ctx.href(path)}" download>{h(ctx.t(key))}</a>'
                         for key, path in page_links(pb, "form", form))
    parts = [drift_notice(ctx, form), md(form.summary),
             f'<p class="luodi-print-hint">{h(ctx.t("print-hint"))} {downloads} '
             + ctx.fact_html("phase", f'<a href="{ctx.href(ctx.path("phase", phase.id))}">'
                                      f"{h(phase.title)}</a>") + "</p>"]
    if form.fields:
        parts.append(heading(2, ctx.t("form-header"), "form-header"))
        rows = []
        for field in form.fields:
            value = pb.field_value(field)
            mark = (f' <span class="luodi-required" title="{h(ctx.t("required-mark"))}">*</span>'
                    if field.required else "")
            shown = h(value) if value else f'<span class="luodi-blank">{h(ctx.t("to-fill"))}</span>'
            rows.append(f'<tr id="{h(field.id)}"><th scope="row">{h(field.label)}{mark}</th>'
                        f"<td>{shown}</td></tr>")
        parts.append('<table class="luodi-form-header">\n<tbody>\n' + "\n".join(rows)
                     + "\n</tbody>\n</table>")
    criteria = [(key if isinstance(key, str) else exit_criterion_anchor(key), title, detail)
                for key, title, detail in pb.form_criteria(form)]
    if criteria:
        parts.append(heading(2, ctx.t("criteria"), "criteria"))
        head = (f'<tr><th scope="col">#</th><th scope="col">{h(ctx.t("criterion"))}</th>'
                f'<th scope="col">{h(ctx.t("pass"))}</th><th scope="col">{h(ctx.t("fail"))}</th>'
                f'<th scope="col">{h(ctx.t("remarks"))}</th></tr>')
        rows = []
        for n, (anchor, title, detail) in enumerate(criteria, 1):
            text = h(title) + (f'<br><small>{h(detail)}</small>' if detail else "")
            rows.append(f'<tr id="{h(anchor)}"><td>{n}</td><td>{text}</td>'
                        '<td class="luodi-tick">☐</td><td class="luodi-tick">☐</td><td></td></tr>')
        parts.append('<table class="luodi-form-criteria">\n<thead>\n' + head
                     + "\n</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>")
    if form.include_deliverables and phase.deliverables:
        parts.append(heading(2, ctx.t("deliverables"), "deliverables"))
        rows = [f'<tr><td>{n}</td><td>{h(d.title)}</td><td class="luodi-tick">☐</td>'
                "<td></td></tr>" for n, d in enumerate(phase.deliverables, 1)]
        head = (f'<tr><th scope="col">#</th><th scope="col">{h(ctx.t("deliverables"))}</th>'
                f'<th scope="col">{h(ctx.t("pass"))}</th>'
                f'<th scope="col">{h(ctx.t("remarks"))}</th></tr>')
        parts.append('<table class="luodi-form-criteria">\n<thead>\n' + head
                     + "\n</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>")
    if form.notes:
        parts.append(heading(2, ctx.t("notes"), "notes"))
        parts.append("\n".join(f"{n}. {md_inline(note)}" for n, note in enumerate(form.notes, 1)))
    parts.append(heading(2, ctx.t("signatures"), "signatures"))
    blocks = []
    for role_id in form.signatories:
        role = next((r for r in pb.roles if r.id == role_id), None)
        title = role.title if role else role_id
        blocks.append(
            f'<table class="luodi-signature" id="{h(signature_anchor(role_id))}">'
            f'<caption>{ctx.fact_html("signatory", h(title))}</caption><tbody>'
            f'<tr><th scope="row">{h(ctx.t("name"))}</th><td></td></tr>'
            f'<tr><th scope="row">{h(ctx.t("signature"))}</th><td></td></tr>'
            f'<tr><th scope="row">{h(ctx.t("date"))}</th><td></td></tr>'
            "</tbody></table>")
    parts.append('<div class="luodi-signatures">\n' + "\n".join(blocks) + "\n</div>")
    return "\n\n".join(p for p in parts if p) + "\n"


def _tags(ctx: Context, form: Form) -> tuple[str, ...]:
    return (next((p.title for p in ctx.playbook.phases if p.id == form.phase), form.phase),)


register(View("form", "form", render, title=lambda ctx, form: form.title, tags=_tags,
              nav="forms", macro="acceptance_form"))
