"""Old ids keep working: a page at each old URL of a renamed phase, role, module or form sends the
reader on, and an old item or module id is an anchor next to the new one (places.py derives
both from the `aliases` of the playbooks)."""

from __future__ import annotations

import html as html_lib
import logging
import re
from pathlib import Path

from ..model import Playbook
from ..places import alias_anchors, redirects, relative_url, url_of
from ..render.common import h
from ..render.redirect import redirect_html

log = logging.getLogger("mkdocs.plugins.luodi")
ID_ATTR = re.compile(r'\sid="([^"]+)"')
# The opening tag of an element with an id, for alias anchors; void elements cannot hold one.
_OPEN_TAG = re.compile(r'<(?P<tag>[a-zA-Z][\w-]*)\b[^<>]*?\sid="(?P<id>[^"]+)"[^<>]*>')
_CELL = re.compile(r"<t[dh]\b[^<>]*>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


class Aliases:
    def __init__(self):
        self.redirects: list[tuple[str, str, str, str]] = []  # old src, new src, title, lang
        self.anchors: dict[str, dict[str, list[str]]] = {}  # playbook → new id → old ids

    def configure(self, playbooks: dict[str, Playbook]) -> None:
        self.redirects = [(old, new, title, pb.language) for pb in playbooks.values()
                          for old, new, title in redirects(pb)]
        self.anchors = {pb.id: alias_anchors(pb) for pb in playbooks.values()}

    def mark(self, html: str, playbook: Playbook | None) -> str:
        """The old ids as anchors next to the new ones: a generated page's playbook's, or every
        playbook's on a hand-written page (which may embed any playbook's checklist)."""
        if playbook is not None:
            aliases = self.anchors.get(playbook.id, {})
        else:
            aliases = {new: old for by_id in self.anchors.values() for new, old in by_id.items()}
        return mark_aliases(html, aliases) if aliases else html

    def write_redirects(self, config) -> None:
        """An HTML page at each old URL that sends the reader on, #fragment included."""
        site = Path(config.site_dir)
        for old_src, new_src, title, lang in self.redirects:
            old_url = url_of(old_src, config.use_directory_urls)
            new_url = url_of(new_src, config.use_directory_urls)
            out = site / (old_url + "index.html" if old_url.endswith("/") else old_url)
            if out.exists():
                log.warning("not writing a redirect from '%s' to '%s': a page is there",
                            old_url, new_url)
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(redirect_html(relative_url(old_url, new_url), title, lang,
                                         config.site_url, new_url), encoding="utf-8")

    def redirected(self, directory_urls: bool) -> dict[str, str]:
        """Old page URL → new page URL."""
        return {url_of(old, directory_urls): url_of(new, directory_urls)
                for old, new, _, _ in self.redirects}


def mark_aliases(html: str, aliases: dict[str, list[str]]) -> str:
    """Put an empty element with each old id inside the element that has the new one (in a
    table row, inside its first cell: a row cannot hold a span)."""
    present = set(ID_ATTR.findall(html))
    out: list[str] = []
    done = 0
    for m in _OPEN_TAG.finditer(html):
        new = html_lib.unescape(m.group("id"))
        olds = [o for o in aliases.get(new, ()) if h(o) not in present]
        tag = m.group("tag").lower()
        if not olds or tag in _VOID:
            continue
        at = m.end()
        if tag == "tr":
            cell = _CELL.search(html, at)
            if cell is None:
                continue
            at = cell.end()
        present.update(h(o) for o in olds)
        out.append(html[done:at])
        out.extend(f'<span class="luodi-alias" id="{h(old)}" data-luodi-alias-of="{h(new)}">'
                   "</span>" for old in olds)
        done = at
    out.append(html[done:])
    return "".join(out)
