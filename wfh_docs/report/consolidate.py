"""`wfhdoc tong-hop`: the answers of a round in, the consolidated BÁO CÁO out, with its charts,
the figures it was made of (so-lieu-tong-hop.json: every total with its sources) and the
reminders, built by the batch machinery (numbered from the register when one is given)."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..batch.prepare import prepare
from ..batch.run import Report, run_batch
from ..check import check_docx
from ..errors import InputError, OutputError, Problem
from ..files.output import write_atomic
from ..i18n import _
from ..render.template import Template
from .aggregate import Total, totals
from .answers import Answer, Finding
from .charts import Chart, parts_chart, ratio_chart
from .collect import Collected, collect
from .embed import embed_docx
from .form import ReportForm
from .io import write_output
from .narrative import Status, report_data, status
from .reminders import reminder_batch, status_appendix

REPORT = "bao-cao-tong-hop.docx"
TRACE = "so-lieu-tong-hop.json"
REMINDERS = "don-doc"
CHART_ROWS = 40
OWN = ".wfhdoc-tong-hop.json"  # what this command wrote in the folder, by name and SHA-256


@dataclass
class Result:
    outdir: Path
    status: Status
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    reminders: Report | None = None


def _chunks(agencies: list[str]) -> list[list[str]]:
    """The agencies in charts of at most CHART_ROWS bars each: a chart stays readable on a page."""
    return [agencies[i : i + CHART_ROWS] for i in range(0, len(agencies), CHART_ROWS)] or [[]]


def _titled(title: str, k: int, count: int) -> str:
    return title if count == 1 else f"{title} ({k}/{count})"


def make_charts(form: ReportForm, collected: Collected, st: Status, tot: dict[str, Total]) -> list[Chart]:
    """A stacked chart for each total with parts, a bar chart for each computed percentage
    (split into charts of CHART_ROWS agencies when there are more)."""
    out: list[Chart] = []
    for ind in form.indicators:
        if ind.parts and ind.type == "count":
            chunks = _chunks(st.valid)
            for k, agencies in enumerate(chunks, start=1):
                series = {
                    form.indicator(p).short or form.indicator(p).label: [
                        int(collected.answers[a].values.get(p, 0)) for a in agencies
                    ]
                    for p in ind.parts
                }
                title = _titled(f"{ind.label} của các cơ quan, đơn vị", k, len(chunks))
                out.append(parts_chart(f"bieu-do-{len(out) + 1}.png", title, agencies, series, ind.unit))
    for ind in form.indicators:
        if ind.computed is not None:
            overall = tot[ind.id].value
            chunks = _chunks([a for a in st.valid if ind.id in collected.answers[a].values])
            for k, agencies in enumerate(chunks, start=1):
                values = [Decimal(collected.answers[a].values[ind.id]) for a in agencies]
                title = _titled(f"{ind.label} của các cơ quan, đơn vị", k, len(chunks))
                name = f"bieu-do-{len(out) + 1}.png"
                out.append(
                    ratio_chart(
                        name, title, agencies, values, Decimal(overall) if overall is not None else None
                    )
                )
    return out


def _text(value: Any) -> Any:
    return value if isinstance(value, (bool, str)) or value is None else str(value)


def trace(form: ReportForm, collected: Collected, st: Status, tot: dict[str, Total]) -> dict[str, Any]:
    """Every total with the figures it was made of and where each was read."""
    return {
        "form": form.id,
        "status": {
            k: getattr(st, k) for k in ("expected", "answered", "missing", "late", "invalid", "valid")
        },
        "totals": {
            ident: {
                "how": t.how,
                "value": _text(t.value),
                "parts": list(t.parts) if t.parts else None,
                "counts": t.counts or None,
                "sources": [
                    {"agency": s.agency, "place": s.place, "value": _text(s.value)} for s in t.sources
                ],
            }
            for ident, t in tot.items()
        },
        "findings": [
            {
                "agency": f.agency,
                "place": f.place,
                "rule": f.rule,
                "indicator": f.indicator,
                "message": f.message,
            }
            for fs in collected.findings.values()
            for f in fs
        ],
        "notes": collected.notes,
    }


class _Folder:
    """The output folder: a file there is replaced only when this command wrote it."""

    def __init__(self, outdir: Path, overwrite: bool) -> None:
        self.outdir = outdir
        self.overwrite = overwrite
        self.own: dict[str, str] = {}
        self.before: dict[str, str] = {}
        try:
            data = json.loads((outdir / OWN).read_text(encoding="utf-8"))
            self.before = {str(k): str(v) for k, v in data.get("files", {}).items()}
        except (OSError, ValueError, AttributeError):
            self.before = {}

    def _ours(self, path: Path) -> bool:
        name = path.relative_to(self.outdir).as_posix()
        try:
            return self.before.get(name) == hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return False

    def write(self, name: str, data: bytes) -> Path:
        path = self.outdir / name
        write_output(path, data, ours=self._ours(path), overwrite=self.overwrite)
        self.own[name] = hashlib.sha256(data).hexdigest()
        return path

    def close(self) -> None:
        files = self.before | self.own
        write_atomic(self.outdir / OWN, json.dumps({"files": files}, indent=1).encode("utf-8"))


def report_docx(
    data: dict[str, Any], charts: list[Chart], template: Path | None = None
) -> tuple[bytes, list[str]]:
    """The report through the render pipeline, its charts image blocks: named by file in `data`
    (written beside the charts), given as data here, before any file is written."""
    prepared = prepare(_charts_inlined(data, charts))
    if prepared.letter is None:
        raise InputError(REPORT, prepared.problems)
    rendered = Template(template).render(prepared.letter)
    return rendered.data, [*prepared.warnings, *rendered.warnings]


def _charts_inlined(data: dict[str, Any], charts: list[Chart]) -> dict[str, Any]:
    """`data` with each chart's image block holding the PNG itself instead of its file name."""
    pngs = {c.name: base64.b64encode(c.png).decode("ascii") for c in charts}

    def inlined(block: Any) -> Any:
        image = block.get("image") if isinstance(block, dict) else None
        if isinstance(image, dict) and image.get("file") in pngs:
            rest = {k: v for k, v in image.items() if k != "file"}
            return {**block, "image": {**rest, "data": pngs[image["file"]]}}
        return block

    return {**data, "body": [inlined(b) for b in data["body"]]}


def _totals_answer(form: ReportForm, tot: dict[str, Total]) -> Answer:
    """The report's own figures, carried as its data: the totals that are numbers."""
    c = form.consolidated
    answer = Answer(
        agency=c.issuer.short_name, origin=REPORT, abbreviation=c.issuer.abbreviation, date=c.date
    )
    answer.number = c.number
    for ident, total in tot.items():
        if total.how in ("sum", "ratio", "mean", "yes") and total.value is not None:
            answer.values[ident] = total.value
    return answer


def tong_hop(
    form: ReportForm,
    sources: list[Path],
    outdir: Path,
    *,
    register: Path | None = None,
    overwrite: bool = False,
    template: Path | None = None,
) -> Result:
    collected = collect(form, sources)
    st = status(form, collected)
    if not st.valid:
        raise InputError(
            ", ".join(map(str, sources)),
            [
                Problem(
                    "",
                    _("no answer with valid figures: there is nothing to add up"),
                    _("see the findings above"),
                )
            ],
        )
    tot = totals(form, collected, st.valid)
    charts = make_charts(form, collected, st, tot)
    data = report_data(form, collected, tot, charts, status_appendix(form, collected, st))
    docx, warnings = report_docx(data, charts, template)
    docx = embed_docx(docx, form.id, _totals_answer(form, tot))
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(_("{path}: is a file, not a folder").format(path=outdir))
    outdir.mkdir(parents=True, exist_ok=True)
    result = Result(
        outdir, st, [f for fs in collected.findings.values() for f in fs], collected.notes, warnings
    )
    folder = _Folder(outdir, overwrite)
    try:
        result.written.append(folder.write(REPORT, docx))
        for chart in charts:
            result.written.append(folder.write(chart.name, chart.png))
        dump = json.dumps(trace(form, collected, st, tot), ensure_ascii=False, indent=1).encode("utf-8")
        result.written.append(folder.write(TRACE, dump))
        result.written.append(
            folder.write("bao-cao-tong-hop.json", json.dumps(data, ensure_ascii=False, indent=1).encode())
        )
        batch = reminder_batch(form, collected, st, numbered=register is not None)
        if batch["records"]:
            source = folder.write(
                f"{REMINDERS}.json", json.dumps(batch, ensure_ascii=False, indent=1).encode()
            )
            result.reminders = run_batch(
                source,
                outdir / REMINDERS,
                template=template,
                register=register,
                workers=1,
                overwrite=overwrite,
            )
    finally:
        folder.close()
    result.warnings += [_("check: {finding}").format(finding=f) for f in check_docx(docx)]
    return result
