"""Finding your way: each group of a playbook's pages has an index page (phases, roles, the
training catalogue, forms), first in its nav group; a playbook without KPIs, risks, pitfalls,
cases or glossary has no empty page for them."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import FIXTURES, ROOT, build_site, make_project

from luodi.read import load_playbooks

STANDARD = load_playbooks(ROOT / "playbooks").playbooks["standard"]


def article(site, path: str) -> str:
    text = (site / path / "index.html").read_text(encoding="utf-8")
    return text.split("<article", 1)[1].split("</article>", 1)[0]


def rows(body: str) -> list[str]:
    return re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)


def test_the_training_catalogue_lists_every_module_by_role_format_duration(default_site):
    body = article(default_site, "standard/training")
    modules = list(STANDARD.modules())
    assert len(rows(body)) == len(modules)
    for (role, module), row in zip(modules, rows(body), strict=True):
        assert f'href="{module.id}/"' in row and f'href="../roles/{role.id}/"' in row
        assert f"{module.duration} 分钟" in row
        for prerequisite in module.prerequisites:
            assert f'href="{prerequisite}/"' in row
    hours = round(sum(m.duration for _, m in modules) / 60, 1)
    assert f"全部 {len(modules)} 门课程，合计约 {hours} 小时" in body


@pytest.mark.parametrize(("path", "count", "link"), [
    ("standard/phases", lambda pb: len(pb.phases), lambda pb, n: f'href="{pb.phases[n].id}/"'),
    ("standard/roles", lambda pb: len(pb.roles), lambda pb, n: f'href="{pb.roles[n].id}/"'),
    ("standard/forms", lambda pb: len(pb.forms), lambda pb, n: f'href="{pb.forms[n].id}/"'),
])
def test_each_group_has_an_index_page(default_site, path, count, link):
    body = article(default_site, path)
    found = rows(body)
    assert len(found) == count(STANDARD)
    for n, row in enumerate(found):
        assert link(STANDARD, n) in row


def test_forms_index_links_each_word_file_and_roles_index_each_handout(default_site):
    forms = article(default_site, "standard/forms")
    for form in STANDARD.forms:
        assert f'href="../downloads/forms/{form.id}.docx"' in forms
    roles = article(default_site, "standard/roles")
    for role in STANDARD.roles:
        assert f'href="{role.id}/handout/"' in roles


def test_the_index_pages_open_their_nav_groups(default_site):
    nav = (default_site / "standard" / "index.html").read_text("utf-8").split("<article")[0]
    for group in ("phases", "roles", "training", "forms"):
        assert re.search(rf'<a href="{group}/" class="md-nav__link[^"]*"', nav), group


@pytest.fixture(scope="module")
def bare_site(tmp_path_factory):
    """The sample playbook without KPIs, risks, pitfalls, cases or glossary."""
    root = tmp_path_factory.mktemp("bare")
    playbooks = root / "playbooks"
    shutil.copytree(FIXTURES / "sample", playbooks / "sample")
    main = playbooks / "sample" / "playbook.yaml"
    kept = main.read_text("utf-8").split("\nkpis:", 1)[0]
    main.write_text(kept.replace("    kpis: [approval-cycle]\n", "") + "\n", encoding="utf-8")
    result = load_playbooks(playbooks)
    assert result.ok, [d.format() for d in result.diagnostics]
    site = root / "site"
    done = build_site(make_project(root / "p", playbooks), site)
    assert done.returncode == 0, done.stderr
    return site


@pytest.mark.parametrize("kind", ["kpis", "risks", "pitfalls", "cases", "glossary"])
def test_a_playbook_without_them_has_no_empty_page(bare_site, kind):
    assert not (bare_site / "sample" / kind).exists()
    overview = (bare_site / "sample" / "index.html").read_text("utf-8")
    assert f'href="{kind}/"' not in overview
    assert (bare_site / "sample" / "raci" / "index.html").exists()  # it has items


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_the_roadmap_is_compact(browser, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto(site_url + "standard/")
    box = tab.evaluate("""() => { const r = document.querySelector('ol.luodi-roadmap')
        .getBoundingClientRect(); return [r.height, document.querySelectorAll(
        'ol.luodi-roadmap > li').length]; }""")
    context.close()
    height, steps = box
    assert steps == len(STANDARD.phases)
    # A line or two per step on a phone, three steps a row on a wide screen.
    assert height / steps <= 70 if width == 390 else height <= -(-steps // 3) * 100, box


def test_item_topics_are_links_and_priority_words_are_not_page_tags(default_site):
    phase = STANDARD.phase("preparation")
    item = next(i for i in phase.checklist if i.tags)
    body = article(default_site, "standard/phases/preparation")
    block = body.split(f'id="{item.id}"', 1)[1].split("luodi-item-block", 1)[0]
    for tag in item.tags:
        anchor = "topic-" + "-".join(re.findall(r"\w+", tag.lower()))
        assert f'href="../../topics/#{anchor}">{tag}</a>' in block
        topics = article(default_site, "standard/topics")
        section = topics.split(f'id="{anchor}"', 1)[1].split("<h2", 1)[0]
        assert f'href="../phases/preparation/#{item.id}"' in section
    page = (default_site / "standard/phases/preparation/index.html").read_text("utf-8")
    tags = re.findall(r'class="md-tag[^"]*"[^>]*>([^<]+)<', page.split("<article", 1)[1])
    assert phase.title in tags
    for word in ("必须", "应该", "可以", "本期不做"):
        assert word not in tags


def test_a_hostile_tag_stays_in_its_heading(tmp_path):
    playbooks = tmp_path / "playbooks"
    shutil.copytree(FIXTURES / "sample", playbooks / "sample")
    phase = playbooks / "sample" / "phases" / "prep.yaml"
    phase.write_text(phase.read_text("utf-8").replace("tags: [团队]",
                     'tags: ["团队 } {#evil .x}", "<b>粗</b>"]'), encoding="utf-8")
    site = tmp_path / "site"
    done = build_site(make_project(tmp_path / "p", playbooks), site)
    assert done.returncode == 0, done.stderr
    topics = (site / "sample" / "topics" / "index.html").read_text("utf-8")
    assert 'id="evil"' not in topics and "<b>粗</b>" not in topics
    assert "团队 } &#123;#evil .x}" in topics and "&lt;b&gt;粗&lt;/b&gt;" in topics
