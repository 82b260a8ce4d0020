"""The one exception tree of wfhdoc; the CLI turns these into messages and exit codes.

    WfhDocError                 anything wfhdoc reports to a user (exit 1)
    ├── InputError              the data is wrong: problems, each with its place and a hint
    ├── TemplateError           the .docx template is broken or lacks what wfhdoc needs
    ├── RenderError             the finished letter failed wfhdoc's own verification
    ├── OutputError             the letter could not be written where asked
    ├── WorkerError             a batch's worker processes keep dying before they make a letter
    ├── SigningError            a signing token, its library, a time-stamping service or pyHanko failed
    └── ArchiveError            a .docx/.xlsx archive is damaged or inflates past the limits

No other exception is meant to leave a public function; the CLI treats any other one as
a bug and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import language, ngettext


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (file, JSON path), what, and how to fix it.

    `where` stays the JSON path ($.signer.name) for machines; `label`, the field's Vietnamese
    name (wfh_docs.letter.labels), is what a Vietnamese reader sees before the path:
    "Người ký (signer.name): ...". `message` and `hint` are in the language of the run."""

    where: str
    message: str
    hint: str = ""
    label: str = field(default="", compare=False)

    def place(self) -> str:
        """Where, as the reader of the current language is told it."""
        if self.label and language() == "vi":
            return f"{self.label} ({self.where.removeprefix('$.')})"
        return self.where

    def __str__(self) -> str:
        place = self.place()
        text = f"{place}: {self.message}" if place else self.message
        return f"{text} ({self.hint})" if self.hint else text


class WfhDocError(Exception):
    """Base of every error wfhdoc reports to its user."""


class InputError(WfhDocError):
    """The input data cannot make a letter; `problems` lists every reason found."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        count = len(problems)
        head = ngettext(
            "{source}: {count} problem in the data", "{source}: {count} problems in the data", count
        )
        head = head.format(source=source, count=count)
        super().__init__("\n".join([head, *(f"  - {p}" for p in problems)]))


class TemplateError(WfhDocError):
    """The template is not a usable wfhdoc template."""


class RenderError(WfhDocError):
    """The rendered letter lost text, kept a template tag or is not well-formed."""


class OutputError(WfhDocError):
    """The letter could not be written."""


class WorkerError(WfhDocError):
    """The worker processes of a batch stop before building anything, again and again."""


class SigningError(WfhDocError):
    """The signing device, its library or a time-stamping service failed, or pyHanko refused."""


class ArchiveError(WfhDocError):
    """A .docx, .xlsx or template archive is damaged, crafted to explode, or not an archive."""

    def __init__(self, source: str, member: str, message: str, *, kind: str = "damaged") -> None:
        self.source = source
        self.member = member
        self.reason = message
        # what went wrong, for callers that advise on it: "not-zip", "damaged", "encrypted", "bomb"
        self.kind = kind
        where = f"{source}: {member}" if member else source
        super().__init__(f"{where}: {message}")
