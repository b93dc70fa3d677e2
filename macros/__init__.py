"""This site's mkdocs-macros module (`module_name: macros` in mkdocs.yml).

It hands the hand-written pages Luodi's macros (checklist, course, acceptance_form …). A site's
own macros go here too: define them in `define_env` after calling Luodi's.
"""

from luodi import define_env as luodi_macros


def define_env(env) -> None:
    luodi_macros(env)
