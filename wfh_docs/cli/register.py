"""`wfhdoc register list|start`: the register of outgoing documents (sổ đăng ký văn bản đi)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from ..batch.register import NUMBER_MAX, YEAR_MAX, YEAR_MIN, Register
from ..i18n import N_, _, ngettext
from ..letter import vn
from .options import Group, command, json_option, option


@click.group(
    cls=Group,
    help=N_("The register of outgoing documents (sổ đăng ký văn bản đi) that batch --register keeps."),
)
def register() -> None:
    pass


@command(
    "list",
    help=N_(
        "List the numbers issued in the register PATH.\n\n"
        "\b\nExample:\n  wfhdoc register list out/register.sqlite --year 2020"
    ),
)
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@option("--agency", help=N_("Only this agency (its abbreviation, e.g. SCT)."))
@option("--year", type=int, help=N_("Only this year."))
@json_option()
def register_list(path: Path, agency: str | None, year: int | None, as_json: bool) -> None:
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
    click.echo(
        ngettext("{count} entry", "{count} entries", len(entries)).format(count=len(entries)), err=True
    )


@command(
    "start",
    help=N_(
        "Continue an agency's numbers in the register PATH (created if needed) at a given number.\n\n"
        "For an agency that starts using wfhdoc mid-year: its numbers 01 to 412 were issued by hand, "
        "so wfhdoc must go on from 413.\n\n"
        "\b\nExample:\n  wfhdoc register start out/register.sqlite --agency SNV --year 2020 --next 413"
    ),
)
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@option(
    "--agency", required=True, help=N_("The agency's abbreviation, as in issuer.abbreviation (e.g. SNV).")
)
@option(
    "--year", type=click.IntRange(YEAR_MIN, YEAR_MAX), required=True, help=N_("The year of the sequence.")
)
@option(
    "--next",
    "next_number",
    type=click.IntRange(1, NUMBER_MAX),
    required=True,
    help=N_("The next number to give (the agency issued the ones before it elsewhere)."),
)
def register_start(path: Path, agency: str, year: int, next_number: int) -> None:
    reg = Register(path)
    try:
        reg.start_at(agency, year, next_number)
    finally:
        reg.close()
    click.echo(
        _("{agency} {year}: the next number is {number}").format(
            agency=agency, year=year, number=vn.format_doc_number(next_number)
        )
    )


register.add_command(register_list)
register.add_command(register_start)
