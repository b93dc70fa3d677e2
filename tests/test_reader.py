"""Readers and trainers, without a browser: role entry points, handouts, the reader assets on
every page, and renamed ids (aliases, redirect pages, the warning for a vanished anchor)."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, build_site, make_project, with_luodi_options

from luodi.i18n import CATALOG
from luodi.read import load_playbooks
from luodi.render.common import modules_in_order

STANDARD = load_playbooks(ROOT / "playbooks").playbooks["standard"]
ID_ATTR = re.compile(r'\sid="([^"]*)"')


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def content(text: str) -> str:
    """The page's article, without the theme's nav and toc."""
    return text.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>")[0]


def ids(text: str) -> list[str]:
    return [html.unescape(i) for i in ID_ATTR.findall(text)]


def hrefs(text: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'\shref="([^"]*)"', text)]


# ---------------------------------------------------------------- role entry points


def test_overview_role_picker_leads_to_every_role_page(default_site):
    text = page(default_site, "standard")
    picker = re.search(r'<ul class="luodi-role-picker">(.*?)</ul>', text, re.S).group(1)
    assert hrefs(picker) == [f"roles/{r.id}/" for r in STANDARD.roles]
    for role in STANDARD.roles:
        assert html.escape(role.title, quote=False) in picker
        assert (default_site / "standard" / "roles" / role.id / "index.html").is_file()


def test_home_page_has_a_door_per_reader_and_lists_playbooks_compactly(default_site):
    text = content((default_site / "index.html").read_text(encoding="utf-8"))
    doors = re.findall(r'<p class="luodi-door-title">([^<]+)</p>', text)
    assert doors == ["查资料、做事情", "培训讲师", "新项目团队"]
    door = text.split('class="luodi-doors"', 1)[1]
    for role in STANDARD.roles:  # every role is a way in, as a link, not a card
        assert f'href="standard/roles/{role.id}/"' in door
    assert 'href="standard/training/"' in door and 'href="guide/forking/"' in door
    assert "luodi-role-picker" not in text
    assert 'id="playbook-standard"' in text and 'href="standard/"' in text
    crm = text.split('id="playbook-crm-rollout"', 1)[1].split("</li>", 1)[0]
    assert "（基于《软件实施工作思路和方案》）" in crm
    assert hrefs(crm.split('class="luodi-playbook-links"', 1)[1]) == [
        "crm-rollout/phases/", "crm-rollout/roles/", "crm-rollout/training/",
        "crm-rollout/forms/", "crm-rollout/status/"]


@pytest.mark.parametrize("role", STANDARD.roles, ids=lambda r: r.id)
def test_role_page_lists_its_items_by_phase_and_its_courses_in_prerequisite_order(
        default_site, role):
    text = content(page(default_site, f"standard/roles/{role.id}"))
    # Items: every item where the role has a part, in roadmap order: first its own work (it
    # executes or approves: R or A; Won't items are not work), then, folded away, the rest.
    found = re.findall(r'<li class="luodi-role-item" id="([^"]+)">', text)

    def own(item) -> bool:
        letters = item.raci_letters(role.id)
        return ("R" in letters or "A" in letters) and item.priority != "wont"

    items = [i for p in STANDARD.phases for i in p.checklist if i.raci_letters(role.id)]
    assert found == [i.id for i in items if own(i)] + [i.id for i in items if not own(i)]
    others = text.split('id="other-items"', 1)[1] if 'id="other-items"' in text else ""
    assert set(re.findall(r'<li class="luodi-role-item" id="([^"]+)">', others)) == {
        i.id for i in items if not own(i)}
    for phase in STANDARD.phases:
        mine = [i for i in phase.checklist if i.raci_letters(role.id)]
        assert (f'id="phase-{phase.id}"' in text) == bool(mine)
        for item in mine:  # each links to its anchor on the phase page
            assert f'href="../../phases/{phase.id}/#{item.id}"' in text
    # Courses: in prerequisite order, each linked to its course page.
    order = [m.id for m in modules_in_order(role.modules)]
    modules = text.split('id="modules"', 1)[1]
    assert re.findall(r'<span id="([^"]+)"></span><a href="\.\./\.\./training/\1/"',
                      modules) == order
    for module in role.modules:
        position = {m: n for n, m in enumerate(order)}
        assert all(position[p] < position[module.id] for p in module.prerequisites
                   if p in position)


def test_course_page_shows_what_a_trainer_needs(default_site):
    role, module = next((r, m) for r, m in STANDARD.modules() if m.prerequisites and m.exercises)
    text = content(page(default_site, f"standard/training/{module.id}"))
    t = CATALOG["zh"]
    for key in ("for-role", "format", "duration", "prerequisites", "objectives", "exercises"):
        assert t[key] in text, key
    assert t["format-" + module.format] in text
    assert t["minutes"].format(n=module.duration) in text
    for prerequisite in module.prerequisites:
        assert f'href="../{prerequisite}/"' in text
    assert {lesson.id for lesson in module.lessons} <= set(ids(text))
    assert f'href="../../roles/{role.id}/"' in text


# ---------------------------------------------------------------- handouts


def test_each_role_has_a_handout_linked_from_its_page(default_site):
    for role in STANDARD.roles:
        role_page = content(page(default_site, f"standard/roles/{role.id}"))
        assert '<p class="luodi-handout-link" data-search-exclude><a href="handout/">' in role_page
        assert (default_site / "standard" / "roles" / role.id / "handout" / "index.html").is_file()


@pytest.mark.parametrize("role", STANDARD.roles, ids=lambda r: r.id)
def test_handout_holds_the_manual_and_every_course_in_full(default_site, role):
    text = content(page(default_site, f"standard/roles/{role.id}/handout"))
    role_page = content(page(default_site, f"standard/roles/{role.id}"))
    found = ids(text)
    duplicates = [i for i, n in Counter(found).items() if n > 1]
    assert duplicates == []
    # The manual: responsibilities and the same items as the role page.
    for responsibility in role.responsibilities:
        assert html.escape(responsibility, quote=False) in text
    items = re.findall(r'<li class="luodi-role-item" id="([^"]+)">', text)
    assert items == re.findall(r'<li class="luodi-role-item" id="([^"]+)">', role_page)
    # Every course, in prerequisite order, with its objectives, lessons and exercises.
    chapters = re.findall(r'<h2 class="luodi-handout-course" id="course-([^"]+)"', text)
    assert chapters == [m.id for m in modules_in_order(role.modules)]
    for module in role.modules:
        chapter = text.split(f'id="course-{module.id}"', 1)[1].split('class="luodi-handout-course"')[0]
        assert {f"{module.id}-objectives"} <= set(ids(chapter))
        for objective in module.objectives:
            assert html.escape(objective, quote=False) in chapter
        for lesson in module.lessons:
            assert f'<h4 class="luodi-lesson" id="{lesson.id}"' in chapter
            if lesson.detail:
                assert html.escape(lesson.detail.split("\n")[0].strip()[:20], quote=False) in chapter
        for exercise in module.exercises:
            assert html.escape(exercise, quote=False) in chapter


def test_handouts_stay_out_of_search_and_nav(default_site):
    index = json.loads((default_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in index["docs"] if "/handout/" in d["location"]]
    nav = (default_site / "standard" / "index.html").read_text(encoding="utf-8")
    assert "handout/" not in nav.split('<article')[0]


# ---------------------------------------------------------------- assets and page markers


def test_every_page_loads_the_reader_assets(default_site):
    for file in default_site.rglob("*.html"):
        text = file.read_text(encoding="utf-8")
        if "<html" not in text or 'http-equiv="refresh"' in text:
            continue
        for asset in ("luodi-labels.js", "luodi-reader.js"):
            assert re.search(rf'<script src="[^"]*assets/luodi/{asset}">', text), (file, asset)
        assert re.search(r'<link rel="stylesheet" href="[^"]*assets/luodi/luodi-reader\.css">',
                         text), file
    assets = default_site / "assets" / "luodi"
    assert (assets / "luodi-reader.js").read_bytes() == (
        ROOT / "luodi" / "assets" / "luodi-reader.js").read_bytes()


def test_labels_for_the_browser_exist_in_every_language(default_site):
    text = (default_site / "assets" / "luodi" / "luodi-labels.js").read_text(encoding="utf-8")
    labels = json.loads(text.split("window.luodiLabels = ", 1)[1].split(";\n", 1)[0])
    assert set(labels) == set(CATALOG)
    # The id pattern comes from the model, not from a copy in the script.
    from luodi.model import ID_PATTERN

    pattern = json.loads(text.split("window.luodiIdPattern = ", 1)[1].split(";\n", 1)[0])
    assert pattern == ID_PATTERN
    assert "[a-z0-9]+(?:-" not in (ROOT / "luodi" / "assets" / "luodi-reader.js").read_text()
    assert set(labels["zh"]) == set(labels["en"]) and "reader-progress-all" in labels["zh"]
    used = set(re.findall(r'L\["(reader-[a-z-]+)"\]',
                          (ROOT / "luodi" / "assets" / "luodi-reader.js").read_text()))
    assert used and used <= set(labels["zh"])


@pytest.mark.parametrize("url, kind", [("standard/phases/preparation", "phase"),
                                       ("standard/roles/trainer", "role"),
                                       ("standard/roles/trainer/handout", "handout"),
                                       ("standard/forms/acceptance-confirmation", "form")])
def test_generated_pages_say_which_playbook_they_belong_to(default_site, url, kind):
    marker = re.search(r'<div class="luodi-page" hidden ([^>]*)></div>', page(default_site, url))
    assert marker, url
    assert f'data-luodi-playbook="standard" data-luodi-kind="{kind}"' in marker.group(1)
    assert 'data-luodi-lang="zh"' in marker.group(1)
    hand_written = (default_site / "index.html").read_text(encoding="utf-8")
    assert 'class="luodi-page"' not in hand_written


def test_shipped_css_keeps_badges_and_messages_readable():
    """WCAG AA: text on badges and our message colours have at least 4.5:1 contrast."""
    def luminance(colour: str) -> float:
        rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def ratio(a: str, b: str) -> float:
        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    css = (ROOT / "luodi" / "assets" / "luodi.css").read_text(encoding="utf-8")
    for name in ("must", "should", "could", "wont"):
        colour = re.search(rf"--luodi-{name}: (#[0-9a-fA-F]{{6}});", css).group(1)
        assert ratio(colour, "#ffffff") >= 4.5, (name, colour)
    reader = (ROOT / "luodi" / "assets" / "luodi-reader.css").read_text(encoding="utf-8")
    error = re.search(r"\.luodi-error \{ color: (#[0-9a-f]{6})", reader).group(1)
    assert ratio(error, "#ffffff") >= 4.5


# ---------------------------------------------------------------- renamed ids


def rename_sample(playbooks: Path, *, item: bool = True, module: bool = False,
                  phase: bool = False, alias: bool = True) -> None:
    """Rename ids in a copy of the sample playbook, with or without `aliases: [old-id]`:
    item prep-team → prep-core-team, module pm-basics → pm-foundations, phase prep → preparation.
    """
    root = playbooks / "sample"

    def edit(rel: str, *subs: tuple[str, str]) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        for pattern, replacement in subs:
            text, n = re.subn(pattern, replacement, text, flags=re.M)
            assert n, (rel, pattern)
        path.write_text(text, encoding="utf-8")

    if item:
        edit("phases/prep.yaml", (r"^  - id: prep-team$", "  - id: prep-core-team"
                                  + ("\n    aliases: [prep-team]" if alias else "")))
    if module:
        edit("roles/pm.yaml", (r"^  - id: pm-basics$", "  - id: pm-foundations"
                               + ("\n    aliases: [pm-basics]" if alias else "")))
        edit("phases/prep.yaml", (r"modules: \[pm-basics\]", "modules: [pm-foundations]"))
        edit("roles/trainer.yaml", (r"prerequisites: \[pm-basics\]",
                                    "prerequisites: [pm-foundations]"))
    if phase:
        edit("phases/prep.yaml", (r"^id: prep$", "id: preparation"
                                  + ("\naliases: [prep]" if alias else "")))
        (root / "phases" / "prep.yaml").rename(root / "phases" / "preparation.yaml")
        edit("playbook.yaml", (r"^    phase: prep$", "    phase: preparation"))


@pytest.fixture
def sample_project(tmp_path) -> Path:
    return make_project(tmp_path / "p", FIXTURES)


def test_renaming_a_title_never_fails_a_strict_build(sample_project, tmp_path):
    """A title's anchor (the theme makes one of the text) is not one of Luodi's: links use ids."""
    site = tmp_path / "site"
    assert build_site(sample_project, site).returncode == 0
    listed = json.loads((site / "anchors.json").read_text("utf-8"))["pages"]
    assert "准备阶段" not in listed["sample/phases/prep/"]  # the h1's, made of the title
    assert "prep-team" in listed["sample/phases/prep/"]
    phase = sample_project / "playbooks" / "sample" / "phases" / "prep.yaml"
    phase.write_text(phase.read_text("utf-8").replace("title: 准备阶段", "title: 项目准备", 1),
                     encoding="utf-8")
    item = sample_project / "playbooks" / "sample" / "phases" / "prep.yaml"
    item.write_text(item.read_text("utf-8").replace("title: 组建项目团队", "title: 组建团队", 1),
                    encoding="utf-8")
    done = build_site(sample_project, site)
    assert done.returncode == 0, done.stderr
    assert "is gone" not in done.stderr


def test_removed_anchor_warns_and_fails_strict_until_an_alias_keeps_it(sample_project, tmp_path):
    site = tmp_path / "site"
    assert build_site(sample_project, site).returncode == 0
    playbooks = sample_project / "playbooks"
    backup = tmp_path / "backup"
    shutil.copytree(playbooks, backup)

    rename_sample(playbooks, alias=False)
    done = build_site(sample_project, site)
    assert done.returncode == 1
    assert ("anchor '#prep-team' of page 'sample/phases/prep/' is gone since the previous "
            "build") in done.stderr
    assert "anchor '#prep-team' of page 'sample/roles/pm/' is gone" in done.stderr
    assert "Aborted with" in done.stdout + done.stderr
    # The failed build kept the previous list: building again fails the same way.
    again = build_site(sample_project, site)
    assert again.returncode == 1 and "'#prep-team'" in again.stderr

    shutil.rmtree(playbooks)
    shutil.copytree(backup, playbooks)
    rename_sample(playbooks, alias=True)
    done = build_site(sample_project, site)
    assert done.returncode == 0, done.stderr
    assert "is gone" not in done.stderr
    # The old anchor is still there, inside the renamed item, on the phase and the role page.
    phase = page(site, "sample/phases/prep")
    assert re.search(r'<h4 class="luodi-item" id="prep-core-team"><span class="luodi-alias" '
                     r'id="prep-team" data-luodi-alias-of="prep-core-team"></span>', phase)
    assert re.search(r'<li class="luodi-role-item" id="prep-core-team"><span class="luodi-alias" '
                     r'id="prep-team" data-luodi-alias-of="prep-core-team"></span>',
                     page(site, "sample/roles/pm"))
    anchors = json.loads((site / "anchors.json").read_text(encoding="utf-8"))["pages"]
    assert {"prep-team", "prep-core-team"} <= set(anchors["sample/phases/prep/"])


def test_renamed_pages_leave_redirects_behind(renamed_sample_site):
    site, done = renamed_sample_site
    assert done.returncode == 0, done.stderr
    assert "is gone" not in done.stderr
    old_phase = page(site, "sample/phases/prep")
    assert '<meta http-equiv="refresh" content="0; url=../preparation/">' in old_phase
    assert '<link rel="canonical" href="../preparation/">' in old_phase
    assert 'location.replace("../preparation/" + location.hash)' in old_phase
    assert not re.search(r'(src|href)="(https?:)?//', old_phase)
    assert 'id="prep-team"' in page(site, "sample/phases/preparation")
    old_module = page(site, "sample/training/pm-basics")
    assert '<meta http-equiv="refresh" content="0; url=../pm-foundations/">' in old_module
    # The module's old anchor on the role page.
    assert re.search(r'<span id="pm-foundations"><span class="luodi-alias" id="pm-basics" '
                     r'data-luodi-alias-of="pm-foundations"></span></span>',
                     page(site, "sample/roles/pm"))


def test_anchors_baseline_option_names_a_removed_page(sample_project, tmp_path):
    first = tmp_path / "first"
    assert build_site(sample_project, first).returncode == 0
    shutil.copy(first / "anchors.json", sample_project / "published-anchors.json")
    config = sample_project / "mkdocs.yml"
    config.write_text(with_luodi_options(config.read_text(encoding="utf-8"),
                                         anchors_baseline="published-anchors.json"),
                      encoding="utf-8")
    rename_sample(sample_project / "playbooks", item=False, phase=True, alias=False)
    done = build_site(sample_project, tmp_path / "fresh")
    assert done.returncode == 1
    assert "page 'sample/phases/prep/' of the previous build is gone" in done.stderr


def test_handout_knows_every_section_anchor_of_a_course_page():
    """Renamed modules keep their handout anchors only for sections the handout knows."""
    from luodi.places import COURSE_SECTIONS
    from luodi.render import course
    from luodi.render.common import Context

    for role, module in STANDARD.modules():
        text = course.render(Context(STANDARD, "x.md"), role, module)
        anchors = set(re.findall(r"\{ #([^\s}]+)", text)) - {lesson.id for lesson in module.lessons}
        assert anchors <= set(COURSE_SECTIONS), module.id


def test_a_dirty_build_neither_warns_nor_forgets_anchors(tmp_path):
    """`mkdocs build --dirty` (and `serve --dirty`) renders only changed pages."""
    project = make_project(tmp_path / "p", FIXTURES, {"guide.md": "# 指南\n\n## 小节\n"})
    site = tmp_path / "site"
    assert build_site(project, site).returncode == 0
    before = json.loads((site / "anchors.json").read_text(encoding="utf-8"))
    index = project / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n改过了。\n", encoding="utf-8")
    # Not with --strict: mkdocs itself warns about every dirty build.
    done = build_site(project, site, "--dirty", strict=False)
    assert done.returncode == 0, done.stderr
    assert "only some pages were built" in done.stderr
    assert "is gone" not in done.stderr
    after = json.loads((site / "anchors.json").read_text(encoding="utf-8"))
    assert after == before  # the unchanged guide page is still listed


def test_a_big_phase_lists_its_sections_not_its_items_in_the_toc(tmp_path):
    """Over checklist.TOC_ITEMS items, the TOC stops above the items (the theme's script costs
    the square of the TOC's entries); a small phase lists its items. Each item is one box,
    also where mkdocs.yml enables none of the Markdown extensions Luodi's pages need."""
    from luodi.render.checklist import TOC_ITEMS

    playbooks = tmp_path / "pb"
    shutil.copytree(FIXTURES, playbooks)
    go_live = playbooks / "sample" / "phases" / "go-live.yaml"
    text = go_live.read_text(encoding="utf-8")
    extra = "".join(f"  - {{id: many-{n}, title: 检查项{n}, owner: pm, priority: could, "
                    f"evidence: 记录}}\n" for n in range(TOC_ITEMS + 1))
    go_live.write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")
    project = make_project(tmp_path / "p", playbooks)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    head, _, rest = config.partition("markdown_extensions:")
    (project / "mkdocs.yml").write_text(head + "markdown_extensions:\n  - toc\n"
                                        + rest[rest.index("\nnav:"):], encoding="utf-8")
    site = tmp_path / "site"
    done = build_site(project, site)
    assert done.returncode == 0, done.stderr

    def toc_links(url: str) -> list[str]:
        text = page(site, url)
        toc = text.split('class="md-nav md-nav--secondary"', 1)[1].split("</nav>\n", 1)[0]
        return re.findall(r'href="#([^"]+)"', toc)

    big, small = toc_links("sample/phases/go-live"), toc_links("sample/phases/prep")
    assert "priority-could" in big and not any(a.startswith("many-") for a in big)
    assert "prep-team" in small and "priority-must" in small
    html = page(site, "sample/phases/go-live")
    assert html.count('<div class="luodi-item-block" ') == TOC_ITEMS + 2  # live-training too
    assert re.search(r'<div class="luodi-item-block" [^>]*>\s*<h4 class="luodi-item" id="many-0"',
                     html)
