"""`wfhdoc build`: one letter from its data."""

from __future__ import annotations

from pathlib import Path

import click

from ..batch.build import build as build_letter
from ..i18n import N_, _
from .console import warn
from .options import command, option, output_option, overwrite_option, template_option


@command(
    help=N_(
        "Build one letter from DATA, a JSON file.\n\n"
        "A letter that wfhdoc wrote before is replaced; any other file at the output path is kept "
        "(the build fails and says so) unless --overwrite.\n\n"
        "\b\nExample:\n  wfhdoc build data/examples/cong-van-451-SCT-VP-2020.json -o out/451-SCT-VP.docx"
    )
)
@click.argument("data", type=click.Path(path_type=Path, dir_okay=True, exists=False))
@output_option(
    N_(
        "The .docx to write, or a folder to write it in (an existing folder, or a path ending "
        "in / or without an extension). Default: a name made from the number and ký hiệu, e.g. "
        "451-SCT-VP.docx, in the current folder."
    ),
    path=False,
)
@template_option(
    N_("A docxtpl .docx template to use instead of wfhdoc's own wfh_docs/templates/cong-van.docx.")
)
@option(
    "--signature-line",
    is_flag=True,
    help=N_(
        "Put Word's signature line (Insert > Signature Line) in the signature block, with the "
        "signer's name and title, so that Word offers to sign the letter when it is opened."
    ),
)
@option(
    "--appendices-apart",
    is_flag=True,
    help=N_(
        "Write each phụ lục in a file of its own beside the letter (Mẫu 2.2: an electronic letter "
        "whose phụ lục are separate files): LETTER-phu-luc.docx, or -phu-luc-I.docx, -II ... "
        "Their '(Kèm theo ...)' line keeps dots for the số and the date; sign each with "
        "'wfhdoc sign --as appendix --number ...'."
    ),
)
@overwrite_option(
    N_(
        "Replace the output file even when it is not a letter wfhdoc wrote (a file typed in "
        "Word, or a letter edited and saved since). Without it such a file is kept."
    )
)
def build(
    data: Path,
    output: str | None,
    template: Path | None,
    signature_line: bool,
    appendices_apart: bool,
    overwrite: bool,
) -> None:
    result = build_letter(
        data,
        output,
        template,
        signature_line=signature_line,
        overwrite=overwrite,
        appendices_apart=appendices_apart,
    )
    for warning in result.warnings:
        warn(warning)
    click.echo(_("wrote {path}").format(path=result.path))
    for path in result.appendices:
        click.echo(_("wrote {path}").format(path=path))
