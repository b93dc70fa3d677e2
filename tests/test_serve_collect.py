"""Under `mkdocs serve`, Python's full garbage collections run when the server is quiet, not in
the middle of a rebuild (luodi/site/serve.py); a build leaves the collector as it was."""

from __future__ import annotations

import gc
import time

import pytest

from luodi.site import serve as serve_module
from luodi.site.serve import Serve


def _full_collections() -> int:
    return gc.get_stats()[2]["collections"]


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(serve_module, "_QUIET", 0.2)
    before = gc.get_threshold()
    yield
    assert gc.get_threshold() == before  # every Serve below was closed


def test_a_full_collection_runs_once_the_server_is_quiet(quick):
    serve = Serve("serve")
    try:
        assert gc.get_threshold()[2] == 2**31 - 1
        serve.build_starting()
        serve.build_done()
        done = _full_collections()
        time.sleep(0.6)
        assert _full_collections() == done + 1
    finally:
        serve.close()


def test_a_build_that_starts_first_puts_the_collection_off(quick):
    serve = Serve("serve")
    try:
        for _ in range(serve_module._MAX_BUILDS - 1):
            serve.build_done()
            done = _full_collections()
            serve.build_starting()  # an edit right after the build
            time.sleep(0.4)
            assert _full_collections() == done
        serve.build_done()
        serve.build_starting()  # too many builds without a quiet moment: collected now
        assert _full_collections() == done + 1
    finally:
        serve.close()


def test_a_build_leaves_the_collector_alone():
    before = gc.get_threshold()
    serve = Serve("build")
    serve.build_starting()
    serve.build_done()
    assert gc.get_threshold() == before
    serve.close()
