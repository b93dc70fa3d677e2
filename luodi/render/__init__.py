"""One module per view. Importing this package registers every view (views.py), in the order of
the nav and of the overview's links."""

# isort: off
from . import (  # noqa: F401  (imported for the views they register, in this order)
    overview,
    checklist,
    manual,
    handout,
    course,
    quiz,
    form,
    scope,
    raci,
    kpis,
    risks,
    reference,
    topics,
    tags,
    status,
    indexes,
)
# isort: on
