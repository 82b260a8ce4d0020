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
    fonts: dict[str, str] = field(default_factory=dict)  # ascii, hAnsi, cs, eastAsia
    size: float | None = None  # points
    bold: bool | None = None
    italic: bool | None = None
    caps: bool | None = None
    color: str | None = None

    def merged(self, other: RunProps) -> RunProps:
        return RunProps(
            fonts={**self.fonts, **other.fonts},
            size=other.size if other.size is not None else self.size,
            bold=other.bold if other.bold is not None else self.bold,
            italic=other.italic if other.italic is not None else self.italic,
            caps=other.caps if other.caps is not None else self.caps,
            color=other.color if other.color is not None else self.color,
        )


@dataclass
class ParaProps:
    jc: str | None = None
    ind: dict[str, int] = field(default_factory=dict)  # left, right, firstLine, hanging (twips)
    spacing: dict[str, str] = field(default_factory=dict)  # before, after, line, lineRule
    keep_next: bool | None = None
    border_bottom: bool | None = None
    border_top: bool | None = None

    def merged(self, other: ParaProps) -> ParaProps:
        return ParaProps(
            jc=other.jc or self.jc,
            ind={**self.ind, **other.ind},
            spacing={**self.spacing, **other.spacing},
            keep_next=other.keep_next if other.keep_next is not None else self.keep_next,
            border_bottom=other.border_bottom if other.border_bottom is not None else self.border_bottom,
            border_top=other.border_top if other.border_top is not None else self.border_top,
        )


@dataclass
class Run:
    text: str
    props: RunProps


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

    def run_props(self) -> list[RunProps]:
        return [r.props for r in self.runs if r.text.strip()]


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
    color = el.find(w("color"))
    if color is not None:
        props.color = color.get(w("val"))
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
    bdr = el.find(w("pBdr"))
    if bdr is not None:
        bottom, top = bdr.find(w("bottom")), bdr.find(w("top"))
        props.border_bottom = bottom is not None and bottom.get(w("val")) not in (None, "nil", "none")
        props.border_top = top is not None and top.get(w("val")) not in (None, "nil", "none")
    return props
