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

    def get(self, key):
        found = self.previous.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self.current[key] = found
        return found

    def put(self, key, value) -> None:
        self.current[key] = value

    def next_build(self) -> None:
        self.previous, self.current = self.current, {}
        self.hits = self.misses = 0
