"""The `luodi` command line. Exit codes: 0 ok, 1 problems found, 2 usage error."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .diagnostics import errors

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
    validate.add_argument("-q", "--quiet", action="store_true",
                          help="print nothing when there is no problem")

    schema = commands.add_parser(
        "schema", help="print or write the JSON Schema of the playbook format",
        description="Print the JSON Schema of one file kind, or write all of them to a folder "
                    "(editors use them through '# yaml-language-server: $schema=…').")
    schema.add_argument("kind", nargs="?", choices=["playbook", "phase", "role", "form"],
                        help="file kind to print")
    schema.add_argument("-o", "--output-dir", help="write every kind as <kind>.schema.json here")
    return parser


def main(argv: list[str] | None = None) -> int:
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
        return {"validate": _validate, "schema": _schema}[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _validate(args) -> int:
    from .validate import load_playbooks

    result = load_playbooks(args.path)
    for diagnostic in result.diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    failing = result.diagnostics if args.strict else errors(result.diagnostics)
    if failing:
        count_e = len(errors(result.diagnostics))
        count_w = len(result.diagnostics) - count_e
        print(f"{count_e} error(s), {count_w} warning(s)", file=sys.stderr)
        return EXIT_PROBLEMS
    if not args.quiet:
        items = sum(len(p.items()) for p in result.playbooks.values())
        warnings = f", {len(result.diagnostics)} warning(s)" if result.diagnostics else ""
        print(f"ok: {len(result.playbooks)} playbook(s), {items} checklist item(s){warnings}")
    return EXIT_OK


def _schema(args) -> int:
    from .schema import schema_text

    if args.output_dir:
        out = Path(args.output_dir)
        out.mkdir(parents=True, exist_ok=True)
        for kind in ("playbook", "phase", "role", "form"):
            (out / f"{kind}.schema.json").write_text(schema_text(kind), encoding="utf-8")
        return EXIT_OK
    if not args.kind:
        print("luodi schema: give a KIND or --output-dir", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(schema_text(args.kind))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
