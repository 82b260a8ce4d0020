"""`wfhdoc issue`: the văn thư's step (Điều 15.3): letters the leader signed numbered and dated
from the register, each stamp an agency signature in its blank, then sealed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..batch.register import Register
from ..errors import InputError, Problem
from ..i18n import N_, _
from .console import warn
from .options import command, key_options, option, output_option, quiet_option
from .sign import KeyChoice, finish, jobs_of, run_jobs

if TYPE_CHECKING:
    from ..sign.issue import Letter
    from ..sign.many import Done, Job

_HELP = N_(
    "Issue letters the leader has signed, as the văn thư does (Nghị định 30, Điều 15.3): take "
    "the next number of its series and year from the register (a công văn on its agency's "
    "series, a quyết định on its own), write it into the blank after "
    "'Số:', the date into the blanks of 'ngày … tháng … năm …' and of each phụ lục's "
    "'(Kèm theo … số … ngày …)' line, each as a signature of the agency's certificate in Times "
    "New Roman 13 pt, then put the seal over the left third of the leader's signature.\n\n"
    "The register (the same file as wfhdoc batch --register) records each letter's number, "
    "date, V/v, Kính gửi and the SHA-256 of the issued PDF; two runs at once never give one "
    "number twice. The input is never changed; a letter with no blank after 'Số:', one already "
    "issued, or one the leader has not signed is refused and nothing is stamped. Many files (a "
    "folder, or a sign run's folder) are issued with the key opened once; issue-manifest.json "
    "and issue-manifest.csv list them, and a run started again skips those already issued.\n\n"
    "\b\nExamples:\n"
    "  wfhdoc issue signed/451-SCT-VP-signer.pdf --register so-van-ban-di.sqlite \\\n"
    "      --pkcs11-lib /usr/lib/libeTPkcs11.so --seal-image con-dau.png\n"
    "  wfhdoc issue signed/ -o issued/ --register so-van-ban-di.sqlite --pkcs12 agency.p12 \\\n"
    "      --seal-image con-dau.png --tsa-url http://tsa.ca.gov.vn"
)


class RegisterNumbering:
    """The register as issuing draws from it: a letter is known by its PDF's SHA-256."""

    def __init__(self, register: Register) -> None:
        self.register = register

    @staticmethod
    def identity(letter: Letter) -> str:
        return f"pdf:{letter.sha256}"

    def draw(self, letter: Letter, date: dt.date) -> int:
        reg = self.register
        found = reg.find(identity=self.identity(letter)) or reg.find(sha256=letter.sha256)
        if found is not None and found.status == "issued":
            raise InputError(
                str(letter.source),
                [
                    Problem(
                        _("register {name}").format(name=reg.path.name),
                        _("already issued as number {number}/{symbol} on {date} ({output})").format(
                            number=f"{found.number:02d}",
                            symbol=found.symbol,
                            date=found.date or str(found.issued_at or "")[:10],
                            output=found.output,
                        ),
                        _("a letter is issued once; nothing was stamped"),
                    )
                ],
            )
        allocation = reg.allocate(
            series=letter.series,
            year=date.year,
            symbol=letter.symbol,
            date=date.isoformat(),
            subject=letter.subject,
            recipient="\n".join(letter.recipients),
            record=letter.source.name,
            identity=self.identity(letter),
            input_sha256=letter.sha256,
        )
        return allocation.number

    def release(self, letter: Letter, date: dt.date, number: int) -> None:
        self.register.release(letter.series, date.year, number, self.identity(letter))

    def issued(self, letter: Letter, date: dt.date, number: int, output: Path, sha256: str) -> None:
        self.register.mark_issued(letter.series, date.year, number, output=str(output), sha256=sha256)


@command(help=_HELP)
@click.argument("pdf_files", metavar="FILE.pdf...", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_option(
    N_(
        "The issued PDF (default: FILE-issued.pdf, without the '-signer' of a signed file's name), "
        "or the folder for them with several files (default: beside each). The input is never changed."
    )
)
@option(
    "--register",
    "register_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help=N_("The register of outgoing documents (SQLite file, created if needed) the numbers come from."),
)
@option(
    "--seal-image",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help=N_("The red seal, a PNG with a transparent background, at its real size (dpi)."),
)
@key_options
@option("--agency-name", help=N_("The name after 'Ký bởi:' beside the seal (default: the certificate's)."))
@option(
    "--series",
    help=N_(
        "The register's series the letters take their numbers from, instead of the one their "
        "ký hiệu gives: by default a công văn SCT-VP takes the agency's series SCT, and a quyết "
        "định QĐ-UBND the series QĐ-UBND, numbered apart from the agency's công văn (Nghị định "
        "30, Điều 15.1). Give it for a council or board that numbers on its own series."
    ),
)
@option("--agency", "old_series", hidden=True)  # the name --series had before
@option(
    "--allow-unsigned",
    is_flag=True,
    help=N_(
        "Issue a letter that has no digital signature of the competent person (signed on paper and "
        "scanned, say); the seal goes over the left third of the room for the signature."
    ),
)
@option(
    "--wait",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help=N_("Seconds to wait for a register that another run is using before giving up."),
)
@quiet_option()
def issue(
    pdf_files: tuple[Path, ...],
    output: Path | None,
    register_path: Path,
    seal_image: Path,
    agency_name: str | None,
    series: str | None,
    old_series: str | None,
    allow_unsigned: bool,
    wait: float,
    quiet: bool,
    **params: Any,
) -> None:
    from ..sign import SignRequest
    from ..sign.issue import IssueRequest, issue_document, prepare
    from ..sign.many import Done
    from ..sign.signing import Signing, picture_of

    choice = KeyChoice.pop(params)
    jobs, folder = jobs_of(pdf_files, output, "issued", "issue")
    if old_series and not series:
        warn(_("--agency is now called --series (the register's series, e.g. HĐKL); it still works"))
        series = old_series
    request = IssueRequest(seal_image, agency_name, series, allow_unsigned)
    picture = picture_of(SignRequest("agency", image=seal_image))
    assert picture is not None
    options = choice.options()
    register = Register(register_path, timeout=wait)  # a register locked or not wfhdoc's: said now
    numbering = RegisterNumbering(register)
    try:
        with Signing(choice.source(), options) as signing:

            def work(job: Job, data: bytes) -> Done:
                prepared = prepare(job.source, request, data)
                signed, result = issue_document(signing, prepared, request, picture, numbering, job.output)
                if folder is None:
                    click.echo(
                        _("issued {path}: Số: {reference}, ngày {date}").format(
                            path=job.output, reference=result.reference, date=result.date.strftime("%d/%m/%Y")
                        )
                    )

                def commit(sha: str) -> None:
                    numbering.issued(prepared.letter, result.date, result.number, job.output.absolute(), sha)

                return Done(
                    signed, "issued", result.reference, result.date.isoformat(), result.warnings, commit
                )

            rows = run_jobs(jobs, folder, "issue", work, quiet)
    finally:
        register.close()
    finish(rows, folder, "issue")
