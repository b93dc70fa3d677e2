"""Hostile and unusual input: text that must never run as a template, characters that have no
business in a playbook, and front matter that every YAML reader reads back exactly."""

from __future__ import annotations

import dataclasses
import json
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, build_site, make_project
from mkdocs.utils import meta as mkdocs_meta

from luodi.cli import main
from luodi.read import load_playbooks
from luodi.render import pages
from luodi.render.pages import UnsafePage, page_markdown, page_meta, playbook_pages
from luodi.text import forbidden_in_file, visible, visible_id, yaml_value

PAYLOAD = "{{ cycler.__init__.__globals__.os.popen(dict(id=1)|list|first).read() }}"


def every_code_point_but_surrogates():
    """All of Unicode in chunks of 4,096 code points (surrogates are not text)."""
    for start in range(0, 0x110000, 0x1000):
        chunk = "".join(chr(n) for n in range(start, start + 0x1000)
                        if not 0xD800 <= n <= 0xDFFF)
        if chunk:
            yield chunk


# Classes of characters one by one, besides the whole of Unicode in chunks.
CLASSES = {
    "c0": "".join(map(chr, range(0x20))), "del": "\x7f", "c1": "".join(map(chr, range(0x80, 0xA0))),
    "line-breaks": "a\x85b\u2028c\u2029d\r\ne\rf", "bidi": "\u202a\u202b\u202c\u202d\u202e\u2066"
    "\u2067\u2068\u2069\u200e\u200f", "zero-width": "\u200b\u200c\u200d\u2060\ufeff\u00ad",
    "noncharacters": "\ufdd0\ufdef\ufffe\uffff\U0001fffe\U0010ffff", "private": "\ue000\U000f0000",
    "unassigned": "\u0378\U0002fffd", "spaces": "\u00a0\u3000\u2003 ", "astral": "😀\U00020000",
    "combining": "e\u0301", "yaml": '"\\\': # - --- ... ? | > & * ! % @ ` [ ] { }',
    "template": PAYLOAD + "{% raw %}{# x #}",
}


@pytest.mark.parametrize("text", [*CLASSES.values(), *every_code_point_but_surrogates()],
                         ids=[*CLASSES, *(f"U+{n:04X}" for n in range(0, 0x110000, 0x1000)
                                          if not 0xD800 <= n <= 0xDFFF)])
def test_yaml_value_reads_back_exactly_in_every_yaml_reader(text):
    value = {"title": text, "tags": [text, "x"], "nested": {"t": text}, "flag": False}
    line = f"meta: {yaml_value(value)}\n"
    for loader in (yaml.CSafeLoader, yaml.SafeLoader):
        assert yaml.load(line, Loader=loader) == {"meta": value}
    markdown, meta = mkdocs_meta.get_data(f"---\n{line}---\n\n# body\n")
    assert meta == {"meta": value} and markdown == "# body\n"


def test_a_lone_surrogate_cannot_be_written_as_yaml():
    with pytest.raises(ValueError, match="U\\+D800"):
        yaml_value("a\ud800b")


def hostile_playbook(text: str):
    """The sample playbook with every title, term and label that reaches a page's meta set to
    `text` (built in Python: the reader refuses some of these characters)."""
    pb = load_playbooks(FIXTURES).playbooks["sample"]

    def retitle(obj):
        return dataclasses.replace(obj, title=f"{text}{obj.title}")

    phases = tuple(dataclasses.replace(retitle(p), checklist=[retitle(i) for i in p.checklist])
                   for p in pb.phases)
    roles = tuple(dataclasses.replace(retitle(r), modules=[retitle(m) for m in r.modules])
                  for r in pb.roles)
    return dataclasses.replace(retitle(pb), phases=phases, roles=roles,
                               forms=tuple(retitle(f) for f in pb.forms))


@pytest.mark.parametrize("name", CLASSES)
def test_every_generated_page_keeps_its_meta_whatever_its_titles_hold(name):
    pb = hostile_playbook(CLASSES[name])
    for spec in playbook_pages(pb):
        text = page_markdown(spec, pb)
        _, meta = mkdocs_meta.get_data(text)
        assert meta == page_meta(spec, pb), spec.src
        assert meta["render_macros"] is False
        assert not any(start in text for start in pages.TEMPLATE_STARTS), spec.src


def test_a_renderer_that_writes_a_template_start_is_refused():
    pb = load_playbooks(FIXTURES).playbooks["sample"]
    spec = dataclasses.replace(playbook_pages(pb)[0], render=lambda ctx: "{{ 7*7 }}")
    with pytest.raises(UnsafePage, match="'\\{\\{' at line"):
        page_markdown(spec, pb)


@pytest.fixture
def trainer_payload(tmp_path):
    """The sample project with the reported attack in roles/trainer.yaml."""
    playbooks = tmp_path / "pb"
    shutil.copytree(FIXTURES, playbooks)
    trainer = playbooks / "sample" / "roles" / "trainer.yaml"
    text = trainer.read_text(encoding="utf-8")
    trainer.write_text(text.replace("title: 培训讲师", 'title: "培训讲师\\u0080' + PAYLOAD + '"', 1),
                       encoding="utf-8")
    return make_project(tmp_path / "p", playbooks)


def test_the_reported_injection_is_refused_by_validate_and_build(trainer_payload, tmp_path,
                                                                  capsys, monkeypatch):
    monkeypatch.chdir(trainer_payload)
    assert main(["validate", "--strict", "playbooks"]) == 1
    err = capsys.readouterr().err
    assert ("playbooks/sample/roles/trainer.yaml:2:8: error[bad-character]: this text holds "
            "U+0080 (a C1 control character), written as an escape\n") in err
    done = build_site(trainer_payload, tmp_path / "site")
    assert done.returncode == 1
    assert "U+0080" in done.stderr and "Traceback" not in done.stderr
    assert "uid=" not in done.stderr + done.stdout
    assert not (tmp_path / "site" / "sample" / "roles" / "trainer").exists()


def test_front_matter_that_mkdocs_reads_back_otherwise_fails_the_build(tmp_path, monkeypatch,
                                                                        caplog):
    """The safety net: a serializer that writes front matter mkdocs drops (as json.dumps did
    with U+0080) fails the build instead of letting mkdocs-macros render the page."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    project = make_project(tmp_path / "p", FIXTURES)

    def lossy_title(value):  # the old writer, and a title PyYAML refuses: mkdocs drops the meta
        return json.dumps(value + "\x80" if isinstance(value, str) else value, ensure_ascii=False)

    monkeypatch.setattr(pages, "yaml_value", lossy_title)
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "s"))
    monkeypatch.chdir(project)
    with pytest.raises(Abort):
        build(config)
    assert "sample/index.md: mkdocs did not read back the front matter" in caplog.text
    assert not (tmp_path / "s" / "sample" / "index.html").exists()


def test_validate_refuses_characters_that_have_no_business_in_playbook_text(sample_tree, capsys):
    prep = sample_tree / "phases" / "prep.yaml"
    lines = prep.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace("准备阶段", "准备\u202e阶段")  # a raw bidi override, line 4
    lines[4] = lines[4].replace("打好基础", 'x"').replace("summary: ", 'summary: "打好\\x1b')
    prep.write_text("".join(lines), encoding="utf-8")
    assert main(["validate", "playbooks"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == ("playbooks/sample/phases/prep.yaml:4:10: error[bad-character]: "
                                   "U+202E RIGHT-TO-LEFT OVERRIDE is not allowed in a playbook")


@pytest.mark.parametrize("ch", ["\x00", "\x01", "\x0b", "\x7f", "\x85", "\x9f", "\u2028",
                                "\u2029", "\u202e", "\u2066", "\ufdd0", "\ufffe", "\U0010ffff"])
def test_a_forbidden_character_is_reported_where_an_editor_shows_it(sample_tree, capsys, ch):
    """Line 64, column 9 in the editor, whatever comes before: CR LF endings, a comment with
    Chinese text, and no character that YAML would count as a line break."""
    main_file = sample_tree / "playbook.yaml"
    text = main_file.read_text(encoding="utf-8").replace("\n", "\r\n")
    text += "".join(f"# 注释 {n}\r\n" for n in range(text.count("\n") + 1, 64)) + f"# 注释 {ch}x\r\n"
    main_file.write_text(text, encoding="utf-8", newline="")
    assert main(["validate", "playbooks"]) == 1
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith("playbooks/sample/playbook.yaml:64:6: error[bad-character]: "
                            f"U+{ord(ch):04X}"), first


def test_positions_after_unusual_but_allowed_characters_stay_right():
    from luodi.read.strict import load_text

    text = 'a: "x\\u00a0\u3000😀"\n# 注释：a\u00a0b\nb: [\n'
    (diagnostic,) = load_text(text, "f.yaml").diagnostics
    assert diagnostic.source.line == 4  # the unclosed bracket, at the end


def test_messages_show_invisible_and_control_characters_as_escapes():
    assert visible("pm\u200b") == "pm\\u200b"
    assert visible("pm\x1b]0;title\x07") == "pm\\u001b]0;title\\u0007"
    assert visible("a\nb\tc") == "a\\u000ab\\u0009c"
    assert visible("准备　阶段") == "准备　阶段"
    assert visible_id("pм") == "p\\u043c"
    assert visible_id("项目经理") == "项目经理"


def test_a_reference_with_a_zero_width_space_or_an_escape_sequence_is_shown_escaped(
        sample_tree, capsys):
    prep = sample_tree / "phases" / "prep.yaml"
    text = prep.read_text(encoding="utf-8")
    text = text.replace("  - id: prep-scope\n    title: 用 MoSCoW 法确定范围\n    owner: pm",
                        '  - id: prep-scope\n    title: 用 MoSCoW 法确定范围\n    owner: "pm\u200b"')
    prep.write_text(text, encoding="utf-8")
    assert main(["validate", "playbooks"]) == 1
    err = capsys.readouterr().err
    assert "owner: no role with id 'pm\\u200b' (did you mean 'pm'?)" in err
    assert "\u200b" not in err


def test_the_character_policy_knows_every_class():
    for name in ("c0", "c1", "del", "bidi", "noncharacters"):
        for ch in CLASSES[name]:
            if ch in "\t\n\r" or ch in "\u200e\u200f":
                continue
            assert forbidden_in_file(f"a{ch}b"), (name, unicodedata.name(ch, hex(ord(ch))))
    for name in ("spaces", "astral", "combining", "zero-width", "private", "unassigned"):
        assert forbidden_in_file(CLASSES[name]) is None, name


# ------------------------------------------------------------------ paths that are not files


def test_a_fifo_named_playbook_yaml_is_reported_not_waited_for(tmp_path, capsys):
    import os

    folder = tmp_path / "pb"
    folder.mkdir()
    os.mkfifo(folder / "playbook.yaml")
    assert main(["validate", str(folder)]) == 1  # returns at once: nothing writes to the FIFO
    err = capsys.readouterr().err
    assert "playbook.yaml:1:1: error[unreadable]: this is a named pipe (FIFO), not a file" in err


def test_broken_paths_are_named_with_what_is_wrong(sample_tree, capsys):
    import os

    phases = sample_tree / "phases"
    os.symlink("missing.yaml", phases / "dangling.yaml")
    os.symlink("loop-b.yaml", phases / "loop-a.yaml")
    os.symlink("loop-a.yaml", phases / "loop-b.yaml")
    (phases / "folder.yaml").mkdir()
    os.symlink("nowhere", sample_tree.parent / "linked-playbook")
    shutil.rmtree(sample_tree / "forms")
    (sample_tree / "forms").write_text("not a folder\n", encoding="utf-8")
    (phases / ".#prep.yaml").symlink_to("editor@host.1234")  # an editor's lock file: ignored
    assert main(["validate", "playbooks"]) == 1
    err = capsys.readouterr().err.splitlines()
    expected = [
        "playbooks/linked-playbook:1:1: error[unreadable]: this symbolic link points at "
        "'nowhere', which does not exist",
        "playbooks/sample/forms:1:1: error[unreadable]: this is a file, not a folder",
        "playbooks/sample/phases/dangling.yaml:1:1: error[unreadable]: this symbolic link points "
        "at 'missing.yaml', which does not exist",
        "playbooks/sample/phases/folder.yaml:1:1: error[unreadable]: this is a folder, not a file",
        "playbooks/sample/phases/loop-a.yaml:1:1: error[unreadable]: this symbolic link points, "
        "through others, back at itself",
        "playbooks/sample/phases/loop-b.yaml:1:1: error[unreadable]: this symbolic link points, "
        "through others, back at itself",
    ]
    assert [line for line in err if "error[" in line] == expected, err
    assert not any("no phase" in line or "no form" in line for line in err)


def test_an_unreadable_folder_is_named(sample_tree, capsys, monkeypatch):
    import errno
    import os

    phases = sample_tree / "phases"
    if os.geteuid() == 0:  # root reads any folder: have listing it fail as it does for others
        real = os.scandir

        def scandir(path="."):
            if Path(path).resolve() == phases.resolve():
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        phases.chmod(0)
    try:
        assert main(["validate", "playbooks"]) == 1
    finally:
        phases.chmod(0o755)
    err = capsys.readouterr().err
    assert err.startswith("playbooks/sample/phases:1:1: error[unreadable]: permission denied: "
                          "Luodi cannot read this\n")
    assert "no phase" not in err  # no knock-on errors from the phases that were not read


# ------------------------------------------------------------------ long chains and long ids


def test_a_chain_of_1200_modules_each_requiring_the_next_is_fine(sample_tree, capsys):
    from luodi.render import manual
    from luodi.render.common import Context

    modules = "".join(
        f"  - {{id: chain-{n}, title: 课程{n}, objectives: [学会], format: manual, duration: 5"
        + (f", prerequisites: [chain-{n + 1}]" if n < 1199 else "") + "}\n" for n in range(1200))
    pm = sample_tree / "roles" / "pm.yaml"
    pm.write_text(pm.read_text(encoding="utf-8") + modules, encoding="utf-8")
    assert main(["validate", "playbooks"]) == 0, capsys.readouterr().err
    pb = load_playbooks("playbooks").playbooks["sample"]
    text = manual.render(Context(pb, "sample/roles/pm.md"), pb.role("pm"))
    assert text.index("课程1199") < text.index("课程0")  # prerequisites come first


def test_a_fork_chain_a_thousand_deep_validates(sample_tree, capsys):
    for n in range(1, 1001):
        folder = sample_tree.parent / f"f{n:04d}"
        folder.mkdir()
        parent = "sample" if n == 1 else f"f{n - 1:04d}"
        (folder / "playbook.yaml").write_text(
            f"schema_version: 1\nid: f{n:04d}\nextends: {parent}\ntitle: 分支{n}\n"
            "summary: 分支。\n", encoding="utf-8")
    assert main(["validate", "-q", "playbooks"]) == 0, capsys.readouterr().err[-2000:]


def test_a_long_alias_is_refused_before_it_becomes_a_file_name(sample_tree, capsys):
    prep = sample_tree / "phases" / "prep.yaml"
    prep.write_text(prep.read_text(encoding="utf-8").replace(
        "order: 1\n", f"order: 1\naliases: [{'a' * 260}]\n"), encoding="utf-8")
    assert main(["validate", "playbooks"]) == 1
    assert ("error[long-id]: id 'aaaaaaaaaaaaaaaaaaaaaaaa…' is 260 characters long, over the "
            "limit of 64") in capsys.readouterr().err


# ------------------------------------------------------------------ the site


def test_a_macro_mistake_on_a_hand_written_page_names_the_page_and_line(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES, pages={"guide.md": (
        "---\ntitle: 指南\n---\n\n# 指南\n\n说明\n\n{{ checklist(\"sampel\", \"prep\") }}\n\n"
        "{{ course(\"sample\") }}\n")})
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - 指南: guide.md\n",
                      encoding="utf-8")
    done = build_site(project, tmp_path / "site")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if "error[macro]" in line]
    assert lines == [
        "ERROR   -  docs/guide.md:9:4: error[macro]: checklist(): no playbook 'sampel' (did you "
        "mean 'sample'?); known: sample",
        "docs/guide.md:11:4: error[macro]: course(playbook, module): missing a required "
        "argument: 'module'"], done.stderr


@pytest.mark.parametrize("page, playbook", [("sample.md", "sample"), ("tags.md", "tags")])
def test_a_hand_written_page_at_a_generated_url_is_an_error_naming_both(tmp_path, page,
                                                                        playbook):
    playbooks = tmp_path / "pb"
    shutil.copytree(FIXTURES / "sample", playbooks / playbook)
    main_file = playbooks / playbook / "playbook.yaml"
    main_file.write_text(main_file.read_text(encoding="utf-8").replace(
        "id: sample", f"id: {playbook}", 1), encoding="utf-8")
    project = make_project(tmp_path / "p", playbooks, pages={page: "# 手写\n"})
    done = build_site(project, tmp_path / "site")
    assert done.returncode == 1
    assert (f"docs/{page} and the page of playbook '{playbook}' that Luodi generates "
            f"({playbook}/index.md) would both be published as {playbook}/index.html") \
        in done.stderr


def test_a_malformed_anchor_list_warns_and_is_rebuilt(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES)
    site = tmp_path / "site"
    assert build_site(project, site).returncode == 0
    (site / "anchors.json").write_text('{"version":1,"pages":{"sample/":[1,2]}}',
                                       encoding="utf-8")
    done = build_site(project, site, strict=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "the previous build's anchors.json is unusable" in done.stderr
    data = json.loads((site / "anchors.json").read_text(encoding="utf-8"))
    assert all(isinstance(a, str) for anchors in data["pages"].values() for a in anchors)
    assert build_site(project, site).returncode == 0  # and the next strict build is clean


# ------------------------------------------------------------------ the command line


def test_schema_output_never_overwrites_without_force(tmp_path, capsys):
    out = tmp_path / "schemas"
    assert main(["schema", "-o", str(out)]) == 0
    (out / "phase.schema.json").write_text("mine\n", encoding="utf-8")
    assert main(["schema", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "(use --force to overwrite them); nothing was written" in err
    assert (out / "phase.schema.json").read_text(encoding="utf-8") == "mine\n"
    assert main(["schema", "-o", str(out), "--force"]) == 0
    assert json.loads((out / "phase.schema.json").read_text(encoding="utf-8"))["title"]


def test_schema_output_on_a_full_disk_leaves_every_file_whole(tmp_path, capsys, monkeypatch):
    from conftest import full_disk

    out = tmp_path / "schemas"
    assert main(["schema", "-o", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with full_disk(monkeypatch):
        assert main(["schema", "-o", str(out), "--force"]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no half file, no temp


@pytest.mark.parametrize("value", ["A\u0085B", "A\u2028B", "A\x1bB", "A\u202eB"])
def test_new_refuses_a_value_that_would_not_read_back(sample_tree, capsys, value):
    assert main(["new", "fork", "--from", "sample", "--set", f"project-name={value}"]) == 1
    err = capsys.readouterr().err
    assert f"U+{ord(value[1]):04X}" in err and value[1] not in err
    assert not (sample_tree.parent / "fork").exists()


def test_new_writes_values_that_read_back_exactly(sample_tree, capsys):
    value = "A\u00a0B \"引号\" # 不是注释: 冒号 {{ 模板 }}"
    assert main(["new", "fork", "--from", "sample", "--set", f"project-name={value}",
                 "--title", "分支 'x'"]) == 0
    pb = load_playbooks("playbooks").playbooks["fork"]
    assert pb.variables["project-name"].value == value and pb.title == "分支 'x'"


def test_command_line_errors_do_not_pass_escape_sequences_to_the_terminal(sample_tree, capsys):
    assert main(["explain", "sample", "pm\x1b]0;pwned\x07"]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "pm\\u001b]0;pwned\\u0007" in err
