"""When Python makes its full garbage collections: not in the middle of a build.

A full collection looks at every object the process holds. A build makes many that live until
its end (pages, the nav, the search index), and a server holds what each step of a build
remembered for the next one besides (about a million objects at 10x the default playbook, a
second per collection): one ran about twice in each rebuild, and five times in a 10x build.
So during a build only the young generations are collected, which frees most garbage early.
After a build (`mkdocs build`) the collector is as it was; under `mkdocs serve` the full
collection runs once the server has been quiet for a moment, and before a build if five came
in a row with no quiet moment.
"""

from __future__ import annotations

import gc
import threading

QUIET = 2.0  # seconds after a build of `mkdocs serve`
MAX_BUILDS = 5  # builds in a row with no quiet moment: collect before the next one
_NEVER = 2**31 - 1  # the largest threshold the collector takes


class Collector:
    def __init__(self, serving: bool):
        self.serving = serving
        self._thresholds: tuple[int, int, int] | None = None  # the collector's own, while held
        self._later: threading.Timer | None = None
        self._uncollected = 0  # builds since the last full collection (serve)

    def build_starting(self) -> None:
        if self._later is not None:
            self._later.cancel()
            self._later = None
        if self.serving and self._uncollected >= MAX_BUILDS:
            self._collect()
        if self._thresholds is None and gc.isenabled():
            self._thresholds = gc.get_threshold()
            young, middle, _ = self._thresholds
            gc.set_threshold(young, middle, _NEVER)

    def build_done(self) -> None:
        if self._thresholds is None:
            return
        if not self.serving:
            self.close()
            return
        if self._later is not None:  # a build that failed after its end (strict mode)
            self._later.cancel()
        self._uncollected += 1
        self._later = threading.Timer(QUIET, self._collect)
        self._later.daemon = True
        self._later.start()

    def close(self) -> None:
        """The collector as it was."""
        if self._later is not None:
            self._later.cancel()
            self._later = None
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def _collect(self) -> None:
        self._uncollected = 0
        gc.collect()
