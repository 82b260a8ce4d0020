"""Reading the register: its entries, each with its series, filtered by series, agency, kind of
document and year. A register that an earlier wfhdoc made and that was not opened for writing
since (register list opens it read-only) is read with each row in its kind's series, as the
first run that writes to it will keep it, and with the column `series` under its old name
`agency` (register_file.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import OutputError
from ..i18n import _
from ..letter.series import agency_of, kind_of, old_series, series_of
from .register_file import ADDED, SERIES_VERSION

_COLUMNS = "year, number, symbol, date, subject, recipient, output, sha256, status, record, created"


def _select(issued: set[str]) -> str:
    """The entry's columns, the series first: a register no wfhdoc has opened for writing since
    the column was renamed (register_file.py) has it as `agency`."""
    return ("series, " if "series" in issued else "agency AS series, ") + _COLUMNS


@dataclass(frozen=True)
class Entry:
    series: str  # the series the number is of (series.py): SCT for a công văn, QĐ-UBND …
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

    @property
    def agency(self) -> str:
        """The agency whose series it is: UBND for QĐ-UBND, SCT for SCT."""
        return agency_of(self.series)

    @property
    def kind(self) -> str:
        """The kind of document its ký hiệu names: "QĐ", "" for a công văn (its trích yếu is
        a "V/v …")."""
        return kind_of(series_of(self.symbol))


@dataclass(frozen=True)
class Filter:
    """Which entries: of one series ("QĐ-UBND"), of every series of an agency ("UBND"), of one
    kind (its abbreviation "QĐ", "" for công văn), of one year; None: any."""

    series: str | None = None
    agency: str | None = None
    kind: str | None = None
    year: int | None = None

    def keeps(self, e: Entry) -> bool:
        return (
            (self.series is None or e.series == self.series)
            and (self.agency is None or e.agency == self.agency)
            and (self.kind is None or kind_of(e.series) == self.kind)
            and (self.year is None or e.year == self.year)
        )


def _cannot_read(path: Path, exc: sqlite3.DatabaseError) -> OutputError:
    return OutputError(_("{path}: cannot read the register ({reason})").format(path=path, reason=exc))


def _in_series(db: sqlite3.Connection) -> bool:
    (version,) = db.execute("PRAGMA user_version").fetchone()
    return int(version) >= SERIES_VERSION


def read_entries(
    db: sqlite3.Connection, columns: dict[str, set[str]], path: Path, which: Filter
) -> list[Entry]:
    issued = columns.get("issued")
    if issued is None:
        return []  # an empty file opened read-only: nothing issued yet
    extra = [c for c, _ in ADDED if c in issued]
    sql = f"SELECT {_select(issued)}" + "".join(f", {c}" for c in extra) + " FROM issued"
    try:
        rows = db.execute(sql).fetchall()
        in_series = _in_series(db)
    except sqlite3.DatabaseError as exc:
        raise _cannot_read(path, exc) from None
    entries = []
    for row in rows:
        e = Entry(*row[:12], **dict(zip(extra, row[12:], strict=True)))
        if not in_series:
            e = replace(e, series=old_series(e.series, e.symbol) or e.series)
        if which.keeps(e):
            entries.append(e)
    return sorted(entries, key=lambda e: (e.series, e.year, e.number))


def find_entry(
    db: sqlite3.Connection, columns: dict[str, set[str]], path: Path, where: str, value: str | None
) -> Entry | None:
    """The last entry whose `where` ("identity = ?" or "sha256 = ?") is `value`."""
    issued = columns.get("issued")
    if issued is None:
        return None
    try:
        row = db.execute(
            f"SELECT {_select(issued)}, identity, issued_at FROM issued WHERE {where} "
            "ORDER BY year DESC, number DESC LIMIT 1",
            (value,),
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise _cannot_read(path, exc) from None
    return Entry(*row) if row is not None else None
