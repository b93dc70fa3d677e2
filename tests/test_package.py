"""One package named luodi: nothing named macros is installed, and a team repository with a
macros/ module of its own builds with Luodi beside it, from an editable and a wheel install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

TEAM = ROOT / "tests" / "projects" / "team"


@pytest.fixture
def team_repo(tmp_path) -> Path:
    repo = tmp_path / "team"
    shutil.copytree(TEAM, repo)
    shutil.copytree(FIXTURES / "sample", repo / "playbooks" / "sample")
    return repo


def _build(repo: Path, command: list[str], env: dict | None = None) -> str:
    done = subprocess.run([*command, "build", "--strict", "-d", str(repo / "site")], cwd=repo,
                          capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return (repo / "site" / "index.html").read_text(encoding="utf-8")


def _both_macros_ran(page: str) -> None:
    assert "欢迎，新同事！（团队宏）" in page  # the team's macro
    assert 'id="prep-team"' in page and "luodi-item-block" in page  # Luodi's checklist()


@pytest.mark.parametrize("runner", ["mkdocs", "python -m mkdocs"])
def test_a_team_repository_with_its_own_macros_module_builds(team_repo, runner):
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    command = [mkdocs] if runner == "mkdocs" else [sys.executable, "-m", "mkdocs"]
    _both_macros_ran(_build(team_repo, command))
    # The team's module stayed the team's: Luodi's pages were built by the plugin all the same.
    assert (team_repo / "site" / "sample" / "phases" / "prep" / "index.html").exists()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = out / "source"  # what a release is made of, away from this checkout's build files
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "luodi", source / "luodi",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                           str(out), str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (found,) = out.glob("luodi-*.whl")
    return found


def test_the_wheel_holds_one_package_named_luodi(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"luodi"}
    assert "luodi/assets/luodi-reader.js" in names
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "luodi = luodi.site.plugin:LuodiPlugin" in entry_points and "macros" not in entry_points


def test_a_team_repository_builds_with_luodi_from_the_wheel(team_repo, wheel, tmp_path):
    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)  # what pip puts in site-packages
    env = {"PYTHONPATH": str(installed)}
    where = subprocess.run([sys.executable, "-c", "import luodi; print(luodi.__file__)"],
                           cwd=team_repo, capture_output=True, text=True, env={**os.environ, **env})
    assert where.stdout.strip() == str(installed / "luodi" / "__init__.py")
    _both_macros_ran(_build(team_repo, [sys.executable, "-m", "mkdocs"], env))


def test_only_the_site_glue_imports_mkdocs_jinja_or_material():
    import re

    pattern = re.compile(r"^\s*(?:from|import)\s+(mkdocs|jinja2|material)\b", re.M)
    offenders = [path.relative_to(ROOT).as_posix() for path in (ROOT / "luodi").rglob("*.py")
                 if pattern.search(path.read_text(encoding="utf-8"))
                 and "site" not in path.relative_to(ROOT / "luodi").parts[:1]]
    assert offenders == []
    # The macros glue is called by other engines' mkdocs-macros too: no mkdocs or Material
    # there (Jinja is the template language of every mkdocs-macros, so it may be imported).
    engine_only = re.compile(r"^\s*(?:from|import)\s+(mkdocs|material)\b", re.M)
    assert not engine_only.search((ROOT / "luodi" / "site" / "macros.py").read_text(
        encoding="utf-8"))


def test_no_module_keeps_build_state_in_a_global():
    """State that must live across `mkdocs serve` rebuilds is the plugin's (it has on_startup);
    no module of the glue assigns a global."""
    offenders = [path.name for path in (ROOT / "luodi" / "site").glob("*.py")
                 if "global " in path.read_text(encoding="utf-8")]
    assert offenders == []
