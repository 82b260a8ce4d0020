"""An agency's answer to a report form, where each figure came from, and the check of every
figure against the form's rules (missing, not a number, a total that does not add up, a count
over its limit, a percentage over 100 or not the one its counts give, a choice not offered)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..i18n import _
from ..letter.vn import format_number
from .form import Indicator, ReportForm

Value = int | Decimal | str | bool
YES = ("có", "co", "yes", "x", "true", "1")
NO = ("không", "khong", "no", "false", "0")
TOLERANCE = Decimal("0.05")
_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+")  # a typed percentage within this of the computed one agrees


@dataclass
class Answer:
    """One agency's figures as read, with the place of each (a cell, or a letter's data part)."""

    agency: str  # the agency's name in running text ('Sở Nội vụ')
    origin: str  # the file the answer came from
    sheet: str = ""  # the sheet, for a workbook
    row: int = 0  # the row, for a workbook
    abbreviation: str = ""
    number: int | None = None
    date: dt.date | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # indicator id -> the value as found
    cells: dict[str, str] = field(default_factory=dict)  # indicator id -> 'E7' (a workbook)
    values: dict[str, Value] = field(default_factory=dict)  # indicator id -> the checked value

    def place(self, ident: str = "") -> str:
        """'answers.xlsx, sheet 'Văn bản', row 7, cell E7' or 'so-noi-vu.docx, customXml/item1.xml'."""
        parts = [self.origin]
        if self.sheet:
            parts.append(_("sheet '{sheet}'").format(sheet=self.sheet))
        if self.row:
            parts.append(_("row {row}").format(row=self.row))
        if ident and ident in self.cells:
            parts.append(_("cell {cell}").format(cell=self.cells[ident]))
        elif ident:
            parts.append(_("field {field}").format(field=ident))
        return ", ".join(parts)


@dataclass(frozen=True)
class Finding:
    """A figure that breaks a rule: whose, where, which rule, in words."""

    agency: str
    place: str
    rule: str  # missing, number, sum, at-most, over-100, computed, choice, yes-no
    indicator: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.place}: {self.agency}: {self.message} (" + _("rule {rule}").format(rule=self.rule) + ")"
        )


def _number(ind: Indicator, raw: Any) -> Value:
    """The typed figure as a number of the indicator's kind: ValueError with the reason."""
    if isinstance(raw, bool):
        raise ValueError(_("is not a number"))
    if isinstance(raw, str):
        text = raw.strip().replace(" ", "")
        if "," in text:  # the Vietnamese way: 1.245,5
            text = text.replace(".", "").replace(",", ".")
        elif _GROUPED.fullmatch(text) and ind.type in ("count", "amount"):  # 1.245 is a thousand and more
            text = text.replace(".", "")
        try:
            raw = Decimal(text.removesuffix("%"))
        except InvalidOperation:
            raise ValueError(_("is not a number")) from None
    if isinstance(raw, float):
        raw = Decimal(repr(raw))
    if not isinstance(raw, (int, Decimal)):
        raise ValueError(_("is not a number"))
    value = Decimal(raw)
    if not value.is_finite() or value < 0:
        raise ValueError(_("must be a number of zero or more"))
    if ind.type == "count":
        if value != value.to_integral_value():
            raise ValueError(_("must be a whole number"))
        return int(value)
    return int(value) if value == value.to_integral_value() and ind.type == "amount" else value


def _value(ind: Indicator, raw: Any) -> Value:
    if ind.type in ("count", "percentage", "amount"):
        return _number(ind, raw)
    text = str(raw).strip()
    if ind.type == "yes/no":
        if isinstance(raw, bool):
            return raw
        if text.casefold() in YES:
            return True
        if text.casefold() in NO:
            return False
        raise ValueError(_("must be 'có' or 'không'"))
    if ind.type == "choice" and text not in ind.choices:
        raise ValueError(_("must be one of: {choices}").format(choices=", ".join(ind.choices)))
    return text


def _missing(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def check_answer(form: ReportForm, answer: Answer) -> list[Finding]:
    """Fill `answer.values` from its raw figures and list every rule broken."""
    found: list[Finding] = []

    def add(ind: Indicator, rule: str, message: str) -> None:
        label = f"{ind.label} ({ind.id})"
        found.append(Finding(answer.agency, answer.place(ind.id), rule, ind.id, f"{label}: {message}"))

    for ind in form.indicators:
        if not ind.typed:
            continue
        raw = answer.raw.get(ind.id)
        if _missing(raw):
            if ind.required:
                add(ind, "missing", _("the figure is missing"))
            continue
        try:
            answer.values[ind.id] = _value(ind, raw)
        except ValueError as exc:
            add(
                ind, "number" if ind.type in ("count", "percentage", "amount") else "choice", f"'{raw}' {exc}"
            )
    _computed(form, answer)
    for ind in form.indicators:
        typed = answer.raw.get(ind.id)
        if ind.computed is not None and not _missing(typed) and ind.id in answer.values:
            try:
                given = _number(ind, typed)
            except ValueError:
                given = None
            if given is None or abs(Decimal(given) - Decimal(answer.values[ind.id])) > TOLERANCE:
                add(
                    ind,
                    "computed",
                    _("'{typed}' was typed, but the counts give {value}%").format(
                        typed=typed, value=_vn(answer.values[ind.id])
                    ),
                )
    for ind in form.indicators:
        for rule, message in _relations(form, ind, answer.values):
            add(ind, rule, message)
    return found


def _computed(form: ReportForm, answer: Answer) -> None:
    """Each computed percentage from its two counts (when both are there and the base is not 0);
    a percentage the agency typed as well is kept in raw, to compare."""
    for ind in form.indicators:
        if ind.computed is None:
            continue
        top = answer.values.get(ind.computed.numerator)
        base = answer.values.get(ind.computed.denominator)
        if isinstance(top, int) and isinstance(base, int) and base > 0:
            answer.values[ind.id] = percentage(top, base)


def percentage(top: int, base: int) -> Decimal:
    """100 * top / base to one decimal, half up (as the report prints it)."""
    return (Decimal(100) * top / base).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")


def _relations(form: ReportForm, ind: Indicator, values: dict[str, Value]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    value = values.get(ind.id)
    if not isinstance(value, (int, Decimal)) or isinstance(value, bool):
        return out
    if ind.parts and all(isinstance(values.get(p), (int, Decimal)) for p in ind.parts):
        total = sum(Decimal(values[p]) for p in ind.parts)
        if total != value:
            parts = " + ".join(f"{p} {_vn(values[p])}" for p in ind.parts)
            out.append(
                (
                    "sum",
                    _("the total {value} is not the sum of its parts ({parts} = {sum})").format(
                        value=_vn(value), parts=parts, sum=_vn(total)
                    ),
                )
            )
    limit = values.get(ind.at_most) if ind.at_most else None
    if isinstance(limit, (int, Decimal)) and not isinstance(limit, bool) and value > limit:
        out.append(
            (
                "at-most",
                _("{value} is larger than {other} ({limit})").format(
                    value=_vn(value), other=form.indicator(ind.at_most).label, limit=_vn(limit)
                ),
            )
        )
    if ind.type == "percentage" and value > 100:
        out.append(("over-100", _("{value}% is over 100%").format(value=_vn(value))))
    return out


def _vn(value: Value) -> str:
    """A number as the messages print it, the Vietnamese way ('1.245', '109,7')."""
    return (
        format_number(value)
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool)
        else str(value)
    )
