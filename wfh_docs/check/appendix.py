"""After the signature: the page numbers (Phụ lục I, Mục I.7: centred in the header, none on page
1) and each phụ lục (Mục III.1: on a new page, Roman numbers when two or more, its heading, title
and "(Kèm theo ...)" line)."""

from __future__ import annotations

import re

from ..i18n import _
from .context import Context, caps, every, short
from .placing import starts_page

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PAGE_FIELD = re.compile(r"\s*PAGE\b")
_APPENDIX = re.compile(r"^(?:Phụ\s+lục|PHỤ\s+LỤC)(?:\s+(?P<n>[IVXLCDM]+|\d+))?\.?$")
_LONG_LETTER = 2500  # characters: more than a page, which must then be numbered


def check(ctx: Context) -> None:
    page_numbers(ctx)
    appendices(ctx)


def _has_page(ctx: Context, part: str | None) -> bool:
    """Whether the part holds a PAGE field (complex or simple), read from its parsed XML, so
    that a header in UTF-16 or another encoding is read like one in UTF-8."""
    if not part or part not in ctx.docx.parts:
        return False
    for el in ctx.docx.tree(part).iter(f"{_W}instrText", f"{_W}fldSimple"):
        code = el.text if el.tag == f"{_W}instrText" else el.get(f"{_W}instr")
        if code and _PAGE_FIELD.match(code):
            return True
    return False


def page_numbers(ctx: Context) -> None:
    sections = ctx.docx.sections()
    if not sections:
        return
    rel = ctx.docx.part_for_rel
    headers = {t: rel(r) for s in sections for t, r in s.header_refs.items()}
    footers = {t: rel(r) for s in sections for t, r in s.footer_refs.items()}
    in_header = any(_has_page(ctx, part) for part in headers.values())
    in_footer = any(_has_page(ctx, part) for part in footers.values())
    long_letter = sum(len(t) for t in ctx.texts) > _LONG_LETTER or len(sections) > 1
    if in_footer and not in_header:
        ctx.add(
            "page_number.place",
            _("page numbers stand centred at the top, in the header"),
            found="in the footer",
            expected="in the header",
        )
    elif not in_header and long_letter:
        ctx.add(
            "page_number.missing",
            _("pages are numbered from page 2, in the header"),
            found="no page numbers",
            expected="a PAGE field in the header",
        )
    first = sections[0]
    default = rel(first.header_refs["default"]) if first.header_refs.get("default") else None
    first_header = rel(first.header_refs["first"]) if first.header_refs.get("first") else None
    shows_on_one = (_has_page(ctx, default) and not first.title_page) or (
        first.title_page and _has_page(ctx, first_header)
    )
    if shows_on_one:
        ctx.add(
            "page_number.first_page",
            _("page 1 shows no number"),
            found="a number on page 1",
            expected="no number on page 1 (different first page)",
        )
    _centred(ctx, {p for p in headers.values() if _has_page(ctx, p)})


def _centred(ctx: Context, parts: set[str | None]) -> None:
    """The page number is centred in each header that holds one."""
    for part in parts:
        assert part is not None
        for q in ctx.docx.paragraphs(part):
            if q.props.jc != "center" and (q.text.strip().isdigit() or not q.text.strip()):
                ctx.add(
                    "page_number.place",
                    _("the page number is centred"),
                    found=q.props.jc or "left",
                    expected="centred",
                )
                break


def appendices(ctx: Context) -> None:
    heads = [k for k, t in enumerate(ctx.texts) if _APPENDIX.match(t) and not ctx.paragraphs[k].in_table]
    numbers = [m.group("n") for k in heads if (m := _APPENDIX.match(ctx.texts[k]))]
    if len(heads) >= 2 and any(n and n.isdigit() for n in numbers):
        ctx.add(
            "appendix.numbering",
            _("two or more phụ lục are numbered with Roman numerals"),
            found=", ".join(ctx.texts[k] for k in heads),
            expected=", ".join(f"Phụ lục {r}" for r in ("I", "II", "III")[: len(heads)]),
        )
    for k in heads:
        _appendix(ctx, k)


def _appendix(ctx: Context, k: int) -> None:
    """One phụ lục: a new page, "Phụ lục" bold 14 pt, its title bold capitals, "(Kèm theo ...)"
    italic."""
    p = ctx.paragraphs[k]
    if not starts_page(ctx.paragraphs, k):
        ctx.add(
            "appendix.new_page",
            _("each phụ lục starts on a new page"),
            found="on the same page as the text before",
            expected="a page or section break before it",
            where=p,
        )
    ctx.require(p, "bold", "appendix.format", _('"Phụ lục" is bold'), expected="bold 14 pt")
    ctx.forbid(p, "italic", "appendix.format", _("must be upright, not italic"))
    if ctx.texts[k].startswith("PHỤ") or p.runs and all(r.props.caps for r in p.runs if r.text.strip()):
        ctx.add(
            "appendix.format",
            _('"Phụ lục" is written in lower case, with its number'),
            found=ctx.texts[k],
            expected="Phụ lục I",
            where=p,
        )
    ctx.size_range(p, "appendix.format", 14, 14)
    following = [j for j in range(k + 1, min(k + 6, len(ctx.paragraphs))) if ctx.texts[j]]
    if following:
        title = ctx.paragraphs[following[0]]
        if not ctx.texts[following[0]].startswith("(") and not (every(title, "bold") and caps(title)):
            ctx.add(
                "appendix.title",
                _("the phụ lục's title is bold capitals"),
                found=short(title.text, 30),
                expected="bold capitals",
                where=title,
            )
    kem = next((j for j in following if ctx.texts[j].startswith("(Kèm theo")), None)
    if kem is not None and not every(ctx.paragraphs[kem], "italic"):
        ctx.add(
            "appendix.kem_theo",
            _('the "(Kèm theo ...)" line is italic'),
            found="upright",
            expected="italic",
            where=ctx.paragraphs[kem],
        )
