"""From "Kính gửi" to the signature: the recipients' lines (Phụ lục I, Mục II.9.d, ô 9a) and the
body (Mục II.6.e): justified, first line indented, 13-14 pt, single to 1.5 line spacing, 6 pt
between paragraphs, ending "./."."""

from __future__ import annotations

import re
from collections import Counter

from ..i18n import _
from .context import DATE, MM, Context, is_dash_line, sizes
from .kinds import is_heading
from .props import Paragraph, as_int

_KINH_GUI = re.compile(r"^Kính\s+gửi")
_V_V = re.compile(r"^V/v")
_SIGNATURE = re.compile(r"^Nơi\s+nhận|^(TM|KT|TL|TUQ|Q)\.\s*\S")
_INDENTS = (567, 720)  # 1 cm and 1.27 cm, in twips
_SHOWN = 3  # findings of one rule shown per letter: a wrong style would give one per paragraph


def check(ctx: Context) -> None:
    ctx.recipients = recipients(ctx)
    ctx.signature = ctx.find(_SIGNATURE, start=(ctx.recipients or 0) + 1)
    body(ctx)


def recipients(ctx: Context) -> int | None:
    """ "Kính gửi:" and, for several recipients, their list; the index of its last line."""
    i = ctx.find(_KINH_GUI)
    if i is None:
        if ctx.cong_van:
            ctx.add(
                "recipients.missing",
                _('a công văn names its recipients after "Kính gửi:", before the body'),
                expected="Kính gửi: ...",
            )
        return None
    p = ctx.paragraphs[i]
    after = _KINH_GUI.sub("", ctx.texts[i])
    if not after.startswith(":"):
        ctx.add(
            "recipients.format",
            _('write a colon after "Kính gửi"'),
            found=ctx.texts[i][:30],
            expected="Kính gửi: ...",
            where=p,
        )
    ctx.size_range(p, "recipients.format", 13, 14)
    if after.lstrip(":").strip():
        return i
    items = []
    for j in range(i + 1, len(ctx.paragraphs)):
        t = ctx.texts[j]
        if not t:
            continue
        if not is_dash_line(t):
            break
        items.append(j)
    ctx.dash_list(items, "recipients.format", "recipient")
    return items[-1] if items else i


def _body_start(ctx: Context) -> int | None:
    """The body starts after Kính gửi, or without one after the header's last element."""
    if ctx.recipients is not None:
        return ctx.recipients + 1
    if ctx.type_line is not None:
        # after the tên loại, its trích yếu, the line under it and the issuing authority, all
        # centred, and the recipients a công điện lists under them
        j = ctx.type_line + 1
        n = len(ctx.paragraphs)
        while (
            j < n
            and not ctx.paragraphs[j].in_table
            and (not ctx.texts[j] or ctx.paragraphs[j].props.jc == "center")
        ):
            j += 1
        while j < n and (not ctx.texts[j] or is_dash_line(ctx.texts[j])):
            j += 1
        return j
    found = (ctx.number, ctx.find(DATE, stop=40), ctx.find(_V_V, stop=40))
    anchors = [k for k in found if k is not None]
    return max(anchors) + 1 if anchors else None


def body(ctx: Context) -> None:
    start = _body_start(ctx)
    if start is None:
        return
    stop = ctx.signature if ctx.signature is not None else len(ctx.paragraphs)
    texts = [k for k in range(start, stop) if ctx.texts[k] and not ctx.paragraphs[k].in_table]
    figures = {k for k in texts if _figure(ctx, k)}
    body = [k for k in texts if not _heading(ctx.paragraphs[k]) and k not in figures]
    if not body:
        return
    shown: Counter[str] = Counter()  # findings so far, by rule
    previous: Paragraph | None = None
    for k in body:
        p = ctx.paragraphs[k]
        _paragraph(ctx, p, shown)
        if previous is not None and p.line == 0 and shown["body.spacing"] < _SHOWN:
            gap = as_int(previous.props.spacing.get("after")) + as_int(p.props.spacing.get("before"))
            if gap < 120:
                shown["body.spacing"] += 1
                ctx.add(
                    "body.spacing",
                    _("paragraphs are at least 6 pt apart"),
                    found=f"{gap / 20:g} pt",
                    expected="at least 6 pt",
                    where=p,
                )
        previous = p
    last = max([body[-1], *figures])  # a caption under a picture may end it
    if not ctx.texts[last].endswith("./."):
        ctx.add(
            "body.closing",
            _('the content ends with "./."'),
            found=ctx.texts[last][-12:],
            expected="./.",
            where=ctx.paragraphs[last],
        )


def _heading(p: Paragraph) -> bool:
    """A heading of the body ("QUYẾT ĐỊNH:", a Chương's or Mục's title): centred and bold, as
    Mục II.6.đ sets them, so no paragraph of running text; a line the kinds' check knows as a
    heading ("QUYẾT ĐỊNH:") is one whatever its look, which kinds.py judges."""
    if is_heading(p.text):
        return True
    props = p.run_props()
    return p.props.jc == "center" and bool(props) and all(r.bold for r in props)


def _picture(p: Paragraph) -> bool:
    """A centred paragraph holding a picture (a drawing that is no drawn line)."""
    return p.drawing and not p.lines_drawn and p.props.jc == "center" and not p.in_table


def _figure(ctx: Context, k: int) -> bool:
    """A centred picture, or the centred caption right under one ("Biểu đồ 1. ..."): set as
    figures are, so no paragraph of running text."""
    p = ctx.paragraphs[k]
    if _picture(p):
        return True
    if p.props.jc != "center" or p.in_table or p.line:
        return False
    j = k - 1
    while j >= 0 and not ctx.texts[j] and not ctx.paragraphs[j].drawing:
        j -= 1  # an empty paragraph between them
    return j >= 0 and _picture(ctx.paragraphs[j])


def _paragraph(ctx: Context, p: Paragraph, shown: Counter[str]) -> None:
    """One paragraph of the body: alignment, first-line indent, size and line spacing."""
    if p.props.jc not in ("both", "distribute") and shown["body.alignment"] < _SHOWN:
        shown["body.alignment"] += 1
        ctx.add(
            "body.alignment",
            _("body text is justified on both sides"),
            found=p.props.jc or "left",
            expected="justified",
            where=p,
        )
    first = p.props.ind.get("firstLine", 0) - p.props.ind.get("hanging", 0)
    if (
        p.line == 0
        and not any(abs(first - want) <= 0.5 * MM for want in _INDENTS)
        and shown["body.indent"] < _SHOWN
    ):
        shown["body.indent"] += 1
        ctx.add(
            "body.indent",
            _("the first line is indented 1 cm or 1.27 cm"),
            found=f"{first / 567:.2f} cm",
            expected="1 cm or 1.27 cm",
            where=p,
        )
    if shown["body.size"] < _SHOWN and not ctx.size_range(p, "body.size", 13, 14):
        shown["body.size"] += 1
    spacing = _line_spacing(p)
    if spacing is not None and shown["body.line_spacing"] < _SHOWN:
        shown["body.line_spacing"] += 1
        ctx.add(
            "body.line_spacing",
            _("line spacing is from single to 1.5 lines"),
            found=spacing,
            expected="single to 1.5 lines",
            where=p,
        )


def _line_spacing(p: Paragraph) -> str | None:
    """The paragraph's line spacing, as Word shows it, when it is not single to 1.5 lines."""
    rule = p.props.spacing.get("lineRule", "auto")
    line = as_int(p.props.spacing.get("line"), 240)
    if rule == "auto":
        lines = line / 240
        return None if 0.99 <= lines <= 1.51 else f"{lines:.2f} lines"
    points = line / 20
    size = max(sizes(p) or {14})
    if size <= points <= 1.5 * 1.15 * size + 0.5:
        return None
    return f"{'exactly' if rule == 'exact' else 'at least'} {points:g} pt"
