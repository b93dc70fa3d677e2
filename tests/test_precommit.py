"""The repo's .pre-commit-hooks.yaml, run for real by pre-commit in a team's fork repository.

Two ways, both through real `git commit`s with the git hook that `pre-commit install` writes:

- the hook definition from .pre-commit-hooks.yaml as a `repo: local` hook with
  `language: system` (the luodi of this test environment): fast, shows what the hook checks;
- the repository itself as `repo: <path>` with `rev`, the way a team uses it: pre-commit builds
  its own virtualenv and installs Luodi into it with pip (needs PyPI; ~35 s with a warm pip
  cache, once per test run).
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT

FORK = """\
schema_version: 1
id: acme
extends: sample
title: ACME 项目实施手册
variables:
  project-name: {value: ACME 销售 CRM 项目}
"""

# An override without based_on: a warning, which the hook's --strict turns into a failure.
OVERRIDE = """\
id: prep
checklist:
  - id: prep-scope
    evidence: 签字版范围说明书
"""


def _env(home: Path | None = None) -> dict[str, str]:
    """The environment for git and pre-commit; home: pre-commit's cache of hook environments."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    # The luodi of this environment first on PATH, for the `language: system` hook.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if home is not None:
        env["PRE_COMMIT_HOME"] = str(home)
    env.update(PRE_COMMIT_COLOR="never",
               GIT_AUTHOR_NAME="Luodi Test", GIT_AUTHOR_EMAIL="test@example.invalid",
               GIT_COMMITTER_NAME="Luodi Test", GIT_COMMITTER_EMAIL="test@example.invalid")
    return env


def _git(repo: Path, env: dict, *args: str, check: bool = True, timeout: int = 60):
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=timeout)
    if check:
        assert done.returncode == 0, f"git {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def _manifest_hook() -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "luodi-validate"]
    return hook


def _fork_repo(path: Path, config: dict, env: dict) -> Path:
    """A team's repository: the parent playbook (the sample fixture), a fork of it, a README."""
    shutil.copytree(FIXTURES / "sample", path / "playbooks" / "sample")
    (path / "playbooks" / "acme").mkdir()
    (path / "playbooks" / "acme" / "playbook.yaml").write_text(FORK, encoding="utf-8")
    (path / "README.md").write_text("# ACME\n", encoding="utf-8")
    (path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False),
                                                  encoding="utf-8")
    _git(path, env, "init", "-q", "-b", "main")
    done = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return path


def _commit(repo: Path, env: dict, message: str, timeout: int = 60):
    """git add -A and git commit: the installed pre-commit hook runs; returns the process."""
    _git(repo, env, "add", "-A")
    done = _git(repo, env, "commit", "-q", "-m", message, check=False, timeout=timeout)
    done.output = done.stdout + done.stderr
    return done


def _hook_log(home: Path) -> str:
    log = home / "pre-commit.log"
    return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""


def test_manifest_declares_the_validate_hook():
    hook = _manifest_hook()
    assert hook["language"] == "python"
    assert hook["entry"] == "luodi validate" and hook["args"] == ["--strict"]
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in ["playbooks/standard/playbook.yaml", "playbooks/acme/phases/prep.yml"]:
        assert files.search(path), path
    for path in ["README.md", "docs/index.md", "mkdocs.yml", "other/playbooks/x.yaml"]:
        assert not files.search(path), path


def test_local_hook_passes_clean_playbooks_and_blocks_broken_ones(tmp_path):
    env = _env(tmp_path / "pre-commit-home")
    hook = {**_manifest_hook(), "language": "system"}
    repo = _fork_repo(tmp_path / "team", {"repos": [{"repo": "local", "hooks": [hook]}]}, env)

    done = _commit(repo, env, "fork of sample")
    assert done.returncode == 0, done.output
    assert "Passed" in done.output

    # A commit touching no playbook does not run it (files filter).
    (repo / "README.md").write_text("# ACME\n\nMore.\n", encoding="utf-8")
    done = _commit(repo, env, "readme")
    assert done.returncode == 0 and "(no files to check)Skipped" in done.output, done.output

    # An unknown key: the commit is refused, with the file, line and column of the problem.
    fork = repo / "playbooks" / "acme" / "playbook.yaml"
    fork.write_text(FORK + "colour: red\n", encoding="utf-8")
    done = _commit(repo, env, "broken")
    assert done.returncode != 0, done.output
    assert "Failed" in done.output
    line = FORK.count("\n") + 1
    assert (f"playbooks/acme/playbook.yaml:{line}:1: error[unknown-key]: unknown key 'colour'"
            in done.output), done.output
    assert _git(repo, env, "log", "--format=%s").stdout.splitlines() == ["readme",
                                                                           "fork of sample"]

    # A warning only (an override that does not record based_on): strict, so refused too …
    fork.write_text(FORK, encoding="utf-8")
    (repo / "playbooks" / "acme" / "phases").mkdir()
    (repo / "playbooks" / "acme" / "phases" / "prep.yaml").write_text(OVERRIDE, encoding="utf-8")
    done = _commit(repo, env, "override")
    assert done.returncode != 0 and "warning[overlay-no-base]" in done.output, done.output

    # … unless the team opts out of strict with `args: []`.
    config = {"repos": [{"repo": "local", "hooks": [{**hook, "args": []}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    done = _commit(repo, env, "override, warnings allowed")
    assert done.returncode == 0 and "Passed" in done.output, done.output


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory) -> tuple[Path, str]:
    """This repository's working tree as a git repository (what a team's `repo:` points at):
    the package, its pyproject and the hooks manifest, committed; returns (path, commit)."""
    path = tmp_path_factory.mktemp("luodi-hooks-repo")
    for name in ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml"]:
        shutil.copy2(ROOT / name, path / name)
    shutil.copytree(ROOT / "luodi", path / "luodi",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    env = _env()
    _git(path, env, "init", "-q", "-b", "main")
    _git(path, env, "add", "-A")
    _git(path, env, "commit", "-q", "-m", "snapshot")
    return path, _git(path, env, "rev-parse", "HEAD").stdout.strip()


def test_hook_from_the_repository_installs_and_runs(tmp_path, hooks_repo):
    """The real thing: pre-commit clones the hooks repo at rev, pip-installs Luodi into a
    virtualenv of its own, and runs the hook on each commit."""
    home = tmp_path / "pre-commit-home"
    env = _env(home)
    path, rev = hooks_repo
    config = {"repos": [{"repo": path.as_posix(), "rev": rev,
                         "hooks": [{"id": "luodi-validate"}]}]}
    repo = _fork_repo(tmp_path / "team", config, env)

    done = _commit(repo, env, "fork of sample", timeout=900)  # installs the hook environment
    assert done.returncode == 0, done.output + _hook_log(home)
    assert "luodi validate (playbooks)" in done.output and "Passed" in done.output, done.output
    # pre-commit installed Luodi into a virtualenv of its own.
    assert list(home.glob("repo*/py_env-*/bin/luodi")), sorted(p.name for p in home.iterdir())

    fork = repo / "playbooks" / "acme" / "playbook.yaml"
    fork.write_text(FORK + "colour: red\n", encoding="utf-8")
    done = _commit(repo, env, "broken")
    assert done.returncode != 0 and "Failed" in done.output, done.output
    line = FORK.count("\n") + 1
    assert f"playbooks/acme/playbook.yaml:{line}:1: error[unknown-key]" in done.output
    assert "hint: allowed keys:" in done.output
