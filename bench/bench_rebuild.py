#!/usr/bin/env python3
"""Benchmark: rebuilds as `mkdocs serve` does them, in one process, after edits of one kind.

The default site (the repo's mkdocs.yml, docs/ and playbooks/, the standard playbook repeated
N times as bench_build.py --serve-sizes makes it) is built once; then each edit is written to
playbooks/standard/phases/preparation.yaml and the site is built again the way `mkdocs serve`
does it: the configuration read anew, the plugin objects kept (on_startup ran with "serve").
For each rebuild it prints its time, Luodi's log line (how many pages were made again) and the
time spent in each plugin event. No server (the plugins' on_serve runs after the first build,
with a stand-in) and no browser: what is left of a rebuild's time beyond the events is mkdocs'
own work on every page, and the conversion of the pages made again. Between a rebuild and
the next edit it waits (--pause), as a person does: the server collects garbage when quiet.

Edit kinds, the same as the serve test of bench_build.py makes: title (the phase's title, which
many pages show), detail (one item's detail, which one phase page and its handout show); and
none (the file written again unchanged).

With --forks N the site also holds N forks of the standard playbook (copies of the example fork
playbooks/crm-rollout, as bench_build.py's forksN), and --edit names the file edited, e.g.
fork-01/phases/preparation.yaml: a knowledge base of many projects, where one is being written.

Run from the repository root:  python bench/bench_rebuild.py --copies 10 --edits title,detail
                               python bench/bench_rebuild.py --forks 20 --edits detail,detail \
                                   --edit fork-01/phases/preparation.yaml
Nothing is written outside a temporary directory, which is removed at the end.
"""

from __future__ import annotations

import argparse
import collections
import logging
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_build  # noqa: E402  (the same generator and site as the serve test)
from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.plugins import PluginCollection  # noqa: E402

URL = "http://127.0.0.1:8000/"
EDITED = "standard/phases/preparation.yaml"  # under playbooks/


def edit(text: str, kind: str, n: int) -> str:
    """Edit `n` of the phase file: the serve test's edit of that kind (bench_build.SERVE_EDITS)."""
    if kind == "none":
        return text
    try:
        return bench_build.SERVE_EDITS[kind][1](text, n)
    except bench_build.BenchError as exc:
        raise SystemExit(f"bench_rebuild: {exc}") from None


def _memory() -> str:
    """This process's memory now and at its peak (the memory of two builds is kept)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    try:
        with open("/proc/self/statm") as f:  # Linux
            resident = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return f"peak {peak / 2**20:.0f} MB"
    return f"resident {resident / 2**20:.0f} MB, peak {peak / 2**20:.0f} MB"


class _Server:
    """What the plugins' on_serve ask of mkdocs' server: the paths it watches."""

    def __init__(self):
        self.watched: list[str] = []

    def watch(self, path, *args, **kwargs) -> None:
        self.watched.append(str(path))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=1, help="the standard playbook N times")
    parser.add_argument("--forks", type=int, default=0,
                        help="N more forks of the standard playbook (fork-01 … fork-N)")
    parser.add_argument("--edit", default=EDITED, metavar="PATH",
                        help=f"the file edited, under playbooks/ (default {EDITED})")
    parser.add_argument("--edits", default="title,detail,title,detail",
                        help="comma-separated edit kinds, one rebuild each")
    parser.add_argument("--pause", type=float, default=3.0,
                        help="seconds between a rebuild and the next edit, as a person's (the "
                             "server collects garbage when it is quiet); default 3")
    parser.add_argument("--profile", metavar="FILE",
                        help="profile the rebuilds with pyinstrument (pip install pyinstrument) "
                             "and write its HTML report to FILE")
    args = parser.parse_args()
    kinds = args.edits.split(",")
    unknown = [kind for kind in kinds if kind != "none" and kind not in bench_build.SERVE_EDITS]
    if unknown:  # before the first build
        raise SystemExit(f"unknown edit kind {unknown[0]!r}: "
                         f"{', '.join(bench_build.SERVE_EDITS)} or none")
    tmp = Path(tempfile.mkdtemp(prefix="luodi-rebuild-"))
    try:
        project = tmp / "project"
        project.mkdir()
        shutil.copy(bench_build.REPO / "mkdocs.yml", project / "mkdocs.yml")
        for folder in ("docs", "macros"):
            shutil.copytree(bench_build.REPO / folder, project / folder,
                            ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(bench_build._serve_playbooks(tmp, args.copies), project / "playbooks")
        if args.forks and not bench_build.forks_supported():
            raise SystemExit("bench_rebuild: --forks needs the example fork playbooks/crm-rollout")
        bench_build.add_forks(project / "playbooks", args.forks)
        edited = project / "playbooks" / args.edit
        if not edited.is_file():
            raise SystemExit(f"bench_rebuild: no file playbooks/{args.edit} to edit")
        os.chdir(project)
        logging.basicConfig(level=logging.WARNING, format="%(message)s")
        logging.getLogger("mkdocs.plugins.luodi").setLevel(logging.INFO)

        events: collections.Counter = collections.Counter()
        run_event = PluginCollection.run_event

        def timed(self, name, *args, **kwargs):
            start = time.perf_counter()
            try:
                return run_event(self, name, *args, **kwargs)
            finally:
                events[name] += time.perf_counter() - start

        PluginCollection.run_event = timed

        def configured():
            config = load_config("mkdocs.yml", site_dir=str(tmp / "site"))
            config.site_url = URL
            return config

        profiler = None
        if args.profile:
            try:
                from pyinstrument import Profiler
            except ImportError:
                raise SystemExit("bench_rebuild: --profile needs pyinstrument "
                                 "(pip install pyinstrument)") from None
            profiler = Profiler(interval=0.001)
        config = configured()
        config.plugins.on_startup(command="serve", dirty=False)
        start = time.perf_counter()
        build(config, serve_url=URL)
        print(f"first build: {time.perf_counter() - start:.2f} s; {_memory()}", flush=True)
        # As `mkdocs serve` does once the first build is done: Luodi then runs the rebuilds'
        # jobs in this process, which imported what they need, rather than in a new child.
        config.plugins.on_serve(_Server(), config=config, builder=None)
        for n, kind in enumerate(kinds, 1):  # each edit on top of the ones before
            time.sleep(args.pause)
            edited.write_text(edit(edited.read_text(encoding="utf-8"), kind, n), encoding="utf-8")
            events.clear()
            start = time.perf_counter()
            if profiler:
                profiler.start()
            build(configured(), serve_url=URL)
            if profiler:
                profiler.stop()
            seconds = time.perf_counter() - start
            top = ", ".join(f"{name} {s:.2f}" for name, s in events.most_common(6))
            print(f"{kind} edit: rebuilt in {seconds:.2f} s; events {sum(events.values()):.2f} s "
                  f"({top}); {_memory()}", flush=True)
        if profiler:
            report = Path(bench_build.REPO, args.profile)
            report.write_text(profiler.output_html(), encoding="utf-8")
            print(profiler.output_text(unicode=True, show_all=False), flush=True)
            print(f"profile of the rebuilds: {report}")
    finally:
        os.chdir(bench_build.REPO)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
