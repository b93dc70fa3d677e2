"""Search quality, speed and bytes: Luodi's worker, stock Material (lunr) and Pagefind.

For each size (1x: the standard playbook; 10x, 50x: its phases, roles, modules and forms
repeated with bench/bench_build.py's `write_scaled`) it builds one site per engine, the same
content with `luodi: search: luodi | material | pagefind`, serves it on loopback and, in headless
Chromium (Debian's chromium):

1. sends every query of tests/search/queries.yaml to the engine's search worker the way
   Material's interface does (SETUP with search/search_index.json, then one QUERY each; for
   Pagefind the worker is Luodi's assets/luodi/luodi-pagefind-worker.js, which asks Pagefind):
   recall@1 and recall@5 by kind of query, the time until the worker is ready (index fetched
   and loaded) and the median and largest query time;
2. opens a page with an empty cache, and as soon as it has loaded types 验收确认书 into the real
   search box: the time until the first results show ("first results"), and the bytes the reader
   downloaded for search by then: search/, pagefind/, the worker and lunr's scripts, as served
   (the loopback server does not compress) and as a gzip-compressing server would send them
   (Pagefind's files are compressed already). A second query's extra bytes are reported too.

    python bench/search_recall.py                      # 1x, the three engines
    python bench/search_recall.py --sizes 1,10,50      # also the 10x and 50x sites
    python bench/search_recall.py --engines luodi,pagefind --misses
    python bench/search_recall.py --site site          # an already built site
    python bench/search_recall.py --forks 0,1,5,20     # unchanged forks: index, repeats

A result counts when the first link the interface shows (or one of the first five) is the
expected page, or the expected page and anchor; a page without an anchor also matches its
sections. At 10x and 50x each phase, role, module and form exists in N copies whose ids, and so
URLs and item anchors, end in -x<j> and whose titles end in " · <j+1>"; the text is the same.
No engine can tell copies apart by what a query asks, so a link to any copy of the expected
page (or anchor) counts: links are compared with their -x<j> suffixes removed. Pinyin queries
are reported on their own line and left out of the totals. Pagefind needs the `pagefind` extra.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_build import write_scaled  # noqa: E402
from conftest import CHROMIUM, CHROMIUM_ARGS, build_site, make_project, serve  # noqa: E402

ENGINES = ("luodi", "luodi-whole", "material", "pagefind")
DEFAULT_ENGINES = ("luodi", "material", "pagefind")
WORKERS = {
    "luodi": "assets/luodi/luodi-search-worker.js",
    "luodi-whole": "assets/luodi/luodi-search-worker.js",
    "pagefind": "assets/luodi/luodi-pagefind-worker.js",
    "material": None,  # found in the site: assets/javascripts/workers/search.<hash>.min.js
}
# What a reader downloads for search (not for the page itself).
SEARCH_BYTES = re.compile(r"/(search/|pagefind/|assets/javascripts/lunr/)|/workers/search\."
                          r"|luodi-(search|pagefind)-worker\.js")
COPY_SUFFIX = re.compile(r"-x\d+(?=/|#|$)")

RUN_QUERIES = """
async ([workerUrl, indexUrl, queries, scope]) => {
  const started = performance.now();
  const index = await (await fetch(indexUrl)).json();
  // The scope switch of a playbook's pages (luodi-search-scope.js), for Luodi's worker.
  const channel = scope ? new BroadcastChannel("luodi-search") : null;
  if (channel) channel.onmessage = ev => ev.data && ev.data.hello && channel.postMessage({scope});
  const worker = new Worker(workerUrl);
  const reply = () => new Promise(resolve => worker.onmessage = ev => resolve(ev.data));
  worker.postMessage({type: 0, data: {config: index.config, docs: index.docs,
                                      options: {suggest: false}}});
  await reply();
  if (channel) {
    channel.postMessage({scope});
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  const ready = performance.now() - started;
  const out = [];
  for (const q of queries) {
    const t0 = performance.now();
    worker.postMessage({type: 2, data: q});
    const message = await reply();
    const ms = performance.now() - t0;
    // The link of each group a reader follows for its best match: the entry Luodi's worker
    // flags as best (a section under its page's heading, or the page); for other workers, the
    // first link Material's interface shows (the page-level entry, else the group's last).
    const links = message.data.items.map(group => {
      const best = group.findIndex(d => d.best);
      const page = group.findIndex(d => !d.location.includes("#"));
      return group[best >= 0 ? best : page >= 0 ? page : group.length - 1].location;
    });
    out.push({links, ms});
  }
  worker.terminate();
  return {ready, out};
}
"""

RESULTS_SHOWN = """q => { const m = document.querySelector('.md-search-result__meta');
  return m && !/Initializing|正在初始化/.test(m.textContent)
    && document.querySelector('.md-search__input').value === q
    && document.querySelectorAll('.md-search-result__item').length > 0 }"""


def type_query(page, query: str, timeout: float) -> None:
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # fill() alone starts no search in Material's worker
    page.wait_for_function(RESULTS_SHOWN, arg=query, timeout=timeout * 1000)


def search_box(browser, url: str, site: Path, timeout: float, repeat: int = 3) -> dict:
    """A reader with an empty cache opens a page and searches at once: seconds from the page's
    load event to the first results (the median of `repeat` readers), the search bytes
    downloaded by then, and a second query."""
    runs = [one_reader(browser, url, site, timeout) for _ in range(repeat)]
    middle = sorted(runs, key=lambda run: run["first_s"])[len(runs) // 2]
    return {**middle, "first_runs": [run["first_s"] for run in runs]}


def one_reader(browser, url: str, site: Path, timeout: float) -> dict:
    context = browser.new_context(locale="zh-CN")
    fetched: list[str] = []
    context.on("requestfinished", lambda r: fetched.append(r.url))
    try:
        page = context.new_page()
        page.goto(url + "standard/", wait_until="load")
        start = time.monotonic()
        type_query(page, "验收确认书", timeout)
        first = time.monotonic() - start
        first_urls = list(fetched)
        start = time.monotonic()
        type_query(page, "数据迁移演练", timeout)
        later = time.monotonic() - start
        page.wait_for_timeout(200)
        later_urls = fetched[len(first_urls):]
    finally:
        context.close()
    raw, packed = search_bytes(first_urls, url, site)
    raw2, packed2 = search_bytes(later_urls, url, site, seen=first_urls)
    return {"first_s": first, "later_s": later, "first_bytes": raw, "first_gzip": packed,
            "later_bytes": raw2, "later_gzip": packed2}


def search_bytes(urls: list[str], base: str, site: Path, seen: list[str] = ()) -> tuple[int, int]:
    """Bytes of the search files among `urls` (each file once), as served and gzip-compressed."""
    raw = packed = 0
    for u in sorted(set(urls) - set(seen)):
        if not u.startswith(base) or not SEARCH_BYTES.search(u):
            continue
        path = site / unquote(urlsplit(u).path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            continue
        data = path.read_bytes()
        raw += len(data)
        packed += min(len(data), len(gzip.compress(data, 6)))
    return raw, packed


def index_bytes(site: Path, engine: str) -> int:
    """What the engine's index weighs on the server (Pagefind: its index, fragments, wasm and
    pagefind.js; not its own UI files, which Luodi does not use)."""
    if engine != "pagefind":  # with Luodi's sharded index, its files as well
        return sum(f.stat().st_size for f in (site / "search").rglob("*.json"))
    bundle = site / "pagefind"
    return sum(f.stat().st_size for f in bundle.rglob("*")
               if f.is_file() and not f.name.startswith(("pagefind-ui", "pagefind-component",
                                                         "pagefind-modular", "pagefind-highlight",
                                                         "pagefind-worker")))


def hit(link: str, wanted: list[str]) -> bool:
    link = COPY_SUFFIX.sub("", link)
    return any(link == w or ("#" not in w and link.split("#")[0] == w) for w in wanted)


def score(queries, results, prefix: str):
    by_kind: dict[str, list[int]] = {}
    misses = []
    for query, result in zip(queries, results, strict=True):
        wanted = query["expect"] if isinstance(query["expect"], list) else [query["expect"]]
        links = [unquote(link).removeprefix(prefix) for link in result["links"]]
        rank = next((i for i, link in enumerate(links) if hit(link, wanted)), -1)
        by_kind.setdefault(query["kind"], []).append(rank)
        if rank != 0:
            misses.append(f"{query['q']} → {' | '.join(links[:3]) or '(nothing)'}"
                          f"  (want {', '.join(wanted)})")
    return by_kind, misses


def recall(ranks: list[int], k: int) -> float:
    return sum(1 for r in ranks if 0 <= r < k) / len(ranks) if ranks else 0.0


def build(work: Path, playbooks: Path, engine: str) -> Path:
    """The site with one engine; `luodi` splits its index where `search_shards: auto` does,
    `luodi-whole` keeps it in one file."""
    project = make_project(work / f"project-{engine}", playbooks)
    config = project / "mkdocs.yml"
    options = ("search: luodi\n      search_shards: never" if engine == "luodi-whole"
               else f"search: {engine}")
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      playbooks: playbooks\n", f"      playbooks: playbooks\n      {options}\n"),
        encoding="utf-8")
    site = work / f"site-{engine}"
    started = time.monotonic()
    done = build_site(project, site)
    if done.returncode:
        raise SystemExit(f"build of the {engine} site failed:\n{done.stderr[-3000:]}")
    print(f"  built the {engine} site in {time.monotonic() - started:.0f} s", flush=True)
    shutil.rmtree(project)
    return site


def open_site(browser, url: str, timeout: float):
    """A fresh browser context on the site's home page: (context, page)."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(timeout * 1000)
    page.goto(url)
    return context, page


def measure(browser, site: Path, engine: str, queries, timeout: float) -> dict:
    worker = WORKERS[engine]
    if worker is None:
        material = next((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
        worker = material.relative_to(site).as_posix()
    url, stop = serve(site)
    try:
        context, page = open_site(browser, url, timeout)
        run = page.evaluate(RUN_QUERIES, [url + worker, url + "search/search_index.json",
                                          [q["q"] for q in queries]])
        context.close()
        box = search_box(browser, url, site, timeout)
    finally:
        stop()
    times = [r["ms"] for r in run["out"]]
    return {"ready_ms": run["ready"], "out": run["out"], "median_ms": statistics.median(times),
            "max_ms": max(times), "index_bytes": index_bytes(site, engine), **box}


def forks_table(browser, counts: list[int], queries, work: Path, timeout: float) -> list[dict]:
    """The standard playbook with 0, 1, 5, 20 … forks made with `luodi new` and left unchanged,
    one site each with Luodi's worker: the index a reader downloads, and for every query of the
    set, in a fork's own scope and in the all-playbooks scope of the home page, whether its top
    10 holds two results for the same object (the same place in any playbook) and recall@1."""
    from luodi.cli import main as luodi

    rows = []
    for count in counts:
        base = work / f"forks-{count}"
        playbooks = base / "playbooks"
        shutil.copytree(ROOT / "playbooks" / "standard", playbooks / "standard")
        for i in range(1, count + 1):
            with contextlib.redirect_stdout(io.StringIO()):
                made = luodi(["new", f"fork-{i}", "--from", "standard", "--title", f"项目{i}",
                              "--playbooks", str(playbooks)])
            assert made == 0, f"luodi new fork-{i} failed"
        print(f"\n[{count} fork(s)] building", flush=True)
        site = build(base, playbooks, "luodi")
        index = site / "search" / "search_index.json"
        data = index.read_bytes()
        row = {"forks": count, "index_bytes": len(data), "index_gzip": len(gzip.compress(data, 6)),
               "docs": len(json.loads(data)["docs"])}
        url, stop = serve(site)
        try:
            context, page = open_site(browser, url, timeout)
            own = "fork-1" if count else "standard"
            for name, fragment, scope, prefix in (("own", own, "own", own),
                                                  ("all", "", "all", "standard")):
                run = page.evaluate(RUN_QUERIES, [url + WORKERS["luodi"] + "#" + fragment,
                                                  url + "search/search_index.json",
                                                  [q["q"] for q in queries], scope])
                repeats = 0
                for result in run["out"]:
                    places = [re.sub(r"^[a-z0-9-]+/", "", unquote(link).split("?")[0])
                              for link in result["links"][:10]]
                    repeats += len(places) != len(set(places))
                by_kind, _ = score(queries, run["out"], f"{prefix}/")
                ranks = [r for kind, v in by_kind.items() if kind != "pinyin" for r in v]
                row[f"{name}_repeats"] = repeats
                row[f"{name}_recall1"] = recall(ranks, 1)
            context.close()
        finally:
            stop()
        shutil.rmtree(base)
        rows.append(row)
    base_bytes = rows[0]["index_bytes"] if rows and rows[0]["forks"] == 0 else None
    print("\n== forks: the index a reader downloads, and repeats in the top 10")
    print(f"{'forks':>6}{'docs':>7}{'index':>12}{'gzip':>10}{'growth/fork':>13}"
          f"{'repeats own':>13}{'repeats all':>13}{'@1 own':>8}{'@1 all':>8}")
    for row in rows:
        growth = (f"{(row['index_bytes'] / base_bytes - 1) / row['forks'] * 100:>12.1f}%"
                  if base_bytes and row["forks"] else f"{'–':>13}")
        print(f"{row['forks']:>6}{row['docs']:>7}{row['index_bytes']:>12,}{row['index_gzip']:>10,}"
              f"{growth}{row['own_repeats']:>13}{row['all_repeats']:>13}"
              f"{row['own_recall1']:>8.3f}{row['all_recall1']:>8.3f}")
    print(f"repeats: queries (of {len(queries)}) whose top 10 holds two results for one object; "
          "own: from fork-1's pages (standard's with no fork); all: from the home page; "
          "growth/fork: index bytes over the 0-fork index, per fork")
    return rows


def report(size: str, rows: dict[str, dict], queries, prefix: str, misses: bool) -> None:
    engines = list(rows)
    scored = {name: score(queries, rows[name]["out"], prefix) for name in engines}

    def ranks(name: str, kind: str) -> list[int]:
        by_kind = scored[name][0]
        if kind == "all":
            return [r for k, v in by_kind.items() if k != "pinyin" for r in v]
        return by_kind.get(kind, [])

    print(f"\n== {size}: recall by kind of query")
    kinds = sorted({q["kind"] for q in queries}, key=lambda k: (k == "pinyin", k))
    print(f"{'kind':<11}{'n':>4}" + "".join(f"{name + ' @1':>14}{name + ' @5':>14}"
                                           for name in engines))
    for kind in [*kinds, "all"]:
        n = len(ranks(engines[0], kind))
        label = "all*" if kind == "all" else kind
        print(f"{label:<11}{n:>4}" + "".join(
            f"{recall(ranks(name, kind), 1):>14.3f}{recall(ranks(name, kind), 5):>14.3f}"
            for name in engines))
    print("* all kinds except pinyin")
    print(f"\n== {size}: speed and bytes")
    print(f"{'engine':<12}{'@1':>7}{'@5':>7}{'pinyin@1':>9}{'first results':>15}"
          f"{'ready':>9}{'query med':>11}{'max':>9}{'1st query bytes':>17}{'gzip':>11}"
          f"{'2nd query':>11}{'index':>13}")
    for name in engines:
        r = rows[name]
        print(f"{name:<12}{recall(ranks(name, 'all'), 1):>7.3f}{recall(ranks(name, 'all'), 5):>7.3f}"
              f"{recall(ranks(name, 'pinyin'), 1):>9.3f}{r['first_s']:>13.2f} s"
              f"{r['ready_ms']:>6.0f} ms{r['median_ms']:>8.1f} ms{r['max_ms']:>6.0f} ms"
              f"{r['first_bytes']:>17,}{r['first_gzip']:>11,}{r['later_bytes']:>11,}"
              f"{r['index_bytes']:>13,}")
    print("first results: page loaded → results of 验收确认书 in the search box (empty cache; "
          "median of 3 readers); "
          "ready: index fetched and loaded by the worker; bytes: search files downloaded "
          "(gzip: as a compressing server sends them); 2nd query: extra bytes for 数据迁移演练")
    if misses:
        for name in engines:
            print(f"\n{name} misses ({size}):")
            for line in scored[name][1]:
                print("  " + line)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", help="an already built site folder (luodi and material, or "
                                       "pagefind if it is a `search: pagefind` site)")
    parser.add_argument("--sizes", default="1", help="comma-separated copies, e.g. 1,10,50")
    parser.add_argument("--engines", default=",".join(DEFAULT_ENGINES),
                        help=f"comma-separated, of {', '.join(ENGINES)}")
    parser.add_argument("--queries", default=str(ROOT / "tests" / "search" / "queries.yaml"))
    parser.add_argument("--misses", action="store_true", help="list the missed queries")
    parser.add_argument("--playbook", default="standard",
                        help="playbook the query set's paths are relative to")
    parser.add_argument("--timeout", type=float, default=120, help="seconds for one step")
    parser.add_argument("--json", help="also write the measurements to this file")
    parser.add_argument("--forks", help="instead: the standard playbook with this many "
                                        "unchanged forks each, e.g. 0,1,5,20 (index size, "
                                        "repeats, recall in both scopes)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print("needs Debian's chromium at /usr/bin/chromium", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    queries = yaml.safe_load(Path(args.queries).read_text(encoding="utf-8"))
    prefix = f"{args.playbook}/"
    print(f"queries: {len(queries)} ({Path(args.queries).name}); engines: {', '.join(engines)}")
    results: dict[str, dict] = {}
    work = Path(tempfile.mkdtemp(prefix="luodi-search-bench-"))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            if args.forks:
                results["forks"] = forks_table(browser, [int(n) for n in args.forks.split(",")],
                                               queries, work, args.timeout)
            elif args.site:
                site = Path(args.site)
                # A Pagefind site has no documents in search_index.json for the other two.
                pagefind_site = (site / "pagefind").is_dir()
                present = [e for e in engines if (e == "pagefind") == pagefind_site]
                rows = {e: measure(browser, site, e, queries, args.timeout) for e in present}
                report(str(site), rows, queries, prefix, args.misses)
                results[str(site)] = rows
            for copies in ([] if args.site or args.forks else
                           [int(s) for s in args.sizes.split(",")]):
                size = f"{copies}x"
                print(f"\n[{size}] writing the playbook and building {len(engines)} site(s)",
                      flush=True)
                base = work / size
                write_scaled(base / "playbooks", copies)
                rows = {}
                for engine in engines:
                    site = build(base, base / "playbooks", engine)
                    rows[engine] = measure(browser, site, engine, queries, args.timeout)
                    shutil.rmtree(site)
                report(size, rows, queries, prefix, args.misses)
                results[size] = rows
                shutil.rmtree(base)
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(
            {size: rows if size == "forks" else
             {e: {k: v for k, v in row.items() if k != "out"} for e, row in rows.items()}
             for size, rows in results.items()}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
