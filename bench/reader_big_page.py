#!/usr/bin/env python3
"""Benchmark: the reader script (luodi-reader.js) on a phase page of 10,000 checklist items.

It builds a small site whose one phase holds --items items, opens that phase page in headless
Chromium (Debian's /usr/bin/chromium, driven by Playwright) with the reader script and without
it, in turn, and prints medians of:

- usable: from the start of navigation until the main thread has been free of long tasks (over
  50 ms) for a second, i.e. when a reader can scroll and tick;
- tick: from a click on an item's checkbox until the next frame is painted, with the progress
  text updated (ticks alternate on and off over several items).

Run from the repository root:  python bench/reader_big_page.py [--items 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, FIXTURES, make_project, serve  # noqa: E402

# Long tasks are recorded from the start; "usable" is the end of the last one.
OBSERVE = """
window.__longTasks = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) window.__longTasks.push(entry.startTime + entry.duration);
}).observe({ type: "longtask", buffered: true });
"""

TICK = """
async ([index]) => {
  const boxes = document.querySelectorAll(".luodi-check-input");
  const box = boxes[index];
  const status = document.querySelector(".luodi-progress-all .luodi-progress-text");
  const before = status.textContent;
  const start = performance.now();
  box.click();
  await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const end = performance.now();
  if (status.textContent === before) throw new Error("the progress did not change");
  return end - start;
}
"""


def write_project(root: Path, items: int) -> Path:
    playbooks = root / "playbooks"
    shutil.copytree(FIXTURES / "sample", playbooks / "sample")
    priorities = ("must", "should", "could")
    lines = [
        "id: prep", "order: 1", "title: 准备阶段", "summary: 大量检查项。", "checklist:"]
    for n in range(items):
        lines += [f"  - id: item-{n}", f"    title: 检查项 {n}", "    owner: pm",
                  f"    priority: {priorities[n % 3]}", f"    evidence: 记录 {n}"]
    (playbooks / "sample" / "phases" / "prep.yaml").write_text("\n".join(lines) + "\n",
                                                                 encoding="utf-8")
    # The rest of the sample refers to two items of the phase that are gone now.
    main = playbooks / "sample" / "playbook.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace(
        "prevented_by: [prep-scope]", "prevented_by: [item-1]"), encoding="utf-8")
    return make_project(root / "project", playbooks)


def measure(browser, url: str, with_reader: bool, ticks: int) -> tuple[float, list[float]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    if not with_reader:
        page.route("**/luodi-reader.js", lambda route: route.abort())
    page.add_init_script(OBSERVE)
    page.goto(url, wait_until="load", timeout=300_000)
    # Quiet for a second: no long task has ended in the last 1,000 ms.
    page.wait_for_function(
        "() => { const t = window.__longTasks; const last = t.length ? Math.max(...t) : 0;"
        " return performance.now() - last > 1000; }", timeout=300_000, polling=200)
    usable = page.evaluate("() => { const t = window.__longTasks;"
                           " return t.length ? Math.max(...t) : performance.now() - 1000; }")
    times = []
    if with_reader:
        count = page.evaluate("() => document.querySelectorAll('.luodi-check-input').length")
        for n in range(ticks):
            index = (n * 997) % count
            times.append(page.evaluate(TICK, [index]))
            times.append(page.evaluate(TICK, [index]))  # and off again
    context.close()
    return usable / 1000, times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ticks", type=int, default=5)
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print("needs Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="luodi-reader-bench-") as tmp:
        project = write_project(Path(tmp), args.items)
        site = Path(tmp) / "site"
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
                              cwd=project, capture_output=True, text=True)
        if done.returncode:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        base, stop = serve(site)
        url = base + "sample/phases/prep/"
        results: dict[str, list[float]] = {"with": [], "without": []}
        tick_times: list[float] = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                for n in range(args.repeat):
                    for side in ("without", "with"):
                        usable, ticks = measure(browser, url, side == "with", args.ticks)
                        results[side].append(usable)
                        tick_times += ticks
                        print(f"  run {n + 1} {side} the reader script: usable after "
                              f"{usable:.2f} s" + (f", ticks {statistics.median(ticks):.0f} ms"
                                                   if ticks else ""), flush=True)
                browser.close()
        finally:
            stop()
    w, wo = statistics.median(results["with"]), statistics.median(results["without"])
    print(f"{args.items} items: usable after {w:.2f} s with the reader script, {wo:.2f} s "
          f"without (medians of {args.repeat}); a tick takes {statistics.median(tick_times):.0f} "
          f"ms (median of {len(tick_times)}, max {max(tick_times):.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
