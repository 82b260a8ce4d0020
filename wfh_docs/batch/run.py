"""Many records -> many letters: one run, parallel workers, a manifest, nothing lost.

The parent reads the records, names each output (outdir.py), draws its number from the register
when asked (validating that record first), and hands the letters to the workers in chunks. Each
worker starts with the template compiled once (job.py, workers.py) and cleans, validates,
renders and writes letter after letter, each file atomically; only a small manifest row comes
back, so memory does not grow with the batch. A bad record becomes a failed row naming its place
and field, a letter whose worker dies a failed row saying so; the others are built. The manifest
(manifest.py) is rewritten as the run goes, so an interrupted run leaves complete letters and
the list of what was finished, and the next run skips every letter whose input has not changed.
The parent journals each chunk's names before a worker writes them, so that a letter written by
a killed run is known to the next. A full disk stops the batch: the letters in hand are finished
or failed, and the manifest lists them all.

Nothing process-wide is changed here: the caller decides about the collector (`before_workers`,
called once the template is compiled and before the workers fork) and the disk (`sync`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, WfhDocError
from ..i18n import _, language
from ..render.template import DEFAULT_TEMPLATE, Template
from . import job as _job
from .job import Issued, Job
from .manifest import JOURNAL, MANIFEST_CSV, MANIFEST_JSON, Manifest, Row, Sync
from .numbering import Seen, draw_copy_number, draw_number
from .outdir import RUN_FOLDER_PREFIX, Earlier, Names, RunFolder, make_outdir
from .prepare import prepare_record, stem
from .records import Record, Records, load_defaults, read_records
from .register import Register
from .workers import Stopped, Workers, forks

__all__ = [
    "DEFAULT_LETTER_TIMEOUT",
    "JOURNAL",
    "MANIFEST_CSV",
    "MANIFEST_JSON",
    "RUN_FOLDER_PREFIX",
    "Progress",
    "Report",
    "Row",
    "run_batch",
]

DEFAULT_LETTER_TIMEOUT = 120.0  # seconds a worker may go without finishing a letter


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

    def letters(self) -> list[Path]:
        """The letters the folder now holds whole: built by this run, or unchanged."""
        return [self.outdir / r.output for r in self.rows if r.status in ("built", "unchanged") and r.output]


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class _Options:
    template: Path | None
    source: Path
    workers: int
    force: bool
    check_all: bool
    overwrite: bool
    letter_timeout: float | None
    progress: Progress | None
    sync: Sync | None


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
    before_workers: Callable[[], None] | None = None,
    sync: Sync | None = None,
) -> Report:
    """Build a letter for every record of `source` into `outdir`, with a manifest.

    The ND 30 checker reads the first letter of each issuing agency (the others of that agency
    differ from it only in data that wfhdoc itself formats), or every letter with `check_all`.
    A file in `outdir` that no wfhdoc run wrote is kept, and the letter goes beside it, unless
    `overwrite`. A worker that finishes no letter for `letter_timeout` seconds is killed and
    its letter failed (with one worker, letters are built in this process, without a limit).
    `before_workers` is called once the template is compiled, before worker processes start
    (not with one worker);
    `sync` puts the letters on the disk at the end (the CLI passes os.sync; without it only
    the manifest is fsynced, see Manifest)."""
    if letter_timeout is not None and not letter_timeout > 0:
        raise WfhDocError(
            _("the letter timeout must be a positive number of seconds, not {value}").format(
                value=letter_timeout
            )
        )
    # fail early, once, on a broken template; forked workers start from this one
    compiled = Template(template)
    count = max(1, workers or os.cpu_count() or 1)
    options = _Options(template, source, count, force, check_all, overwrite, letter_timeout, progress, sync)
    if before_workers is not None and count > 1:
        before_workers()
    # started before the records are read, so that they do not carry a copy of a large input
    pool = _pool(options, compiled) if count > 1 else None
    run: _Run | None = None
    try:
        records = read_records(source, load_defaults(defaults), sheet)
        # before anything is made in the output folder: a file that is not a register is refused
        reg = Register(register) if register else None
        run = _Run(options, records, outdir, reg)
        return run.go(pool, compiled)
    finally:
        if pool is not None:
            pool.close()
        if run is not None:  # once no worker writes there
            run.folder.remove()


def _pool(options: _Options, compiled: Template) -> Workers:
    path = str(options.template) if options.template else None
    return Workers(
        options.workers,
        _job.build_letter,
        _job.init_worker,
        (path, os.getpid(), compiled if forks() else None, language()),
        timeout=options.letter_timeout,
    )


class _Run:
    """One batch in one output folder: the jobs handed out, the rows settled."""

    def __init__(self, options: _Options, records: Records, outdir: Path, reg: Register | None) -> None:
        self.options = options
        self.records = records
        self.outdir = outdir
        self.reg = reg
        try:
            self.template_sha = hashlib.sha256(
                Path(options.template or DEFAULT_TEMPLATE).read_bytes()
            ).hexdigest()
            make_outdir(outdir, options.overwrite)
            self.folder = RunFolder(outdir, records.total)
        except BaseException:
            if reg is not None:
                reg.close()
            raise
        earlier = Earlier(outdir)
        self.previous = {} if options.force else earlier.rows
        self.names = Names(outdir, earlier, overwrite=options.overwrite)
        self.manifest = Manifest(outdir, temp=self.folder.path, sync=options.sync)
        self.report = Report([], outdir, total=records.total)
        self.report.warnings.extend(records.warnings)
        self.done = 0
        self.checked: set[str] = set()
        self.seen: Seen = {}

    def go(self, pool: Workers | None, compiled: Template) -> Report:
        finished = False
        try:
            if pool is None:
                path = str(self.options.template) if self.options.template else None
                self._alone(_job.init_worker(path, compiled=compiled))
            else:
                for chunk, results, why in pool.imap(self.chunks()):
                    self.settle_chunk(chunk, results, why)
            finished = not self.halted()
        except KeyboardInterrupt:
            self.report.interrupted = True
            if pool is not None:
                # the workers finish the letters in hand: wait for them (a second Ctrl-C stops it)
                with contextlib.suppress(KeyboardInterrupt):
                    for chunk, results, why in pool.drain():
                        self.settle_chunk(chunk, results, why)
        finally:
            self.report.manifest_error = self.manifest.close(finished=finished, free=self.folder.free)
            if self.reg is not None:
                self.reg.close()
            self.report.rows = [self.manifest.rows[k] for k in sorted(self.manifest.rows)]
        return self.report

    def _alone(self, builder: _job.Builder) -> None:
        for chunk in self.chunks():
            for job in chunk:  # each letter reported as soon as it is made
                self.settle(job, _job.build_letter(builder, job))
                if self.report.stopped:
                    break
            self.manifest.chunk_done()

    def job(self, record: Record) -> Job:
        issued, copied = self._numbers(record)
        data = record.data or {}
        if issued is not None:
            data = {**data, "number": issued.number}
        name, note = self.names.claim(stem(data)) if record.data is not None else ("", "")
        target = os.path.join(self.outdir, name) if name else str(self.outdir)
        # an agency is its issuer block as written (another order of its keys only costs one
        # more check)
        agency = repr(data.get("issuer"))
        check = self.options.check_all or agency not in self.checked
        self.checked.add(agency)
        previous = self.previous.get(record.origin)
        folder = str(self.folder.path)
        return Job(record, target, self.template_sha, issued, previous, check, folder, note, copied)

    def _numbers(self, record: Record) -> tuple[Issued | None, Issued | None]:
        """The register's numbers for a letter left without one and for its bản sao left without
        one (the letter validated here first, once: numbers are drawn only for letters that will
        be built). By the letter's identity, not its row; a problem (the same letter twice, no
        number left) goes into the record, which then fails and takes no copy's number either."""
        data = record.data
        if self.reg is None or data is None:
            return None, None
        copy = data.get("copy")
        wants_letter = data.get("number") in (None, "")
        wants_copy = isinstance(copy, dict) and copy.get("number") in (None, "")
        if not (wants_letter or wants_copy):
            return None, None
        letter, input_sha, _problems, _warnings = prepare_record(record, numbered_later=True)
        if letter is None:
            return None, None
        wants_copy = wants_copy and letter.copy_ is not None
        if wants_copy and letter.copy_ is not None and letter.copy_.date is None:
            # a copy's number goes with its date (its year is the series'); the record fails
            # before any number is drawn for it, so that it leaves no gap
            record.problems.append(
                Problem(
                    "$.copy.date",
                    _("the register gives the copy its number, and a number goes with its date"),
                    _("give 'copy.date' (10/04/2020), the day the copy is made"),
                )
            )
            return None, None
        source = self.options.source.name
        issued = None
        if wants_letter:
            drawn = draw_number(self.reg, self.seen, source, record, letter, input_sha)
            if drawn is None:
                return None, None
            issued = Issued(drawn.series, drawn.year, drawn.number, drawn.note)
        if not wants_copy:
            return issued, None
        drawn = draw_copy_number(self.reg, self.seen, source, record, letter, input_sha)
        return issued, (Issued(drawn.series, drawn.year, drawn.number, drawn.note) if drawn else None)

    def chunks(self) -> Iterator[list[Job]]:
        # Letters go to a worker in chunks, one round trip each; smaller towards the end, so
        # that no worker is left with a long chunk while the others have finished.
        total, workers = self.records.total, self.options.workers
        chunk: list[Job] = []
        handed = 0
        for record in self.records:
            chunk.append(self.job(record))
            if len(chunk) >= max(1, min(32, (total - handed) // (workers * 4))):
                handed += len(chunk)
                if self.halted():
                    return
                yield self._hand(chunk)
                chunk = []
        if chunk and not self.halted():
            yield self._hand(chunk)

    def _hand(self, chunk: list[Job]) -> list[Job]:
        # the names go to the journal before a worker can write them
        self.manifest.claim([Path(job.target).name for job in chunk if job.record.data is not None])
        return chunk

    def halted(self) -> bool:
        # a full disk: every letter after would fail too
        if self.manifest.disk_full and not self.report.stopped:
            self.report.stopped = self.manifest.disk_full
        return bool(self.report.stopped)

    def settle(self, job: Job, result: tuple[Row, list[str]]) -> None:
        row, warnings = result
        report = self.report
        report.warnings.extend(warnings)
        if row.disk_full and not report.stopped:
            report.stopped = row.message
        issued = job.issued
        if self.reg is not None and issued and row.status in ("built", "unchanged"):
            self.reg.mark_issued(
                issued.series, issued.year, issued.number, output=row.output, sha256=row.sha256
            )
            if issued.note:
                # after what the name says (a file kept beside it), if anything
                row.message = f"{row.message}; {issued.note}" if row.message else issued.note
                report.warnings.append(f"{row.source}: {issued.note}")
        copied = job.copy_issued
        if self.reg is not None and copied and row.status in ("built", "unchanged"):
            self.reg.mark_issued(
                copied.series, copied.year, copied.number, output=row.output, sha256=row.sha256
            )
        self.manifest.add(row)
        self.done += 1
        total = self.records.total
        if self.done * 10 >= total * 9 and total >= 200:
            self.manifest.sync_soon()
        if self.options.progress:
            self.options.progress(self.done, total)

    def settle_chunk(
        self, chunk: list[Job], results: list[tuple[Row, list[str]]] | None, why: Stopped | None
    ) -> None:
        if results is None:
            results = [self._stopped(job, why or Stopped(_("it stopped answering"))) for job in chunk]
        for job, result in zip(chunk, results, strict=True):
            self.settle(job, result)
        self.manifest.chunk_done()

    def _stopped(self, job: Job, why: Stopped) -> tuple[Row, list[str]]:
        if why.timed_out:
            message = _(
                "this letter took longer than the limit of {seconds} seconds "
                "(--letter-timeout): its worker process made no progress and was killed; the "
                "other letters were built: run the batch again, with a larger --letter-timeout "
                "for a very large letter, and report it if it happens again"
            ).format(seconds=f"{self.options.letter_timeout:g}")
        else:
            message = _(
                "the worker process stopped while building this letter ({reason}); the other "
                "letters were built: run the batch again, and report it if it happens again"
            ).format(reason=why)
        return Row(job.record.index + 1, job.record.origin, message=message), []
