"""The playbook domain model, declared once.

Each dataclass below is at the same time the model the renderers read, the schema the validator
enforces, the JSON Schema editors use and the format reference in the docs. A field's metadata says
what it means (``doc``), what it refers to (``ref``) and, for text, which pattern it must match.
A field without a default is required.

The model is frozen: renderers never change it. Every object remembers where it was written
(``source``) and where each of its fields came from (``sources``), so diagnostics and
``luodi explain`` can point at a file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, NamedTuple, get_args

SCHEMA_VERSION = 1

# Keyword-only, so that required and optional fields can be declared in reading order.
model = dataclass(frozen=True, kw_only=True)

# Ids become URLs and HTML anchors, so they are plain ASCII and never derived from titles. They
# also become file names (pages, redirects), which most file systems cap at 255 bytes.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_MAX_LENGTH = 64

# The enumerations of the format; every list of their values comes from here.
Priority = Literal["must", "should", "could", "wont"]
GoalKind = Literal["pain-point", "objective", "governance"]
RiskCategory = Literal["technical", "organizational", "budget"]
Level = Literal["low", "medium", "high"]
ModuleFormat = Literal["manual", "video", "drill", "workshop"]
MaterialKind = Literal["slides", "exercise", "checklist", "template", "video", "reading",
                       "other"]
ItemState = Literal["todo", "doing", "done", "blocked", "n/a"]
PRIORITIES: tuple[str, ...] = get_args(Priority)
ITEM_STATES: tuple[str, ...] = get_args(ItemState)
GOAL_KINDS: tuple[str, ...] = get_args(GoalKind)
MATERIAL_KINDS: tuple[str, ...] = get_args(MaterialKind)
RISK_CATEGORIES: tuple[str, ...] = get_args(RiskCategory)
RACI_LETTERS = {"responsible": "R", "accountable": "A", "consulted": "C", "informed": "I"}


# Keys a fork's files may use besides the model's fields (overlay.py merges them away).
OVERLAY_KEYS = ("remove", "after", "based_on")


class Source(NamedTuple):
    """Where something was written: a file path as given to the loader, 1-based line and column.

    A named tuple rather than a dataclass: the loader makes one per key and value, and a tuple
    is several times cheaper to create.
    """

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


NOWHERE = Source("<default>", 0, 0)


def spec(doc: str, *, default=..., ref: str | None = None, pattern: str | None = None,
         example: str | None = None):
    """Declare one field of the format: its documentation and what the validator checks."""
    meta = {"doc": doc, "ref": ref, "pattern": pattern, "example": example}
    if default is ...:
        return field(metadata=meta)
    if isinstance(default, (list, dict)):
        return field(default_factory=type(default), metadata=meta)
    return field(default=default, metadata=meta)


def date_spec(doc: str):
    """A calendar date, YYYY-MM-DD; an unquoted date in YAML is read as the same text."""
    return field(default="", metadata={"doc": doc, "ref": None, "pattern": None,
                                       "example": '"2026-03-02"', "date": True})


def weeks_spec(doc: str):
    """A planned length in weeks: a number (4) or a range (4-6)."""
    return field(default="", metadata={"doc": doc, "ref": None, "pattern": None,
                                       "example": '"4-6"', "weeks": True})


def ident(doc: str = "Stable identifier: lowercase ASCII kebab-case; it becomes the URL or anchor.",
          **kw):
    return spec(doc, pattern=ID_PATTERN, **kw)


@model
class Node:
    """Base of every model object: where it was written and where each field came from."""

    source: Source = field(default=NOWHERE, compare=False, repr=False,
                           metadata={"internal": True})
    sources: dict = field(default_factory=dict, compare=False, repr=False,
                          metadata={"internal": True})
    # Set on a fork's object when its parent changed under an override (shown on the page).
    drift: tuple = field(default=(), compare=False, repr=False, metadata={"internal": True})


# ---------------------------------------------------------------- playbook.yaml


@model
class Variable(Node):
    """A project variable, such as the project name or the customer, that forms fill in."""

    label: str = spec("Label shown next to the value, e.g. 项目名称.")
    value: str = spec("The value for this project; quote dates and numbers.", default="")
    doc: str = spec("What to fill in here, for whoever forks the playbook.", default="")


@model
class Goal(Node):
    """A pain point to remove, a measurable objective, or a governance condition."""

    id: str = ident()
    title: str = spec("One-line statement of the goal.")
    kind: GoalKind = spec(
        "pain-point: what hurts today; objective: the measurable target; governance: what the "
        "project needs from leadership.")
    detail: str = spec("Explanation.", default="")
    methods: list[str] = spec("How it is found or reached (访谈, 问卷, 流程梳理 …).", default=[])
    kpis: list[str] = spec("KPI ids that measure this goal.", default=[], ref="kpi")
    owner: str = spec("Role id that owns the goal.", default="", ref="role")


@model
class Kpi(Node):
    """A measurable indicator with its baseline and target."""

    id: str = ident()
    name: str = spec("Name of the indicator, e.g. 采购审批周期.")
    target: str = spec("Target as written in the contract, e.g. 缩短30% or ≥95%.")
    baseline: str = spec("Value before the project.", default="")
    unit: str = spec("Unit, e.g. 天 or %.", default="")
    department: str = spec("Department whose KPI this is, for KPI linkage.", default="")
    measure: str = spec("How and how often it is measured.", default="")
    phase: str = spec("Phase id in which the target is due.", default="", ref="phase")
    owner: str = spec("Role id accountable for the target.", ref="role")
    detail: str = spec("Explanation.", default="")


@model
class Risk(Node):
    """An entry of the risk register."""

    id: str = ident()
    title: str = spec("The risk in one line.")
    category: RiskCategory = spec("Risk category.")
    likelihood: Level = spec("How likely it is.")
    impact: Level = spec("How bad it would be.")
    mitigation: str = spec("What is done beforehand to make it less likely or less bad.")
    contingency: str = spec("What is done if it happens anyway.", default="")
    owner: str = spec("Role id that watches this risk.", ref="role")
    phase: str = spec("Phase id in which it mostly arises.", default="", ref="phase")
    detail: str = spec("Explanation.", default="")


@model
class Pitfall(Node):
    """A common mistake, its remedy, and the checklist items that prevent it."""

    id: str = ident()
    title: str = spec("Name of the pitfall, e.g. 重技术轻业务.")
    symptom: str = spec("What it looks like when it happens.")
    remedy: str = spec("How to avoid or repair it.")
    prevented_by: list[str] = spec("Checklist item ids that prevent it.", default=[], ref="item")


@model
class CaseResult(Node):
    """One measured result of a case study."""

    metric: str = spec("What was measured.")
    before: str = spec("Value before.", default="")
    after: str = spec("Value after, or the change.")
    note: str = spec("Remark.", default="")


@model
class Case(Node):
    """A case study of a real implementation."""

    id: str = ident()
    title: str = spec("Title of the case.")
    industry: str = spec("Industry of the company.", default="")
    system: str = spec("System implemented, e.g. SAP ERP.", default="")
    summary: str = spec("What was done.")
    results: list[CaseResult] = spec("Measured results.", default=[])
    lessons: list[str] = spec("Key lessons.", default=[])
    related: list[str] = spec("Checklist item ids that the case illustrates.", default=[],
                              ref="item")


@model
class Term(Node):
    """A glossary entry."""

    id: str = ident()
    term: str = spec("The term as people write it, e.g. 灰度发布.")
    definition: str = spec("What it means in this methodology.")
    english: str = spec("English equivalent, e.g. gray release.", default="")
    english_synonyms: list[str] = spec(
        "Other English words for it (canary release, canary …): shown beside the English "
        "equivalent, and English queries find the term and the pages that use it.", default=[])
    synonyms: list[str] = spec("Other words people use for it (灰度上线, 金丝雀发布 …).", default=[])


# ---------------------------------------------------------------- phases/<id>.yaml


@model
class Raci(Node):
    """Who is Responsible, Accountable, Consulted and Informed for an item (role ids)."""

    responsible: list[str] = spec("Roles that do the work.", default=[], ref="role")
    accountable: str = spec("The one role that answers for the result.", default="", ref="role")
    consulted: list[str] = spec("Roles asked before a decision.", default=[], ref="role")
    informed: list[str] = spec("Roles told of the result.", default=[], ref="role")


@model
class Item(Node):
    """One checklist item of a phase."""

    id: str = ident()
    title: str = spec("What must be done, as an instruction.")
    owner: str = spec("Role id that owns the item.", ref="role")
    priority: Priority = spec("MoSCoW priority: must, should, could or wont (won't have this time).")
    evidence: str = spec("What proves the item is done (a document, a record, a signature).")
    detail: str = spec("How to do it.", default="")
    raci: Raci | None = spec("RACI of the item; the owner always counts as responsible.",
                             default=None)
    modules: list[str] = spec("Training module ids that prepare people for this item.",
                              default=[], ref="module")
    tags: list[str] = spec("Free keywords shown as tags and used by search.", default=[])
    aliases: list[str] = spec("Former ids of this item, so that old links keep working.",
                              default=[], pattern=ID_PATTERN)

    def raci_roles(self) -> dict[str, list[str]]:
        """Role ids by RACI key; the owner always counts as responsible (every view agrees)."""
        raci = self.raci
        responsible = list(raci.responsible) if raci else []
        if self.owner not in responsible:
            responsible.insert(0, self.owner)
        return {
            "responsible": responsible,
            "accountable": [raci.accountable] if raci and raci.accountable else [],
            "consulted": list(raci.consulted) if raci else [],
            "informed": list(raci.informed) if raci else [],
        }

    @cached_property
    def raci_by_role(self) -> dict[str, str]:
        """The RACI letters of each role that has a part in this item, e.g. {'pm': 'RA'}."""
        roles = self.raci_roles()
        letters: dict[str, str] = {}
        for key, letter in RACI_LETTERS.items():
            for role_id in roles[key]:
                if letter not in letters.get(role_id, ""):
                    letters[role_id] = letters.get(role_id, "") + letter
        return letters

    def raci_letters(self, role_id: str) -> str:
        """The RACI letters a role holds on this item ('' when it has no part in it)."""
        return self.raci_by_role.get(role_id, "")


@model
class Deliverable(Node):
    """Something a phase hands over."""

    id: str = ident()
    title: str = spec("Name of the deliverable.")
    owner: str = spec("Role id that produces it.", default="", ref="role")
    detail: str = spec("What it contains.", default="")


@model
class Phase(Node):
    """A phase of the implementation, with its checklist."""

    id: str = ident()
    order: int = spec("Position in the roadmap; phases are shown in this order.")
    title: str = spec("Name of the phase, e.g. 准备阶段.")
    summary: str = spec("What the phase is for.")
    subtitle: str = spec("Second name, e.g. the English one.", default="")
    duration: str = spec("Typical duration, e.g. 2-4 周.", default="")
    weeks: str = weeks_spec("Planned length in weeks, a number (4) or a range (4-6): the "
                            "timeline lays phases end to end from the start-date variable.")
    entry_criteria: list[str] = spec("What must be true before the phase starts.", default=[])
    exit_criteria: list[str] = spec("What must be true before the phase ends.", default=[])
    deliverables: list[Deliverable] = spec("What the phase hands over.", default=[])
    checklist: list[Item] = spec("The work of the phase.", default=[])
    aliases: list[str] = spec("Former ids of this phase.", default=[], pattern=ID_PATTERN)


# ---------------------------------------------------------------- roles/<id>.yaml


@model
class Material(Node):
    """What a trainer teaches a module or a lesson with: slides, an exercise sheet, a template.
    It is where `url`, `form` or `export` says, or, with none of them, something to prepare as
    `detail` describes."""

    title: str = spec("What it is, e.g. 课件大纲 or 练习表.")
    kind: MaterialKind = spec("slides, exercise (练习), checklist, template (模板), video, "
                              "reading (阅读材料) or other.")
    url: str = spec("Where it is: a web address, a page of the playbook (raci/, "
                    "phases/goals/) or, with a leading /, a page of the site (/guide/).",
                    default="")
    form: str = spec("A form of this playbook: its page and its Word file.", default="",
                     ref="form")
    export: str = spec("A file the site makes for the whole playbook, by export name: "
                       "checklist (the Excel checklist), json, gitlab.", default="")
    detail: str = spec("What it holds, or what to prepare.", default="")


@model
class Question(Node):
    """A self-check question of a lesson, with its answer."""

    id: str = ident()
    question: str = spec("The question.")
    answer: str = spec("The answer, hidden on the page until the reader asks for it.")


@model
class Lesson(Node):
    """One lesson of a training module."""

    id: str = ident()
    title: str = spec("Title of the lesson.")
    detail: str = spec("What it teaches, in a sentence.", default="")
    duration: int = spec("Length in minutes; a module's lessons add up to its duration.",
                         default=0)
    content: str = spec("The teaching text: what to do, and why.", default="")
    steps: list[str] = spec("The steps to follow, or the parts of a template, in order.",
                            default=[])
    example: str = spec("A worked example, from the method's own case where it has one.",
                        default="")
    mistake: str = spec("The common mistake the lesson prevents.", default="")
    pitfalls: list[str] = spec("Pitfall ids of the playbook that mistake belongs to.",
                               default=[], ref="pitfall")
    questions: list[Question] = spec("Self-check questions, with their answers.", default=[])
    materials: list[Material] = spec("What the lesson is taught with.", default=[])


@model
class Module(Node):
    """A training module: one course page that trainers link to."""

    id: str = ident()
    title: str = spec("Title of the course.")
    objectives: list[str] = spec("What a participant can do afterwards.")
    format: ModuleFormat = spec(
        "manual (操作手册), video (视频教程), drill (实操演练) or workshop (研讨).")
    duration: int = spec("Length in minutes.")
    summary: str = spec("What the course is about.", default="")
    prerequisites: list[str] = spec("Module ids to take first (any role's).", default=[],
                                    ref="module")
    lessons: list[Lesson] = spec("The lessons, in order.", default=[])
    exercises: list[str] = spec("Exercises or assessments.", default=[])
    materials: list[Material] = spec("What the module is taught with: slide outline, "
                                     "exercise sheet, checklist template …", default=[])
    aliases: list[str] = spec("Former ids of this module.", default=[], pattern=ID_PATTERN)


@model
class Role(Node):
    """A project role with its responsibilities and its training manual."""

    id: str = ident()
    title: str = spec("Name of the role, e.g. 项目经理.")
    summary: str = spec("The role in one or two sentences.")
    order: int = spec("Position in role lists and the nav (then by id).", default=100)
    responsibilities: list[str] = spec("What the role is responsible for.", default=[])
    modules: list[Module] = spec("The role's training modules.", default=[])
    aliases: list[str] = spec("Former ids of this role.", default=[], pattern=ID_PATTERN)


# ---------------------------------------------------------------- forms/<id>.yaml


@model
class FormField(Node):
    """A field of a form's header, filled from a project variable or by hand."""

    id: str = ident()
    label: str = spec("Label, e.g. 合同编号.")
    type: Literal["text", "date", "number", "choice", "textarea"] = spec(
        "Kind of value.", default="text")
    required: bool = spec("Whether the form is incomplete without it.", default=False)
    variable: str = spec("Playbook variable id whose value fills the field.", default="",
                         ref="variable")
    default: str = spec("Fixed text to fill in when no variable is named.", default="")
    options: list[str] = spec("Allowed answers, for type choice.", default=[])


@model
class Criterion(Node):
    """An acceptance criterion, checked pass/fail on the form."""

    id: str = ident()
    title: str = spec("The criterion.")
    detail: str = spec("How it is checked.", default="")


@model
class Form(Node):
    """A printable, signable form such as the 验收确认书."""

    id: str = ident()
    title: str = spec("Title of the form.")
    phase: str = spec("Phase id the form belongs to.", ref="phase")
    summary: str = spec("What the form is for.", default="")
    fields: list[FormField] = spec("Header fields.", default=[])
    criteria: list[Criterion] = spec("Acceptance criteria of the form itself.", default=[])
    include_exit_criteria: bool = spec("Also list the phase's exit criteria as criteria.",
                                       default=True)
    include_deliverables: bool = spec("List the phase's deliverables.", default=True)
    signatories: list[str] = spec("Role ids that sign, one signature block each.", ref="role")
    parties: dict[str, str] = spec("The party each signatory signs for, by role id, e.g. "
                                   "{sponsor: 甲方（客户）, project-manager: 乙方（实施方）}.",
                                   default={}, ref="role")
    page_header: str = spec("Id of a field whose value heads every printed page, e.g. the "
                            "contract number.", default="", pattern=ID_PATTERN)
    notes: list[str] = spec("Clauses printed above the signatures (responsibility boundaries).",
                            default=[])
    aliases: list[str] = spec("Former ids of this form.", default=[], pattern=ID_PATTERN)


@model
class Playbook(Node):
    """A playbook: its identity, variables, goals, KPIs, risks, pitfalls, cases and glossary.

    Phases, roles and forms live in their own files and are attached by the loader.
    """

    schema_version: int = spec("Version of this format; must be 1.")
    id: str = ident("Playbook id; the site serves it under /<id>/.")
    title: str = spec("Title of the playbook.")
    short_title: str = spec(
        "A few characters that name the playbook beside search results and tags, e.g. 标准方法论 "
        "(default: the title). A fork does not inherit it.", default="")
    summary: str = spec("What the playbook is for.")
    language: Literal["zh", "en"] = spec("Language of the playbook's text.", default="zh")
    version: str = spec("Version of this playbook's content, e.g. \"1.10\" (quote it).",
                        default="")
    extends: str = spec("Id of the parent playbook this one forks.", default="",
                        pattern=ID_PATTERN)
    variables: dict[str, Variable] = spec("Project variables by id.", default={})
    goals: list[Goal] = spec("Goals: pain points, objectives, governance.", default=[])
    kpis: list[Kpi] = spec("Key performance indicators.", default=[])
    risks: list[Risk] = spec("The risk register.", default=[])
    pitfalls: list[Pitfall] = spec("Common mistakes and how to avoid them.", default=[])
    cases: list[Case] = spec("Case studies.", default=[])
    glossary: list[Term] = spec("Domain terms.", default=[])
    # Attached by the loader from phases/, roles/ and forms/ (not keys of playbook.yaml).
    phases: tuple[Phase, ...] = field(default=(), metadata={"internal": True})
    roles: tuple[Role, ...] = field(default=(), metadata={"internal": True})
    forms: tuple[Form, ...] = field(default=(), metadata={"internal": True})
    # status.yaml beside playbook.yaml, if there is one: this project's own, never inherited.
    status: Status | None = field(default=None, metadata={"internal": True})
    # A fork's objects that it adds to or changes in its parent: id → "added" | "changed".
    changes: dict = field(default_factory=dict, compare=False, metadata={"internal": True})

    # Lookups by id (validated references always resolve; a KeyError means a bug, not bad input).
    # The indexes are built once per playbook: renderers look things up for every link, and a
    # scan per lookup made page generation quadratic in the number of items.
    def phase(self, phase_id: str) -> Phase:
        return self.index["phase"][phase_id]

    def role(self, role_id: str) -> Role:
        return self.index["role"][role_id]

    def form(self, form_id: str) -> Form:
        return self.index["form"][form_id]

    def modules(self) -> list[tuple[Role, Module]]:
        return self.index["modules"]

    def items(self) -> list[tuple[Phase, Item]]:
        return self.index["items"]

    @property
    def label(self) -> str:
        """The playbook's name where space is short (search results, tags)."""
        return self.short_title or self.title

    def field_value(self, field: FormField) -> str:
        """The text a form field is filled with: its variable's value, its default, or ''."""
        if field.variable:
            variable = self.variables.get(field.variable)
            return variable.value if variable else ""
        return field.default

    def form_criteria(self, form: Form) -> list[tuple[str | int, str, str, tuple[int, ...]]]:
        """(key, criterion, detail, exit criteria it covers) for every criterion a form checks:
        its own (key: the criterion's id), then its phase's exit criteria if it includes them
        (key: their number, from 1). An exit criterion that says what one of the form's own
        says (one's text starts with the other's) is that criterion, not a second row: its
        number is listed as covered."""
        own = [[c.id, c.title, c.detail, ()] for c in form.criteria]
        rows: list = list(own)
        if form.include_exit_criteria:
            for n, text in enumerate(self.phase(form.phase).exit_criteria, 1):
                same = next((row for row in own if _same_criterion(row[1], text)), None)
                if same is None:
                    rows.append([n, text, "", ()])
                else:
                    same[3] = (*same[3], n)
        return [tuple(row) for row in rows]

    @cached_property
    def derived(self) -> dict:
        """What other modules work out from the whole playbook, kept here by name so that it
        is worked out once (the model does not change once it is read)."""
        return {}

    @cached_property
    def index(self) -> dict:
        modules = [(r, m) for r in self.roles for m in r.modules]
        items = [(p, i) for p in self.phases for i in p.checklist]
        by_module: dict[str, list[tuple[Phase, Item]]] = {}
        by_role: dict[str, list[tuple[Phase, Item, str]]] = {}
        for phase, item in items:
            for module_id in item.modules:
                by_module.setdefault(module_id, []).append((phase, item))
            for role_id, letters in item.raci_by_role.items():
                by_role.setdefault(role_id, []).append((phase, item, letters))
        return {
            "phase": {p.id: p for p in self.phases},
            "role": {r.id: r for r in self.roles},
            "form": {f.id: f for f in self.forms},
            "kpi": {k.id: k for k in self.kpis},
            "module": {m.id: (r, m) for r, m in modules},
            "item": {i.id: (p, i) for p, i in items},
            "items_by_module": by_module,
            "items_by_role": by_role,  # role id → (phase, item, RACI letters), in phase order
            "modules": modules,
            "items": items,
        }


def _same_criterion(a: str, b: str) -> bool:
    """Whether two criteria say the same: one, without punctuation and spaces, starts the
    other (遗留问题清单已确认 and 遗留问题清单已确认，每项都有责任方和解决期限)."""
    def bare(text: str) -> str:
        return "".join(ch for ch in text if ch.isalnum())

    a, b = bare(a), bare(b)
    return bool(a and b) and (a.startswith(b) or b.startswith(a))


# ---------------------------------------------------------------- status.yaml


@model
class ItemStatus(Node):
    """Where the team stands on one checklist item."""

    state: ItemState = spec("todo, doing, done, blocked, or n/a (does not apply to this "
                            "project).", default="todo")
    by: str = spec("Who did it, or is doing it.", default="")
    date: str = date_spec("When it was done, or its state last changed.")
    evidence: str = spec("Where the evidence is: a link, or a document's name.", default="")
    note: str = spec("Why it is blocked or does not apply; anything the team should know.",
                     default="")


@model
class CriterionStatus(Node):
    """Whether one exit criterion of a phase is met."""

    state: ItemState = spec("todo, doing, done (met), blocked or n/a.", default="todo")
    by: str = spec("Who confirmed it.", default="")
    date: str = date_spec("When it was met.")
    note: str = spec("Anything the team should know.", default="")


@model
class FormStatus(Node):
    """Whether a form (an acceptance sign-off) is signed."""

    signed: str = date_spec("When it was signed; empty while it is not.")
    by: str = spec("Who signed it.", default="")
    evidence: str = spec("Where the signed copy is.", default="")
    note: str = spec("Anything the team should know.", default="")


@model
class Status(Node):
    """status.yaml: the project's state, kept in git next to its playbook and reviewed like it.

    Every key is optional; an item that is not listed is todo.
    """

    items: dict[str, ItemStatus] = spec("Checklist items by id.", default={}, ref="item")
    exit_criteria: dict[str, list[CriterionStatus]] = spec(
        "Exit criteria by phase id: one entry per criterion, in the phase's order.", default={},
        ref="phase")
    forms: dict[str, FormStatus] = spec("Forms by id.", default={}, ref="form")


# The layout of a playbook folder, declared once: each file kind, its class and where its files
# live (playbook.yaml, then one file per object in phases/, roles/ and forms/).
FILE_KINDS: dict[str, tuple[type, str]] = {
    "playbook": (Playbook, "playbook.yaml"),
    "phase": (Phase, "phases"),
    "role": (Role, "roles"),
    "form": (Form, "forms"),
}
MAIN_FILE = FILE_KINDS["playbook"][1]
STATUS_FILE = "status.yaml"  # a project's state (Status), optional
# Folder of each per-object kind → its class, in the order the loader attaches them.
PART_FOLDERS: dict[str, type] = {folder: cls for kind, (cls, folder) in FILE_KINDS.items()
                                 if kind != "playbook"}
