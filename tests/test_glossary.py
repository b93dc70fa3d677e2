"""The glossary in pinyin order, syllable by syllable, with a line of letters to jump to and
short entries."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from luodi.read import load_playbooks
from luodi.text import spelled

STANDARD = load_playbooks(ROOT / "playbooks").playbooks["standard"]


def test_spelled_sorts_syllable_by_syllable():
    assert spelled("闭环管理") < spelled("变革管理") < spelled("标准化操作文档")
    assert spelled("验收确认书").startswith("yan shou")
    assert spelled("MoSCoW 法").startswith("moscow")


def test_terms_are_in_pinyin_order_under_their_letters(default_site):
    text = (default_site / "standard/glossary/index.html").read_text("utf-8")
    body = text.split("<article", 1)[1]
    ids = re.findall(r'<h3 class="luodi-term" id="([^"]+)"', body)
    by_id = {t.id: t for t in STANDARD.glossary}
    assert sorted(ids) == sorted(by_id)
    keys = [spelled(by_id[i].term) for i in ids]
    assert keys == sorted(keys)
    assert ids.index(next(t.id for t in STANDARD.glossary if t.term == "验收确认书")) > len(ids) // 2
    letters = re.findall(r'<a href="#letter-([a-z]+)">', body.split('class="luodi-letters"', 1)[1]
                         .split("</p>", 1)[0])
    for letter in letters:
        section = body.split(f'id="letter-{letter}"', 1)[1].split('class="luodi-letter"', 1)[0]
        for term_id in re.findall(r'<h3 class="luodi-term" id="([^"]+)"', section):
            assert spelled(by_id[term_id].term).startswith(letter), term_id


@pytest.mark.browser
def test_the_glossary_is_compact(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(site_url + "standard/glossary/")
    height = tab.evaluate("document.querySelector('article').getBoundingClientRect().height")
    context.close()
    assert height / len(STANDARD.glossary) < 130, height  # was 7,800 px for 35 terms
