"""`wfhdoc check`: letters and templates against Nghị định 30/2020."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..check import FileResult, Finding, check_files, check_template
from ..check.fix import Fixed, fix_file
from ..i18n import N_, _, ngettext
from .console import error
from .options import command, json_option, option, output_option


@command(
    help=N_(
        "Check letters (.docx, made by wfhdoc or typed in Word) against Nghị định 30/2020.\n\n"
        "Lists every departure from the decree that can be read from the file: page and margins, "
        "fonts, the Quốc hiệu and Tiêu ngữ and their lines, the agency name, Số and ký hiệu, the date "
        "line, Kính gửi, the body, the signature block, Nơi nhận, page numbers and each phụ lục. "
        "Exit code 1 when there is an error, 0 when there are only warnings or nothing.\n\n"
        "With --fix, writes a copy of the letter with what can be fixed without changing a word: "
        "paper and margins, fonts, the size, bold, italic and capitals of each element, alignment, "
        "indents and spacing, the 0 before a number, a day or a month and the punctuation the "
        "decree asks, the lines under the agency name and the Tiêu ngữ, page numbers, each phụ "
        "lục on a new page. It lists what it fixed and what only a person can fix (a missing "
        "element, the wording); the original is never changed.\n\n"
        "\b\nExamples:\n  wfhdoc check letter.docx\n  wfhdoc check --json out/*.docx\n"
        "  wfhdoc check --template wfh_docs/templates/cong-van.docx\n"
        "  wfhdoc check --fix letter.docx -o letter-sua.docx"
    )
)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@option(
    "--template",
    "templates",
    multiple=True,
    type=click.Path(path_type=Path),
    help=N_("Check a template instead: its variables against wfhdoc's data, and tags Word split or broke."),
)
@option(
    "--fix",
    is_flag=True,
    help=N_(
        "Write a fixed copy of one letter: what can be fixed without changing its text (the text "
        "is compared before the copy is written). The original is never changed."
    ),
)
@output_option(
    N_(
        "With --fix: the fixed letter's file (default: LETTER-fixed.docx beside the letter); a file "
        "wfhdoc did not write is never replaced."
    )
)
@json_option(N_("Print the findings as JSON, for other programs."))
def check(
    files: tuple[Path, ...], templates: tuple[Path, ...], fix: bool, output: Path | None, as_json: bool
) -> None:
    if fix or output is not None:
        if not fix:
            raise click.UsageError(_("-o is the fixed letter's file: give it with --fix"))
        if len(files) != 1 or templates:
            raise click.UsageError(_("--fix fixes one letter: give one .docx file"))
        _fix(files[0], output, as_json=as_json)
        return
    if not files and not templates:
        raise click.UsageError(_("give one or more .docx files, or --template T.docx"))
    results = [FileResult(path, check_template(path)) for path in templates]
    # a file that cannot be read is its result's error, and the files after it are still checked
    results += check_files(list(files))
    several = len(results) > 1
    for result in results:
        if result.error:
            error(result.error)
        elif not as_json:
            _print_findings(str(result.path), result.findings, several=several)
    payload = {str(r.path): [f.as_dict() for f in r.findings] for r in results if not r.error}
    if as_json and payload:
        shown = payload if several else next(iter(payload.values()))
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
    if any(r.failed for r in results):
        raise SystemExit(1)


def _print_findings(name: str, found: list[Finding], *, several: bool) -> None:
    if several:
        click.echo(f"== {name}")
    for finding in found:
        click.echo(str(finding))
    errors_n = sum(f.severity == "error" for f in found)
    warnings_n = len(found) - errors_n
    errors = ngettext("{count} error", "{count} errors", errors_n).format(count=errors_n)
    warnings = ngettext("{count} warning", "{count} warnings", warnings_n).format(count=warnings_n)
    click.echo(f"{name}: {errors}, {warnings}", err=True)


def _fix(path: Path, output: Path | None, *, as_json: bool) -> None:
    """`check --fix`: the fixed copy written, what was fixed and what is left said; exit 1 while
    an error is left for a person to fix."""
    fixed, out = fix_file(path, output)
    written = fixed.data is not None
    if as_json:
        payload = {
            "output": str(out) if written else None,
            "fixed": [f.as_dict() for f in fixed.fixed],
            "left": [f.as_dict() for f in fixed.after],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_fix(fixed, out, written=written)
    if not fixed.passes:
        raise SystemExit(1)


def _print_fix(fixed: Fixed, out: Path, *, written: bool) -> None:
    if not fixed.before:
        click.echo(_("Nothing to fix: the letter follows the decree as far as the file shows."))
        return
    if fixed.fixed:
        n = len(fixed.fixed)
        click.echo(ngettext("Fixed {count} finding:", "Fixed {count} findings:", n).format(count=n))
        for f in fixed.fixed:
            click.echo(f"  - {f.element}: {f.message}")
    if fixed.after:
        n = len(fixed.after)
        click.echo(
            ngettext("Left for a person to fix ({count}):", "Left for a person to fix ({count}):", n).format(
                count=n
            )
        )
        for f in fixed.after:
            click.echo(f"  - {f}")
    if written:
        click.echo(_("The fixed letter: {path}").format(path=out), err=True)
    else:
        click.echo(_("wfhdoc can fix none of these; no file was written."), err=True)
