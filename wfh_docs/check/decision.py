"""A quyết định's or nghị quyết's own elements (Phụ lục III, Mẫu 1.1-1.3): the thẩm quyền ban
hành under the trích yếu, the căn cứ and "Theo đề nghị của ..." in italics, each ending ";" and
the last "." (Phụ lục I, Mục II.6.a), "QUYẾT ĐỊNH:" or "QUYẾT NGHỊ:" before the articles, each
"Điều N." bold with its full stop (Mục II.6.đ), and a Nơi nhận that starts "- Như Điều ...;"."""

from __future__ import annotations

import re

from ..i18n import _
from .context import Context, caps, every, tail
from .props import Paragraph

_CAN_CU = re.compile(r"^Căn\s+cứ\b")
_PROPOSAL = re.compile(r"^Theo\s+đề\s+nghị\b")  # Mẫu 1.1-1.3: the căn cứ's last line, as they are
_BASIS = re.compile(r"^(?:Căn\s+cứ|Theo\s+đề\s+nghị|Xét\b)")
_ARTICLE = re.compile(r"^Điều\s+(\d+)\s*(\.?)")
_NOI_NHAN = re.compile(r"^Nơi\s+nhận")
_NHU_DIEU = re.compile(r"^-\s*Như\s+Điều\b")
_SHOWN = 3  # findings of one rule shown per letter


def check(ctx: Context, start: int, name: str) -> None:
    command = "QUYẾT NGHỊ:" if name == "NGHỊ QUYẾT" else "QUYẾT ĐỊNH:"
    stop = ctx.signature if ctx.signature is not None else len(ctx.paragraphs)
    pattern = re.compile(r"^" + r"\s+".join(command.rstrip(":").split()) + r"\s*:?$", re.IGNORECASE)
    cmd = ctx.find(pattern, start=start, stop=stop)
    first_basis = ctx.find(_BASIS, start=start, stop=cmd if cmd is not None else stop)
    authority(ctx, start, first_basis if first_basis is not None else cmd)
    if first_basis is not None:
        bases(ctx, first_basis, cmd if cmd is not None else stop)
    if cmd is None:
        ctx.add(
            "decision.command",
            _('the line "{command}" is missing before the articles').format(command=command),
            expected=command,
        )
    else:
        _command(ctx, ctx.paragraphs[cmd], command)
    articles(ctx, cmd + 1 if cmd is not None else start, stop)
    nhu_dieu(ctx, stop)


def authority(ctx: Context, start: int, stop: int | None) -> None:
    """The thẩm quyền ban hành: the line in capitals between the trích yếu and the căn cứ."""
    lines = [j for j in range(start, stop if stop is not None else start) if ctx.texts[j]]
    if not lines:
        ctx.add(
            "decision.authority",
            _("the issuing authority (the head's title or the collective body) is missing above the căn cứ"),
            expected="THẨM QUYỀN BAN HÀNH",
        )
        return
    for j in lines:
        p = ctx.paragraphs[j]
        if not (every(p, "bold") and caps(p)) or p.props.jc != "center":
            ctx.add(
                "decision.authority",
                _("the issuing authority is in bold capitals, centred"),
                found=_look(p),
                expected="bold capitals, centred",
                where=p,
            )


def _look(p: Paragraph) -> str:
    return ", ".join(
        [
            "bold" if every(p, "bold") else "not bold",
            "capitals" if caps(p) else "not capitals",
            "centred" if p.props.jc == "center" else p.props.jc or "left",
        ]
    )


def bases(ctx: Context, first: int, stop: int) -> None:
    """The căn cứ, and "Theo đề nghị của ..." after them: each "Căn cứ" and "Theo đề nghị"
    line in italics; each line ends ";", the last "." (Mục II.6.a)."""
    lines = [j for j in range(first, stop) if ctx.texts[j] and not ctx.paragraphs[j].in_table]
    shown = 0
    for j in lines:
        p, text = ctx.paragraphs[j], ctx.texts[j]
        # their size is the body's (body.size): one finding for one defect
        if shown >= _SHOWN:
            break
        if _CAN_CU.match(text):
            shown += not ctx.require(p, "italic", "can_cu.format", _("the căn cứ are in italics"))
        elif _PROPOSAL.match(text):
            message = _('the line "Theo đề nghị của ..." is in italics, as the căn cứ are')
            shown += not ctx.require(p, "italic", "can_cu.format", message)
    for n, j in enumerate(lines):
        text, last = ctx.texts[j], n == len(lines) - 1
        end = "." if last else ";"
        if text.endswith(end):
            continue
        message = _("the last căn cứ ends with '.'") if last else _("each căn cứ but the last ends with ';'")
        ctx.add(
            "can_cu.punctuation",
            message,
            found=tail(text),
            expected=text.rstrip(";.,: ")[-14:] + end,
            where=ctx.paragraphs[j],
        )


def _command(ctx: Context, p: Paragraph, command: str) -> None:
    if not (every(p, "bold") and caps(p)) or p.props.jc != "center" or not p.text.strip().endswith(":"):
        ctx.add(
            "decision.command",
            _('"{command}" is in bold capitals, centred, with its colon').format(command=command),
            found=_look(p) if p.text.strip().endswith(":") else p.text.strip(),
            expected=f"{command} bold capitals, centred",
            where=p,
        )


def _prefix_runs(p: Paragraph, length: int) -> list[tuple[bool, bool]]:
    """Whether each run with text in the first `length` characters of `p` is bold, and italic."""
    out: list[tuple[bool, bool]] = []
    at = 0
    for r in p.runs:
        if r.label:
            continue
        if at < length and r.text[: length - at].strip():
            out.append((bool(r.props.bold), bool(r.props.italic)))
        at += len(r.text)
    return out


def articles(ctx: Context, start: int, stop: int) -> None:
    """Each "Điều N." of the articles: Arabic number, a full stop after it, bold and upright."""
    shown = 0
    for j in range(start, stop):
        m = _ARTICLE.match(ctx.texts[j])
        p = ctx.paragraphs[j]
        if m is None or p.in_table or shown >= _SHOWN:
            continue
        prefix = m.group(0).strip()
        if not m.group(2):
            shown += 1
            ctx.add(
                "article.format",
                _("a full stop follows the article's number"),
                found=prefix,
                expected=f"Điều {m.group(1)}.",
                where=p,
            )
        lead = len(p.text) - len(p.text.lstrip())
        looks = _prefix_runs(p, lead + len(prefix))
        if not looks or not all(bold and not italic for bold, italic in looks):
            shown += 1
            found = "not bold" if not all(bold for bold, _i in looks) else "italic"
            ctx.add(
                "article.format",
                _('"{prefix}" is bold and upright').format(prefix=prefix),
                found=found,
                expected="bold, upright",
                where=p,
            )


def nhu_dieu(ctx: Context, start: int) -> None:
    """Mẫu 1.1-1.3: the Nơi nhận of a quyết định or nghị quyết starts "- Như Điều ...;"."""
    head = ctx.find(_NOI_NHAN, start=start)
    if head is None:
        return
    items = [j for j in ctx.next_in_column(head) if ctx.texts[j]]
    if items and not _NHU_DIEU.match(ctx.texts[items[0]]):
        ctx.add(
            "cc.nhu_dieu",
            _('a quyết định lists "- Như Điều ...;" first (those its last article names)'),
            found=ctx.texts[items[0]][:20],
            expected="- Như Điều ...;",
            where=ctx.paragraphs[items[0]],
        )
