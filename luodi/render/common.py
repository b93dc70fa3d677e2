"""What every view shares: how to link (with places.py's paths), and how playbook text is escaped.

Playbook text is data, never markup: every text field goes through `md()` (Markdown context) or
`h()` (HTML context) before it reaches a page, so `<script>`, `[x](javascript:…)`, a leading `#`,
a `|` in a table cell or a `{{ … }}` show literally and never change the page's structure.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache

from ..i18n import label
from ..model import Module, Phase, Playbook
from ..places import page_path, relative_path, relative_url, url_of

# ------------------------------------------------------------------ escaping

# Exactly the characters Python-Markdown unescapes after a backslash, plus '|' (tables); other
# extensions that give characters a meaning (emoji, tilde, caret …) are not enabled in the site.
# '<' and '&' become entities; a line of '=' (a setext heading underline) becomes entities too.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_SETEXT = re.compile(r"^=+$")
# '{' as an entity, in Markdown and in HTML: then no playbook text can hold '{{', '{%' or '{#',
# and a page holds no template even if something renders it as one (pages.page_markdown checks).
_BRACE = "&#123;"


def md(text: str) -> str:
    """Plain text for a Markdown context: one paragraph per blank-line-separated block."""
    if not text:
        return ""
    text = _entities(text)
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    return "\n\n".join("\n".join(_md_line(line) for line in block.splitlines())
                       for block in blocks)


def _md_line(line: str) -> str:
    line = line.strip()
    if _SETEXT.match(line):
        return "&#61;" * len(line)
    return _MD_SPECIAL.sub(r"\\\1", line).replace("\\{", _BRACE)


# md_inline() and h() are remembered: a page shows the same role, phase and label texts many
# times over (at 10x, 2,543 distinct texts in 122,825 calls of md_inline, 10,461 in 292,677 of h).
@lru_cache(maxsize=1 << 16)
def md_inline(text: str) -> str:
    """Plain text on one line (headings, list items, table cells): md() of one line."""
    return _md_line(_entities(" ".join(text.split())))


def _entities(text: str) -> str:
    """'&' and '<' as entities: Markdown passes raw HTML through, entities print as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def h(text) -> str:
    """Plain text for an HTML context."""
    return _html_text(text if type(text) is str else str(text))


@lru_cache(maxsize=1 << 16)
def _html_text(text: str) -> str:
    return html.escape(text, quote=True).replace("{", _BRACE)


# ------------------------------------------------------------------ pages and links




@dataclass(frozen=True)
class Context:
    """Where a view is being rendered: which playbook, on which page, with which URL style."""

    playbook: Playbook
    here: str  # source path of the page being written, e.g. "standard/phases/preparation.md"
    directory_urls: bool = True
    # Links in raw HTML: "url", relative to the page's URL (mkdocs rewrites no link in HTML), or
    # "source", like Markdown links, relative to the page's file (Zensical rewrites them all).
    html_links: str = "url"

    def t(self, key: str, **values) -> str:
        return label(self.playbook.language, key, **values)

    # Punctuation belongs to the language too: 负责人：项目经理、测试人员 / Owner: PM, Tester.
    def fact(self, key: str, value: str) -> str:
        """'**Label**：value' in Markdown; value is Markdown already."""
        return self.t("labelled", label=f"**{md_inline(self.t(key))}**", value=value)

    def fact_html(self, key: str, value: str) -> str:
        """'Label：value' in HTML; value is HTML already."""
        return self.t("labelled", label=h(self.t(key)), value=value)

    def join(self, values) -> str:
        return self.t("list-separator").join(values)

    def paren(self, value: str) -> str:
        return self.t("parenthesized", value=value)

    def path(self, kind: str, obj_id: str = "") -> str:
        return page_path(self.playbook, kind, obj_id)

    def md_link(self, target_src: str, anchor: str = "") -> str:
        """A relative .md link for Markdown: mkdocs checks it and rewrites it."""
        if target_src == self.here:
            return f"#{anchor}" if anchor else "#"
        rel = relative_path(target_src, posixpath.dirname(self.here))
        return rel + (f"#{anchor}" if anchor else "")

    def href(self, target_src: str, anchor: str = "") -> str:
        """A relative URL for raw HTML, where mkdocs rewrites nothing (see html_links)."""
        if self.html_links == "source":
            return h(self.md_link(target_src, anchor))
        here_url = url_of(self.here, self.directory_urls)
        target = url_of(target_src, self.directory_urls)
        if target == here_url and anchor:
            return f"#{anchor}"
        return h(relative_url(here_url, target) + (f"#{anchor}" if anchor else ""))

    def downloads_md(self, page_kind: str, obj=None) -> str:
        """The downloads a page of this kind links, each saved under a name that carries the
        playbook (exports.download_name), not opened in the tab."""
        from ..exports import page_links  # the exports import this module's

        return self.join(self.download_md(self.t(key), path)
                         for key, path in page_links(self.playbook, page_kind, obj))

    def download_md(self, text: str, path: str) -> str:
        """A link that saves a download (the site's path) under a name with the playbook's id."""
        from ..exports import download_name

        return (f"[{md_inline(text)}]({self.md_link(path)})"
                f'{{: download="{h(download_name(self.playbook, path))}" }}')

    # links to objects, as Markdown and as HTML
    def role_md(self, role_id: str) -> str:
        role = self.playbook.index["role"].get(role_id)
        title = md_inline(role.title) if role else md_inline(role_id)
        return f"[{title}]({self.md_link(self.path('role', role_id))})"

    def role_html(self, role_id: str) -> str:
        role = self.playbook.index["role"].get(role_id)
        title = role.title if role else role_id
        return f'<a href="{self.href(self.path("role", role_id))}">{h(title)}</a>'

    def module_md(self, module_id: str) -> str:
        found = self.playbook.index["module"].get(module_id)
        title = md_inline(found[1].title) if found else md_inline(module_id)
        return f"[{title}]({self.md_link(self.path('module', module_id))})"

    def item_md(self, item_id: str) -> str:
        found = self.playbook.index["item"].get(item_id)
        if found is None:
            return md_inline(item_id)
        phase, item = found
        return f"[{md_inline(item.title)}]({self.md_link(self.path('phase', phase.id), item.id)})"

    def item_html(self, phase: Phase, item) -> str:
        return (f'<a href="{self.href(self.path("phase", phase.id), item.id)}">'
                f"{h(item.title)}</a>")

    def phase_md(self, phase_id: str) -> str:
        phase = self.playbook.index["phase"].get(phase_id)
        title = md_inline(phase.title) if phase else md_inline(phase_id)
        return f"[{title}]({self.md_link(self.path('phase', phase_id))})"

    def kpi_md(self, kpi_id: str) -> str:
        kpi = self.playbook.index["kpi"].get(kpi_id)
        title = md_inline(kpi.name) if kpi else md_inline(kpi_id)
        return f"[{title}]({self.md_link(self.path('kpis'), kpi_id)})"


def heading(level: int, text: str, anchor: str, classes: str = "") -> str:
    """A Markdown heading whose id is the object's id (never a positional slug)."""
    attrs = f"#{anchor}" + (f" .{classes}" if classes else "")
    return f"{'#' * level} {md_inline(text)} {{ {attrs} }}"


def drift_notice(ctx: Context, obj) -> str:
    """A warning on a fork's page where the parent changed under an override (overlay.py)."""
    if not getattr(obj, "drift", ()):
        return ""
    title = ctx.t("drift-title").replace('"', "'")
    return f'!!! warning "{title}"\n\n' + "\n\n".join(f"    {md_inline(note)}"
                                                      for note in obj.drift)


def bullet_list(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def fork_badge(ctx: Context, obj_id: str) -> str:
    """On a fork's pages, what the fork added (本项目新增) or changed (本项目修改); '' else."""
    change = ctx.playbook.changes.get(obj_id)
    if not change:
        return ""
    return (f' <span class="luodi-fork-badge luodi-fork-{change}" data-search-exclude>'
            f'{h(ctx.t("fork-" + change))}</span>')


def priority_badge(ctx: Context, priority: str) -> str:
    return (f'<span class="luodi-badge luodi-priority-{priority}">'
            f"{h(ctx.t(priority))}</span>")


def modules_in_order(modules: list[Module]) -> list[Module]:
    """Modules sorted so that each comes after its prerequisites (stable otherwise). A walk with
    a stack of its own: a long chain of prerequisites must not exhaust Python's."""
    by_id = {m.id: m for m in modules}
    done: list[Module] = []
    seen: set[str] = set()
    for module in modules:
        if module.id in seen:
            continue
        seen.add(module.id)
        stack = [(module, iter(module.prerequisites))]
        while stack:
            current, prerequisites = stack[-1]
            prerequisite = next((p for p in prerequisites if p in by_id and p not in seen), None)
            if prerequisite is None:
                done.append(current)
                stack.pop()
                continue
            seen.add(prerequisite)
            stack.append((by_id[prerequisite], iter(by_id[prerequisite].prerequisites)))
    return done
