"""The published JSON Schema is generated from the model and accepted by a third-party validator."""

import subprocess
import sys
from pathlib import Path

import pytest

from luodi.schema import reference_markdown, schema_text

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"playbook": "playbook.yaml", "phase": "phases/*.yaml", "role": "roles/*.yaml",
         "form": "forms/*.yaml"}


@pytest.mark.parametrize("fork", [False, True], ids=["plain", "fork"])
@pytest.mark.parametrize("kind", KINDS)
def test_published_schema_is_up_to_date(kind, fork):
    name = f"{kind}.fork.schema.json" if fork else f"{kind}.schema.json"
    published = ROOT / "docs" / "schema" / name
    assert published.read_text(encoding="utf-8") == schema_text(kind, fork), (
        "regenerate with: luodi schema -o docs/schema --force")


def _playbook_dirs():
    dirs = [ROOT / "tests" / "fixtures" / "sample"]
    dirs += [p for p in sorted((ROOT / "playbooks").iterdir()) if (p / "playbook.yaml").exists()]
    return dirs


@pytest.mark.parametrize("folder", _playbook_dirs(), ids=lambda p: p.name)
@pytest.mark.parametrize("kind", KINDS)
def test_check_jsonschema_accepts_playbooks(folder, kind):
    files = sorted(folder.glob(KINDS[kind]))
    if not files:
        pytest.skip(f"{folder.name} has no {kind} files")
    fork = "extends:" in (folder / "playbook.yaml").read_text(encoding="utf-8")
    name = f"{kind}.fork.schema.json" if fork else f"{kind}.schema.json"
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile",
         str(ROOT / "docs" / "schema" / name), *map(str, files)],
        capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    # Each shipped file names the schema that fits it, for editors.
    for file in files if folder.parent.name == "playbooks" else []:
        assert "$schema=" in file.read_text(encoding="utf-8").splitlines()[0]
        assert name in file.read_text(encoding="utf-8").splitlines()[0], file


def test_check_jsonschema_rejects_a_bad_item(tmp_path):
    bad = tmp_path / "prep.yaml"
    bad.write_text("id: prep\norder: 1\ntitle: x\nsummary: x\nchecklist:\n"
                   "  - {id: a, title: b, owner: c, priority: mandatory, evidence: d}\n",
                   encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile",
         str(ROOT / "docs" / "schema" / "phase.schema.json"), str(bad)],
        capture_output=True, text=True)
    assert done.returncode == 1


def test_reference_tables_cover_every_class():
    text = reference_markdown()
    for name in ("Playbook", "Phase", "Item", "Raci", "Role", "Module", "Lesson", "Form",
                 "FormField", "Criterion", "Kpi", "Risk", "Variable"):
        assert f"### {name} {{#{name.lower()}}}" in text
    assert "| `priority` | `must` \\| `should` \\| `could` \\| `wont` | yes |" in text
