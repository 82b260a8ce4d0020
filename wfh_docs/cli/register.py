"""`wfhdoc register list|start`: the register of outgoing documents (sổ đăng ký văn bản đi), one
series of numbers for each kind of document of an agency and year (Nghị định 30, Điều 15.1)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict
from pathlib import Path

import click

from ..batch.register import NUMBER_MAX, YEAR_MAX, YEAR_MIN, Entry, Register
from ..i18n import N_, _, ngettext
from ..letter import vn
from ..letter.series import series_for, series_of
from ..letter.types import TYPES
from .options import Group, command, json_option, option

_TYPE = click.Choice(list(TYPES))


@click.group(
    cls=Group,
    help=N_(
        "The register of outgoing documents (sổ đăng ký văn bản đi) that batch --register and issue "
        "keep: one series of numbers for each kind of document of an agency, from 01 each year "
        "(Nghị định 30, Điều 15.1). A công văn is numbered on its agency's series (SCT), a quyết "
        "định on the series QĐ-SCT, a kế hoạch on KH-SCT, each apart."
    ),
)
def register() -> None:
    pass


def _text(name: str | None) -> str | None:
    """A name as typed, in NFC and without spaces around it; None for none."""
    if name is None:
        return None
    return unicodedata.normalize("NFC", name).strip() or None


def _line(e: Entry) -> str:
    recipient = e.recipient.replace("\n", "; ")
    subject = e.subject if e.kind else f"V/v {e.subject}"
    line = (
        f"{e.year}  {vn.format_doc_number(e.number):>4}/{e.symbol:<12} {e.date or '':<10}  "
        f"{e.status:<8}  {e.output or '':<28}  {recipient}  {subject}"
    )
    if series_of(e.symbol) != e.series:  # a series chosen by hand (issue --series)
        line += "  [" + _("series {series}").format(series=e.series) + "]"
    return line


@command(
    "list",
    help=N_(
        "List the numbers issued in the register PATH, series by series.\n\n"
        "Each line has the year, the number and ký hiệu (SCT-VP is of the agency's công văn series "
        "SCT, QĐ-SCT of its quyết định series QĐ-SCT), the date, the status, the file, Kính gửi and "
        "the trích yếu; --json gives each entry's series as 'series' and its agency as 'agency'.\n\n"
        "\b\nExamples:\n  wfhdoc register list out/register.sqlite --year 2020\n"
        "  wfhdoc register list out/register.sqlite --agency SCT --type quyet-dinh"
    ),
)
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@option(
    "--series",
    help=N_("Only this series: SCT for the công văn of the agency SCT, QĐ-SCT for its quyết định."),
)
@option(
    "--agency",
    help=N_("Only this agency's series, of every kind (its abbreviation, e.g. SCT)."),
)
@option(
    "--type",
    "type_id",
    type=_TYPE,
    metavar="TYPE",
    help=N_("Only this kind of document, as the data's 'type' names it (cong-van, quyet-dinh, ke-hoach …)."),
)
@option("--year", type=int, help=N_("Only this year."))
@json_option()
def register_list(
    path: Path, series: str | None, agency: str | None, type_id: str | None, year: int | None, as_json: bool
) -> None:
    kind = TYPES[type_id].abbreviation if type_id else None
    reg = Register(path, read_only=True)
    try:
        entries = reg.entries(series=_text(series), agency=_text(agency), kind=kind, year=year)
    finally:
        reg.close()
    if as_json:
        rows = [asdict(e) | {"agency": e.agency} for e in entries]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for e in entries:
        click.echo(_line(e))
    click.echo(
        ngettext("{count} entry", "{count} entries", len(entries)).format(count=len(entries)), err=True
    )


def _series(series: str | None, agency: str | None, type_id: str | None) -> str:
    """The series `register start` continues: --series, or the one of --agency and --type."""
    series, agency = _text(series), _text(agency)
    if series and (agency or type_id):
        raise click.UsageError(
            _(
                "give either --series, or --agency (with --type for a kind other than công văn), "
                "not both: --series QĐ-UBND is --agency UBND --type quyet-dinh"
            )
        )
    if series:
        return series
    if not agency:
        raise click.UsageError(
            _(
                "give the series to continue: --agency SCT for the agency's công văn, --agency SCT "
                "--type quyet-dinh (or --series QĐ-SCT) for its quyết định"
            )
        )
    return series_for(agency, type_id or "cong-van")


@command(
    "start",
    help=N_(
        "Continue a series of numbers in the register PATH (created if needed) at a given number.\n\n"
        "For an agency that starts using wfhdoc mid-year: its công văn 01 to 412 were issued by "
        "hand, so wfhdoc must go on from 413; its quyết định, numbered apart, from 57. Each kind of "
        "document has its own series: --agency alone is the agency's công văn; with --type, or "
        "with --series, another kind's.\n\n"
        "\b\nExamples:\n  wfhdoc register start out/register.sqlite --agency SNV --year 2020 --next 413\n"
        "  wfhdoc register start out/register.sqlite --agency SNV --type quyet-dinh --year 2020 "
        "--next 57\n"
        "  wfhdoc register start out/register.sqlite --series QĐ-SNV --year 2020 --next 57"
    ),
)
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@option(
    "--agency",
    help=N_(
        "The agency's abbreviation, as in issuer.abbreviation (e.g. SNV): its công văn, or with "
        "--type another kind of its documents."
    ),
)
@option(
    "--type",
    "type_id",
    type=_TYPE,
    metavar="TYPE",
    help=N_(
        "The kind of document, as the data's 'type' names it (quyet-dinh, ke-hoach …; default cong-van)."
    ),
)
@option(
    "--series",
    help=N_(
        "The series itself, as the register list shows it (SNV, QĐ-SNV), instead of --agency and --type."
    ),
)
@option(
    "--year", type=click.IntRange(YEAR_MIN, YEAR_MAX), required=True, help=N_("The year of the sequence.")
)
@option(
    "--next",
    "next_number",
    type=click.IntRange(1, NUMBER_MAX),
    required=True,
    help=N_("The next number to give (the ones before it were issued elsewhere)."),
)
def register_start(
    path: Path, agency: str | None, type_id: str | None, series: str | None, year: int, next_number: int
) -> None:
    name = _series(series, agency, type_id)
    reg = Register(path)
    try:
        reg.start_at(name, year, next_number)
    finally:
        reg.close()
    click.echo(
        _("{series} {year}: the next number is {number}").format(
            series=name, year=year, number=vn.format_doc_number(next_number)
        )
    )


register.add_command(register_list)
register.add_command(register_start)
