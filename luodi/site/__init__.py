"""The mkdocs glue: the only part of Luodi that imports mkdocs, Jinja or Material.

plugin.py handles mkdocs' events and nothing else: it hands each event to the feature it
concerns. Each feature is an object that owns its state: the generated pages (pages.py), the
downloads (downloads.py), search (search.py), the reader's assets (reader.py), old ids that keep
working (aliases.py), the anchors of the previous build (anchors.py) and `mkdocs serve`
(serve.py). macros.py is Luodi's part of mkdocs-macros.
"""
