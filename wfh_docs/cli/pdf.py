"""`wfhdoc pdf`: letters to PDF (and PDF/A) through LibreOffice."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import N_, _, ngettext
from ..pdf import PdfResult, convert
from .console import error, progress, warn
from .options import command, option, output_option, pdfa_option, quiet_option, workers_option


def report_pdfs(results: list[PdfResult], outdir: Path) -> int:
    """Print the outcome of a PDF run; the number of files that failed."""
    failed = [r for r in results if not r.ok]
    for r in results:
        if not r.ok:
            error(f"{r.source}: {r.message}")
        elif r.message:
            warn(f"{r.source}: {r.message}")
    written = len(results) - len(failed)
    line = ngettext("{count} PDF written to {folder}", "{count} PDFs written to {folder}", written).format(
        count=written, folder=outdir
    )
    if failed:
        line += _(", {count} failed").format(count=len(failed))
    click.echo(line)
    return len(failed)


@command(
    help=N_(
        "Turn letters (.docx) into the PDFs that agencies sign and archive, through LibreOffice.\n\n"
        "Many files go through a few long-lived LibreOffice processes (one per core), not one process "
        "per file; a file that hangs or crashes LibreOffice is retried once in a fresh process and "
        "then reported, and the others carry on. Fonts are embedded (Liberation Serif stands in for "
        "Times New Roman where it is not installed). Exit code 1 when any file failed.\n\n"
        "\b\nExamples:\n  wfhdoc pdf out/*.docx -o pdf/\n  wfhdoc pdf out/451-SCT-VP.docx -o pdf/ --pdfa"
    )
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_option(
    N_("The folder for the PDFs (created if needed); each is named after its .docx."),
    dest="outdir",
    required=True,
)
@pdfa_option()
@workers_option(N_("LibreOffice processes at once (default: one per core)."))
@option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help=N_(
        "Seconds one file may take before LibreOffice is taken as hung, restarted and the file "
        "tried once more."
    ),
)
@quiet_option()
def pdf(
    files: tuple[Path, ...], outdir: Path, pdfa: bool, workers: int | None, timeout: float, quiet: bool
) -> None:
    docx = [f for f in files if f.suffix.lower() == ".docx"]
    for other in [f for f in files if f.suffix.lower() != ".docx"]:
        warn(_("{path}: not a .docx file, left out").format(path=other))
    missing = [f for f in docx if not f.is_file()]
    for f in missing:
        error(_("{path}: file not found").format(path=f))
    todo = [f for f in docx if f.is_file()]
    failed = 0
    if todo:
        results = convert(
            todo, outdir, pdfa=pdfa, workers=workers, timeout=timeout, progress=progress(_("PDFs"), quiet)
        )
        failed = report_pdfs(results, outdir)
    if failed or missing or not todo:
        raise SystemExit(1)
