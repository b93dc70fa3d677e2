"""`mkdocs serve` rebuilds when a playbook file changes (the plugin watches playbooks/)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import FIXTURES, make_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_rebuilds_when_a_playbook_changes(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES)
    port = free_port()
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "-f",
         str(project / "mkdocs.yml")],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    url = f"http://127.0.0.1:{port}/sample/phases/prep/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                first = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
                break
            except OSError:
                assert time.monotonic() < deadline, log.seek(0) or log.read()
                time.sleep(0.3)
        assert "组建项目团队" in first
        prep = project / "playbooks" / "sample" / "phases" / "prep.yaml"
        prep.write_text(prep.read_text(encoding="utf-8").replace("组建项目团队", "组建联合项目团队"),
                        encoding="utf-8")
        deadline = time.monotonic() + 60
        while "组建联合项目团队" not in urllib.request.urlopen(url, timeout=5).read().decode():
            assert time.monotonic() < deadline, log.seek(0) or log.read()
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_serve_remembers_jiebas_cuts_until_its_dictionary_changes(monkeypatch, tmp_path):
    import jieba

    from macros.plugin import memoize_jieba

    monkeypatch.setattr(jieba, "cut", jieba.cut)  # put back the real one after the test
    text = "灰度发布方案已经确认"
    expected = list(jieba.cut(text))
    memoize_jieba()
    assert jieba.cut.luodi_memo
    assert list(jieba.cut(text)) == expected
    assert list(jieba.cut(text)) == expected  # the second time from memory
    assert list(jieba.cut(text.encode("utf-8"))) == expected  # Material passes bytes
    # A new dictionary word changes the cut: the memory must not hide it.
    monkeypatch.setattr(jieba.dt, "FREQ", dict(jieba.dt.FREQ))
    monkeypatch.setattr(jieba.dt, "total", jieba.dt.total)
    jieba.add_word("方案已经确认", freq=10_000_000)
    assert "方案已经确认" in list(jieba.cut(text))
    memoize_jieba()  # a second call does not wrap it twice
    assert list(jieba.cut(text, cut_all=True)) == list(jieba.dt.cut(text, cut_all=True))
