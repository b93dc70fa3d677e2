"""The `luodi` command line. Exit codes: 0 ok, 1 problems found, 2 usage error."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .diagnostics import did_you_mean, errors
from .text import code_point, forbidden_in_value, visible, visible_id, why_forbidden

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse exits on its own; we want main() to return the code instead."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise _UsageError


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="luodi",
        description="Luodi (落地) turns implementation playbooks written in YAML into a "
                    "searchable knowledge-base site: phase checklists (检查清单), role training "
                    "manuals (培训手册) and acceptance forms (验收确认书).",
        epilog="Exit codes: 0 ok, 1 problems found, 2 usage error.")
    parser.add_argument("--version", action="version", version=f"luodi {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    validate = commands.add_parser(
        "validate", help="check playbooks and report every problem (校验)",
        description="Load every playbook under PATH and report all problems, sorted by file "
                    "and line, as path:line:col: error[code]: message.",
        epilog="Exit codes: 0 no errors, 1 errors found, 2 usage error.")
    validate.add_argument("path", nargs="?", default="playbooks",
                          help="the playbooks/ folder or one playbook folder (default: playbooks)")
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.add_argument("--ignore", action="append", default=[], metavar="CODE",
                          help="do not report warnings with this code (e.g. overlay-no-base); "
                               "repeatable or comma-separated; errors cannot be ignored")
    validate.add_argument("-q", "--quiet", action="store_true",
                          help="print nothing when there is no problem")

    schema = commands.add_parser(
        "schema", help="print or write the JSON Schema of the playbook format",
        description="Print the JSON Schema of one file kind, or write all of them to a folder "
                    "(editors use them through '# yaml-language-server: $schema=…').")
    schema.add_argument("kind", nargs="?", choices=["playbook", "phase", "role", "form", "status"],
                        help="file kind to print")
    schema.add_argument("-o", "--output-dir",
                        help="write every kind as <kind>.schema.json and <kind>.fork.schema.json")
    schema.add_argument("--fork", action="store_true",
                        help="the variant for forks (every key but id may be inherited)")
    schema.add_argument("--force", action="store_true",
                        help="with --output-dir: overwrite schema files that exist already")
    _export_parser(commands)
    _fork_parsers(commands)

    render = commands.add_parser(
        "render", help="write the whole site as a docs folder for another engine (输出文档)",
        description="Write DIR as a complete docs folder: the hand-written pages, every "
                    "generated page (Markdown with its front matter), the downloads, redirect "
                    "pages for renamed objects and Luodi's styles and scripts. With --config, "
                    "also a copy of mkdocs.yml that builds DIR without the luodi plugin "
                    "(Zensical, ProperDocs …). docs/guide/engines.md says what works where.",
        epilog="Exit codes: 0 written, 1 problem (playbook errors, DIR not empty …), "
               "2 usage error.")
    render.add_argument("--out", required=True, metavar="DIR", help="the folder to write")
    render.add_argument("--config", metavar="FILE",
                        help="also write a config that builds DIR without the plugin, e.g. "
                             "zensical.yml (beside mkdocs.yml, so that macros/ and playbooks/ "
                             "are found)")
    render.add_argument("-f", "--config-file", default="mkdocs.yml", metavar="MKDOCS_YML",
                        help="the site's mkdocs.yml (default: mkdocs.yml)")
    render.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs",
                        help="the engine that builds DIR (mkdocs also for ProperDocs; default: "
                             "mkdocs, the same text the plugin hands mkdocs)")
    render.add_argument("--force", action="store_true",
                        help="replace DIR and FILE if they exist")
    return parser


def _fork_parsers(commands) -> None:
    def playbooks_option(sub) -> None:
        sub.add_argument("--playbooks", default="playbooks", metavar="DIR",
                         help="the playbooks/ folder (default: playbooks)")

    new = commands.add_parser(
        "new", help="start a fork of a playbook for a new project (新建项目分支)",
        description="Create playbooks/FORK/playbook.yaml extending PARENT, with the project "
                    "variables (项目变量) filled in and commented examples of each overlay kind. "
                    "Refuses to touch an existing folder.",
        epilog="Exit codes: 0 created, 1 problem (folder exists, unknown parent or variable), "
               "2 usage error.")
    new.add_argument("fork", metavar="FORK", help="id of the new playbook, e.g. crm-rollout")
    new.add_argument("--from", dest="parent", required=True, metavar="PARENT",
                     help="playbook to fork, e.g. standard")
    new.add_argument("--title", default="", help="title of the new playbook (标题)")
    new.add_argument("--short-title", default="", metavar="NAME",
                     help="a few characters naming it beside search results and tags, e.g. "
                          "华东CRM (default: the title, else the id)")
    new.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="fill a project variable, e.g. --set project-name=华东CRM项目; "
                          "repeatable")
    playbooks_option(new)

    diff = commands.add_parser(
        "diff", help="show what a fork changes against its parent (差异)",
        description="List, object by object, what FORK adds (+), changes (~) and removes (-) "
                    "compared with the playbook it extends, with the file and line of each "
                    "change.")
    diff.add_argument("fork", metavar="FORK", help="id of a playbook that extends another")
    diff.add_argument("--drift", action="store_true",
                      help="instead: each override whose parent content changed since it was "
                           "written, with the parent's value then (from git history) and now "
                           "beside the fork's")
    playbooks_option(diff)

    accept = commands.add_parser(
        "accept", help="accept a reviewed override after its parent changed (确认更新)",
        description="For each ID (or every drifted override with --all), write the parent's "
                    "new hash in place of the old one in FORK's based_on (or after the @ of a "
                    "removal). Nothing else in the file changes: comments, order and quoting "
                    "stay. Review first with: luodi diff FORK --drift",
        epilog="Exit codes: 0 accepted (or nothing to accept), 1 problem, 2 usage error.")
    accept.add_argument("fork", metavar="FORK", help="id of the fork")
    accept.add_argument("ids", metavar="ID", nargs="*", help="ids of drifted objects")
    accept.add_argument("--all", action="store_true", help="every drifted override of FORK")
    playbooks_option(accept)

    status = commands.add_parser(
        "status", help="a project's readiness from its status.yaml (进度与阶段门)",
        description="Print each phase's gate (Must items done, exit criteria met, forms "
                    "signed) and what is missing for the current one, with file:line. With "
                    "--gate PHASE, only that gate, and the exit code says whether it is met: "
                    "CI can block a go-live merge.",
        epilog="Exit codes: 0 shown (with --gate: the gate is met), 1 the gate is not met or a "
               "problem, 2 usage error.")
    status.add_argument("playbook", metavar="PLAYBOOK", help="id of the playbook, e.g. "
                                                             "crm-rollout")
    status.add_argument("--gate", metavar="PHASE", help="id of the phase whose gate to check")
    status.add_argument("--format", choices=["text", "json", "md"], default="text",
                        help="text (default), json, or md (Markdown, for a CI job summary)")
    playbooks_option(status)

    explain = commands.add_parser(
        "explain", help="show where each field of an object came from (溯源)",
        description="Print every field of the object with id ID in PLAYBOOK and the "
                    "file:line:col it came from: the fork's own file where it overrides, the "
                    "parent's where it inherits.")
    explain.add_argument("playbook", metavar="PLAYBOOK", help="playbook id")
    explain.add_argument("id", metavar="ID", help="id of a phase, role, form, item, module …")
    playbooks_option(explain)


def _export_parser(commands) -> None:
    """`luodi export <name>`, one subcommand per export of the registry (exports/__init__.py)."""
    from .exports import EXPORTS

    export = commands.add_parser(
        "export", help="export a form, the checklist or the whole playbook to a file (导出)",
        description="Export (导出) a form as an editable Word document (表单, e.g. 验收确认书), the "
                    "checklist (检查清单) as CSV or Excel, or the whole playbook as JSON. The "
                    "playbooks are validated first: nothing is exported while they have errors. "
                    "An existing file is never overwritten without --force, and an interrupted "
                    "export leaves the old file whole.",
        epilog="Exit codes: 0 written, 1 problem (playbook errors, unknown id, file exists …), "
               "2 usage error.")
    export.set_defaults(export_help=export.format_help)
    kinds = export.add_subparsers(dest="export_kind", metavar="KIND", parser_class=_Parser)
    for item in EXPORTS.values():
        sub = kinds.add_parser(item.name, help=item.help, description=item.description)
        sub.add_argument("playbook", metavar="PLAYBOOK", help="playbook id, e.g. standard")
        if item.scope != "playbook":
            sub.add_argument("object_id", metavar=item.scope.upper(),
                             help=f"{item.scope} id (or a former id)")
        formats = ", ".join(item.formats)
        default = (f"default: {item.default or item.formats[0]}, or what FILE's name ends in"
                   if len(item.formats) > 1 else f"default: {item.formats[0]}")
        sub.add_argument("--format", choices=item.formats, help=f"{formats} ({default})")
        text = item.text
        sub.add_argument("-o", "--output", required=True, metavar="FILE",
                         help="file to write (输出文件)" + (
                             f"; '-' writes {'/'.join(text)} to standard output" if text else ""))
        sub.add_argument("--force", action="store_true",
                         help="overwrite FILE if it already exists (覆盖)")
        if item.links_back:
            sub.add_argument("--site-url", metavar="URL",
                             help="the knowledge base's address, for links back to its pages "
                                  "(default: site_url in ./mkdocs.yml; without one, the "
                                  "pages' paths are written as text)")
        sub.add_argument("--playbooks", default="playbooks", metavar="DIR",
                         help="the playbooks/ folder to read (default: playbooks); nothing is "
                              "ever written inside it")


def main(argv: list[str] | None = None) -> int:
    from .extensions import ExtensionError, load_extensions

    try:
        load_extensions()  # before the parser: an extension may add export subcommands
    except ExtensionError as exc:
        return _fail("luodi", str(exc))
    parser = _parser()

    try:
        args = parser.parse_args(argv)
    except _UsageError:
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return {"validate": _validate, "schema": _schema, "export": _export, "new": _new,
                "diff": _diff, "explain": _explain, "render": _render,
                "accept": _accept, "status": _status}[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a file or folder we were told to use: say which, in one line
        where = f": {exc.filename}" if exc.filename else ""
        return _fail(f"luodi {args.command}", f"{exc.strerror or exc}{where}")
    except Exception as exc:  # a bug in Luodi: still one line, never a traceback
        return _fail(f"luodi {args.command}", f"{type(exc).__name__}: {exc} "
                     "(a bug in Luodi; please report it)")


def _validate(args) -> int:
    from .diagnostics import ignorable
    from .read import load_playbooks

    try:
        ignored = set(ignorable(c.strip() for codes in args.ignore for c in codes.split(",")
                                if c.strip()))
    except ValueError as exc:
        return _fail("luodi validate", f"--ignore: {exc}", EXIT_USAGE)
    result = load_playbooks(args.path)
    shown = [d for d in result.diagnostics if d.code not in ignored]
    for diagnostic in shown:
        print(diagnostic.format(), file=sys.stderr)
    failing = shown if args.strict else errors(shown)
    if failing:
        count_e = len(errors(shown))
        print(f"{count_e} error(s), {len(shown) - count_e} warning(s)", file=sys.stderr)
        return EXIT_PROBLEMS
    if not args.quiet:
        items = sum(len(p.items()) for p in result.playbooks.values())
        warnings = f", {len(shown)} warning(s)" if shown else ""
        print(f"ok: {len(result.playbooks)} playbook(s), {items} checklist item(s){warnings}")
    return EXIT_OK


def _schema(args) -> int:
    from .schema import schema_files, schema_text

    if args.output_dir:
        from .exports import ExportError, write_output

        out = Path(args.output_dir)
        files = schema_files()
        if out.exists() and not out.is_dir():
            return _fail("luodi schema", f"{out.as_posix()} is a file, not a folder")
        existing = sorted(name for name in files if (out / name).exists())
        if existing and not args.force:
            return _fail("luodi schema", f"{out.as_posix()} holds {', '.join(existing)} already "
                         "(use --force to overwrite them); nothing was written")
        out.mkdir(parents=True, exist_ok=True)
        try:  # each file whole or not at all: a full disk leaves the old file as it was
            for name, text in files.items():
                write_output(out / name, text.encode("utf-8"), force=args.force)
        except (ExportError, OSError) as exc:
            return _fail("luodi schema", f"cannot write {out.as_posix()}: "
                         f"{getattr(exc, 'strerror', None) or exc}")
        return EXIT_OK
    if not args.kind:
        print("luodi schema: give a KIND or --output-dir", file=sys.stderr)
        return EXIT_USAGE
    if args.kind == "status" and args.fork:
        return _fail("luodi schema", "status.yaml has no fork variant: a fork has its own")
    sys.stdout.write(schema_text(args.kind, args.fork))
    return EXIT_OK


def _fail(prog: str, message: str, code: int = EXIT_PROBLEMS) -> int:
    """One line on standard error, shown safely whatever the message quotes of the input."""
    print(f"{prog}: error: {visible(message)}", file=sys.stderr)
    return code


def _load_clean(folder: str, prog: str, message: str = "fix the errors above first"):
    """Load the playbooks; on errors print them, then message ({count} = errors), and return
    None."""
    result = _load_result(folder, prog, message)
    return None if result is None else result.playbooks


def _load_result(folder: str, prog: str, message: str = "fix the errors above first"):
    """load_playbooks()'s whole result (playbooks, diagnostics, drifts), or None as above."""
    from .read import load_playbooks

    result = load_playbooks(folder)
    problems = errors(result.diagnostics)
    if problems:
        for diagnostic in result.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        _fail(prog, message.format(count=len(problems)))
        return None
    return result


def _pick(playbooks: dict, playbook_id: str, prog: str, where: str = ""):
    if playbook_id in playbooks:
        return playbooks[playbook_id]
    _fail(prog, f"no playbook '{visible_id(playbook_id)}'{where}"
          f"{did_you_mean(playbook_id, playbooks)}; playbooks: {', '.join(sorted(playbooks))}")
    return None


def _new(args) -> int:
    import re

    from . import fork
    from .model import ID_MAX_LENGTH, ID_PATTERN

    prog = "luodi new"
    if not re.fullmatch(ID_PATTERN, args.fork) or len(args.fork) > ID_MAX_LENGTH:
        return _fail(prog, f"'{visible_id(args.fork)}' is not a valid id: use lowercase ASCII "
                     f"words joined by '-', at most {ID_MAX_LENGTH} characters, e.g. "
                     "crm-rollout", EXIT_USAGE)
    folder = Path(args.playbooks) / args.fork
    if os.path.lexists(folder):
        return _fail(prog, f"{folder.as_posix()} already exists; nothing was written")
    for option, text in (("--title", args.title), ("--short-title", args.short_title),
                         *(("--set", pair) for pair in args.set)):
        bad = forbidden_in_value(text)
        if bad:  # the reader would refuse the file; YAML would even turn U+0085 into a space
            return _fail(prog, f"{option} {text}: {code_point(bad.group())} has no place in "
                         f"playbook text; {why_forbidden(bad.group())}")
    playbooks = _load_clean(args.playbooks, prog)
    parent = playbooks and _pick(playbooks, args.parent, prog)
    if not parent:
        return EXIT_PROBLEMS
    values = {}
    for pair in args.set:
        key, sep, value = pair.partition("=")
        if not sep or key not in parent.variables:
            hint = did_you_mean(key, parent.variables) if sep else " (write KEY=VALUE)"
            return _fail(prog, f"--set {pair}: '{parent.id}' has no variable '{visible_id(key)}'"
                         f"{hint}; variables: {', '.join(parent.variables)}")
        values[key] = value
    text = fork.scaffold(parent, args.fork, args.title, values, args.short_title)
    folder.mkdir(parents=True)
    (folder / "playbook.yaml").write_text(text, encoding="utf-8")
    print(f"created {(folder / 'playbook.yaml').as_posix()} (extends {parent.id}); "
          f"check it with: luodi validate {Path(args.playbooks).as_posix()}")
    return EXIT_OK


def _drifts_of(folder: str, fork_id: str, prog: str):
    """The fork's drifts (read/overlay.py), or None after saying what is wrong."""
    result = _load_result(folder, prog)
    if result is None or not _pick(result.playbooks, fork_id, prog):
        return None
    return [d for d in result.drifts if d.fork == fork_id]


def _accept(args) -> int:
    from .drift import AcceptError, accept

    prog = "luodi accept"
    if bool(args.ids) == args.all:
        return _fail(prog, "name the drifted ids to accept, or give --all", EXIT_USAGE)
    drifts = _drifts_of(args.playbooks, args.fork, prog)
    if drifts is None:
        return EXIT_PROBLEMS
    if args.ids:
        known = {d.obj_id for d in drifts}
        for obj_id in args.ids:
            if obj_id not in known:
                return _fail(prog, f"'{visible_id(obj_id)}' has no drift in '{args.fork}'"
                             f"{did_you_mean(obj_id, known)}; drifted: "
                             f"{', '.join(sorted(known)) or 'none'}")
        drifts = [d for d in drifts if d.obj_id in args.ids]
    try:
        done = accept(drifts)
    except AcceptError as exc:
        return _fail(prog, str(exc))
    except OSError as exc:
        return _fail(prog, f"cannot write {exc.filename}: {exc.strerror}; run luodi validate "
                     "to see which overrides are still to accept")
    for line in done:
        print(line)
    print(f"accepted {len(done)} override(s) of {args.fork}"
          + ("; check with: luodi validate --strict" if done else ""))
    return EXIT_OK


def _diff(args) -> int:
    from . import fork

    if args.drift:
        from .drift import report

        drifts = _drifts_of(args.playbooks, args.fork, "luodi diff")
        if drifts is None:
            return EXIT_PROBLEMS
        print(f"{args.fork}: {len(drifts)} override(s) whose parent content changed")
        for drift in drifts:
            print("\n".join(report(drift)))
        return EXIT_OK
    playbooks = _load_clean(args.playbooks, "luodi diff")
    child = playbooks and _pick(playbooks, args.fork, "luodi diff")
    if not child:
        return EXIT_PROBLEMS
    if not child.extends:
        print(f"luodi diff: error: '{child.id}' does not extend another playbook",
              file=sys.stderr)
        return EXIT_PROBLEMS
    lines = fork.diff(playbooks[child.extends], child)
    print(f"{child.id} against {child.extends}: {len(lines)} change(s)")
    for line in lines:
        print(line)
    return EXIT_OK


def _status(args) -> int:
    import json

    from .status import readiness, report_markdown, report_text

    playbooks = _load_clean(args.playbooks, "luodi status")
    playbook = playbooks and _pick(playbooks, args.playbook, "luodi status")
    if not playbook:
        return EXIT_PROBLEMS
    if args.gate and args.gate not in playbook.index["phase"]:
        return _fail("luodi status", f"no phase '{visible_id(args.gate)}' in '{playbook.id}'"
                     f"{did_you_mean(args.gate, playbook.index['phase'])}")
    data = readiness(playbook, args.gate)
    if args.format == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        report = report_markdown if args.format == "md" else report_text
        print("\n".join(visible(line) for line in report(data, bool(args.gate))))
    if args.gate:
        return EXIT_OK if data["gates"][0]["met"] else EXIT_PROBLEMS
    return EXIT_OK


def _explain(args) -> int:
    from . import fork

    playbooks = _load_clean(args.playbooks, "luodi explain")
    playbook = playbooks and _pick(playbooks, args.playbook, "luodi explain")
    if not playbook:
        return EXIT_PROBLEMS
    lines = fork.explain(playbook, args.id)
    if lines is None:
        known = list(fork.objects_by_id(playbook))
        return _fail("luodi explain", f"no object with id '{visible_id(args.id)}' in "
                     f"'{playbook.id}'{did_you_mean(args.id, known)}")
    print("\n".join(lines))
    return EXIT_OK


def _render(args) -> int:
    """luodi render --out DIR: the site as a plain docs folder (output.py)."""
    from .output import OutputError, check_output_folder, plugin_options, read_config, render_docs

    prog = "luodi render"
    config_file = Path(args.config_file)
    try:
        config = read_config(config_file)
        root = config_file.parent
        out = Path(args.out)
        config_out = Path(args.config) if args.config else None
        if config_out is not None:
            if config_out.resolve() == config_file.resolve():
                return _fail(prog, f"--config {args.config} is the site's own config")
            if config_out.exists() and not args.force:
                return _fail(prog, f"{args.config} already exists (use --force to overwrite it)")
        check_output_folder(out, root, config, args.force)
        folder = (plugin_options(config, "luodi") or {}).get("playbooks", "playbooks")
        playbooks = _load_clean(str(root / folder), prog)
        if playbooks is None:
            return EXIT_PROBLEMS
        written = render_docs(config_file, out, playbooks, config_out, args.engine)
    except OutputError as exc:
        return _fail(prog, str(exc))
    except FileNotFoundError as exc:
        return _fail(prog, f"no such file: {exc.filename}")
    print(f"wrote {len(written)} file(s) to {out.as_posix()}"
          + (f" and {config_out.as_posix()}" if config_out else ""))
    return EXIT_OK


def _export(args) -> int:
    """luodi export <name>: validate, find the object, make the bytes, write them safely."""
    prog = f"luodi export {args.export_kind}" if args.export_kind else "luodi export"

    def fail(message: str, code: int = EXIT_PROBLEMS) -> int:
        return _fail(prog, message, code)

    if args.export_kind is None:
        sys.stdout.write(args.export_help())
        return EXIT_USAGE
    from .exports import EXPORTS, ExportError, Site, check_output, find, write_output
    from .read import display_path

    item = EXPORTS[args.export_kind]
    fmt = args.format or item.format_for(args.output)
    to_stdout = args.output == "-"
    if to_stdout and fmt not in item.text:
        return fail(f"{fmt} files cannot be written to standard output; give -o FILE",
                    EXIT_USAGE)
    try:
        target = None if to_stdout else check_output(args.output, args.playbooks, args.force)
        folder = display_path(Path(args.playbooks))
        literal = folder.replace("{", "{{").replace("}", "}}")  # the message is a template
        playbooks = _load_clean(args.playbooks, prog, f"{{count}} error(s) in {literal}; "
                                "nothing exported (run 'luodi validate' after fixing them)")
        playbook = playbooks and _pick(playbooks, args.playbook, prog, f" in {folder}")
        if not playbook:
            return EXIT_PROBLEMS
        obj = find(playbook, item, args.object_id) if item.scope != "playbook" else None
        site = _site(getattr(args, "site_url", None)) if item.links_back else Site()
        data = item.make_file(playbook, obj, fmt, site)
    except ExportError as exc:
        return fail(str(exc))
    except ModuleNotFoundError as exc:
        package = {"docx": "python-docx"}.get(exc.name or "", exc.name)
        return fail(f"{package} is not installed ('pip install -e .' installs what Luodi needs)")
    if target is None:
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None)
        if out is None:  # a text-only stream (embedding, tests): same text, without the BOM
            sys.stdout.write(data.decode("utf-8-sig"))
        else:
            out.write(data)
            out.flush()
        return EXIT_OK
    try:
        write_output(target, data, force=args.force)
    except ExportError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror or exc}")
    return EXIT_OK


def _site(url: str | None):
    """Where the site is published: --site-url, else what ./mkdocs.yml says (its site_url and
    use_directory_urls; its tags, such as !ENV, are not needed here and read as nothing)."""
    import yaml

    from .exports import Site

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, tag, node: None)
    config: dict = {}
    try:
        with open("mkdocs.yml", encoding="utf-8") as stream:
            loaded = yaml.load(stream, Loader=_Loader)  # noqa: S506 (a SafeLoader)
        config = loaded if isinstance(loaded, dict) else {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        pass
    site_url = url if url is not None else config.get("site_url")
    return Site(site_url if isinstance(site_url, str) else "",
                config.get("use_directory_urls", True) is not False)


def run() -> None:
    """The `luodi` command: main(), then an exit that does not free, one by one, the hundreds
    of thousands of objects a large playbook is loaded into (0.15 s at 10,000 items). Every
    file Luodi writes is closed by then; the standard streams are flushed here."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a reader that went away (luodi explain … | head)
        code = code or EXIT_OK
    os._exit(code)


if __name__ == "__main__":
    run()
