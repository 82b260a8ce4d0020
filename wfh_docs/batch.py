"""Many records -> many letters: one run, parallel workers, a manifest, nothing lost.

The parent reads the records, names each output, draws its number from the register when
asked (validating that record first), and hands the letters to the workers in chunks. Each
worker starts with the template compiled once (workers.py) and cleans, validates, renders and
writes letter after letter, each file atomically; only a small manifest row comes back, so
memory does not grow with the batch. A bad record becomes a failed row naming its place and
field, a letter whose worker dies a failed row saying so; the others are built. The manifest is
rewritten as the run goes, so an interrupted run leaves complete letters and the list of what
was finished, and the next run skips every letter whose input has not changed.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import operator
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import __version__, vn
from .check import check_docx
from .errors import OutputError, WfhDocError
from .model import Letter
from .naming import number_stem, safe_stem
from .output import write_atomic, write_in_place
from .records import OUTPUT_NAME, Record, canonical, load_defaults, locate, read_records
from .register import Register
from .render import DEFAULT_TEMPLATE, Template
from .sources import clean_tree, problem_from_error, tidy_list_items
from .workers import Workers

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"
JOURNAL = ".wfhdoc-journal.jsonl"
_FIELDS = ["record", "source", "output", "status", "number", "message", "check", "sha256", "input_sha256"]


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
    sha256: str = ""
    input_sha256: str = ""


@dataclass
class Report:
    rows: list[Row]
    outdir: Path
    interrupted: bool = False
    warnings: list[str] = field(default_factory=list)

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


# --- in the workers ---------------------------------------------------------------------------

_worker_template: Template | None = None


def _init_worker(template: str | None, watch_parent: bool = False) -> None:
    global _worker_template
    path = Path(template) if template else DEFAULT_TEMPLATE
    if _worker_template is None or _worker_template.path != path:
        # a forked worker has the parent's compiled template already; others compile it once
        _worker_template = Template(path)
    if watch_parent:
        threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


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

    @property
    def number(self) -> int | None:
        return self.issued.number if self.issued else None


def _problem_text(record: Record, where: str, message: str, hint: str) -> str:
    place = locate(record, where) if where.startswith("$") else where
    return f"{place}: {message}" + (f" ({hint})" if hint else "")


def _prepare(record: Record) -> tuple[Letter | None, str, list[str], list[str]]:
    """Clean and validate one record: the letter (or None), the hash of its input, its
    problems and its warnings."""
    if record.data is None:
        return None, "", [str(p) for p in record.problems], []
    data = {k: v for k, v in record.data.items() if k != OUTPUT_NAME}
    warnings: list[str] = []
    cleaned = clean_tree(data, (), warnings)
    tidy_list_items(cleaned, warnings)
    input_sha = hashlib.sha256(canonical(cleaned)).hexdigest()
    problems = [_problem_text(record, p.where, p.message, p.hint) for p in record.problems]
    try:
        letter = Letter.model_validate(cleaned)
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
            return row, warnings
        assert _worker_template is not None
        rendered = _worker_template.render(letter)
        write_in_place(Path(job.target), rendered.data)
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
        return row, warnings
    except WfhDocError as exc:
        row.status, row.message, row.output = "failed", str(exc), ""
    except Exception as exc:  # noqa: BLE001 - one letter's bug must not stop the others
        row.status, row.output = "failed", ""
        row.message = f"internal error in wfhdoc ({type(exc).__name__}: {exc}); please report it"
    return row, []


def _build_many(jobs: list[_Job]) -> list[tuple[Row, list[str]]]:
    """A chunk of letters, in one round trip to a worker."""
    return [_build(job) for job in jobs]


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


class _Names:
    """Unique output names, case-blind as on Windows: a second '451-SCT-VP' is '451-SCT-VP-2'."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, stem: str) -> str:
        name, n = f"{stem}.docx", 1
        while name.casefold() in self.taken:
            n += 1
            name = f"{stem}-{n}.docx"
        self.taken.add(name.casefold())
        return name


def _file_sha(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


class _Manifest:
    """The manifest, rewritten atomically now and then while the batch runs, and at the end.

    A row's JSON line is made once, for the journal, and kept for the manifest; a rewrite
    waits at least 2 seconds, and 20 times as long as the last one took, so that rewriting
    costs a long batch no more than a twentieth of its time. Files are written a thousand rows
    at a time: a long batch's manifest is never held whole."""

    def __init__(self, outdir: Path, every: float = 2.0) -> None:
        self.outdir = outdir
        self.rows: dict[int, Row] = {}
        self._lines: dict[int, str] = {}
        self.every = every
        self.pause = every
        self.last = time.monotonic()
        self._early_sync: threading.Thread | None = None
        self.journal = open(outdir / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def add(self, row: Row) -> None:
        line = _ROW_JSON.encode({k: getattr(row, k) for k in _FIELDS})
        self._lines[row.record] = line
        self.rows[row.record] = row  # the row counts once it is whole: Ctrl-C may come anywhere
        self.journal.write(line + "\n")

    def chunk_done(self) -> None:
        """The rows of a chunk are in: to the journal now, to the manifest now and then."""
        self.journal.flush()
        if time.monotonic() - self.last >= self.pause:
            self.write()

    def write(self, *, durable: bool = True) -> None:
        start = time.monotonic()
        order = sorted(self.rows)
        write_atomic(self.outdir / MANIFEST_JSON, self._json(order), durable=durable)
        write_atomic(self.outdir / MANIFEST_CSV, self._csv(order), durable=durable)
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
        writer.writerow(_FIELDS)
        for i in range(0, len(order), 1000):
            writer.writerows(map(_row_values, map(self.rows.__getitem__, order[i : i + 1000])))
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

    def close(self, *, finished: bool) -> None:
        # The letters were renamed into place without waiting for the disk, one by one; the
        # final manifest too. One sync then puts all of them on the disk, and only after it
        # does the journal go: until then a crash leaves the journal, and the next run checks
        # each letter against it.
        if self._early_sync is not None:
            self._early_sync.join()
        if hasattr(os, "sync"):
            self.write(durable=False)
            os.sync()
        else:  # pragma: no cover - Windows: each manifest file waits for the disk itself
            self.write()
        self.journal.close()
        if finished:
            (self.outdir / JOURNAL).unlink(missing_ok=True)


_ROW_JSON = json.JSONEncoder(ensure_ascii=False)
_row_values = operator.attrgetter(*_FIELDS)  # made once: json.dumps makes one per call


def _previous(outdir: Path) -> dict[str, dict[str, Any]]:
    """What earlier runs built, by record key: from the manifest and an interrupted run's journal."""
    known: dict[str, dict[str, Any]] = {}
    try:
        for row in json.loads((outdir / MANIFEST_JSON).read_text(encoding="utf-8")):
            known[f"{row['source']}"] = row
    except (OSError, ValueError, TypeError, KeyError):
        pass
    try:
        with open(outdir / JOURNAL, encoding="utf-8") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                    known[row["source"]] = row
                except (ValueError, KeyError):
                    continue  # a line cut by a kill
    except OSError:
        pass
    return known


def _clean_stale_temporaries(outdir: Path) -> None:
    # a killed run may leave ".NAME.docx.XXXX.tmp" files behind; they are never letters
    for stale in outdir.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


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
) -> Report:
    """Build a letter for every record of `source` into `outdir`, with a manifest.

    The ND 30 checker reads the first letter of each issuing agency (the others of that agency
    differ from it only in data that wfhdoc itself formats), or every letter with `check_all`."""
    global _worker_template
    # fail early, once, on a broken template; the workers, forked below, start from this one
    _worker_template = Template(template)
    workers = max(1, workers or os.cpu_count() or 1)
    # started before the records are read, so that they do not carry a copy of a large input
    pool = (
        Workers(workers, _build_many, _init_worker, (str(template) if template else None, True))
        if workers > 1
        else None
    )
    try:
        return _run(
            source,
            outdir,
            pool,
            template=template,
            defaults=defaults,
            sheet=sheet,
            workers=workers,
            force=force,
            register=register,
            progress=progress,
            check_all=check_all,
        )
    finally:
        if pool is not None:
            pool.close()


def _run(
    source: Path,
    outdir: Path,
    pool: Workers | None,
    *,
    template: Path | None,
    defaults: Path | None,
    sheet: str | None,
    workers: int,
    force: bool,
    register: Path | None,
    progress: Progress | None,
    check_all: bool,
) -> Report:
    base = load_defaults(defaults)
    records = read_records(source, base, sheet)
    template_sha = hashlib.sha256(Path(template or DEFAULT_TEMPLATE).read_bytes()).hexdigest()
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{outdir}: cannot create the output folder ({exc.strerror})") from None
    if not outdir.is_dir():
        raise OutputError(f"{outdir}: is not a folder")
    _clean_stale_temporaries(outdir)
    previous = {} if force else _previous(outdir)
    names = _Names()
    manifest = _Manifest(outdir)
    reg = Register(register) if register else None
    total = records.total
    done = 0
    report = Report([], outdir)

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

    def jobs() -> Iterator[_Job]:
        for record in records:
            issued: Issued | None = None
            if reg is not None and record.data is not None and record.data.get("number") in (None, ""):
                # numbers are drawn only for letters that will be built: validate here first
                letter, input_sha, problems, _ = _prepare(record)
                if letter is not None:
                    year = (letter.date or dt.date.today()).year
                    number = reg.allocate(
                        agency=letter.issuer.abbreviation,
                        year=year,
                        symbol=letter.symbol,
                        date=letter.date.isoformat() if letter.date else None,
                        subject=letter.subject,
                        recipient="\n".join(letter.recipients),
                        record=f"{source.name}:{record.key}",
                        input_sha256=input_sha,
                    )
                    issued = Issued(letter.issuer.abbreviation, year, number)
            data = record.data or {}
            if issued is not None:
                data = {**data, "number": issued.number}
            target = folder + names.claim(_stem(data)) if record.data is not None else str(outdir)
            # an agency is its issuer block as written (another order of its keys only costs
            # one more check)
            agency = repr(data.get("issuer"))
            check = check_all or agency not in checked
            checked.add(agency)
            yield _Job(record, target, template_sha, issued, previous.get(record.origin), check)

    def settle(job: _Job, result: tuple[Row, list[str]]) -> None:
        row, warnings = result
        report.warnings.extend(warnings)
        issued = job.issued
        if reg is not None and issued and row.status in ("built", "unchanged"):
            reg.mark_issued(issued.agency, issued.year, issued.number, output=row.output, sha256=row.sha256)
        finish(row)

    def chunks() -> Iterator[list[_Job]]:
        # Letters go to a worker in chunks, one round trip each; smaller towards the end, so
        # that no worker is left with a long chunk while the others have finished.
        chunk: list[_Job] = []
        handed = 0
        for job in jobs():
            chunk.append(job)
            if len(chunk) >= max(1, min(32, (total - handed) // (workers * 4))):
                handed += len(chunk)
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def stopped(job: _Job, reason: str) -> tuple[Row, list[str]]:
        message = (
            f"the worker process stopped while building this letter ({reason}); the other "
            "letters were built: run the batch again, and report it if it happens again"
        )
        return Row(job.record.index + 1, job.record.origin, message=message), []

    def settle_chunk(chunk: list[_Job], results: list[tuple[Row, list[str]]] | None, reason: str) -> None:
        if results is None:
            results = [stopped(job, reason) for job in chunk]
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
                manifest.chunk_done()
        else:
            for chunk, results, reason in pool.imap(chunks()):
                settle_chunk(chunk, results, reason)
        finished = True
    except KeyboardInterrupt:
        report.interrupted = True
        if pool is not None:
            # the workers finish the letters in hand: wait for them (a second Ctrl-C stops it)
            with contextlib.suppress(KeyboardInterrupt):
                for chunk, results, reason in pool.drain():
                    settle_chunk(chunk, results, reason)
    finally:
        manifest.close(finished=finished)
        if reg is not None:
            reg.close()
        report.rows = [manifest.rows[k] for k in sorted(manifest.rows)]
    return report
