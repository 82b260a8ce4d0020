"""Figures in Vietnamese form (through wfh_docs.letter.vn): counts grouped '1.245', decimals with
a comma '81,4', amounts '12.500.000 đồng', yes/no 'Có'/'Không'; and the phụ lục table of an
agency's letter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..letter.vn import format_number
from .answers import Answer, Value
from .form import Indicator, ReportForm


def shown(ind: Indicator, value: Value | None) -> str:
    """A figure as the report prints it ('' when there is none)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, str):
        return value
    if ind.type == "percentage":
        return format_number(Decimal(value), 1) + " %"
    if ind.type == "amount":
        return format_number(value) + " đồng"
    return format_number(value)


def appendix(form: ReportForm, answer: Answer) -> dict[str, Any]:
    """The phụ lục of an agency's letter: one row per indicator, its unit and the figure."""
    rows: list[list[Any]] = []
    for n, ind in enumerate(form.indicators, start=1):
        figure = shown(ind, answer.values.get(ind.id))
        if ind.type in ("percentage", "amount"):
            figure = figure.rsplit(" ", 1)[0] if figure else ""
        rows.append([str(n), ind.label, ind.unit, figure])
    return {
        "title": f"Số liệu báo cáo {form.title}",
        "content": [
            {
                "table": {
                    "columns": ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"],
                    "rows": rows,
                    "widths": [1, 7, 2, 2.5],
                }
            }
        ],
    }
