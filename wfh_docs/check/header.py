"""The head of the letter: the Quốc hiệu, the Tiêu ngữ and its line, the agency's name and its
line, "Số:" with the ký hiệu, and the place and date (Phụ lục I, Mục II.1 to II.4)."""

from __future__ import annotations

import re

from ..i18n import _
from ..letter.metrics import text_width_twips
from .context import CONTINUES, DATE, TYPE_NAMES, Context, caps, is_rule_line, short, size_text, sizes
from .props import Paragraph
from .rule_lines import AGENCY_LINE, TIEU_NGU_LINE, line_under

_QUOC_HIEU = re.compile(r"^CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM$")
_QUOC_HIEU_RIGHT = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
_TIEU_NGU = re.compile(r"^Độc\s+lập\s*[-–—‐‑]\s*Tự\s+do\s*[-–—‐‑]\s*Hạnh\s+phúc$", re.IGNORECASE)
_TIEU_NGU_RIGHT = "Độc lập - Tự do - Hạnh phúc"
_SO = re.compile(r"^Số\b\s*(:?)\s*(.*)$")
_SPACED_DASH = re.compile(r"\s-|-\s")
_SPACED = re.compile(r"\s*-\s*")
_HEAD = 40  # the header is within the first paragraphs
# what the decree calls "gạch nối (-)": the hyphen-minus it prints, Unicode's hyphens, and Word's
# non-breaking hyphen (read as "-"); an en or em dash is "gạch ngang", another mark
_HYPHENS = {"-", "\u2010", "\u2011"}
_DASHES = re.compile(r"[-–—‐‑−]")
_V_V = re.compile(r"^V/v\b")
# Phụ lục III, Mục I: the abbreviations of the document types in the ký hiệu
TYPE_ABBREVIATIONS = {
    "NQ", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA", "BC", "BB", "TTr", "HĐ",
    "CĐ", "BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB",
}  # fmt: skip


def check(ctx: Context) -> None:
    ctx.quoc_hieu = quoc_hieu(ctx)
    ctx.tieu_ngu = tieu_ngu(ctx)
    ctx.number = number(ctx)
    agency(ctx)
    ctx.type_line = _type_line(ctx)
    ctx.named_type = _named_type(ctx)
    ctx.date = date(ctx)
    ctx.subject = subject(ctx)


def _type_line(ctx: Context) -> int | None:
    """The tên loại line of a letter that has one ("BÁO CÁO", "QUYẾT ĐỊNH"), under the header."""
    for k, t in enumerate(ctx.texts[:_HEAD]):
        if " ".join(t.upper().split()) in TYPE_NAMES and not ctx.paragraphs[k].in_table:
            return k
    return None


def _named_type(ctx: Context) -> bool:
    """Whether the letter has a tên loại (Mẫu 1.4: BÁO CÁO, TỜ TRÌNH ...), so it is no công văn:
    a line that is one of the decree's type names, or a ký hiệu that starts with its
    abbreviation ("Số: 25/BC-SNV")."""
    if ctx.type_line is not None:
        return True
    if ctx.number is not None:
        m = _SO.match(ctx.texts[ctx.number])
        symbol = m.group(2).partition("/")[2] if m else ""
        return symbol.strip().split("-")[0].strip() in TYPE_ABBREVIATIONS
    return False


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
    ctx.forbid(p, "italic", "quoc_hieu.format", _("must be upright, not italic"))
    ctx.size_range(p, "quoc_hieu.format", 12, 13)
    return i


def tieu_ngu(ctx: Context) -> int | None:
    i = next((k for k, t in enumerate(ctx.texts[:_HEAD]) if _TIEU_NGU.match(" ".join(t.split()))), None)
    if i is None:
        ctx.add("tieu_ngu.missing", _("the Tiêu ngữ is missing"), expected=_TIEU_NGU_RIGHT)
        return None
    p = ctx.paragraphs[i]
    shown = " ".join(p.text.split())
    dashes = set(_DASHES.findall(shown))
    if dashes - _HYPHENS:
        ctx.add(
            "tieu_ngu.dash",
            _(
                "the phrases are joined by a hyphen (-), as the decree prints it; {dash} is a dash, "
                "another mark"
            ).format(dash=" ".join(sorted(dashes - _HYPHENS))),
            found=shown,
            expected=_TIEU_NGU_RIGHT,
            where=p,
        )
    spaced = re.sub(r"\s*[-–—‐‑−]\s*", lambda m: " - " if " " in m.group() else "-", shown)
    if spaced != _TIEU_NGU_RIGHT:
        ctx.add(
            "tieu_ngu.text",
            _("the phrases are joined by a hyphen with a space on each side"),
            found=shown,
            expected=_TIEU_NGU_RIGHT,
            where=p,
        )
    ctx.require(p, "bold", "tieu_ngu.format", _("must be bold"))
    ctx.forbid(p, "italic", "tieu_ngu.format", _("must be upright, not italic"))
    ctx.size_range(p, "tieu_ngu.format", 13, 14)
    width = text_width_twips(_TIEU_NGU_RIGHT, max(sizes(p) or {13}), bold=True)
    line_under(ctx, i, width, TIEU_NGU_LINE, ratio=(1.0, 1.0))
    return i


def number(ctx: Context) -> int | None:
    i = ctx.find(_SO, stop=_HEAD)
    if i is None:
        ctx.add("number.missing", _('the "Số:" line is missing'), expected="Số: 05/...")
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
        number_zero(ctx, p, number_.strip(), "number.format")
    ctx.forbid(p, "italic", "number.format", _("must be upright, not italic"))
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
    """No spaces after "/" and around "-" in "05/SCT-VP" (Mục II.3.c: "không cách chữ"); a
    space between the number and "/" is the blank a clerk leaves to write the number in after
    signing (Điều 15.2; Mẫu 1.5 prints "Số:   /..."), so only a warning once there is a number,
    and nothing while there is none."""
    n = number_.strip()
    if n and number_ != number_.rstrip():
        ctx.add(
            "number.spacing",
            _("a space between the number and '/': write the number and the ký hiệu without spaces"),
            found=rest,
            expected=f"{n}/{symbol.strip()}",
            where=p,
        )
    if symbol != symbol.lstrip() and n:
        ctx.add(
            "number.format",
            _("no space after '/' in the number and ký hiệu"),
            found=rest,
            expected=n + "/" + _SPACED.sub("-", symbol.strip()),
            where=p,
        )
    elif _SPACED_DASH.search(symbol.strip()):
        ctx.add(
            "number.format",
            _("no spaces around '-' in the ký hiệu"),
            found=symbol,
            expected=_SPACED.sub("-", symbol.strip()),
            where=p,
        )


def _agency_lines(ctx: Context, so: int) -> list[int]:
    """The lines in capitals above "Số:" in its column: the agency's name and the parent's, not
    the Quốc hiệu or Tiêu ngữ, and not a line typed to draw a rule."""
    p_so = ctx.paragraphs[so]
    lines = []
    for k in range(so):
        q = ctx.paragraphs[k]
        text = ctx.texts[k]
        if k in (ctx.quoc_hieu, ctx.tieu_ngu) or not text or is_rule_line(text):
            continue
        if p_so.in_table and (q.table_index, q.cell) != (p_so.table_index, p_so.cell):
            continue
        if None not in (p_so.column, q.column) and q.column != p_so.column:
            continue
        if not any(ch.isalpha() for ch in text):
            continue
        if text.upper() == text or caps(q):
            lines.append(k)
        else:
            lines = []  # a line in lower case between: what is above it is no agency name
    return lines


def agency(ctx: Context) -> None:
    """The agency's name: the last line in capitals above "Số:" (in its column), with the line
    above it when this one goes on with the name ("VÀ ĐÀO TẠO", "TỈNH BẮC GIANG") in the same
    weight (a long name on two lines, Mục II.2.b allows it); the lines above are the parent
    agency's."""
    so = ctx.number
    if so is None:
        return
    lines = _agency_lines(ctx, so)
    if not lines:
        ctx.add(
            "issuer.missing",
            _('the issuing agency\'s name is missing above the "Số:" line'),
            expected="TÊN CƠ QUAN, TỔ CHỨC",
            where=ctx.paragraphs[so],
        )
        return
    last = ctx.paragraphs[lines[-1]]
    name = [lines[-1]]
    # a parent in upright capitals above: the bold lines under it are all the agency's name
    parent_above = any(not every_bold(ctx.paragraphs[k]) for k in lines[:-1])
    for k in reversed(lines[:-1]):
        # a long name on two lines: the line after goes on with the name ("VÀ ĐÀO TẠO", "TỈNH ...")
        if every_bold(ctx.paragraphs[k]) != every_bold(last):
            break
        if not ((parent_above and every_bold(last)) or CONTINUES.match(ctx.texts[name[0]])):
            break
        name.insert(0, k)
    for k in name:
        q = ctx.paragraphs[k]
        ctx.require(q, "bold", "issuer.format", _("the issuing agency's name must be bold"))
        ctx.forbid(q, "italic", "issuer.format", _("must be upright, not italic"))
        if not caps(q):
            ctx.add("issuer.format", _("must be in capitals"), found=q.text, expected=q.text.upper(), where=q)
        ctx.size_range(q, "issuer.format", 12, 13)
    for k in lines[: len(lines) - len(name)]:
        q = ctx.paragraphs[k]
        ctx.forbid(q, "bold", "issuer.parent_format", _("the parent agency's name is not bold"))
        ctx.forbid(q, "italic", "issuer.parent_format", _("must be upright, not italic"))
        ctx.size_range(q, "issuer.parent_format", 12, 13)
    size = max(sizes(last) or {13})
    width = max(text_width_twips(ctx.texts[k], size, bold=True, caps=True) for k in name)
    column = last.cell_width
    line_under(ctx, name[-1], min(width, column or width), AGENCY_LINE, ratio=(1 / 3, 1 / 2))


def every_bold(p: Paragraph) -> bool:
    props = p.run_props()
    return bool(props) and all(bool(r.bold) for r in props)


def subject(ctx: Context) -> int | None:
    """The trích yếu of a công văn: "V/v ..." under "Số:" (Mục II.5.b): lower case, upright, not
    bold, 12-13 pt; its wrapped lines (Shift+Enter) too."""
    i = ctx.find(_V_V, stop=_HEAD)
    if i is None:
        if not ctx.named_type:
            ctx.add(
                "subject.missing",
                _('a công văn has its trích yếu after "V/v" under the "Số:" line'),
                expected="V/v ...",
            )
        return None
    lines = [i] + [
        j for j in ctx.next_in_cell(i) if ctx.paragraphs[j].index == ctx.paragraphs[i].index and ctx.texts[j]
    ]
    for j in lines:
        q = ctx.paragraphs[j]
        ctx.forbid(q, "bold", "subject.format", _('the trích yếu after "V/v" is not bold'))
        ctx.forbid(q, "italic", "subject.format", _("must be upright, not italic"))
        ctx.size_range(q, "subject.format", 12, 13)
    return i


def date(ctx: Context) -> int | None:
    """The place and date, in the header: above the tên loại, and in the header's table when
    "Số:" is in one (a date in the body, as a biên bản's "ngày ... tháng ...", is no date line)."""
    stop = ctx.type_line if ctx.type_line is not None else _HEAD
    i = ctx.find(DATE, stop=stop)
    if i is not None and ctx.number is not None:
        so = ctx.paragraphs[ctx.number]
        if so.in_table and ctx.paragraphs[i].table_index != so.table_index:
            i = None
    if i is None and ctx.type_line is not None and ctx.texts[ctx.type_line].upper() == "BIÊN BẢN":
        return None  # Mẫu 1.9: a biên bản has no date line under its header
    if i is None:
        ctx.add(
            "date.missing",
            _("the place and date line is missing"),
            expected="<địa danh>, ngày ... tháng ... năm ...",
        )
        return None
    p = ctx.paragraphs[i]
    date_line(ctx, p, ctx.texts[i], "date.comma", "date.format")
    ctx.require(p, "italic", "date.style", _("must be italic"))
    ctx.size_range(p, "date.style", 13, 14)
    return i


def number_zero(ctx: Context, p: Paragraph, n: str, rule_id: str) -> None:
    """A number under 10 with its leading 0 (Mục II.3.c): the letter's số, and a copy's."""
    if len(n) == 1 and n.isdecimal() and int(n) < 10:
        message = _("a number under 10 is written with a leading 0")
        ctx.add(rule_id, message, found=f"{n}/", expected=f"0{n}/", where=p)


def date_line(ctx: Context, p: Paragraph, text: str, comma_rule: str, digits_rule: str) -> None:
    """ "<địa danh>, ngày 03 tháng 4 năm 2020" as Mục II.4 writes it: a comma after the place,
    and the day's and month's digits (the letter's date line, and a copy's under its own rule)."""
    m = DATE.match(text)
    assert m
    place = m.group("place").strip()
    if place and not m.group("comma"):
        ctx.add(
            comma_rule,
            _("a comma follows the place name"),
            found=f"{place} ngày",
            expected=f"{place}, ngày",
            where=p,
        )
    date_digits(ctx, p, m.group("d"), m.group("m"), digits_rule)


def date_digits(ctx: Context, p: Paragraph, d: str, mo: str, rule_id: str = "date.format") -> None:
    """Days under 10 and months 1 and 2 with a leading 0; months 3 to 12 without (a copy's date
    line too, under its own rule: copies.py)."""
    if len(d) == 1 and d.isdecimal() and int(d) < 10:
        ctx.add(
            rule_id,
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
            rule_id,
            _("month {month} is written 0{month}").format(month=month),
            found=f"tháng {mo}",
            expected=f"tháng 0{month}",
            where=p,
        )
    if month >= 3 and mo.startswith("0"):
        ctx.add(
            rule_id,
            _("month {month} must not be written {written}").format(month=month, written=mo),
            found=f"tháng {mo}",
            expected=f"tháng {month}",
            where=p,
        )
