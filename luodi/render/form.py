"""The form page: a printable, signable form filled from the playbook's variables."""

from __future__ import annotations

from ..exports import download_name, page_links
from ..model import Form
from ..places import exit_criterion_anchor, signature_anchor
from .common import Context, drift_notice, h, heading, md, md_inline
from .views import View, register


def render(ctx: Context, form: Form) -> str:
    pb = ctx.playbook
    phase = pb.phase(form.phase)
    downloads = " ".join(f'<a href="{ctx.href(path)}" download="{h(download_name(pb, path))}">'
                         f"{h(ctx.t(key))}</a>" for key, path in page_links(pb, "form", form))
    parts = [print_style(ctx, form), drift_notice(ctx, form), md(form.summary),
             f'<p class="luodi-print-hint">{h(ctx.t("print-hint"))} {downloads} '
             + ctx.fact_html("phase", f'<a href="{ctx.href(ctx.path("phase", phase.id))}">'
                                      f"{h(phase.title)}</a>") + "</p>",
             f'<p class="luodi-print-action" hidden data-search-exclude><button type="button" '
             f'class="luodi-button" data-luodi-print>{h(ctx.t("print-form"))}</button></p>']
    if form.fields:
        parts.append(heading(2, ctx.t("form-header"), "form-header"))
        rows = []
        for field in form.fields:
            value = pb.field_value(field)
            mark = (f' <span class="luodi-required" title="{h(ctx.t("required-mark"))}">*</span>'
                    if field.required else "")
            # On paper an empty field is a blank to fill in (the hint is for the screen).
            if not value and field.type == "choice":  # boxes to tick, as in the Word file
                shown = "　".join(f"☐ {h(option)}" for option in field.options)
            else:
                shown = h(value) if value else f'<span class="luodi-blank">{h(ctx.t("to-fill"))}</span>'
            rows.append(f'<tr id="{h(field.id)}"><th scope="row">{h(field.label)}{mark}</th>'
                        f"<td>{shown}</td></tr>")
        parts.append('<table class="luodi-form-header">\n<tbody>\n' + "\n".join(rows)
                     + "\n</tbody>\n</table>")
    criteria = [(key if isinstance(key, str) else exit_criterion_anchor(key), title, detail,
                 covers) for key, title, detail, covers in pb.form_criteria(form)]
    if criteria:
        parts.append(heading(2, ctx.t("criteria"), "criteria"))
        head = (f'<tr><th scope="col">#</th><th scope="col">{h(ctx.t("criterion"))}</th>'
                f'<th scope="col">{h(ctx.t("pass"))}</th><th scope="col">{h(ctx.t("fail"))}</th>'
                f'<th scope="col">{h(ctx.t("remarks"))}</th></tr>')
        rows = []
        for n, (anchor, title, detail, covers) in enumerate(criteria, 1):
            # An exit criterion merged into this one keeps its anchor (links to it stay).
            kept = "".join(f'<span id="{exit_criterion_anchor(c)}"></span>' for c in covers)
            text = kept + h(title) + (f'<br><small>{h(detail)}</small>' if detail else "")
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
            f'<caption>{_signatory(ctx, form, role_id, title)}</caption><tbody>'
            f'<tr><th scope="row">{h(ctx.t("name"))}</th><td></td></tr>'
            f'<tr><th scope="row">{h(ctx.t("signature"))}</th><td></td></tr>'
            f'<tr><th scope="row">{h(ctx.t("date"))}</th><td></td></tr>'
            "</tbody></table>")
    parts.append('<div class="luodi-signatures">\n' + "\n".join(blocks) + "\n</div>")
    return "\n\n".join(p for p in parts if p) + "\n"


def _signatory(ctx: Context, form: Form, role_id: str, title: str) -> str:
    party = form.parties.get(role_id)
    if not party:
        return ctx.fact_html("signatory", h(title))
    return ctx.t("labelled", label=f"<strong>{h(party)}</strong>", value=h(title))


def css_string(text: str) -> str:
    """Text as a CSS string: every character but letters and digits escaped, so that nothing
    in it can end the string, the rule or the style element."""
    return '"' + "".join(ch if ch.isalnum() else f"\\{ord(ch):x} " for ch in text) + '"'


def print_style(ctx: Context, form: Form) -> str:
    """The printed form's page margins: the form's title and its page header field (the
    contract number) at the top of every page, 第 x 页 / 共 y 页 at the foot."""
    pb = ctx.playbook
    field = next((f for f in form.fields if f.id == form.page_header), None)
    value = pb.field_value(field) if field else ""
    # Without a value yet, a line to write it on.
    top = css_string(ctx.t("labelled", label=field.label, value=value or "＿" * 8)) if field \
        else '""'
    before, _, rest = ctx.t("page-of", page="\0", pages="\1").partition("\0")
    middle, _, after = rest.partition("\1")
    pages = (f"{css_string(before)} counter(page) {css_string(middle)} counter(pages) "
             f"{css_string(after)}")
    return (f"<style data-search-exclude>@media print {{ @page {{ "
            f"@top-left {{ content: {top}; }} @top-right {{ content: {css_string(form.title)}; }} "
            f"@bottom-center {{ content: {pages}; }} }} }}</style>")


def _tags(ctx: Context, form: Form) -> tuple[str, ...]:
    return (next((p.title for p in ctx.playbook.phases if p.id == form.phase), form.phase),)


register(View("form", "form", render, title=lambda ctx, form: form.title, tags=_tags,
              nav="forms", macro="acceptance_form"))
