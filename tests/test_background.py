"""luodi/site/background.py: the child process that makes downloads and search extras during a build."""

import operator
import os
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import ROOT

from luodi.site import background
from luodi.site.background import Background, JobFailed


def test_jobs_run_in_a_child_in_order():
    bg = Background([(operator.add, (1, 2)), (str.upper, ("luodi",)), (len, ([1, 2, 3],)),
                     (os.getpid, ())])
    try:
        assert [bg.result(2), bg.result(0), bg.result(1)] == [3, 3, "LUODI"]
        assert bg.result(3) != os.getpid()
        assert all(bg.ran_in_child(i) for i in range(4))
    finally:
        bg.close()


def test_a_failing_job_is_reported_with_its_type_and_message_and_the_others_still_run():
    bg = Background([(int, ("x",)), (operator.add, (2, 2))])
    try:
        with pytest.raises(JobFailed, match=r"ValueError: invalid literal for int\(\)"):
            bg.result(0)
        assert bg.result(1) == 4
    finally:
        bg.close()


def test_what_a_job_prints_does_not_corrupt_the_results():
    bg = Background([(print, ("noise on stdout",)), (operator.mul, (6, 7)), (os.getpid, ())])
    try:
        assert bg.result(0) is None
        assert bg.result(1) == 42
        assert bg.result(2) != os.getpid()
        assert all(bg.ran_in_child(i) for i in range(3))  # not made here after a bad frame
    finally:
        bg.close()


def test_a_failing_job_run_here_is_reported_in_one_line_too():
    bg = Background([(int, ("x",))], here=True)
    with pytest.raises(JobFailed, match=r"^ValueError: invalid literal for int\(\)"):
        bg.result(0)
    bg.close()


def test_jobs_that_cannot_be_pickled_run_here():
    bg = Background([(lambda: os.getpid(), ())])
    assert bg._child is None
    assert bg.result(0) == os.getpid()
    bg.close()


def test_jobs_run_here_when_no_child_can_start(monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("no processes in this sandbox")

    monkeypatch.setattr(background.subprocess, "Popen", refuse)
    bg = Background([(operator.add, (1, 2))])
    assert bg._child is None
    assert bg.result(0) == 3
    bg.close()


def test_jobs_run_here_when_the_child_dies():
    bg = Background([(time.sleep, (0.3,)), (os.getpid, ())])
    bg._child.kill()
    try:
        assert bg.result(1) == os.getpid()
        assert bg.result(0) is None
        assert not bg.ran_in_child(1)
    finally:
        bg.close()


def test_the_child_does_not_run_the_parents_script_again(tmp_path):
    # multiprocessing's spawn re-imports __main__: a build script without a __main__ guard
    # would run twice. The child imports only luodi.site.background.
    marker = tmp_path / "runs.txt"
    script = tmp_path / "build.py"
    script.write_text(textwrap.dedent(f"""
        import operator, sys
        sys.path.insert(0, {str(ROOT)!r})
        from luodi.site.background import Background
        with open({str(marker)!r}, "a") as out:
            out.write("run\\n")
        bg = Background([(operator.add, (20, 22))])
        print(bg.result(0))
        bg.close()
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "42"
    assert marker.read_text() == "run\n"


def test_jobs_asked_to_run_here_start_no_child():
    bg = Background([(operator.add, (1, 2))], here=True)
    assert bg._child is None
    assert bg.result(0) == 3
    bg.close()


def test_a_projects_own_macros_folder_does_not_stop_the_child(tmp_path, monkeypatch):
    # mkdocs-macros projects often have a macros/ folder of their own next to mkdocs.yml.
    decoy = tmp_path / "macros"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("raise ImportError('a project module')\n")
    monkeypatch.chdir(tmp_path)
    # As for an installed Luodi: its folder is on the child's path already, after the cwd.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    bg = Background([(os.getpid, ())])
    try:
        assert bg.result(0) != os.getpid()
        assert bg.ran_in_child(0)
    finally:
        bg.close()
