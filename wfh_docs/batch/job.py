"""One letter of a batch, in a worker: what the parent hands over (Job), and its building.

A worker is given its state once (Builder: the template compiled once, the language of the
run) and then builds letter after letter with it; only a small manifest row comes back.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..check import check_docx
from ..errors import WfhDocError
from ..files.output import DiskFull, write_in_place
from ..i18n import _, set_language
from ..letter import vn
from ..letter.model import Letter
from ..render.template import DEFAULT_TEMPLATE, Template
from .manifest import Row
from .outdir import file_sha
from .prepare import prepare_record
from .records import Record


@dataclass(frozen=True)
class Issued:
    """A number drawn from the register for one letter."""

    series: str  # the register's series the number is of: SCT, QĐ-SCT …
    year: int
    number: int
    note: str = ""  # the register's word to the user: the letter was issued before, with other data


@dataclass(frozen=True)
class Job:
    """What a worker needs for one letter; small and plain, so it crosses processes cheaply."""

    record: Record
    target: str
    template_sha: str
    issued: Issued | None = None  # the number drawn from the register by the parent
    previous: dict[str, Any] | None = None  # the manifest row of an earlier run
    check: bool = False  # run the ND 30 checker on the letter
    temp: str = ""  # the run's folder for temporaries
    note: str = ""  # why the letter does not have the name it would have had
    copy_issued: Issued | None = None  # the number of the letter's bản sao, drawn by the parent

    @property
    def number(self) -> int | None:
        return self.issued.number if self.issued else None


@dataclass(frozen=True)
class Builder:
    """A worker's state for the whole run: the compiled template."""

    template: Template


def init_worker(
    template: str | None, parent: int | None = None, compiled: Template | None = None, language: str = ""
) -> Builder:
    """A worker's state: `compiled` when the parent's template came with the fork, else the
    template compiled here, once. With `parent`, the worker stops when that process is gone."""
    path = Path(template) if template else DEFAULT_TEMPLATE
    if language:
        set_language(language)  # a spawned worker does not inherit the run's context
    if parent is not None:
        # workers.py has the kernel kill a worker with its parent on Linux; this is the watch
        # for other systems (and in case that failed)
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    return Builder(compiled if compiled is not None and compiled.path == path else Template(path))


def _exit_with_parent(parent: int) -> None:
    # A killed batch (kill -9, a closed terminal) must not leave workers behind: they would
    # wait for work forever. A worker whose parent is gone stops.
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def build_letter(builder: Builder, job: Job) -> tuple[Row, list[str]]:
    """Validate, render and write one letter (in a worker): its manifest row and warnings."""
    record = job.record
    row = Row(record.index + 1, record.origin)
    try:
        letter, input_sha, problems, warnings = prepare_record(record, numbered_later=job.number is not None)
        if input_sha:
            copy_number = job.copy_issued.number if job.copy_issued else None
            key = f"{input_sha}|{job.template_sha}|{__version__}|{job.number}|{copy_number}"
            row.input_sha256 = hashlib.sha256(key.encode()).hexdigest()
        if letter is None:
            row.message = "; ".join(problems)
            return row, []
        if job.number is not None:
            letter = letter.model_copy(update={"number": job.number})
        if job.copy_issued is not None and letter.copy_ is not None:
            copy = letter.copy_.model_copy(update={"number": job.copy_issued.number})
            letter = letter.model_copy(update={"copy_": copy})
        row.number = vn.format_number_reference(letter.number, letter.symbol).strip()
        row.output = Path(job.target).name
        if job.note:
            row.message = job.note
            warnings.append(f"{record.origin}: {job.note}")
        if _unchanged(job, row):
            return row, warnings
        return row, _write(builder, job, letter, row, warnings)
    except DiskFull as exc:
        row.status, row.message, row.output, row.disk_full = "failed", str(exc), "", True
    except WfhDocError as exc:
        row.status, row.message, row.output = "failed", str(exc), ""
    except Exception as exc:  # noqa: BLE001 - one letter's bug must not stop the others
        row.status, row.output = "failed", ""
        row.message = _("internal error in wfhdoc ({error}); please report it").format(
            error=f"{type(exc).__name__}: {exc}"
        )
    return row, []


def _unchanged(job: Job, row: Row) -> bool:
    """Is the letter an earlier run built from the same input still there, intact? Then the
    row says so, with what the check and the warnings said of it when it was built."""
    before = job.previous
    if not (
        before
        and before.get("status") in ("built", "unchanged")
        and before.get("input_sha256") == row.input_sha256
        and before.get("output") == row.output
        and before.get("sha256")
        and file_sha(Path(job.target)) == before["sha256"]
    ):
        return False
    row.status, row.sha256 = "unchanged", before["sha256"]
    row.check, row.notes = str(before.get("check") or ""), str(before.get("notes") or "")
    return True


def _write(builder: Builder, job: Job, letter: Letter, row: Row, warnings: list[str]) -> list[str]:
    origin = job.record.origin
    rendered = builder.template.render(letter)
    write_in_place(Path(job.target), rendered.data, Path(job.temp) if job.temp else None)
    row.status, row.sha256 = "built", hashlib.sha256(rendered.data).hexdigest()
    warnings += [f"{origin}: {w}" for w in rendered.warnings]
    if job.check:
        findings = check_docx(rendered.data)
        n_errors = sum(f.severity == "error" for f in findings)
        n_warnings = len(findings) - n_errors
        # the manifest's value, for programs (manifest.csv says it in Vietnamese)
        row.check = (
            f"{n_errors} error{'s' * (n_errors != 1)}, {n_warnings} warning{'s' * (n_warnings != 1)}"
            if findings
            else "passed"
        )
        warnings += [f"{origin}: " + _("check: {finding}").format(finding=f) for f in findings]
    prefix = f"{origin}: "
    row.notes = "\n".join(w.removeprefix(prefix) for w in warnings)
    return warnings
