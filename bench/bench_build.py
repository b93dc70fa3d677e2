#!/usr/bin/env python3
"""Benchmark: what Luodi's page generation costs on top of mkdocs + Material, at several sizes.

For each size it writes a synthetic playbooks/ folder into a temporary directory and three mkdocs
projects that differ only in how the playbook pages come to exist:

  A  "luodi"  the repo's mkdocs.yml (luodi + macros plugins): Luodi loads, validates and
              generates the pages during the build;
  B  "plain"  the SAME pages, written beforehand with `page_markdown` as plain Markdown files
              into docs/, built with the same theme, markdown_extensions, search and tags
              config and an equivalent nav, but without the luodi and macros plugins. This is
              the floor: what mkdocs + Material cost anyway.
  C  "macros" B plus the mkdocs-macros plugin with no module of macros: what mkdocs-macros
              costs by itself. A/C is then Luodi's own share, C/B mkdocs-macros' share.

Builds are interleaved (A B C A B C ...) and medians are reported, so that the noise of a shared
machine hits both sides alike. It also measures `luodi validate` on a playbook of >= 10,000
checklist items and the rebuild time of `mkdocs serve` after a playbook edit on the default
site, and can profile one Luodi build (--profile 10).

Run from the repository root:  python bench/bench_build.py [--quick] [--sizes 1,10,50,forks20]
Nothing is written outside a temporary directory, which is removed at the end.
"""

from __future__ import annotations

import argparse
import compileall
import dataclasses
import datetime
import json
import math
import os
import platform
import pstats
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import typing
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
STANDARD = REPO / "playbooks" / "standard"
sys.path.insert(0, str(REPO))  # the repo's `luodi` package (normally pip-installed -e anyway)

from luodi.fields import schema_fields, unwrap_optional  # noqa: E402
from luodi.model import ID_PATTERN  # noqa: E402
from luodi.model import PART_FOLDERS as FOLDERS  # noqa: E402
from luodi.output import plugin_name, read_config, write_config  # noqa: E402
from luodi.read import load_playbooks  # noqa: E402
from luodi.render.pages import page_markdown, playbook_pages  # noqa: E402

MB = 1024 * 1024
# References that point into phases/, roles/ and forms/: copies of those files get suffixed ids,
# so references from a copy point into the same copy. kpi and variable references point at
# playbook.yaml, which is not copied.
COPIED_REFS = {"role", "module", "item", "phase"}
BUILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

_children: list[subprocess.Popen] = []  # running child processes, stopped on any exit


class BenchError(Exception):
    """A build or check failed: the message says which and shows the end of its log."""


# ------------------------------------------------------------------ synthetic playbooks


def _suffix_data(cls: type, data: dict, sfx: str, title_sfx: str,
                 refs: set[str] = COPIED_REFS) -> dict:
    """A copy of one object's YAML data with its ids and references suffixed by `sfx`."""
    fields = {name: (tp, f) for name, tp, f in schema_fields(cls)}
    out = {}
    for key, value in data.items():
        tp, f = fields[key]
        out[key] = _suffix_value(tp, f, value, sfx, title_sfx, refs)
    if title_sfx and "title" in out and cls.__name__ in ("Phase", "Role", "Form", "Module"):
        out["title"] = f"{out['title']}{title_sfx}"
    return out


def _suffix_value(tp, f, value, sfx: str, title_sfx: str, refs: set[str]):
    tp = unwrap_optional(tp)
    if value is None:
        return None
    if typing.get_origin(tp) is list:
        (item_tp,) = typing.get_args(tp)
        return [_suffix_value(item_tp, f, v, sfx, title_sfx, refs) for v in value]
    if dataclasses.is_dataclass(tp):
        return _suffix_data(tp, value, sfx, title_sfx, refs)
    if typing.get_origin(tp) is dict and f.metadata.get("ref") in refs:  # ids as keys (parties)
        return {key + sfx: v for key, v in value.items()}
    if isinstance(value, str) and value and (
            f.metadata.get("pattern") == ID_PATTERN or f.metadata.get("ref") in refs):
        return value + sfx
    return value


def _dump(data: dict, path: Path) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120),
                    encoding="utf-8")


def write_scaled(root: Path, copies: int, playbook_id: str = "standard",
                 parts: tuple[str, ...] = tuple(FOLDERS)) -> None:
    """playbooks/<id>/ = the standard playbook with its phases, roles (and their modules) and
    forms present `copies` times: copy 0 is the original, copy j has ids suffixed '-x<j>'.
    With parts=("phases",) only the phases (and so the checklist items) are multiplied."""
    refs = COPIED_REFS
    if tuple(parts) == ("phases",):
        refs = {"item", "phase"}  # items keep pointing at the one set of roles and modules
    dst = root / playbook_id
    shutil.copytree(STANDARD, dst)
    if playbook_id != "standard":
        _set_playbook_id(dst, playbook_id)
    originals = {sub: [(p, yaml.safe_load(p.read_text(encoding="utf-8")))
                       for p in sorted((STANDARD / sub).glob("*.y*ml"))] for sub in FOLDERS}
    max_order = max((d.get("order", 0) for _, d in originals["phases"]), default=0)
    for j in range(1, copies):
        sfx, title_sfx = f"-x{j}", f" · {j + 1}"
        for sub, cls in FOLDERS.items():
            if sub not in parts:
                continue
            for path, data in originals[sub]:
                new = _suffix_data(cls, data, sfx, title_sfx, refs)
                if cls.__name__ == "Phase":  # orders must stay unique and in roadmap order
                    new["order"] = data["order"] + j * (max_order + 1)
                _dump(new, dst / sub / f"{new['id']}{path.suffix}")


def _set_playbook_id(folder: Path, playbook_id: str) -> None:
    main = folder / "playbook.yaml"
    text, n = re.subn(r"(?m)^id:\s*\S+\s*$", f"id: {playbook_id}",
                      main.read_text(encoding="utf-8"), count=1)
    if n != 1:
        raise BenchError(f"cannot find the top-level 'id:' line of {folder.name}/playbook.yaml")
    text = re.sub(r"(?m)^title:[ \t]*(\S.*)$", lambda m: f"title: {m.group(1)}（{playbook_id}）",
                  text, count=1)
    main.write_text(text, encoding="utf-8")


FORK_TEMPLATE = REPO / "playbooks" / "crm-rollout"  # an example fork (extends: standard)


def forks_supported() -> bool:
    return (FORK_TEMPLATE / "playbook.yaml").exists() and re.search(
        r"(?m)^extends:\s*standard\s*$",
        (FORK_TEMPLATE / "playbook.yaml").read_text(encoding="utf-8")) is not None


def write_forks(root: Path, count: int) -> None:
    """The standard playbook and `count` forks of it (add_forks)."""
    write_scaled(root, 1, "standard")
    add_forks(root, count)


def add_forks(root: Path, count: int) -> None:
    """root/fork-01 … fork-<count>: forks of the standard playbook (`extends: standard`), each a
    copy of the repository's example fork playbooks/crm-rollout under another id."""
    for k in range(1, count + 1):
        dst = root / f"fork-{k:02d}"
        shutil.copytree(FORK_TEMPLATE, dst)
        _set_playbook_id(dst, dst.name)


def write_copies(root: Path, count: int) -> None:
    """`count` plain copies of the standard playbook under different ids (no `extends:`)."""
    write_scaled(root, 1, "standard")
    for k in range(2, count + 1):
        write_scaled(root, 1, f"copy-{k:02d}")


@dataclasses.dataclass
class Size:
    name: str  # "1x", "10x", "forks20", "copies20"
    copies: int = 1
    forks: int = 0
    plain_copies: int = 0

    @classmethod
    def parse(cls, text: str) -> Size:
        text = text.strip().lower()
        if m := re.fullmatch(r"forks?(\d+)", text):
            if not forks_supported():
                # Forks are not available in this version: plain copies stand in for them.
                return cls(f"copies{m.group(1)}", plain_copies=int(m.group(1)))
            return cls(f"forks{m.group(1)}", forks=int(m.group(1)))
        if m := re.fullmatch(r"cop(?:y|ies)(\d+)", text):
            return cls(f"copies{m.group(1)}", plain_copies=int(m.group(1)))
        if m := re.fullmatch(r"(\d+)x?", text):
            return cls(f"{int(m.group(1))}x", copies=int(m.group(1)))
        raise argparse.ArgumentTypeError(
            f"unknown size '{text}' (use e.g. 1, 10, 50, forks20, copies20)")

    def write(self, root: Path) -> None:
        root.mkdir(parents=True)
        if self.forks:
            write_forks(root, self.forks)
        elif self.plain_copies:
            write_copies(root, self.plain_copies)
        else:
            write_scaled(root, self.copies)


# ------------------------------------------------------------------ mkdocs.yml round trip


def repo_config() -> dict:
    return read_config(REPO / "mkdocs.yml")


def _filter_nav(nav, docs: Path):
    """Keep the nav entries whose page exists in docs/ (and external links); drop empty sections."""
    out = []
    for entry in nav:
        title, value = (None, entry) if not isinstance(entry, dict) else next(iter(entry.items()))
        if isinstance(value, list):
            value = _filter_nav(value, docs)
            if not value:
                continue
        elif isinstance(value, str) and "://" not in value and not (docs / value).exists():
            continue
        out.append(value if title is None else {title: value})
    return out


INDEX_MD = """---
title: 首页
---

# 基准测试 Benchmark

合成的实施手册（synthetic playbooks），由 bench/bench_build.py 生成。
"""


def write_projects(base: Path, playbooks: Path, features: list[str] = (),
                   hand_written: Path | None = None) -> tuple[Path, Path, Path, dict]:
    """The three mkdocs projects of one size; returns (luodi, plain, macros dirs, facts).
    `features`: extra theme features for all sides (an experiment, e.g. navigation.prune).
    `hand_written`: a docs/ folder whose pages all sides get (default: a home page and tags)."""
    config = _with_features(repo_config(), list(features))
    tags_md = REPO / "docs" / "tags.md"
    facts: dict = {}

    # A: the repo's config, Luodi generating the pages.
    a = base / "luodi"
    if hand_written is not None:
        shutil.copytree(hand_written, a / "docs")
    else:
        (a / "docs").mkdir(parents=True)
        (a / "docs" / "index.md").write_text(INDEX_MD, encoding="utf-8")
        if tags_md.exists():
            shutil.copy(tags_md, a / "docs" / "tags.md")
    shutil.copytree(playbooks, a / "playbooks")
    # mkdocs-macros' `module_name: macros` imports the macros/ found in the project folder: the
    # project gets the repository's, which hands over to Luodi's macros (the `luodi` package of
    # this run, from the snapshot on PYTHONPATH).
    shutil.copytree(REPO / "macros", a / "macros", ignore=shutil.ignore_patterns("__pycache__"))
    cfg_a = dict(config, docs_dir="docs")
    cfg_a.pop("site_dir", None)
    plugins_a = []
    for entry in config.get("plugins", []):
        if plugin_name(entry) == "luodi":
            options = dict(entry["luodi"] or {}) if isinstance(entry, dict) else {}
            entry = {"luodi": {**options, "playbooks": "playbooks"}}
        plugins_a.append(entry)
    if "luodi" not in [plugin_name(e) for e in plugins_a]:
        raise BenchError("the repo's mkdocs.yml has no 'luodi' plugin")
    cfg_a["plugins"] = plugins_a
    nav = _filter_nav(config.get("nav") or [], a / "docs")
    if nav:
        cfg_a["nav"] = nav
    else:
        cfg_a.pop("nav", None)
    write_config(cfg_a, a / "mkdocs.yml")

    # B: the same pages as plain Markdown, no luodi/macros plugin.
    b = base / "plain"
    shutil.copytree(a / "docs", b / "docs")  # the hand-written pages
    result = load_playbooks(a / "playbooks")
    if not result.ok:
        raise BenchError("synthetic playbooks are invalid:\n" + "\n".join(
            d.format() for d in result.diagnostics[:20]))
    directory_urls = config.get("use_directory_urls", True)
    pages = {spec.src: page_markdown(spec, pb, directory_urls)
             for pb in result.playbooks.values() for spec in playbook_pages(pb)}
    for src, text in pages.items():
        out = b / "docs" / src
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    # What else the plugin adds (assets such as luodi.css, nav sections, extra_css/javascript,
    # extra settings) is taken from the plugin itself, so the floor follows it as it changes.
    extra = _plugin_additions(a / "mkdocs.yml", pages)
    for src, content in extra["files"].items():
        out = b / "docs" / src
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
    cfg_b = dict(config, docs_dir="docs")
    cfg_b.pop("site_dir", None)
    cfg_b["plugins"] = [e for e in config.get("plugins", [])
                        if plugin_name(e) not in ("luodi", "macros")]
    for key in ("nav", "extra_css", "extra_javascript", "extra"):
        if extra[key]:
            cfg_b[key] = extra[key]
    write_config(cfg_b, b / "mkdocs.yml")

    # C: B plus mkdocs-macros, with the repo's options but no module (the module is Luodi's).
    c = base / "macros"
    c.mkdir()
    macros_entry = next((e for e in config.get("plugins", []) if plugin_name(e) == "macros"),
                        "macros")
    options = dict(macros_entry["macros"] or {}) if isinstance(macros_entry, dict) else {}
    # The default module, main.py, holds only stand-ins for Luodi's macros, which the
    # hand-written pages call (tag_index() …): each gives nothing, so that C measures what
    # mkdocs-macros costs by itself.
    options.pop("module_name", None)
    from luodi.render.embed import macro_functions

    names = sorted([*macro_functions({}, lambda: "index.md", True), "format_reference",
                    "diagnostic_codes"])
    (c / "main.py").write_text(
        "def define_env(env):\n"
        f"    for name in {names!r}:\n"
        "        env.macro(lambda *args, **kwargs: '', name)\n", encoding="utf-8")
    cfg_c = dict(cfg_b, docs_dir=str(b / "docs"), plugins=[*cfg_b["plugins"],
                                                           {"macros": options}])
    write_config(cfg_c, c / "mkdocs.yml")

    facts.update(
        playbooks=len(result.playbooks), generated_pages=len(pages),
        assets=len(extra["files"]),
        items=sum(len(pb.items()) for pb in result.playbooks.values()),
        modules=sum(len(pb.modules()) for pb in result.playbooks.values()),
    )
    return a, b, c, facts


def _plugin_additions(config_file: Path, pages: dict[str, str]) -> dict:
    """Run only the luodi plugin's on_config and on_files on project A's config (in this
    process, no build) and return what it adds besides the pages; check that its pages are
    exactly the ones `page_markdown` wrote."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    cwd = os.getcwd()
    os.chdir(config_file.parent)
    try:
        cfg = load_config(str(config_file))
        before = {"extra_css": list(cfg.extra_css),
                  "extra_javascript": [_script(x) for x in cfg.extra_javascript],
                  "extra": dict(cfg.extra)}
        plugin = cfg.plugins["luodi"]
        cfg.plugins._current_plugin = "luodi"  # as mkdocs' run_event sets it
        cfg = plugin.on_config(cfg) or cfg
        files = plugin.on_files(Files([]), config=cfg) or Files([])
        plugin.downloads.write(plugin.work)  # what on_env does in a build: downloads are made
        generated = {f.src_uri: f.content_bytes for f in files}
        plugin.work.close()
    except Exception as exc:  # noqa: BLE001 - report any failure of the plugin as a bench error
        raise BenchError(f"the luodi plugin failed on the synthetic project: {exc}") from exc
    finally:
        os.chdir(cwd)
    mismatched = [src for src, text in pages.items()
                  if generated.get(src) != text.encode("utf-8")]
    if mismatched:
        raise BenchError(f"{len(mismatched)} page(s) differ between the plugin and page_markdown, "
                         f"e.g. {mismatched[0]}: the floor would not be the same site")
    extra_pages = [src for src in generated if src.endswith(".md") and src not in pages]
    if extra_pages:
        raise BenchError(f"the plugin generates pages that playbook_pages does not list, e.g. "
                         f"{extra_pages[0]}")
    out = {"files": {src: data for src, data in generated.items() if src not in pages},
           "nav": _plain(cfg.nav) if cfg.nav else None,
           "extra_css": list(cfg.extra_css),
           "extra_javascript": [_script(x) for x in cfg.extra_javascript],
           "extra": _plain(dict(cfg.extra))}
    for key in ("extra_css", "extra_javascript", "extra"):
        if out[key] == before[key]:
            out[key] = None
    return out


def _script(value):
    """An extra_javascript entry as mkdocs.yml writes it."""
    if isinstance(value, str):
        return value
    entry = {"path": value.path}
    if value.type:
        entry["type"] = value.type
    if value.defer:
        entry["defer"] = True
    if value.async_:
        entry["async"] = True
    return entry["path"] if len(entry) == 1 else entry


def _plain(value):
    """Config values as plain YAML data (mkdocs wraps some of them)."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


PACKAGE = REPO / "luodi"  # replaced by a snapshot in a run (see snapshot_package)


def snapshot_package(tmp: Path) -> None:
    """Build against a copy of luodi/ taken at the start, so that edits made to the working
    tree during a long run cannot change (or break) the code half-way through."""
    global PACKAGE
    dst = tmp / "package" / "luodi"
    shutil.copytree(REPO / "luodi", dst, ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(dst, quiet=1)  # as an installed package would be
    PACKAGE = dst
    BUILD_ENV["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(dst.parent), BUILD_ENV.get("PYTHONPATH", "")) if p)


def _link_package(dst: Path) -> None:
    src = PACKAGE.resolve()
    try:
        dst.symlink_to(src, target_is_directory=True)
    except OSError:  # no symlinks here: a copy without caches does the same
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))


def _with_features(cfg: dict, features: list[str]) -> dict:
    if not features:
        return cfg
    theme = dict(cfg.get("theme") or {})
    theme["features"] = [*theme.get("features", []), *features]
    return dict(cfg, theme=theme)


# ------------------------------------------------------------------ running things


@dataclasses.dataclass
class Run:
    seconds: float  # wall clock
    max_rss_mb: float
    log: str
    cpu_seconds: float = 0.0  # user + system time of the child: less sensitive to other load


def run(cmd: list[str], cwd: Path, what: str, log_file: Path, timeout: float = 3600) -> Run:
    """Run a child to completion; its wall time and peak RSS (from wait4 on exactly this child).
    Raises BenchError with the end of its log if it fails."""
    with open(log_file, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=BUILD_ENV)
        _children.append(proc)
        deadline = start + timeout
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    raise BenchError(f"{what}: no result after {timeout:.0f} s")
                time.sleep(0.01)
        except BaseException:  # timeout, Ctrl-C, SIGTERM: stop the child before going on
            _stop_child(proc)
            raise
        finally:
            _children.remove(proc)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = log_file.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        tail = "\n".join(text.splitlines()[-25:])
        raise BenchError(f"{what} failed (exit code {proc.returncode}):\n{tail}")
    # ru_maxrss is in KiB on Linux
    return Run(seconds, usage.ru_maxrss / 1024, text, usage.ru_utime + usage.ru_stime)


def mkdocs_build(project: Path, site: Path, what: str, logs: Path) -> Run:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
           "--config-file", "mkdocs.yml", "--site-dir", str(site)]
    return run(cmd, project, what, logs / f"{what.replace(' ', '-')}.log")


def luodi_validate(path: Path, cwd: Path, what: str, logs: Path) -> Run:
    exe = Path(sys.executable).with_name("luodi")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "luodi.cli"]
    return run([*cmd, "validate", str(path)], cwd, what, logs / f"{what.replace(' ', '-')}.log")


def tree_size(path: Path) -> tuple[int, int]:
    """(bytes, HTML pages) of a built site."""
    total = pages = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(dirpath, name))
            pages += name.endswith(".html")
    return total, pages


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def log_line(text: str) -> None:
    print(text, flush=True)


# ------------------------------------------------------------------ the measurements


def bench_size(size: Size, tmp: Path, repeat: int, features: list[str] = ()) -> dict:
    base = tmp / size.name
    logs = base / "logs"
    size.write(base / "playbooks")
    logs.mkdir(parents=True)
    a, b, c, facts = write_projects(base, base / "playbooks", features)
    row = {"size": size.name, **facts}
    log_line(f"[{size.name}] {facts['playbooks']} playbook(s), {facts['items']} items, "
             f"{facts['modules']} modules, {facts['generated_pages']} generated pages")

    validate, load, render = [], [], []
    for r in range(repeat):
        validate.append(luodi_validate(a / "playbooks", a, f"validate {size.name} {r}",
                                       logs).seconds)
        out = run([sys.executable, "-c", _GENERATE_SNIPPET, str(a / "playbooks")], a,
                  f"generate {size.name} {r}", logs / f"generate-{size.name}-{r}.log")
        load_s, render_s = map(float, out.log.split()[-2:])
        load.append(load_s)
        render.append(render_s)
    row["validate_s"] = median(validate)
    # Luodi's own work, each time in a fresh process: one measurement inside this long-lived
    # process once gave 3.45x per item at 10x against 1x, and 0.94x the next run.
    row["load_s"], row["render_s"] = median(load), median(render)
    row["load_all_s"] = [round(x, 3) for x in load]
    row["render_all_s"] = [round(x, 3) for x in render]

    runs: dict[str, list[Run]] = {"luodi": [], "plain": [], "macros": []}
    sizes: dict[str, tuple[int, int, int]] = {}
    for r in range(repeat):
        for side, project in (("luodi", a), ("plain", b), ("macros", c)):  # A B C A B C ...
            site = base / f"site-{side}-{r}"
            result = mkdocs_build(project, site, f"build {side} {size.name} {r}", logs)
            runs[side].append(result)
            index = site / "search" / "search_index.json"
            total, html_pages = tree_size(site)
            sizes[side] = (total, index.stat().st_size if index.exists() else 0, html_pages)
            shutil.rmtree(site)  # keep the disk use to one site at a time
            log_line(f"  run {r + 1}/{repeat} {side:6s} {result.seconds:7.2f} s  "
                     f"(CPU {result.cpu_seconds:7.2f} s)  peak RSS {result.max_rss_mb:6.0f} MB")
    for side in runs:
        row[f"{side}_s"] = median([x.seconds for x in runs[side]])
        row[f"{side}_all_s"] = [round(x.seconds, 2) for x in runs[side]]
        row[f"{side}_cpu_s"] = median([x.cpu_seconds for x in runs[side]])
        row[f"{side}_rss_mb"] = max(x.max_rss_mb for x in runs[side])
        row[f"{side}_site_bytes"], row[f"{side}_index_bytes"], row[f"{side}_html"] = sizes[side]
    row["ratio"] = row["luodi_s"] / row["plain_s"]
    row["cpu_ratio"] = row["luodi_cpu_s"] / row["plain_cpu_s"]
    row["own_ratio"] = row["luodi_s"] / row["macros_s"]  # Luodi's own share
    row["macros_ratio"] = row["macros_s"] / row["plain_s"]  # mkdocs-macros' own share
    ratios = [x.seconds / y.seconds for x, y in zip(runs["luodi"], runs["plain"], strict=True)]
    row["ratio_pairs"] = [round(x, 3) for x in ratios]
    row["own_ratio_pairs"] = [round(x.seconds / y.seconds, 3)
                              for x, y in zip(runs["luodi"], runs["macros"], strict=True)]
    shutil.rmtree(base)
    return row


# Luodi's in-process work of a build: load and validate, then every page's Markdown. Timed the
# second time: the first pays for imports done on first use (pypinyin's tables …), the same at
# every size, which would make the work per item look smaller the larger the playbook.
_GENERATE_SNIPPET = """
import sys, time
from luodi.read import load_playbooks
from luodi.render.pages import page_markdown, playbook_pages
for _ in range(2):
    # What Luodi's functions remember (escaped texts) lasts one build process: forgotten here,
    # so that the second pass does what a build does, without the first pass's imports.
    for module in [m for name, m in sys.modules.items() if name.startswith("luodi")]:
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    t0 = time.perf_counter()
    result = load_playbooks(sys.argv[1])
    t1 = time.perf_counter()
    for pb in result.playbooks.values():
        for spec in playbook_pages(pb):
            page_markdown(spec, pb)
    t2 = time.perf_counter()
    del result
print(t1 - t0, t2 - t1)
"""

_LOAD_SNIPPET = """
import sys, time
from luodi.read import load_playbooks
t0 = time.perf_counter()
result = load_playbooks(sys.argv[1])
seconds = time.perf_counter() - t0
print(seconds, sum(len(pb.items()) for pb in result.playbooks.values()), result.ok)
"""


# The parse floor of validation: the same files read and loaded with PyYAML's C loader, no checks.
_YAML_FLOOR_SNIPPET = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
"""


def bench_validate_items(tmp: Path, items: int, repeat: int, parts: tuple[str, ...]) -> dict:
    """`luodi validate` of one playbook with >= `items` checklist items: the standard playbook
    with `parts` (phases, roles, forms) multiplied until the items are enough. Each run is
    paired with a plain load of the same files with PyYAML's C loader (its parse floor), each
    in a fresh process, taken in turn."""
    per_copy = len(load_playbooks(STANDARD).playbooks["standard"].items())
    copies = math.ceil(items / per_copy)
    base = tmp / "validate-big"
    write_scaled(base / "playbooks", copies, parts=parts)
    logs = base / "logs"
    logs.mkdir()
    cli, floor = [], []
    for r in range(repeat):
        cli.append(luodi_validate(base / "playbooks", base, f"validate-big {r}", logs).seconds)
        floor.append(run([sys.executable, "-c", _YAML_FLOOR_SNIPPET, str(base / "playbooks")],
                         base, f"yaml floor {r}", logs / f"yaml-floor-{r}.log").seconds)
    # load_playbooks alone (no interpreter start-up, no imports), each in a fresh process.
    inproc, count = [], 0
    for r in range(repeat):
        out = run([sys.executable, "-c", _LOAD_SNIPPET, str(base / "playbooks")], base,
                  f"load_playbooks {r}", logs / f"load-{r}.log")
        seconds, count, ok = out.log.split()[-3:]
        if ok != "True":
            raise BenchError(f"the {items}-item playbook is invalid: see luodi validate")
        inproc.append(float(seconds))
        count = int(count)
    files = sum(1 for _ in (base / "playbooks").rglob("*.yaml"))
    megabytes = sum(p.stat().st_size for p in (base / "playbooks").rglob("*.yaml")) / MB
    shutil.rmtree(base)
    return {"parts": "+".join(parts), "items": count, "copies": copies, "files": files,
            "yaml_mb": megabytes, "cli_s": median(cli),
            "inprocess_s": median(inproc), "cli_all_s": [round(x, 2) for x in cli],
            "yaml_floor_s": median(floor), "yaml_floor_all_s": [round(x, 2) for x in floor],
            "floor_ratio": median(cli) / median(floor),
            "floor_ratio_pairs": [round(x / y, 3) for x, y in zip(cli, floor, strict=True)]}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """`mkdocs serve` of one project, with its output read line by line as it comes."""

    def __init__(self, project: Path, patience: float = 120):
        self.patience = patience  # seconds a rebuild may take before the bench gives up
        address = f"127.0.0.1:{_free_port()}"
        self.url = f"http://{address}/"
        cmd = [sys.executable, "-m", "mkdocs", "serve", "--config-file", "mkdocs.yml",
               "--dev-addr", address]
        # mkdocs serve builds into a temporary folder of its own: keep it inside ours, so that
        # it goes away with ours even if the server does not get to remove it.
        (project / "tmp").mkdir()
        env = {**BUILD_ENV, "TMPDIR": str(project / "tmp")}
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, cwd=project, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                     start_new_session=True)
        _children.append(self.proc)
        self.lines: queue.Queue = queue.Queue()
        self.transcript: list[str] = []
        self.report = ""  # the "luodi: rebuilt N of M pages" line of the last rebuild
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for raw in self.proc.stdout:
            self.lines.put((time.monotonic(), raw.decode("utf-8", "replace").rstrip()))
        self.lines.put((time.monotonic(), None))

    def wait_for(self, pattern: str, timeout: float, after: float = 0.0) -> tuple[float, str]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                stamp, line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise BenchError(f"mkdocs serve: no '{pattern}' within {timeout:.0f} s:\n"
                                 + "\n".join(self.transcript[-60:])) from None
            if line is None:
                raise BenchError("mkdocs serve exited:\n" + "\n".join(self.transcript[-20:]))
            self.transcript.append(line)
            if "error happened during the rebuild" in line or "Aborted with" in line:
                raise BenchError("mkdocs serve: the rebuild failed:\n"
                                 + "\n".join(self.transcript[-20:]))
            if stamp >= after and re.search(pattern, line):
                return stamp, line

    def rebuild(self, target: Path, text: str, page: str, marker: str) -> tuple[float, float]:
        """Write `text` into `target`; (seconds from the edit until the server reloads browsers
        with `page` showing `marker`, seconds the build itself took by mkdocs' own log)."""
        _quiet(self.lines, self.transcript, 2.0)  # no rebuild of an earlier edit under way
        staged = target.with_name(target.name + ".tmp")
        staged.write_text(text, encoding="utf-8")
        seen = len(self.transcript)
        t0 = time.monotonic()
        os.replace(staged, target)  # one change event, never a half-written file
        built = math.nan
        while True:
            stamp, line = self.wait_for(r"Documentation built in|Reloading browsers",
                                        self.patience, after=t0)
            if "built in" in line:
                built = float(re.search(r"built in ([\d.]+)", line).group(1))
            elif marker in self.get(page):  # not a build that began before the edit landed
                # Luodi's own account of the rebuild: how many pages it made again.
                self.report = next((line for line in reversed(self.transcript[seen:])
                                    if "luodi: rebuilt" in line), "")
                return stamp - t0, built

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return response.read().decode("utf-8")

    def stop(self) -> None:
        _stop_server(self.proc)
        _children.remove(self.proc)


def _median_known(values: list[float]) -> float:
    """The median of the values that are not NaN (a log line that did not come), or NaN."""
    known = [x for x in values if not math.isnan(x)]
    return median(known) if known else math.nan


def _edit_marker(n: int) -> str:
    return f"（修订 {n}）"


def _serve_playbooks(tmp: Path, copies: int) -> Path:
    """The repo's playbooks, with the standard one scaled `copies` times (its fork still
    extends it: copy 0 keeps the original ids)."""
    if copies == 1:
        return REPO / "playbooks"
    folder = tmp / f"serve-playbooks-{copies}x"
    shutil.copytree(REPO / "playbooks", folder, ignore=shutil.ignore_patterns("standard"))
    write_scaled(folder, copies)
    return folder


# Kinds of edit the serve test makes, each in turn on the same servers: (what, Luodi's edit of
# the phase file, the floor's edit of the phase page). The floor rebuilds every page after any
# edit, so its edit is the same for both.
SERVE_EDITS = {
    "title": ("a phase's title (its pages, the nav, the lists that show it)",
              lambda text, n: _edit_line(text, r"title:\s*(.+)", "title: ", n),
              lambda text, n: _edit_line(text, r"# (.+)", "# ", n)),
    "detail": ("one checklist item's detail (one page's text)",
               lambda text, n: _edit_line(text, r"    detail:\s*(.+)", "    detail: ", n),
               lambda text, n: _edit_line(text, r"# (.+)", "# ", n)),
}


def _edit_line(text: str, pattern: str, prefix: str, n: int) -> str:
    """The first line matching `pattern` with the marker of edit `n` added to its value."""
    text, count = re.subn(f"(?m)^{pattern}$", lambda m: f"{prefix}{m.group(1)}{_edit_marker(n)}",
                          text, count=1)
    if count != 1:
        raise BenchError(f"no line matching {pattern!r} to edit")
    return text


def bench_serve(tmp: Path, edits: int, copies: int = 1) -> dict:
    """`mkdocs serve` of the default site (the repo's docs/ and playbooks/, the standard playbook
    repeated `copies` times): make each kind of SERVE_EDITS in the preparation phase in turn,
    `edits` times, and time each rebuild until the server reports it is done ("Reloading
    browsers") and serves the edit. The same is done on the floor: the same site with Luodi's
    pages written out as plain Markdown, no luodi and macros plugins, where the page of that
    phase is edited. The two servers run side by side and their edits alternate; each edit
    adds to the ones before."""
    base = tmp / f"serve-{copies}x"
    luodi, plain, _, _ = write_projects(base, _serve_playbooks(tmp, copies),
                                        hand_written=REPO / "docs")
    targets = {"luodi": luodi / "playbooks" / "standard" / "phases" / "preparation.yaml",
               "plain": plain / "docs" / "standard" / "phases" / "preparation.md"}
    servers: dict[str, _Server] = {}
    try:
        first = {}
        for side, project in (("luodi", luodi), ("plain", plain)):
            # A ceiling, not a target: a 10x rebuild of the floor took 60 s on a busy machine.
            servers[side] = _Server(project, patience=120 * copies)
            servers[side].wait_for(r"Serving on", 300 * copies)
            first[side] = time.monotonic() - servers[side].started
        time.sleep(1.5)  # let the polling observers take their first snapshot
        texts = {side: target.read_text(encoding="utf-8") for side, target in targets.items()}
        runs = {kind: {"walls": {"luodi": [], "plain": []}, "built": {"luodi": [], "plain": []},
                       "reports": []} for kind in SERVE_EDITS}
        n = 0
        for _ in range(edits):
            for kind, (_, luodi_edit, plain_edit) in SERVE_EDITS.items():
                n += 1
                for side, edit in (("luodi", luodi_edit), ("plain", plain_edit)):
                    texts[side] = edit(texts[side], n)
                    wall, seconds = servers[side].rebuild(targets[side], texts[side],
                                                          "standard/phases/preparation/",
                                                          _edit_marker(n))
                    runs[kind]["walls"][side].append(wall)
                    runs[kind]["built"][side].append(seconds)
                    if side == "luodi":
                        report = servers[side].report
                        runs[kind]["reports"].append(report.split("luodi: ", 1)[-1])
        kinds = {}
        for kind, run in runs.items():
            walls, built = run["walls"], run["built"]
            kinds[kind] = {
                "what": SERVE_EDITS[kind][0],
                "rebuild_wall_s": median(walls["luodi"]),
                "rebuild_built_in_s": _median_known(built["luodi"]),
                "rebuild_all_s": [round(x, 2) for x in walls["luodi"]],
                "rebuild_reports": run["reports"],
                "plain_rebuild_wall_s": median(walls["plain"]),
                "plain_rebuild_built_in_s": _median_known(built["plain"]),
                "plain_rebuild_all_s": [round(x, 2) for x in walls["plain"]]}
        return {"copies": copies, "first_build_s": first["luodi"],
                "plain_first_build_s": first["plain"], "edits": edits, "kinds": kinds}
    finally:
        for server in servers.values():
            server.stop()


def _stop_child(proc: subprocess.Popen) -> None:
    """Stop a build child that is still running (it is reaped here, so wait4 is not needed)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            proc.send_signal(sig)
            proc.wait(timeout=10)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def _quiet(lines: queue.Queue, transcript: list[str], seconds: float) -> None:
    """Wait until the server has logged nothing for `seconds`."""
    while True:
        try:
            _, line = lines.get(timeout=seconds)
        except queue.Empty:
            return
        if line is None:
            raise BenchError("mkdocs serve exited:\n" + "\n".join(transcript[-20:]))
        transcript.append(line)


def _stop_server(proc: subprocess.Popen) -> None:
    """Ctrl-C first (mkdocs then removes its temporary site), then SIGTERM/SIGKILL the group."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=20)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=10)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
    if proc.stdout:
        proc.stdout.close()


PACKAGES = (  # buckets for the profile, by path fragment, first match wins
    ("luodi (luodi/)", None), ("mkdocs-macros", "/mkdocs_macros/"), ("material", "/material/"),
    ("jieba", "/jieba/"), ("pymdownx", "/pymdownx/"), ("markdown", "/markdown/"),
    ("jinja2", "/jinja2/"), ("markupsafe", "/markupsafe/"), ("yaml", "/yaml/"),
    ("mkdocs", "/mkdocs/"), ("other", ""),
)


def bench_profile(size: Size, tmp: Path, top: int, features: list[str] = ()) -> dict:
    """cProfile one Luodi build; the top functions inside luodi/ and time by package."""
    base = tmp / f"profile-{size.name}"
    size.write(base / "playbooks")
    a, _, _, facts = write_projects(base, base / "playbooks", features)
    prof = base / "build.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "mkdocs", "build",
           "--strict", "--quiet", "--config-file", "mkdocs.yml", "--site-dir", str(base / "site")]
    result = run(cmd, a, f"profile build {size.name}", base / "profile.log")
    stats = pstats.Stats(str(prof))
    ours = str(PACKAGE.resolve()) + os.sep
    raw = stats.stats  # {(file, line, func): (cc, nc, tt, ct, callers)}
    total = stats.total_tt
    buckets: dict[str, float] = {}
    raw = {(os.path.realpath(file) if file.startswith(os.sep) else file, line, func): value
           for (file, line, func), value in raw.items()}  # the package of this run
    for (file, _, _), (_, _, tt, _, _) in raw.items():
        if file.startswith(ours):
            name = "luodi (luodi/)"
        else:
            name = next(n for n, frag in PACKAGES[1:] if frag in file.replace(os.sep, "/"))
        buckets[name] = buckets.get(name, 0.0) + tt
    mine = [(k, v) for k, v in raw.items() if k[0].startswith(ours)]

    def label(key):
        file, line, func = key
        return f"luodi/{Path(file).relative_to(PACKAGE.resolve()).as_posix()}:{line} {func}"

    by_cum = sorted(mine, key=lambda kv: kv[1][3], reverse=True)[:top]
    by_tot = sorted(mine, key=lambda kv: kv[1][2], reverse=True)[:top]
    out = {
        "size": size.name, "items": facts["items"], "wall_s": result.seconds, "total_s": total,
        "by_package": dict(sorted(buckets.items(), key=lambda kv: -kv[1])),
        "top_cumulative": [(label(k), v[1], v[3]) for k, v in by_cum],
        "top_own": [(label(k), v[1], v[2]) for k, v in by_tot],
    }
    shutil.rmtree(base)
    return out


# ------------------------------------------------------------------ report


def git_version() -> str:
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, text=True,
                             capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() or "unknown"


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / MB:.1f} GiB"
    except (OSError, AttributeError):
        pass
    versions = {}
    from importlib.metadata import PackageNotFoundError, version
    for dist in ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "Markdown", "jieba",
                 "PyYAML"):
        try:
            versions[dist] = version(dist)
        except PackageNotFoundError:
            versions[dist] = "-"
    return {"nproc": os.cpu_count(), "cpu": cpu or platform.processor(), "ram": ram,
            "python": platform.python_version(), "versions": versions}


def table(rows: list[dict]) -> str:
    head = ("size", "playbooks", "items", "pages", "validate s", "luodi build s",
            "plain build s", "ratio", "plain+macros build s", "luodi / plain+macros",
            "plain+macros / plain", "CPU s luodi/plain", "CPU ratio",
            "peak RSS luodi/plain MB", "site MB", "search index MB")
    body = []
    for r in rows:
        body.append((
            r["size"], str(r["playbooks"]), str(r["items"]), str(r["luodi_html"]),
            f"{r['validate_s']:.2f}", f"{r['luodi_s']:.2f}", f"{r['plain_s']:.2f}",
            f"{r['ratio']:.3f}", f"{r['macros_s']:.2f}", f"{r['own_ratio']:.3f}",
            f"{r['macros_ratio']:.3f}", f"{r['luodi_cpu_s']:.1f} / {r['plain_cpu_s']:.1f}",
            f"{r['cpu_ratio']:.3f}", f"{r['luodi_rss_mb']:.0f} / {r['plain_rss_mb']:.0f}",
            f"{r['luodi_site_bytes'] / MB:.1f}", f"{r['luodi_index_bytes'] / MB:.2f}"))
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return "\n".join(lines)


def parts_label(b: dict) -> str:
    what = "phases only" if b["parts"] == "phases" else "phases, roles, modules and forms"
    return (f"{b['items']:,} items ({what} x{b['copies']}; {b['files']} files, "
            f"{b['yaml_mb']:.1f} MB of YAML)")


def verdicts(rows: list[dict], big: list[dict] | None, serve: dict | None) -> list[str]:
    out = []
    if rows:
        worst = max(rows, key=lambda r: r["ratio"])
        ok = worst["ratio"] <= 1.10
        cpu = max(rows, key=lambda r: r["cpu_ratio"])
        out.append(f"build ratio luodi/plain <= 1.10 at every size: {'MET' if ok else 'NOT MET'} "
                   f"(worst wall-clock ratio {worst['ratio']:.3f} at {worst['size']}; worst CPU "
                   f"time ratio {cpu['cpu_ratio']:.3f} at {cpu['size']})")
        own = max(rows, key=lambda r: r["own_ratio"])
        out.append(f"of that, Luodi's own share (luodi / plain+macros): worst "
                   f"{own['own_ratio']:.3f} at {own['size']}; mkdocs-macros' own share "
                   f"(plain+macros / plain): " + ", ".join(
                       f"{r['size']} {r['macros_ratio']:.3f}" for r in rows))
    scaled = sorted((r for r in rows if not r["size"].startswith("fork")),
                    key=lambda r: r["items"])
    if len(scaled) >= 2:
        lo, hi = scaled[0], scaled[-1]
        per = hi["luodi_s"] / hi["items"] / (lo["luodi_s"] / lo["items"])
        out.append(f"per-item luodi build time {hi['size']} vs {lo['size']}: {per:.2f}x "
                   f"({'MET' if per <= 1.2 else 'NOT MET'}, target <= 1.2x; includes the fixed "
                   f"start-up cost, which favours the large size)")
        gen = (hi["load_s"] + hi["render_s"]) / hi["items"] / \
            ((lo["load_s"] + lo["render_s"]) / lo["items"])
        out.append(f"per-item Luodi generation (load+validate+render, in-process) "
                   f"{hi['size']} vs {lo['size']}: {gen:.2f}x "
                   f"({'MET' if gen <= 1.2 else 'NOT MET'}, target <= 1.2x)")
        if len(scaled) >= 3:
            a, b, c = scaled[0], scaled[-2], scaled[-1]
            s1 = (b["luodi_s"] - a["luodi_s"]) / (b["items"] - a["items"])
            s2 = (c["luodi_s"] - b["luodi_s"]) / (c["items"] - b["items"])
            p1 = (b["plain_s"] - a["plain_s"]) / (b["items"] - a["items"])
            p2 = (c["plain_s"] - b["plain_s"]) / (c["items"] - b["items"])
            out.append(f"marginal build cost per item: {a['size']}->{b['size']} "
                       f"{s1 * 1000:.1f} ms, {b['size']}->{c['size']} {s2 * 1000:.1f} ms "
                       f"({s2 / s1:.2f}x); plain Markdown {p1 * 1000:.1f} ms -> "
                       f"{p2 * 1000:.1f} ms ({p2 / p1:.2f}x)")
    for b in big or ():
        ok = b["floor_ratio"] <= 1.5
        out.append(f"luodi validate, {parts_label(b)}: {b['cli_s']:.2f} s wall "
                   f"({b['inprocess_s']:.2f} s in-process) against {b['yaml_floor_s']:.2f} s to "
                   f"load the same files with PyYAML's C loader: {b['floor_ratio']:.3f}x, "
                   f"pairs {', '.join(f'{x:.2f}' for x in b['floor_ratio_pairs'])}: "
                   f"{'MET' if ok else 'NOT MET'} (target <= 1.5x)")
    for one in serve or []:
        target = 1.5 if one["copies"] == 1 else 3.0
        for kind in one["kinds"].values():
            ok = kind["rebuild_wall_s"] < target
            out.append(f"mkdocs serve rebuild after {kind['what']} was edited (default site, "
                       f"{one['copies']}x): {kind['rebuild_wall_s']:.2f} s from the edit to the "
                       f"page served with it (build itself {kind['rebuild_built_in_s']:.2f} s): "
                       f"{'meets' if ok else 'misses'} the < {target} s target; the same site as "
                       f"plain Markdown, a page edited: {kind['plain_rebuild_wall_s']:.2f} s "
                       f"(build itself {kind['plain_rebuild_built_in_s']:.2f} s), ratio "
                       f"{kind['rebuild_wall_s'] / kind['plain_rebuild_wall_s']:.3f}")
    return out


def _interrupt(*_):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark Luodi's page generation against plain Markdown (see bench/README.md).")
    parser.add_argument("--sizes", default="1,10,50,forks20",
                        help="comma-separated sizes: N (N times the standard playbook's phases, "
                             "roles, modules and forms), forksN (the standard playbook and N "
                             "forks of it with extends:, copied from playbooks/crm-rollout) or "
                             "copiesN (N plain copies under different ids); "
                             "default: 1,10,50,forks20")
    parser.add_argument("--repeat", type=int, default=3, help="builds per side and size (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: sizes 1,5, one build per side, no warm-up, one serve edit")
    parser.add_argument("--validate-items", type=int, default=10000,
                        help="size of the large validation test in checklist items (0: skip)")
    parser.add_argument("--no-serve", action="store_true", help="skip the mkdocs serve test")
    parser.add_argument("--serve-sizes", default="1,10", metavar="N,N",
                        help="sizes of the mkdocs serve test: the default site with the standard "
                             "playbook repeated N times (default 1,10; add 50 to measure it once)")
    parser.add_argument("--profile", metavar="SIZE", default="",
                        help="also cProfile one Luodi build at SIZE (e.g. 10) and list the top "
                             "costs inside luodi/")
    parser.add_argument("--feature", action="append", default=[], metavar="NAME",
                        help="experiment: add a Material theme feature to both sides, e.g. "
                             "navigation.prune (repeatable; the repo's mkdocs.yml is not changed)")
    parser.add_argument("--json", metavar="FILE", help="also write all results as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat = ("1,5" if args.sizes == parser.get_default("sizes")
                                   else args.sizes), 1
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    try:
        sizes = [Size.parse(s) for s in args.sizes.split(",") if s.strip()]
        profile = Size.parse(args.profile) if args.profile else None
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    try:
        serve_sizes = [int(n) for n in args.serve_sizes.split(",") if n.strip()]
    except ValueError:
        serve_sizes = [0]
    if not serve_sizes or any(n < 1 for n in serve_sizes):
        parser.error("--serve-sizes takes whole numbers from 1, e.g. 1,10,50")

    # Ctrl-C and SIGTERM end the run through the finally blocks below (no leftovers).
    signal.signal(signal.SIGTERM, _interrupt)
    info = machine()
    started = datetime.datetime.now().astimezone()
    log_line(f"luodi bench {started:%Y-%m-%d %H:%M %Z}: {info['nproc']} CPU(s) {info['cpu']}, "
             f"{info['ram']} RAM, Python {info['python']}, "
             + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    code = git_version()
    log_line(f"code: {code} (the builds use a copy of luodi/ taken now)")
    log_line(f"command: python bench/bench_build.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    if args.feature:
        log_line(f"experiment: extra theme features on both sides: {', '.join(args.feature)}")
    if any(s.forks for s in sizes):
        log_line("note: forksN = the standard playbook + N forks (extends: standard), each a copy "
                 "of playbooks/crm-rollout under another id")
    if any(s.plain_copies for s in sizes):
        log_line("note: copiesN = N plain copies of the standard playbook under different ids"
                 + ("" if forks_supported() else "; this version has no fork example "
                    "(playbooks/crm-rollout with extends:), so copies stand in for forks"))
    tmp = Path(tempfile.mkdtemp(prefix="luodi-bench-"))
    rows: list[dict] = []
    big = serve = prof = None
    try:
        snapshot_package(tmp)
        # Warm-up (not measured): byte-compiles and loads what both sides import from disk.
        if not args.quick:
            log_line("warm-up: one build of both sides at 1x, not measured")
            bench_size(Size("warm-up"), tmp / "warmup", 1, args.feature)
        for size in sizes:
            rows.append(bench_size(size, tmp, args.repeat, args.feature))
        if args.validate_items:
            log_line(f"[validate] >= {args.validate_items:,} checklist items")
            big = []
            for parts in (("phases",), tuple(FOLDERS)):
                big.append(bench_validate_items(tmp, args.validate_items,
                                                1 if args.quick else max(args.repeat, 5), parts))
                log_line(f"  {parts_label(big[-1])}: luodi validate {big[-1]['cli_s']:.2f} s, "
                         f"C loader {big[-1]['yaml_floor_s']:.2f} s, load_playbooks in-process "
                         f"{big[-1]['inprocess_s']:.2f} s")
        if not args.no_serve:
            log_line("[serve] mkdocs serve on the default site and on its plain Markdown floor, "
                     "edit a phase (its title, an item's detail), time the rebuilds")
            serve = []
            for copies in serve_sizes:
                edits = 1 if args.quick or copies >= 50 else max(args.repeat, 3)
                serve.append(bench_serve(tmp, edits, copies))
                log_line(f"  {copies}x: first build {serve[-1]['first_build_s']:.1f} s")
                for name, kind in serve[-1]["kinds"].items():
                    log_line(f"    {name} edits (edit -> page served with it): luodi "
                             f"{kind['rebuild_all_s']} s, plain {kind['plain_rebuild_all_s']} s; "
                             f"Luodi: {'; '.join(kind['rebuild_reports']) or 'no report'}")
        if profile:
            log_line(f"[profile] cProfile of one Luodi build at {profile.name}")
            prof = bench_profile(profile, tmp, 15, args.feature)
    except BenchError as exc:
        print(f"\nbench failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nbench interrupted", file=sys.stderr)
        return 130
    finally:
        for proc in list(_children):
            _stop_server(proc)
        shutil.rmtree(tmp, ignore_errors=True)

    elapsed = (datetime.datetime.now().astimezone() - started).total_seconds()
    log_line(f"\nResults (medians of {args.repeat} interleaved run(s) per side; "
             f"bench took {elapsed:.0f} s)\n")
    if rows:
        log_line(table(rows))
        log_line("\npairwise ratios (luodi/plain, run by run): " + "; ".join(
            f"{r['size']} " + ", ".join(f"{x:.3f}" for x in r["ratio_pairs"]) for r in rows))
        log_line("pairwise ratios (luodi/plain+macros, run by run): " + "; ".join(
            f"{r['size']} " + ", ".join(f"{x:.3f}" for x in r["own_ratio_pairs"])
            for r in rows))
        log_line("Luodi in-process work per size (load+validate / render all pages): " + "; ".join(
            f"{r['size']} {r['load_s']:.2f} / {r['render_s']:.2f} s" for r in rows))
    if any(s.forks for s in sizes):
        log_line("forksN: the standard playbook + N forks with extends: (copies of "
                 "playbooks/crm-rollout); every fork gets a full set of pages.")
    if any(s.plain_copies for s in sizes):
        log_line("copiesN: N plain copies of the standard playbook with different ids (no "
                 "extends:).")
    log_line("")
    for line in verdicts(rows, big, serve):
        log_line("- " + line)
    if prof:
        log_line(f"\nprofile of one Luodi build at {prof['size']} ({prof['items']} items): "
                 f"{prof['wall_s']:.1f} s wall under cProfile, {prof['total_s']:.1f} s profiled")
        log_line("own time by package: " + ", ".join(
            f"{k} {v:.2f} s ({v / prof['total_s']:.0%})" for k, v in prof["by_package"].items()))
        log_line("top functions in luodi/ by cumulative time (calls, seconds):")
        for name, calls, sec in prof["top_cumulative"]:
            log_line(f"  {sec:7.3f} s  {calls:8d}  {name}")
        log_line("top functions in luodi/ by own time:")
        for name, calls, sec in prof["top_own"]:
            log_line(f"  {sec:7.3f} s  {calls:8d}  {name}")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"date": started.isoformat(timespec="minutes"), "code": code, "machine": info,
             "repeat": args.repeat, "sizes": rows, "validate_big": big, "serve": serve,
             "profile": prof}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
