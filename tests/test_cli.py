import json
import subprocess
import sys

from luodi import __version__
from luodi.cli import main


def test_help_and_version(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "validate" in out and "Exit codes" in out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"luodi {__version__}"


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["validate", "--no-such-flag"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_missing_folder_is_a_clean_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "nowhere"]) == 1
    assert capsys.readouterr().err.startswith("nowhere:1:1: error[not-found]: no such folder")


def test_console_script_runs(tmp_path):
    done = subprocess.run([sys.executable, "-m", "luodi.cli", "validate", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "error[no-playbooks]" in done.stderr and "Traceback" not in done.stderr


def test_schema_kinds(tmp_path, capsys):
    assert main(["schema", "phase"]) == 0
    schema = json.loads(capsys.readouterr().out)
    item = schema["$defs"]["Item"]
    assert item["properties"]["priority"]["enum"] == ["must", "should", "could", "wont"]
    assert set(item["required"]) == {"id", "title", "owner", "priority", "evidence"}
    assert item["additionalProperties"] is False
    assert main(["schema", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([
        *(f"{kind}{variant}.schema.json" for kind in ("form", "phase", "playbook", "role")
          for variant in ("", ".fork")), "status.schema.json"])  # a project's own: no fork
    assert main(["schema", "status"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["$defs"]["ItemStatus"]["properties"]["state"]["enum"] == [
        "todo", "doing", "done", "blocked", "n/a"]
    assert main(["schema", "status", "--fork"]) == 1
    assert "no fork variant" in capsys.readouterr().err
