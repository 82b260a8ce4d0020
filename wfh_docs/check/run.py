"""Running the checks: one letter (check_docx), a file a user names (check_file), many files each
with its findings or its error (check_files)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem, WfhDocError
from ..i18n import _
from . import addressee, appendix, body, copies, header, kinds, page, signature
from .context import Context
from .docx import Docx
from .finding import ERROR, Finding

# The parts of the letter in the order they are read; each finds its elements from where the
# one before it stopped (a bản sao's block is under the last part of what it copies).
PARTS = (page, header, body, addressee, kinds, signature, appendix, copies)


def check_docx(source: Path | str | bytes | Docx, *, name: str | None = None) -> list[Finding]:
    """Every departure from ND 30 that can be read from the file; a file that cannot be read
    as a letter (damaged, not a .docx, a zip bomb) is an ArchiveError naming it (`name`, or
    the path) and the part."""
    docx = source if isinstance(source, Docx) else Docx(source, name=name)
    ctx = Context(docx)
    for part in PARTS:
        part.check(ctx)
    return ctx.findings


def check_file(path: Path) -> list[Finding]:
    """check_docx for a file a user names: a missing or broken file is a WfhDocError."""
    if path.exists() and not path.is_dir() and not path.is_file():
        # a device such as /dev/zero or a pipe: zipfile would read it without end
        raise InputError(
            str(path), [Problem("", _("not a regular file (a device or a pipe)"), _("give .docx files"))]
        )
    try:
        return check_docx(path)
    except FileNotFoundError:
        raise InputError(
            str(path), [Problem("", _("file not found"), _("check the path and the file name"))]
        ) from None
    except IsADirectoryError:
        raise InputError(str(path), [Problem("", _("this is a folder"), _("give .docx files"))]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError(
            str(path),
            [
                Problem(
                    "",
                    _("the file cannot be read ({reason})").format(reason=reason),
                    _("check that you may read it"),
                )
            ],
        ) from None


@dataclass(frozen=True)
class FileResult:
    """One file of check_files: its findings, or why it could not be checked."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    error: str = ""  # the message of the WfhDocError that stopped its check; "" if it was checked

    @property
    def failed(self) -> bool:
        """Whether the file has an error finding, or could not be checked at all."""
        return bool(self.error) or any(f.severity == ERROR for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": str(self.path), "findings": [f.as_dict() for f in self.findings]}
        if self.error:
            out["error"] = self.error
        return out


def check_files(paths: Iterable[Path]) -> list[FileResult]:
    """check_file for each path, in order: a file that cannot be read is its result's error,
    and the files after it are still checked."""
    results = []
    for path in paths:
        try:
            results.append(FileResult(path, check_file(path)))
        except WfhDocError as exc:
            results.append(FileResult(path, error=str(exc)))
    return results
