"""A batch letter's number from the register: drawn in the letter's series (Letter.series: its
agency's abbreviation for a công văn, "QĐ-UBND" for a quyết định), by the letter's identity,
once per letter of the run; a problem (the same letter twice, no number left) goes into the
record, which fails."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import Problem
from ..i18n import _
from ..letter.model import Letter
from .records import Record, identity
from .register import NoNumber, Register


@dataclass(frozen=True)
class Drawn:
    """A batch letter's number, its year, and what the user must be told about it; `series` is
    the register's series the number is of (the one to mark the letter issued in)."""

    year: int
    number: int
    note: str = ""
    series: str = ""


Seen = dict[tuple[str, int, str], str]  # (series, year, identity) -> the first record's place


def draw_number(
    reg: Register, seen: Seen, source: str, record: Record, letter: Letter, input_sha: str
) -> Drawn | None:
    """The number of a batch's validated letter, or None with a problem added to the record:
    another letter of this run has its identity, or the register has no number for it."""
    series = letter.series
    year = (letter.date or dt.date.today()).year
    # the letter's identity as it always was (key, output_name, agency and recipients): a công
    # văn and a quyết định to the same recipients are told apart by their series
    ident, what = identity(record, source, letter.issuer.abbreviation, list(letter.recipients))
    first = seen.get((series, year, ident))
    if first is not None:
        record.problems.append(
            Problem(
                record.identity_where or "$.recipients",
                _(
                    "the same letter as {first} for the register: both have {what}, and a letter "
                    "keeps one number"
                ).format(first=first, what=what),
                _(
                    "if they are two letters, give each its own value in a column (or field) named "
                    "'key'; if not, remove one of them"
                ),
            )
        )
        return None
    try:
        allocation = reg.allocate(
            series=series,
            year=year,
            symbol=letter.symbol,
            date=letter.date.isoformat() if letter.date else None,
            subject=letter.subject,
            recipient="\n".join(letter.recipients),
            record=f"{source}:{record.key}",
            identity=ident,
            input_sha256=input_sha,
            source=source,
        )
    except NoNumber as exc:
        record.problems.append(Problem(_("register {name}").format(name=reg.path.name), str(exc)))
        return None
    seen[(series, year, ident)] = record.key or record.origin
    return Drawn(year, allocation.number, allocation.note, series)
