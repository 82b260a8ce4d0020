"""Batches from the browser, run off the request thread, one at a time, with their progress.

One thread runs the queued batches in turn: `wfh_docs.batch.run.run_batch` compiles its template
into a module-level slot, so two batches in one process must not overlap. Letters are built in
that thread (workers=1): a batch from a workbook takes a second or two, and forking worker
processes from a threaded server is unsafe. A finished job keeps its zip for download until it
expires; the uploaded workbook is removed as soon as the batch has read it.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from wfh_docs.batch.run import Report, run_batch
from wfh_docs.errors import WfhDocError
from wfh_docs.i18n import _, language, using
from wfh_docs.web.files import Scratch, remove
from wfh_docs.web.preview import soffice_missing, to_pdf

log = logging.getLogger("wfh_docs.web")

MANIFESTS = ("manifest.csv", "manifest.json")


@dataclass
class Job:
    id: str
    folder: Path  # the job's private folder: the upload, then the letters
    source: Path  # the uploaded workbook, under the name the app gave it
    shown: str  # the workbook's name as the clerk knows it
    stem: str  # for the zip's name
    pdf: bool
    register: Path | None
    state: str = "queued"  # queued | running | done | failed
    done: int = 0
    total: int = 0
    error: str = ""
    note: str = ""  # e.g. why there are no PDFs
    report: Report | None = None
    zip_path: Path | None = None
    pdfs: list[Path] = field(default_factory=list)
    finished: float = 0.0
    language: str = "vi"  # of the page that started it: the batch's messages are said in it

    @property
    def outdir(self) -> Path:
        return self.folder / "van-ban"

    def shown_text(self, text: str) -> str:
        """A library message with the workbook's saved name replaced by the clerk's."""
        return text.replace(str(self.source), self.shown).replace(self.source.name, self.shown)


class Jobs:
    def __init__(self, scratch: Scratch, lifetime: float) -> None:
        self.scratch = scratch
        self.lifetime = lifetime
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="wfhdoc-web-batch", daemon=True)
        self._thread.start()

    def new_folder(self) -> Path:
        return self.scratch.folder("batch-")

    def submit(
        self, folder: Path, source: Path, shown: str, stem: str, *, pdf: bool, register: Path | None
    ) -> Job:
        self.expire()
        job = Job(secrets.token_urlsafe(12), folder, source, shown, stem, pdf, register, language=language())
        with self._lock:
            self._jobs[job.id] = job
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def expire(self) -> None:
        now = time.monotonic()
        with self._lock:
            old = [j for j in self._jobs.values() if j.finished and now - j.finished > self.lifetime]
            for job in old:
                del self._jobs[job.id]
        for job in old:
            remove(job.folder)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            with using(job.language):  # this thread does not inherit the request's context
                self._one(job)

    def _one(self, job: Job) -> None:
        try:
            self._run(job)
        except WfhDocError as exc:
            job.error = job.shown_text(str(exc))
            job.state = "failed"
        except Exception:  # noqa: BLE001 - a bug: logged here, a plain message on the page
            log.exception("batch %s failed", job.id)
            job.error = _("An unexpected error stopped the batch; the server's log has the details.")
            job.state = "failed"
        finally:
            job.source.unlink(missing_ok=True)
            job.finished = time.monotonic()

    def _run(self, job: Job) -> None:
        job.state = "running"

        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total

        report = run_batch(job.source, job.outdir, workers=1, register=job.register, progress=progress)
        job.report = report
        job.total = report.total
        job.done = len(report.rows)
        if report.stopped or report.manifest_error:
            job.note = report.stopped or report.manifest_error
        if job.pdf:
            self._pdfs(job, report)
        job.zip_path = self._zip(job)
        job.state = "done"

    def _pdfs(self, job: Job, report: Report) -> None:
        missing = soffice_missing()
        if missing:
            job.note = missing
            return
        letters = [
            job.outdir / r.output for r in report.rows if r.status in ("built", "unchanged") and r.output
        ]
        if not letters:
            return
        results = to_pdf(letters, job.outdir / "pdf")
        job.pdfs = [r.output for r in results if r.ok and r.output is not None]
        failed = [r for r in results if not r.ok]
        if failed:
            job.note = _("{n} PDF(s) could not be made: {reason}").format(
                n=len(failed), reason=failed[0].message
            )

    def _zip(self, job: Job) -> Path:
        target = job.folder / "ket-qua.zip"
        report = job.report
        assert report is not None
        names = [r.output for r in report.rows if r.output and r.status in ("built", "unchanged")]
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in [*names, *MANIFESTS]:
                path = job.outdir / name
                if path.is_file():
                    zf.write(path, name)
            for pdf in job.pdfs:
                zf.write(pdf, f"pdf/{pdf.name}")
        return target
