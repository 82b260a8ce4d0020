"""`wfhdoc report-form`: the report form a requesting agency writes once (new, check, schema)."""

from __future__ import annotations

from pathlib import Path

import click

from ..batch.workbook import example_row
from ..i18n import N_, _, ngettext
from ..report.form import load_form
from ..report.io import example_letter, schema_bytes, write_output, write_starter
from ..report.letters import answer_letters, attach_pdfs
from ..report.sheet import report_workbook_bytes
from .console import warn
from .options import Group, command, option, overwrite_option


@click.group(
    "report-form",
    cls=Group,
    help=N_(
        "The report form (đề cương and biểu mẫu số liệu) of a reporting round: the request, the "
        "period and deadline, the indicators and how they add up, the outline, the agencies."
    ),
)
def report_form() -> None:
    pass


@command(
    "new",
    help=N_(
        "Write a commented starting form (in Vietnamese) to FILE.yaml, to edit.\n\n"
        "\b\nExample:\n  wfhdoc report-form new wfh-2020.yaml"
    ),
)
@click.argument("path", metavar="FILE.yaml", type=click.Path(path_type=Path, dir_okay=False))
@overwrite_option(N_("Replace FILE.yaml if it exists."))
def report_form_new(path: Path, overwrite: bool) -> None:
    write_starter(path, overwrite=overwrite)
    click.echo(_("wrote {path}").format(path=path))


@command(
    "check",
    help=N_(
        "Check the report form FILE.yaml (or .json): every problem names its field.\n\n"
        "\b\nExample:\n  wfhdoc report-form check wfh-2020.yaml"
    ),
)
@click.argument("path", metavar="FILE.yaml", type=click.Path(path_type=Path, dir_okay=False))
def report_form_check(path: Path) -> None:
    form = load_form(path)
    click.echo(
        _("{path}: the form '{id}' is valid: {count} indicators, {agencies} agencies").format(
            path=path, id=form.id, count=len(form.indicators), agencies=len(form.agencies)
        )
    )


@command(
    "schema",
    help=N_(
        "Print the JSON Schema of a report form.\n\n"
        "\b\nExample:\n  wfhdoc report-form schema > data/report-form.schema.json"
    ),
)
def report_form_schema() -> None:
    click.echo(schema_bytes().decode("utf-8"), nl=False)


@command(
    "workbook",
    help=N_(
        "Write the workbook the agencies fill for the report form FORM: the letter columns of "
        "`wfhdoc mau-excel`, then a column per figure.\n\n"
        "\b\nExample:\n  wfhdoc report-form workbook wfh-2020.yaml so-lieu.xlsx"
    ),
)
@click.argument("form_path", metavar="FORM.yaml", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("output", metavar="OUT.xlsx", type=click.Path(path_type=Path, dir_okay=False))
@overwrite_option(N_("Replace OUT.xlsx if it exists."))
def report_form_workbook(form_path: Path, output: Path, overwrite: bool) -> None:
    form = load_form(form_path)
    write_output(
        output, report_workbook_bytes(form, [example_row(example_letter())]), ours=False, overwrite=overwrite
    )
    click.echo(_("wrote {path}").format(path=output))


@command(
    "letters",
    help=N_(
        "Build each agency's letter from the filled workbook ANSWERS.xlsx, with the phụ lục of its "
        "figures, and carrying its figures as data for `wfhdoc tong-hop`. A row whose figures break "
        "a rule of the form is reported and not built.\n\n"
        "\b\nExample:\n  wfhdoc report-form letters wfh-2020.yaml answers.xlsx -o out/letters"
    ),
)
@click.argument("form_path", metavar="FORM.yaml", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("workbook", metavar="ANSWERS.xlsx", type=click.Path(path_type=Path, dir_okay=False))
@option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help=N_("The folder to write the letters into."),
)
@option("--pdf", "as_pdf", is_flag=True, help=N_("Also write each letter as a PDF carrying its figures."))
@overwrite_option(N_("Replace files in the folder that wfhdoc did not write."))
def report_form_letters(form_path: Path, workbook: Path, outdir: Path, as_pdf: bool, overwrite: bool) -> None:
    form = load_form(form_path)
    built = answer_letters(form, workbook, outdir, overwrite=overwrite)
    if as_pdf:
        attach_pdfs(form, built, outdir)
    for finding in built.findings:
        warn(finding)
    for problem in built.problems:
        warn(problem)
    click.echo(
        ngettext("{count} letter in {path}", "{count} letters in {path}", len(built.written)).format(
            count=len(built.written), path=outdir
        )
    )
    if built.findings or built.problems:
        raise click.exceptions.Exit(1)


for _command in (
    report_form_new,
    report_form_check,
    report_form_schema,
    report_form_workbook,
    report_form_letters,
):
    report_form.add_command(_command)
