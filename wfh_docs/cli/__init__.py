"""The command line: thin click commands, and the one place that turns errors into exit codes.

Exit codes: 0 done; 1 the job failed (bad data, template or output; the message says what and
where); 2 bad usage (click's own); 128 + the signal for a run stopped by one: 130 Ctrl-C
(SIGINT), 143 SIGTERM, 129 SIGHUP. Tracebacks only with --verbose.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..batch.build import build as build_letter
from ..batch.register import NUMBER_MAX, YEAR_MAX, YEAR_MIN, Register
from ..batch.run import DEFAULT_LETTER_TIMEOUT, JOURNAL, run_batch
from ..batch.workbook import write_workbook
from ..check.rules import Finding, check_file, check_template
from ..errors import WfhDocError
from ..letter import vn
from ..letter.model import json_schema

_state = {"verbose": False, "signal": int(signal.SIGINT)}


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 80, "max_content_width": 80}
)
@click.version_option(__version__, "--version", prog_name="wfhdoc", message="%(prog)s %(version)s")
@click.option("--verbose", is_flag=True, help="On an error, also print the Python traceback.")
def cli(verbose: bool) -> None:
    """wfhdoc: Vietnamese official letters (công văn) in the layout of Nghị định 30/2020/NĐ-CP.

    Write the letter as data (JSON), and wfhdoc makes the finished .docx: header, Số and date,
    V/v, Kính gửi, body, signature block, Nơi nhận and phụ lục, ready to open in Word and sign.
    """
    _state["verbose"] = verbose


@cli.command()
@click.argument("data", type=click.Path(path_type=Path, dir_okay=True, exists=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="The .docx to write, or a folder to write it in (an existing folder, or a path ending "
    "in / or without an extension). Default: a name made from the number and ký hiệu, e.g. "
    "451-SCT-VP.docx, in the current folder.",
)
@click.option(
    "--template",
    type=click.Path(path_type=Path),
    help="A docxtpl .docx template to use instead of wfhdoc's own wfh_docs/templates/cong-van.docx.",
)
@click.option(
    "--signature-line",
    is_flag=True,
    help="Put Word's signature line (Insert > Signature Line) in the signature block, with the "
    "signer's name and title, so that Word offers to sign the letter when it is opened.",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace the output file even when it is not a letter wfhdoc wrote (a file typed in "
    "Word, or a letter edited and saved since). Without it such a file is kept.",
)
def build(
    data: Path, output: str | None, template: Path | None, signature_line: bool, overwrite: bool
) -> None:
    """Build one letter from DATA, a JSON file.

    A letter that wfhdoc wrote before is replaced; any other file at the output path is kept
    (the build fails and says so) unless --overwrite.

    \b
    Example:
      wfhdoc build data/examples/cong-van-451-SCT-VP-2020.json -o out/451-SCT-VP.docx
    """
    result = build_letter(data, output, template, signature_line=signature_line, overwrite=overwrite)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {result.path}")


class _ProgressLine:
    """ "  37/1000 letters  41.2/s  0:23 left" on one terminal line, redrawn in place."""

    def __init__(self, unit: str = "letters") -> None:
        self.start = time.monotonic()
        self.last = 0.0
        self.unit = unit

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        left = (total - done) / rate if rate else 0
        width = 24
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        eta = f"{int(left) // 60}:{int(left) % 60:02d}"
        click.echo(
            f"\r[{bar}] {done}/{total} {self.unit}  {rate:.1f}/s  {eta} left ",
            nl=done >= total,
            err=True,
        )


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(path_type=Path),
    required=True,
    help="The folder for the letters and the manifest (created if needed).",
)
@click.option(
    "--defaults",
    type=click.Path(path_type=Path),
    help="A JSON file of fields shared by every record (the signer, the Kính gửi, the body); "
    "each record's own fields override it.",
)
@click.option("--sheet", help="The workbook's sheet to read (default: the first).")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--force", is_flag=True, help="Build every letter, even those whose input has not changed.")
@click.option(
    "--register",
    "register_path",
    type=click.Path(path_type=Path),
    help="A register of outgoing documents (SQLite file, created if needed) that numbers the "
    "letters left without a number: the next number of the agency and year.",
)
@click.option("--template", type=click.Path(path_type=Path), help="A docxtpl .docx template to use.")
@click.option(
    "--pdf", "make_pdf", is_flag=True, help="Also make a PDF of every letter, beside it (as wfhdoc pdf)."
)
@click.option("--pdfa", is_flag=True, help="With --pdf: PDF/A-2b.")
@click.option(
    "--check-all",
    is_flag=True,
    help="Run the ND 30 checker on every letter, not only on the first letter of each agency.",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace files in OUTDIR that wfhdoc did not write (and a manifest.csv or manifest.json "
    "that is not wfhdoc's). Without it such a file is kept, and the letter that would have had "
    "its name goes beside it (451-SCT-VP-2.docx), as its manifest row says.",
)
@click.option(
    "--letter-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_LETTER_TIMEOUT,
    show_default=True,
    help="Seconds a worker process may go without finishing a letter; then it is killed and "
    "replaced, its letter failed, and the batch goes on.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, only the summary and the errors.")
def batch(
    source: Path,
    outdir: Path,
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
    """Build a letter for every record of SOURCE: a folder of .json letters, a .json batch file
    ({"defaults": {...}, "records": [...]}), an .xlsx workbook or a .csv file (a row per letter).

    Writes OUTDIR/manifest.csv and manifest.json (what was built from where, with each file's
    SHA-256). A bad record is reported with its file, row and field, and the others are still
    built; the exit code is 1 when any record failed. Ctrl-C (or SIGTERM, SIGHUP) stops the run
    with every finished letter in the manifest (exit code 130, 143, 129); running again skips
    the letters whose input has not changed. A full disk stops it too, with the manifest of what
    was built and what failed. A file in OUTDIR that wfhdoc did not write is never replaced
    (unless --overwrite): the letter goes beside it. The ND 30 checker reads the first letter
    of each agency (every letter with --check-all); its findings are printed as warnings.

    \b
    Example:
      wfhdoc batch data/examples/bao-cao-wfh-quang-tri.xlsx -o out/
    """
    show = not quiet and sys.stderr.isatty()
    report = run_batch(
        source,
        outdir,
        template=template,
        defaults=defaults,
        sheet=sheet,
        workers=workers,
        force=force,
        register=register_path,
        progress=_ProgressLine() if show else None,
        check_all=check_all,
        overwrite=overwrite,
        letter_timeout=letter_timeout,
    )
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for row in report.rows:
        if row.status == "failed":
            click.echo(f"error: {row.source}: {row.message}", err=True)
    built, same, failed = report.count("built"), report.count("unchanged"), report.failed
    where = (
        f"manifest: {outdir / 'manifest.csv'}"
        if not report.manifest_error
        else f"no manifest ({report.manifest_error}); {outdir / JOURNAL} lists the letters finished"
    )
    summary = f"{built} built, {same} unchanged, {failed} failed; {where}"
    if report.interrupted:
        name = signal.Signals(_state["signal"]).name
        how = "interrupted" if name == "SIGINT" else f"interrupted by {name}"
        click.echo(f"{how}: {summary}; run the same command again to finish", err=True)
        raise SystemExit(128 + _state["signal"])
    if report.stopped:
        left = report.total - len(report.rows)
        click.echo(
            f"stopped: {report.stopped}\n{built + same} letters are whole ({built} built, {same} "
            f"unchanged), {failed} failed, {left} not begun; {where}; run the same command again "
            "to finish",
            err=True,
        )
        raise SystemExit(1)
    if report.manifest_error:
        click.echo(f"error: {summary}", err=True)
        raise SystemExit(1)
    click.echo(summary)
    pdf_failed = 0
    if make_pdf:
        letters = [outdir / r.output for r in report.rows if r.status in ("built", "unchanged") and r.output]
        if letters:
            pdf_failed = _convert(letters, outdir, pdfa=pdfa, workers=workers, timeout=120.0, quiet=quiet)
    if failed or pdf_failed:
        raise SystemExit(1)


@cli.group()
def register() -> None:
    """The register of outgoing documents (sổ đăng ký văn bản đi) that batch --register keeps."""


@register.command("list")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--agency", help="Only this agency (its abbreviation, e.g. SCT).")
@click.option("--year", type=int, help="Only this year.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def register_list(path: Path, agency: str | None, year: int | None, as_json: bool) -> None:
    """List the numbers issued in the register PATH.

    \b
    Example:
      wfhdoc register list out/register.sqlite --year 2020
    """
    reg = Register(path, read_only=True)
    try:
        entries = reg.entries(agency=agency, year=year)
    finally:
        reg.close()
    if as_json:
        click.echo(json.dumps([asdict(e) for e in entries], ensure_ascii=False, indent=2))
        return
    for e in entries:
        recipient = e.recipient.replace("\n", "; ")
        click.echo(
            f"{e.year}  {vn.format_doc_number(e.number):>4}/{e.symbol:<12} {e.date or '':<10}  "
            f"{e.status:<8}  {e.output or '':<28}  {recipient}  V/v {e.subject}"
        )
    click.echo(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}", err=True)


@register.command("start")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--agency", required=True, help="The agency's abbreviation, as in issuer.abbreviation (e.g. SNV)."
)
@click.option(
    "--year", type=click.IntRange(YEAR_MIN, YEAR_MAX), required=True, help="The year of the sequence."
)
@click.option(
    "--next",
    "next_number",
    type=click.IntRange(1, NUMBER_MAX),
    required=True,
    help="The next number to give (the agency issued the ones before it elsewhere).",
)
def register_start(path: Path, agency: str, year: int, next_number: int) -> None:
    """Continue an agency's numbers in the register PATH (created if needed) at a given number.

    For an agency that starts using wfhdoc mid-year: its numbers 01 to 412 were issued by hand,
    so wfhdoc must go on from 413.

    \b
    Example:
      wfhdoc register start out/register.sqlite --agency SNV --year 2020 --next 413
    """
    reg = Register(path)
    try:
        reg.start_at(agency, year, next_number)
    finally:
        reg.close()
    click.echo(f"{agency} {year}: the next number is {vn.format_doc_number(next_number)}")


def _convert(
    files: list[Path], outdir: Path, *, pdfa: bool, workers: int | None, timeout: float, quiet: bool
) -> int:
    """Run the PDF export and print its outcome; the number of files that failed."""
    from ..pdf.convert import convert

    show = not quiet and sys.stderr.isatty()
    results = convert(
        files,
        outdir,
        pdfa=pdfa,
        workers=workers,
        timeout=timeout,
        progress=_ProgressLine("PDFs") if show else None,
    )
    failed = [r for r in results if not r.ok]
    for r in failed:
        click.echo(f"error: {r.source}: {r.message}", err=True)
    written = len(results) - len(failed)
    click.echo(
        f"{written} PDF{'s' * (written != 1)} written to {outdir}"
        + (f", {len(failed)} failed" if failed else "")
    )
    return len(failed)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(path_type=Path),
    required=True,
    help="The folder for the PDFs (created if needed); each is named after its .docx.",
)
@click.option("--pdfa", is_flag=True, help="Write PDF/A-2b, the archival form.")
@click.option(
    "--workers", type=click.IntRange(min=1), help="LibreOffice processes at once (default: one per core)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help="Seconds one file may take before LibreOffice is taken as hung, restarted and the file "
    "tried once more.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, only the summary and the errors.")
def pdf(
    files: tuple[Path, ...], outdir: Path, pdfa: bool, workers: int | None, timeout: float, quiet: bool
) -> None:
    """Turn letters (.docx) into the PDFs that agencies sign and archive, through LibreOffice.

    Many files go through a few long-lived LibreOffice processes (one per core), not one process
    per file; a file that hangs or crashes LibreOffice is retried once in a fresh process and
    then reported, and the others carry on. Fonts are embedded (Liberation Serif stands in for
    Times New Roman where it is not installed). Exit code 1 when any file failed.

    \b
    Examples:
      wfhdoc pdf out/*.docx -o pdf/
      wfhdoc pdf out/451-SCT-VP.docx -o pdf/ --pdfa
    """
    docx = [f for f in files if f.suffix.lower() == ".docx"]
    for other in [f for f in files if f.suffix.lower() != ".docx"]:
        click.echo(f"warning: {other}: not a .docx file, left out", err=True)
    missing = [f for f in docx if not f.is_file()]
    for f in missing:
        click.echo(f"error: {f}: file not found", err=True)
    todo = [f for f in docx if f.is_file()]
    failed = _convert(todo, outdir, pdfa=pdfa, workers=workers, timeout=timeout, quiet=quiet) if todo else 0
    if failed or missing or not todo:
        raise SystemExit(1)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--template",
    "templates",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Check a template instead: its variables against wfhdoc's data, and tags Word split or broke.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON, for other programs.")
def check(files: tuple[Path, ...], templates: tuple[Path, ...], as_json: bool) -> None:
    """Check letters (.docx, made by wfhdoc or typed in Word) against Nghị định 30/2020.

    Lists every departure from the decree that can be read from the file: page and margins,
    fonts, the Quốc hiệu and Tiêu ngữ and their lines, the agency name, Số and ký hiệu, the date
    line, Kính gửi, the body, the signature block, Nơi nhận, page numbers and each phụ lục.
    Exit code 1 when there is an error, 0 when there are only warnings or nothing.

    \b
    Examples:
      wfhdoc check letter.docx
      wfhdoc check --json out/*.docx
      wfhdoc check --template wfh_docs/templates/cong-van.docx
    """
    if not files and not templates:
        raise click.UsageError("give one or more .docx files, or --template T.docx")
    results: dict[str, list[Finding]] = {}
    for path in templates:
        results[str(path)] = check_template(path)
    for path in files:
        results[str(path)] = check_file(path)
    if as_json:
        payload = {name: [f.as_dict() for f in found] for name, found in results.items()}
        click.echo(
            json.dumps(
                payload if len(results) > 1 else next(iter(payload.values())), ensure_ascii=False, indent=2
            )
        )
    else:
        for name, found in results.items():
            if len(results) > 1:
                click.echo(f"== {name}")
            for finding in found:
                click.echo(str(finding))
            errors_n = sum(f.severity == "error" for f in found)
            warnings_n = len(found) - errors_n
            click.echo(
                f"{name}: {errors_n} error{'s' * (errors_n != 1)}, {warnings_n} "
                f"warning{'s' * (warnings_n != 1)}",
                err=True,
            )
    if any(f.severity == "error" for found in results.values() for f in found):
        raise SystemExit(1)


def _secret(env: str, prompt: str, *, empty_ok: bool = True) -> str:
    """A PIN or passphrase: from the environment, a hidden prompt on a terminal, or a line of
    standard input; never from the command line, where other users and the history see it.
    Without `empty_ok` an empty value counts as none (an empty PIN costs one of a token's tries)."""
    value = os.environ.get(env)
    if value is not None and (value or empty_ok):
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True, err=True))
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line or not (line.rstrip("\r\n") or empty_ok):
        empty = f" ({env} is set but empty)" if value == "" else ""
        raise click.UsageError(f"{prompt} needed{empty}: set {env}, or type it when asked")
    return line.rstrip("\r\n")


@cli.command()
@click.argument("pdf_file", metavar="FILE.pdf", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="The signed PDF (default: FILE-signer.pdf, FILE-agency.pdf ...). The input is never changed.",
)
@click.option(
    "--as",
    "role",
    type=click.Choice(["signer", "agency", "appendix"]),
    required=True,
    help="signer: the competent person's signature (ô 7c); agency: the agency's, with the seal "
    "(ô 8), after the signer's; appendix: the agency's on a phụ lục in its own file (top right, no image).",
)
@click.option(
    "--pkcs12",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A PKCS#12 (.p12/.pfx) key file; its passphrase from WFHDOC_P12_PASSPHRASE or a prompt.",
)
@click.option(
    "--pkcs11-lib",
    help="The USB token's PKCS#11 library (e.g. libeTPkcs11.so, bit4xpki.dll); "
    "the PIN from WFHDOC_PIN or a prompt.",
)
@click.option("--token-label", help="The token's label, when several are plugged in.")
@click.option("--key-label", help="The key's label on the token (default: its only key).")
@click.option("--cert-label", help="The certificate's label on the token (default: the key's).")
@click.option("--pin-pad", is_flag=True, help="The token has its own PIN pad: ask for no PIN here.")
@click.option(
    "--signature-image",
    type=click.Path(path_type=Path, dir_okay=False),
    help="With --as signer: the blue signature, a PNG with a transparent background.",
)
@click.option(
    "--seal-image",
    type=click.Path(path_type=Path, dir_okay=False),
    help="With --as agency: the red seal, a PNG with a transparent background, at its real size (dpi).",
)
@click.option(
    "--agency-name", help="With --as agency: the name after 'Ký bởi:' (default: the certificate's)."
)
@click.option(
    "--number", "document_number", help="With --as appendix: the letter's số and ký hiệu, e.g. 451/SCT-VP."
)
@click.option(
    "--name",
    "signer_name",
    help="The signer's name as printed, to find the signature block (default: the certificate's name).",
)
@click.option(
    "--level",
    type=click.Choice(["B-B", "B-T", "B-LT", "B-LTA"]),
    default="B-B",
    show_default=True,
    help="PAdES level: B-T adds a time-stamp (--tsa-url), B-LT/B-LTA revocation data.",
)
@click.option("--tsa-url", help="A time-stamp server (RFC 3161), for B-T and above.")
@click.option(
    "--trust-root",
    "trust_roots",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A CA certificate (PEM/DER) to include and validate with, e.g. the VGCA root; repeatable.",
)
def sign(
    pdf_file: Path,
    output: Path | None,
    role: str,
    pkcs12: Path | None,
    pkcs11_lib: str | None,
    token_label: str | None,
    key_label: str | None,
    cert_label: str | None,
    pin_pad: bool,
    signature_image: Path | None,
    seal_image: Path | None,
    agency_name: str | None,
    document_number: str | None,
    signer_name: str | None,
    level: str,
    tsa_url: str | None,
    trust_roots: tuple[Path, ...],
) -> None:
    """Sign FILE.pdf digitally (PAdES), placing the images where Nghị định 30 puts them.

    \b
    Examples:
      wfhdoc sign pdf/451-SCT-VP.pdf --as signer --pkcs11-lib /usr/lib/token.so --key-label signer \\
          --signature-image sig.png
      wfhdoc sign pdf/451-SCT-VP-signer.pdf --as agency --pkcs12 agency.p12 --seal-image seal.png
      wfhdoc verify pdf/451-SCT-VP-signer-agency.pdf
    """
    from ..sign.sign import sign_pdf

    if (pkcs12 is None) == (pkcs11_lib is None):
        raise click.UsageError("give one key: --pkcs12 FILE or --pkcs11-lib LIBRARY")
    image = signature_image if role == "signer" else seal_image if role == "agency" else None
    if role == "signer" and seal_image is not None or role == "agency" and signature_image is not None:
        raise click.UsageError("--signature-image goes with --as signer, --seal-image with --as agency")
    target = output or pdf_file.with_name(f"{pdf_file.stem}-{role}.pdf")
    passphrase = _secret("WFHDOC_P12_PASSPHRASE", "Passphrase of the key file").encode() if pkcs12 else None
    pin = None if pkcs12 or pin_pad else _secret("WFHDOC_PIN", "PIN of the token", empty_ok=False)
    result = sign_pdf(
        pdf_file,
        target,
        role=role,  # type: ignore[arg-type]
        pkcs12=pkcs12,
        passphrase=passphrase,
        pkcs11_lib=pkcs11_lib,
        token_label=token_label,
        key_label=key_label,
        cert_label=cert_label,
        pin=pin,
        image=image,
        agency_name=agency_name,
        document_number=document_number,
        signer_name=signer_name,
        tsa_url=tsa_url,
        level=level,  # type: ignore[arg-type]
        trust_roots=list(trust_roots),
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"signed {result.output} as {role}: {result.signer}, {vn.iso_vn_time(result.signing_time)}, "
        f"{result.level}, page {result.page}"
    )


@cli.command()
@click.argument("pdf_file", metavar="FILE.pdf", type=click.Path(path_type=Path))
@click.option(
    "--trust-root",
    "trust_roots",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A CA certificate (PEM/DER) to trust, e.g. the VGCA root; repeatable. Without one, "
    "trust is reported as unknown.",
)
@click.option(
    "--crl",
    "crls",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A certificate revocation list to check against; repeatable.",
)
@click.option("--fetch", is_flag=True, help="Fetch revocation data from the network (OCSP, CRL).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def verify(
    pdf_file: Path, trust_roots: tuple[Path, ...], crls: tuple[Path, ...], fetch: bool, as_json: bool
) -> None:
    """List the signatures of FILE.pdf: who signed, when, whether the document is intact and
    trusted, what each signature covers, and whether it was changed after signing.

    Exit code 1 when there is no signature, or any is broken, untrusted or followed by a
    change that is not allowed.

    \b
    Example:
      wfhdoc verify pdf/451-SCT-VP-signer-agency.pdf --trust-root vgca-root.cer
    """
    from ..sign.sign import verify_pdf

    reports = verify_pdf(
        pdf_file, trust_roots=list(trust_roots) or None, crls=list(crls), allow_fetching=fetch
    )
    if as_json:
        rows = [asdict(r) | {"ok": r.ok} for r in reports]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    else:
        for r in reports:
            click.echo(r.describe())
        if not reports:
            click.echo(f"{pdf_file}: no signature")
    if not reports or not all(r.ok for r in reports):
        raise SystemExit(1)


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on; any other than this computer's (127.0.0.1) needs a password.",
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8750, show_default=True, help="The port to listen on."
)
@click.option("--no-browser", is_flag=True, help="Do not open the browser.")
@click.option(
    "--token",
    envvar="WFHDOC_WEB_TOKEN",
    help="The password the pages ask for (better from WFHDOC_WEB_TOKEN, which others cannot see); "
    "needed with --host.",
)
@click.option(
    "--register",
    "register_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The register of outgoing documents (SQLite) that numbers the batches' letters and that "
    "the Sổ đăng ký page shows.",
)
@click.option(
    "--pkcs12",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A PKCS#12 key file for the Ký số page; its passphrase from WFHDOC_P12_PASSPHRASE or a prompt.",
)
def web(
    host: str, port: int, no_browser: bool, token: str | None, register_path: Path | None, pkcs12: Path | None
) -> None:
    """Open wfhdoc in a browser, in Vietnamese: write a letter, build a workbook's letters, check
    letters typed in Word, see the register, sign PDFs.

    Listens on this computer only (127.0.0.1) unless --host, which then needs a password
    (WFHDOC_WEB_TOKEN or --token). Ctrl-C stops it.

    \b
    Examples:
      wfhdoc web
      WFHDOC_WEB_TOKEN=... wfhdoc web --host 0.0.0.0 --register so-dang-ky.sqlite
    """
    from wfh_docs.web.config import WebConfig
    from wfh_docs.web.server import serve

    passphrase = _secret("WFHDOC_P12_PASSPHRASE", "Passphrase of the key file").encode() if pkcs12 else None
    config = WebConfig(
        host=host,
        port=port,
        token=token or None,
        register=register_path,
        pkcs12=pkcs12,
        passphrase=passphrase,
    )
    serve(config, open_browser=not no_browser, say=click.echo)


@cli.command("mau-excel")
@click.argument("output", metavar="OUT.xlsx", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--example",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A letter (.json) for the example row (default: the reference letter 451/SCT-VP).",
)
@click.option(
    "--defaults",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Shared fields (.json) filled into the example row, e.g. the agency and the signer.",
)
@click.option("--overwrite", is_flag=True, help="Replace OUT.xlsx if it exists.")
def mau_excel(output: Path, example: Path | None, defaults: Path | None, overwrite: bool) -> None:
    """Write the input workbook a clerk fills in Excel, one row a letter (alias: excel-template).

    The headers are the decree's terms in the order of the letter, each with a note saying what
    goes there; drop-down lists for thẩm quyền ký and độ khẩn; one example row; and a sheet
    'Giải thích' listing every column. `wfhdoc batch OUT.xlsx -o DIR` builds its letters.

    \b
    Example:
      wfhdoc mau-excel mau-cong-van.xlsx --defaults data/examples/batch/defaults-quang-tri.json
    """
    write_workbook(output, example=example, defaults=defaults, overwrite=overwrite)
    click.echo(f"wrote {output}")


cli.add_command(mau_excel, name="excel-template")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of a letter file, for editors to check and autocomplete.

    \b
    Example:
      wfhdoc schema > data/letter.schema.json
    """
    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def _console_utf8() -> None:
    # A Windows console or a redirected stream may use a code page without Vietnamese
    # letters; print UTF-8 there rather than fail or print question marks.
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            # a stream that cannot be changed keeps its encoding
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")


@contextlib.contextmanager
def _stop_signals() -> Iterator[None]:
    """SIGTERM (a service stopped, `kill`) and SIGHUP (the terminal closed) stop a command as
    Ctrl-C does: each command finishes or abandons the work in hand, writes what it must and
    removes its temporaries. The exit code is 128 + the signal. Installed for the run of one
    command only, by the command line: the library changes no process-wide state. A signal
    ignored when wfhdoc started (nohup) stays ignored."""
    _state["signal"] = int(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        _state["signal"] = signum  # for the exit code
        raise KeyboardInterrupt

    before: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) in (signal.SIG_DFL, signal.default_int_handler):
            before[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script exits with it)."""
    _console_utf8()
    _state["verbose"] = "--verbose" in (argv if argv is not None else sys.argv[1:])
    with _stop_signals():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    try:
        cli.main(args=argv, prog_name="wfhdoc", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 128 + _state["signal"]
    except WfhDocError as exc:
        if _state["verbose"]:
            traceback.print_exc()
        click.echo(f"error: {exc}", err=True)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a bug, said as one
        if _state["verbose"]:
            traceback.print_exc()
        click.echo(
            f"error: internal error in wfhdoc ({type(exc).__name__}: {exc}). This is a bug; "
            "run again with --verbose and report the output.",
            err=True,
        )
        return 1
    return 0


def entry() -> None:
    sys.exit(main())
