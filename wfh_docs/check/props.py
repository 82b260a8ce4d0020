"""Formatting as WordprocessingML writes it: run and paragraph properties read from their elements
and merged layer over layer, and the paragraph, run and section the checker reads.

docx.py resolves the layers (document defaults, styles, the run's own properties) with these."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_W = f"{{{W_NS}}}"
_ON_OFF_FALSE = {"0", "false", "off"}


def as_int(value: str | None, default: int = 0) -> int:
    """An attribute's whole number; what is not one (a crafted or damaged part) is `default`."""
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        try:
            return int(float(value))
        except (ValueError, OverflowError):
            return default


def w(tag: str) -> str:
    return f"{_W}{tag}"


def on(el: etree._Element | None) -> bool | None:
    if el is None:
        return None
    return el.get(w("val"), "true").lower() not in _ON_OFF_FALSE


@dataclass
class RunProps:
    """A run's formatting, or what one layer of the style hierarchy says of it (None: nothing)."""

    fonts: dict[str, str] = field(default_factory=dict)  # ascii, hAnsi, cs, eastAsia
    size: float | None = None  # points
    bold: bool | None = None
    italic: bool | None = None
    caps: bool | None = None
    color: str | None = None
    small_caps: bool | None = None
    strike: bool | None = None
    dstrike: bool | None = None
    vanish: bool | None = None
    emboss: bool | None = None
    imprint: bool | None = None
    outline: bool | None = None
    shadow: bool | None = None
    underline: str | None = None  # w:u's value: "single", "double" ...; "none" for none

    def merged(self, other: RunProps) -> RunProps:
        """`other` over this, each property by its last value (no toggling: styles.combine
        does that where Word does)."""
        values = {
            name: getattr(other, name) if getattr(other, name) is not None else getattr(self, name)
            for name in _RUN_SCALARS
        }
        return RunProps(fonts={**self.fonts, **other.fonts}, **values)

    @property
    def underlined(self) -> bool:
        return self.underline not in (None, "none")


_RUN_SCALARS = (
    "size",
    "bold",
    "italic",
    "caps",
    "color",
    "small_caps",
    "strike",
    "dstrike",
    "vanish",
    "emboss",
    "imprint",
    "outline",
    "shadow",
    "underline",
)


@dataclass
class ParaProps:
    jc: str | None = None
    ind: dict[str, int] = field(default_factory=dict)  # left, right, firstLine, hanging (twips)
    spacing: dict[str, str] = field(default_factory=dict)  # before, after, line, lineRule
    keep_next: bool | None = None
    border_bottom: bool | None = None
    border_top: bool | None = None
    page_break_before: bool | None = None  # w:pageBreakBefore, from the paragraph or its style
    numbering: tuple[str, int] | None = None  # w:numPr: (numId, ilvl); numId "0" is none

    def merged(self, other: ParaProps) -> ParaProps:
        return ParaProps(
            jc=other.jc or self.jc,
            ind=_indents(self.ind, other.ind),
            spacing={**self.spacing, **other.spacing},
            keep_next=other.keep_next if other.keep_next is not None else self.keep_next,
            border_bottom=other.border_bottom if other.border_bottom is not None else self.border_bottom,
            border_top=other.border_top if other.border_top is not None else self.border_top,
            page_break_before=other.page_break_before
            if other.page_break_before is not None
            else self.page_break_before,
            numbering=_numbering(self.numbering, other.numbering),
        )


def _indents(low: dict[str, int], high: dict[str, int]) -> dict[str, int]:
    """w:ind over another, attribute by attribute; firstLine and hanging are one property (the
    first line's indent) written two ways, so either one replaces both ("w:hanging='0'" over a
    style's first-line indent is no indent, as LibreOffice writes it)."""
    out = {**low, **high}
    if "hanging" in high and "firstLine" not in high:
        out.pop("firstLine", None)
    if "firstLine" in high and "hanging" not in high:
        out.pop("hanging", None)
    return out


def _numbering(low: tuple[str, int] | None, high: tuple[str, int] | None) -> tuple[str, int] | None:
    """w:numPr over another: its numId and ilvl each replace the lower one's."""
    if high is None:
        return low
    if low is None:
        return high
    num = high[0] if high[0] != "" else low[0]
    lvl = high[1] if high[1] >= 0 else low[1]
    return (num, lvl)


@dataclass
class Run:
    text: str
    props: RunProps
    label: bool = False  # a list's number or bullet, as Word shows it before the text


@dataclass
class Paragraph:
    text: str
    style: str | None
    props: ParaProps
    runs: list[Run]
    part: str
    in_table: bool
    table_index: int | None = None
    row: int | None = None
    cell: int | None = None
    cell_width: int | None = None  # twips, from the cell's tcW
    page_break_before: bool = False  # pageBreakBefore, or a page break before any text
    page_break_after: bool = False  # a page break after the text
    section_break: bool = False  # the paragraph ends a section (sectPr in its pPr)
    section_continuous: bool = False
    drawing: bool = False  # holds a drawing or VML shape (a drawn line, a picture)
    # what this module adds for the checker; a Paragraph made by hand keeps its defaults
    index: int = -1  # the paragraph's place among its part's paragraphs
    line: int = 0  # which line of its paragraph this is (lines(): a w:br starts a new one)
    lines_drawn: list[int] = field(default_factory=list)  # drawn line shapes: widths in twips (0: unknown)
    hidden: str = ""  # text Word does not show (w:vanish)
    label: str = ""  # a list's number or bullet before the text ("- ", "1. ")
    column: int | None = None  # a header laid out with tabs: 0 the left piece of a line, 1 the right

    def run_props(self) -> list[RunProps]:
        return [r.props for r in self.runs if r.text.strip() and not r.label]


@dataclass
class Section:
    page_width: int
    page_height: int
    orient: str
    margins: dict[str, int]
    title_page: bool
    page_start: int | None
    header_refs: dict[str, str]
    footer_refs: dict[str, str]


def run_props(el: etree._Element | None, theme: dict[str, str]) -> RunProps:
    props = RunProps()
    if el is None:
        return props
    fonts = el.find(w("rFonts"))
    if fonts is not None:
        for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
            name = fonts.get(w(slot))
            theme_ref = fonts.get(w(f"{slot}Theme"))
            if theme_ref:
                # asciiTheme="minorHAnsi" etc.: the theme's major or minor latin/ea/cs font
                name = theme.get(theme_ref, name or "")
            if name:
                props.fonts[slot] = name
    sz = el.find(w("sz"))
    if sz is not None and sz.get(w("val")):
        props.size = as_int(sz.get(w("val"))) / 2
    props.bold = on(el.find(w("b")))
    props.italic = on(el.find(w("i")))
    props.caps = on(el.find(w("caps")))
    props.small_caps = on(el.find(w("smallCaps")))
    props.strike = on(el.find(w("strike")))
    props.dstrike = on(el.find(w("dstrike")))
    props.vanish = on(el.find(w("vanish")))
    props.emboss = on(el.find(w("emboss")))
    props.imprint = on(el.find(w("imprint")))
    props.outline = on(el.find(w("outline")))
    props.shadow = on(el.find(w("shadow")))
    color = el.find(w("color"))
    if color is not None and color.get(w("val")):
        props.color = color.get(w("val"))
    u = el.find(w("u"))
    if u is not None:
        props.underline = u.get(w("val"), "single")
    return props


def para_props(el: etree._Element | None) -> ParaProps:
    props = ParaProps()
    if el is None:
        return props
    jc = el.find(w("jc"))
    if jc is not None:
        props.jc = jc.get(w("val"))
    ind = el.find(w("ind"))
    if ind is not None:
        for key in ("left", "right", "firstLine", "hanging", "start", "end"):
            value = ind.get(w(key))
            if value is not None:
                props.ind[{"start": "left", "end": "right"}.get(key, key)] = as_int(value)
    spacing = el.find(w("spacing"))
    if spacing is not None:
        for key in ("before", "after", "line", "lineRule"):
            value = spacing.get(w(key))
            if value is not None:
                props.spacing[key] = value
    props.keep_next = on(el.find(w("keepNext")))
    props.page_break_before = on(el.find(w("pageBreakBefore")))
    num = el.find(w("numPr"))
    if num is not None:
        num_id, ilvl = num.find(w("numId")), num.find(w("ilvl"))
        props.numbering = (
            (num_id.get(w("val")) or "") if num_id is not None else "",
            as_int(ilvl.get(w("val")), 0) if ilvl is not None else -1,
        )
    bdr = el.find(w("pBdr"))
    if bdr is not None:
        bottom, top = bdr.find(w("bottom")), bdr.find(w("top"))
        props.border_bottom = bottom is not None and bottom.get(w("val")) not in (None, "nil", "none")
        props.border_top = top is not None and top.get(w("val")) not in (None, "nil", "none")
    return props
