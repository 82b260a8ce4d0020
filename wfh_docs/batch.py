"""Many records -> many letters: one run, parallel workers, a manifest, nothing lost.

The parent reads the records, cleans and validates each (fast), names its output, draws its
number from the register when asked, and hands the letter to a worker. Each worker loads the
template once and renders letter after letter from it, writing each file atomically; only a
small manifest row comes back, so memory does not grow with the batch. A bad record becomes a
failed row naming its place and field; the others are built. The manifest is rewritten as the
run goes, so an interrupted run leaves complete letters and the list of what was finished, and
the next run skips every letter whose input has not changed.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import __version__, vn
from .errors import OutputError, WfhDocError
from .model import Letter
from .naming import letter_stem, safe_stem
from .output import write_atomic
from .records import OUTPUT_NAME, Record, canonical, load_defaults, locate, read_records
from .register import Register
from .render import Template
from .sources import clean_tree, problem_from_error, tidy_list_items

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"
JOURNAL = ".wfhdoc-journal.jsonl"
_FIELDS = ["record", "source", "output", "status", "number", "message", "sha256", "input_sha256"]


@dataclass
class Row:
    """One line of the manifest."""

    record: int  # 1-based position in the batch
    source: str
    output: str = ""
    status: str = "failed"  # built | unchanged | failed
    number: str = ""
    message: str = ""
    sha256: str = ""
    input_sha256: str = ""
    key: str = ""


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
    _worker_template = Template(template)
    if watch_parent:
        threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    # A killed batch (kill -9, a closed terminal) must not leave workers behind: they would
    # wait for work forever. A worker whose parent is gone stops.
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _render_to(letter: Letter, target: str) -> tuple[str, list[str]]:
    """Render and write one letter; the file's SHA-256 and the renderer's warnings."""
    assert _worker_template is not None
    rendered = _worker_template.render(letter)
    write_atomic(Path(target), rendered.data)
    return hashlib.sha256(rendered.data).hexdigest(), rendered.warnings


def _job(letter: Letter, target: str) -> tuple[str, list[str], str]:
    try:
        sha, warnings = _render_to(letter, target)
        return sha, warnings, ""
    except WfhDocError as exc:
        return "", [], str(exc)
    except Exception as exc:  # noqa: BLE001 - one letter's bug must not stop the others
        return "", [], f"internal error in wfhdoc ({type(exc).__name__}: {exc}); please report it"


# --- in the parent ------------------------------------------------------------------------------


def _prepare(record: Record) -> tuple[Letter | None, str, str, list[str]]:
    """Clean and validate one record: the letter, its output name wish, input hash, problems."""
    if record.data is None:
        return None, "", "", [str(p) for p in record.problems]
    data = dict(record.data)
    name_wish = str(data.pop(OUTPUT_NAME, "") or "")
    warnings: list[str] = []
    cleaned = clean_tree(data, (), warnings)
    tidy_list_items(cleaned, warnings)
    input_sha = hashlib.sha256(canonical(cleaned)).hexdigest()
    problems = [
        f"{locate(record, p.where) if p.where.startswith('$') else p.where}: {p.message}"
        + (f" ({p.hint})" if p.hint else "")
        for p in record.problems
    ]
    try:
        letter = Letter.model_validate(cleaned)
    except Exception as exc:  # pydantic.ValidationError
        errors = getattr(exc, "errors", None)
        if errors is None:
            raise
        for err in errors():
            p = problem_from_error(dict(err))
            problems.append(f"{locate(record, p.where)}: {p.message}" + (f" ({p.hint})" if p.hint else ""))
        return None, name_wish, input_sha, problems
    if problems:
        return None, name_wish, input_sha, problems
    return letter, name_wish, input_sha, [f"{record.origin}: {w}" for w in warnings]


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
    """The manifest, rewritten atomically at most every `every` seconds and at the end."""

    def __init__(self, outdir: Path, every: float = 2.0) -> None:
        self.outdir = outdir
        self.rows: dict[int, Row] = {}
        self.every = every
        self.last = 0.0
        self.journal = open(outdir / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def add(self, row: Row) -> None:
        self.rows[row.record] = row
        self.journal.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
        self.journal.flush()
        if time.monotonic() - self.last >= self.every:
            self.write()

    def write(self) -> None:
        rows = [self.rows[k] for k in sorted(self.rows)]
        data = [{k: getattr(r, k) for k in _FIELDS} for r in rows]
        write_atomic(
            self.outdir / MANIFEST_JSON,
            (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
        )
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=_FIELDS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(data)
        # UTF-8 with a BOM: Excel then reads the Vietnamese text right
        write_atomic(self.outdir / MANIFEST_CSV, buf.getvalue().encode("utf-8-sig"))
        self.last = time.monotonic()

    def close(self, *, finished: bool) -> None:
        self.write()
        self.journal.close()
        if finished:
            (self.outdir / JOURNAL).unlink(missing_ok=True)


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
) -> Report:
    """Build a letter for every record of `source` into `outdir`, with a manifest."""
    base = load_defaults(defaults)
    records = list(read_records(source, base, sheet))
    Template(template)  # fail early, once, on a broken template
    template_sha = hashlib.sha256(Path(template or Template().path).read_bytes()).hexdigest()
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
    workers = max(1, workers or os.cpu_count() or 1)
    total = len(records)
    done = 0
    report = Report([], outdir)

    def finish(row: Row) -> None:
        nonlocal done
        manifest.add(row)
        done += 1
        if progress:
            progress(done, total)

    def jobs() -> Iterator[tuple[Row, Letter, Issued | None]]:
        for record in records:
            row = Row(record.index + 1, record.origin, key=record.key)
            letter, wish, input_sha, problems = _prepare(record)
            row.input_sha256 = (
                hashlib.sha256(f"{input_sha}|{template_sha}|{__version__}".encode()).hexdigest()
                if input_sha
                else ""
            )
            if letter is None:
                row.message = "; ".join(problems)
                finish(row)
                continue
            report.warnings.extend(problems)
            issued: Issued | None = None
            if reg is not None and letter.number is None:
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
                letter = letter.model_copy(update={"number": number})
                issued = Issued(letter.issuer.abbreviation, year, number)
            row.number = vn.format_number_reference(letter.number, letter.symbol).strip()
            row.output = names.claim(safe_stem(wish) if wish else letter_stem(letter))
            before = previous.get(record.origin)
            target = outdir / row.output
            if (
                before
                and before.get("status") in ("built", "unchanged")
                and before.get("input_sha256") == row.input_sha256
                and before.get("output") == row.output
                and before.get("sha256")
                and _file_sha(target) == before["sha256"]
            ):
                row.status, row.sha256 = "unchanged", before["sha256"]
                if reg is not None and issued:
                    reg.mark_issued(
                        issued.agency, issued.year, issued.number, output=row.output, sha256=row.sha256
                    )
                finish(row)
                continue
            yield row, letter, issued

    def settle(row: Row, issued: Issued | None, result: tuple[str, list[str], str]) -> None:
        sha, warnings, error = result
        if error:
            row.status, row.message = "failed", error
        else:
            row.status, row.sha256 = "built", sha
            report.warnings.extend(f"{row.source}: {w}" for w in warnings)
            if reg is not None and issued:
                reg.mark_issued(issued.agency, issued.year, issued.number, output=row.output, sha256=sha)
        finish(row)

    finished = False
    try:
        if workers == 1:
            _init_worker(str(template) if template else None)
            for row, letter, issued in jobs():
                settle(row, issued, _job(letter, str(outdir / row.output)))
        else:
            pool = ProcessPoolExecutor(
                max_workers=workers,
                initializer=_init_worker,
                initargs=(str(template) if template else None, True),
            )
            try:
                pending: dict[Future[tuple[str, list[str], str]], tuple[Row, Issued | None]] = {}
                window = workers * 4  # letters in flight: enough to keep workers busy, no more
                for row, letter, issued in jobs():
                    pending[pool.submit(_job, letter, str(outdir / row.output))] = (row, issued)
                    if len(pending) >= window:
                        ready, _ = wait(pending, return_when=FIRST_COMPLETED)
                        for fut in ready:
                            settle(*pending.pop(fut), fut.result())
                for fut in list(pending):
                    settle(*pending.pop(fut), fut.result())
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        finished = True
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        manifest.close(finished=finished)
        if reg is not None:
            reg.close()
        report.rows = [manifest.rows[k] for k in sorted(manifest.rows)]
    return report
