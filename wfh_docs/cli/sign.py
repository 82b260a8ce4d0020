"""`wfhdoc sign` and `wfhdoc verify`: PAdES signatures placed as the decree says, and their check."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..i18n import N_, _
from ..letter import vn
from ..letter.copying import ABBREVIATIONS
from .console import error, progress, secret, warn
from .options import command, key_options, option, output_option, quiet_option

if TYPE_CHECKING:
    from ..sign import KeySource, SignOptions
    from ..sign.many import Job, Row, Work

_CA = click.Path(path_type=Path, dir_okay=False)
_SIGN_HELP = N_(
    "Sign FILE.pdf digitally (PAdES), placing the images where Nghị định 30 puts them.\n\n"
    "Many files (or a folder, or a batch's manifest.json) are signed in one run with the key "
    "opened once (one PIN, one passphrase); the run writes sign-manifest.json and "
    "sign-manifest.csv beside the signed files, and a run started again skips the files "
    "already signed. Exit code 1 when any file failed.\n\n"
    "\b\nExamples:\n"
    "  wfhdoc sign pdf/451-SCT-VP.pdf --as signer --pkcs11-lib /usr/lib/token.so --key-label signer \\\n"
    "      --signature-image sig.png\n"
    "  wfhdoc sign out/ --as signer --pkcs12 leader.p12 --signature-image sig.png -o signed/\n"
    "  wfhdoc sign pdf/451-SCT-VP-signer.pdf --as agency --pkcs12 agency.p12 --seal-image seal.png\n"
    "  wfhdoc verify pdf/451-SCT-VP-signer-agency.pdf"
)


@dataclass(frozen=True)
class KeyChoice:
    """The key options of a signing command, as given."""

    pkcs12: Path | None
    pkcs11_lib: str | None
    token_label: str | None
    key_label: str | None
    cert_label: str | None
    pin_pad: bool
    level: str | None
    tsa_url: str | None
    trust_roots: tuple[Path, ...]

    @classmethod
    def pop(cls, params: dict[str, Any]) -> KeyChoice:
        """The key options taken out of a command's parameters; exactly one key, or a usage error."""
        choice = cls(**{name: params.pop(name) for name in cls.__dataclass_fields__})
        if (choice.pkcs12 is None) == (choice.pkcs11_lib is None):
            raise click.UsageError(_("give one key: --pkcs12 FILE or --pkcs11-lib LIBRARY"))
        return choice

    def options(self) -> SignOptions:
        from ..sign import SignOptions

        level = self.level or ("B-T" if self.tsa_url else "B-B")
        return SignOptions(level=level, tsa_url=self.tsa_url, trust_roots=list(self.trust_roots))  # type: ignore[arg-type]

    def source(self) -> KeySource:
        """The key, with its passphrase or PIN asked for once."""
        from ..sign import KeySource

        pkcs12 = self.pkcs12
        passphrase = (
            secret("WFHDOC_P12_PASSPHRASE", _("Passphrase of the key file")).encode() if pkcs12 else None
        )
        pin = None if pkcs12 or self.pin_pad else secret("WFHDOC_PIN", _("PIN of the token"), empty_ok=False)
        return KeySource(
            pkcs12, passphrase, self.pkcs11_lib, self.token_label, self.key_label, self.cert_label, pin
        )


def jobs_of(
    files: tuple[Path, ...], output: Path | None, suffix: str, step: str
) -> tuple[list[Job], Path | None]:
    """The files to work on and where each goes, and the folder of the run's manifest (None: one
    file, no manifest)."""
    from ..sign.many import Job, expand, output_for

    found, many = expand(list(files), step)
    if not found:
        raise click.UsageError(_("no PDF to work on in {files}").format(files=", ".join(map(str, files))))
    if not many:
        (source,) = found
        if output is not None and not output.is_dir() and output.suffix.lower() == ".pdf":
            return [Job(source, output)], None
        return [Job(source, output_for(source, suffix, output))], None
    if output is not None and output.suffix.lower() == ".pdf":
        raise click.UsageError(_("-o/--output is a folder when there are several files"))
    jobs = [Job(source, output_for(source, suffix, output)) for source in found]
    folder = (
        output if output is not None else Path(os.path.commonpath([j.output.parent.absolute() for j in jobs]))
    )
    return jobs, folder


def run_jobs(jobs: list[Job], folder: Path | None, step: str, work: Work, quiet: bool) -> list[Row]:
    """The run, with its progress line on a terminal (else a line for each file, unless
    `quiet`), each file that failed said, and its manifest."""
    from ..sign import many

    manifest = many.Manifest(folder, step) if folder is not None else None
    bar = progress(_("files"), quiet) if len(jobs) > 1 else None
    lines = bar is None and not quiet and folder is not None

    def report(row: Row) -> None:
        if row.status == "failed":
            error(row.message)
        elif lines:
            click.echo(_file_line(row))
        for note in filter(None, row.notes.split("\n")):
            warn(note)

    return many.run(jobs, work, manifest, bar, report)


def _file_line(row: Row) -> str:
    if row.status == "unchanged":
        return _("{path}: done in an earlier run ({output})").format(path=row.source, output=row.output)
    if row.status == "issued":
        return _("{path}: issued as Số: {number}, {output}").format(
            path=row.source, number=row.number, output=row.output
        )
    return _("{path}: signed, {output}").format(path=row.source, output=row.output)


@command(help=_SIGN_HELP)
@click.argument("pdf_files", metavar="FILE.pdf...", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_option(
    N_(
        "The signed PDF (default: FILE-signer.pdf, FILE-agency.pdf ...), or the folder for them "
        "with several files (default: beside each). The input is never changed."
    )
)
@option(
    "--as",
    "role",
    type=click.Choice(["signer", "agency", "appendix", "copy"]),
    required=True,
    help=N_(
        "signer: the competent person's signature (ô 7c); agency: the agency's, with the seal "
        "(ô 8), after the signer's; appendix: the agency's on a phụ lục in its own file "
        "(top right, no image); copy: the copying agency's on an electronic bản sao (Mẫu 3.2: "
        "top right, no image, with --copy-form)."
    ),
)
@key_options
@option(
    "--signature-image",
    type=_CA,
    help=N_("With --as signer: the blue signature, a PNG with a transparent background."),
)
@option(
    "--seal-image",
    type=_CA,
    help=N_("With --as agency: the red seal, a PNG with a transparent background, at its real size (dpi)."),
)
@option(
    "--agency-name",
    help=N_(
        "With --as agency: the name after 'Ký bởi:'; with --as copy: the copying agency "
        "(default: the certificate's)."
    ),
)
@option(
    "--copy-form",
    type=click.Choice(list(ABBREVIATIONS)),
    help=N_("With --as copy: the hình thức sao the stamp shows (Phụ lục I, Phần II, Mục I)."),
)
@option(
    "--number",
    "document_number",
    help=N_("With --as appendix: the letter's số and ký hiệu, e.g. 451/SCT-VP."),
)
@option(
    "--name",
    "signer_name",
    help=N_("The signer's name as printed, to find the signature block (default: the certificate's name)."),
)
@quiet_option()
def sign(
    pdf_files: tuple[Path, ...],
    output: Path | None,
    role: str,
    signature_image: Path | None,
    seal_image: Path | None,
    agency_name: str | None,
    copy_form: str | None,
    document_number: str | None,
    signer_name: str | None,
    quiet: bool,
    **params: Any,
) -> None:
    from ..sign import SignRequest
    from ..sign.many import Done
    from ..sign.signing import Signing, load_document, picture_of

    choice = KeyChoice.pop(params)
    image = signature_image if role == "signer" else seal_image if role == "agency" else None
    if role == "signer" and seal_image is not None or role == "agency" and signature_image is not None:
        raise click.UsageError(_("--signature-image goes with --as signer, --seal-image with --as agency"))
    jobs, folder = jobs_of(pdf_files, output, role, "sign")
    options = choice.options()
    request = SignRequest(
        role,  # type: ignore[arg-type]
        image,
        agency_name,
        document_number,
        signer_name,
        copy_form=copy_form,
    )
    picture = picture_of(request)  # checked before the token is asked for its PIN
    with Signing(choice.source(), options) as signing:

        def work(job: Job, data: bytes) -> Done:
            doc = load_document(job.source, data)
            signed, result = signing.sign(doc, request, picture, job.output)
            if folder is None:
                click.echo(
                    _("signed {path} as {role}: {signer}, {time}, {level}, page {page}").format(
                        path=result.output,
                        role=role,
                        signer=result.signer,
                        time=vn.iso_vn_time(result.signing_time),
                        level=result.level,
                        page=result.page,
                    )
                )
            return Done(signed, "signed", warnings=result.warnings)

        rows = run_jobs(jobs, folder, "sign", work, quiet)
    finish(rows, folder, "sign")


def finish(rows: list[Row], folder: Path | None, step: str) -> None:
    """The run's summary (for many files), and exit code 1 when any file failed."""
    from ..sign.many import summary

    if folder is not None:
        names = {
            "signed": _("signed"),
            "issued": _("issued"),
            "unchanged": _("done in an earlier run"),
            "failed": _("failed"),
        }
        counts = ", ".join(f"{count} {names[status]}" for status, count in summary(rows))
        click.echo(
            _("{counts}; manifest: {path}").format(counts=counts, path=folder / f"{step}-manifest.csv")
        )
    if any(r.status == "failed" for r in rows):
        raise SystemExit(1)


@command(
    help=N_(
        "List the signatures of FILE.pdf: who signed, when, whether the document is intact and "
        "trusted (the government root of Ban Cơ yếu Chính phủ is built in), each signature's role "
        "(approval, number, date, seal, appendix stamp), what it covers, and whether the "
        "document was changed after signing.\n\n"
        "Exit code 0 when every signature is intact, its certificate trusted (or of a CA no "
        "root is known for, reported as unknown, when no --trust-root is given) and nothing was "
        "changed after it that is not allowed (after a certification signature: what its DocMDP "
        "permissions allow); 1 when there is no signature, or one is broken, could not be "
        "checked, untrusted or followed by a change that is not allowed, or the PDF cannot be "
        "read; 2 for a wrong option.\n\n"
        "\b\nExample:\n  wfhdoc verify pdf/451-SCT-VP-signer-agency.pdf"
    )
)
@click.argument("pdf_file", metavar="FILE.pdf", type=click.Path(path_type=Path))
@option(
    "--trust-root",
    "trust_roots",
    multiple=True,
    type=_CA,
    help=N_(
        "Another CA certificate (PEM/DER) to trust besides the built-in government root; "
        "repeatable. A certificate with no chain to a known root is reported as unknown."
    ),
)
@option(
    "--crl",
    "crls",
    multiple=True,
    type=_CA,
    help=N_("A certificate revocation list to check against; repeatable."),
)
@option("--fetch", is_flag=True, help=N_("Fetch revocation data from the network (OCSP, CRL)."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON instead of text."))
def verify(
    pdf_file: Path, trust_roots: tuple[Path, ...], crls: tuple[Path, ...], fetch: bool, as_json: bool
) -> None:
    from ..sign.verify import exit_code, verify_pdf

    reports = verify_pdf(
        pdf_file, trust_roots=list(trust_roots) or None, crls=list(crls), allow_fetching=fetch
    )
    if as_json:
        rows = [r.as_dict() for r in reports]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for r in reports:
            click.echo(r.describe())
        if not reports:
            click.echo(_("{path}: no signature").format(path=pdf_file))
    if exit_code(reports):
        raise SystemExit(exit_code(reports))
