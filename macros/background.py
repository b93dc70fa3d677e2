"""Work done in a second Python process while mkdocs converts the pages.

Some of what a build publishes depends on the playbooks alone and costs more than the pages
themselves: the Word forms and Excel checklists (export.py), and search's pinyin table (pypinyin
takes 0.2 s to import). The build hands that work to one child process at the start and collects
each result when it needs it, so on a machine with two cores it costs almost no wall time.

The child is `python -c` importing this module from the same place as the parent, not a
multiprocessing pool: spawn re-imports the parent's `__main__`, and a build started from a
script without a `__main__` guard would then run again in the child. Jobs and results travel as
pickles over the child's stdin/stdout. Where no child can start, or it dies, the jobs run in this
process instead: slower, never wrong.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
import threading
from pathlib import Path

_FRAME = struct.Struct(">Q")  # each result: its length, then the pickle
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)
_CHILD = ("import sys; sys.path.insert(0, sys.argv[1]); "
          "from macros.background import child_main; child_main()")


class JobFailed(Exception):
    """A job raised in the child: its exception's type name and message."""


class Background:
    """Jobs (a function and its arguments, all picklable) run in order in one child process."""

    def __init__(self, jobs: list[tuple], *, here: bool = False):
        """`here`: run the jobs in this process, when each result is asked for (a process
        that already imported what they need makes them faster than a new child)."""
        self.jobs = jobs
        self._results: list = [None] * len(jobs)
        self._done = [threading.Event() for _ in jobs]
        self._child: subprocess.Popen | None = None
        self._reader: threading.Thread | None = None
        if jobs and not here:
            self._start()
        else:
            for event in self._done:
                event.set()

    def _start(self) -> None:
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-c", _CHILD, _PACKAGE_PARENT], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:  # no second process here (a sandbox): result() runs each job itself
            self._child = None
            for event in self._done:
                event.set()
            return
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        child = self._child
        try:
            child.stdin.write(pickle.dumps(self.jobs, protocol=pickle.HIGHEST_PROTOCOL))
            child.stdin.close()
            for i in range(len(self.jobs)):
                head = child.stdout.read(_FRAME.size)
                if len(head) < _FRAME.size:
                    break
                size = _FRAME.unpack(head)[0]
                body = child.stdout.read(size)
                if len(body) < size:
                    break
                self._results[i] = body
                self._done[i].set()
        except (OSError, ValueError):  # the child died, or close() killed it
            pass
        finally:
            for event in self._done:
                event.set()

    def result(self, index: int):
        """Job `index`'s return value. JobFailed if it raised; run here if the child could not."""
        self._done[index].wait()
        outcome = self._results[index]
        if outcome is not None:
            ok, value = pickle.loads(outcome)
            if not ok:
                raise JobFailed(value)
            return value
        fn, args = self.jobs[index]
        return fn(*args)

    def close(self) -> None:
        """Stop the child (a build that failed does not wait for it)."""
        if self._child is not None and self._child.poll() is None:
            self._child.kill()
        if self._child is not None:
            self._child.wait()
            for stream in (self._child.stdin, self._child.stdout):
                try:
                    stream.close()
                except (OSError, ValueError):
                    pass
        if self._reader is not None:
            self._reader.join()


def child_main() -> None:
    """The child: read the jobs, write each outcome as soon as it is known."""
    jobs = pickle.loads(sys.stdin.buffer.read())
    # Results go to the real stdout; anything a job prints goes where stderr goes (nowhere).
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    for fn, args in jobs:
        try:
            outcome = (True, fn(*args))
        except Exception as exc:  # reported to the parent, which says it in one line
            outcome = (False, f"{type(exc).__name__}: {exc}")
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_FRAME.pack(len(data)) + data)
        out.flush()
