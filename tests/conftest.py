import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite expected diagnostics and golden files from the current output")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture
def sample_tree(tmp_path, monkeypatch) -> Path:
    """A writable copy of the sample playbook at tmp_path/playbooks/sample; cwd is tmp_path."""
    shutil.copytree(FIXTURES / "sample", tmp_path / "playbooks" / "sample")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "playbooks" / "sample"
