"""`wfhdoc batch`: a letter for every record of a folder, a batch file, a workbook or a CSV."""

from __future__ import annotations

import gc
import os
import signal
from pathlib import Path

import click

from ..batch.manifest import JOURNAL, MANIFEST_CSV
from ..batch.pdfs import batch_pdfs
from ..batch.records import load_defaults
from ..batch.run import DEFAULT_LETTER_TIMEOUT, Report, run_batch
from ..i18n import N_, _, ngettext
from ..letter.images import images_beside
from ..report.form import load_form
from ..report.letters import answer_letters, attach_pdfs
from . import state
from .console import error, progress, warn
from .options import (
    command,
    option,
    output_option,
    overwrite_option,
    pdfa_option,
    quiet_option,
    template_option,
    workers_option,
)
from .pdf import report_pdfs

_HELP = N_(
    'Build a letter for every record of SOURCE: a folder of .json letters, a .json batch file ({"defaults": '
    '{...}, "records": [...]}), an .xlsx workbook or a .csv file (a row per letter).\n\n'
    "Writes OUTDIR/manifest.csv and manifest.json (what was built from where, with each file's "
    "SHA-256). A bad record is reported with its file, row and field, and the others are still "
    "built; the exit code is 1 when any record failed. Ctrl-C (or SIGTERM, SIGHUP) stops the run "
    "with every finished letter in the manifest (exit code 130, 143, 129); running again skips "
    "the letters whose input has not changed. A full disk stops it too, with the manifest of what "
    "was built and what failed. A file in OUTDIR that wfhdoc did not write is never replaced "
    "(unless --overwrite): the letter goes beside it. The ND 30 checker reads the first letter "
    "of each agency (every letter with --check-all); its findings are printed as warnings.\n\n"
    "With --report FORM.yaml, SOURCE is the workbook of a reporting round (`wfhdoc mau-excel "
    "--report`): each agency's letter gets the phụ lục of its figures and carries them as data for "
    "`wfhdoc tong-hop` (its PDF too, with --pdf); a row whose figures break a rule of the form is "
    "reported, with its agency, row, cell and rule, and not built.\n\n"
    "\b\nExamples:\n  wfhdoc batch data/examples/bao-cao-wfh-quang-tri.xlsx -o out/\n"
    "  wfhdoc batch answers.xlsx --report wfh-2020.yaml -o out/ --pdf"
)
# what a reporting round's letters are built without: each is refused by name with --report
_NOT_WITH_REPORT = ("sheet", "force", "register_path", "check_all", "letter_timeout")


@command(help=_HELP)
@click.argument("source", type=click.Path(path_type=Path))
@output_option(
    N_("The folder for the letters and the manifest (created if needed)."), dest="outdir", required=True
)
@option(
    "--defaults",
    type=click.Path(path_type=Path),
    help=N_(
        "A JSON file of fields shared by every record (the signer, the Kính gửi, the body); "
        "each record's own fields override it."
    ),
)
@option(
    "--report",
    "form_path",
    metavar="FORM.yaml",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_(
        "A report form (wfhdoc report-form): SOURCE is the agencies' workbook; each letter gets the "
        "phụ lục of its figures, checked against the form, and carries them as data."
    ),
)
@option("--sheet", help=N_("The workbook's sheet to read (default: the first)."))
@workers_option(N_("Worker processes (default: one per core)."))
@option("--force", is_flag=True, help=N_("Build every letter, even those whose input has not changed."))
@option(
    "--register",
    "register_path",
    type=click.Path(path_type=Path),
    help=N_(
        "A register of outgoing documents (SQLite file, created if needed) that numbers the "
        "letters left without a number: the next number of the agency and year."
    ),
)
@template_option()
@option(
    "--pdf", "make_pdf", is_flag=True, help=N_("Also make a PDF of every letter, beside it (as wfhdoc pdf).")
)
@pdfa_option(N_("With --pdf: PDF/A-2b; with --report, PDF/A-3b, the PDF/A that may carry the figures' file."))
@option(
    "--check-all",
    is_flag=True,
    help=N_("Run the ND 30 checker on every letter, not only on the first letter of each agency."),
)
@overwrite_option(
    N_(
        "Replace files in OUTDIR that wfhdoc did not write (and a manifest.csv or manifest.json "
        "that is not wfhdoc's). Without it such a file is kept, and the letter that would have had "
        "its name goes beside it (451-SCT-VP-2.docx), as its manifest row says."
    )
)
@option(
    "--letter-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_LETTER_TIMEOUT,
    show_default=True,
    help=N_(
        "Seconds a worker process may go without finishing a letter; then it is killed and "
        "replaced, its letter failed, and the batch goes on."
    ),
)
@quiet_option()
@click.pass_context
def batch(
    ctx: click.Context,
    source: Path,
    outdir: Path,
    form_path: Path | None,
    defaults: Path | None,
    sheet: str | None,
    workers: int | None,
    force: bool,
    register_path: Path | None,
    template: Path | None,
    make_pdf: bool,
    pdfa: bool,
    check_all: bool,
    overwrite: bool,
    letter_timeout: float,
    quiet: bool,
) -> None:
    if form_path is not None:
        _refuse_with_report(ctx)
        _report_letters(source, form_path, outdir, defaults, template, make_pdf, workers, overwrite, pdfa)
        return
    try:
        with images_beside(source if source.is_dir() else source.parent):
            report = run_batch(
                source,
                outdir,
                template=template,
                defaults=defaults,
                sheet=sheet,
                workers=workers,
                force=force,
                register=register_path,
                progress=progress(_("letters"), quiet),
                check_all=check_all,
                overwrite=overwrite,
                letter_timeout=letter_timeout,
                # This run's choices for its process: the objects alive once the template is compiled
                # are left alone by the collector, so that the pages forked workers share with this
                # process stay shared; and one sync of the disk puts every letter on it at the end,
                # instead of one fsync per letter.
                before_workers=gc.freeze,
                sync=os.sync if hasattr(os, "sync") else None,
            )
    finally:
        gc.unfreeze()
    failed = _summary(report, outdir)
    pdf_failed = 0
    if make_pdf:
        results = batch_pdfs(report, pdfa=pdfa, workers=workers, progress=progress(_("PDFs"), quiet))
        if results:
            pdf_failed = report_pdfs(results, outdir)
    if failed or pdf_failed:
        raise SystemExit(1)


def _refuse_with_report(ctx: click.Context) -> None:
    for name in _NOT_WITH_REPORT:
        if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE:
            param = next(p for p in ctx.command.params if p.name == name)
            raise click.UsageError(
                _(
                    "{option} cannot be used with --report: a reporting round's letters are built without it"
                ).format(option=param.opts[-1]),
                ctx,
            )


def _report_letters(
    source: Path,
    form_path: Path,
    outdir: Path,
    defaults: Path | None,
    template: Path | None,
    make_pdf: bool,
    workers: int | None,
    overwrite: bool,
    pdfa: bool = False,
) -> None:
    """A reporting round's letters (as `wfhdoc report-form letters`): each agency's letter with
    the phụ lục of its figures and carrying them; the findings said; exit 1 when any."""
    form = load_form(form_path)
    built = answer_letters(
        form, source, outdir, overwrite=overwrite, defaults=load_defaults(defaults), template_path=template
    )
    if make_pdf:
        attach_pdfs(form, built, outdir, workers=workers, pdfa=pdfa)
    for finding in built.findings:
        warn(str(finding))
    for problem in built.problems:
        warn(problem)
    click.echo(
        ngettext("{count} letter in {path}", "{count} letters in {path}", len(built.written)).format(
            count=len(built.written), path=outdir
        )
    )
    if make_pdf:
        click.echo(
            ngettext(
                "{count} PDF carrying its figures", "{count} PDFs carrying their figures", len(built.pdfs)
            ).format(count=len(built.pdfs))
        )
    if built.findings or built.problems:
        raise SystemExit(1)


def _summary(report: Report, outdir: Path) -> int:
    """Print the batch's warnings, failures and summary; the number of letters failed. A run
    interrupted, stopped by a full disk or without its manifest exits here."""
    for warning in report.warnings:
        warn(warning)
    for row in report.rows:
        if row.status == "failed":
            error(f"{row.source}: {row.message}")
    built, same, failed = report.count("built"), report.count("unchanged"), report.failed
    where = (
        _("manifest: {path}").format(path=outdir / MANIFEST_CSV)
        if not report.manifest_error
        else _("no manifest ({reason}); {journal} lists the letters finished").format(
            reason=report.manifest_error, journal=outdir / JOURNAL
        )
    )
    summary = _("{built} built, {unchanged} unchanged, {failed} failed; {where}").format(
        built=built, unchanged=same, failed=failed, where=where
    )
    if report.interrupted:
        name = signal.Signals(state.signal).name
        how = _("interrupted") if name == "SIGINT" else _("interrupted by {signal}").format(signal=name)
        click.echo(
            _("{how}: {summary}; run the same command again to finish").format(how=how, summary=summary),
            err=True,
        )
        raise SystemExit(128 + state.signal)
    if report.stopped:
        left = report.total - len(report.rows)
        click.echo(
            _(
                "stopped: {reason}\n{whole} letters are whole ({built} built, {unchanged} unchanged), "
                "{failed} failed, {left} not begun; {where}; run the same command again to finish"
            ).format(
                reason=report.stopped,
                whole=built + same,
                built=built,
                unchanged=same,
                failed=failed,
                left=left,
                where=where,
            ),
            err=True,
        )
        raise SystemExit(1)
    if report.manifest_error:
        error(summary)
        raise SystemExit(1)
    click.echo(summary)
    return failed
