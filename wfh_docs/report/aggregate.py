"""The totals of a round, each with the figures it was made of and where each was read, so that
any total can be recomputed from the inputs. Only answers without findings are added up."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .answers import Value, percentage
from .collect import Collected
from .form import Indicator, ReportForm


@dataclass(frozen=True)
class Source:
    agency: str
    place: str  # the file, sheet, row and cell (or the letter's data part) it was read from
    value: Value


@dataclass
class Total:
    indicator: str
    how: str  # sum | ratio | mean | yes | choice | text
    value: Value | None
    sources: list[Source] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # choice -> agencies; yes -> agencies
    parts: tuple[int, int] | None = None  # a ratio's numerator and denominator totals


def _sources(collected: Collected, agencies: list[str], ident: str) -> list[Source]:
    out = []
    for agency in agencies:
        answer = collected.answers[agency]
        if ident in answer.values:
            out.append(Source(agency, answer.place(ident), answer.values[ident]))
    return out


def totals(form: ReportForm, collected: Collected, agencies: list[str]) -> dict[str, Total]:
    """The total of each indicator over the valid answers of `agencies` (in that order)."""
    used = [a for a in agencies if collected.valid(a)]
    out: dict[str, Total] = {}
    for ind in form.indicators:
        if ind.computed is None:
            out[ind.id] = _total(ind, _sources(collected, used, ind.id))
    for ind in form.indicators:
        if ind.computed is not None:
            top = out[ind.computed.numerator].value
            base = out[ind.computed.denominator].value
            ratio = percentage(top, base) if isinstance(top, int) and isinstance(base, int) and base else None
            parts = (top, base) if isinstance(top, int) and isinstance(base, int) else None
            out[ind.id] = Total(ind.id, "ratio", ratio, _sources(collected, used, ind.id), parts=parts)
    return out


def _total(ind: Indicator, sources: list[Source]) -> Total:
    values = [s.value for s in sources]
    numbers = [v for v in values if isinstance(v, (int, Decimal)) and not isinstance(v, bool)]
    if ind.type in ("count", "amount"):
        total: int | Decimal = 0
        for v in numbers:
            total += v
        return Total(ind.id, "sum", total, sources)
    if ind.type == "percentage":
        mean = (
            (sum((Decimal(v) for v in numbers), Decimal(0)) / len(numbers)).quantize(Decimal("0.1"))
            if numbers
            else None
        )
        return Total(ind.id, "mean", mean, sources)
    if ind.type == "yes/no":
        yes = sum(1 for v in values if v is True)
        return Total(ind.id, "yes", yes, sources, counts={"có": yes, "không": len(values) - yes})
    if ind.type == "choice":
        counts = {c: sum(1 for v in values if v == c) for c in ind.choices}
        return Total(ind.id, "choice", None, sources, counts=counts)
    return Total(ind.id, "text", None, sources)
