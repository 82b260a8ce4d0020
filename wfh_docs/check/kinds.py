"""The elements of the kinds that have a tên loại (Phụ lục III, Mẫu 1.1-1.4 and 1.6-1.10): the
tên loại and the trích yếu under it with its line (Phụ lục I, Mục II.5.b), then what each kind's
Mẫu adds: a quyết định's or nghị quyết's thẩm quyền, căn cứ, "QUYẾT ĐỊNH:" and articles
(decision), a công điện's recipients, a giấy mời's invitation, a biên bản's two signers.

A công văn (Mẫu 1.5) has none of these: nothing here runs without a tên loại line."""

from __future__ import annotations

import re

from ..i18n import N_, _
from ..letter.metrics import text_width_twips
from ..letter.types import TYPES
from . import decision
from .context import MM, Context, caps, every, is_dash_line, is_rule_line, sizes
from .props import Paragraph
from .rule_lines import _LineRules, line_under

SUBJECT_LINE = _LineRules(
    "type_subject.rule",
    "type_subject.rule_length",
    N_("no line under the trích yếu"),
    N_(
        "the line under the trích yếu is {length:.0f} mm, the decree asks 0.33-0.5 of the "
        "text's length ({width:.0f} mm of text)"
    ),
)
_NO_SUBJECT = {t.name for t in TYPES.values() if not t.has_subject}  # Mẫu 1.8, 1.10
_TELEGRAM = re.compile(r"\S\s+điện\s*:$")
_INVITES = re.compile(r"trân\s+trọng\s+kính\s+mời", re.IGNORECASE)
_CHU_TOA = re.compile(r"^CHỦ\s+T(?:ỌA|OẠ)$")


def check(ctx: Context) -> None:
    if ctx.type_line is None:
        return
    name = " ".join(ctx.texts[ctx.type_line].upper().split())
    type_name(ctx, ctx.type_line)
    end = trich_yeu(ctx, ctx.type_line, name)
    if name in ("QUYẾT ĐỊNH", "NGHỊ QUYẾT"):
        decision.check(ctx, end, name)
    elif name == "CÔNG ĐIỆN":
        telegram(ctx, end)
    elif name == "GIẤY MỜI":
        invitation(ctx, end)
    elif name == "BIÊN BẢN":
        minutes(ctx, end)


def type_name(ctx: Context, i: int) -> None:
    """The tên loại: bold capitals, upright, 13-14 pt, centred (Mục II.5.b)."""
    p = ctx.paragraphs[i]
    if not every(p, "bold"):
        ctx.add("type_name.format", _("the tên loại is bold"), found="not bold", expected="bold", where=p)
    if not caps(p):
        ctx.add("type_name.format", _("must be in capitals"), found=p.text, expected=p.text.upper(), where=p)
    ctx.forbid(p, "italic", "type_name.format", _("must be upright, not italic"))
    ctx.size_range(p, "type_name.format", 13, 14)
    centred(ctx, p, "type_name.format")


def centred(ctx: Context, p: Paragraph, rule_id: str) -> None:
    if p.props.jc != "center":
        ctx.add(
            rule_id,
            _("centred on the page"),
            found=p.props.jc or "left",
            expected="centred",
            where=p,
        )


def _subject_lines(ctx: Context, i: int) -> list[int]:
    """The trích yếu: the lines right under the tên loại (no empty line between), before its
    line, the body or a table; a centred line or a line of the tên loại's paragraph."""
    out = []
    for j in range(i + 1, min(i + 5, len(ctx.paragraphs))):
        q, t = ctx.paragraphs[j], ctx.texts[j]
        if not t or q.in_table or is_rule_line(t) or q.props.border_top:
            break
        if q.props.jc != "center" or is_dash_line(t) or _TELEGRAM.search(t):
            break
        out.append(j)
        if q.props.border_bottom or q.lines_drawn:
            break
    return out


def trich_yeu(ctx: Context, i: int, name: str) -> int:
    """The trích yếu under the tên loại: bold, upright, 13-14 pt, centred, a line under it 1/3 to
    1/2 of its length (Mục II.5.b). The index of the line after them (and after the line)."""
    lines = _subject_lines(ctx, i)
    if not lines:
        if name not in _NO_SUBJECT:
            ctx.add(
                "type_subject.missing",
                _("the trích yếu is missing under the tên loại"),
                expected="Về việc ...",
                where=ctx.paragraphs[i],
            )
        return i + 1
    for j in lines:
        q = ctx.paragraphs[j]
        ctx.require(q, "bold", "type_subject.format", _("the trích yếu under the tên loại is bold"))
        ctx.forbid(q, "italic", "type_subject.format", _("must be upright, not italic"))
        ctx.size_range(q, "type_subject.format", 13, 14)
    if name == "BIÊN BẢN":
        return lines[-1] + 1  # Mẫu 1.9 draws no line under the meeting's name
    last = lines[-1]
    size = max(sizes(ctx.paragraphs[last]) or {14})
    area = _text_area(ctx)
    width = min(max(text_width_twips(ctx.texts[j], size, bold=True) for j in lines), area)
    holder = line_under(ctx, last, width, SUBJECT_LINE, ratio=(1 / 3, 1 / 2))
    if holder is not None:
        _rule_length(ctx, ctx.paragraphs[holder], ctx.paragraphs[last], area, width)
        return holder + 1
    return last + 1


def _text_area(ctx: Context) -> int:
    """The width of the first page's text area, in twips (A4 with 30 and 15 mm when unknown)."""
    sections = ctx.docx.sections()
    if not sections:
        return 9072
    s = sections[0]
    return s.page_width - s.margins.get("left", 1701) - s.margins.get("right", 851)


def _rule_length(ctx: Context, holder: Paragraph, p: Paragraph, area: int, width: int) -> None:
    """The length of an empty paragraph's border drawn outside a table: the text area less its
    indents (rule_lines measures it in a table cell)."""
    if holder.in_table or holder.text.strip() or not holder.props.border_bottom:
        return
    length = area - holder.props.ind.get("left", 0) - holder.props.ind.get("right", 0)
    if not width / 3 * 0.95 <= length <= width / 2 * 1.05:
        ctx.add(
            "type_subject.rule_length",
            _(SUBJECT_LINE.wrong_length).format(length=length / MM, width=width / MM),
            found=f"{length / MM:.0f} mm",
            expected="0.33-0.5 of the text's length",
            where=p,
        )


def telegram(ctx: Context, start: int) -> None:
    """Mẫu 1.6: "<cơ quan, chức danh> điện:" under the trích yếu, then each recipient "- ...;"."""
    stop = min(start + 4, len(ctx.paragraphs))
    i = ctx.find(_TELEGRAM, start=start, stop=stop)
    if i is None:
        ctx.add(
            "telegram.recipients",
            _('a công điện names who sends it, "... điện:", and its recipients under the trích yếu'),
            expected="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH điện:",
        )
        return
    items = []
    for j in range(i + 1, len(ctx.paragraphs)):
        if not ctx.texts[j]:
            continue
        if not is_dash_line(ctx.texts[j]):
            break
        items.append(j)
    if not items:
        ctx.add(
            "telegram.recipients",
            _('each recipient of the công điện on its own line, "- ...;"'),
            expected="- ...;",
            where=ctx.paragraphs[i],
        )
    ctx.dash_list(items, "telegram.recipients", "recipient")


def invitation(ctx: Context, start: int) -> None:
    """Mẫu 1.7: "... trân trọng kính mời: ...", then "Thời gian:" and "Địa điểm:"."""
    stop = ctx.signature if ctx.signature is not None else len(ctx.paragraphs)
    wanted = (
        (_INVITES, "... trân trọng kính mời: ..."),
        (re.compile(r"^Thời\s+gian\s*:"), "Thời gian: ..."),
        (re.compile(r"^Địa\s+điểm\s*:"), "Địa điểm: ..."),
    )
    for pattern, line in wanted:
        if ctx.find(pattern, start=start, stop=stop) is None:
            ctx.add(
                "invitation.content",
                _('a giấy mời has the line "{line}"').format(line=line),
                expected=line,
            )


def minutes(ctx: Context, start: int) -> None:
    """Mẫu 1.9: two signers, THƯ KÝ and CHỦ TỌA, each with a name under the title."""
    for pattern, title in ((re.compile(r"^THƯ\s+KÝ$"), "THƯ KÝ"), (_CHU_TOA, "CHỦ TỌA")):
        i = ctx.find(pattern, start=start)
        if i is None:
            ctx.add(
                "minutes.signers",
                _("a biên bản is signed by the secretary and the chair: {title} is missing").format(
                    title=title
                ),
                expected=title,
            )
            continue
        below = [j for j in ctx.next_in_cell(i) if ctx.texts[j] and not ctx.texts[j].startswith("(")]
        if not below or ctx.texts[below[-1]] == ctx.texts[below[-1]].upper():
            ctx.add(
                "minutes.signers",
                _("the name of the {title}'s signer is missing under the title").format(title=title),
                expected="Họ và tên",
                where=ctx.paragraphs[i],
            )


_COMMAND = re.compile(r"^QUYẾT\s+(?:ĐỊNH|NGHỊ)\s*:$")


def is_heading(text: str) -> bool:
    """Whether a line of the body is a quyết định's or nghị quyết's "QUYẾT ĐỊNH:" / "QUYẾT NGHỊ:",
    a heading whatever its look (decision.command reports its look, the body's rules do not):
    the hook body._heading calls."""
    return bool(_COMMAND.match(" ".join(text.split())))
