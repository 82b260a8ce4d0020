"""`wfhdoc tong-hop`: the answers of a reporting round in, the consolidated BÁO CÁO out."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import N_, _, ngettext
from ..report.consolidate import REMINDERS, REPORT, TRACE
from ..report.consolidate import tong_hop as run
from ..report.form import load_form
from .console import warn
from .options import command, option, overwrite_option, template_option


@command(
    "tong-hop",
    help=N_(
        "Consolidate the answers of a reporting round into the requesting agency's BÁO CÁO.\n\n"
        "SOURCES are workbooks of answers (.xlsx), letters carrying their figures (.docx, .pdf) or "
        "folders of them. OUT gets the report (bao-cao-tong-hop.docx) with its tables, charts and "
        "phụ lục, the charts as PNG, every total with the figures it was made of "
        "(so-lieu-tong-hop.json), and the reminders (don-doc/) to the agencies that did not "
        "answer or must correct their figures.\n\n"
        "\b\nExample:\n  wfhdoc tong-hop data/examples/tong-hop/answers.xlsx "
        "--report data/examples/tong-hop/report-form.yaml -o out/tong-hop"
    ),
)
@click.argument("sources", metavar="SOURCES...", nargs=-1, required=True, type=click.Path(path_type=Path))
@option(
    "--report",
    "form_path",
    required=True,
    metavar="FORM.yaml",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("The report form of the round (see wfhdoc report-form)."),
)
@option(
    "-o",
    "--output",
    "outdir",
    required=True,
    metavar="OUT",
    type=click.Path(path_type=Path, file_okay=False),
    help=N_("The folder to write into."),
)
@option(
    "--register",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("Number and date the reminders from this register of outgoing documents."),
)
@template_option()
@overwrite_option(N_("Replace files in OUT that wfhdoc did not write."))
def tong_hop(
    sources: tuple[Path, ...],
    form_path: Path,
    outdir: Path,
    register: Path | None,
    template: Path | None,
    overwrite: bool,
) -> None:
    form = load_form(form_path)
    result = run(form, list(sources), outdir, register=register, overwrite=overwrite, template=template)
    for finding in result.findings:
        warn(finding)
    for note in result.notes + result.warnings:
        warn(note)
    st = result.status
    click.echo(
        _("{answered}/{expected} agencies answered; {valid} with valid figures added up").format(
            answered=len(st.answered), expected=len(st.expected), valid=len(st.valid)
        )
    )
    click.echo(_("wrote {path}").format(path=outdir / REPORT))
    click.echo(_("wrote {path}").format(path=outdir / TRACE))
    if result.reminders is not None:
        built = len(result.reminders.letters())
        click.echo(
            ngettext("{count} reminder in {path}", "{count} reminders in {path}", built).format(
                count=built, path=outdir / REMINDERS
            )
        )
        for row in result.reminders.rows:
            if row.status == "failed":
                warn(f"{row.source}: {row.message}")
