"""The consolidated BÁO CÁO as letter data (type 'bao-cao', Mẫu 1.4): sentences made from the
figures, the table of totals, the charts' places, the phụ lục of every agency's figures and the
list of agencies that did not answer, answered late or answered with figures to correct."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..letter.vn import format_number, format_short_date
from .aggregate import Total
from .charts import Chart
from .collect import Collected
from .figures import shown
from .form import Indicator, ReportForm


@dataclass(frozen=True)
class Status:
    """Who answered, in the form's order of agencies."""

    expected: list[str]
    answered: list[str]
    missing: list[str]
    late: list[str]
    invalid: list[str]
    valid: list[str]


def status(form: ReportForm, collected: Collected) -> Status:
    expected = [a.name for a in form.agencies] or list(collected.answers)
    answered = [a for a in expected if a in collected.answers]
    late = [a for a in answered if (d := collected.answers[a].date) is not None and d > form.deadline]
    invalid = [a for a in answered if collected.findings.get(a)]
    valid = [a for a in answered if a not in invalid]
    return Status(expected, answered, [a for a in expected if a not in answered], late, invalid, valid)


def _names(agencies: list[str]) -> str:
    return ", ".join(agencies)


def status_sentences(form: ReportForm, st: Status) -> list[str]:
    out = [f"{len(st.answered)}/{len(st.expected)} cơ quan, đơn vị đã báo cáo."]
    if st.late:
        out.append(
            f"{len(st.late)} cơ quan, đơn vị báo cáo sau hạn ngày {format_short_date(form.deadline)}: "
            f"{_names(st.late)}."
        )
    if st.missing:
        out.append(f"{len(st.missing)} cơ quan, đơn vị chưa báo cáo: {_names(st.missing)}.")
    if st.invalid:
        out.append(
            f"{len(st.invalid)} cơ quan, đơn vị có số liệu chưa hợp lệ, chưa được tổng hợp và đã được đề "
            f"nghị điều chỉnh: {_names(st.invalid)}."
        )
    out.append(f"Số liệu dưới đây được tổng hợp từ báo cáo của {len(st.valid)} cơ quan, đơn vị.")
    return out


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def figure_sentence(form: ReportForm, ind: Indicator, total: Total, agencies: int) -> str | None:
    """The sentence of one indicator's total, or None when there is nothing to say."""
    if total.how == "ratio":
        if total.parts is None or total.value is None or ind.computed is None:
            return None
        top, base = (format_number(p) for p in total.parts)
        value = shown(ind, total.value)
        if ind.sentence:
            text = ind.sentence.replace("{numerator}", top).replace("{denominator}", base)
            return text.replace("{value}", value).rstrip(".") + "."
        unit = form.indicator(ind.computed.denominator).unit
        return f"{ind.label}: {value} ({top}/{base} {unit})."
    if total.how == "sum":
        return f"{ind.label}: {shown(ind, total.value)}" + (f" {ind.unit}." if ind.type == "count" else ".")
    if total.how == "mean" and total.value is not None:
        return f"{ind.label}, bình quân {len(total.sources)} cơ quan, đơn vị: {shown(ind, total.value)}."
    if total.how == "yes":
        return f"{total.counts['có']}/{agencies} cơ quan, đơn vị {_lower_first(ind.label)}."
    if total.how == "choice":
        counts = "; ".join(f"{c}: {n}" for c, n in total.counts.items())
        return f"{ind.label} (số cơ quan, đơn vị): {counts}."
    return None


def _totals_table(form: ReportForm, totals: dict[str, Total]) -> dict[str, Any]:
    rows: list[list[str]] = []
    for ind in form.indicators:
        total = totals[ind.id]
        if total.how in ("sum", "ratio", "mean"):
            figure = shown(ind, total.value).removesuffix(" %").removesuffix(" đồng")
            rows.append([str(len(rows) + 1), ind.label, ind.unit, figure, str(len(total.sources))])
    return {
        "table": {
            "columns": ["STT", "Chỉ tiêu", "Đơn vị tính", "Tổng hợp", "Số cơ quan, đơn vị"],
            "rows": rows,
            "widths": [1.3, 6, 2, 2.8, 2.5],
        }
    }


def agencies_table(
    form: ReportForm, collected: Collected, st: Status, totals: dict[str, Total]
) -> dict[str, Any]:
    """Every agency's figures as it gave them, a column per number, and the row of the totals
    (of the valid answers: those to correct are marked (*) and not added up)."""
    numbers = [i for i in form.indicators if i.type in ("count", "percentage", "amount")]
    columns = ["STT", "Cơ quan, đơn vị"] + [
        f"{i.short or i.label}" + (f" ({i.unit})" if i.unit else "") for i in numbers
    ]
    rows: list[list[str]] = []
    for n, agency in enumerate(st.answered, start=1):
        answer = collected.answers[agency]
        cells = [
            _cell(i, answer.values[i.id]) if i.id in answer.values else _raw(answer.raw.get(i.id))
            for i in numbers
        ]
        rows.append([str(n), agency + (" (*)" if agency in st.invalid else "")] + cells)
    rows.append(["", "**Tổng cộng**"] + [f"**{_cell(i, totals[i.id].value)}**" for i in numbers])
    widths = [1.0, 4.5] + [2.6 if i.type == "amount" else 1.6 for i in numbers]
    return {"table": {"columns": columns, "rows": rows, "widths": widths}}


def _raw(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _cell(ind: Indicator, value: Any) -> str:
    text = shown(ind, value)
    return text.removesuffix(" %").removesuffix(" đồng")


def _marked(st: Status) -> list[str]:
    if not st.invalid:
        return []
    return ["(*) Số liệu chưa hợp lệ, chưa tính vào dòng Tổng cộng; đã đề nghị cơ quan, đơn vị điều chỉnh."]


def _chart_blocks(charts: list[Chart]) -> list[Any]:
    out: list[Any] = []
    for n, chart in enumerate(charts, start=1):
        out.append({"image": {"file": chart.name, "alt": chart.title}, "align": "center"})
        out.append({"paragraph": f"**Biểu đồ {n}. {chart.title}**", "align": "center"})
    return out


def _opening(form: ReportForm) -> str:
    r, c = form.request, form.consolidated
    return (
        f"Thực hiện Văn bản số {r.number} ngày {format_short_date(r.date)} của {r.agency} về việc "
        f"{r.subject}, các cơ quan, đơn vị báo cáo {form.title} từ ngày "
        f"{format_short_date(form.period.start)} đến ngày {format_short_date(form.period.end)}. "
        f"{c.issuer.short_name} tổng hợp, báo cáo như sau:"
    )


def report_data(
    form: ReportForm,
    collected: Collected,
    totals: dict[str, Total],
    charts: list[Chart],
    late_list: dict[str, Any],
) -> dict[str, Any]:
    """The consolidated report as letter data, ready for the render pipeline."""
    c = form.consolidated
    st = status(form, collected)
    body: list[Any] = [_opening(form), {"heading": "1. Tình hình báo cáo của các cơ quan, đơn vị"}]
    body += status_sentences(form, st)
    body.append({"heading": "2. Kết quả tổng hợp số liệu"})
    for ind in form.indicators:
        sentence = figure_sentence(form, ind, totals[ind.id], len(st.valid))
        if sentence:
            body.append("- " + sentence)
    body.append(_totals_table(form, totals))
    body += _chart_blocks(charts)
    body.append(
        "Số liệu của từng cơ quan, đơn vị tại Phụ lục I; danh sách cơ quan, đơn vị chưa báo cáo, báo cáo "
        "sau hạn hoặc có số liệu cần điều chỉnh tại Phụ lục II."
    )
    for n, section in enumerate(form.sections, start=3):
        body += [{"heading": f"{n}. {section.title}"}, "*(Nội dung do đơn vị soạn thảo bổ sung.)*"]
    body.append(f"{c.issuer.short_name} kính báo cáo {c.recipients[0]} xem xét, chỉ đạo./.")
    data: dict[str, Any] = {
        "type": "bao-cao",
        "issuer": c.issuer.model_dump(exclude_defaults=True),
        "subject": c.subject,
        "recipients": list(c.recipients),
        "body": body,
        "signer": c.signer.model_dump(exclude_defaults=True),
        "cc": list(c.cc),
        "appendices": [
            {
                "title": "Số liệu báo cáo của các cơ quan, đơn vị",
                "landscape": True,
                "content": [agencies_table(form, collected, st, totals), *_marked(st)],
            },
            late_list,
        ],
    }
    if c.number is not None:
        data["number"] = c.number
    if c.date is not None:
        data["date"] = c.date.isoformat()
    return data
