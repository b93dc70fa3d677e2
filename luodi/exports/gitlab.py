"""The checklist as GitLab issues: a CSV for GitLab's *Import CSV*, and the labels it uses.

GitLab imports four columns (title, description, due_date, milestone) and reads quick actions in
the description, one per line: the labels come that way (`/label ~"阶段::准备阶段"`), and they
must exist in the project first, hence the second file, one label per line.

Playbook text is data here too. GitLab would run a line of it that starts with `/` as a quick
action and notify anyone named `@name`: both are broken (`\\/`, `@<!-- -->name`), which GitLab
renders as the same text.
"""

from __future__ import annotations

import csv
import io
import re

from ..i18n import label
from ..model import Item, Phase, Playbook
from ..places import page_path
from ..schedule import schedule
from ..status import FINISHED, counted, item_status
from .common import Site, clean, role_title

# GitLab's header names: the importer matches them case-insensitively, in any order.
HEADER = ("title", "description", "due_date")
# A quick action is a line that starts with '/', after spaces; a mention is '@' then a name.
_QUICK_ACTION = re.compile(r"^(\s*)/", re.M)
_MENTION = re.compile(r"@(?=[\w.-])")
# What a label's name cannot hold inside ~"…": quotes and line breaks.
_LABEL_UNSAFE = re.compile(r"[\"\r\n\t]+")


def _inert(text: str) -> str:
    """Playbook text that GitLab shows as written and never runs (no quick action, no mention)."""
    return _MENTION.sub("@<!-- -->", _QUICK_ACTION.sub(r"\1\\/", clean(text)))


def _label_name(text: str) -> str:
    return _LABEL_UNSAFE.sub(" ", clean(text)).strip()


def item_labels(playbook: Playbook, phase: Phase, item: Item) -> list[str]:
    """Scoped labels (GitLab: one value per scope on an issue): phase, priority, owner, and the
    team's state when it is not todo."""
    def t(key: str) -> str:
        return label(playbook.language, key)

    labels = [f"{t('phase')}::{phase.title}", f"{t('priority')}::{t(item.priority)}",
              f"{t('owner')}::{role_title(playbook, item.owner)}"]
    state = item_status(playbook, item.id).state
    if state in ("doing", "blocked"):
        labels.append(f"{t('col-state')}::{t('state-' + state)}")
    return [_label_name(name) for name in labels]


def exported_items(playbook: Playbook) -> list[tuple[Phase, Item]]:
    """The items that are work still to do: Won't items are an agreement, and what status.yaml
    marks done or n/a is finished."""
    return [(phase, item) for phase, item in playbook.items()
            if counted(item) and item_status(playbook, item.id).state not in FINISHED]


def _description(playbook: Playbook, phase: Phase, item: Item, site: Site) -> str:
    def t(key: str, **values) -> str:
        return label(playbook.language, key, **values)

    def fact(key: str, value: str) -> str:
        return t("labelled", label=f"**{t(key)}**", value=value)

    sep = t("list-separator")
    roles = item.raci_roles()
    raci = " · ".join(
        f"**{t('col-' + key)}** " + sep.join(_inert(role_title(playbook, r)) for r in ids)
        for key, ids in roles.items() if ids)
    parts = [f"**{t('id')}** `{item.id}` · **{t('phase')}** {_inert(phase.title)} · "
             f"**{t('priority')}** {t(item.priority)}", raci]
    if item.detail:
        parts.append(_inert(item.detail))
    if item.evidence:
        parts.append(fact("evidence", _inert(item.evidence)))
    state = item_status(playbook, item.id)
    if state.state != "todo" or state.note:
        facts = [_inert(x) for x in (state.by, state.date) if x]
        value = t("state-" + state.state)
        value += t("parenthesized", value=" · ".join(facts)) if facts else ""
        value += f" — {_inert(state.note)}" if state.note else ""
        parts.append(fact("col-state", value))
    page = page_path(playbook, "phase", phase.id)
    where = site.link(page, item.id)
    title = _inert(playbook.title)
    parts.append(f"[{t('gitlab-link')}]({where}) · {title}" if site.url
                 else t("labelled", label=t("gitlab-link"), value=f"`{where}` · {title}"))
    quoted = " ".join(f'~"{name}"' for name in item_labels(playbook, phase, item))
    parts.append(f"/label {quoted}")
    return "\n\n".join(parts)


def gitlab_issues_csv(playbook: Playbook, site: Site) -> bytes:
    """One row per item still to do: title, a Markdown description that links back to the
    item's page, and the due date of its phase in the schedule (the end at its longest)."""
    due = {row.phase.id: row.end_long.isoformat() if row.end_long else ""
           for row in schedule(playbook)}
    buffer = io.StringIO()
    # UTF-8 without a BOM: GitLab would read the BOM as part of the header 'title'.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for phase, item in exported_items(playbook):
        writer.writerow([clean(item.title).replace("\n", " "),
                         _description(playbook, phase, item, site), due[phase.id]])
    return buffer.getvalue().encode("utf-8")


def gitlab_labels(playbook: Playbook) -> bytes:
    """Every label the issues use, one per line: phases, priorities, owners, states, each in
    the order the checklist first uses it."""
    names: dict[str, None] = {}
    for phase, item in exported_items(playbook):
        names.update(dict.fromkeys(item_labels(playbook, phase, item)))
    scopes = [label(playbook.language, key) + "::"
              for key in ("phase", "priority", "owner", "col-state")]
    ordered = sorted(names, key=lambda name: next(
        (n for n, scope in enumerate(scopes) if name.startswith(scope)), len(scopes)))
    return "".join(name + "\n" for name in ordered).encode()
