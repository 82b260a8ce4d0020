"""A batch letter's number from the register: drawn in the letter's series (Letter.series: its
agency's abbreviation for a công văn, "QĐ-UBND" for a quyết định), by the letter's identity,
once per letter of the run, and its bản sao's in the copying agency's series of copies; a
problem (the same letter twice, no number left) goes into the record, which fails."""

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
    # the letter's identity as it always was (key, output_name, agency and recipients): a công
    # văn and a quyết định to the same recipients are told apart by their series
    ident, what = identity(record, source, letter.issuer.abbreviation, list(letter.recipients))
    wanted = _Wanted(
        letter.series,
        (letter.date or dt.date.today()).year,
        letter.symbol,
        letter.date,
        letter.subject,
        list(letter.recipients),
        ident,
        what,
    )
    return _draw(reg, seen, source, record, wanted, input_sha, record.identity_where or "$.recipients")


def draw_copy_number(
    reg: Register, seen: Seen, source: str, record: Record, letter: Letter, input_sha: str
) -> Drawn | None:
    """The number of a batch letter's bản sao, on its copying agency's series of copies (one
    for the sao y, trích sao and sao lục it makes, letter.copying), by the letter's identity
    and "bản sao": the copy's number is the copying agency's, apart from the letter's own."""
    copy = letter.copy_
    assert copy is not None and copy.date is not None
    ident, what = identity(record, source, letter.issuer.abbreviation, list(letter.recipients))
    wanted = _Wanted(
        copy.series,
        copy.date.year,
        copy.symbol,
        copy.date,
        letter.subject,
        list(copy.cc),
        f"{ident}\x1fcopy",
        _("{what}, its copy").format(what=what),
    )
    return _draw(reg, seen, source, record, wanted, input_sha, "$.copy.number")


@dataclass(frozen=True)
class _Wanted:
    """What the register is asked for: a number of `series` and `year` for a letter or a copy."""

    series: str
    year: int
    symbol: str
    date: dt.date | None
    subject: str
    recipients: list[str]
    identity: str
    what: str


def _draw(
    reg: Register, seen: Seen, source: str, record: Record, wanted: _Wanted, input_sha: str, where: str
) -> Drawn | None:
    first = seen.get((wanted.series, wanted.year, wanted.identity))
    if first is not None:
        record.problems.append(
            Problem(
                where,
                _(
                    "the same letter as {first} for the register: both have {what}, and a letter "
                    "keeps one number"
                ).format(first=first, what=wanted.what),
                _(
                    "if they are two letters, give each its own value in a column (or field) named "
                    "'key'; if not, remove one of them"
                ),
            )
        )
        return None
    try:
        allocation = reg.allocate(
            series=wanted.series,
            year=wanted.year,
            symbol=wanted.symbol,
            date=wanted.date.isoformat() if wanted.date else None,
            subject=wanted.subject,
            recipient="\n".join(wanted.recipients),
            record=f"{source}:{record.key}",
            identity=wanted.identity,
            input_sha256=input_sha,
            source=source,
        )
    except NoNumber as exc:
        record.problems.append(Problem(_("register {name}").format(name=reg.path.name), str(exc)))
        return None
    seen[(wanted.series, wanted.year, wanted.identity)] = record.key or record.origin
    return Drawn(wanted.year, allocation.number, allocation.note, wanted.series)
