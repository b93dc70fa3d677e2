"""Checks across the objects of a built playbook: unique ids, references that resolve, anchors
that stay free for Luodi's own sections, one of R, C and I per role and item, and no cycle of
prerequisites."""

from __future__ import annotations

import re
from functools import cache

from ..diagnostics import Diagnostic, Names, did_you_mean, known_ids
from ..fields import schema_fields, walk
from ..model import (
    Case,
    Criterion,
    Deliverable,
    Form,
    Goal,
    Item,
    Kpi,
    Lesson,
    Material,
    Module,
    Node,
    Phase,
    Pitfall,
    Playbook,
    Question,
    Risk,
    Source,
    Term,
)
from ..places import section_anchors
from ..text import visible_id
from .build import what

# Objects whose ids share one namespace per playbook: they become anchors and `luodi explain` ids.
ANCHORED = (Item, Deliverable, Module, Lesson, Question, Kpi, Risk, Goal, Pitfall, Case, Term,
            Criterion)


def _names(obj) -> list[tuple[str, Source]]:
    """An object's id and its former ids (aliases), each with where it was written."""
    names = [(obj.id, obj.sources.get("id", obj.source))]
    names += zip(getattr(obj, "aliases", []), obj.sources.get("aliases[]", []), strict=False)
    return names


def check_playbook(playbook: Playbook, all_playbooks: dict[str, Playbook]) -> list[Diagnostic]:
    """Checks across objects: unique ids, references, prerequisite cycles."""
    out: list[Diagnostic] = []
    objects = list(walk(playbook))

    def unique(kind: str, things, scope: str = "", names=None) -> dict[str, Node]:
        seen: dict[str, Node] = {}
        for thing, thing_names in zip(things, names or map(_names, things), strict=True):
            for name, where in thing_names:
                if name in seen:
                    other = seen[name]
                    out.append(Diagnostic(
                        where, "duplicate-id",
                        f"{kind} id '{name}' is already used{scope} at "
                        f"{other.sources.get('id', other.source)}",
                        "ids must be unique: they are URLs and anchors"))
                else:
                    seen[name] = thing
        return seen

    anchored = [o for o in objects if isinstance(o, ANCHORED)]
    anchored_names = [_names(o) for o in anchored]
    unique("object", anchored, " in this playbook", anchored_names)
    reserved = section_anchors(playbook)
    fields = [f for form in playbook.forms for f in form.fields]  # anchors of their form's rows
    for obj, names in [*zip(anchored, anchored_names, strict=True),
                       *((f, _names(f)) for f in fields)]:
        for name, where in names:
            if name in reserved:
                out.append(Diagnostic(
                    where, "reserved-id",
                    f"id '{name}' is the anchor of a section Luodi writes on the same page",
                    f"choose another id, e.g. '{what(type(obj)).split()[0]}-{name}'"))
    unique("phase", playbook.phases)
    unique("role", playbook.roles)
    unique("form", playbook.forms)
    for form in playbook.forms:
        unique("field", [*form.criteria, *form.fields], f" in form '{form.id}'")
    # Each group of pages has an index page (phases/index.md …): no object may be called so.
    for obj in [*playbook.phases, *playbook.roles, *playbook.forms,
                *(m for _, m in playbook.modules())]:
        for name, where in _names(obj):
            if name == "index":
                out.append(Diagnostic(where, "reserved-id",
                                      f"id 'index' is the page that lists every {what(type(obj))}",
                                      f"choose another id, e.g. '{what(type(obj)).split()[0]}-index'"))
    orders: dict[int, Phase] = {}
    for phase in playbook.phases:
        if phase.order in orders:
            out.append(Diagnostic(
                phase.sources["order"], "duplicate-order",
                f"phases '{orders[phase.order].id}' and '{phase.id}' both have order "
                f"{phase.order}", "give each phase its own place in the roadmap"))
        orders.setdefault(phase.order, phase)

    # References name ids; aliases only keep old links working, they are not ids to refer to.
    targets = {
        "role": Names(r.id for r in playbook.roles),
        "phase": Names(p.id for p in playbook.phases),
        "module": Names(m.id for _, m in playbook.modules()),
        "item": Names(i.id for _, i in playbook.items()),
        "kpi": Names(k.id for k in playbook.kpis),
        "pitfall": Names(p.id for p in playbook.pitfalls),
        "form": Names(f.id for f in playbook.forms),
        "variable": Names(playbook.variables),
    }
    for obj in objects:
        for name, kind in _references(type(obj)):
            value = getattr(obj, name)
            if isinstance(value, list):
                pairs = zip(value, obj.sources.get(name + "[]", []), strict=False)
            elif isinstance(value, dict):  # ids as keys (a form's parties by role)
                pairs = [(key, obj.sources.get(name, obj.source)) for key in value]
            else:
                pairs = [(value, obj.sources.get(name, obj.source))] if value else []
            for ref, where in pairs:
                if ref not in targets[kind]:
                    out.append(Diagnostic(
                        where, "unknown-ref",
                        f"{name}: no {kind} with id '{visible_id(ref)}'"
                        f"{did_you_mean(ref, targets[kind])}", known_ids(kind, targets[kind])))
        if isinstance(obj, Form):
            fields = Names(f.id for f in obj.fields)
            if obj.page_header and obj.page_header not in fields:
                out.append(Diagnostic(
                    obj.sources.get("page_header", obj.source), "unknown-ref",
                    f"page_header: form '{obj.id}' has no field '{visible_id(obj.page_header)}'"
                    f"{did_you_mean(obj.page_header, fields)}", known_ids("field", fields)))
            for fld in obj.fields:
                if fld.type == "choice" and not fld.options:
                    out.append(Diagnostic(fld.source, "missing-key",
                                          f"field '{fld.id}' is a choice but has no options",
                                          "add options: [..] or use type: text"))
    for _, item in playbook.items():
        out.extend(_raci_conflicts(item))
    out.extend(_prerequisite_cycles(playbook))
    for _, module in playbook.modules():
        out.extend(_lessons(module))
    for obj in objects:
        if isinstance(obj, Material):
            out.extend(_material(obj))
    return out


@cache
def _references(cls: type) -> tuple[tuple[str, str], ...]:
    """(field, kind of object it names) for each field of a class that refers to ids."""
    return tuple((name, f.metadata["ref"]) for name, _, f in schema_fields(cls)
                 if f.metadata.get("ref"))


def _lessons(module: Module) -> list[Diagnostic]:
    """A course teaches: each lesson has its text, and the lessons take the module's time."""
    out = [Diagnostic(lesson.source, "lesson-no-content",
                      f"lesson '{lesson.id}' of module '{module.id}' has no content",
                      "add content: what to do and why (and steps, an example, the mistake it "
                      "prevents, questions)")
           for lesson in module.lessons if not lesson.content.strip()]
    total = sum(lesson.duration for lesson in module.lessons)
    if module.lessons and total != module.duration:
        out.append(Diagnostic(
            module.sources.get("duration", module.source), "lesson-durations",
            f"the lessons of module '{module.id}' take {total} minutes, the module "
            f"{module.duration}",
            "give each lesson its duration (minutes) so that they add up to the module's"))
    return out


# Where a material may point: a web address, or a page of the playbook (raci/, phases/goals/)
# or, with a leading '/', of the site (/guide/) — no other scheme, never up and out of the site.
_URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _material(material: Material) -> list[Diagnostic]:
    from ..exports import EXPORTS  # the registry, with what extensions add

    out = []
    where = material.sources.get
    url = material.url.strip()
    if url:
        web = url.lower().startswith(("http://", "https://"))
        inside = not _URL_SCHEME.match(url) and not url.startswith(("//", "\\")) \
            and ".." not in url.split("/")
        if not (web or inside) or any(c.isspace() for c in url):
            out.append(Diagnostic(where("url", material.source), "bad-url",
                                  f"url '{visible_id(url)}' is neither a web address nor a "
                                  "path of the site",
                                  "use https://…, a page of the playbook such as raci/ or "
                                  "phases/goals/, or a page of the site such as /guide/"))
    if material.export:
        names = Names(name for name, e in EXPORTS.items() if e.scope == "playbook")
        if material.export not in names:
            out.append(Diagnostic(where("export", material.source), "unknown-ref",
                                  f"export: no export of the whole playbook named "
                                  f"'{visible_id(material.export)}'"
                                  f"{did_you_mean(material.export, names)}",
                                  known_ids("export", names)))
    if sum(bool(x) for x in (url, material.form, material.export)) > 1:
        out.append(Diagnostic(material.source, "material-targets",
                              f"material '{visible_id(material.title)}' points at more than one "
                              "thing", "give one of url, form and export"))
    return out


_RCI = (("responsible", "R"), ("consulted", "C"), ("informed", "I"))


def _raci_conflicts(item: Item) -> list[Diagnostic]:
    """A role in two of R, C and I on one item: doing the work, being asked and being told are
    different parts, and a fork that sets one of them easily keeps its parent's other."""
    raci = item.raci
    if raci is None:
        return []
    doing, asked, told = {item.owner, *raci.responsible}, set(raci.consulted), set(raci.informed)
    if not (doing & asked or doing & told or asked & told):
        return []  # the common case, without building the places of every role
    places: dict[str, list[tuple[str, Source]]] = {}
    places[item.owner] = [("R", item.sources.get("owner", item.source))]
    for key, letter in _RCI:
        roles = getattr(raci, key) if raci else []
        wheres = raci.sources.get(key + "[]", []) if raci else []
        for n, role_id in enumerate(roles):
            where = wheres[n] if n < len(wheres) else raci.source
            held = places.setdefault(role_id, [])
            if letter not in (held_letter for held_letter, _ in held):
                held.append((letter, where))
    out = []
    words = {"R": "responsible", "C": "consulted", "I": "informed"}
    for role_id, held in places.items():
        if len(held) < 2:
            continue
        owner = " (as the owner)" if item.owner == role_id else ""
        both = " and ".join(f"{words[letter]} ({letter}, at {where})" for letter, where in held)
        # At the place written last into this RACI (a fork's override, not its parent's text).
        newest = raci.source.path if raci else item.source.path
        where = next((w for _, w in reversed(held) if w.path == newest), held[-1][1])
        out.append(Diagnostic(
            where, "raci-conflict",
            f"role '{role_id}' is {both} on item '{item.id}'{owner}",
            "a role has one of R, C and I on an item; keep the one that is meant"))
    return out


def _prerequisite_cycles(playbook: Playbook) -> list[Diagnostic]:
    """Each cycle of prerequisites, once. A depth-first walk with a stack of its own: a chain of
    a thousand modules, each requiring the next, is valid and must not exhaust Python's."""
    modules = {m.id: m for _, m in playbook.modules()}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    out: list[Diagnostic] = []
    for root in modules:
        if root in state:
            continue
        path = [root]
        state[root] = 1
        stack = [iter(modules[root].prerequisites)]
        while stack:
            prerequisite = next(stack[-1], None)
            if prerequisite is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if prerequisite not in modules:
                continue  # reported as unknown-ref
            if state.get(prerequisite) == 1:
                cycle = path[path.index(prerequisite):] + [prerequisite]
                start = modules[cycle[0]]
                out.append(Diagnostic(
                    start.sources.get("prerequisites", start.source), "prerequisite-cycle",
                    "training modules require each other in a cycle: " + " → ".join(cycle),
                    "remove one of these prerequisites"))
            elif prerequisite not in state:
                state[prerequisite] = 1
                path.append(prerequisite)
                stack.append(iter(modules[prerequisite].prerequisites))
    return out
