"""A memory of one build for the next, under `mkdocs serve`: results by key, kept for one build.

Each rebuild starts with `next_build()`: what the previous build stored can be found again, and
whatever this build does not ask for is forgotten at the next one, so the memory never holds
more than two builds' worth (a deleted file or page leaves with the build after it).
"""

from __future__ import annotations


class Memo:
    """Results of one step by key: those of the previous build, and those this build used."""

    def __init__(self):
        self.previous: dict = {}
        self.current: dict = {}
        self.hits = self.misses = 0

    def get(self, key, carried=None):
        """The result stored under `key` in this build or the previous one, else None.
        `carried`, if given, brings a result of the previous build up to date as it is kept."""
        found = self.current.get(key)
        if found is None:
            found = self.previous.get(key)
            if found is None:
                self.misses += 1
                return None
            if carried is not None:
                found = carried(found)
            self.current[key] = found
        self.hits += 1
        return found

    def put(self, key, value) -> None:
        self.current[key] = value

    def next_build(self, keep: bool = True) -> None:
        """A new build begins; with keep=False nothing of the last one is found again."""
        self.previous, self.current = (self.current if keep else {}), {}
        self.hits = self.misses = 0
