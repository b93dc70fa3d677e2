"""Incremental rebuilds under `mkdocs serve`: a page whose inputs did not change since the
previous build is not converted, indexed or rendered again. (Before that, a playbook whose
files and whose parents' files did not change is the very object of the last build, and its
generated pages keep their text: read/__init__.py, pages.py.)

mkdocs rebuilds every page of the site after any edit (its `--dirty` mode is not enough: it
knows nothing of generated pages, nav titles or the search index). The three costly steps of a
page are memoised here, each by everything it reads, so that the served site stays byte for byte
what a full build makes:

- Markdown to HTML (`Page.render`): by the page's final Markdown (after mkdocs-macros, so a
  hand-written page is converted again when what its macros show changed), its path and URL,
  the site's configuration, and what each link on the page resolved to;
- Material's search entries of the page: by its HTML, table of contents, title, URL and meta;
- the theme's template (`main.html`): by the page's HTML, title, meta, table of contents, its
  neighbours, the part of the nav the page shows, and the configuration; the site's own
  templates (404.html, sitemap.xml) by the nav a page outside it shows and the list of pages.

The theme's templates are compiled once for the life of the server (Jinja's bytecode cache,
which checks each template's source), not once per build.

A step that logged a warning is never remembered (the warning must come again, and `strict`
must fail again), nor is a page whose template context holds something this module does not
know how to compare. What a build does not use is forgotten, so the memory holds one build.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import jinja2
from mkdocs.structure.files import Files
from mkdocs.structure.toc import AnchorLink, TableOfContents

from ..memo import Memo

log = logging.getLogger("mkdocs.plugins.luodi")

# Markdown extensions that read other files while they convert a page: a page's Markdown then
# does not determine its HTML, and no page is taken from the memory.
_READS_FILES = ("pymdownx.snippets", "markdown_include", "mdx_include", "include")
# What mkdocs and Material put into a page's template context; each is compared below.
_CONTEXT = {"nav", "pages", "base_url", "extra_css", "extra_javascript", "mkdocs_version",
            "build_date_utc", "config", "page", "tags"}


class Rebuild:
    """Lives as long as `mkdocs serve` (the plugin's on_startup); does nothing in a build."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.markdown = Memo()
        self.search = Memo()
        self.templates = Memo()
        self.site_templates = Memo()  # 404.html, sitemap.xml
        self.config_key = ""
        self.nav_keys: dict[str, str] = {}  # page URL → the nav it shows
        self.unlisted_nav: str | None = None  # the nav a page outside it shows
        self.convert = True  # whether a page's Markdown alone decides its HTML
        self._wrapped_index = None
        self.converted: list[str] = []  # this build's pages converted again (for `serve -v`)
        self._nav = None  # (nav, config) of this build
        self.compiled = _CompiledTemplates()

    # -- per build

    def start(self, config) -> None:
        """A new build: what the previous one used is what this one may reuse."""
        if not self.enabled:
            return
        for memo in (self.markdown, self.search, self.templates, self.site_templates):
            memo.next_build()
        self.config_key = _digest(_config_inputs(config))
        self.convert = not any(str(e) in _READS_FILES for e in config.markdown_extensions)
        self._wrapped_index = None
        self._nav = None
        self.nav_keys, self.unlisted_nav = {}, None
        self.converted = []

    def nav(self, nav, config) -> None:
        """The nav of this build: what each page shows of it is worked out in env(), once
        every page was read (the theme shows a page's icon or subtitle from its meta)."""
        if not self.enabled:
            return
        self._nav = (nav, config)

    def report(self, kept) -> None:
        if self.enabled and (self.markdown.hits or self.templates.hits):
            written = f", {kept.pages_written} written" if kept.adopted else ""
            log.info("luodi: rebuilt %d of %d pages (%d converted, %d indexed%s)",
                     self.templates.misses, self.templates.hits + self.templates.misses,
                     self.markdown.misses, self.search.misses, written)
            log.debug("luodi: converted again: %s", ", ".join(self.converted))

    # -- Markdown to HTML

    def page_markdown(self, page, config, files: Files) -> None:
        """Called last for each page's Markdown: its conversion may come from the memory."""
        if not self.enabled or not self.convert:
            return
        convert = page.render  # mkdocs' own method, bound to the page

        def render(config, files):
            # page.markdown is final only now: plugins' results are set after their event.
            key = _digest((self.config_key, page.file.src_uri, page.file.dest_uri,
                           page.file.url, page.markdown))
            found = self.markdown.get(key)
            if found is not None and _same_links(found[1], files):
                (page.content, toc, page._title_from_render, anchors, links), _ = found
                page.toc = _copy_toc(toc)
                page.present_anchor_ids = set(anchors)
                if links is not None:
                    page.links_to_anchors = {files.get_file_from_path(src): dict(found_links)
                                             for src, found_links in links.items()}
                return
            self.converted.append(page.file.src_uri)
            looked_up: dict[str, str | None] = {}
            with _Warnings() as warned, _LookUps(files, looked_up):
                convert(config, files)
            if warned.count:
                return
            links = page.links_to_anchors
            self.markdown.put(key, ((page.content, _copy_toc(page.toc), page._title_from_render,
                                     frozenset(page.present_anchor_ids or ()),
                                     None if links is None else
                                     {f.src_uri: dict(v) for f, v in links.items()}),
                                    looked_up))

        page.render = render  # this page's object only, for this build

    # -- Material's search entries

    def page_context(self, page, config) -> None:
        """Before Material's search plugin reads the page: its entries may come from memory."""
        if not self.enabled:
            return
        index = _material_index(config)
        if index is None:
            return
        if self._wrapped_index is not index:
            self._wrapped_index = index
            index.add_entry_from_context = self._indexer(index, index.add_entry_from_context)

    def _indexer(self, index, add):
        def add_entry_from_context(page):
            meta = page.meta
            key = _digest((page.file.src_uri, page.url, page.title, page.content,
                           _toc_key(page.toc), _stable(meta.get("title")),
                           _stable(meta.get("tags")), _stable(meta.get("search"))))
            found = self.search.get(key)
            if found is not None:
                index.entries.extend({**entry} for entry in found)
                return
            before = len(index.entries)
            with _Warnings() as warned:
                add(page)
            if not warned.count:
                self.search.put(key, [{**entry} for entry in index.entries[before:]])

        return add_entry_from_context

    # -- the page's template

    def env(self, env) -> None:
        if not self.enabled:
            return
        self.nav_keys, self.unlisted_nav = ({}, None) if self._nav is None else _nav_keys(*self._nav)
        get_template = env.get_template

        def get_page_template(name, *args, **kwargs):
            template = get_template(name, *args, **kwargs)
            # mkdocs asks for a page's template by its name alone; a template's own includes
            # and imports name their parent.
            return template if args or kwargs else _Template(template, name, self)

        env.get_template = get_page_template  # this build's environment only
        env.bytecode_cache = self.compiled  # mkdocs makes a new environment for each build

    def render(self, template, name: str, context) -> str:
        key = self._template_key(name, context)
        # Pages apart from the site's own templates, so that the report counts pages.
        memo = self.templates if context.get("page") is not None else self.site_templates
        if key is not None:
            found = memo.get(key)
            if found is not None:
                return found
        with _Warnings() as warned:
            output = template.render(context)
        if key is not None and not warned.count:
            memo.put(key, output)
        return output

    def _template_key(self, name: str, context) -> str | None:
        page = context.get("page")
        if set(context) - _CONTEXT:
            return None  # a context this module does not know
        if page is None:
            return self._site_template_key(name, context)
        if not hasattr(page, "file"):
            return None
        nav = self.nav_keys.get(page.url, self.unlisted_nav)
        if nav is None:
            return None
        try:
            tags = [(str(getattr(t, "name", t)), str(getattr(t, "url", ""))) for t in
                    context.get("tags") or ()]
            parts = (self.config_key, name, nav, page.file.src_uri, page.url, page.title,
                     page.content, _toc_key(page.toc), _stable(page.meta),
                     page.canonical_url, page.edit_url, page.is_homepage,
                     _neighbour(page.previous_page), _neighbour(page.next_page),
                     context.get("base_url"), _stable(list(context.get("extra_css") or ())),
                     _stable([str(s) for s in context.get("extra_javascript") or ()]), tags)
        except _Unstable:
            return None
        return _digest(parts)

    def _site_template_key(self, name: str, context) -> str | None:
        """A template of the site rather than of a page (404.html, sitemap.xml): it shows the
        nav as a page outside it does, and may list every page."""
        if self.unlisted_nav is None:
            return None
        pages = []
        for file in context.get("pages") or ():
            page = getattr(file, "page", None)
            pages.append((file.src_uri, file.url, getattr(page, "title", None),
                          getattr(page, "canonical_url", None),
                          str(getattr(page, "update_date", None))))
        try:
            return _digest((self.config_key, name, self.unlisted_nav, context.get("base_url"),
                            _stable(list(context.get("extra_css") or ())),
                            _stable([str(s) for s in context.get("extra_javascript") or ()]),
                            pages))
        except _Unstable:
            return None


class _CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates compiled once for every build of `mkdocs serve`, kept in memory.
    Jinja compares each template's source with the one the code was compiled from."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


class _Template:
    """A theme template whose render for a page may come from the memory."""

    def __init__(self, template, name: str, rebuild: Rebuild):
        self._template, self._name, self._rebuild = template, name, rebuild

    def render(self, *args, **kwargs) -> str:
        if len(args) == 1 and not kwargs:
            return self._rebuild.render(self._template, self._name, args[0])
        return self._template.render(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._template, name)


# ------------------------------------------------------------------ keys


class _Unstable(Exception):
    """A value whose text is not the same from one build to the next (an object's address)."""


def _digest(value) -> str:
    """A key of the value's repr(). The parts of a tuple that are long texts (a page's Markdown
    or HTML) go in as their bytes, with their length: repr() would copy them twice more."""
    digest = hashlib.sha256()  # as kept.py's, for the same reason
    if isinstance(value, tuple):
        for part in value:
            if isinstance(part, str) and len(part) > 256:
                data = part.encode("utf-8", "surrogatepass")
                digest.update(b"\0s%d\0" % len(data))
            else:
                data = repr(part).encode("utf-8", "surrogatepass")
                digest.update(b"\0r%d\0" % len(data))
            digest.update(data)
    else:
        digest.update(repr(value).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _stable(value):
    """The value itself where its repr() is the same in every build; else _Unstable."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_stable(v) for v in value)
    if isinstance(value, dict):
        return tuple((_stable(k), _stable(v)) for k, v in value.items())
    if hasattr(value, "isoformat"):  # a date from YAML front matter
        return value.isoformat()
    raise _Unstable(type(value).__name__)


def _config_inputs(config) -> tuple:
    """What the whole site's pages depend on beyond their own inputs: the configuration file
    (and those it inherits), what plugins added to `extra`, and the theme's templates."""
    texts = []
    # Real paths: `mkdocs serve -f mkdocs.yml` names the file as given for its first build
    # and by its absolute path when it reloads it, and the key must not see the difference.
    path = config.config_file_path and os.path.realpath(config.config_file_path)
    seen = set()
    while path and path not in seen and os.path.isfile(path):
        seen.add(path)
        data = Path(path).read_bytes()
        texts.append((path, data))
        inherit = next((line.split(":", 1)[1].strip() for line in
                        data.decode("utf-8", "replace").splitlines()
                        if line.startswith("INHERIT:")), None)
        path = os.path.join(os.path.dirname(path), inherit) if inherit else None
    try:
        extra = _stable(dict(config.extra))
    except _Unstable:
        extra = object()  # never equal: nothing is reused
    templates = []
    for folder in config.theme.dirs:
        for root, _, names in os.walk(os.path.realpath(folder)):
            for name in names:
                if name.endswith((".html", ".xml", ".j2", ".jinja")):
                    stat = os.stat(os.path.join(root, name))
                    templates.append((root, name, stat.st_mtime_ns, stat.st_size))
    return (texts, extra, sorted(templates), config.site_url, config.use_directory_urls,
            repr(config.theme.get("features")), os.environ.get("SOURCE_DATE_EPOCH"))


def _toc_key(toc) -> tuple:
    return tuple((a.title, a.id, a.level, _toc_key(a.children)) for a in toc or ())


def _copy_toc(toc) -> TableOfContents:
    def copy(link):
        new = AnchorLink(link.title, link.id, link.level)
        new.children = [copy(c) for c in link.children]
        return new

    return TableOfContents([copy(link) for link in toc])


def _neighbour(page) -> tuple | None:
    return None if page is None else (page.title, page.url)


def _nav_item(item) -> tuple:
    meta = getattr(item, "meta", None) or {}
    return (type(item).__name__, item.title, getattr(item, "url", None),
            getattr(item, "is_index", False),
            _stable({k: meta[k] for k in ("icon", "subtitle", "status") if k in meta}))


def _nav_keys(nav, config) -> tuple[dict[str, str], str | None]:
    """For each page's URL, a key of the nav the theme shows on that page; and the key of
    the nav on a page that is not in it (a handout).

    Material with navigation.prune and without navigation.tabs shows the top level, the
    children of top-level sections (navigation.sections), and the children of each section
    on the way to the page; a section it prunes shows its title and its first page's link.
    Elsewhere the whole nav is shown (and keyed). Over-counting is safe: it only rebuilds more.
    """
    features = set(config.theme.get("features") or ())
    pruned = (config.theme.name == "material" and "navigation.prune" in features
              and "navigation.tabs" not in features and not config.theme.custom_dir)
    sections = "navigation.sections" in features

    def first_leaf(item):
        while getattr(item, "children", None):
            item = item.children[0]
        return getattr(item, "url", None)

    def shown(items, level, path) -> tuple:
        out = []
        for item in items:
            children = getattr(item, "children", None)
            if children and pruned and not (sections and level == 1) and item not in path:
                out.append((_nav_item(item), "pruned", first_leaf(item), len(children)))
            elif children:
                out.append((_nav_item(item), shown(children, level + 1, path)))
            else:
                out.append(_nav_item(item))
        return tuple(out)

    keys: dict[str, str] = {}
    by_path: dict[tuple, str] = {}  # the sections on the way to a page → what they show
    try:
        unlisted = _digest(shown(nav.items, 1, ()))
        for page in nav.pages:
            path, parent = [], page.parent
            while pruned and parent is not None:
                path.append(parent)
                parent = parent.parent
            ids = tuple(id(p) for p in path)
            if ids not in by_path:
                by_path[ids] = _digest(shown(nav.items, 1, path)) if path else unlisted
            keys[page.url] = _digest((by_path[ids], page.url))
    except _Unstable:
        return {}, None
    return keys, unlisted


def _same_links(looked_up: dict[str, str | None], files: Files) -> bool:
    """Each link the page's conversion resolved resolves to the same page now."""
    for target, url in looked_up.items():
        found = files.get_file_from_path(target)
        if (found.url if found is not None else None) != url:
            return False
    return True


class _LookUps:
    """Records the files a page's links were resolved to, while mkdocs converts it."""

    def __init__(self, files: Files, into: dict):
        self.files, self.into = files, into

    def __enter__(self):
        get = self.files.get_file_from_path

        def get_file_from_path(path):
            found = get(path)
            self.into[path] = found.url if found is not None else None
            return found

        self.files.get_file_from_path = get_file_from_path
        return self

    def __exit__(self, *exc):
        del self.files.get_file_from_path


class _Warnings(logging.Handler):
    """Counts the warnings logged while a step runs (such a step must run again next time)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record) -> None:
        self.count += 1

    def __enter__(self):
        logging.getLogger("mkdocs").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("mkdocs").removeHandler(self)


def _material_index(config):
    """The search index of Material's search plugin in this build, if it runs."""
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] == "search" and hasattr(plugin, "search_index"):
            index = plugin.search_index
            if hasattr(index, "entries") and hasattr(index, "add_entry_from_context"):
                return index
    return None
