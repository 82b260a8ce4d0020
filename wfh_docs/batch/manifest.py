"""A batch's manifest: its rows, the journal of an unfinished run, manifest.json and manifest.csv.

manifest.json is for programs (English field names and statuses); manifest.csv is for the
clerk in Excel (Vietnamese headers and statuses, UTF-8 with a BOM, no cell read as a formula).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import operator
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..files.output import DiskFull, open_append, read_regular, write_atomic, write_error

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"
JOURNAL = ".wfhdoc-journal.jsonl"
FIELDS = [
    "record",
    "source",
    "output",
    "status",
    "number",
    "message",
    "check",
    "notes",
    "sha256",
    "input_sha256",
]
# manifest.csv is for the clerk, in Excel: its headers and statuses in Vietnamese (manifest.json,
# for programs, keeps the field names and statuses above); the file's format, whatever the
# language of the run
CSV_HEADERS = [
    "STT",
    "Nguồn dữ liệu",
    "Tệp văn bản",
    "Trạng thái",
    "Số, ký hiệu",
    "Thông báo",
    "Kiểm tra theo Nghị định 30",
    "Cảnh báo và kết quả kiểm tra",
    "SHA-256 của văn bản",
    "SHA-256 của dữ liệu",
]
_CSV_STATUS = {"built": "đã tạo", "unchanged": "không đổi", "failed": "lỗi"}


@dataclass(slots=True)
class Row:
    """One line of the manifest (slots: a batch holds one per letter)."""

    record: int  # 1-based position in the batch
    source: str
    output: str = ""
    status: str = "failed"  # built | unchanged | failed
    number: str = ""
    message: str = ""
    check: str = ""  # the ND 30 check of the letter: "passed", "2 errors, 1 warning", or "" (not checked)
    notes: str = ""  # the letter's warnings and check findings, one a line
    sha256: str = ""
    input_sha256: str = ""
    disk_full: bool = False  # not in the manifest: the letter failed because the disk is full


Sync = Callable[[], None]


class Manifest:
    """The manifest, rewritten atomically now and then while the batch runs, and at the end.

    A row's JSON line is made once, for the journal, and kept for the manifest; a rewrite
    waits at least 2 seconds, and 20 times as long as the last one took, so that rewriting
    costs a long batch no more than a twentieth of its time. Files are written a thousand rows
    at a time: a long batch's manifest is never held whole.

    The letters are renamed into place without waiting for the disk. At the end `sync` (the
    caller's: the CLI passes os.sync, one wait for all of them) puts them on the disk before
    the journal goes, so that until then a crash leaves the journal, and the next run checks
    each letter against it. Without one the final manifest alone is fsynced: a letter reaches
    the disk when the system writes it back (one fsync per letter would take a batch three
    times as long), and one that a crash of the machine cut short no longer has the SHA-256
    the manifest lists, so the next run builds it again."""

    def __init__(
        self, outdir: Path, every: float = 2.0, temp: Path | None = None, sync: Sync | None = None
    ) -> None:
        self.outdir = outdir
        self.temp = temp
        self.rows: dict[int, Row] = {}
        self._lines: dict[int, str] = {}
        self.every = every
        self.pause = every
        self.last = time.monotonic()
        self._sync = sync
        self._early_sync: threading.Thread | None = None
        self.disk_full = ""  # the error, once a write met a full disk
        self.journal = open_append(outdir / JOURNAL)  # never through a link; closed in close()

    def add(self, row: Row) -> None:
        line = _ROW_JSON.encode({k: getattr(row, k) for k in FIELDS})
        self._lines[row.record] = line
        self.rows[row.record] = row  # the row counts once it is whole: Ctrl-C may come anywhere
        self._journal(line)

    def claim(self, names: list[str]) -> None:
        """Journal the names a chunk's letters will have, before a worker writes them: a run
        killed after that knows them as wfhdoc's."""
        self._journal(_ROW_JSON.encode({"claimed": names}))
        self._flush()

    def _journal(self, line: str) -> None:
        try:
            self.journal.write(line + "\n")
        except OSError as exc:
            self._journal_failed(exc)

    def _flush(self) -> None:
        try:
            self.journal.flush()
        except OSError as exc:
            self._journal_failed(exc)

    def _journal_failed(self, exc: OSError) -> None:
        # the rows are kept here; the manifest, written at the end, has them
        self.disk_full = self.disk_full or str(write_error(self.outdir / JOURNAL, exc))

    def chunk_done(self) -> None:
        """The rows of a chunk are in: to the journal now, to the manifest now and then."""
        self._flush()
        if time.monotonic() - self.last >= self.pause:
            try:
                self.write()
            except DiskFull as exc:
                self.disk_full = self.disk_full or str(exc)  # tried again at the end

    def write(self, *, durable: bool = True) -> None:
        start = time.monotonic()
        order = sorted(self.rows)
        write_atomic(self.outdir / MANIFEST_JSON, self._json(order), durable=durable, temp_dir=self.temp)
        write_atomic(self.outdir / MANIFEST_CSV, self._csv(order), durable=durable, temp_dir=self.temp)
        self.last = time.monotonic()
        self.pause = max(self.every, 20 * (self.last - start))

    def _json(self, order: list[int]) -> Iterator[bytes]:
        # a row a line: readable, and quick to write
        for i in range(0, len(order), 1000):
            lines = ",\n".join(self._lines[k] for k in order[i : i + 1000])
            yield (("[\n" if i == 0 else ",\n") + lines).encode("utf-8")
        yield b"\n]\n" if order else b"[]\n"

    def _csv(self, order: list[int]) -> Iterator[bytes]:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(CSV_HEADERS)
        for i in range(0, len(order), 1000):
            writer.writerows(map(_csv_values, map(self.rows.__getitem__, order[i : i + 1000])))
            # UTF-8 with a BOM: Excel then reads the Vietnamese text right
            yield buf.getvalue().encode("utf-8-sig" if i == 0 else "utf-8")
            buf.seek(0)
            buf.truncate()
        if not order:
            yield buf.getvalue().encode("utf-8-sig")

    def sync_soon(self) -> None:
        """Start the caller's sync while the last letters are made, so that the wait at the
        end is for those only."""
        if self._early_sync is None and self._sync is not None:
            self._early_sync = threading.Thread(target=self._sync, name="wfhdoc-sync", daemon=True)
            self._early_sync.start()

    def close(self, *, finished: bool, free: Callable[[], None] = lambda: None) -> str:
        """Write the final manifest; "" or why it could not be written. `free` gives back the
        room kept for it, when the disk is full."""
        if self._early_sync is not None:
            self._early_sync.join()
        durable = self._sync is None  # else the sync below takes it to the disk with the letters
        error = ""
        try:
            try:
                self.write(durable=durable)
            except DiskFull:
                free()  # the room kept for the manifest, then once more
                self.write(durable=durable)
        except OutputError as exc:
            error = str(exc)
        if self._sync is not None:
            self._sync()
        with contextlib.suppress(OSError):
            self.journal.close()
        if finished and not error and not self.disk_full:
            (self.outdir / JOURNAL).unlink(missing_ok=True)
        return error


_ROW_JSON = json.JSONEncoder(ensure_ascii=False)
_row_values = operator.attrgetter(*FIELDS)  # made once: json.dumps makes one per call
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv_values(row: Row) -> tuple[Any, ...]:
    # A cell that starts with = + - @ (or a tab, a CR) is a formula to Excel: a source file or
    # a value named so would run as one. A ' before it makes it text, as OWASP advises; the
    # JSON manifest keeps the value as it is.
    values = list(_row_values(row))
    values[3] = _CSV_STATUS.get(values[3], values[3])
    values[6] = csv_check(values[6])
    if any(isinstance(v, str) and v.startswith(_FORMULA) for v in values):
        return tuple("'" + v if isinstance(v, str) and v.startswith(_FORMULA) else v for v in values)
    return tuple(values)


def csv_check(check: str) -> str:
    """'passed' -> 'đạt', '2 errors, 1 warning' -> '2 lỗi, 1 cảnh báo'."""
    if check == "passed":
        return "đạt"
    m = re.fullmatch(r"(\d+) errors?, (\d+) warnings?", check)
    return f"{m.group(1)} lỗi, {m.group(2)} cảnh báo" if m else check


def is_wfhdoc_manifest(path: Path) -> bool:
    """Is the file at `path` a manifest.csv or manifest.json that wfhdoc wrote?"""
    data = read_regular(path)
    if data is None:
        return False
    if path.name == MANIFEST_CSV:
        head = data.removeprefix(b"\xef\xbb\xbf")
        return head.startswith(b"record,source,output,status") or head.startswith(
            ",".join(CSV_HEADERS[:4]).encode("utf-8")
        )
    try:
        rows = json.loads(data)
    except ValueError:
        return False
    return isinstance(rows, list) and all(isinstance(r, dict) and "source" in r for r in rows)
