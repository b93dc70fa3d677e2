"""Search quality and speed: Luodi's search worker against stock Material search, same site.

Builds the default playbook's site (or uses --site), serves it on loopback, and in headless
Chromium (Debian's chromium) sends every query of tests/search/queries.yaml to both search
workers, the way Material's interface does. For each engine it prints recall@1 and recall@5 by
kind of query, the time to get the index ready, query times, and the index size.

    python bench/search_recall.py                 # build the standard playbook's site
    python bench/search_recall.py --site site     # an already built site
    python bench/search_recall.py --misses        # also list the queries each engine misses

A result counts when the first link the interface shows (or one of the first five) is the
expected page, or the expected page and anchor; a page without an anchor also matches its
sections. Pinyin queries are reported on their own line and left out of the totals.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, build_site, make_project, serve  # noqa: E402

ENGINES = {
    "luodi": "assets/luodi/luodi-search-worker.js",
    "material": None,  # found in the site: assets/javascripts/workers/search.<hash>.min.js
}

RUN_QUERIES = """
async ([workerUrl, indexUrl, queries]) => {
  const index = await (await fetch(indexUrl)).json();
  const started = performance.now();
  const worker = new Worker(workerUrl);
  const reply = () => new Promise(resolve => worker.onmessage = ev => resolve(ev.data));
  worker.postMessage({type: 0, data: {config: index.config, docs: index.docs,
                                      options: {suggest: false}}});
  await reply();
  const ready = performance.now() - started;
  const out = [];
  for (const q of queries) {
    const t0 = performance.now();
    worker.postMessage({type: 2, data: q});
    const message = await reply();
    const ms = performance.now() - t0;
    // The first link of each group as Material's interface shows it: the page-level entry,
    // or the last entry when the group has none.
    const links = message.data.items.map(group => {
      const page = group.findIndex(d => !d.location.includes("#"));
      return group[page >= 0 ? page : group.length - 1].location;
    });
    out.push({links, ms});
  }
  worker.terminate();
  return {ready, out};
}
"""


def search_box_times(page, url: str) -> tuple[float, float]:
    """Seconds from page load to the first results in the real search box, then for a later
    query (typed as a reader would: the same steps as tests/test_browser_search.py)."""
    import time

    from test_browser_search import search

    page.goto(url + "standard/", wait_until="load")
    start = time.monotonic()
    search(page, url + "standard/", "验收确认书")
    first = time.monotonic() - start - 0.15  # search() waits 150 ms for the list to settle
    start = time.monotonic()
    search(page, url + "standard/", "数据迁移演练")
    return first, time.monotonic() - start - 0.15


def hit(link: str, wanted: list[str]) -> bool:
    return any(link == w or ("#" not in w and link.split("#")[0] == w) for w in wanted)


def score(queries, results, prefix: str):
    by_kind: dict[str, list[int]] = {}
    misses = []
    for query, result in zip(queries, results, strict=True):
        wanted = query["expect"] if isinstance(query["expect"], list) else [query["expect"]]
        links = [link.removeprefix(prefix) for link in result["links"]]
        rank = next((i for i, link in enumerate(links) if hit(link, wanted)), -1)
        by_kind.setdefault(query["kind"], []).append(rank)
        if rank != 0:
            misses.append(f"{query['q']} → {' | '.join(links[:3]) or '(nothing)'}"
                          f"  (want {', '.join(wanted)})")
    return by_kind, misses


def recall(ranks: list[int], k: int) -> float:
    return sum(1 for r in ranks if 0 <= r < k) / len(ranks) if ranks else 0.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", help="an already built site folder")
    parser.add_argument("--queries", default=str(ROOT / "tests" / "search" / "queries.yaml"))
    parser.add_argument("--misses", action="store_true", help="list the missed queries")
    parser.add_argument("--playbook", default="standard",
                        help="playbook the query set's paths are relative to")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print("needs Debian's chromium at /usr/bin/chromium", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    queries = yaml.safe_load(Path(args.queries).read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="luodi-search-bench-"))
    try:
        if args.site:
            site = Path(args.site)
        else:
            playbooks = work / "playbooks"
            shutil.copytree(ROOT / "playbooks" / "standard", playbooks / "standard")
            project = make_project(work / "project", playbooks)
            site = work / "site"
            done = build_site(project, site)
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return 1
        material = next((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
        engines = {"luodi": ENGINES["luodi"], "material": material.relative_to(site).as_posix()}
        index = site / "search" / "search_index.json"
        data = json.loads(index.read_text(encoding="utf-8"))
        extra = len(json.dumps(data["config"].get("luodi", {}), ensure_ascii=False).encode())
        total = index.stat().st_size
        url, stop = serve(site)
        rows = {}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(url)
                for name, worker in engines.items():
                    rows[name] = page.evaluate(RUN_QUERIES, [url + worker, url + "search/"
                                                             "search_index.json",
                                                             [q["q"] for q in queries]])
                ui = search_box_times(page, url)
                browser.close()
        finally:
            stop()
        prefix = f"{args.playbook}/"
        print(f"queries: {len(queries)} ({args.queries}); site: {'built' if not args.site else site}")
        print(f"index: {total:,} bytes, of which Luodi's additions {extra:,} "
              f"({total / max(1, total - extra):.2f}x stock)")
        kinds = sorted({q["kind"] for q in queries}, key=lambda k: (k == "pinyin", k))
        header = f"{'kind':<11}{'n':>4}" + "".join(f"{name + ' @1':>14}{name + ' @5':>14}"
                                                   for name in engines)
        print(header)
        scored = {name: score(queries, rows[name]["out"], prefix) for name in engines}
        def ranks(name: str, kind: str) -> list[int]:
            by_kind = scored[name][0]
            if kind == "all":
                return [r for k, v in by_kind.items() if k != "pinyin" for r in v]
            return by_kind.get(kind, [])

        for kind in [*kinds, "all"]:
            n = len(ranks("luodi", kind))
            label = "all*" if kind == "all" else kind
            print(f"{label:<11}{n:>4}" + "".join(
                f"{recall(ranks(name, kind), 1):>14.3f}{recall(ranks(name, kind), 5):>14.3f}"
                for name in engines))
        print("* all kinds except pinyin")
        for name in engines:
            times = [r["ms"] for r in rows[name]["out"]]
            print(f"{name}: index ready in {rows[name]['ready']:.0f} ms; query median "
                  f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms")
        print(f"search box (Luodi): first results {ui[0]:.2f} s after the page loaded, "
              f"a later query {ui[1]:.2f} s")
        if args.misses:
            for name in engines:
                print(f"\n{name} misses:")
                for line in scored[name][1]:
                    print("  " + line)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
