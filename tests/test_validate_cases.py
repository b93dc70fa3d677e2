"""Data-driven corpus: each tests/cases/<name>/ holds files laid over the sample playbook and
expected.txt, the exact output `luodi validate` must give. Files under <name>/playbooks/ go into
the playbooks/ folder beside the sample instead (other playbooks: forks, parents), and args.txt
names another folder to validate than playbooks/. Validation is --strict, so that a case may show
a warning. Refresh with --update-golden."""

import shutil
from pathlib import Path

import pytest

from luodi.cli import main

CASES = Path(__file__).parent / "cases"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_case(case, sample_tree, capsys, update_golden):
    case_dir = CASES / case
    for file in case_dir.rglob("*"):
        if file.is_file() and file.name not in ("expected.txt", "args.txt"):
            relative = file.relative_to(case_dir)
            target = (sample_tree.parent / relative.relative_to("playbooks")
                      if relative.parts[0] == "playbooks" else sample_tree / relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
    # Warnings count: every case shows at least one problem. args.txt: another folder to check.
    args = (case_dir / "args.txt").read_text(encoding="utf-8").split() \
        if (case_dir / "args.txt").exists() else ["playbooks"]
    code = main(["validate", "--strict", *args])
    captured = capsys.readouterr()
    expected_file = case_dir / "expected.txt"
    if update_golden:
        expected_file.write_text(captured.err, encoding="utf-8")
    assert code == 1
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert captured.err == expected_file.read_text(encoding="utf-8")


def test_sample_is_clean(sample_tree, capsys):
    assert main(["validate", "playbooks"]) == 0
    assert capsys.readouterr().out == "ok: 1 playbook(s), 3 checklist item(s)\n"
