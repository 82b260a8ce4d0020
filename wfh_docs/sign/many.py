"""Many letters signed or issued in one run, with the key opened once: which files (a list, a
folder, a batch's manifest.json), where each goes, a manifest of the run (JSON for programs,
CSV with Vietnamese headers for the văn thư in Excel), and resuming after an interruption: a
file whose input and output are what the last run's manifest says is not signed again.

Each output is written whole or not at all (files.output.write_atomic); the manifest is written
again after every file, so that a run stopped anywhere leaves one that lists what was done.
Files are signed one after the other in one process: the work is Python (pyHanko, pdfminer),
which holds the GIL, so threads would not sign faster; one file at a time also means at most
one request in flight to the time-stamping service.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import OutputError, WfhDocError
from ..files.output import read_regular, write_atomic
from ..i18n import _
from .base import bad
from .signing import TokenGone

# the suffixes of the files wfhdoc sign and issue write: not inputs when a folder is given
SUFFIXES = ("-signer", "-agency", "-appendix", "-copy", "-issued")
FIELDS = [
    "record",
    "source",
    "output",
    "status",
    "number",
    "date",
    "message",
    "notes",
    "sha256",
    "input_sha256",
]
CSV_HEADERS = [
    "STT",
    "Tệp gốc",
    "Tệp đã ký",
    "Trạng thái",
    "Số, ký hiệu",
    "Ngày ban hành",
    "Thông báo",
    "Cảnh báo",
    "SHA-256 của tệp đã ký",
    "SHA-256 của tệp gốc",
]
_CSV_STATUS = {
    "signed": "đã ký",
    "issued": "đã ban hành",
    "unchanged": "đã làm ở lần chạy trước",
    "failed": "lỗi",
}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Job:
    source: Path
    output: Path


@dataclass
class Row:
    """One file of the run, as the manifest lists it."""

    record: int
    source: str
    output: str = ""
    status: str = "failed"  # signed | issued | unchanged | failed
    number: str = ""
    date: str = ""
    message: str = ""
    notes: str = ""
    sha256: str = ""
    input_sha256: str = ""


@dataclass(frozen=True)
class Done:
    """What the work on one file gives: the output's bytes, and what to say of it; `commit` is
    called with the output's SHA-256 once the file is written (the register records it)."""

    data: bytes
    status: str
    number: str = ""
    date: str = ""
    warnings: tuple[str, ...] = ()
    commit: Callable[[str], None] = field(default=lambda sha: None)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ours(path: Path, step: str) -> bool:
    """A file a step before or after this one wrote: not to sign again (the leader's signed
    letters are what issue works on)."""
    return path.stem.endswith(SUFFIXES if step == "sign" else ("-issued", "-agency", "-appendix", "-copy"))


def _from_manifest(path: Path) -> list[Path]:
    """The PDFs a manifest lists: a batch's (its letters' .docx, whose PDFs are beside them) or a
    sign run's (the signed files)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise bad(path, "", _("cannot read the manifest ({reason})").format(reason=exc)) from None
    if not isinstance(rows, list):
        raise bad(path, "", _("is not a manifest of wfhdoc's"))
    found = []
    for row in rows:
        if not isinstance(row, dict) or row.get("status") == "failed" or not row.get("output"):
            continue
        found.append((path.parent / str(row["output"])).with_suffix(".pdf"))
    return found


def expand(inputs: Sequence[Path], step: str) -> tuple[list[Path], bool]:
    """The PDFs to work on from files, folders and manifests (`step`: sign or issue), and
    whether they are many (a folder or a manifest counts as many)."""
    files: list[Path] = []
    many = len(inputs) > 1
    for item in inputs:
        if item.is_dir():
            many = True
            previous = item / ("manifest.json" if step == "sign" else "sign-manifest.json")
            if previous.is_file():
                files.extend(_from_manifest(previous))
            else:
                files.extend(p for p in sorted(item.glob("*.pdf")) if not _ours(p, step))
        elif item.suffix.lower() == ".json":
            many = True
            files.extend(_from_manifest(item))
        else:
            files.append(item)
    seen: set[Path] = set()
    unique = []
    for path in files:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique, many


def output_for(source: Path, suffix: str, outdir: Path | None) -> Path:
    """Where the file made from `source` goes: FILE-<suffix>.pdf, in `outdir` or beside it. An
    issued letter drops the "-signer" its input has."""
    stem = source.stem
    if suffix == "issued" and stem.endswith("-signer"):
        stem = stem[: -len("-signer")]
    name = f"{stem}-{suffix}.pdf"
    return (outdir / name) if outdir is not None else source.with_name(name)


class Manifest:
    """`<step>-manifest.json` and `.csv` of a run, in its folder: the last run's rows read when
    it starts (to resume), every row written after each file."""

    def __init__(self, folder: Path, step: str) -> None:
        self.json = folder / f"{step}-manifest.json"
        self.csv = folder / f"{step}-manifest.csv"
        self.before: dict[str, Row] = {}
        data = read_regular(self.json)
        if data is not None:
            try:
                for item in json.loads(data):
                    row = Row(**{k: item.get(k, "") for k in FIELDS})
                    self.before[row.source] = row
            except (ValueError, TypeError, AttributeError):
                self.before = {}  # not a manifest of ours: nothing to resume from
        self.rows: list[Row] = []
        self.pending: Row | None = None  # the file being written, until its row is added

    def done_before(self, job: Job, input_sha: str) -> Row | None:
        """The last run's row for `job`, if its input and its output are still what it says."""
        row = self.before.get(str(job.source.absolute()))
        if row is None or row.status == "failed" or row.input_sha256 != input_sha:
            return None
        data = read_regular(job.output)
        if data is None or row.output != str(job.output.absolute()) or sha256_of(data) != row.sha256:
            return None
        return row

    def wrote(self, path: Path) -> bool:
        """Whether a file at `path` is one the last run wrote (and so may be replaced)."""
        return any(r.output == str(path.absolute()) for r in self.before.values())

    def claim(self, row: Row) -> None:
        """Say the file `row` is about to be written, before it is: a run killed then leaves a
        manifest that knows the file as this command's, so that the next run may replace it."""
        self.pending = Row(
            row.record, row.source, row.output, "failed", message=_("stopped while it was written")
        )
        self.write(durable=False)

    def add(self, row: Row, *, durable: bool = False) -> None:
        self.rows.append(row)
        self.pending = None
        self.write(durable=durable)

    def write(self, *, durable: bool = True) -> None:
        pending = [self.pending] if self.pending is not None else []
        rows = [asdict(r) for r in (*self.rows, *pending)]
        text = (
            "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + ("\n]\n" if rows else "]\n")
        )
        write_atomic(self.json, text.encode("utf-8"), durable=durable)
        write_atomic(self.csv, self._csv(), durable=durable)

    def _csv(self) -> bytes:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(CSV_HEADERS)
        for row in self.rows:
            values = [getattr(row, k) for k in FIELDS]
            values[3] = _CSV_STATUS.get(str(values[3]), values[3])
            writer.writerow(["'" + v if isinstance(v, str) and v.startswith(_FORMULA) else v for v in values])
        return buf.getvalue().encode("utf-8-sig")  # a BOM: Excel reads the Vietnamese right


Work = Callable[[Job, bytes], Done]
Progress = Callable[[int, int], None]


def run(
    jobs: Sequence[Job],
    work: Work,
    manifest: Manifest | None,
    progress: Progress | None = None,
    report: Callable[[Row], None] | None = None,
) -> list[Row]:
    """Do `work` on every job, in order: each output written atomically, each file's row in the
    manifest; a file that fails is reported and the others go on. A KeyboardInterrupt stops
    the run with the manifest of what was done."""
    rows: list[Row] = []
    stopped = False
    try:
        for number, job in enumerate(jobs, start=1):
            if stopped:
                row = Row(number, str(job.source.absolute()), str(job.output.absolute()))
                row.message = _(
                    "{path}: not signed: the token was removed while an earlier file was signed; run "
                    "again once it is plugged in"
                ).format(path=job.source)
            else:
                try:
                    row = _one(number, job, work, manifest)
                except TokenGone as exc:  # every file after it would fail the same way
                    row = Row(
                        number, str(job.source.absolute()), str(job.output.absolute()), message=str(exc)
                    )
                    stopped = True
            rows.append(row)
            if manifest is not None:
                manifest.add(row)
            if report is not None:
                report(row)
            if progress is not None:
                progress(number, len(jobs))
    finally:
        if manifest is not None:
            manifest.write(durable=True)
    return rows


def _one(number: int, job: Job, work: Work, manifest: Manifest | None) -> Row:
    row = Row(number, str(job.source.absolute()), str(job.output.absolute()))
    data = read_regular(job.source)
    if data is None:
        row.message = _("{path}: no such file (or not a regular file)").format(path=job.source)
        return row
    row.input_sha256 = sha256_of(data)
    if manifest is not None:
        before = manifest.done_before(job, row.input_sha256)
        if before is not None:
            row.status, row.number, row.date, row.sha256 = (
                "unchanged",
                before.number,
                before.date,
                before.sha256,
            )
            return row
        if os.path.lexists(job.output) and job.output != job.source and not manifest.wrote(job.output):
            row.message = _(
                "{path}: exists and was not written by this command; it is kept (move it, or choose "
                "another output folder with -o)"
            ).format(path=job.output)
            return row
    try:
        done = work(job, data)
        if manifest is not None:
            manifest.claim(row)
        write_atomic(job.output, done.data, durable=False)
        row.sha256 = sha256_of(done.data)
        done.commit(row.sha256)
    except TokenGone:
        raise
    except (WfhDocError, OutputError) as exc:
        row.message = str(exc)
        return row
    row.status, row.number, row.date = done.status, done.number, done.date
    row.notes = "\n".join(done.warnings)
    return row


def summary(rows: Sequence[Row]) -> Iterator[tuple[str, int]]:
    for status in ("signed", "issued", "unchanged", "failed"):
        count = sum(1 for r in rows if r.status == status)
        if count:
            yield status, count
