"""The macros for hand-written pages: the same views as the generated pages, embedded anywhere.

Each view that names a macro (views.py) gets one: it renders through the one renderer of its
view, with links relative to the page it is embedded in. Two more are not pages of their own:
roadmap() and playbook_list(). A wrong playbook or object id raises MacroError with a "did you mean" message;
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
from . import overview, tags
from .common import Context, h
from .pages import PageSpec, page_body
from .views import SCOPES, VIEWS, View, object_id


class MacroError(Exception):
    pass


def macro_functions(playbooks: dict[str, Playbook], here: Callable[[], str],
                    directory_urls: bool = True,
                    on_error: Callable[[str, int], None] | None = None,
                    html_links: str = "url",
                    page_text: Callable[[str], str | None] | None = None,
                    ) -> dict[str, Callable[..., str]]:
    """name → function, for mkdocs-macros' env.macro().

    `page_text(src)`: the Markdown a generated page was written with, where the build has it
    (the plugin's); otherwise tag_index() renders the pages it compares.

    `on_error(message, line)`: where a wrong call is reported instead of raised (the plugin
    fails the build with the page's path and line; mkdocs-macros would print a traceback and
    exit 100). The call then gives '' and the page goes on rendering."""
    functions = _macros(playbooks, here, directory_urls, html_links, page_text)
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
            directory_urls: bool, html_links: str,
            page_text: Callable[[str], str | None] | None) -> dict[str, Callable[..., str]]:

    def context(playbook_id: str, macro: str) -> Context:
        if playbook_id not in playbooks:
            raise MacroError(f"{macro}(): no playbook '{playbook_id}'"
                             f"{did_you_mean(playbook_id, playbooks)}; known: "
                             f"{', '.join(sorted(playbooks))}")
        return Context(playbooks[playbook_id], here(), directory_urls, html_links)

    def view_macro(view: View) -> Callable[..., str]:
        """macro(playbook) for a playbook's page, macro(playbook, <scope>) for a page per
        phase, role, module or form: the view's rendering, linked from the page it is in."""
        params = ["playbook"] + ([] if view.scope == "playbook" else [view.scope])
        signature = inspect.Signature([inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                                       for p in params])
        show = view.embed or view.render

        def macro(*args, **kwargs) -> str:
            values = signature.bind(*args, **kwargs).arguments
            ctx = context(values["playbook"], view.macro)
            if view.scope == "playbook":
                return show(ctx, None)
            objects = SCOPES[view.scope](ctx.playbook)
            wanted = values[view.scope]
            found = next((o for o in objects if object_id(o) == wanted), None)
            if found is None:
                ids = [object_id(o) for o in objects]
                raise MacroError(f"{view.macro}(): no {view.scope} '{wanted}'"
                                 f"{did_you_mean(wanted, ids)}")
            return show(ctx, found)

        macro.__name__ = view.macro
        macro.__signature__ = signature
        macro.__doc__ = (sys.modules[show.__module__].__doc__ or "").strip().splitlines()[0]
        return macro

    def roadmap(playbook: str) -> str:
        """The phases of a playbook as a row of steps."""
        return overview.roadmap(context(playbook, "roadmap"))

    def playbook_list() -> str:
        """Every playbook of the site on a few lines: its title, what it extends, its summary
        and the way into its phases, roles, training, forms and project status."""
        out = ['<ul class="luodi-playbook-list">']
        for pb in playbooks.values():
            ctx = Context(pb, here(), directory_urls, html_links)
            base = playbooks.get(pb.extends)
            extends = (f' <span class="luodi-playbook-base">{h(ctx.t("extends", parent=base.title))}'
                       "</span>" if base else "")
            out.append(f'<li id="playbook-{h(pb.id)}"><a class="luodi-playbook-title" href="'
                       f'{ctx.href(page_path(pb, "overview"))}">{h(pb.title)}</a>{extends}'
                       f'<br><span class="luodi-playbook-summary">{h(pb.summary)}</span>'
                       f'<br><span class="luodi-playbook-links">{overview.entry_links(ctx)}'
                       "</span></li>")
        out.append("</ul>")
        return "\n".join(out)

    def front_door() -> str:
        """Where each reader starts: an employee looking something up, a trainer, a team
        starting a project of its own (the site's first playbook that extends none)."""
        pb = next((p for p in playbooks.values() if not p.extends), None)
        if pb is None:
            return ""
        return overview.front_door(Context(pb, here(), directory_urls, html_links))

    def tag_index() -> str:
        """Every playbook's pages by tag, grouped by playbook; a page a fork inherits unchanged
        once, with the playbooks that hold it."""
        def body_of(pb: Playbook, spec: PageSpec) -> str:
            text = page_text(spec.src) if page_text else None
            return text if text is not None else page_body(spec, pb, directory_urls, html_links)

        return tags.tag_index(playbooks, lambda pb: Context(pb, here(), directory_urls,
                                                            html_links), body_of)

    functions = {view.macro: view_macro(view) for view in VIEWS.values() if view.macro}
    return {**functions, "roadmap": roadmap, "playbook_list": playbook_list,
            "front_door": front_door, "tag_index": tag_index}
