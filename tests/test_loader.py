"""Loader limits that a corpus file cannot show: size cap, alias bombs in time, marks."""

import time

from macros import loader
from macros.cli import main


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

    from macros.validate import load_playbooks

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
