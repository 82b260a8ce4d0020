"""`wfhdoc sign` and `wfhdoc verify`: PAdES signatures placed as the decree says, and their check."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from ..i18n import N_, _
from ..letter import vn
from .console import secret, warn
from .options import command, option, output_option

_CA = click.Path(path_type=Path, dir_okay=False)
_SIGN_HELP = N_(
    "Sign FILE.pdf digitally (PAdES), placing the images where Nghị định 30 puts them.\n\n"
    "\b\nExamples:\n"
    "  wfhdoc sign pdf/451-SCT-VP.pdf --as signer --pkcs11-lib /usr/lib/token.so --key-label signer \\\n"
    "      --signature-image sig.png\n"
    "  wfhdoc sign pdf/451-SCT-VP-signer.pdf --as agency --pkcs12 agency.p12 --seal-image seal.png\n"
    "  wfhdoc verify pdf/451-SCT-VP-signer-agency.pdf"
)


@command(help=_SIGN_HELP)
@click.argument("pdf_file", metavar="FILE.pdf", type=click.Path(path_type=Path))
@output_option(
    N_("The signed PDF (default: FILE-signer.pdf, FILE-agency.pdf ...). The input is never changed.")
)
@option(
    "--as",
    "role",
    type=click.Choice(["signer", "agency", "appendix"]),
    required=True,
    help=N_(
        "signer: the competent person's signature (ô 7c); agency: the agency's, with the seal "
        "(ô 8), after the signer's; appendix: the agency's on a phụ lục in its own file "
        "(top right, no image)."
    ),
)
@option(
    "--pkcs12",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("A PKCS#12 (.p12/.pfx) key file; its passphrase from WFHDOC_P12_PASSPHRASE or a prompt."),
)
@option(
    "--pkcs11-lib",
    help=N_(
        "The USB token's PKCS#11 library (e.g. libeTPkcs11.so, bit4xpki.dll); "
        "the PIN from WFHDOC_PIN or a prompt."
    ),
)
@option("--token-label", help=N_("The token's label, when several are plugged in."))
@option("--key-label", help=N_("The key's label on the token (default: its only key)."))
@option("--cert-label", help=N_("The certificate's label on the token (default: the key's)."))
@option("--pin-pad", is_flag=True, help=N_("The token has its own PIN pad: ask for no PIN here."))
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
@option("--agency-name", help=N_("With --as agency: the name after 'Ký bởi:' (default: the certificate's)."))
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
@option(
    "--level",
    type=click.Choice(["B-B", "B-T", "B-LT", "B-LTA"]),
    default="B-B",
    show_default=True,
    help=N_("PAdES level: B-T adds a time-stamp (--tsa-url), B-LT/B-LTA revocation data."),
)
@option("--tsa-url", help=N_("A time-stamp server (RFC 3161), for B-T and above."))
@option(
    "--trust-root",
    "trust_roots",
    multiple=True,
    type=_CA,
    help=N_("A CA certificate (PEM/DER) to include and validate with, e.g. the VGCA root; repeatable."),
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
    from ..sign import sign_pdf  # pyHanko only for the commands that sign

    if (pkcs12 is None) == (pkcs11_lib is None):
        raise click.UsageError(_("give one key: --pkcs12 FILE or --pkcs11-lib LIBRARY"))
    image = signature_image if role == "signer" else seal_image if role == "agency" else None
    if role == "signer" and seal_image is not None or role == "agency" and signature_image is not None:
        raise click.UsageError(_("--signature-image goes with --as signer, --seal-image with --as agency"))
    target = output or pdf_file.with_name(f"{pdf_file.stem}-{role}.pdf")
    passphrase = secret("WFHDOC_P12_PASSPHRASE", _("Passphrase of the key file")).encode() if pkcs12 else None
    pin = None if pkcs12 or pin_pad else secret("WFHDOC_PIN", _("PIN of the token"), empty_ok=False)
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
        warn(warning)
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


@command(
    help=N_(
        "List the signatures of FILE.pdf: who signed, when, whether the document is intact and "
        "trusted (the government root of Ban Cơ yếu Chính phủ is built in), each signature's role "
        "(approval, number, date, seal, appendix stamp), what it covers, and whether the "
        "document was changed after signing.\n\n"
        "Exit code 1 when there is no signature, or any is broken, untrusted or followed by a "
        "change that is not allowed.\n\n"
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
    from ..sign import verify_pdf

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
            click.echo(_("{path}: no signature").format(path=pdf_file))
    if not reports or not all(r.ok for r in reports):
        raise SystemExit(1)
