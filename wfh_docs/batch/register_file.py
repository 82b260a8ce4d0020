"""The register's file: its schema, what counts as a wfhdoc register (another program's SQLite
database, or a file that is not one, is refused and left as it is), and opening it.

The tables key a number on (series, year, number), the number's series (series.py) being the
agency's abbreviation for its công văn, as every register had it, and "QĐ-UBND" for its quyết
định. Registers made by earlier versions named that column `agency`; the first run that opens one
for writing renames it (a read-only reader selects it under its new name, register_entries.py).
A register made before the series were kept per kind (its
user_version 0) is brought up to date once, when it is first opened for writing: a row of
another kind that was numbered in its agency's sequence (a "QĐ-UBND" kept under "UBND") moves
to its kind's series with its number, so that each series goes on after the numbers it has;
a number is never changed, and a sequence chosen by hand (issue --series) stays where it is.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError
from ..i18n import _
from ..letter.series import old_series

TABLES = """
CREATE TABLE IF NOT EXISTS issued (
    series TEXT NOT NULL,          -- the series (series.py): SCT for a công văn, QĐ-UBND ...
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
    PRIMARY KEY (series, year, number)
);
CREATE TABLE IF NOT EXISTS starts (
    series TEXT NOT NULL,          -- the series
    year INTEGER NOT NULL,
    next INTEGER NOT NULL,         -- the first number wfhdoc may give (numbers issued before it)
    PRIMARY KEY (series, year)
);
CREATE TABLE IF NOT EXISTS revisions (  -- an issued letter as it was before a correction
    series TEXT NOT NULL,
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
INDEXES = """
CREATE INDEX IF NOT EXISTS issued_record ON issued (record, input_sha256);
CREATE INDEX IF NOT EXISTS issued_identity ON issued (series, year, identity);
"""
# the columns every wfhdoc register has had (and the series, under its name or its old one); a
# table without them is another program's
KEY = ("series", "agency")
REQUIRED = {
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
ADDED = (("identity", "TEXT"), ("issued_at", "TEXT"))


class NotARegister(OutputError):
    """The file is not a wfhdoc register (another program's database, or not a database)."""


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


def connect(
    path: Path, *, read_only: bool = False, timeout: float = 60.0
) -> tuple[sqlite3.Connection, dict[str, set[str]]]:
    """The register at `path` opened (read-only: neither created nor changed), with its tables
    and their columns; an old register is brought up to date. NotARegister for a file that is
    not a wfhdoc register, left as it is."""
    _sqlite_or_empty(path)
    try:
        if read_only:
            # a URI with mode=ro: SQLite neither creates nor changes the file
            db = sqlite3.connect(
                path.resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout, isolation_level=None
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except (sqlite3.DatabaseError, OSError) as exc:
        raise OutputError(_cannot_open(path, exc)) from None
    try:
        db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        columns = _check(db, path)
        if not read_only:
            _migrate(db)
            columns = tables_of(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        if "locked" in str(exc):
            raise OutputError(
                _(
                    "{path}: the register is locked by another run (waited {seconds} s); it is as it "
                    "was: run again when the other run has finished"
                ).format(path=path, seconds=f"{timeout:g}")
            ) from None
        if "not a database" in str(exc):
            raise NotARegister(_not_sqlite(path)) from None
        raise OutputError(_cannot_open(path, exc)) from None
    except NotARegister:
        db.close()
        raise
    return db, columns


def tables_of(db: sqlite3.Connection) -> dict[str, set[str]]:
    names = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: {row[1] for row in db.execute(f'PRAGMA table_info("{name.replace(chr(34), "")}")')}
        for name in names
    }


def _check(db: sqlite3.Connection, path: Path) -> dict[str, set[str]]:
    tables = tables_of(db)
    if not tables:
        return tables  # a new or empty file: wfhdoc may make it a register
    issued = tables.get("issued")
    starts = tables.get("starts", {"series", "year", "next"})
    keyed = issued is not None and bool(issued & set(KEY)) and bool(starts & set(KEY))
    if issued is not None and keyed and issued >= REQUIRED and starts >= {"year", "next"}:
        return tables
    shown = ", ".join(f"'{n}'" for n in sorted(tables)[:8]) + (", ..." if len(tables) > 8 else "")
    if issued is None:
        lacks = _("it has no 'issued' table of wfhdoc's")
    elif (REQUIRED - issued) or not issued & set(KEY):
        lacks = _("its 'issued' table lacks the columns {columns}").format(
            columns=", ".join(sorted((REQUIRED - issued) | (set() if issued & set(KEY) else {"series"})))
        )
    else:
        lacks = _("its 'starts' table is not wfhdoc's")
    raise NotARegister(
        _(
            "{path}: not a wfhdoc register: an SQLite database with the tables {tables}, and "
            "{lacks}; wfhdoc left it as it is (give the register that wfhdoc batch --register made, "
            "or a new file name)"
        ).format(path=path, tables=shown, lacks=lacks)
    )


SERIES_VERSION = 1  # PRAGMA user_version from which the rows are in their kind's series


def _migrate(db: sqlite3.Connection) -> None:
    _rename_key(db)
    db.executescript(TABLES)
    present = {row[1] for row in db.execute("PRAGMA table_info(issued)")}
    for column, kind in ADDED:
        if column not in present:
            try:
                db.execute(f"ALTER TABLE issued ADD COLUMN {column} {kind}")
            except sqlite3.OperationalError as exc:
                if "duplicate column" not in str(exc):  # another run added it just now
                    raise
    db.executescript(INDEXES)
    _to_series(db)


@contextmanager
def _immediate(db: sqlite3.Connection) -> Iterator[None]:
    """One migration step in an IMMEDIATE transaction: committed when the step ends, rolled back
    when it fails (another run opening the register waits for it)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _rename_key(db: sqlite3.Connection) -> None:
    """The column `agency` of an older register renamed `series` in each table, once (another
    run opening the register at the same time waits, then finds it done); its indexes follow."""
    if "agency" not in tables_of(db).get("issued", set()):
        return
    with _immediate(db):
        for table, columns in tables_of(db).items():
            if table in ("issued", "starts", "revisions") and "agency" in columns:
                db.execute(f"ALTER TABLE {table} RENAME COLUMN agency TO series")


def _to_series(db: sqlite3.Connection) -> None:
    """Each row in its kind's series, once (another run opening the register at the same time
    waits for it, then finds it done)."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if int(version) >= SERIES_VERSION:
        return
    with _immediate(db):
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if int(version) < SERIES_VERSION:
            rows = db.execute("SELECT series, year, number, symbol FROM issued").fetchall()
            for old, year, number, symbol in rows:
                series = old_series(str(old), str(symbol))
                if series is not None:
                    _move(db, (old, year, number), series)
            db.execute(f"PRAGMA user_version = {SERIES_VERSION}")


def _move(db: sqlite3.Connection, key: tuple[str, int, int], series: str) -> None:
    """The row `key` and its revisions into `series`, under the same number; a number the
    series has already (given by hand there) leaves the row where it is."""
    taken = db.execute(
        "SELECT 1 FROM issued WHERE series = ? AND year = ? AND number = ?", (series, *key[1:])
    ).fetchone()
    if taken is not None:
        return
    for table in ("issued", "revisions"):
        db.execute(
            f"UPDATE {table} SET series = ? WHERE series = ? AND year = ? AND number = ?", (series, *key)
        )
