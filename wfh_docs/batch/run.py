"""Many records -> many letters: one run, parallel workers, a manifest, nothing lost.

The parent reads the records, names each output, draws its number from the register when
asked (validating that record first), and hands the letters to the workers in chunks. Each
worker starts with the template compiled once (workers.py) and cleans, validates, renders and
writes letter after letter, each file atomically; only a small manifest row comes back, so
memory does not grow with the batch. A bad record becomes a failed row naming its place and
field, a letter whose worker dies a failed row saying so; the others are built. The manifest is
rewritten as the run goes, so an interrupted run leaves complete letters and the list of what
was finished, and the next run skips every letter whose input has not changed.

A file in the output folder that no wfhdoc run wrote is never replaced (unless `overwrite`): the
letter that would have had its name goes beside it under the next free name. A name counts as
wfhdoc's when the manifest or the journal of the folder lists it, or lists a file with its
SHA-256; the parent journals each chunk's names before a worker writes them, so that a letter
written by a killed run is known to the next. No symbolic link is followed. Temporaries live in
one folder of the run, `.wfhdoc-run-*`, removed at its end, or by the next run when it was
killed. A full disk stops the batch: the letters in hand are finished or failed, and the
manifest lists them all.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import operator
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import __version__
from ..check.rules import check_docx
from ..errors import OutputError, WfhDocError
from ..files.naming import number_stem, safe_stem
from ..files.output import (
    DiskFull,
    link_message,
    open_append,
    read_regular,
    write_atomic,
    write_error,
    write_in_place,
)
from ..letter import vn
from ..letter.model import Letter
from ..letter.sources import prepare_data, problem_from_error
from ..render.template import DEFAULT_TEMPLATE, Template
from .records import OUTPUT_NAME, Record, canonical, load_defaults, locate, read_records
from .register import Register, Seen, draw_number
from .workers import Stopped, Workers

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"
JOURNAL = ".wfhdoc-journal.jsonl"
RUN_FOLDER_PREFIX = ".wfhdoc-run-"
_LOCK = "lock"
_RESERVE = "reserve"
DEFAULT_LETTER_TIMEOUT = 120.0  # seconds a worker may go without finishing a letter
_FIELDS = [
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
# for programs, keeps the field names and statuses above)
_CSV_HEADERS = [
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


@dataclass
class Report:
    rows: list[Row]
    outdir: Path
    interrupted: bool = False
    warnings: list[str] = field(default_factory=list)
    stopped: str = ""  # why the batch stopped before the end (a full disk), or ""
    total: int = 0  # the records of the source
    manifest_error: str = ""  # why the final manifest could not be written, or ""

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def failed(self) -> int:
        return self.count("failed")


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Issued:
    """A number drawn from the register for one letter."""

    agency: str
    year: int
    number: int
    note: str = ""  # the register's word to the user: the letter was issued before, with other data


# --- in the workers ---------------------------------------------------------------------------

_worker_template: Template | None = None


def _init_worker(template: str | None, parent: int | None = None) -> None:
    global _worker_template
    path = Path(template) if template else DEFAULT_TEMPLATE
    if _worker_template is None or _worker_template.path != path:
        # a forked worker has the parent's compiled template already; others compile it once
        _worker_template = Template(path)
    if parent is not None:
        # workers.py has the kernel kill a worker with its parent on Linux; this is the watch
        # for other systems (and in case that failed)
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    # A killed batch (kill -9, a closed terminal) must not leave workers behind: they would
    # wait for work forever. A worker whose parent is gone stops.
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


@dataclass(frozen=True)
class _Job:
    """What a worker needs for one letter; small and plain, so it crosses processes cheaply."""

    record: Record
    target: str
    template_sha: str
    issued: Issued | None = None  # the number drawn from the register by the parent
    previous: dict[str, Any] | None = None  # the manifest row of an earlier run
    check: bool = False  # run the ND 30 checker on the letter
    temp: str = ""  # the run's folder for temporaries
    note: str = ""  # why the letter does not have the name it would have had

    @property
    def number(self) -> int | None:
        return self.issued.number if self.issued else None


def _problem_text(record: Record, where: str, message: str, hint: str) -> str:
    place = locate(record, where) if where.startswith("$") else where
    return f"{place}: {message}" + (f" ({hint})" if hint else "")


def _prepare(
    record: Record, *, numbered_later: bool = False
) -> tuple[Letter | None, str, list[str], list[str]]:
    """Clean and validate one record: the letter (or None), the hash of its input, its
    problems and its warnings. `numbered_later`: the register is about to give the number."""
    if record.data is None:
        return None, "", [str(p) for p in record.problems], []
    data = {k: v for k, v in record.data.items() if k != OUTPUT_NAME}
    cleaned, warnings = prepare_data(data)
    warnings = record.warnings + warnings
    input_sha = hashlib.sha256(canonical(cleaned)).hexdigest()
    problems = [_problem_text(record, p.where, p.message, p.hint) for p in record.problems]
    try:
        letter = Letter.model_validate(cleaned, context={"numbered_later": numbered_later})
    except ValidationError as exc:
        for err in exc.errors():
            p = problem_from_error(dict(err))
            problems.append(_problem_text(record, p.where, p.message, p.hint))
        return None, input_sha, problems, []
    if problems:
        return None, input_sha, problems, []
    return letter, input_sha, [], [f"{record.origin}: {w}" for w in warnings]


def _build(job: _Job) -> tuple[Row, list[str]]:
    """Validate, render and write one letter (in a worker): its manifest row and warnings."""
    record = job.record
    row = Row(record.index + 1, record.origin)
    try:
        letter, input_sha, problems, warnings = _prepare(record)
        if input_sha:
            key = f"{input_sha}|{job.template_sha}|{__version__}|{job.number}"
            row.input_sha256 = hashlib.sha256(key.encode()).hexdigest()
        if letter is None:
            row.message = "; ".join(problems)
            return row, []
        if job.number is not None:
            letter = letter.model_copy(update={"number": job.number})
        row.number = vn.format_number_reference(letter.number, letter.symbol).strip()
        row.output = Path(job.target).name
        if job.note:
            row.message = job.note
            warnings.append(f"{record.origin}: {job.note}")
        before = job.previous
        if (
            before
            and before.get("status") in ("built", "unchanged")
            and before.get("input_sha256") == row.input_sha256
            and before.get("output") == row.output
            and before.get("sha256")
            and _file_sha(Path(job.target)) == before["sha256"]
        ):
            row.status, row.sha256 = "unchanged", before["sha256"]
            # what the check and the warnings said of the letter when it was built still holds
            row.check, row.notes = str(before.get("check") or ""), str(before.get("notes") or "")
            return row, warnings
        assert _worker_template is not None
        rendered = _worker_template.render(letter)
        write_in_place(Path(job.target), rendered.data, Path(job.temp) if job.temp else None)
        row.status, row.sha256 = "built", hashlib.sha256(rendered.data).hexdigest()
        warnings += [f"{record.origin}: {w}" for w in rendered.warnings]
        if job.check:
            findings = check_docx(rendered.data)
            n_errors = sum(f.severity == "error" for f in findings)
            row.check = (
                (
                    f"{n_errors} error{'s' * (n_errors != 1)}, {len(findings) - n_errors} "
                    f"warning{'s' * (len(findings) - n_errors != 1)}"
                )
                if findings
                else "passed"
            )
            warnings += [f"{record.origin}: check: {f}" for f in findings]
        prefix = f"{record.origin}: "
        row.notes = "\n".join(w.removeprefix(prefix) for w in warnings)
        return row, warnings
    except DiskFull as exc:
        row.status, row.message, row.output, row.disk_full = "failed", str(exc), "", True
    except WfhDocError as exc:
        row.status, row.message, row.output = "failed", str(exc), ""
    except Exception as exc:  # noqa: BLE001 - one letter's bug must not stop the others
        row.status, row.output = "failed", ""
        row.message = f"internal error in wfhdoc ({type(exc).__name__}: {exc}); please report it"
    return row, []


def _stem(data: dict[str, Any] | None) -> str:
    """The output name of a record, read from its raw data as letter_stem reads a letter, so
    that the parent can name every letter, in order, without validating it."""
    if not data:
        return "cong-van"
    wish = data.get(OUTPUT_NAME)
    if wish not in (None, ""):
        return safe_stem(str(wish))
    raw_issuer = data.get("issuer")
    issuer: dict[str, Any] = raw_issuer if isinstance(raw_issuer, dict) else {}
    symbol = f"{issuer.get('abbreviation', '')}-{issuer.get('unit', '')}"
    try:
        number = int(str(data["number"]).strip()) if data.get("number") not in (None, "") else None
    except (ValueError, TypeError):
        number = None
    return number_stem(number, symbol)


# --- in the parent ------------------------------------------------------------------------------


class _Earlier:
    """What earlier runs in the folder did, from its manifest and an interrupted run's journal:
    their rows by source (to skip what has not changed), and the names and SHA-256 of the
    files they wrote or were about to write (which wfhdoc may replace; no other file)."""

    def __init__(self, outdir: Path) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self.names: set[str] = set()
        self.shas: set[str] = set()
        raw = read_regular(outdir / MANIFEST_JSON)
        try:
            listed = json.loads(raw) if raw is not None else []
        except ValueError:
            listed = []
        for row in listed if isinstance(listed, list) else []:
            self._add(row)
        journal = read_regular(outdir / JOURNAL)
        for line in (journal or b"").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue  # a line cut by a kill
            if isinstance(row, dict) and isinstance(row.get("claimed"), list):
                self.names.update(str(name).casefold() for name in row["claimed"])
            else:
                self._add(row)

    def _add(self, row: Any) -> None:
        if not isinstance(row, dict) or "source" not in row:
            return
        self.rows[f"{row['source']}"] = row
        if row.get("output"):
            self.names.add(str(row["output"]).casefold())
        if row.get("sha256"):
            self.shas.add(str(row["sha256"]))

    def owns(self, name: str, path: Path) -> bool:
        """Did a wfhdoc run write the file at `path`?"""
        return name.casefold() in self.names or (bool(self.shas) and _file_sha(path) in self.shas)


class _Names:
    """Unique output names, case-blind as on Windows: a second '451-SCT-VP' is '451-SCT-VP-2'.

    A name held in the folder by a file that no wfhdoc run wrote (see _Earlier), a symbolic
    link or a folder is stepped over too, and the letter says why."""

    def __init__(self, outdir: Path, earlier: _Earlier, *, overwrite: bool = False) -> None:
        self.taken: set[str] = set()
        self.earlier = earlier
        self.overwrite = overwrite
        # one look at the folder, not one per letter
        self.present: dict[str, os.DirEntry[str]] = {}
        with contextlib.suppress(OSError), os.scandir(outdir) as entries:
            for entry in entries:
                self.present[entry.name.casefold()] = entry

    def _foreign(self, name: str) -> str:
        """Why the file at `name` must be kept ("" when the name is free or wfhdoc's)."""
        entry = self.present.get(name.casefold())
        if entry is None:
            return ""
        try:
            if entry.is_symlink():
                return f"{entry.name} is a symbolic link, which wfhdoc never writes through nor replaces"
            if entry.is_dir():
                return f"{entry.name} is a folder"
            if not entry.is_file():
                return f"{entry.name} is not a regular file"
        except OSError:
            return f"{entry.name} cannot be looked at"
        if self.overwrite or self.earlier.owns(entry.name, Path(entry.path)):
            return ""
        return f"{entry.name} already existed and was not written by wfhdoc"

    def claim(self, stem: str) -> tuple[str, str]:
        """The name, and why it is not the first choice ("" when it is)."""
        name, n, note = f"{stem}.docx", 1, ""
        while True:
            if name.casefold() not in self.taken:
                why = self._foreign(name)
                if not why:
                    break
                note = note or why
            n += 1
            name = f"{stem}-{n}.docx"
        self.taken.add(name.casefold())
        return name, (f"{note}; this letter is {name}" if note else "")


def _file_sha(path: Path) -> str:
    data = read_regular(path)  # never through a link
    return hashlib.sha256(data).hexdigest() if data is not None else ""


class _Manifest:
    """The manifest, rewritten atomically now and then while the batch runs, and at the end.

    A row's JSON line is made once, for the journal, and kept for the manifest; a rewrite
    waits at least 2 seconds, and 20 times as long as the last one took, so that rewriting
    costs a long batch no more than a twentieth of its time. Files are written a thousand rows
    at a time: a long batch's manifest is never held whole."""

    def __init__(self, outdir: Path, every: float = 2.0, temp: Path | None = None) -> None:
        self.outdir = outdir
        self.temp = temp
        self.rows: dict[int, Row] = {}
        self._lines: dict[int, str] = {}
        self.every = every
        self.pause = every
        self.last = time.monotonic()
        self._early_sync: threading.Thread | None = None
        self.disk_full = ""  # the error, once a write met a full disk
        self.journal = open_append(outdir / JOURNAL)  # never through a link; closed in close()

    def add(self, row: Row) -> None:
        line = _ROW_JSON.encode({k: getattr(row, k) for k in _FIELDS})
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
        writer.writerow(_CSV_HEADERS)
        for i in range(0, len(order), 1000):
            writer.writerows(map(_csv_values, map(self.rows.__getitem__, order[i : i + 1000])))
            # UTF-8 with a BOM: Excel then reads the Vietnamese text right
            yield buf.getvalue().encode("utf-8-sig" if i == 0 else "utf-8")
            buf.seek(0)
            buf.truncate()
        if not order:
            yield buf.getvalue().encode("utf-8-sig")

    def sync_soon(self) -> None:
        """Start writing the letters so far to the disk, while the last ones are made: the wait
        at the end is then for those only."""
        if self._early_sync is None and hasattr(os, "sync"):
            self._early_sync = threading.Thread(target=os.sync, name="wfhdoc-sync", daemon=True)
            self._early_sync.start()

    def close(self, *, finished: bool, free: Callable[[], None] = lambda: None) -> str:
        """Write the final manifest; "" or why it could not be written. `free` gives back the
        room kept for it, when the disk is full."""
        # The letters were renamed into place without waiting for the disk, one by one; the
        # final manifest too. One sync then puts all of them on the disk, and only after it
        # does the journal go: until then a crash leaves the journal, and the next run checks
        # each letter against it.
        if self._early_sync is not None:
            self._early_sync.join()
        error = ""
        try:
            try:
                self.write(durable=not hasattr(os, "sync"))
            except DiskFull:
                free()  # the room kept for the manifest, then once more
                self.write(durable=not hasattr(os, "sync"))
        except OutputError as exc:
            error = str(exc)
        if hasattr(os, "sync"):
            os.sync()
        with contextlib.suppress(OSError):
            self.journal.close()
        if finished and not error and not self.disk_full:
            (self.outdir / JOURNAL).unlink(missing_ok=True)
        return error


_ROW_JSON = json.JSONEncoder(ensure_ascii=False)
_row_values = operator.attrgetter(*_FIELDS)  # made once: json.dumps makes one per call
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv_values(row: Row) -> tuple[Any, ...]:
    # A cell that starts with = + - @ (or a tab, a CR) is a formula to Excel: a source file or
    # a value named so would run as one. A ' before it makes it text, as OWASP advises; the
    # JSON manifest keeps the value as it is.
    values = list(_row_values(row))
    values[3] = _CSV_STATUS.get(values[3], values[3])
    values[6] = _csv_check(values[6])
    if any(isinstance(v, str) and v.startswith(_FORMULA) for v in values):
        return tuple("'" + v if isinstance(v, str) and v.startswith(_FORMULA) else v for v in values)
    return tuple(values)


def _csv_check(check: str) -> str:
    """'passed' -> 'đạt', '2 errors, 1 warning' -> '2 lỗi, 1 cảnh báo'."""
    if check == "passed":
        return "đạt"
    m = re.fullmatch(r"(\d+) errors?, (\d+) warnings?", check)
    return f"{m.group(1)} lỗi, {m.group(2)} cảnh báo" if m else check


def _is_wfhdoc_manifest(path: Path) -> bool:
    data = read_regular(path)
    if data is None:
        return False
    if path.name == MANIFEST_CSV:
        head = data.removeprefix(b"\xef\xbb\xbf")
        return head.startswith(b"record,source,output,status") or head.startswith(
            ",".join(_CSV_HEADERS[:4]).encode("utf-8")
        )
    try:
        rows = json.loads(data)
    except ValueError:
        return False
    return isinstance(rows, list) and all(isinstance(r, dict) and "source" in r for r in rows)


def _check_manifests(outdir: Path, overwrite: bool) -> None:
    """The manifests are replaced as the batch runs: refuse, before any letter, a link there,
    or a file of that name that wfhdoc did not write (unless `overwrite`)."""
    for name in (MANIFEST_JSON, MANIFEST_CSV, JOURNAL):
        path = outdir / name
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISLNK(st.st_mode):
            raise OutputError(link_message(path))
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(f"{path}: is not a regular file; remove it, or choose another output folder")
        if name != JOURNAL and not overwrite and not _is_wfhdoc_manifest(path):
            raise OutputError(
                f"{path}: already exists and is not a manifest written by wfhdoc; move it away, "
                "choose another output folder, or give --overwrite to replace it"
            )


class _RunFolder:
    """The run's own folder for temporaries, `OUTDIR/.wfhdoc-run-XXXX`: removed at the end of
    the run, or by a later one when this run was killed (it holds a lock on `lock` while it
    lives). It also keeps room on the disk for the final manifest (`reserve`), given back
    when the disk is full."""

    def __init__(self, outdir: Path, rows: int) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=RUN_FOLDER_PREFIX, dir=outdir))
        self._lock: int | None = None
        try:
            self._lock = os.open(self.path / _LOCK, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            if fcntl is not None:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._reserve(64 * 1024 + 1024 * rows)
        except OSError:
            self.remove()
            raise

    def _reserve(self, size: int) -> None:
        if not hasattr(os, "posix_fallocate"):  # pragma: no cover - no cheap way there
            return
        fd = os.open(self.path / _RESERVE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.posix_fallocate(fd, 0, size)  # blocks, not writes: costs no time
        except OSError:
            self.free()  # the disk is nearly full already, or cannot do it: no room kept
        finally:
            os.close(fd)

    def free(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path / _RESERVE)

    def remove(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock)
            self._lock = None
        _remove_folder(self.path)


def _remove_folder(path: Path) -> None:
    # only the files wfhdoc put there; never through a link (rmtree does not follow them)
    shutil.rmtree(path, ignore_errors=True)


def _clean_stale_temporaries(outdir: Path) -> None:
    """Remove what killed runs left: their run folders (a folder whose lock nobody holds), and
    ".NAME.docx.XXXX.tmp" files of older versions; they are never letters."""
    with contextlib.suppress(OSError), os.scandir(outdir) as entries:
        for entry in entries:
            if entry.name.startswith(RUN_FOLDER_PREFIX) and entry.is_dir(follow_symlinks=False):
                if _abandoned(Path(entry.path)):
                    _remove_folder(Path(entry.path))
            elif entry.name.startswith(".") and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)  # a link is removed, not followed


def _abandoned(folder: Path) -> bool:
    try:
        fd = os.open(folder / _LOCK, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        # killed between making the folder and its lock: only if it is not brand new
        try:
            return time.time() - os.lstat(folder).st_mtime > 60
        except OSError:
            return False
    except OSError:
        return False
    try:
        if fcntl is None:  # pragma: no cover - Windows: a live run's open files cannot be removed
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live run holds it
        return True
    finally:
        os.close(fd)


def run_batch(
    source: Path,
    outdir: Path,
    *,
    template: Path | None = None,
    defaults: Path | None = None,
    sheet: str | None = None,
    workers: int | None = None,
    force: bool = False,
    register: Path | None = None,
    progress: Progress | None = None,
    check_all: bool = False,
    overwrite: bool = False,
    letter_timeout: float | None = DEFAULT_LETTER_TIMEOUT,
) -> Report:
    """Build a letter for every record of `source` into `outdir`, with a manifest.

    The ND 30 checker reads the first letter of each issuing agency (the others of that agency
    differ from it only in data that wfhdoc itself formats), or every letter with `check_all`.
    A file in `outdir` that no wfhdoc run wrote is kept, and the letter goes beside it, unless
    `overwrite`. A worker that finishes no letter for `letter_timeout` seconds is killed and
    its letter failed (with one worker, letters are built in this process, without a limit)."""
    global _worker_template
    if letter_timeout is not None and not letter_timeout > 0:
        raise WfhDocError(f"the letter timeout must be a positive number of seconds, not {letter_timeout}")
    # fail early, once, on a broken template; the workers, forked below, start from this one
    _worker_template = Template(template)
    workers = max(1, workers or os.cpu_count() or 1)
    # started before the records are read, so that they do not carry a copy of a large input
    pool = (
        Workers(
            workers,
            _build,
            _init_worker,
            (str(template) if template else None, os.getpid()),
            timeout=letter_timeout,
        )
        if workers > 1
        else None
    )
    run_folder: list[_RunFolder] = []
    try:
        return _run(
            source,
            outdir,
            pool,
            run_folder,
            template=template,
            defaults=defaults,
            sheet=sheet,
            workers=workers,
            force=force,
            register=register,
            progress=progress,
            check_all=check_all,
            overwrite=overwrite,
            letter_timeout=letter_timeout,
        )
    finally:
        if pool is not None:
            pool.close()
        for folder in run_folder:  # once no worker writes there
            folder.remove()


def _run(
    source: Path,
    outdir: Path,
    pool: Workers | None,
    run_folder: list[_RunFolder],
    *,
    template: Path | None,
    defaults: Path | None,
    sheet: str | None,
    workers: int,
    force: bool,
    register: Path | None,
    progress: Progress | None,
    check_all: bool,
    overwrite: bool,
    letter_timeout: float | None,
) -> Report:
    base = load_defaults(defaults)
    records = read_records(source, base, sheet)
    # before anything is made in the output folder: a file that is not a register is refused
    reg = Register(register) if register else None
    template_sha = hashlib.sha256(Path(template or DEFAULT_TEMPLATE).read_bytes()).hexdigest()
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(
            f"{outdir}: is a file, not a folder; give -o a folder for the letters and the manifest "
            "(a new one is created)"
        )
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{outdir}: cannot create the output folder ({exc.strerror or exc}); check the path "
            "and that its parent folder is writable"
        ) from None
    if not outdir.is_dir():
        raise OutputError(f"{outdir}: is not a folder")
    _check_manifests(outdir, overwrite)
    _clean_stale_temporaries(outdir)
    total = records.total
    try:
        run_folder.append(_RunFolder(outdir, total))
    except OSError as exc:
        raise OutputError(
            f"{outdir}: cannot write in the output folder ({exc.strerror or exc}); make it writable, "
            "or choose another output folder"
        ) from None
    temp = run_folder[0].path
    earlier = _Earlier(outdir)
    previous = {} if force else earlier.rows
    names = _Names(outdir, earlier, overwrite=overwrite)
    manifest = _Manifest(outdir, temp=temp)
    done = 0
    report = Report([], outdir, total=total)
    report.warnings.extend(records.warnings)

    def finish(row: Row) -> None:
        nonlocal done
        manifest.add(row)
        done += 1
        if done * 10 >= total * 9 and total >= 200:
            manifest.sync_soon()
        if progress:
            progress(done, total)

    checked: set[str] = set()
    folder = os.path.join(outdir, "")

    seen: Seen = {}

    def jobs() -> Iterator[_Job]:
        for record in records:
            issued: Issued | None = None
            if reg is not None and record.data is not None and record.data.get("number") in (None, ""):
                # numbers are drawn only for letters that will be built: validate here first
                letter, input_sha, problems, _ = _prepare(record, numbered_later=True)
                if letter is not None:
                    # by the letter's identity, not its row; a problem (the same letter twice, no
                    # number left) goes into the record, which then fails
                    drawn = draw_number(reg, seen, source.name, record, letter, input_sha)
                    if drawn is not None:
                        issued = Issued(letter.issuer.abbreviation, drawn.year, drawn.number, drawn.note)
            data = record.data or {}
            if issued is not None:
                data = {**data, "number": issued.number}
            name, note = names.claim(_stem(data)) if record.data is not None else ("", "")
            target = folder + name if name else str(outdir)
            # an agency is its issuer block as written (another order of its keys only costs
            # one more check)
            agency = repr(data.get("issuer"))
            check = check_all or agency not in checked
            checked.add(agency)
            yield _Job(
                record, target, template_sha, issued, previous.get(record.origin), check, str(temp), note
            )

    def settle(job: _Job, result: tuple[Row, list[str]]) -> None:
        row, warnings = result
        report.warnings.extend(warnings)
        if row.disk_full and not report.stopped:
            report.stopped = row.message
        issued = job.issued
        if reg is not None and issued and row.status in ("built", "unchanged"):
            reg.mark_issued(issued.agency, issued.year, issued.number, output=row.output, sha256=row.sha256)
            if issued.note:
                # after what the name says (a file kept beside it), if anything
                row.message = f"{row.message}; {issued.note}" if row.message else issued.note
                report.warnings.append(f"{row.source}: {issued.note}")
        finish(row)

    def chunks() -> Iterator[list[_Job]]:
        # Letters go to a worker in chunks, one round trip each; smaller towards the end, so
        # that no worker is left with a long chunk while the others have finished.
        chunk: list[_Job] = []
        handed = 0

        def hand(chunk: list[_Job]) -> list[_Job]:
            # the names go to the journal before a worker can write them
            manifest.claim([Path(job.target).name for job in chunk if job.record.data is not None])
            return chunk

        for job in jobs():
            chunk.append(job)
            if len(chunk) >= max(1, min(32, (total - handed) // (workers * 4))):
                handed += len(chunk)
                if halted():
                    return
                yield hand(chunk)
                chunk = []
        if chunk and not halted():
            yield hand(chunk)

    def halted() -> bool:
        # a full disk: every letter after would fail too
        if manifest.disk_full and not report.stopped:
            report.stopped = manifest.disk_full
        return bool(report.stopped)

    def stopped(job: _Job, why: Stopped) -> tuple[Row, list[str]]:
        if why.timed_out:
            message = (
                f"this letter took longer than the limit of {letter_timeout:g} seconds "
                "(--letter-timeout): its worker process made no progress and was killed; the "
                "other letters were built: run the batch again, with a larger --letter-timeout "
                "for a very large letter, and report it if it happens again"
            )
        else:
            message = (
                f"the worker process stopped while building this letter ({why}); the other "
                "letters were built: run the batch again, and report it if it happens again"
            )
        return Row(job.record.index + 1, job.record.origin, message=message), []

    def settle_chunk(
        chunk: list[_Job], results: list[tuple[Row, list[str]]] | None, why: Stopped | None
    ) -> None:
        if results is None:
            results = [stopped(job, why or Stopped("it stopped answering")) for job in chunk]
        for job, result in zip(chunk, results, strict=True):
            settle(job, result)
        manifest.chunk_done()

    finished = False
    try:
        if pool is None:
            _init_worker(str(template) if template else None)
            for chunk in chunks():
                for job in chunk:  # each letter reported as soon as it is made
                    settle(job, _build(job))
                    if report.stopped:
                        break
                manifest.chunk_done()
        else:
            for chunk, results, why in pool.imap(chunks()):
                settle_chunk(chunk, results, why)
        finished = not halted()
    except KeyboardInterrupt:
        report.interrupted = True
        if pool is not None:
            # the workers finish the letters in hand: wait for them (a second Ctrl-C stops it)
            with contextlib.suppress(KeyboardInterrupt):
                for chunk, results, why in pool.drain():
                    settle_chunk(chunk, results, why)
    finally:
        report.manifest_error = manifest.close(finished=finished, free=run_folder[0].free)
        if reg is not None:
            reg.close()
        report.rows = [manifest.rows[k] for k in sorted(manifest.rows)]
    return report
