"""`mkdocs serve`: what makes a rebuild after an edit quicker, and what the server watches.

The plugin object lives as long as the server (it has on_startup), so this state does too: whether
the first build is done, and the thread that, while the server waits for the first edit, imports
what the rebuilds' jobs need and makes the first build's downloads again for them to reuse.
"""

from __future__ import annotations

import contextlib
import threading


class Serve:
    def __init__(self, command: str = "build"):
        self.command = command
        self.rebuilding = False  # the first build of `mkdocs serve` is done: rebuilds follow
        self.warm_up: threading.Thread | None = None

    def started(self, server, playbook_root, playbooks: list, site) -> None:
        """The first build is done and the server runs: watch the playbooks, and prepare."""
        self.rebuilding = True
        self.warm_up = threading.Thread(target=_warm_up, args=(playbooks, site), daemon=True)
        self.warm_up.start()
        memoize_jieba()
        server.watch(str(playbook_root))

    def jobs_here(self) -> bool:
        """Rebuilds run their jobs in this process: only the first one pays for importing
        python-docx, openpyxl and pypinyin, and a rebuild redoes one playbook's files."""
        if self.rebuilding and self.warm_up is not None:
            self.warm_up.join()  # the same imports must not run in two threads at once
        return self.rebuilding


def _warm_up(playbooks: list, site) -> None:
    """Import pypinyin and make the downloads of the first build again, in this process,
    while the server waits for the first edit: the first build made them in the second
    process, and what the exports remember (each form's document, each phase's workbook) lets
    a rebuild make again only the files an edit changed."""
    with contextlib.suppress(Exception):  # only an optimisation: the jobs do it anyway
        from ..exports import site_downloads
        from ..search import pinyin_table

        pinyin_table(["验收"])
        for pb in playbooks:
            site_downloads(pb, None, site)


def memoize_jieba() -> None:
    """Make jieba remember how it cut each piece of Chinese text, for `mkdocs serve`.

    Material's search cuts all of every page's Chinese again on each rebuild: about a seventh
    of a rebuild of the default site, though an edit changes a few pages. The memory is dropped
    whenever jieba loads a dictionary (Material sets `jieba_dict` again on each rebuild, so with
    that option nothing is remembered), and when words are added (`jieba_dict_user`, add_word)
    and change its word count or total frequency. Not noticed: del_word, or a frequency changed
    so that the total stays the same, between two rebuilds; Material does neither. Builds
    (`mkdocs build`) are left alone.
    """
    try:
        import jieba
    except ImportError:  # Material's search then does not cut Chinese at all
        return
    if getattr(jieba.cut, "luodi_memo", False):
        return
    cut = jieba.cut
    memo: dict = {}
    dictionary = [None]

    def remembered_cut(sentence, cut_all=False, HMM=True, use_paddle=False):
        if cut_all or not HMM or use_paddle:
            return cut(sentence, cut_all=cut_all, HMM=HMM, use_paddle=use_paddle)
        tokenizer = jieba.dt
        tokenizer.check_initialized()  # as cut() would: (re)load a dictionary that was set
        state = (id(tokenizer), id(tokenizer.FREQ), tokenizer.dictionary, tokenizer.total,
                 len(tokenizer.FREQ))
        if state != dictionary[0] or len(memo) > 500_000:
            memo.clear()
            dictionary[0] = state
        words = memo.get(sentence)
        if words is None:
            words = memo[sentence] = tuple(cut(sentence))
        return iter(words)

    remembered_cut.luodi_memo = True
    jieba.cut = remembered_cut
