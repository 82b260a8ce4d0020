"""Each agency's letter with its figures: the workbook's row as a letter (the batch's own
reading and pipeline), its figures as the phụ lục table, and the answer carried as data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..batch.prepare import prepare_record
from ..batch.records import Record, read_records
from ..files.naming import letter_stem
from ..files.output import write_atomic
from ..i18n import _
from ..letter.images import images_beside
from ..pdf.convert import convert
from ..render.template import Template
from .answers import Answer, Finding, check_answer
from .embed import embed_docx
from .figures import appendix
from .form import ReportForm
from .io import write_output
from .pdfdata import attach_pdf
from .sheet import read_workbook


@dataclass
class Letters:
    written: list[Path] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)  # each letter's answer, by file name
    pdfs: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def answer_letters(
    form: ReportForm,
    workbook: Path,
    outdir: Path,
    *,
    overwrite: bool = False,
    defaults: dict[str, Any] | None = None,
    template_path: Path | None = None,
) -> Letters:
    """The letter of every row of `workbook` into `outdir`, each with its phụ lục of figures and
    carrying its answer (`defaults`: the fields every row shares, under its own; pictures are
    read beside the workbook); a row whose letter or figures are wrong is reported, not built."""
    answers = {a.row: a for a in read_workbook(form, workbook)}
    template = Template(template_path)
    records = read_records(workbook, defaults or {})
    outdir.mkdir(parents=True, exist_ok=True)
    with images_beside(workbook.parent):
        return _built(form, answers, records, template, outdir, overwrite)


def _built(
    form: ReportForm,
    answers: dict[int, Answer],
    records: Iterable[Record],
    template: Template,
    outdir: Path,
    overwrite: bool,
) -> Letters:
    out = Letters()
    for record in records:
        answer = answers.get(int(record.key.split()[-1]))
        if answer is None or record.data is None:
            out.problems.append(f"{record.origin}: " + _("the row has no figures"))
            continue
        findings = check_answer(form, answer)
        out.findings += findings
        if findings:
            continue
        data = dict(record.data)
        data["appendices"] = [*data.get("appendices", []), appendix(form, answer)]
        record.data = data
        letter, _sha, problems, _warnings = prepare_record(record)
        if letter is None:
            out.problems += problems
            continue
        docx = embed_docx(template.render(letter).data, form.id, answer)
        target = outdir / f"{letter_stem(letter)}.docx"
        write_output(target, docx, ours=False, overwrite=overwrite)
        out.written.append(target)
        out.answers[target.name] = answer
    return out


def attach_pdfs(
    form: ReportForm, letters: Letters, outdir: Path, *, workers: int | None = None, pdfa: bool = False
) -> None:
    """Each letter also as a PDF (LibreOffice, through wfh_docs.pdf) carrying its answer as an
    attached file (with `pdfa`, a PDF/A-3b: the part of PDF/A that allows attached files, with
    the file's relationship Data); a letter LibreOffice could not convert is reported."""
    for result in convert(letters.written, outdir, workers=workers, pdfa=pdfa, pdfa_part=3):
        if not result.ok or result.output is None:
            letters.problems.append(f"{result.source}: {result.message}")
            continue
        answer = letters.answers[result.source.name]
        write_atomic(result.output, attach_pdf(result.output.read_bytes(), form.id, answer))
        letters.pdfs.append(result.output)
