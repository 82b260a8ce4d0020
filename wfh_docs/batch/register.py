"""The register of outgoing documents (sổ đăng ký văn bản đi): numbers per series and year.

ND 30, Điều 15.1: numbers run from 01 each 1 January, one series for each kind of document of
an agency, unique in the year: its công văn 1, 2, 3 … (the series "SCT", its abbreviation) and
its quyết định 1, 2, 3 … apart (the series "QĐ-SCT"); series.py names them, and the tables key
every number on (series, year, number). The register is one SQLite file. A number is drawn inside
an IMMEDIATE transaction, so two runs on the same register at the same time queue for it and
never draw the same number.

A number belongs to a letter, not to a row of the source: the register knows a letter by its
identity (records.identity: the source's file name and the record's key, its output_name, its
file, or else its agency and recipients). Running the batch again finds the letter's number
by that identity, however the rows were inserted, deleted or reordered since; a corrected
letter keeps its number, and when the letter had already been issued the correction is
reported and the earlier version kept in the `revisions` table. Numbers are neither reused for
another letter nor skipped.

The register only ever opens a file that is a wfhdoc register, or a new or empty one: another
program's SQLite database is refused, and `list` opens the file read-only (register_file.py).
A batch draws its letters' numbers through numbering.py.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import OutputError
from ..i18n import _
from .register_entries import Entry, Filter, find_entry, read_entries
from .register_file import connect

__all__ = ["NUMBER_MAX", "YEAR_MAX", "YEAR_MIN", "Allocation", "Entry", "NoNumber", "Register", "check_year"]

YEAR_MIN, YEAR_MAX = 1900, 2999
NUMBER_MAX = 999_999  # the model's limit: a số has at most six digits


class NoNumber(OutputError):
    """The register cannot number this one letter (its sequence is used up, its year is not a
    year); the batch fails that letter and goes on."""


class _Letter(NamedTuple):
    """What a row keeps of a letter, in the order of the table's columns."""

    symbol: str
    date: str | None
    subject: str
    recipient: str
    record: str
    input_sha256: str


@dataclass(frozen=True)
class Allocation:
    """A letter's number, and what the user must be told about it (empty: nothing)."""

    number: int
    note: str = ""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def check_year(year: int) -> str:
    """'' for a year a register sequence may have, else what is wrong with it."""
    if YEAR_MIN <= year <= YEAR_MAX:
        return ""
    return _("the year {year} is not between {first} and {last}").format(
        year=year, first=YEAR_MIN, last=YEAR_MAX
    )


def locked_message(path: Path, waited: float) -> str:
    return _(
        "{path}: the register is locked by another run (waited {seconds} s); nothing was numbered "
        "and the register is as it was: run again when the other run has finished"
    ).format(path=path, seconds=f"{waited:g}")


class Register:
    def __init__(self, path: Path, *, read_only: bool = False, timeout: float = 60.0) -> None:
        self.path = path
        self.read_only = read_only
        self.timeout = timeout
        self._db, self._columns = connect(path, read_only=read_only, timeout=timeout)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def allocate(
        self,
        *,
        series: str,
        year: int,
        symbol: str,
        date: str | None,
        subject: str,
        recipient: str,
        record: str,
        identity: str,
        input_sha256: str,
        source: str = "",
    ) -> Allocation:
        """The letter's number in the series `series` ("SCT" for a công văn, "QĐ-UBND" for a
        quyết định, series.py) and `year`: the one its
        identity has there (its data updated if it changed), else the next free one. `source` is
        the source's file name, by which a register made before identities finds its letters: a
        row of that source to the same recipients (preferring the row's own place and data)
        takes the identity."""
        problem = check_year(year)
        if problem:
            raise NoNumber(
                _(
                    "{problem}: the register keeps numbers for the years {first} to {last} "
                    "(check the letter's date)"
                ).format(problem=problem, first=YEAR_MIN, last=YEAR_MAX)
            )
        letter = _Letter(symbol, date, subject, recipient, record, input_sha256)
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            row = self._row_of(series, year, identity, letter, source)
            if row is not None:
                allocation = self._known(row, series, year, letter)
            else:
                number = self._new(series, year, identity, letter)
                allocation = Allocation(number, self._elsewhere(series, year, identity))
            db.execute("COMMIT")
            return allocation
        except sqlite3.DatabaseError as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if "locked" in str(exc) or "busy" in str(exc):
                raise OutputError(locked_message(self.path, self.timeout)) from None
            raise OutputError(
                _("{path}: the register could not give a number ({reason})").format(
                    path=self.path, reason=exc
                )
            ) from None
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _row_of(
        self, series: str, year: int, identity: str, letter: _Letter, source: str
    ) -> tuple[Any, ...] | None:
        """The row the series has for the letter (in the caller's transaction): by its identity,
        else, in a register made before identities, by its source and recipients (the row then
        takes the identity)."""
        db = self._db
        columns = "number, status, sha256, input_sha256, record, output, issued_at, created"
        row: tuple[Any, ...] | None = db.execute(
            f"SELECT {columns} FROM issued WHERE series = ? AND year = ? AND identity = ? "
            "ORDER BY number DESC LIMIT 1",
            (series, year, identity),
        ).fetchone()
        if row is not None or not source:
            return row
        prefix = f"{source}:"
        same = (letter.record, letter.input_sha256)
        row = db.execute(
            f"SELECT {columns} FROM issued WHERE series = ? AND year = ? AND identity IS NULL "
            "AND substr(record, 1, ?) = ? AND (recipient = ? OR (record = ? AND input_sha256 = ?)) "
            "ORDER BY (record = ? AND input_sha256 = ?) DESC, number DESC LIMIT 1",
            (series, year, len(prefix), prefix, letter.recipient, *same, *same),
        ).fetchone()
        if row is not None:
            db.execute(
                "UPDATE issued SET identity = ? WHERE series = ? AND year = ? AND number = ?",
                (identity, series, year, row[0]),
            )
        return row

    def _new(self, series: str, year: int, identity: str, letter: _Letter) -> int:
        """The next free number of the series, reserved for the letter (in the caller's
        transaction); NoNumber, the transaction rolled back, when the series is used up."""
        db = self._db
        number = self._next_of(series, year)
        if number > NUMBER_MAX:
            db.execute("ROLLBACK")
            raise NoNumber(
                _(
                    "the register has no number left for {series} in {year}: the next one would be "
                    "{number}, and a number has at most six digits (up to {limit}); this letter was "
                    "not numbered (see wfhdoc register list; if the letter was numbered another "
                    "way, give its number in 'number')"
                ).format(series=series, year=year, number=number, limit=NUMBER_MAX)
            )
        db.execute(
            "INSERT INTO issued (series, year, number, symbol, date, subject, recipient, status, record, "
            "input_sha256, created, identity) VALUES (?, ?, ?, ?, ?, ?, ?, 'reserved', ?, ?, ?, ?)",
            (series, year, number, *letter[:4], letter.record, letter.input_sha256, _now(), identity),
        )
        return number

    def _elsewhere(self, series: str, year: int, identity: str) -> str:
        """A letter numbered on another series before (its kind, or issue --series, changed) and
        not issued there: that number is given back when it is the last of its series, so that
        none is skipped; else it stays reserved for the letter, and the user is told (in the
        caller's transaction)."""
        db = self._db
        kept = []
        for other, number, symbol in db.execute(
            "SELECT series, number, symbol FROM issued WHERE year = ? AND identity = ? AND series != ? "
            "AND status = 'reserved' ORDER BY series, number",
            (year, identity, series),
        ).fetchall():
            (last,) = db.execute(
                "SELECT MAX(number) FROM issued WHERE series = ? AND year = ?", (other, year)
            ).fetchone()
            if last == number:
                db.execute(
                    "DELETE FROM issued WHERE series = ? AND year = ? AND number = ?", (other, year, number)
                )
            else:
                kept.append(f"{number:02d}/{symbol}")
        if not kept:
            return ""
        return _(
            "this letter had the number {numbers} on another series of the register before (its "
            "kind of document or its series changed); that number stays reserved for it, as a later "
            "one was given since"
        ).format(numbers=", ".join(kept))

    def _next_of(self, series: str, year: int) -> int:
        """The number after the last of the series, or its start when that is later."""
        (last,) = self._db.execute(
            "SELECT COALESCE(MAX(number), 0) FROM issued WHERE series = ? AND year = ?", (series, year)
        ).fetchone()
        start = self._db.execute(
            "SELECT next FROM starts WHERE series = ? AND year = ?", (series, year)
        ).fetchone()
        return max(int(last) + 1, int(start[0]) if start else 1)

    def _known(self, row: tuple[Any, ...], series: str, year: int, letter: _Letter) -> Allocation:
        """A letter the register knows: its number, its row brought up to date (in the caller's
        transaction)."""
        number, status, sha256, old_input, old_record, *_rest = row
        db = self._db
        key = (series, year, number)
        issued = status == "issued" and bool(sha256)
        if old_input == letter.input_sha256:
            if old_record != letter.record:  # the same letter, moved to another row
                db.execute(
                    "UPDATE issued SET record = ? WHERE series = ? AND year = ? AND number = ?",
                    (letter.record, *key),
                )
            # a corrected letter whose rebuild did not finish is still told of the first version
            return Allocation(int(number), "" if issued else self._revised(key, letter.symbol))
        if issued:
            # the letter went out with other data: the number stays (it is the letter's), the
            # earlier version is kept, and the user is told
            db.execute(
                "INSERT INTO revisions (series, year, number, symbol, date, subject, recipient, output, "
                "sha256, record, input_sha256, issued_at, revised) SELECT series, year, number, symbol, "
                "date, subject, recipient, output, sha256, record, input_sha256, COALESCE(issued_at, "
                "created), ? FROM issued WHERE series = ? AND year = ? AND number = ?",
                (_now(), *key),
            )
        db.execute(
            "UPDATE issued SET symbol = ?, date = ?, subject = ?, recipient = ?, record = ?, "
            "input_sha256 = ?, status = 'reserved', output = NULL, sha256 = NULL, issued_at = NULL "
            "WHERE series = ? AND year = ? AND number = ?",
            (*letter, *key),
        )
        return Allocation(int(number), self._revised(key, letter.symbol))

    def _revised(self, key: tuple[str, int, int], symbol: str) -> str:
        """What to tell of a letter that was issued before, with other data ('' if it was not)."""
        found = self._db.execute(
            "SELECT issued_at, output FROM revisions WHERE series = ? AND year = ? AND number = ? "
            "ORDER BY rowid DESC LIMIT 1",
            key,
        ).fetchone()
        if found is None:
            return ""
        when, output = found
        return _(
            "number {number}/{symbol} was already issued for this letter on {date}"
            " ({output}); the letter was rebuilt with the corrected data under the same number: "
            "send it as the corrected letter (the register keeps the earlier version's hash in "
            "its revisions)"
        ).format(number=f"{key[2]:02d}", symbol=symbol, date=str(when)[:10], output=output)

    def find(self, *, identity: str | None = None, sha256: str | None = None) -> Entry | None:
        """The letter of that identity, or the issued letter whose file has that SHA-256."""
        where, value = ("identity = ?", identity) if identity is not None else ("sha256 = ?", sha256)
        return find_entry(self._db, self._columns, self.path, where, value)

    def release(self, series: str, year: int, number: int, identity: str) -> bool:
        """Give back a number reserved for `identity` and not issued, when it is the last of its
        sequence (so that no number is skipped); True if it was given back. A later number drawn
        since keeps it reserved for that letter, which gets it when it is issued again."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            (last,) = db.execute(
                "SELECT COALESCE(MAX(number), 0) FROM issued WHERE series = ? AND year = ?", (series, year)
            ).fetchone()
            gone = 0
            if int(last) == number:
                gone = db.execute(
                    "DELETE FROM issued WHERE series = ? AND year = ? AND number = ? AND identity = ? "
                    "AND status = 'reserved'",
                    (series, year, number, identity),
                ).rowcount
            db.execute("COMMIT")
            return gone > 0
        except sqlite3.DatabaseError:
            if db.in_transaction:
                db.execute("ROLLBACK")
            return False  # the number stays reserved for the letter: nothing is lost

    def mark_issued(self, series: str, year: int, number: int, *, output: str, sha256: str) -> None:
        try:
            self._db.execute(
                "UPDATE issued SET status = 'issued', output = ?, sha256 = ?, "
                "issued_at = COALESCE(issued_at, ?) WHERE series = ? AND year = ? AND number = ?",
                (output, sha256, _now(), series, year, number),
            )
        except sqlite3.DatabaseError as exc:
            raise OutputError(
                _("{path}: cannot record the letter ({reason})").format(path=self.path, reason=exc)
            ) from None

    def start_at(self, series: str, year: int, number: int) -> None:
        """Continue the series `series` ("SCT" for the agency's công văn, "QĐ-SCT" for its quyết
        định) for `year` at `number` (the register was begun mid-year)."""
        problem = check_year(year)
        if problem:
            raise OutputError(
                _("{path}: {problem} (give the year of the sequence, e.g. --year {year})").format(
                    path=self.path, problem=problem, year=dt.date.today().year
                )
            )
        if not 1 <= number <= NUMBER_MAX:
            raise OutputError(
                _(
                    "{path}: the next number {number} is not between 1 and {limit} "
                    "(a number has at most six digits; give the number after the last one issued by hand)"
                ).format(path=self.path, number=number, limit=NUMBER_MAX)
            )
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            (last,) = db.execute(
                "SELECT COALESCE(MAX(number), 0) FROM issued WHERE series = ? AND year = ?", (series, year)
            ).fetchone()
            if number <= int(last):
                db.execute("ROLLBACK")
                raise OutputError(
                    _(
                        "{path}: {series} has already issued number {last} in {year}; "
                        "the next number cannot be {number}, which would reuse a number"
                    ).format(path=self.path, series=series, last=last, year=year, number=number)
                )
            db.execute(
                "INSERT OR REPLACE INTO starts (series, year, next) VALUES (?, ?, ?)", (series, year, number)
            )
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise OutputError(
                _("{path}: cannot change the register ({reason})").format(path=self.path, reason=exc)
            ) from None

    def entries(
        self,
        *,
        series: str | None = None,
        agency: str | None = None,
        kind: str | None = None,
        year: int | None = None,
    ) -> list[Entry]:
        """The entries, by series, year and number: of the series `series` ("QĐ-UBND"), of every
        series of the agency `agency` ("UBND": its công văn and its quyết định …), of one kind
        (`kind`, the abbreviation "QĐ", or "" for công văn), of `year`."""
        which = Filter(series or None, agency or None, kind, year or None)
        return read_entries(self._db, self._columns, self.path, which)
