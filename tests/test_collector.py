"""Python's full garbage collections do not run in the middle of a build (luodi/site/collector.py):
under `mkdocs serve` they run when the server is quiet; a build leaves the collector as it was."""

from __future__ import annotations

import gc
import time

import pytest

from luodi.site import collector as module
from luodi.site.collector import Collector


def _full_collections() -> int:
    return gc.get_stats()[2]["collections"]


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(module, "QUIET", 0.2)
    before = gc.get_threshold()
    yield
    assert gc.get_threshold() == before  # every collector below was closed


def test_a_full_collection_runs_once_the_server_is_quiet(quick):
    served = Collector(serving=True)
    try:
        served.build_starting()
        assert gc.get_threshold()[2] == 2**31 - 1
        served.build_done()
        done = _full_collections()
        time.sleep(0.6)
        assert _full_collections() == done + 1
    finally:
        served.close()


def test_a_build_that_starts_first_puts_the_collection_off(quick):
    served = Collector(serving=True)
    try:
        served.build_starting()
        for _ in range(module.MAX_BUILDS - 1):
            served.build_done()
            done = _full_collections()
            served.build_starting()  # an edit right after the build
            time.sleep(0.4)
            assert _full_collections() == done
        served.build_done()
        served.build_starting()  # too many builds without a quiet moment: collected now
        assert _full_collections() == done + 1
    finally:
        served.close()


def test_a_build_holds_full_collections_and_leaves_the_collector_as_it_was():
    before = gc.get_threshold()
    build = Collector(serving=False)
    build.build_starting()
    assert gc.get_threshold()[2] == 2**31 - 1
    done = _full_collections()
    build.build_done()
    assert gc.get_threshold() == before and _full_collections() == done
