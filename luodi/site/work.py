"""The work of one build that depends on the playbooks alone (the downloads, search's extras):
features add their jobs while the files are gathered, one second process runs them while mkdocs
converts the pages (background.py), and each feature takes its results when it needs them."""

from __future__ import annotations

from mkdocs.exceptions import PluginError

from .background import Background, JobFailed


class Work:
    def __init__(self):
        self.jobs: list[tuple] = []
        self.runner: Background | None = None

    def add(self, function, *args) -> int:
        """A job (picklable function and arguments); returns its number, to ask for its result."""
        self.jobs.append((function, args))
        return len(self.jobs) - 1

    def start(self, *, here: bool) -> None:
        """`here`: run each job in this process when its result is asked for."""
        self.runner = Background(self.jobs, here=here)

    def result(self, job: int, what: str):
        try:
            return self.runner.result(job)
        except JobFailed as exc:  # the same code runs in the CLI: a bug, said in one line
            raise PluginError(f"could not make {what}: {exc}") from None

    def close(self) -> None:
        """Stop the second process (a build that failed does not wait for it)."""
        if self.runner is not None:
            self.runner.close()
            self.runner = None
