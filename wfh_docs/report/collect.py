"""The answers of a round, however they arrived: workbooks, letters carrying their data (.docx,
.pdf), folders of them; each matched to an agency of the form, duplicates and conflicts found."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from ..i18n import _
from .answers import Answer, Finding, check_answer
from .embed import read_docx
from .form import ReportForm
from .pdfdata import read_pdf
from .sheet import read_workbook

SUFFIXES = (".xlsx", ".docx", ".pdf")


@dataclass
class Collected:
    answers: dict[str, Answer] = field(default_factory=dict)  # agency (the form's name) -> answer
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # agency -> its rule findings
    notes: list[str] = field(default_factory=list)  # duplicates, conflicts, other forms, unknowns

    def valid(self, agency: str) -> bool:
        return agency in self.answers and not self.findings.get(agency)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _files(sources: list[Path]) -> list[Path]:
    out: list[Path] = []
    for source in sources:
        if source.is_dir():
            out += sorted(p for p in source.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
        elif source.is_file():
            out.append(source)
        else:
            raise InputError(
                str(source), [Problem("", _("file not found"), _("check the path and the file name"))]
            )
    return out


def _read(form: ReportForm, path: Path) -> list[tuple[str, Answer]]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return [(form.id, a) for a in read_workbook(form, path)]
    if suffix == ".docx":
        return read_docx(path)
    if suffix == ".pdf":
        return read_pdf(path)
    raise InputError(
        str(path), [Problem("", _("not a source of answers"), _("give .xlsx, .docx or .pdf files"))]
    )


def _agency(form: ReportForm, answer: Answer) -> str | None:
    """The form's name of the agency that answered: by name, else by a ký hiệu only it has."""
    by_name = {_key(a.name): a.name for a in form.agencies}
    if _key(answer.agency) in by_name:
        return by_name[_key(answer.agency)]
    same = [a.name for a in form.agencies if a.abbreviation and a.abbreviation == answer.abbreviation]
    return same[0] if len(same) == 1 else None


def collect(form: ReportForm, sources: list[Path]) -> Collected:
    """Every answer of `sources`, checked; the first answer of an agency is kept, a later one
    noted as a duplicate (the same figures) or a conflict (naming each figure that differs)."""
    out = Collected()
    for path in _files(sources):
        for form_id, answer in _read(form, path):
            where = answer.place()
            if form_id != form.id:
                out.notes.append(
                    _("{place}: answers the form '{other}', not '{id}': left out").format(
                        place=where, other=form_id, id=form.id
                    )
                )
                continue
            agency = _agency(form, answer) if form.agencies else answer.agency
            if not agency:
                out.notes.append(
                    _("{place}: '{agency}' is not an agency of the form: left out").format(
                        place=where, agency=answer.agency
                    )
                )
                continue
            answer.agency = agency
            findings = check_answer(form, answer)
            if agency in out.answers:
                out.notes.append(_duplicate(out.answers[agency], answer))
                continue
            out.answers[agency] = answer
            out.findings[agency] = findings
    return out


def _duplicate(first: Answer, again: Answer) -> str:
    differ = sorted(
        k for k in set(first.values) | set(again.values) if first.values.get(k) != again.values.get(k)
    )
    if not differ:
        return _("{place}: {agency} answered again with the same figures (as {first}): counted once").format(
            place=again.place(), agency=again.agency, first=first.place()
        )
    shown = "; ".join(f"{k}: {first.values.get(k, '')} ≠ {again.values.get(k, '')}" for k in differ)
    return _(
        "{place}: {agency} answered again with other figures than {first} ({figures}): the first is kept; "
        "ask the agency which is right"
    ).format(place=again.place(), agency=again.agency, first=first.place(), figures=shown)
