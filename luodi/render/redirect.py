"""The page left at the old URL of a renamed phase, role, module or form: it sends the reader on."""

from __future__ import annotations

import json

from .common import h


def redirect_html(target: str, title: str, lang: str, site_url: str | None,
                  target_url: str) -> str:
    """A page that only sends the reader to the new URL: meta refresh, and a script that keeps
    the #fragment (an old anchor there is mapped on the new page). Nothing loaded from elsewhere.
    """
    canonical = (site_url.rstrip("/") + "/" + target_url) if site_url else target
    script_target = json.dumps(target).replace("<", "\\u003c")
    return (
        "<!doctype html>\n"
        f'<html lang="{h(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{h(title)}</title>\n"
        f'<link rel="canonical" href="{h(canonical)}">\n'
        '<meta name="robots" content="noindex">\n'
        f"<script>location.replace({script_target} + location.hash)</script>\n"
        f'<meta http-equiv="refresh" content="0; url={h(target)}">\n'
        "</head>\n<body>\n"
        f'<p><a href="{h(target)}">{h(title)}</a></p>\n'
        "</body>\n</html>\n")
