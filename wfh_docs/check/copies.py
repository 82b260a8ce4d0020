"""A bản sao's block (Phụ lục I, Phần II, Mục II.3; Phụ lục III, Mẫu 3.1): under the văn bản it
copies, the copying agency's name, the hình thức sao ("SAO Y", "SAO LỤC" or "TRÍCH SAO"), the
copy's own "Số: 05/SY-VP" (its ký hiệu the form's abbreviation of Phụ lục III, Mục I, then the
copying agency's), its place and date, its signer and its Nơi nhận.

The block is found after the letter's signature, by its hình thức sao alone on its line (in any
case, or the "SAO Y BẢN CHÍNH" of the rules before the decree) or, that line missing, by a "Số:"
whose ký hiệu is a copy's. A letter with neither is no copy and nothing here applies. A header
laid out with tabs ("VĂN PHÒNG<tab>SAO Y") is read in its columns, as the letter's own.
"""

from __future__ import annotations

import re
import unicodedata

from ..i18n import _
from .context import DATE, Context, caps, every
from .header import date_line, number_zero
from .lines import split_columns
from .props import Paragraph

# Phụ lục III, Mục I: the abbreviation of each hình thức sao, the first group of the copy's ký hiệu
FORMS = {"SAO Y": "SY", "SAO LỤC": "SL", "TRÍCH SAO": "TrS"}
# words a clerk may type for the hình thức sao that are none of the decree's three
_OTHER_WORDS = {"SAO Y BẢN CHÍNH": "SAO Y", "SAO Y BẢN GỐC": "SAO Y", "BẢN SAO": ""}
_ABBREVIATIONS = {a.casefold() for a in FORMS.values()}
_SO = re.compile(r"^Số\b\s*(:?)\s*(.*)$")
_COPY_SYMBOL = re.compile(r"/\s*(?:SY|TrS|SL)\s*-", re.IGNORECASE)
_SYMBOL = re.compile(r"^(?P<kind>[^-\s]+)\s*-\s*(?P<agency>\S.*)$")
_NEAR = 8  # lines of the block around its hình thức sao: the Số and the date are among them
_EXAMPLE = "Số: 05/{abbr}-VP"


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).upper()


def check(ctx: Context) -> None:
    # after the letter's signature (or, none found, its header): the copy's Số is not the letter's
    start = ctx.signature if ctx.signature is not None else max(ctx.date or 0, ctx.number or 0) + 1
    lines = [q for p in ctx.paragraphs[start:] for q in (split_columns(p) if not p.in_table else [p])]
    texts = [q.text.strip() for q in lines]
    form = next((k for k, t in enumerate(texts) if _key(t) in FORMS or _key(t) in _OTHER_WORDS), None)
    if form is None:
        so = next((k for k, t in enumerate(texts) if _SO.match(t) and _COPY_SYMBOL.search(t)), None)
        if so is None:
            return  # no copy
        ctx.add(
            "copy.form",
            _('the copy has no hình thức sao: "SAO Y", "SAO LỤC" or "TRÍCH SAO" above its number'),
            expected="SAO Y",
            where=lines[so],
        )
        name = None
    else:
        name = _form(ctx, lines[form])
        near = range(max(0, form - _NEAR), min(len(lines), form + _NEAR))
        so = next((k for k in near if _SO.match(texts[k])), None)
    number(ctx, lines[so] if so is not None else None, name)
    after = so if so is not None else form
    assert after is not None  # a copy is found by its form or by its number
    near = range(max(0, after - 1), min(len(lines), after + _NEAR))
    day = next((k for k in near if DATE.match(texts[k])), None)
    date(ctx, lines[day] if day is not None else None)


def _form(ctx: Context, p: Paragraph) -> str | None:
    """The hình thức sao: one of the decree's three words, in capitals; bold and upright as Mẫu
    3.1 prints it. Which of the three it is, or None when it is none of them."""
    key = _key(p.text)
    name = key if key in FORMS else None
    if name is None:
        meant = _OTHER_WORDS.get(key, "")
        ctx.add(
            "copy.form",
            _('the hình thức sao is "SAO Y", "SAO LỤC" or "TRÍCH SAO"'),
            found=p.text.strip(),
            expected=meant or "SAO Y",
            where=p,
        )
        return meant or None
    if not caps(p):
        ctx.add(
            "copy.form",
            _("the hình thức sao is written in capitals"),
            found=p.text.strip(),
            expected=name,
            where=p,
        )
    if not every(p, "bold"):
        ctx.add(
            "copy.form_format", _("the hình thức sao is bold"), found="not bold", expected="bold", where=p
        )
    ctx.forbid(p, "italic", "copy.form_format", _("must be upright, not italic"))
    return name


def number(ctx: Context, p: Paragraph | None, form: str | None) -> None:
    """The copy's "Số: 05/SY-VP": a colon after "Số", a number under 10 with its 0, the ký hiệu
    the form's abbreviation and the copying agency's, joined by "-", with no spaces."""
    abbr = FORMS.get(form or "", "SY")
    if p is None:
        ctx.add("copy.number", _('the copy\'s "Số:" line is missing'), expected=_EXAMPLE.format(abbr=abbr))
        return
    m = _SO.match(p.text.strip())
    assert m
    if not m.group(1):
        ctx.add(
            "copy.number",
            _('write a colon after "Số"'),
            found=p.text.strip(),
            expected="Số: " + m.group(2),
            where=p,
        )
    number_, _slash, symbol = m.group(2).partition("/")
    n = number_.strip()
    number_zero(ctx, p, n, "copy.number")
    _symbol(ctx, p, symbol, n, form)


def _symbol(ctx: Context, p: Paragraph, symbol: str, n: str, form: str | None) -> None:
    abbr = FORMS.get(form or "", "SY")
    shown = f"{n or '...'}/{symbol.strip()}"
    m = _SYMBOL.match(symbol.strip())
    if m is None:  # "05/VP": the copying agency's abbreviation without the copy's; "05/SY"
        agency = symbol.strip()
        agency = "..." if not agency or agency.casefold() in _ABBREVIATIONS else agency
        ctx.add(
            "copy.number",
            _("the copy's ký hiệu is its form's abbreviation (SY, TrS or SL), '-' and the copying agency's"),
            found=shown,
            expected=f"{n or '...'}/{abbr}-{agency}",
            where=p,
        )
        return
    kind, agency = m.group("kind"), m.group("agency").strip()
    wanted = [abbr] if form in FORMS else list(FORMS.values())
    if kind not in wanted:
        message = (
            _('the ký hiệu of a "{form}" copy is {abbr}').format(form=form, abbr=abbr)
            if form in FORMS
            else _("the copy's ký hiệu starts with SY, TrS or SL")
        )
        ctx.add("copy.number", message, found=kind, expected=abbr, where=p)
    if (n and symbol != symbol.lstrip()) or re.search(r"\s", m.group(0)):
        ctx.add(
            "copy.number",
            _("no spaces in the number and ký hiệu"),
            found=shown,
            expected=f"{n}/{kind}-{''.join(agency.split())}",
            where=p,
        )


def date(ctx: Context, p: Paragraph | None) -> None:
    """The copy's "<địa danh>, ngày 03 tháng 4 năm 2020": a comma after the place, a day under 10
    and months 1 and 2 with their 0, as the letter's own date line."""
    if p is None:
        ctx.add(
            "copy.date",
            _("the copy's place and date line is missing"),
            expected="<địa danh>, ngày ... tháng ... năm ...",
        )
        return
    date_line(ctx, p, p.text.strip(), "copy.date", "copy.date")
