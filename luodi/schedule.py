"""The schedule: each phase planned end to end from the playbook's start-date variable (with its
`weeks`, a number or a range), and, from status.yaml's dates, when it actually ran."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .model import Phase, Playbook
from .status import gate, item_status

START_VARIABLE = "start-date"
WEEK = datetime.timedelta(weeks=1)


@dataclass(frozen=True)
class Row:
    phase: Phase
    # Planned: from the earliest start (every earlier phase at its shortest) to the end at its
    # shortest and at its longest (every phase at its longest); None without weeks.
    start: datetime.date | None
    end_short: datetime.date | None
    end_long: datetime.date | None
    # Actual: the first and last dates in status.yaml; finished when its gate is met.
    actual_start: datetime.date | None
    actual_end: datetime.date | None
    finished: bool


def start_date(playbook: Playbook) -> datetime.date | None:
    variable = playbook.variables.get(START_VARIABLE)
    try:
        return datetime.date.fromisoformat(variable.value) if variable else None
    except ValueError:
        return None


def weeks_range(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    low, _, high = text.partition("-")
    return int(low), int(high or low)


def _dates(playbook: Playbook, phase: Phase) -> list[datetime.date]:
    found = []
    status = playbook.status
    texts = [item_status(playbook, item.id).date for item in phase.checklist]
    if status:
        texts += [c.date for c in status.exit_criteria.get(phase.id, [])]
        texts += [f.signed for form_id, f in status.forms.items()
                  if form_id in playbook.index["form"]
                  and playbook.form(form_id).phase == phase.id]
    for text in texts:
        try:
            found.append(datetime.date.fromisoformat(text))
        except ValueError:
            continue
    return found


def schedule(playbook: Playbook) -> list[Row]:
    """One row per phase, in order. Planning stops at the first phase without weeks: what
    comes after it cannot be placed."""
    rows = []
    start = start_date(playbook)
    short = long = start
    for phase in playbook.phases:
        weeks = weeks_range(phase.weeks)
        planned = (short, short + weeks[0] * WEEK, long + weeks[1] * WEEK) \
            if weeks and short and long else (None, None, None)
        if planned[0] is not None:
            short, long = planned[1], planned[2]
        else:
            short = long = None
        dates = _dates(playbook, phase)
        finished = bool(dates) and gate(playbook, phase).met
        rows.append(Row(phase, *planned, min(dates) if dates else None,
                        max(dates) if dates else None, finished))
    return rows

