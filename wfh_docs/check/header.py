"""The head of the letter: the Quốc hiệu, the Tiêu ngữ and its line, the agency's name and its
line, "Số:" with the ký hiệu, and the place and date (Phụ lục I, Mục II.1 to II.4)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import N_, _
from ..letter.metrics import text_width_twips
from .context import DATE, MM, Context, caps, short, size_text, sizes
from .props import Paragraph

_QUOC_HIEU = re.compile(r"^CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM$")
_QUOC_HIEU_RIGHT = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
_TIEU_NGU = re.compile(r"^Độc\s+lập\s*[-–—‐‑]\s*Tự\s+do\s*[-–—‐‑]\s*Hạnh\s+phúc$", re.IGNORECASE)
_TIEU_NGU_RIGHT = "Độc lập - Tự do - Hạnh phúc"
_SO = re.compile(r"^Số\b\s*(:?)\s*(.*)$")
_SPACED_DASH = re.compile(r"\s-|-\s")
_HEAD = 40  # the header is within the first paragraphs
_UNDERSCORES = {"_", "-", "‗"}


@dataclass(frozen=True)
class _LineRules:
    """The rules of the line under an element, and what their findings say."""

    missing: str
    typed: str
    length: str
    no_line: str
    wrong_length: str


TIEU_NGU_LINE = _LineRules(
    "tieu_ngu.rule",
    "tieu_ngu.rule_typed",
    "tieu_ngu.rule_length",
    N_("no line under the Tiêu ngữ"),
    N_(
        "the line under the Tiêu ngữ is {length:.0f} mm, the decree asks as long as the text "
        "({width:.0f} mm of text)"
    ),
)
AGENCY_LINE = _LineRules(
    "agency.rule",
    "agency.rule_typed",
    "agency.rule_length",
    N_("no line under the agency name"),
    N_(
        "the line under the agency name is {length:.0f} mm, the decree asks 0.33-0.5 of the "
        "text's length ({width:.0f} mm of text)"
    ),
)


def check(ctx: Context) -> None:
    ctx.quoc_hieu = quoc_hieu(ctx)
    ctx.tieu_ngu = tieu_ngu(ctx)
    ctx.number = number(ctx)
    agency(ctx)
    date(ctx)


def quoc_hieu(ctx: Context) -> int | None:
    i = next(
        (k for k, t in enumerate(ctx.texts[:_HEAD]) if _QUOC_HIEU.match(" ".join(t.upper().split()))), None
    )
    if i is None:
        ctx.add("quoc_hieu.missing", _("the Quốc hiệu is missing"), expected=_QUOC_HIEU_RIGHT)
        return None
    p = ctx.paragraphs[i]
    if not caps(p):
        ctx.add(
            "quoc_hieu.format",
            _("must be in capitals"),
            found=short(p.text),
            expected=_QUOC_HIEU_RIGHT,
            where=p,
        )
    ctx.require(p, "bold", "quoc_hieu.format", _("must be bold"))
    ctx.size_range(p, "quoc_hieu.format", 12, 13)
    return i


def tieu_ngu(ctx: Context) -> int | None:
    i = next((k for k, t in enumerate(ctx.texts[:_HEAD]) if _TIEU_NGU.match(" ".join(t.split()))), None)
    if i is None:
        ctx.add("tieu_ngu.missing", _("the Tiêu ngữ is missing"), expected=_TIEU_NGU_RIGHT)
        return None
    p = ctx.paragraphs[i]
    shown = " ".join(p.text.split())
    if shown != _TIEU_NGU_RIGHT:
        ctx.add(
            "tieu_ngu.text",
            _("the phrases are joined by a hyphen with a space on each side"),
            found=shown,
            expected=_TIEU_NGU_RIGHT,
            where=p,
        )
    ctx.require(p, "bold", "tieu_ngu.format", _("must be bold"))
    ctx.size_range(p, "tieu_ngu.format", 13, 14)
    width = text_width_twips(_TIEU_NGU_RIGHT, max(sizes(p) or {13}), bold=True)
    line_under(ctx, i, width, TIEU_NGU_LINE, ratio=(1.0, 1.0), column=p.cell_width)
    return i


def _line(ctx: Context, i: int) -> tuple[Paragraph | None, Paragraph | None]:
    """The paragraph that draws the line under paragraph i (its own bottom border, a border or
    a drawing in the next paragraphs of its cell, or a drawing beside its text), and the
    paragraph of underscores that stands for one instead."""
    p = ctx.paragraphs[i]
    if p.props.border_bottom:
        return p, None
    for j in ctx.next_in_cell(i)[:2]:
        q = ctx.paragraphs[j]
        if q.props.border_bottom or q.drawing:
            return q, None
        if q.text.strip():
            if set(q.text.strip()) <= _UNDERSCORES:
                return None, q
            break
    return (p if p.drawing else None), None


def line_under(
    ctx: Context,
    i: int,
    text_width: int,
    rules: _LineRules,
    *,
    ratio: tuple[float, float],
    column: int | None,
) -> None:
    """The solid line under the Tiêu ngữ or the agency's name, and its length: `ratio`
    of the text's width, measured where the line is a paragraph border in a table cell of known
    width."""
    line, typed = _line(ctx, i)
    if typed is not None:
        ctx.add(
            rules.typed,
            _("the line is typed with underscores; draw a real line"),
            found=typed.text.strip(),
            expected="a drawn line",
            where=typed,
        )
        return
    p = ctx.paragraphs[i]
    if line is None:
        ctx.add(rules.missing, _(rules.no_line), found="no line", expected="a solid line under it", where=p)
        return
    if line.drawing or line is p or not column:
        return
    length = column - line.props.ind.get("left", 0) - line.props.ind.get("right", 0)
    low, high = ratio
    if not (low * text_width * 0.95 <= length <= high * text_width * 1.05):
        want = "as long as the text" if low == high else f"{low:.2g}-{high:.2g} of the text's length"
        ctx.add(
            rules.length,
            _(rules.wrong_length).format(length=length / MM, width=text_width / MM),
            found=f"{length / MM:.0f} mm",
            expected=want,
            where=p,
        )


def number(ctx: Context) -> int | None:
    i = ctx.find(_SO, stop=_HEAD)
    if i is None:
        return None
    p = ctx.paragraphs[i]
    m = _SO.match(ctx.texts[i])
    assert m
    colon, rest = m.group(1), m.group(2)
    if not colon:
        ctx.add(
            "number.format", _('write a colon after "Số"'), found=ctx.texts[i], expected="Số: 05/...", where=p
        )
    number_, slash, symbol = rest.partition("/")
    if slash:
        _number_spaces(ctx, p, rest, number_, symbol)
        n = number_.strip()
        if len(n) == 1 and n.isdecimal() and int(n) < 10:
            ctx.add(
                "number.format",
                _("a number under 10 is written with a leading 0"),
                found=f"{n}/",
                expected=f"0{n}/",
                where=p,
            )
    found = sizes(p)
    if found and found != {13}:
        ctx.add(
            "number.size",
            _("size {found}, the decree asks {size:g} pt").format(found=size_text(found), size=13),
            found=size_text(found),
            expected="13 pt",
            where=p,
        )
    return i


def _number_spaces(ctx: Context, p: Paragraph, rest: str, number_: str, symbol: str) -> None:
    """No spaces around "/" and "-" in "05/SCT-VP"."""
    if number_.strip() and (
        number_ != number_.strip() or symbol != symbol.strip() or _SPACED_DASH.search(symbol)
    ):
        ctx.add(
            "number.format",
            _("no spaces around '/' and '-' in the number and ký hiệu"),
            found=rest,
            expected=re.sub(r"\s*([/-])\s*", r"\1", rest.strip()),
            where=p,
        )
    elif _SPACED_DASH.search(symbol.strip()):
        ctx.add(
            "number.format",
            _("no spaces around '-' in the ký hiệu"),
            found=symbol,
            expected=re.sub(r"\s*-\s*", "-", symbol.strip()),
            where=p,
        )


def agency(ctx: Context) -> None:
    """The agency's name: the last line in capitals above "Số:" (in its column); the lines
    above it are the parent agency's."""
    so = ctx.number
    if so is None:
        return
    p_so = ctx.paragraphs[so]
    lines = []
    for k in range(so):
        q = ctx.paragraphs[k]
        if k in (ctx.quoc_hieu, ctx.tieu_ngu) or not q.text.strip():
            continue
        if p_so.in_table and (q.table_index, q.cell) != (p_so.table_index, p_so.cell):
            continue
        if q.text.strip().upper() == q.text.strip() or caps(q):
            lines.append(k)
    if not lines:
        return
    name = ctx.paragraphs[lines[-1]]
    ctx.require(name, "bold", "agency.format", _("the issuing agency's name must be bold"))
    if not caps(name):
        ctx.add(
            "agency.format", _("must be in capitals"), found=name.text, expected=name.text.upper(), where=name
        )
    ctx.size_range(name, "agency.format", 12, 13)
    for k in lines[:-1]:
        ctx.size_range(ctx.paragraphs[k], "agency.parent_format", 12, 13)
    size = max(sizes(name) or {13})
    width = max(text_width_twips(t, size, bold=True, caps=True) for t in name.text.split("\n"))
    column = name.cell_width
    line_under(ctx, lines[-1], min(width, column or width), AGENCY_LINE, ratio=(1 / 3, 1 / 2), column=column)


def date(ctx: Context) -> None:
    i = ctx.find(DATE, stop=_HEAD)
    if i is None:
        return
    p = ctx.paragraphs[i]
    m = DATE.match(ctx.texts[i])
    assert m
    place = m.group("place").strip()
    if place and not m.group("comma"):
        ctx.add(
            "date.comma",
            _("a comma follows the place name"),
            found=f"{place} ngày",
            expected=f"{place}, ngày",
            where=p,
        )
    _date_digits(ctx, p, m.group("d"), m.group("m"))
    ctx.require(p, "italic", "date.style", _("must be italic"))
    ctx.size_range(p, "date.style", 13, 14)


def _date_digits(ctx: Context, p: Paragraph, d: str, mo: str) -> None:
    """Days under 10 and months 1 and 2 with a leading 0; months 3 to 12 without."""
    if len(d) == 1 and d.isdecimal() and int(d) < 10:
        ctx.add(
            "date.format",
            _("day {d} is written with a leading 0").format(d=d),
            found=f"ngày {d}",
            expected=f"ngày 0{d}",
            where=p,
        )
    if not (mo.isdecimal() and len(mo) <= 4):  # a longer one is no month (and int() refuses 4,300 digits)
        return
    month = int(mo)
    if month in (1, 2) and len(mo) == 1:
        ctx.add(
            "date.format",
            _("month {month} is written 0{month}").format(month=month),
            found=f"tháng {mo}",
            expected=f"tháng 0{month}",
            where=p,
        )
    if month >= 3 and mo.startswith("0"):
        ctx.add(
            "date.format",
            _("month {month} must not be written {written}").format(month=month, written=mo),
            found=f"tháng {mo}",
            expected=f"tháng {month}",
            where=p,
        )
