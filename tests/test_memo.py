"""The two-build memory that `mkdocs serve` rebuilds share (luodi/memo.py): what one build
stored is found by the next, what a build does not ask for is forgotten after it."""

from __future__ import annotations

from luodi.memo import Memo


def test_a_result_lives_one_build_after_the_last_that_used_it():
    memo = Memo()
    memo.put("page", "html")
    memo.next_build()
    assert memo.get("page") == "html" and (memo.hits, memo.misses) == (1, 0)
    memo.next_build()  # used by the build before: still there
    assert memo.get("page") == "html"
    memo.next_build()
    memo.next_build()  # a build that did not ask for it: gone
    assert memo.get("page") is None and memo.misses == 1


def test_this_builds_results_come_first_and_an_older_one_is_brought_up_to_date_once():
    memo = Memo()
    memo.put("text", frozenset({"a"}))
    memo.next_build()
    updates = []

    def carried(found):
        updates.append(found)
        return found | {"b"}

    assert memo.get("text", carried) == {"a", "b"}
    assert memo.get("text", carried) == {"a", "b"}  # kept for this build, not updated again
    assert len(updates) == 1
    memo.put("new", "x")
    assert memo.get("new", carried) == "x" and len(updates) == 1


def test_a_build_can_start_without_the_last_ones_results():
    memo = Memo()
    memo.put("text", "old")
    memo.next_build(keep=False)
    assert memo.get("text") is None
