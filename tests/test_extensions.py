"""A new view is one module, one registry entry and its labels; so is a new export. The toy
extension in tests/projects/toy-extension/ adds one of each, installed the way every extension
is (an entry point in the group `luodi.extensions`); the checks below find them in the nav, the
pages, the downloads, the overview's links, the macros and `luodi export --help`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import FIXTURES, ROOT, build_site, make_project

TOY = ROOT / "tests" / "projects" / "toy-extension"


def _run(*args: str, cwd) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(TOY), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          env=env)


def test_the_toy_export_is_a_subcommand_of_luodi_export(tmp_path):
    import shutil

    shutil.copytree(FIXTURES / "sample", tmp_path / "playbooks" / "sample")
    helped = _run("-m", "luodi.cli", "export", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "phase-list" in helped.stdout
    assert "the phases as plain text" in helped.stdout
    done = _run("-m", "luodi.cli", "export", "phase-list", "sample", "-o", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "prep\t准备阶段\ngo-live\t验收与上线阶段\n"
    # Without the extension installed, there is no such subcommand.
    plain = subprocess.run([sys.executable, "-m", "luodi.cli", "export", "--help"],
                           cwd=tmp_path, capture_output=True, text=True)
    assert "phase-list" not in plain.stdout


def test_the_toy_view_and_export_are_in_the_built_site(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES, pages={
        "index.md": "# 首页\n\n{{ timeline(\"sample\") }}\n"})
    done = _run("-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site"), cwd=project)
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    page = (site / "sample" / "timeline" / "index.html").read_text(encoding="utf-8")
    assert "<h1" in page and "时间线" in page and "准备阶段" in page
    assert 'href="timeline/"' in (site / "sample" / "index.html").read_text(encoding="utf-8") \
        or 'href="./timeline/"' in (site / "sample" / "index.html").read_text(encoding="utf-8")
    nav = (site / "sample" / "phases" / "prep" / "index.html").read_text(encoding="utf-8")
    assert "时间线" in nav  # in the playbook's nav section
    assert (site / "sample" / "downloads" / "phase-list.txt").read_text(encoding="utf-8") \
        .startswith("prep\t")
    overview = (site / "sample" / "index.html").read_text(encoding="utf-8")
    assert "downloads/phase-list.txt" in overview and "文本清单" in overview
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "准备阶段" in home and "验收与上线阶段" in home  # the macro on a hand-written page
    # The same build without the extension has neither.
    plain = build_site(project, tmp_path / "plain")
    assert plain.returncode != 0 and "timeline" in plain.stderr  # its macro is unknown


def test_a_broken_extension_is_one_clear_error(tmp_path):
    broken = tmp_path / "ext"
    (broken / "broken_ext-0.1.dist-info").mkdir(parents=True)
    (broken / "broken_ext-0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken-ext\nVersion: 0.1\n", encoding="utf-8")
    (broken / "broken_ext-0.1.dist-info" / "entry_points.txt").write_text(
        "[luodi.extensions]\nbroken = broken_ext\n", encoding="utf-8")
    (broken / "broken_ext.py").write_text("raise RuntimeError('half written')\n",
                                          encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(broken)}
    done = subprocess.run([sys.executable, "-m", "luodi.cli", "validate", str(FIXTURES)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert done.stderr == ("luodi: error: extension 'broken' (broken_ext) could not be loaded: "
                           "RuntimeError: half written\n")


@pytest.fixture
def toy_registered(monkeypatch):
    """The toy extension registered in this process, and taken out again afterwards."""
    import copy

    from luodi import exports, i18n
    from luodi.render import views

    registries = (views.VIEWS, exports.EXPORTS, i18n.CATALOG)
    saved = [copy.deepcopy(registry) for registry in registries]
    monkeypatch.syspath_prepend(str(TOY))
    sys.modules.pop("toy_luodi_extension", None)
    import toy_luodi_extension  # noqa: F401  (it registers when imported)

    yield
    sys.modules.pop("toy_luodi_extension", None)
    for registry, before in zip(registries, saved, strict=True):
        registry.clear()
        registry.update(before)


def test_a_registered_view_is_a_page_in_the_nav_and_a_macro(toy_registered):
    from luodi import exports
    from luodi.read import load_playbooks
    from luodi.render.embed import macro_functions
    from luodi.render.pages import playbook_nav, playbook_pages

    pb = load_playbooks(FIXTURES).playbooks["sample"]
    assert "sample/timeline.md" in [spec.src for spec in playbook_pages(pb)]
    section = playbook_nav(pb)["示例实施手册"]
    assert section[-1] == {"时间线": "sample/timeline.md"}
    assert "sample/downloads/phase-list.txt" in exports.download_paths(pb)
    macros = macro_functions({"sample": pb}, lambda: "index.md")
    assert "准备阶段" in macros["timeline"]("sample")


def test_the_toy_is_gone_after_its_test():
    from luodi import exports
    from luodi.render import views

    assert "timeline" not in views.VIEWS and "phase-list" not in exports.EXPORTS
