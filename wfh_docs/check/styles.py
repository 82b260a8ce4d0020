"""Run and paragraph formatting resolved as Word resolves it (ISO/IEC 29500-1 §17.7.2, §17.7.3).

A run's formatting is built up in this order, each layer over the one before:

    document defaults (w:docDefaults)
    the table style of the innermost table the paragraph is in: its whole-table properties, then
        the conditional formats (w:tblStylePr) that apply to the cell, chosen by the table's
        w:tblLook (or, without one, the cell's cached w:cnfStyle), in Word's order of priority:
        bands, first/last column, first/last row, corner cells
    the paragraph style and the styles it is based on
    the run's character style and the styles it is based on
    the run's own properties (direct formatting)

(§17.7.2 puts numbering between the table and the paragraph styles: a list level's w:pPr is read
there for the paragraph's indents, and its w:rPr formats the list's number or bullet only, as Word
shows it; the text of the paragraph keeps its own.)

A property that is not a toggle takes the last value given in that order. A toggle property (w:b,
w:i, w:caps, w:smallCaps, w:strike, w:dstrike, w:vanish, w:emboss, w:imprint, w:outline,
w:shadow) is combined differently (§17.7.3): within one level (one style and the styles it is
based on) the value nearest the style wins; across the levels (table style, paragraph style,
character style) each level that sets it *true* toggles it, one that sets it false changes
nothing, starting from the document defaults' value; direct formatting sets it absolutely. So
a bold paragraph style with a bold character style is not bold, which is how Word shows it
(LibreOffice 7 shows it bold: tests/test_check_oracle.py says where the two part).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from lxml import etree

from .props import ParaProps, RunProps, as_int, para_props, run_props, w

# the toggle properties: element name -> RunProps field
TOGGLES = {
    "b": "bold",
    "i": "italic",
    "caps": "caps",
    "smallCaps": "small_caps",
    "strike": "strike",
    "dstrike": "dstrike",
    "vanish": "vanish",
    "emboss": "emboss",
    "imprint": "imprint",
    "outline": "outline",
    "shadow": "shadow",
}
_TOGGLE_FIELDS = frozenset(TOGGLES.values())

# w:tblStylePr types, lowest priority first (a later one wins where both apply)
CONDITIONS = (
    "wholeTable",
    "band1Vert",
    "band2Vert",
    "band1Horz",
    "band2Horz",
    "firstCol",
    "lastCol",
    "firstRow",
    "lastRow",
    "neCell",
    "nwCell",
    "seCell",
    "swCell",
)
# w:tblLook's bits, when it is written as one hex number (w:val="04A0")
_LOOK_BITS = {
    "firstRow": 0x0020,
    "lastRow": 0x0040,
    "firstColumn": 0x0080,
    "lastColumn": 0x0100,
    "noHBand": 0x0200,
    "noVBand": 0x0400,
}
# w:cnfStyle's twelve flags, in the order of its w:val bit string
_CNF = (
    "firstRow",
    "lastRow",
    "firstCol",
    "lastCol",
    "band1Vert",
    "band2Vert",
    "band1Horz",
    "band2Horz",
    "nwCell",
    "neCell",
    "swCell",
    "seCell",
)
_CNF_ATTRS = {
    "firstRow": "firstRow",
    "lastRow": "lastRow",
    "firstColumn": "firstCol",
    "lastColumn": "lastCol",
    "oddVBand": "band1Vert",
    "evenVBand": "band2Vert",
    "oddHBand": "band1Horz",
    "evenHBand": "band2Horz",
    "firstRowFirstColumn": "nwCell",
    "firstRowLastColumn": "neCell",
    "lastRowFirstColumn": "swCell",
    "lastRowLastColumn": "seCell",
}


@dataclass(frozen=True)
class Level:
    """One level of the hierarchy: its run properties with the toggles as that level sets them
    (True, False, or None where it says nothing), and its paragraph properties."""

    rpr: RunProps = field(default_factory=RunProps)
    ppr: ParaProps = field(default_factory=ParaProps)


def _plain(props: RunProps) -> RunProps:
    """The properties without their toggles (those are combined apart)."""
    out = replace(props)
    for name in _TOGGLE_FIELDS:
        setattr(out, name, None)
    return out


def combine(defaults: RunProps, levels: list[RunProps], direct: RunProps | None = None) -> RunProps:
    """The effective run properties: `defaults`, then each style level in order, then `direct`,
    the toggles combined by §17.7.3 and the other properties by their last value."""
    out = defaults
    for level in [*levels, *([direct] if direct is not None else [])]:
        out = out.merged(_plain(level))
    values: dict[str, bool] = {}
    for name in _TOGGLE_FIELDS:
        value = bool(getattr(defaults, name))
        for level in levels:
            if getattr(level, name) is True:
                value = not value
        if direct is not None and getattr(direct, name) is not None:
            value = bool(getattr(direct, name))
        values[name] = value
    out = replace(out)
    for name, value in values.items():
        setattr(out, name, value)
    return out


def chain_value(props: list[RunProps]) -> RunProps:
    """One level's properties from a style and those it is based on (root first): every
    property, toggles too, takes the value nearest the style."""
    out = RunProps()
    for p in props:
        out = out.merged(p)
    return out


@dataclass
class TablePlace:
    """Where a cell is in its table, for the table style's conditional formats."""

    style: str | None
    look: dict[str, bool] | None  # None: the table has no w:tblLook
    row: int
    rows: int
    col: int
    cols: int
    row_band: int = 1
    col_band: int = 1
    cnf: frozenset[str] = frozenset()  # the cell's and row's cached w:cnfStyle flags

    def conditions(self) -> list[str]:
        """The conditional formats that apply to the cell, lowest priority first."""
        found = set(self.cnf) if self.look is None else self._from_look(self.look)
        found.add("wholeTable")
        return [c for c in CONDITIONS if c in found]

    def _from_look(self, look: dict[str, bool]) -> set[str]:
        found: set[str] = set()
        first_row = look.get("firstRow", False) and self.row == 0
        last_row = look.get("lastRow", False) and self.row == self.rows - 1
        first_col = look.get("firstColumn", False) and self.col == 0
        last_col = look.get("lastColumn", False) and self.col == self.cols - 1
        for name, hit in (
            ("firstRow", first_row),
            ("lastRow", last_row),
            ("firstCol", first_col),
            ("lastCol", last_col),
        ):
            if hit:
                found.add(name)
        if not look.get("noHBand", False) and not first_row and not last_row:
            r = self.row - (1 if look.get("firstRow", False) else 0)
            found.add("band1Horz" if (r // max(1, self.row_band)) % 2 == 0 else "band2Horz")
        if not look.get("noVBand", False) and not first_col and not last_col:
            c = self.col - (1 if look.get("firstColumn", False) else 0)
            found.add("band1Vert" if (c // max(1, self.col_band)) % 2 == 0 else "band2Vert")
        if first_row and first_col:
            found.add("nwCell")
        if first_row and last_col:
            found.add("neCell")
        if last_row and first_col:
            found.add("swCell")
        if last_row and last_col:
            found.add("seCell")
        return found


def table_look(tblpr: etree._Element | None) -> dict[str, bool] | None:
    """A table's w:tblLook: which of its style's conditional formats it turns on."""
    look = tblpr.find(w("tblLook")) if tblpr is not None else None
    if look is None:
        return None
    out: dict[str, bool] = {}
    val = look.get(w("val"))
    bits = 0
    if val:
        try:
            bits = int(val, 16)
        except ValueError:
            bits = 0
    for name, bit in _LOOK_BITS.items():
        attr = look.get(w(name))
        if attr is not None:
            out[name] = attr.lower() in ("1", "true", "on")
        else:
            out[name] = bool(bits & bit)
    return out


def cnf_flags(el: etree._Element | None) -> set[str]:
    """The flags of an element's w:cnfStyle (on a w:tr, w:tc or w:p)."""
    out: set[str] = set()
    if el is None:
        return out
    holder = el.find(w({w("tr"): "trPr", w("tc"): "tcPr"}.get(el.tag, "pPr")))
    cnf = holder.find(w("cnfStyle")) if holder is not None else None
    if cnf is None:
        return out
    val = cnf.get(w("val")) or ""
    for flag, bit in zip(_CNF, val, strict=False):
        if bit == "1":
            out.add(flag)
    for attr, flag in _CNF_ATTRS.items():
        if (cnf.get(w(attr)) or "").lower() in ("1", "true", "on"):
            out.add(flag)
    return out


class Resolver:
    """The styles part of a letter, read once, resolving any run's and paragraph's formatting."""

    def __init__(self, styles: etree._Element | None, theme: dict[str, str]) -> None:
        self.theme = theme
        self.styles: dict[str, etree._Element] = {}
        self.default_paragraph_style: str | None = None
        self.default_table_style: str | None = None
        self.default_character_style: str | None = None
        self.default_rpr = RunProps()
        self.default_ppr = ParaProps()
        self._level: dict[tuple[str, str | None], Level] = {}
        self._table: dict[tuple[str | None, tuple[str, ...]], Level] = {}
        if styles is None:
            return
        defaults = styles.find(w("docDefaults"))
        if defaults is not None:
            self.default_rpr = run_props(defaults.find(f"{w('rPrDefault')}/{w('rPr')}"), theme)
            self.default_ppr = para_props(defaults.find(f"{w('pPrDefault')}/{w('pPr')}"))
        for st in styles.iter(w("style")):
            sid = st.get(w("styleId"))
            if not sid:
                continue
            self.styles.setdefault(sid, st)
            if st.get(w("default")) in ("1", "true", "on"):
                kind = st.get(w("type"))
                if kind == "paragraph" and self.default_paragraph_style is None:
                    self.default_paragraph_style = sid
                elif kind == "table" and self.default_table_style is None:
                    self.default_table_style = sid
                elif kind == "character" and self.default_character_style is None:
                    self.default_character_style = sid

    def chain(self, sid: str | None) -> list[etree._Element]:
        """The style and the styles it is based on, root first (a loop is cut where it closes)."""
        out: list[etree._Element] = []
        seen: set[str] = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            st = self.styles[sid]
            out.append(st)
            based = st.find(w("basedOn"))
            sid = based.get(w("val")) if based is not None else None
        return list(reversed(out))

    def level(self, sid: str | None, kind: str = "paragraph") -> Level:
        """A paragraph or character style's level: its run and paragraph properties through
        its basedOn chain (a style of another type than `kind` is none)."""
        key = (kind, sid)
        found = self._level.get(key)
        if found is None:
            rprs, ppr = [], ParaProps()
            for st in self.chain(sid):
                if st.get(w("type"), "paragraph") != kind:
                    continue
                rprs.append(run_props(st.find(w("rPr")), self.theme))
                if kind == "paragraph":
                    ppr = ppr.merged(para_props(st.find(w("pPr"))))
            found = Level(chain_value(rprs), ppr)
            self._level[key] = found
        return found

    def table_level(self, place: TablePlace) -> Level:
        """The table style's level for one cell: the style's (and its bases') whole-table
        properties, then each conditional format that applies."""
        sid = place.style if place.style in self.styles else self.default_table_style
        conditions = tuple(place.conditions())
        key = (sid, conditions)
        found = self._table.get(key)
        if found is None:
            chain = [st for st in self.chain(sid) if st.get(w("type")) == "table"]
            rprs: list[RunProps] = []
            ppr = ParaProps()
            for condition in conditions:
                for st in chain:
                    if condition == "wholeTable":
                        rpr_el, ppr_el = st.find(w("rPr")), st.find(w("pPr"))
                    else:
                        cond = next(
                            (c for c in st.iterchildren(w("tblStylePr")) if c.get(w("type")) == condition),
                            None,
                        )
                        if cond is None:
                            continue
                        rpr_el, ppr_el = cond.find(w("rPr")), cond.find(w("pPr"))
                    rprs.append(run_props(rpr_el, self.theme))
                    ppr = ppr.merged(para_props(ppr_el))
            found = Level(chain_value(rprs), ppr)
            self._table[key] = found
        return found

    def run(
        self,
        *,
        paragraph_style: str | None,
        character_style: str | None,
        direct: RunProps | None,
        table: TablePlace | None = None,
    ) -> RunProps:
        """A run's effective properties."""
        levels = []
        if table is not None:
            levels.append(self.table_level(table).rpr)
        levels.append(self.level(paragraph_style).rpr)
        if character_style:
            levels.append(self.level(character_style, "character").rpr)
        return combine(self.default_rpr, levels, direct)

    def paragraph(
        self,
        *,
        paragraph_style: str | None,
        direct: ParaProps,
        table: TablePlace | None = None,
        numbering: ParaProps | None = None,
    ) -> ParaProps:
        """A paragraph's effective properties: defaults, table style, numbering, style, its own."""
        out = self.default_ppr
        if table is not None:
            out = out.merged(self.table_level(table).ppr)
        if numbering is not None:
            out = out.merged(numbering)
        return out.merged(self.level(paragraph_style).ppr).merged(direct)


def toggles_of(props: RunProps) -> dict[str, bool | None]:
    """The toggle properties as a RunProps holds them (for tests and messages)."""
    return {f.name: getattr(props, f.name) for f in fields(props) if f.name in _TOGGLE_FIELDS}


__all__ = [
    "CONDITIONS",
    "TOGGLES",
    "Level",
    "Resolver",
    "TablePlace",
    "as_int",
    "chain_value",
    "cnf_flags",
    "combine",
    "table_look",
    "toggles_of",
]
