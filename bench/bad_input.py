#!/usr/bin/env python3
"""Benchmark: what bad input costs `luodi validate`, against the same input without the mistakes.

It writes the standard playbook with its phases multiplied to >= --items checklist items, then two
copies of it that differ in one thing: a pitfall whose `prevented_by` names --refs items. In the
"good" copy each name is a real item id; in the "bad" copy each is misspelt (its last character
changed), so every one of them is reported with a did-you-mean. Both are validated in turn
(good, bad, good, bad …) and the medians are printed with their ratio: bad input should cost
about what good input costs.

Run from the repository root:  python bench/bad_input.py [--items 10000] [--refs 800]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from bench_build import BUILD_ENV, STANDARD, write_scaled  # noqa: E402


def _misspell(item_id: str) -> str:
    last = item_id[-1]
    return item_id[:-1] + ("q" if last != "q" else "z")


def write_pair(root: Path, items: int, refs: int) -> tuple[Path, Path, int]:
    """(good playbooks/, bad playbooks/, items): the same big playbook, with `refs` references
    that are right in one and misspelt in the other."""
    per_copy = sum(len(yaml.safe_load(p.read_text(encoding="utf-8")).get("checklist", []))
                   for p in (STANDARD / "phases").glob("*.yaml"))
    copies = -(-items // per_copy)
    good = root / "good" / "playbooks"
    write_scaled(good, copies, parts=("phases",))
    ids = [entry["id"] for p in sorted((good / "standard" / "phases").glob("*.yaml"))
           for entry in yaml.safe_load(p.read_text(encoding="utf-8")).get("checklist", [])]
    if len(ids) < refs:
        raise SystemExit(f"only {len(ids)} items, fewer than --refs {refs}")
    step = len(ids) / refs
    chosen = [ids[int(n * step)] for n in range(refs)]
    bad = root / "bad" / "playbooks"
    shutil.copytree(good, bad)
    for folder, names in ((good, chosen), (bad, [_misspell(i) for i in chosen])):
        main = folder / "standard" / "playbook.yaml"
        text = main.read_text(encoding="utf-8")
        pitfall = {"id": "bench-pitfall", "title": "基准测试", "symptom": "无", "remedy": "无",
                   "prevented_by": names}
        block = "".join("  " + line for line in yaml.safe_dump(
            [pitfall], allow_unicode=True, width=100).splitlines(keepends=True))
        text = text.replace("\npitfalls:\n", "\npitfalls:\n" + block, 1)
        main.write_text(text, encoding="utf-8")
    return good, bad, len(ids)


def validate_seconds(playbooks: Path) -> tuple[float, int]:
    exe = Path(sys.executable).with_name("luodi")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "luodi.cli"]
    start = time.perf_counter()
    done = subprocess.run([*cmd, "validate", str(playbooks)], capture_output=True, text=True,
                          env=BUILD_ENV, timeout=3600)
    seconds = time.perf_counter() - start
    reported = done.stderr.count("error[unknown-ref]")
    if done.returncode not in (0, 1) or "Traceback" in done.stderr or (
            done.returncode and not reported):
        raise SystemExit(f"luodi validate failed: {done.stderr[-2000:]}")
    return seconds, reported


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--refs", type=int, default=800)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="luodi-bad-input-") as tmp:
        good, bad, items = write_pair(Path(tmp), args.items, args.refs)
        print(f"{items} items, {args.refs} references (misspelt in the bad copy)")
        times: dict[str, list[float]] = {"good": [], "bad": []}
        for n in range(args.repeat):
            for side, folder in (("good", good), ("bad", bad)):
                seconds, reported = validate_seconds(folder)
                times[side].append(seconds)
                print(f"  run {n + 1} {side}: {seconds:.2f} s, {reported} unknown-ref reported",
                      flush=True)
        g, b = statistics.median(times["good"]), statistics.median(times["bad"])
        pairs = [y / x for x, y in zip(times["good"], times["bad"], strict=True)]
        print(f"good {g:.2f} s, bad {b:.2f} s (medians of {args.repeat}): bad/good {b / g:.2f} "
              f"(pairs {min(pairs):.2f}-{max(pairs):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
