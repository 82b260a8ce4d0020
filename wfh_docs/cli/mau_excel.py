"""`wfhdoc mau-excel` (alias excel-template): the input workbook a clerk fills; with --report, the
workbook of a reporting round (the letter columns, then a column per figure of the form)."""

from __future__ import annotations

from pathlib import Path

import click

from ..batch.workbook import write_workbook
from ..i18n import N_, _
from ..report.form import load_form
from ..report.io import write_report_workbook
from .options import command, option, overwrite_option


@command(
    "mau-excel",
    help=N_(
        "Write the input workbook a clerk fills in Excel, one row a letter (alias: excel-template).\n\n"
        "The headers are the decree's terms in the order of the letter, each with a note saying what "
        "goes there; drop-down lists for thẩm quyền ký and độ khẩn; one example row; and a sheet "
        "'Giải thích' listing every column. `wfhdoc batch OUT.xlsx -o DIR` builds its letters.\n\n"
        "With --report FORM.yaml: the workbook the agencies of a reporting round fill, the letter "
        "columns then a column per figure of the form (as `wfhdoc report-form workbook`); "
        "`wfhdoc batch OUT.xlsx --report FORM.yaml -o DIR` builds their letters.\n\n"
        "\b\nExamples:\n"
        "  wfhdoc mau-excel mau-cong-van.xlsx --defaults data/examples/batch/defaults-quang-tri.json\n"
        "  wfhdoc mau-excel --report wfh-2020.yaml so-lieu.xlsx"
    ),
)
@click.argument("output", metavar="OUT.xlsx", type=click.Path(path_type=Path, dir_okay=False))
@option(
    "--report",
    "form_path",
    metavar="FORM.yaml",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("A report form (wfhdoc report-form): add a column per figure it asks for."),
)
@option(
    "--example",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("A letter (.json) for the example row (default: the reference letter 451/SCT-VP)."),
)
@option(
    "--defaults",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("Shared fields (.json) filled into the example row, e.g. the agency and the signer."),
)
@overwrite_option(N_("Replace OUT.xlsx if it exists."))
def mau_excel(
    output: Path, form_path: Path | None, example: Path | None, defaults: Path | None, overwrite: bool
) -> None:
    if form_path is not None:
        form = load_form(form_path)
        write_report_workbook(form, output, example=example, defaults=defaults, overwrite=overwrite)
    else:
        write_workbook(output, example=example, defaults=defaults, overwrite=overwrite)
    click.echo(_("wrote {path}").format(path=output))
