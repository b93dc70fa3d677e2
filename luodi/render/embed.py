"""The macros for hand-written pages: the same views as the generated pages, embedded anywhere.

Each macro renders through the one renderer of its view, with links relative to the page it is
embedded in. A wrong playbook or object id raises MacroError with a "did you mean" message;
mkdocs-macros (on_error_fail: true) then fails the build instead of publishing the error.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable

from ..diagnostics import did_you_mean
from ..model import Playbook
from ..places import page_path
from . import checklist as checklist_view
from . import course as course_view
from . import form as form_view
from . import kpis, overview, raci, reference, risks, scope
from .common import Context, h


class MacroError(Exception):
    pass


def macro_functions(playbooks: dict[str, Playbook], here: Callable[[], str],
                    directory_urls: bool = True,
                    on_error: Callable[[str, int], None] | None = None
                    ) -> dict[str, Callable[..., str]]:
    """name → function, for mkdocs-macros' env.macro().

    `on_error(message, line)`: where a wrong call is reported instead of raised (the plugin
    fails the build with the page's path and line; mkdocs-macros would print a traceback and
    exit 100). The call then gives '' and the page goes on rendering."""
    functions = _macros(playbooks, here, directory_urls)
    if on_error is None:
        return functions
    return {name: _reporting(function, on_error) for name, function in functions.items()}


def _reporting(function: Callable[..., str], on_error: Callable[[str, int], None]):
    signature = inspect.signature(function)
    usage = f"{function.__name__}({', '.join(signature.parameters)})"

    @functools.wraps(function)
    def call(*args, **kwargs) -> str:
        try:
            signature.bind(*args, **kwargs)
        except TypeError as exc:  # a wrong number or name of arguments in the page
            on_error(f"{usage}: {exc}", _template_line())
            return ""
        try:
            return function(*args, **kwargs)
        except MacroError as exc:
            on_error(str(exc), _template_line())
            return ""
    return call


def _template_line() -> int:
    """The line of the page's template that is calling a macro now (0 if unknown)."""
    frame = sys._getframe(2)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return 0


def _macros(playbooks: dict[str, Playbook], here: Callable[[], str],
            directory_urls: bool) -> dict[str, Callable[..., str]]:

    def context(playbook_id: str, macro: str) -> Context:
        if playbook_id not in playbooks:
            raise MacroError(f"{macro}(): no playbook '{playbook_id}'"
                             f"{did_you_mean(playbook_id, playbooks)}; known: "
                             f"{', '.join(sorted(playbooks))}")
        return Context(playbooks[playbook_id], here(), directory_urls)

    def find(objects, obj_id: str, what: str, macro: str):
        for obj in objects:
            if obj.id == obj_id:
                return obj
        ids = [o.id for o in objects]
        raise MacroError(f"{macro}(): no {what} '{obj_id}'{did_you_mean(obj_id, ids)}")

    def checklist(playbook: str, phase: str) -> str:
        """The checklist of one phase, items grouped by MoSCoW priority."""
        ctx = context(playbook, "checklist")
        return checklist_view.render(ctx, find(ctx.playbook.phases, phase, "phase", "checklist"))

    def role_manual(playbook: str, role: str) -> str:
        """A role's training manual: responsibilities, items across phases, modules."""
        from . import manual
        ctx = context(playbook, "role_manual")
        return manual.render(ctx, find(ctx.playbook.roles, role, "role", "role_manual"))

    def course(playbook: str, module: str) -> str:
        """One training module (course)."""
        ctx = context(playbook, "course")
        pairs = ctx.playbook.modules()
        found = find([m for _, m in pairs], module, "module", "course")
        role = next(r for r, m in pairs if m is found)
        return course_view.render(ctx, role, found)

    def acceptance_form(playbook: str, form: str) -> str:
        """A form, filled from the playbook's variables."""
        ctx = context(playbook, "acceptance_form")
        return form_view.render(ctx, find(ctx.playbook.forms, form, "form", "acceptance_form"))

    def table(view: Callable[[Context], str], name: str) -> Callable[[str], str]:
        def render(playbook: str) -> str:
            return view(context(playbook, name))
        render.__name__ = name
        render.__doc__ = view.__doc__
        return render

    def playbook_list() -> str:
        """Every playbook of the site, with its summary and its role entry points."""
        out = []
        for pb in playbooks.values():
            ctx = Context(pb, here(), directory_urls)
            out.append(f'<h3 id="playbook-{h(pb.id)}"><a href="'
                       f'{ctx.href(page_path(pb, "overview"))}">{h(pb.title)}</a></h3>\n'
                       f"<p>{h(pb.summary)}</p>\n"
                       f'<p><strong>{h(ctx.t("i-am"))}</strong></p>\n'
                       + overview.role_picker(ctx))
        return "\n\n".join(out)

    return {
        "checklist": checklist,
        "role_manual": role_manual,
        "course": course,
        "acceptance_form": acceptance_form,
        "raci_matrix": table(raci.render, "raci_matrix"),
        "kpi_table": table(kpis.render, "kpi_table"),
        "risk_register": table(risks.render, "risk_register"),
        "moscow_scope": table(scope.render, "moscow_scope"),
        "roadmap": table(overview.roadmap, "roadmap"),
        "glossary": table(reference.glossary, "glossary"),
        "pitfalls": table(reference.pitfalls, "pitfalls"),
        "playbook_list": playbook_list,
    }
