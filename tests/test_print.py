"""Printing from the browser gives clean A4 documents (headless Chromium → PDF): forms, handouts
and phase pages."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import ROOT

from luodi.read import load_playbooks

pytestmark = pytest.mark.browser
STANDARD = load_playbooks(ROOT / "playbooks").playbooks["standard"]


def pdf_pages(pdf: bytes, tmp_path) -> list[str]:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed")
    file = tmp_path / "form.pdf"
    file.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(file), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


@pytest.mark.parametrize("form_id", ["acceptance-confirmation", "training-completion"])
def test_form_prints_as_clean_a4_with_whole_signature_blocks(page, site_url, tmp_path, form_id):
    form = STANDARD.form(form_id)
    page.goto(f"{site_url}standard/forms/{form_id}/")
    page.emulate_media(media="print")
    pages = pdf_pages(page.pdf(format="A4", print_background=True), tmp_path)
    assert 1 <= len(pages) <= 4
    text = "\n".join(pages)
    squeezed = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", form.title) in squeezed
    # No site chrome: navigation, search box, footer.
    for chrome in ("格式参考", "Material for MkDocs", "打印本页"):
        assert chrome not in squeezed, chrome
    # Every signature block (caption, name, signature, date) lies on one page.
    for role_id in form.signatories:
        title = re.sub(r"\s+", "", STANDARD.role(role_id).title)
        caption = form.parties.get(role_id, "签字方") + "：" + title
        holders = [p for p in pages if caption in re.sub(r"\s+", "", p)]
        assert holders, f"no signature block for {title}"
        block = re.sub(r"\s+", "", holders[-1]).split(caption, 1)[1]
        assert "姓名" in block and "签字（盖章）" in block and "日期" in block, title


def test_print_font_stack_starts_with_a_cjk_font_that_exists_here():
    """Chromium embeds nameless Type 3 fonts, so check the stack against fontconfig instead."""
    css = (ROOT / "luodi" / "assets" / "luodi.css").read_text(encoding="utf-8")
    first = re.search(r'--luodi-cjk:\s*"([^"]+)"', css).group(1)
    if not shutil.which("fc-match"):
        pytest.skip("fontconfig is not installed")
    found = subprocess.run(["fc-match", "-f", "%{family}", first], capture_output=True,
                           text=True, check=True).stdout
    assert first in found, f"{first} is not installed (apt-get install fonts-noto-cjk): {found}"


def _headings(html: str) -> set[str]:
    """The texts of a page's headings (h1-h4), as pdftotext prints them (no spaces)."""
    import html as html_module

    found = re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html.split("<article", 1)[1], re.S)
    return {re.sub(r"\s+", "", html_module.unescape(re.sub(r"<[^>]+>", "", h))) for h in found}


@pytest.mark.parametrize("path", [*(f"standard/roles/{r.id}/handout/" for r in STANDARD.roles),
                                  "standard/phases/preparation/", "standard/phases/execution/"])
def test_handouts_and_phase_pages_print_without_waste(page, site_url, default_site, tmp_path,
                                                      path):
    """No near-blank page but the last, and no heading alone at the foot of a page."""
    page.goto(site_url + path)
    page.emulate_media(media="print")
    pages = pdf_pages(page.pdf(format="A4"), tmp_path)
    headings = _headings((default_site / path / "index.html").read_text("utf-8"))
    for n, text in enumerate(pages, 1):
        lines = [re.sub(r"\s+", "", line) for line in text.splitlines() if line.strip()]
        if n < len(pages):
            assert len(lines) >= 12, (path, n, lines)
        assert lines and lines[-1] not in headings, (path, n, lines[-1])
