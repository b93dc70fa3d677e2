"""Loader limits that a corpus file cannot show: size cap, alias bombs in time, marks."""

import time

from luodi.cli import main
from luodi.read import strict as loader


def test_file_over_size_cap_is_refused(sample_tree, capsys, monkeypatch):
    monkeypatch.setattr(loader, "MAX_BYTES", 1000)
    big = sample_tree / "phases" / "prep.yaml"
    big.write_text(big.read_text(encoding="utf-8") + "# " + "x" * 2000 + "\n", encoding="utf-8")
    assert main(["validate", "playbooks"]) == 1
    err = capsys.readouterr().err
    assert "playbooks/sample/phases/prep.yaml:1:1: error[too-large]: file is " in err
    assert "over the 1,000-byte limit" in err


def test_billion_laughs_is_refused_quickly():
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
        for i in range(12))
    start = time.perf_counter()
    result = loader.load_text(text, "bomb.yaml")
    # Not a speed test: expanding this bomb would take minutes and gigabytes; refusing it, ms.
    assert time.perf_counter() - start < 10
    assert result.data is None
    assert [d.code for d in result.diagnostics] == ["alias"]


def test_values_remember_where_they_were_written():
    result = loader.load_text("id: x\nlist:\n  - a\n  - b: 1\n", "f.yaml")
    data = result.data
    assert str(data.where("list")) == "f.yaml:3:3"
    assert str(data["list"].where(1)) == "f.yaml:4:5"
    assert str(data["list"][1].key_sources["b"]) == "f.yaml:4:5"


def test_byte_order_mark_is_accepted():
    result = loader.load_bytes("\ufeffid: x\n".encode(), "bom.yaml")
    assert result.diagnostics == [] and result.data == {"id": "x"}


def test_colons_inside_chinese_text_are_fine():
    result = loader.load_text("id: x\ndetail: 注意：先备份\nnote: |\n  步骤：一\n", "f.yaml")
    assert result.diagnostics == []


def test_loading_leaves_no_reference_cycles_behind():
    # The loaded YAML (hundreds of thousands of small objects at 10,000 items) must be freed
    # when loading ends, not linger as cyclic garbage for the collector (bench/).
    import gc

    from conftest import ROOT

    from luodi.read import load_playbooks

    root = ROOT / "playbooks"
    gc.collect()
    gc.disable()
    try:
        result = load_playbooks(root)
        assert result.ok and "crm-rollout" in result.playbooks  # a fork, merged over its parent
        left = [o for o in gc.get_objects() if isinstance(o, (loader.Map, loader.Seq))]
        assert not left, f"{len(left)} loaded YAML containers still alive"
    finally:
        gc.enable()


def test_too_deep_is_the_same_for_text_and_numbers():
    # The fast path for text values must keep the depth limit that every other value has.
    def nested(value: str) -> str:
        return "".join("  " * n + f"k{n}:\n" for n in range(loader.MAX_DEPTH - 1)) + \
            "  " * (loader.MAX_DEPTH - 1) + f"x: {value}\n"

    for value in ("5", "text"):
        codes = [d.code for d in loader.load_text(nested(value), "deep.yaml").diagnostics]
        assert codes == ["too-deep"], (value, codes)


# Every plain or quoted scalar form the resolver shortcut could get wrong: the strict loader must
# give each the tag PyYAML's own safe loader gives.
_SCALARS = [
    "yes", "No", "on", "OFF", "y", "n", "true", "False", "~", "null", "Null", "", "0", "010",
    "0o17", "0x1F", "1_000", "+1", "-2", "1.10", ".5", "-.inf", ".NaN", "1e3", "190:20:30",
    "2024-01-02", "2024-1-2 10:00:00", "=", "<<", "title", "标题", "owner", "t", "o", "f",
    "'yes'", '"010"', "'2024-01-02'", "R&D", "n/a", "No.1", "1.2.3", "[1, y]", "{a: on}",
]


def test_the_resolver_shortcut_reads_scalars_as_pyyaml_does():
    import yaml

    def tags(node):
        if isinstance(node, yaml.ScalarNode):
            return node.tag
        if isinstance(node, yaml.SequenceNode):
            return node.tag, [tags(n) for n in node.value]
        return node.tag, [(tags(k), tags(v)) for k, v in node.value]

    for scalar in _SCALARS:
        text = f"k: {scalar}\n"
        ours = tags(yaml.compose(text, Loader=loader._Loader))
        assert ours == tags(yaml.compose(text, Loader=yaml.SafeLoader)), scalar
    assert tags(yaml.compose("k: [1, on]\n", Loader=loader._Loader))[1][0][1][1] == [
        "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool"]  # the walk does reach nested nodes


def test_rules_registered_on_pyyaml_later_do_not_change_playbooks(monkeypatch):
    import re

    import yaml

    for cls in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        rules = {k: list(v) for k, v in cls.yaml_implicit_resolvers.items()}
        monkeypatch.setattr(cls, "yaml_implicit_resolvers", rules)
        yaml.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^ok$"), list("o"),
                                   Loader=cls)
    assert loader.load_text("id: x\nstatus: ok\n", "f.yaml").data == {"id": "x", "status": "ok"}


def test_a_typo_after_chinese_colons_is_still_found():
    # The quick look skips lines whose full-width colon is inside a value; the typo further
    # down, and one on a last line without a newline, must still be reported.
    text = "id: x\ndetail: 注意：先备份\nsummary: 说明：无\ntitle：准备"
    for ending in ("", "\n"):
        result = loader.load_text(text + ending, "f.yaml")
        assert [(d.code, str(d.source)) for d in result.diagnostics] == \
            [("fullwidth-colon", "f.yaml:4:6")], repr(ending)


def test_an_alias_is_found_beside_text_with_an_ampersand():
    # Text such as "A & B" or "R&D" does not turn alias tracking off: a real alias still fails.
    for text in ("title: A & B\nx: &a [1]\ny: *a\n", "title: R&D\nx: &a [1]\ny: *a\n",
                 "title: A & B\nx: &a text\ny: *a\n"):
        result = loader.load_text(text, "f.yaml")
        assert [d.code for d in result.diagnostics] == ["alias"], text
    assert loader.load_text("title: A & B\nnote: R&D\n", "f.yaml").data == {
        "title": "A & B", "note": "R&D"}


def test_each_file_is_read_once(monkeypatch):
    # Also when one fork's folder is given: its playbook.yaml is read to find its parent, and
    # that reading is the one used.
    from collections import Counter

    from conftest import ROOT

    from luodi import read
    from luodi.read import folders

    reads: Counter = Counter()
    real = folders.load_file

    def counting(path, display=None, memo=None):
        reads[str(path)] += 1
        return real(path, display, memo)

    monkeypatch.setattr(folders, "load_file", counting)
    for target in (ROOT / "playbooks", ROOT / "playbooks" / "crm-rollout"):
        reads.clear()
        result = read.load_playbooks(target)
        assert result.ok and "crm-rollout" in result.playbooks
        assert reads and max(reads.values()) == 1, [p for p, n in reads.items() if n > 1]


def test_a_load_that_remembers_the_last_one_parses_only_changed_files(sample_tree):
    from luodi.memo import Memo
    from luodi.read import load_playbooks

    memo = Memo()
    first = load_playbooks("playbooks", memo)
    files = memo.hits + memo.misses
    assert first.ok and memo.hits == 0 and files >= 6

    memo.next_build()
    again = load_playbooks("playbooks", memo)
    assert (memo.hits, memo.misses) == (files, 0)
    assert again.playbooks == first.playbooks

    # An edit is seen, and only the edited file is parsed again.
    prep = sample_tree / "phases" / "prep.yaml"
    prep.write_text(prep.read_text(encoding="utf-8").replace("准备阶段", "准备"), encoding="utf-8")
    memo.next_build()
    edited = load_playbooks("playbooks", memo)
    assert memo.misses == 1
    assert edited.playbooks["sample"].phases[0].title == "准备"

    # A file broken by an edit is reported at every load, remembered or not.
    prep.write_text("id: prep\ntitle: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        memo.next_build()
        broken = load_playbooks("playbooks", memo)
        assert not broken.ok
        assert [d.code for d in broken.diagnostics if d.source.path.endswith("prep.yaml")] \
            == ["yaml-syntax"]
    assert memo.hits == files  # the second time, nothing was parsed again

    # A deleted file is forgotten: its object is gone from the playbook.
    (sample_tree / "roles" / "trainer.yaml").unlink()
    memo.next_build()
    assert "trainer" not in {r.id for r in load_playbooks("playbooks", memo).playbooks[
        "sample"].roles}


def test_a_load_that_remembers_builds_again_only_the_playbooks_whose_files_changed(
        tmp_path, monkeypatch):
    """With both memories (`mkdocs serve`), a playbook none of whose files nor its parent's
    changed is the very object of the last load; after every edit the result is that of a load
    that remembers nothing."""
    import shutil

    from conftest import ROOT

    from luodi.memo import Memo
    from luodi.read import load_playbooks

    shutil.copytree(ROOT / "playbooks", tmp_path / "playbooks")
    shutil.copytree(tmp_path / "playbooks" / "crm-rollout", tmp_path / "playbooks" / "crm-two")
    main_file = tmp_path / "playbooks" / "crm-two" / "playbook.yaml"
    main_file.write_text(main_file.read_text(encoding="utf-8").replace(
        "id: crm-rollout", "id: crm-two"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    files, built = Memo(), Memo()

    def load():
        files.next_build()
        built.next_build()
        remembered, fresh = load_playbooks("playbooks", files, built), load_playbooks("playbooks")
        assert remembered.diagnostics == fresh.diagnostics
        assert remembered.playbooks == fresh.playbooks
        assert {k: pb.changes for k, pb in remembered.playbooks.items()} \
            == {k: pb.changes for k, pb in fresh.playbooks.items()}
        return remembered.playbooks, remembered.diagnostics

    def edit(path: str, old: str, new: str):
        file = tmp_path / "playbooks" / path
        text = file.read_text(encoding="utf-8")
        assert old in text
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    first, _ = load()
    assert {"standard", "crm-rollout", "crm-two"} <= set(first)
    again, _ = load()
    assert all(again[k] is first[k] for k in first) and built.hits == len(first)

    # One fork's file: that fork alone is built again.
    edit("crm-two/phases/preparation.yaml", "为客户主数据指定业务负责人", "为客户主数据指定负责人")
    forked, _ = load()
    assert forked["crm-two"] is not again["crm-two"]
    assert [k for k in first if forked[k] is again[k]] == [k for k in first if k != "crm-two"]
    assert [item.title for item in forked["crm-two"].phase("preparation").checklist
            if item.id == "crm-customer-data-owner"] == ["为客户主数据指定负责人"]

    # The parent's file: the parent and each of its forks.
    edit("standard/playbook.yaml", "\ntitle: ", "\ntitle: 新")
    parent, _ = load()
    assert all(parent[k] is not forked[k] for k in ("standard", "crm-rollout", "crm-two"))

    # A fork's file broken by an edit is reported at every load; the others are not touched.
    edit("crm-two/phases/preparation.yaml", "checklist:", "checklist: [")
    for _ in range(2):
        broken, diagnostics = load()
        assert [d.code for d in diagnostics if d.severity == "error"] == ["yaml-syntax"]
        assert broken["crm-rollout"] is parent["crm-rollout"]
