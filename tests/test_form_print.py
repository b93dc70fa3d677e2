"""The 验收确认书 prints like a contract: no criterion twice, blanks to fill in, the contract number
and 第 x 页 / 共 y 页 on every page, a strong title, signatories by party, a print button."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import ROOT, serve

from luodi.read import load_playbooks
from luodi.render.form import css_string

STANDARD = load_playbooks(ROOT / "playbooks").playbooks["standard"]
FORM = "standard/forms/acceptance-confirmation/"


def article(site, path: str) -> str:
    text = (site / path / "index.html").read_text(encoding="utf-8")
    return text.split("<article", 1)[1].split("</article>", 1)[0]


def test_an_exit_criterion_the_form_already_has_is_not_repeated(default_site):
    form = next(f for f in STANDARD.forms if f.id == "acceptance-confirmation")
    exits = STANDARD.phase(form.phase).exit_criteria
    rows = STANDARD.form_criteria(form)
    assert len(rows) == len(form.criteria) + len(exits) - 1
    merged = next(r for r in rows if r[0] == "acc-crit-open-issues-confirmed")
    assert merged[3] == (5,) and exits[4].startswith("遗留问题清单已确认")
    body = article(default_site, FORM)
    table = body.split('id="criteria"', 1)[1].split("</table>", 1)[0]
    assert table.count("遗留问题清单已确认") == 1
    assert '<span id="exit-5"></span>遗留问题清单已确认' in table  # its old anchor stays


def test_signatories_are_labelled_by_party(default_site):
    body = article(default_site, FORM)
    assert "<caption><strong>甲方（客户）</strong>：高层决策者/项目发起人</caption>" in body
    assert "<caption><strong>乙方（实施方）</strong>：项目经理</caption>" in body
    assert "<caption>签字方：第三方顾问</caption>" in body  # no party given


def test_the_printed_form(browser, default_site, tmp_path):
    url, stop = serve(default_site)
    try:
        tab = browser.new_page()
        tab.goto(url + FORM)
        weight = tab.evaluate("getComputedStyle(document.querySelector('article h1')).fontWeight")
        assert int(weight) >= 700
        button = tab.get_by_role("button", name="打印表单")
        assert button.is_visible()
        tab.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
        button.click()
        assert tab.evaluate("window.__printed") == 1
        assert "（待填写）" in tab.locator("#contract-no").inner_text()  # on screen
        tab.emulate_media(media="print")
        tab.pdf(path=str(tmp_path / "form.pdf"), format="A4")
        tab.close()
    finally:
        stop()
    text = subprocess.run(["pdftotext", str(tmp_path / "form.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]
    assert len(pages) >= 2
    for n, page in enumerate(pages, 1):
        assert f"第{n}页/共{len(pages)}页" in page, n
        assert page.startswith("合同编号：＿＿＿＿＿＿＿＿"), page[:40]
    whole = "".join(pages)
    assert "待填写" not in whole and "打印表单" not in whole
    assert "☐通过☐有条件通过☐不通过" in whole


@pytest.mark.parametrize("hostile", ['"; } body { display: none } </style><script>x</script>',
                                     "a\\\n\"'", "合同 No.{1}"])
def test_text_in_the_page_margins_stays_a_css_string(hostile):
    quoted = css_string(hostile)
    inner = quoted[1:-1]
    assert quoted.startswith('"') and quoted.endswith('"')
    assert not re.search(r'["\'<>{};\n]', inner)
    # Every escape stands for one character: the string reads back as the text.
    back = re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m.group(1), 16)), inner)
    assert back == hostile
