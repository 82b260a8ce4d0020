"""The signature block: the authority and title lines ("KT. GIÁM ĐỐC"), the signer's name
(Phụ lục I, Mục II.7.đ), and "Nơi nhận:" with its list (Mục II.9.b and II.9.d, ô 9b)."""

from __future__ import annotations

import re

from ..i18n import _
from .context import Context, caps, every, is_dash_line

_AUTHORITY = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s*\S")
_NO_SPACE = re.compile(r"^(TM|KT|TL|TUQ|Q)\.(\S)")
_NOI_NHAN = re.compile(r"^Nơi\s+nhận")
_LUU = re.compile(r"^-?\s*Lưu\b")


def check(ctx: Context) -> None:
    start = (ctx.recipients or 0) + 1
    auth = ctx.find(_AUTHORITY, start=start)
    head = ctx.find(_NOI_NHAN, start=start)
    if auth is None and head is not None:
        auth = _beside(ctx, head) if ctx.paragraphs[head].in_table else _near(ctx, head)
    if auth is not None:
        authority(ctx, auth)
    else:
        ctx.add(
            "authority.missing",
            _('the signer\'s authority and title (such as "KT. GIÁM ĐỐC") are missing'),
            expected="QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ",
        )
    if head is not None:
        cc(ctx, head, cong_van=ctx.cong_van)
    else:
        ctx.add(
            "cc.missing",
            _('"Nơi nhận:" and its list are missing'),
            expected="Nơi nhận: ...",
        )


def _near(ctx: Context, head: int) -> int | None:
    """Outside a table, the head signing in person: a line in capitals just before Nơi nhận or
    after its list (a title has letters, and is no phụ lục's)."""
    listed = set(ctx.next_in_cell(head))
    around: list[int] = [
        *range(max(0, head - 6), head),
        *range(head + 1, min(len(ctx.paragraphs), head + 16)),
    ]
    for k in around:
        t = ctx.texts[k]
        if k in listed and is_dash_line(t):
            continue
        if t and t == t.upper() and sum(ch.isalpha() for ch in t) >= 3 and not t.startswith("PHỤ LỤC"):
            return k
    return None


def _beside(ctx: Context, head: int) -> int | None:
    """The head signing in person has no prefix: the line in capitals beside Nơi nhận."""
    p = ctx.paragraphs[head]
    for k, q in enumerate(ctx.paragraphs):
        if (
            q.in_table
            and (q.table_index, q.row) == (p.table_index, p.row)
            and q.cell != p.cell
            and ctx.texts[k]
            and ctx.texts[k] == ctx.texts[k].upper()
        ):
            return k
    return None


def authority(ctx: Context, auth: int) -> None:
    """The authority and title lines (bold capitals, 13-14 pt), then the signer's name (bold)."""
    lines = [auth]
    for j in ctx.next_in_cell(auth):
        t = ctx.texts[j]
        if not t or t != t.upper():
            break
        lines.append(j)
    for k in lines:
        p = ctx.paragraphs[k]
        m = _NO_SPACE.match(ctx.texts[k])
        if m:
            ctx.add(
                "authority.format",
                _('write a space after "{prefix}."').format(prefix=m.group(1)),
                found=ctx.texts[k][:20],
                expected=f"{m.group(1)}. {ctx.texts[k][len(m.group(1)) + 1 :][:16]}",
                where=p,
            )
        if not every(p, "bold") or not caps(p):
            ctx.add(
                "authority.format",
                _("must be bold capitals"),
                found="not bold" if not every(p, "bold") else "not capitals",
                expected="bold capitals",
                where=p,
            )
        ctx.forbid(p, "italic", "authority.format", _("must be upright, not italic"))
        ctx.size_range(p, "authority.format", 13, 14)
    rest = [j for j in ctx.next_in_column(lines[-1]) if ctx.texts[j] and not ctx.texts[j].startswith("(")]
    if ctx.paragraphs[auth].in_table:
        names = rest[-1:]
    else:
        names = [j for j in rest if ctx.texts[j] != ctx.texts[j].upper()][:1]
    if not names:
        ctx.add(
            "signer.missing",
            _("the signer's name is missing under the authority and title"),
            expected="Họ và tên",
            where=ctx.paragraphs[lines[-1]],
        )
    for j in names:
        p = ctx.paragraphs[j]
        ctx.require(p, "bold", "signer.format", _("the signer's name is bold"))
        ctx.forbid(p, "italic", "signer.format", _("must be upright, not italic"))
        ctx.size_range(p, "signer.format", 13, 14)


def cc(ctx: Context, head: int, *, cong_van: bool) -> None:
    """ "Nơi nhận:" (bold italic 12 pt) and its list (11 pt, "- ...;", the last "- Lưu: VT, ...",
    "- Như trên;" first in a công văn)."""
    p = ctx.paragraphs[head]
    t = ctx.texts[head]
    if not re.match(r"^Nơi\s+nhận\s*:", t):
        ctx.add(
            "cc.heading",
            _('write a colon after "Nơi nhận"'),
            found=t[:20],
            expected="Nơi nhận:",
            where=p,
        )
    bold, italic = every(p, "bold"), every(p, "italic")
    if not (bold and italic):
        ctx.add(
            "cc.heading",
            _('"Nơi nhận:" is bold italic'),
            found=("bold" if bold else "not bold") + ", " + ("italic" if italic else "upright"),
            expected="bold italic",
            where=p,
        )
    ctx.size_range(p, "cc.heading", 12, 12)
    items = [j for j in ctx.next_in_column(head) if ctx.texts[j]]
    if p.in_table:
        # the list may go on in the rows below; it ends where its lines stop being a list
        kept: list[int] = []
        for j in items:
            if kept and not is_dash_line(ctx.texts[j]) and ctx.paragraphs[j].row != p.row:
                break
            kept.append(j)
        items = kept
    else:
        kept = []
        for j in items:
            if not is_dash_line(ctx.texts[j]):
                break
            kept.append(j)
        items = kept
    if not items:
        return
    ctx.dash_list(items, "cc.list", "line")
    for j in items:
        if not ctx.size_range(ctx.paragraphs[j], "cc.list", 11, 11):
            break
    for j in items:
        if not ctx.forbid(ctx.paragraphs[j], "italic", "cc.list", _("the list is upright, not italic")):
            break
    _luu(ctx, items[-1])
    first = ctx.texts[items[0]]
    if cong_van and not re.match(r"^-\s*Như\s+trên\s*;", first):
        ctx.add(
            "cc.nhu_tren",
            _('a công văn lists "- Như trên;" first'),
            found=first[:20],
            expected="- Như trên;",
            where=ctx.paragraphs[items[0]],
        )


def _luu(ctx: Context, last: int) -> None:
    """The list's last line: "- Lưu: VT, <đơn vị soạn thảo>."."""
    text = ctx.texts[last]
    if not _LUU.match(text):
        ctx.add(
            "cc.list",
            _('the last line is "- Lưu: VT, <đơn vị soạn thảo>."'),
            found=text[:20],
            expected="- Lưu: VT, ...",
            where=ctx.paragraphs[last],
        )
    elif not re.match(r"^-?\s*Lưu\s*:", text):
        ctx.add(
            "cc.list",
            _('"Lưu" is followed by a colon'),
            found=text[:12],
            expected=re.sub(r"^(-?\s*Lưu)\s*", r"\1: ", text)[:14],
            where=ctx.paragraphs[last],
        )
