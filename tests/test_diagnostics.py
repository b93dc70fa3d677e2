"""The registry of diagnostic codes: every code Luodi reports is registered with its meaning and
severity, has a case in tests/cases/ (or a test that shows it), is listed in the format
reference, and a warning code can be ignored where an error cannot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, build_site, make_project

from luodi.cli import main
from luodi.diagnostics import CODES, Diagnostic, UnknownCode, ignorable
from luodi.model import Source

CASES = ROOT / "tests" / "cases"


def test_every_registered_code_is_shown_by_a_case_or_a_named_test():
    shown = {code for expected in CASES.glob("*/expected.txt")
             for code in re.findall(r"(?:error|warning)\[([a-z0-9-]+)\]",
                                    expected.read_text(encoding="utf-8"))}
    for code in CODES.values():
        if code.name in shown:
            continue
        assert code.tested_by, f"code '{code.name}' has no case in tests/cases/ and no test"
        file, _, function = code.tested_by.partition("::")
        source = (ROOT / "tests" / file).read_text(encoding="utf-8")
        assert f"def {function}(" in source, code.tested_by
        assert f"[{code.name}]" in source, f"{code.tested_by} does not show [{code.name}]"
    assert shown <= set(CODES), shown - set(CODES)


def test_a_diagnostic_with_an_unregistered_code_is_a_bug_not_a_message():
    with pytest.raises(UnknownCode, match="'no-such-code' is not registered"):
        Diagnostic(Source("f.yaml", 1, 1), "no-such-code", "message")


def test_the_severity_comes_from_the_registry():
    assert Diagnostic(Source("f", 1, 1), "drift", "m").severity == "warning"
    assert Diagnostic(Source("f", 1, 1), "unknown-ref", "m").severity == "error"
    assert all(code.meaning and code.severity in ("error", "warning") for code in CODES.values())


def _fork_without_based_on(sample_tree: Path) -> None:
    fork = sample_tree.parent / "fork"
    (fork / "phases").mkdir(parents=True)
    (fork / "playbook.yaml").write_text(
        "schema_version: 1\nid: fork\nextends: sample\ntitle: 分支\nsummary: 分支。\n",
        encoding="utf-8")
    (fork / "phases" / "prep.yaml").write_text(
        "id: prep\nchecklist:\n  - id: prep-team\n    priority: should\n", encoding="utf-8")


def test_validate_ignores_a_warning_code_but_never_an_error(sample_tree, capsys):
    _fork_without_based_on(sample_tree)
    assert main(["validate", "--strict", "playbooks"]) == 1
    assert "warning[overlay-no-base]" in capsys.readouterr().err
    assert main(["validate", "--strict", "--ignore", "overlay-no-base", "playbooks"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["validate", "--ignore", "drift,unknown-ref", "playbooks"]) == 2
    assert capsys.readouterr().err == (
        "luodi validate: error: --ignore: 'unknown-ref' is an error, which cannot be ignored; "
        "fix what it says\n")
    assert main(["validate", "--ignore", "overlay-no-bse", "playbooks"]) == 2
    assert "no diagnostic code 'overlay-no-bse' (did you mean 'overlay-no-base'?)" \
        in capsys.readouterr().err


def test_the_plugin_option_ignores_a_warning_code(sample_tree, tmp_path):
    _fork_without_based_on(sample_tree)
    project = make_project(tmp_path / "p", sample_tree.parent)
    assert build_site(project, tmp_path / "strict").returncode == 1  # the warning fails --strict
    quiet = make_project(tmp_path / "q", sample_tree.parent, ignore="[overlay-no-base]")
    done = build_site(quiet, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert "overlay-no-base" not in done.stderr
    refused = make_project(tmp_path / "r", sample_tree.parent, ignore="[unknown-ref]")
    done = build_site(refused, tmp_path / "refused")
    assert done.returncode == 1
    assert "luodi: ignore: 'unknown-ref' is an error, which cannot be ignored" in done.stderr


def test_ignorable_names_what_is_wrong():
    assert ignorable(["drift"]) == ["drift"]
    with pytest.raises(ValueError, match="cannot be ignored"):
        ignorable(["yaml-syntax"])


def test_the_format_reference_lists_every_code(default_site):
    page = (default_site / "reference" / "format" / "index.html").read_text(encoding="utf-8")
    for code in CODES.values():
        assert f"<code>{code.name}</code>" in page, code.name
