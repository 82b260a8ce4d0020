"""The register of outgoing documents (sổ đăng ký văn bản đi): numbers per agency and year.

ND 30, Điều 15.1: numbers run from 01 each 1 January, one sequence per agency, unique in the
year. The register is one SQLite file. A number is drawn inside an IMMEDIATE transaction, so
two runs on the same register at the same time queue for it and never draw the same number.

A number belongs to a letter, not to a row of the source: the register knows a letter by its
identity (see batch.py: the source's file name and the record's key, its output_name, its
file, or else its agency and recipients). Running the batch again finds the letter's number
by that identity, however the rows were inserted, deleted or reordered since; a corrected
letter keeps its number, and when the letter had already been issued the correction is
reported and the earlier version kept in the `revisions` table. Numbers are neither reused for
another letter nor skipped.

The register only ever opens a file that is a wfhdoc register, or a new or empty one: another
program's SQLite database is refused, and `list` opens the file read-only.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OutputError, Problem
from ..i18n import _
from ..letter.model import Letter
from .records import Record, identity

YEAR_MIN, YEAR_MAX = 1900, 2999
NUMBER_MAX = 999_999  # the model's limit: a số has at most six digits

_TABLES = """
CREATE TABLE IF NOT EXISTS issued (
    agency TEXT NOT NULL,          -- chữ viết tắt tên cơ quan: the sequence's owner
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    symbol TEXT NOT NULL,          -- ký hiệu, e.g. SCT-VP
    date TEXT,                     -- ngày ban hành (ISO), when known
    subject TEXT NOT NULL,         -- trích yếu
    recipient TEXT NOT NULL,       -- Kính gửi, one per line
    output TEXT,                   -- the letter's file
    sha256 TEXT,                   -- of the letter's file
    status TEXT NOT NULL,          -- reserved | issued
    record TEXT NOT NULL,          -- where the record came from (source and row), last seen
    input_sha256 TEXT NOT NULL,    -- of the record's data
    created TEXT NOT NULL,
    identity TEXT,                 -- the letter, whatever its row (NULL: a row from before identities)
    issued_at TEXT,                -- when the letter's file was first recorded
    PRIMARY KEY (agency, year, number)
);
CREATE TABLE IF NOT EXISTS starts (
    agency TEXT NOT NULL,
    year INTEGER NOT NULL,
    next INTEGER NOT NULL,         -- the first number wfhdoc may give (numbers issued before it)
    PRIMARY KEY (agency, year)
);
CREATE TABLE IF NOT EXISTS revisions (  -- an issued letter as it was before a correction
    agency TEXT NOT NULL,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    date TEXT,
    subject TEXT NOT NULL,
    recipient TEXT NOT NULL,
    output TEXT,
    sha256 TEXT,
    record TEXT NOT NULL,
    input_sha256 TEXT NOT NULL,
    issued_at TEXT,
    revised TEXT NOT NULL
);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS issued_record ON issued (record, input_sha256);
CREATE INDEX IF NOT EXISTS issued_identity ON issued (agency, year, identity);
"""
# the columns every wfhdoc register has had; a table without them is another program's
_REQUIRED = {
    "agency",
    "year",
    "number",
    "symbol",
    "date",
    "subject",
    "recipient",
    "output",
    "sha256",
    "status",
    "record",
    "input_sha256",
    "created",
}
# columns added since the first registers, added to an old register when it is opened
_ADDED = (("identity", "TEXT"), ("issued_at", "TEXT"))


class NotARegister(OutputError):
    """The file is not a wfhdoc register (another program's database, or not a database)."""


class NoNumber(OutputError):
    """The register cannot number this one letter (its sequence is used up, its year is not a
    year); the batch fails that letter and goes on."""


@dataclass(frozen=True)
class Entry:
    agency: str
    year: int
    number: int
    symbol: str
    date: str | None
    subject: str
    recipient: str
    output: str | None
    sha256: str | None
    status: str
    record: str
    created: str
    identity: str | None = None
    issued_at: str | None = None


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


_SQLITE_HEADER = b"SQLite format 3\x00"


def _cannot_open(path: Path, reason: object) -> str:
    return _("{path}: cannot open the register ({reason})").format(path=path, reason=reason)


def _not_sqlite(path: Path) -> str:
    return _(
        "{path}: not a wfhdoc register: the file is not an SQLite database; wfhdoc left it as it "
        "is (give the register that wfhdoc batch --register made, or a new file name)"
    ).format(path=path)


def _sqlite_or_empty(path: Path) -> None:
    """Refuse a file that is neither empty nor an SQLite database before SQLite opens it (SQLite
    takes a short file of any bytes for an empty database, and would write over it)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return  # a new register
    except OSError as exc:
        raise OutputError(_cannot_open(path, exc.strerror or exc)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OutputError(
                _(
                    "{path}: is a folder, a device or a pipe, not a register file (give the path of a "
                    ".sqlite file)"
                ).format(path=path)
            )
        head = os.read(fd, len(_SQLITE_HEADER))
    finally:
        os.close(fd)
    if head and head != _SQLITE_HEADER:
        raise NotARegister(_not_sqlite(path))


class Register:
    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        _sqlite_or_empty(path)
        try:
            if read_only:
                # a URI with mode=ro: SQLite neither creates nor changes the file
                self._db = sqlite3.connect(
                    path.resolve().as_uri() + "?mode=ro", uri=True, timeout=60, isolation_level=None
                )
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path, timeout=60, isolation_level=None)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise OutputError(_cannot_open(path, exc)) from None
        try:
            self._db.execute("PRAGMA busy_timeout = 60000")
            self._columns = self._check()
            if not read_only:
                self._migrate()
                self._columns = self._tables()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if "not a database" in str(exc):
                raise NotARegister(_not_sqlite(path)) from None
            raise OutputError(_cannot_open(path, exc)) from None
        except NotARegister:
            self._db.close()
            raise

    def _tables(self) -> dict[str, set[str]]:
        names = [
            name
            for (name,) in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: {row[1] for row in self._db.execute(f'PRAGMA table_info("{name.replace(chr(34), "")}")')}
            for name in names
        }

    def _check(self) -> dict[str, set[str]]:
        tables = self._tables()
        if not tables:
            return tables  # a new or empty file: wfhdoc may make it a register
        issued = tables.get("issued")
        starts = tables.get("starts", {"agency", "year", "next"})
        if issued is not None and issued >= _REQUIRED and starts >= {"agency", "year", "next"}:
            return tables
        shown = ", ".join(f"'{n}'" for n in sorted(tables)[:8]) + (", ..." if len(tables) > 8 else "")
        if issued is None:
            lacks = _("it has no 'issued' table of wfhdoc's")
        elif _REQUIRED - issued:
            lacks = _("its 'issued' table lacks the columns {columns}").format(
                columns=", ".join(sorted(_REQUIRED - issued))
            )
        else:
            lacks = _("its 'starts' table is not wfhdoc's")
        raise NotARegister(
            _(
                "{path}: not a wfhdoc register: an SQLite database with the tables {tables}, and "
                "{lacks}; wfhdoc left it as it is (give the register that wfhdoc batch --register made, "
                "or a new file name)"
            ).format(path=self.path, tables=shown, lacks=lacks)
        )

    def _migrate(self) -> None:
        db = self._db
        db.executescript(_TABLES)
        present = {row[1] for row in db.execute("PRAGMA table_info(issued)")}
        for column, kind in _ADDED:
            if column not in present:
                try:
                    db.execute(f"ALTER TABLE issued ADD COLUMN {column} {kind}")
                except sqlite3.OperationalError as exc:
                    if "duplicate column" not in str(exc):  # another run added it just now
                        raise
        db.executescript(_INDEXES)

    def close(self) -> None:
        self._db.close()

    def allocate(
        self,
        *,
        agency: str,
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
        """The letter's number: the one its identity has (its data updated if it changed), else
        the next free one. `source` is the source's file name, by which a register made before
        identities finds its letters: a row of that source to the same recipients (preferring
        the row's own place and data) takes the identity."""
        problem = check_year(year)
        if problem:
            raise NoNumber(
                _(
                    "{problem}: the register keeps numbers for the years {first} to {last} "
                    "(check the letter's date)"
                ).format(problem=problem, first=YEAR_MIN, last=YEAR_MAX)
            )
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT number, status, sha256, input_sha256, record, output, issued_at, created "
                "FROM issued WHERE agency = ? AND year = ? AND identity = ? ORDER BY number DESC LIMIT 1",
                (agency, year, identity),
            ).fetchone()
            if row is None and source:
                prefix = f"{source}:"
                row = db.execute(
                    "SELECT number, status, sha256, input_sha256, record, output, issued_at, created "
                    "FROM issued WHERE agency = ? AND year = ? AND identity IS NULL "
                    "AND substr(record, 1, ?) = ? AND (recipient = ? OR (record = ? AND input_sha256 = ?)) "
                    "ORDER BY (record = ? AND input_sha256 = ?) DESC, number DESC LIMIT 1",
                    (
                        agency,
                        year,
                        len(prefix),
                        prefix,
                        recipient,
                        record,
                        input_sha256,
                        record,
                        input_sha256,
                    ),
                ).fetchone()
                if row is not None:
                    db.execute(
                        "UPDATE issued SET identity = ? WHERE agency = ? AND year = ? AND number = ?",
                        (identity, agency, year, row[0]),
                    )
            if row is not None:
                allocation = self._known(
                    row, agency, year, symbol, date, subject, recipient, record, input_sha256
                )
                db.execute("COMMIT")
                return allocation
            (last,) = db.execute(
                "SELECT COALESCE(MAX(number), 0) FROM issued WHERE agency = ? AND year = ?", (agency, year)
            ).fetchone()
            start = db.execute(
                "SELECT next FROM starts WHERE agency = ? AND year = ?", (agency, year)
            ).fetchone()
            number = max(int(last) + 1, int(start[0]) if start else 1)
            if number > NUMBER_MAX:
                db.execute("ROLLBACK")
                raise NoNumber(
                    _(
                        "the register has no number left for {agency} in {year}: the next one would be "
                        "{number}, and a number has at most six digits (up to {limit}); this letter was "
                        "not numbered (see wfhdoc register list; if the letter was numbered another "
                        "way, give its number in 'number')"
                    ).format(agency=agency, year=year, number=number, limit=NUMBER_MAX)
                )
            db.execute(
                "INSERT INTO issued (agency, year, number, symbol, date, subject, recipient, status, record, "
                "input_sha256, created, identity) VALUES (?, ?, ?, ?, ?, ?, ?, 'reserved', ?, ?, ?, ?)",
                (
                    agency,
                    year,
                    number,
                    symbol,
                    date,
                    subject,
                    recipient,
                    record,
                    input_sha256,
                    _now(),
                    identity,
                ),
            )
            db.execute("COMMIT")
            return Allocation(number)
        except sqlite3.DatabaseError as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise OutputError(
                _("{path}: the register could not give a number ({reason})").format(
                    path=self.path, reason=exc
                )
            ) from None
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _known(
        self,
        row: tuple[Any, ...],
        agency: str,
        year: int,
        symbol: str,
        date: str | None,
        subject: str,
        recipient: str,
        record: str,
        input_sha256: str,
    ) -> Allocation:
        """A letter the register knows: its number, its row brought up to date (in the caller's
        transaction)."""
        number, status, sha256, old_input, old_record, *_rest = row
        db = self._db
        key = (agency, year, number)
        issued = status == "issued" and bool(sha256)
        if old_input == input_sha256:
            if old_record != record:  # the same letter, moved to another row
                db.execute(
                    "UPDATE issued SET record = ? WHERE agency = ? AND year = ? AND number = ?",
                    (record, *key),
                )
            # a corrected letter whose rebuild did not finish is still told of the first version
            return Allocation(int(number), "" if issued else self._revised(key, symbol))
        if issued:
            # the letter went out with other data: the number stays (it is the letter's), the
            # earlier version is kept, and the user is told
            db.execute(
                "INSERT INTO revisions (agency, year, number, symbol, date, subject, recipient, output, "
                "sha256, record, input_sha256, issued_at, revised) SELECT agency, year, number, symbol, "
                "date, subject, recipient, output, sha256, record, input_sha256, COALESCE(issued_at, "
                "created), ? FROM issued WHERE agency = ? AND year = ? AND number = ?",
                (_now(), *key),
            )
        db.execute(
            "UPDATE issued SET symbol = ?, date = ?, subject = ?, recipient = ?, record = ?, "
            "input_sha256 = ?, status = 'reserved', output = NULL, sha256 = NULL, issued_at = NULL "
            "WHERE agency = ? AND year = ? AND number = ?",
            (symbol, date, subject, recipient, record, input_sha256, *key),
        )
        return Allocation(int(number), self._revised(key, symbol))

    def _revised(self, key: tuple[str, int, int], symbol: str) -> str:
        """What to tell of a letter that was issued before, with other data ('' if it was not)."""
        found = self._db.execute(
            "SELECT issued_at, output FROM revisions WHERE agency = ? AND year = ? AND number = ? "
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

    def mark_issued(self, agency: str, year: int, number: int, *, output: str, sha256: str) -> None:
        try:
            self._db.execute(
                "UPDATE issued SET status = 'issued', output = ?, sha256 = ?, "
                "issued_at = COALESCE(issued_at, ?) WHERE agency = ? AND year = ? AND number = ?",
                (output, sha256, _now(), agency, year, number),
            )
        except sqlite3.DatabaseError as exc:
            raise OutputError(
                _("{path}: cannot record the letter ({reason})").format(path=self.path, reason=exc)
            ) from None

    def start_at(self, agency: str, year: int, number: int) -> None:
        """Continue an agency's sequence for `year` at `number` (the register was begun mid-year)."""
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
                "SELECT COALESCE(MAX(number), 0) FROM issued WHERE agency = ? AND year = ?", (agency, year)
            ).fetchone()
            if number <= int(last):
                db.execute("ROLLBACK")
                raise OutputError(
                    _(
                        "{path}: {agency} has already issued number {last} in {year}; "
                        "the next number cannot be {number}, which would reuse a number"
                    ).format(path=self.path, agency=agency, last=last, year=year, number=number)
                )
            db.execute(
                "INSERT OR REPLACE INTO starts (agency, year, next) VALUES (?, ?, ?)", (agency, year, number)
            )
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise OutputError(
                _("{path}: cannot change the register ({reason})").format(path=self.path, reason=exc)
            ) from None

    def entries(self, *, agency: str | None = None, year: int | None = None) -> list[Entry]:
        issued = self._columns.get("issued")
        if issued is None:
            return []  # an empty file opened read-only: nothing issued yet
        extra = [c for c, _ in _ADDED if c in issued]
        sql = (
            "SELECT agency, year, number, symbol, date, subject, recipient, output, sha256, status, record, "
            "created" + "".join(f", {c}" for c in extra) + " FROM issued"
        )
        where: list[str] = []
        args: list[object] = []
        if agency:
            where.append("agency = ?")
            args.append(agency)
        if year:
            where.append("year = ?")
            args.append(year)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY agency, year, number"
        try:
            rows = self._db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise OutputError(
                _("{path}: cannot read the register ({reason})").format(path=self.path, reason=exc)
            ) from None
        return [Entry(*row[:12], **dict(zip(extra, row[12:], strict=True))) for row in rows]


@dataclass(frozen=True)
class Drawn:
    """A batch letter's number, its year, and what the user must be told about it."""

    year: int
    number: int
    note: str = ""


Seen = dict[tuple[str, int, str], str]  # (agency, year, identity) -> the first record's place


def draw_number(
    reg: Register, seen: Seen, source: str, record: Record, letter: Letter, input_sha: str
) -> Drawn | None:
    """The number of a batch's validated letter, or None with a problem added to the record:
    another letter of this run has its identity, or the register has no number for it."""
    agency = letter.issuer.abbreviation
    year = (letter.date or dt.date.today()).year
    ident, what = identity(record, source, agency, list(letter.recipients))
    first = seen.get((agency, year, ident))
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
            agency=agency,
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
    seen[(agency, year, ident)] = record.key or record.origin
    return Drawn(year, allocation.number, allocation.note)
