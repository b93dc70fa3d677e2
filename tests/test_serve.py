"""`mkdocs serve` rebuilds when a playbook file changes (the plugin watches playbooks/)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

from conftest import FIXTURES, free_port, make_project


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


def test_serve_remembers_jiebas_cuts_until_its_dictionary_changes(monkeypatch):
    import jieba

    from luodi.site.serve import memoize_jieba

    real_cut = jieba.cut
    calls = []

    def counted_cut(sentence, *args, **kwargs):
        calls.append(sentence)
        return real_cut(sentence, *args, **kwargs)

    monkeypatch.setattr(jieba, "cut", counted_cut)  # the real one is back after the test
    text = "灰度发布方案已经确认"
    expected = list(real_cut(text))
    memoize_jieba()
    memoized = jieba.cut
    assert memoized.luodi_memo
    assert list(jieba.cut(text)) == expected
    assert list(jieba.cut(text)) == expected
    assert calls == [text]  # the second time from memory
    assert list(jieba.cut(text.encode("utf-8"))) == expected  # Material passes bytes
    # A new dictionary word changes the cut: the memory must not hide it.
    monkeypatch.setattr(jieba.dt, "FREQ", dict(jieba.dt.FREQ))
    monkeypatch.setattr(jieba.dt, "total", jieba.dt.total)
    jieba.add_word("方案已经确认", freq=10_000_000)
    assert "方案已经确认" in list(jieba.cut(text))
    memoize_jieba()
    assert jieba.cut is memoized  # not wrapped twice
    assert list(jieba.cut(text, cut_all=True)) == list(real_cut(text, cut_all=True))


def test_the_memory_is_dropped_when_a_dictionary_is_set_again(monkeypatch, tmp_path):
    # Material calls jieba.set_dictionary on every rebuild when `jieba_dict` is configured: a
    # dictionary file edited in place must give the new cuts.
    import jieba

    from luodi.site.serve import memoize_jieba

    monkeypatch.setattr(jieba, "cut", jieba.cut)
    monkeypatch.setattr(jieba.dt, "dictionary", jieba.dt.dictionary)
    monkeypatch.setattr(jieba.dt, "FREQ", jieba.dt.FREQ)
    monkeypatch.setattr(jieba.dt, "total", jieba.dt.total)
    monkeypatch.setattr(jieba.dt, "initialized", jieba.dt.initialized)
    monkeypatch.setattr(jieba.dt, "cache_file", str(tmp_path / "jieba.cache"))
    words = tmp_path / "dict.txt"
    words.write_text("灰度 100 n\n发布 100 v\n方案 100 n\n", encoding="utf-8")
    memoize_jieba()
    jieba.set_dictionary(str(words))
    assert list(jieba.cut("灰度发布方案")) == ["灰度", "发布", "方案"]
    words.write_text("灰度 100 n\n发布 100 v\n方案 100 n\n灰度发布方案 1000 n\n",
                     encoding="utf-8")
    jieba.set_dictionary(str(words))
    assert list(jieba.cut("灰度发布方案")) == ["灰度发布方案"]
