"""PDF export of .docx letters through LibreOffice headless: the entry point, `convert()`.

Starting LibreOffice costs about a second; converting one letter once it runs costs a twentieth
of that. So the files are split into chunks and each chunk goes to one
`soffice --convert-to pdf f1 f2 ... fn` call, run by a small pool of workers (one per core),
each with its own LibreOffice profile: two processes sharing a profile would hand their work to
each other (or to a LibreOffice the user has open) instead of running side by side. The rooms:

    soffice.py  finding LibreOffice (WFHDOC_SOFFICE, PATH, the install folders, Program Files)
    stage.py    the copies LibreOffice reads, under ASCII names, with external links cut
    pool.py     the worker threads, their LibreOffice processes and the watchdog of each file
    guard.py    the run's private folder and the guard that cleans up when wfhdoc is killed

Everything a run makes (staged inputs, profiles, LibreOffice's own temporary files: its TMPDIR is
set there) lives in one private folder, `wfhdoc-pdf-<pid>-<start>-*` in the system's temporary
folder, removed on every way out. When wfhdoc itself is killed (SIGKILL, or a signal nobody
catches) a guard process cleans up after it: it blocks reading a pipe whose write end only wfhdoc
holds, and when that pipe closes without wfhdoc's "end" it kills every LibreOffice of the run
(their process groups, and on Linux every process whose environment names the run) and removes
the folder. A folder left by a run whose process no longer lives (guard killed too) is removed
by the next run. LibreOffice fetches nothing from the network or from other files: external
images and other links of the staged copy are cut, and its profile blocks linked content.

Importable without LibreOffice: it is looked for only when a conversion starts.
"""

from __future__ import annotations

import dataclasses
import io
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import OutputError, WfhDocError
from ..files.naming import unique_name
from ..files.output import read_regular
from ..i18n import _
from .guard import Guard, make_root, sweep_stale
from .pool import Converter, PdfResult, Progress, default_workers, looks_like_pdf, plan
from .soffice import resolve_soffice
from .stage import Item, stage

__all__ = ["PDFA3_FILTER", "PDFA_FILTER", "PDF_FILTER", "convert", "output_names"]

PDF_FILTER = "pdf:writer_pdf_Export"
# PDF/A-2b: what archives and the signing tools expect (see docs: signing and validation)
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
# PDF/A-3b: as 2b, and a PDF/A that may carry files of any kind (a letter's data, ISO 19005-3)
PDFA3_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"3"}}'


def output_names(sources: Iterable[Path], outdir: Path) -> list[Path]:
    """`outdir/<stem>.pdf` for each source; a stem met again gets -2, -3 ... in input order.
    Compared case-blind: on Windows and macOS `A.pdf` and `a.pdf` are the same file. A name
    held by a file wfhdoc did not write (see made_by_wfhdoc) is stepped over: that file is kept."""
    sources = list(sources)
    wanted = {s.stem.casefold() for s in sources}
    claimed = {
        name.casefold()
        for name in _names_in(outdir)
        if _is_ours_to_name(name.casefold(), wanted) and not made_by_wfhdoc(outdir / name)
    }
    return [outdir / unique_name(source.stem, ".pdf", claimed) for source in sources]


def _names_in(folder: Path) -> list[str]:
    try:
        return [entry.name for entry in os.scandir(folder)]
    except OSError:
        return []


def _is_ours_to_name(name: str, stems: set[str]) -> bool:
    # "451-SCT-VP.pdf", or a "-2", "-3" copy of it: a name this run may want for one of `stems`
    if not name.endswith(".pdf"):
        return False
    stem = name[: -len(".pdf")]
    head, _sep, tail = stem.rpartition("-")
    return stem in stems or (tail.isdigit() and head in stems)


def made_by_wfhdoc(path: Path) -> bool:
    """Is the regular file at `path` a PDF wfhdoc made of one of its letters? LibreOffice carries
    the letter's document properties into the PDF: the producer is LibreOffice, the title is
    the letter's ("V/v ...", "BÁO CÁO ..."), the subject and the keywords are its số and ký
    hiệu. Anything else (a file the
    user keeps there, a link, a folder, a PDF signed since) is not wfhdoc's to replace."""
    data = read_regular(path)
    if data is None or not looks_like_pdf(data):
        return False
    if b"/ByteRange" in data:
        return False  # signed since: the signed file is the user's now
    info = _pdf_info(data)
    return (
        info.get("Producer", "").startswith("LibreOffice")
        and bool(info.get("Title", "").strip())
        and "/" in info.get("Subject", "")
        and info.get("Subject") == info.get("Keywords")
    )


def _pdf_info(data: bytes) -> dict[str, str]:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        out: dict[str, str] = {}
        for info in document.info:
            for key, value in resolve1(info).items():
                value = resolve1(value)
                if isinstance(value, bytes):
                    out[key] = decode_text(value)
        return out
    except Exception:  # noqa: BLE001 - pdfminer's errors have no common root; an unreadable PDF is not ours
        return {}


def convert(
    files: Iterable[Path | str],
    outdir: Path | str,
    *,
    pdfa: bool = False,
    pdfa_part: int = 2,
    workers: int | None = None,
    timeout: float = 120.0,
    progress: Progress | None = None,
    soffice: Path | str | None = None,
) -> list[PdfResult]:
    """Convert each .docx of `files` to `outdir/<stem>.pdf` (PDF/A when `pdfa`: PDF/A-2b, or
    PDF/A-3b with `pdfa_part=3` for PDFs that will carry an attached file), one result
    per input in input order; a file that fails is reported in its result, the others go on.

    `workers` LibreOffice processes run at once (default: one per core); `timeout` bounds each
    file in seconds (starting LibreOffice counts as one more file); `progress(done, total)` is
    called in the caller's thread as files finish; `soffice` overrides find_soffice().
    Raises OutputError when LibreOffice is missing or `outdir` cannot be made.
    """
    if timeout <= 0:
        raise WfhDocError(
            _("timeout must be a positive number of seconds, not {timeout}").format(timeout=timeout)
        )
    if workers is not None and workers < 1:
        raise WfhDocError(_("workers must be at least 1, not {workers}").format(workers=workers))
    program = resolve_soffice(soffice)
    sources = [Path(f).absolute() for f in files]
    out = Path(outdir).absolute()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            _("{path}: cannot create the folder ({reason})").format(path=out, reason=exc.strerror or exc)
        ) from None
    results: list[PdfResult | None] = [None] * len(sources)
    done = 0

    def finish(index: int, result: PdfResult) -> None:
        nonlocal done
        results[index] = result
        done += 1
        if progress is not None:
            progress(done, len(sources))

    _run(
        program,
        (PDFA3_FILTER if pdfa_part == 3 else PDFA_FILTER) if pdfa else PDF_FILTER,
        sources,
        out,
        workers or default_workers(),
        timeout,
        finish,
    )
    internal = _("not converted (internal error)")
    return [
        _kept_beside(r, out) if r is not None else PdfResult(sources[i], None, False, internal, 0)
        for i, r in enumerate(results)
    ]


def _kept_beside(result: PdfResult, out: Path) -> PdfResult:
    """The result, saying so when its PDF went beside a file of that name wfhdoc did not write."""
    wanted = out / f"{result.source.stem}.pdf"
    if (
        not result.ok
        or result.output is None
        or result.output.name.casefold() == wanted.name.casefold()
        or not os.path.lexists(wanted)
        or made_by_wfhdoc(wanted)
    ):
        return result
    note = _("{kept} already existed and was not written by wfhdoc; this PDF is {name}").format(
        kept=wanted.name, name=result.output.name
    )
    return dataclasses.replace(result, message=note)


def _run(
    program: str,
    conversion: str,
    sources: list[Path],
    out: Path,
    workers: int,
    timeout: float,
    finish: Callable[[int, PdfResult], None],
) -> None:
    """One run in its private folder, which lives outside `out`: `out` only ever gets finished
    PDFs, renamed into place. On every way out (Ctrl-C, SIGTERM made KeyboardInterrupt,
    SystemExit, a bug) no LibreOffice outlives the call and nothing of the run is left on disk."""
    sweep_stale(Path(tempfile.gettempdir()))
    try:
        root = make_root()
    except OSError as exc:
        raise OutputError(
            _("cannot make a temporary folder ({reason}); set TMPDIR").format(reason=exc.strerror or exc)
        ) from None
    threads: list[threading.Thread] = []
    guard = Guard(root)
    converter: Converter | None = None
    try:
        converter = Converter(program, conversion, timeout, root, guard)
        items = _staged(sources, out, root / "in", finish)
        if items:
            threads = _start(converter, items, workers)
            _collect(converter, threads, len(items), finish)
    finally:
        try:
            if converter is not None:
                converter.stop(threads)
        finally:
            shutil.rmtree(root, ignore_errors=True)
            guard.end()


def _staged(
    sources: list[Path], out: Path, folder: Path, finish: Callable[[int, PdfResult], None]
) -> list[Item]:
    """The items LibreOffice will read, staged in `folder`; a file that cannot be is finished."""
    folder.mkdir()
    items: list[Item] = []
    for index, (source, target) in enumerate(zip(sources, output_names(sources, out), strict=True)):
        item = Item(index, source, target)
        problem = stage(item, folder)
        if problem:
            finish(index, PdfResult(source, None, False, problem, 0))
        else:
            items.append(item)
    return items


def _start(converter: Converter, items: list[Item], workers: int) -> list[threading.Thread]:
    sizes = plan(len(items), workers)
    start = 0
    for size in sizes:
        converter.chunks.put(items[start : start + size])
        start += size
    threads = []
    for worker in range(min(len(sizes), workers)):
        thread = threading.Thread(target=converter.work, args=(worker,), daemon=True)
        thread.start()
        threads.append(thread)
    return threads


def _collect(
    converter: Converter,
    threads: list[threading.Thread],
    pending: int,
    finish: Callable[[int, PdfResult], None],
) -> None:
    while pending:
        try:
            index, result = converter.results.get(timeout=0.5)
        except queue.Empty:
            if not any(t.is_alive() for t in threads):
                break  # cannot happen unless a worker died outside its guard
            continue
        finish(index, result)
        pending -= 1
