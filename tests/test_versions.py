"""Versions of the knowledge base with mike (docs/guide/versions.md), published for real.

A project in a temporary git repository is deployed as v1, its methodology changes, and it is
deployed again as v2 with the alias latest; the gh-pages branch must then hold both versions,
each with its own text, so a trainer's link to v1 still shows what the class was taught.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import FIXTURES, make_project, serve

OLD_TITLE = "用 MoSCoW 法确定范围"
NEW_TITLE = "用 MoSCoW 法确定并冻结范围"
PAGE = "sample/phases/prep/"  # the phase page holding the item prep-scope

# What docs/guide/versions.md tells a project to add to its mkdocs.yml. site_url fills the
# sitemap, which Material's selector reads to keep the reader on the same page; any address
# works for that, the real one is better (canonical links).
VERSION_CONFIG = """
site_url: https://kb.example.invalid/
extra:
  version:
    provider: mike
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    # mike runs `mkdocs build` from PATH: the mkdocs of this environment.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(NO_MKDOCS_2_WARNING="1",
               GIT_AUTHOR_NAME="Luodi Test", GIT_AUTHOR_EMAIL="test@example.invalid",
               GIT_COMMITTER_NAME="Luodi Test", GIT_COMMITTER_EMAIL="test@example.invalid")
    return env


def _run(project: Path, *command: str) -> str:
    env = _env()
    if command[0] == "mike":
        command = (shutil.which("mike", path=env["PATH"]) or "mike", *command[1:])
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, (f"{' '.join(command)}:\n{done.stdout.decode(errors='replace')}"
                                  f"\n{done.stderr.decode(errors='replace')}")
    return done.stdout.decode("utf-8")


def _redirect_target(html: str) -> str:
    match = re.search(r'window\.location\.replace\(\s*"([^"]*)"', html)
    assert match, html
    return match.group(1)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The project after `mike deploy v1`, a change, `mike deploy --update-aliases v2 latest`
    and `mike set-default latest`; returns the project folder (a git repository)."""
    project = make_project(tmp_path_factory.mktemp("versions") / "kb", FIXTURES)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + VERSION_CONFIG, encoding="utf-8")
    (project / ".gitignore").write_text("site/\n", encoding="utf-8")
    _run(project, "git", "init", "-q", "-b", "main")
    _run(project, "git", "add", "-A")
    _run(project, "git", "commit", "-q", "-m", "methodology 1")
    _run(project, "mike", "deploy", "--alias-type", "redirect", "v1")

    phase = project / "playbooks" / "sample" / "phases" / "prep.yaml"
    text = phase.read_text(encoding="utf-8")
    assert text.count(OLD_TITLE) == 1
    phase.write_text(text.replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")
    _run(project, "git", "commit", "-q", "-am", "methodology 2: scope is frozen")
    _run(project, "mike", "deploy", "--alias-type", "redirect", "--update-aliases", "v2", "latest")
    _run(project, "mike", "set-default", "latest")
    return project


def _show(project: Path, path: str) -> str:
    return _run(project, "git", "show", f"gh-pages:{path}")


def test_versions_json_lists_both_versions_and_latest_is_v2(published):
    versions = json.loads(_show(published, "versions.json"))
    assert [(v["version"], v["aliases"]) for v in versions] == [("v2", ["latest"]), ("v1", [])]
    assert _run(published, "mike", "list").split("\n")[:2] == ["v2 [latest]", "v1"]


def test_each_version_keeps_its_own_text(published):
    v1 = _show(published, f"v1/{PAGE}index.html")
    v2 = _show(published, f"v2/{PAGE}index.html")
    assert OLD_TITLE in v1 and NEW_TITLE not in v1
    assert NEW_TITLE in v2 and OLD_TITLE not in v2
    # A trainer's deep link into v1 (page and item anchor) still lands on the item.
    assert 'id="prep-scope"' in v1
    # Material's version selector is switched on in every version's pages.
    assert '"version": {"provider": "mike"}' in v1 and '"version": {"provider": "mike"}' in v2
    # The working branch is untouched: mike commits only to gh-pages.
    assert _run(published, "git", "status", "--porcelain") == ""
    assert _run(published, "git", "log", "--format=%s", "main").splitlines() == [
        "methodology 2: scope is frozen", "methodology 1"]


def test_latest_and_the_root_redirect_to_v2(published):
    latest_page = f"latest/{PAGE}"
    target = _redirect_target(_show(published, f"{latest_page}index.html"))
    assert urljoin(f"/{latest_page}", target) == f"/v2/{PAGE}"
    assert urljoin("/", _redirect_target(_show(published, "index.html"))) == "/latest/"


@pytest.fixture(scope="module")
def gh_pages_url(published, tmp_path_factory):
    """What an intranet server does with the gh-pages branch: check it out and serve it."""
    www = tmp_path_factory.mktemp("gh-pages") / "www"
    _run(published, "git", "worktree", "add", "-q", "--detach", str(www), "gh-pages")
    base, stop = serve(www)
    yield base
    stop()


def test_published_branch_served_over_http(gh_pages_url):
    with urllib.request.urlopen(gh_pages_url + "versions.json", timeout=10) as response:
        assert [v["version"] for v in json.load(response)] == ["v2", "v1"]
    with urllib.request.urlopen(f"{gh_pages_url}v1/{PAGE}", timeout=10) as response:
        assert OLD_TITLE in response.read().decode("utf-8")
    with urllib.request.urlopen(f"{gh_pages_url}v2/{PAGE}", timeout=10) as response:
        assert NEW_TITLE in response.read().decode("utf-8")


@pytest.mark.browser
def test_material_version_selector_switches_to_the_same_page(gh_pages_url, page):
    page.goto(f"{gh_pages_url}v1/{PAGE}")
    selector = page.locator(".md-version")
    selector.wait_for(timeout=15_000)
    assert selector.locator(".md-version__current").inner_text().strip() == "v1"
    links = selector.locator(".md-version__link")
    assert [text.strip() for text in links.all_inner_texts()] == ["v2", "v1"]
    # Switching to v2 from a v1 page keeps the reader on the same page (needs site_url).
    links.first.evaluate("a => a.click()")
    page.wait_for_url(f"{gh_pages_url}v2/{PAGE}", timeout=15_000)
    assert NEW_TITLE in page.content()
