"""The register of outgoing documents (sổ đăng ký văn bản đi): numbers per agency and year.

ND 30, Điều 15.1: numbers run from 01 each 1 January, one sequence per agency, unique in the
year. The register is one SQLite file. A number is drawn inside an IMMEDIATE transaction, so
two runs on the same register at the same time queue for it and never draw the same number.
A record that was given a number keeps it: running the batch again (after an interruption,
say) finds the record's reservation and reuses it, so numbers are neither reused for another
letter nor skipped.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError

_SCHEMA = """
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
    record TEXT NOT NULL,          -- where the record came from (source and row)
    input_sha256 TEXT NOT NULL,    -- of the record's data, to know it again
    created TEXT NOT NULL,
    PRIMARY KEY (agency, year, number)
);
CREATE INDEX IF NOT EXISTS issued_record ON issued (record, input_sha256);
CREATE TABLE IF NOT EXISTS starts (
    agency TEXT NOT NULL,
    year INTEGER NOT NULL,
    next INTEGER NOT NULL,         -- the first number wfhdoc may give (numbers issued before it)
    PRIMARY KEY (agency, year)
);
"""


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


class Register:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=60, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout = 60000")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise OutputError(f"{path}: cannot open the register ({exc})") from None

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
        input_sha256: str,
    ) -> int:
        """The record's number: its earlier one if it has one, else the next free one."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT number FROM issued WHERE agency = ? AND year = ? AND record = ? AND input_sha256 = ?",
                (agency, year, record, input_sha256),
            ).fetchone()
            if row:
                db.execute("COMMIT")
                return int(row[0])
            (last,) = db.execute(
                "SELECT COALESCE(MAX(number), 0) FROM issued WHERE agency = ? AND year = ?", (agency, year)
            ).fetchone()
            start = db.execute(
                "SELECT next FROM starts WHERE agency = ? AND year = ?", (agency, year)
            ).fetchone()
            number = max(int(last) + 1, int(start[0]) if start else 1)
            db.execute(
                "INSERT INTO issued (agency, year, number, symbol, date, subject, recipient, status, record, "
                "input_sha256, created) VALUES (?, ?, ?, ?, ?, ?, ?, 'reserved', ?, ?, ?)",
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
                    dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                ),
            )
            db.execute("COMMIT")
            return number
        except sqlite3.DatabaseError as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise OutputError(f"{self.path}: the register could not give a number ({exc})") from None

    def mark_issued(self, agency: str, year: int, number: int, *, output: str, sha256: str) -> None:
        try:
            self._db.execute(
                "UPDATE issued SET status = 'issued', output = ?, sha256 = ? "
                "WHERE agency = ? AND year = ? AND number = ?",
                (output, sha256, agency, year, number),
            )
        except sqlite3.DatabaseError as exc:
            raise OutputError(f"{self.path}: cannot record the letter ({exc})") from None

    def start_at(self, agency: str, year: int, number: int) -> None:
        """Continue an agency's sequence for `year` at `number` (the register was begun mid-year)."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            (last,) = db.execute(
                "SELECT COALESCE(MAX(number), 0) FROM issued WHERE agency = ? AND year = ?", (agency, year)
            ).fetchone()
            if number <= int(last):
                db.execute("ROLLBACK")
                raise OutputError(
                    f"{self.path}: {agency} has already issued number {last} in {year}; "
                    f"the next number cannot be {number}, which would reuse a number"
                )
            db.execute(
                "INSERT OR REPLACE INTO starts (agency, year, next) VALUES (?, ?, ?)", (agency, year, number)
            )
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise OutputError(f"{self.path}: cannot change the register ({exc})") from None

    def entries(self, *, agency: str | None = None, year: int | None = None) -> list[Entry]:
        sql = (
            "SELECT agency, year, number, symbol, date, subject, recipient, output, sha256, status, record, "
            "created FROM issued"
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
        return [Entry(*row) for row in self._db.execute(sql, args).fetchall()]
