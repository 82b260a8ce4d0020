"""`wfhdoc check`: letters and templates against Nghị định 30/2020."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..check import FileResult, Finding, check_files, check_template
from ..i18n import N_, _, ngettext
from .console import error
from .options import command, json_option, option


@command(
    help=N_(
        "Check letters (.docx, made by wfhdoc or typed in Word) against Nghị định 30/2020.\n\n"
        "Lists every departure from the decree that can be read from the file: page and margins, "
        "fonts, the Quốc hiệu and Tiêu ngữ and their lines, the agency name, Số and ký hiệu, the date "
        "line, Kính gửi, the body, the signature block, Nơi nhận, page numbers and each phụ lục. "
        "Exit code 1 when there is an error, 0 when there are only warnings or nothing.\n\n"
        "\b\nExamples:\n  wfhdoc check letter.docx\n  wfhdoc check --json out/*.docx\n"
        "  wfhdoc check --template wfh_docs/templates/cong-van.docx"
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
@json_option(N_("Print the findings as JSON, for other programs."))
def check(files: tuple[Path, ...], templates: tuple[Path, ...], as_json: bool) -> None:
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
