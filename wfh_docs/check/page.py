"""The page and the text as a whole: A4, the margins of every section, Times New Roman in black,
Unicode NFC without control characters, no template tag left, and parts of the file that are
damaged (Phụ lục I, Mục I)."""

from __future__ import annotations

import re
import unicodedata

from ..i18n import N_, _
from .context import MM, TNR, Context, short
from .props import Paragraph
from .table import rule

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TAG = re.compile(r"\{[{%].{0,40}")
_URGENCY = {"KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC"}
# Phụ lục I, I.3: each side's margin in mm, and its name in a message
_MARGINS = {
    "top": (20, 25, N_("top")),
    "bottom": (20, 25, N_("bottom")),
    "left": (30, 35, N_("left")),
    "right": (15, 20, N_("right")),
}
_SHOWN = 3  # findings of one kind shown per letter, where one would be on every paragraph


def check(ctx: Context) -> None:
    read_headers(ctx)
    page(ctx)
    fonts(ctx)
    text(ctx)


def read_headers(ctx: Context) -> None:
    """Parse the headers and footers first, so that a damaged one is reported with the other
    damaged parts (and the rest of the letter still checked)."""
    docx = ctx.docx
    for section in docx.sections():
        for rel_id in [*section.header_refs.values(), *section.footer_refs.values()]:
            part = docx.part_for_rel(rel_id)
            if part and part in docx.parts:
                docx.tree(part)


def page(ctx: Context) -> None:
    for n, s in enumerate(ctx.docx.sections(), start=1):
        w, h = sorted((s.page_width, s.page_height))
        if abs(w - 11906) > MM or abs(h - 16838) > MM:
            ctx.add(
                "page.size",
                _("the paper must be A4 (210 x 297 mm)"),
                found=f"{s.page_width / MM:.0f} x {s.page_height / MM:.0f} mm",
                expected="210 x 297 mm",
                element=_section(ctx, "page.size", n),
            )
        for side, (low, high, name) in _MARGINS.items():
            value = s.margins.get(side)
            if value is None:
                continue
            mm = value / MM
            if not low - 0.5 <= mm <= high + 0.5:
                ctx.add(
                    "page.margins",
                    _("margin {side} {mm:.0f} mm, the decree asks {low}-{high} mm").format(
                        side=_(name), mm=mm, low=low, high=high
                    ),
                    found=f"{mm:.1f} mm",
                    expected=f"{low}-{high} mm",
                    element=_section(ctx, "page.margins", n),
                )


def _section(ctx: Context, rule_id: str, n: int) -> str | None:
    """The part a page finding names: the page, and after the first its section of the file."""
    if n == 1:
        return None
    return _("{element} (section {n})").format(element=rule(rule_id).element_shown(), n=n)


def fonts(ctx: Context) -> None:
    wrong: dict[str, Paragraph] = {}
    colored: dict[str, Paragraph] = {}
    for p in ctx.paragraphs:
        for run in p.runs:
            if not run.text.strip():
                continue
            for slot in ("ascii", "hAnsi"):
                name = run.props.fonts.get(slot) or TNR  # Word's own default is TNR
                if name != TNR:
                    wrong.setdefault(name, p)
            color = (run.props.color or "auto").lower()
            if color not in ("auto", "000000") and p.text.strip().upper() not in _URGENCY:
                colored.setdefault(color, p)
    for name, p in wrong.items():
        ctx.add(
            "font.name",
            _("text in {font}; the decree asks Times New Roman").format(font=name),
            found=name,
            expected=TNR,
            where=p,
        )
    for color, p in colored.items():
        ctx.add(
            "font.color",
            _("text in colour #{color}; the decree asks black").format(color=color),
            found=f"#{color}",
            expected="black",
            where=p,
        )


def text(ctx: Context) -> None:
    _damaged_parts(ctx)
    nfc = control = tags = 0
    for p in ctx.paragraphs:
        if p.text and not unicodedata.is_normalized("NFC", p.text) and nfc < _SHOWN:
            nfc += 1
            ctx.add(
                "text.nfc",
                _(
                    "letters with decomposed diacritics (not Unicode NFC, as TCVN 6909:2001 asks); "
                    "retype them or convert the text to Unicode dựng sẵn"
                ),
                found=short(p.text, 30),
                expected="NFC text",
                where=p,
            )
        bad = _CONTROL.search(p.text)
        if bad and control < _SHOWN:
            control += 1
            code = f"U+{ord(bad.group()):04X}"
            ctx.add(
                "text.control",
                _("a control character {code} in the text").format(code=code),
                found=code,
                expected="none",
                where=p,
            )
        if ("{{" in p.text or "{%" in p.text) and tags < _SHOWN:
            tags += 1
            m = _TAG.search(p.text)
            ctx.add(
                "template.tags",
                _("a template tag was left in the letter"),
                found=m.group() if m else "{{",
                expected="no tags",
                where=p,
            )


def _damaged_parts(ctx: Context) -> None:
    """The control characters a part's XML could not hold, and the parts read in part only."""
    docx = ctx.docx
    for chars in docx.control_chars.values():
        for ch, around in chars:
            code = f"U+{ord(ch):04X}" if len(ch) == 1 else ch
            ctx.add(
                "text.control",
                _("a control character {code} in the text; Word may refuse the file: delete it").format(
                    code=code
                ),
                found=around,
                expected="text without control characters",
                where=around,
            )
    for part, err in docx.parse_errors.items():
        ctx.add(
            "file.damaged",
            _(
                "{part} is damaged and was read in part only; open the letter in Word, which repairs "
                "what it can, and save it again as .docx"
            ).format(part=part),
            found=short(err),
            expected="well-formed XML",
        )
