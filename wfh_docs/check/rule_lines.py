"""The solid lines under the agency's name and the Tiêu ngữ (Phụ lục I, Mục II.1.b and II.2.b),
found however a real file draws them: a paragraph border (bottom of the text's paragraph, top
of the next, bottom of an empty one), a drawn line shape (DrawingML or VML), the text or blanks
underlined, or a line of underscores, which is how the decree's own files draw them. The decree
asks for a line, not a way to draw it, so each way is a line; its length is checked where the
file tells it."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_, _
from ..letter.metrics import text_width_twips
from .context import MM, Context, is_rule_line
from .props import Paragraph


@dataclass(frozen=True)
class _LineRules:
    """The rules of the line under an element, and what their findings say."""

    missing: str
    length: str
    no_line: str
    wrong_length: str


TIEU_NGU_LINE = _LineRules(
    "tieu_ngu.rule",
    "tieu_ngu.rule_length",
    N_("no line under the Tiêu ngữ"),
    N_(
        "the line under the Tiêu ngữ is {length:.0f} mm, the decree asks as long as the text "
        "({width:.0f} mm of text)"
    ),
)
AGENCY_LINE = _LineRules(
    "issuer.rule",
    "issuer.rule_length",
    N_("no line under the agency name"),
    N_(
        "the line under the agency name is {length:.0f} mm, the decree asks 0.33-0.5 of the "
        "text's length ({width:.0f} mm of text)"
    ),
)


@dataclass(frozen=True)
class _Line:
    """A line found under an element: the paragraph that draws it, and its length in twips
    where the file tells it (None: not measured)."""

    holder: Paragraph
    length: int | None


def _border_length(ctx: Context, q: Paragraph) -> int | None:
    """A paragraph border's length: its cell's width less its indents (unknown outside cells)."""
    if not q.cell_width:
        return None
    return q.cell_width - q.props.ind.get("left", 0) - q.props.ind.get("right", 0)


def _underlined(p: Paragraph) -> int | None:
    """The length of the underlined text of `p` (the text drawn with its own line), or None."""
    runs = [r for r in p.runs if r.props.underlined and not r.label]
    if not runs:
        return None
    width = 0
    for r in runs:
        size = r.props.size or 13
        if r.text.strip():
            width += text_width_twips(r.text, size, bold=bool(r.props.bold), caps=bool(r.props.caps))
        else:  # underlined spaces or tabs drawing a line: its length is the layout's
            return 0
    return width


def _line(ctx: Context, i: int) -> _Line | None:
    """The line under line i, drawn any way real files draw it: its own bottom border, its
    text underlined, a line shape beside it; in the next lines of its cell a top border, an
    empty paragraph's bottom border, a line shape, underlined blanks or a line of underscores
    (as the decree's own files do); in a table cell, a line shape anchored higher in the cell."""
    p = ctx.paragraphs[i]
    if p.props.border_bottom:
        # the text's own paragraph: its border is as long as its indents make it, which a clerk
        # sets to fit the text without a measure; not measured
        return _Line(p, None)
    if p.lines_drawn:
        return _Line(p, max(p.lines_drawn) or None)
    underlined = _underlined(p)
    if underlined is not None:
        return _Line(p, underlined or None)
    for j in ctx.next_in_cell(i)[:3]:
        q = ctx.paragraphs[j]
        text = q.text.strip()
        if q.props.border_top:
            return _Line(q, _border_length(ctx, q))
        if q.lines_drawn:
            return _Line(q, max(q.lines_drawn) or None)
        if not text and q.props.border_bottom:
            return _Line(q, _border_length(ctx, q))
        if not text and _underlined(q) is not None:
            return _Line(q, None)
        if is_rule_line(text):
            return _Line(q, None)  # typed: its printed length is the font's
        if text:
            break
    if p.in_table:
        for j in range(i - 1, -1, -1):
            q = ctx.paragraphs[j]
            if (q.table_index, q.row, q.cell) != (p.table_index, p.row, p.cell):
                break
            if q.lines_drawn:
                return _Line(q, max(q.lines_drawn) or None)
    return None


def line_under(
    ctx: Context,
    i: int,
    text_width: int,
    rules: _LineRules,
    *,
    ratio: tuple[float, float],
) -> int | None:
    """The solid line under the Tiêu ngữ or the agency's name, and its length: `ratio` of the
    text's width, where the file tells the line's length. The index of the line holding the
    line, when it is a paragraph of its own (a typed or empty one), so that it is no element."""
    found = _line(ctx, i)
    p = ctx.paragraphs[i]
    if found is None:
        ctx.add(rules.missing, _(rules.no_line), found="no line", expected="a solid line under it", where=p)
        return None
    length = found.length
    low, high = ratio
    if length is not None and not (low * text_width * 0.95 <= length <= high * text_width * 1.05):
        want = "as long as the text" if low == high else f"{low:.2g}-{high:.2g} of the text's length"
        ctx.add(
            rules.length,
            _(rules.wrong_length).format(length=length / MM, width=text_width / MM),
            found=f"{length / MM:.0f} mm",
            expected=want,
            where=p,
        )
    return None if found.holder is p else ctx.paragraphs.index(found.holder)
