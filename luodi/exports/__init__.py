"""Exports, declared once: a form as an editable Word document, the checklist as CSV or Excel
or as GitLab issues, the whole playbook as JSON.

Each `Export` in the registry says what it is made from (its scope: the playbook, a phase or a
form), in which formats, where the site publishes it, which pages link it, and how the command
line offers it (`luodi export <name>`). The CLI's subcommands, the site's downloads and the
download links on pages all come from `EXPORTS`; a new export is one module and one
`register(Export(...))`. Every export turns a loaded `Playbook` into bytes and nothing else
(given where the site is, for the files that link back to it); files.py puts bytes on disk
safely.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..diagnostics import did_you_mean
from ..model import Playbook
from ..places import download_path
from .common import ExportError, Site, clean, neutralise
from .data import playbook_data, playbook_json
from .files import check_output, write_output
from .gitlab import gitlab_issues_csv, gitlab_labels
from .sheet import checklist_csv, checklist_table, checklist_xlsx
from .word import form_docx


@dataclass(frozen=True)
class Export:
    name: str  # the registry key and the subcommand: luodi export <name>
    scope: str  # what one file is made of: "playbook", "phase" or "form"
    formats: tuple[str, ...]  # in the order pages link them
    # (playbook, phase/form or None, format), and where the site is when it links back
    make: Callable[..., bytes]
    path: str  # where the site publishes it, below the playbook's folder: {id}, {format}
    help: str  # one line, for `luodi export --help`
    description: str  # for `luodi export <name> --help`
    links: tuple[str, ...] = ()  # the kinds of page that link the download (places.SECTIONS)
    default: str = ""  # the format when the output file's name does not say (else the first)
    text: tuple[str, ...] = ()  # formats that are text: `-o -` writes them to standard output
    label: str = "download-{format}"  # label key of a link (i18n.py)
    links_back: bool = False  # its files link to the site's pages: make() also gets the Site

    def make_file(self, playbook: Playbook, obj, fmt: str, site: Site) -> bytes:
        return (self.make(playbook, obj, fmt, site) if self.links_back
                else self.make(playbook, obj, fmt))

    def format_for(self, output: str) -> str:
        suffix = output.rsplit(".", 1)[-1].lower() if "." in output else ""
        return suffix if suffix in self.formats else (self.default or self.formats[0])


EXPORTS: dict[str, Export] = {}

# One file per what: the playbook, each phase, each form.
SCOPES: dict[str, Callable[[Playbook], list]] = {
    "playbook": lambda pb: [None],
    "phase": lambda pb: list(pb.phases),
    "form": lambda pb: list(pb.forms),
}


def register(export: Export) -> Export:
    if export.scope not in SCOPES:
        raise ValueError(f"export {export.name}: unknown scope {export.scope!r}")
    EXPORTS[export.name] = export
    return export


def find(playbook: Playbook, export: Export, obj_id: str):
    """The phase or form an export of that scope is made of (its id or a former id), or an
    ExportError that names the ones there are."""
    objects = SCOPES[export.scope](playbook)
    for obj in objects:
        if obj.id == obj_id or obj_id in obj.aliases:
            return obj
    ids = [o.id for o in objects]
    kind = export.scope
    known = f"; its {kind}s: {', '.join(ids)}" if ids else f"; it has no {kind}s"
    raise ExportError(f"playbook '{playbook.id}' has no {kind} '{obj_id}'"
                      f"{did_you_mean(obj_id, ids)}{known}")


def site_path(playbook: Playbook, export: Export, obj, fmt: str) -> str:
    """Where the site publishes one file of an export."""
    return download_path(playbook, export.path.format(id=obj.id if obj else "", format=fmt))


def _downloads(playbook: Playbook, site: Site) -> Iterator[tuple[str, Callable[[], bytes]]]:
    for export in EXPORTS.values():
        for obj in SCOPES[export.scope](playbook):
            for fmt in export.formats:
                yield (site_path(playbook, export, obj, fmt),
                       lambda e=export, o=obj, f=fmt: e.make_file(playbook, o, f, site))


NO_SITE = Site()  # where the site is not known: links are written as paths


def site_downloads(playbook: Playbook, made: dict[str, bytes] | None = None,
                   site: Site = NO_SITE) -> dict[str, bytes]:
    """The files published next to a playbook's pages, by path relative to the site root;
    `made`: files made already (by path), which are not made again."""
    made = made or {}
    return {path: made[path] if path in made else make()
            for path, make in _downloads(playbook, site)}


def download_paths(playbook: Playbook) -> list[str]:
    """The paths site_downloads() returns, without making the files."""
    return [path for path, _ in _downloads(playbook, NO_SITE)]


def download_name(playbook: Playbook, path: str) -> str:
    """The name a download is saved under: the playbook's id in front (crm-rollout-checklist.xlsx),
    so that the files of two playbooks never collide. The site keeps its path."""
    return f"{playbook.id}-{path.rsplit('/', 1)[-1]}"


def page_links(playbook: Playbook, page_kind: str, obj=None) -> list[tuple[str, str]]:
    """(label key, site path) of each download a page of this kind links: the files of its own
    phase or form, and the playbook's files."""
    out = []
    for export in EXPORTS.values():
        if page_kind not in export.links:
            continue
        target = None if export.scope == "playbook" else obj
        if export.scope != "playbook" and target is None:
            continue
        out += [(export.label.format(format=fmt), site_path(playbook, export, target, fmt))
                for fmt in export.formats]
    return out


# ------------------------------------------------------------------ the registry

register(Export(
    "form", "form", ("docx",), lambda pb, form, fmt: form_docx(pb, form),
    "downloads/forms/{id}.{format}",
    help="a form as an editable Word document (表单 → .docx)",
    description="Write a form (e.g. 验收确认书, the acceptance confirmation) as an editable "
                "Word document: header table filled from the project variables (项目变量), "
                "acceptance criteria (验收标准) with pass/fail/remarks columns, deliverables "
                "(交付物), notes (说明) and one signature block (签字) per signatory role.",
    links=("form",)))
register(Export(
    "checklist", "playbook", ("xlsx", "csv"),
    lambda pb, _, fmt: checklist_xlsx(pb) if fmt == "xlsx" else checklist_csv(pb),
    "downloads/checklist.{format}",
    help="every checklist item as CSV or Excel (检查清单 → .csv/.xlsx)",
    description="Write the checklist (检查清单), one row per item (检查项): phase, id, title, "
                "owner, RACI, priority, evidence, detail and tags, with column headers in the "
                "playbook's language. CSV is UTF-8 with a BOM so that Excel shows Chinese "
                "correctly, and can be imported into Jira (see docs/reference/exports.md). "
                "Cells that a spreadsheet would read as a formula get a leading quote (').",
    links=("overview",), default="csv", text=("csv",)))
register(Export(
    "phase-checklist", "phase", ("xlsx", "csv"),
    lambda pb, phase, fmt: checklist_xlsx(pb, phase) if fmt == "xlsx" else checklist_csv(pb, phase),
    "downloads/checklist-{id}.{format}",
    help="one phase's checklist items as CSV or Excel",
    description="Write the checklist of one phase (阶段检查清单), with the same columns as "
                "'luodi export checklist'. The phase page links it; the whole checklist stays "
                "on the overview.",
    links=("phase",), default="csv", text=("csv",), label="download-phase-{format}"))
register(Export(
    "json", "playbook", ("json",), lambda pb, _, fmt: playbook_json(pb), "playbook.json",
    help="the whole playbook as JSON (实施手册 → .json)",
    description="Write the whole playbook (phases, roles, forms and everything else) as UTF-8 "
                "JSON with schema_version and the generator's version. The same playbook always "
                "gives byte-identical output.",
    links=("overview",), text=("json",)))
register(Export(
    "gitlab", "playbook", ("csv",), lambda pb, _, fmt, site: gitlab_issues_csv(pb, site),
    "downloads/gitlab-issues.{format}",
    help="the open checklist items as GitLab issues (GitLab → Import CSV)",
    description="Write one GitLab issue per checklist item still to do (Won't items and what "
                "status.yaml marks done or n/a are left out), for GitLab's Import CSV: the "
                "title; a Markdown description with the item's id, phase, priority, RACI, "
                "detail, evidence, the team's state and a link back to its page; the due date "
                "of its phase in the schedule; and /label quick actions for phase, priority, "
                "owner and state. Create the labels first: 'luodi export gitlab-labels' lists "
                "them (see docs/reference/exports.md). Links are absolute with --site-url.",
    links=("overview", "status"), text=("csv",), label="download-gitlab", links_back=True))
register(Export(
    "gitlab-labels", "playbook", ("txt",), lambda pb, _, fmt: gitlab_labels(pb),
    "downloads/gitlab-labels.{format}",
    help="the labels the GitLab issues use, one per line",
    description="Write the labels that 'luodi export gitlab' puts on the issues (phase, "
                "priority, owner and state, scoped with ::), one per line, to create them in "
                "the GitLab project before the import.",
    links=("status",), text=("txt",), label="download-gitlab-labels"))

__all__ = [
    "EXPORTS", "Export", "ExportError", "SCOPES", "Site", "check_output", "download_name",
    "checklist_csv", "checklist_table", "checklist_xlsx", "clean", "download_paths", "find",
    "form_docx", "gitlab_issues_csv", "gitlab_labels", "neutralise", "page_links", "playbook_data", "playbook_json", "register",
    "site_downloads", "site_path", "write_output",
]
