"""Work done in a second Python process while mkdocs converts the pages.

Some of what a build publishes depends on the playbooks alone and costs more than the pages
themselves: the Word forms and Excel checklists (exports/), and search's pinyin table (pypinyin
takes 0.2 s to import). The build hands that work to one child process at the start and collects
each result when it needs it, so on a machine with two cores it costs almost no wall time.

The child is `python -c` importing this module from the same place as the parent, not a
multiprocessing pool: spawn re-imports the parent's `__main__`, and a build started from a
script without a `__main__` guard would then run again in the child. Jobs and results travel as
pickles over the child's stdin/stdout. Where no child can start, or it dies or sends garbage,
the jobs run in this process instead: slower, with the same results.
"""

from __future__ import annotations

import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.luodi")

_FRAME = struct.Struct(">Q")  # each result: its length, then the pickle
_MAX_FRAME = 1 << 31  # no result is this large: a bigger length means the stream is garbage
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])  # the folder that holds luodi/
# The child finds this package where the parent found it (a source tree is not on its path);
# an installed package's folder is on its path already, and is not put before the stdlib.
_CHILD = ("import sys\n"
          "if sys.argv[1] not in sys.path: sys.path.insert(0, sys.argv[1])\n"
          "from luodi.site.background import child_main; child_main()")


class JobFailed(Exception):
    """A job raised: its exception's type name and message, in one line."""


class Background:
    """Jobs (a function and its arguments, all picklable) run in order in one child process."""

    def __init__(self, jobs: list[tuple], *, here: bool = False):
        """`here`: run the jobs in this process, when each result is asked for (a process
        that already imported what they need makes them faster than a new child)."""
        self.jobs = jobs
        self._results: list[bytes | None] = [None] * len(jobs)
        self._done = [threading.Event() for _ in jobs]
        self._child: subprocess.Popen | None = None
        self._reader: threading.Thread | None = None
        # A frozen application's executable is not a Python that can run `-c`.
        if jobs and not here and not getattr(sys, "frozen", False):
            self._start()
        if self._child is None:
            for event in self._done:
                event.set()

    def _start(self) -> None:
        try:
            # Pickled here, before the build goes on: the reader thread must not walk objects
            # the build thread is still filling in (cached properties of the model).
            payload = pickle.dumps(self.jobs, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a job that cannot travel: result() runs it here
            log.debug("Luodi: jobs run in this process (%s: %s)", type(exc).__name__, exc)
            return
        try:
            # cwd: `python -c` puts the working directory first on the path, and a project of
            # mkdocs-macros may have a macros/ folder of its own there. The jobs use no paths.
            self._child = subprocess.Popen(
                [sys.executable, "-c", _CHILD, _PACKAGE_PARENT], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=_PACKAGE_PARENT)
        except OSError:  # no second process here (a sandbox): result() runs each job itself
            return
        self._reader = threading.Thread(target=self._read, args=(payload,), daemon=True)
        self._reader.start()

    def _read(self, payload: bytes) -> None:
        child = self._child
        try:
            child.stdin.write(payload)
            child.stdin.close()
            for i in range(len(self.jobs)):
                head = child.stdout.read(_FRAME.size)
                if len(head) < _FRAME.size:
                    break
                size = _FRAME.unpack(head)[0]
                if size > _MAX_FRAME:
                    break
                body = child.stdout.read(size)
                if len(body) < size:
                    break
                self._results[i] = body
                self._done[i].set()
        except Exception as exc:  # the child died or close() killed it: the rest runs here
            log.debug("Luodi: second process stopped (%s: %s)", type(exc).__name__, exc)
        finally:
            for event in self._done:
                event.set()

    def result(self, index: int):
        """Job `index`'s return value, or JobFailed. A job the child did not answer (no child,
        or it died, or its answer was unreadable) runs here."""
        self._done[index].wait()
        answer = self._results[index]
        if answer is not None:
            try:
                ok, value = pickle.loads(answer)
            except Exception as exc:
                log.debug("Luodi: unreadable answer (%s: %s)", type(exc).__name__, exc)
            else:
                if not ok:
                    raise JobFailed(value)
                return value
        fn, args = self.jobs[index]
        try:
            return fn(*args)
        except Exception as exc:  # said in one line by the caller, as from the child
            raise JobFailed(f"{type(exc).__name__}: {exc}") from None

    def ran_in_child(self, index: int) -> bool:
        """Whether job `index` was answered by the child (for tests and benchmarks)."""
        self._done[index].wait()
        return self._results[index] is not None

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
    # Results go to the real stdout; anything else written there (by a job, or by a module
    # imported while unpickling) goes where stderr goes (nowhere).
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    from ..extensions import load_extensions

    load_extensions()  # the registries of the parent: its extensions' exports too
    jobs = pickle.loads(sys.stdin.buffer.read())
    for fn, args in jobs:
        try:
            outcome = (True, fn(*args))
        except Exception as exc:  # reported to the parent, which says it in one line
            outcome = (False, f"{type(exc).__name__}: {exc}")
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_FRAME.pack(len(data)) + data)
        out.flush()
