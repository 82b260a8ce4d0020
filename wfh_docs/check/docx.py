"""Reading any .docx as a reader sees it: paragraphs with their effective formatting.

Formatting in WordprocessingML comes in layers: document defaults, the paragraph style and
the styles it is based on, the run's character style, then the run's own properties; fonts
may point at the theme. This module resolves those layers into the value that applies, so
tests (and the ND 30 checker) can ask "what size is the Nơi nhận heading?" of any letter,
whether wfhdoc made it or a clerk typed it in Word. props.py holds the properties and what a
paragraph is; parts.py reads the file's parts within bounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import ArchiveError
from ..files.safezip import Archive
from ..i18n import _
from .lines import MC_ALTERNATE, line_shapes, split_lines, symbol
from .numbering import Numbering
from .parts import (
    PIECE_LIMIT,
    REPAIR,
    TAG_LIMIT,
    PartError,
    Parts,
    clip,
    count,
    hint,
    parse,
)
from .placing import breaks, cell_of, section_of
from .props import (
    A_NS,
    Paragraph,
    ParaProps,
    Run,
    RunProps,
    Section,
    as_int,
    para_props,
    run_props,
    w,
)
from .styles import Resolver, TablePlace
from .tables import TablePlaces


@dataclass
class _StyleBook:
    """A styles part read and resolved: the same for every letter made from one template, so
    shared by the Docx objects that have it (the batch checks a letter of every agency)."""

    styles: dict[str, etree._Element] = field(default_factory=dict)
    resolver: Resolver = field(default_factory=lambda: Resolver(None, {}))
    default_rpr: RunProps = field(default_factory=RunProps)
    default_ppr: ParaProps = field(default_factory=ParaProps)
    default_paragraph_style: str | None = None
    rpr_cache: dict[str | None, RunProps] = field(default_factory=dict)  # style -> resolved props
    ppr_cache: dict[str | None, ParaProps] = field(default_factory=dict)


_MAIN = "word/document.xml"
_STYLE_BOOK_BYTES = 2 << 20  # the largest styles part whose book is kept for other letters
_STYLE_BOOKS: dict[tuple[bytes | None, tuple[tuple[str, str], ...]], _StyleBook] = {}


class Docx:
    """A .docx opened for reading: styles resolved, paragraphs in reading order.

    Only the parts asked for are inflated, each under safezip's caps; a damaged archive, or a
    document.xml that is missing, empty or not XML, is an ArchiveError naming the file and
    the part. Other parts that are damaged are read leniently and noted in `parse_errors`,
    so that the rest of the letter can still be checked."""

    def __init__(self, source: Path | str | bytes, *, name: str | None = None) -> None:
        if not isinstance(source, bytes):
            source = Path(source)
        self.name = name or (str(source) if isinstance(source, Path) else _("the letter"))
        # what a strict parser refused, by part; such a part is read leniently so that the
        # rest of the letter can still be looked at
        self.parse_errors: dict[str, str] = {}
        self.control_chars: dict[str, list[tuple[str, str]]] = {}  # part -> (character, text around it)
        self._trees: dict[str, etree._Element] = {}
        self._paragraphs: dict[str, list[Paragraph]] = {}
        self._rels: dict[str, str] | None = None
        try:
            with Archive(source, what=self.name) as archive:
                self.parts = Parts(source, self.name, archive)
                try:
                    self._open()
                finally:
                    self.parts._archive = None
        except PartError:
            raise
        except ArchiveError as exc:
            raise PartError(exc.source, exc.member, f"{exc.reason}; {hint(exc)}") from None

    def _open(self) -> None:
        main = _MAIN
        if main not in self.parts:
            raise PartError(
                self.name, main, _("missing: this is not a Word document; save the letter from Word as .docx")
            )
        if not self.parts[main].strip():
            raise PartError(
                self.name,
                main,
                _(
                    "empty: the letter's text is not in the file; open it in Word, which repairs what it "
                    "can, and save it again as .docx, or ask its sender for it again"
                ),
            )
        self.document = self.tree(main)
        if main in self.parse_errors and not len(self.document):
            raise PartError(
                self.name,
                main,
                _("not readable XML ({complaint}); {repair}").format(
                    complaint=clip(self.parse_errors[main]), repair=_(REPAIR)
                ),
            )
        # the headers and footers, read now while the archive is open: the checker reads them
        for target in self._relationships(("/header", "/footer")).values():
            if target in self.parts:
                self._side_part(target)
        self.theme_fonts = self._theme_fonts()
        styles = self._side_part("word/styles.xml") if "word/styles.xml" in self.parts else None
        key = (styles, tuple(sorted(self.theme_fonts.items())))
        book = _STYLE_BOOKS.get(key) if styles is not None else None
        if book is None:
            book = self._read_styles()
            clean = "word/styles.xml" not in self.parse_errors and "word/styles.xml" not in self.control_chars
            # a real styles part is tens of KB; a huge one is not kept for other letters
            if styles is not None and clean and len(styles) <= _STYLE_BOOK_BYTES:
                if len(_STYLE_BOOKS) >= 8:
                    _STYLE_BOOKS.clear()
                _STYLE_BOOKS[key] = book
        self._styles = book.styles
        self.resolver = book.resolver
        self.numbering = Numbering(
            self.tree(_NUMBERING) if _NUMBERING in self.parts else None, self.theme_fonts
        )
        self.default_rpr, self.default_ppr = book.default_rpr, book.default_ppr
        self.default_paragraph_style = book.default_paragraph_style
        self._rpr_cache, self._ppr_cache = book.rpr_cache, book.ppr_cache

    def _read_styles(self) -> _StyleBook:
        styles = self.tree("word/styles.xml") if "word/styles.xml" in self.parts else None
        resolver = Resolver(styles, self.theme_fonts)
        return _StyleBook(
            styles=resolver.styles,
            resolver=resolver,
            default_rpr=resolver.default_rpr,
            default_ppr=resolver.default_ppr,
            default_paragraph_style=resolver.default_paragraph_style,
        )

    def tree(self, part: str) -> etree._Element:
        """A part's XML, parsed once; a part that is not well-formed is parsed leniently and
        the parser's complaint kept in `parse_errors` (a part with nothing to recover is an
        empty element)."""
        if part not in self._trees:
            data = self.parts[part] if part == _MAIN else self._side_part(part)
            self._trees[part] = etree.Element("empty") if data is None else self._parse(part, data)
        return self._trees[part]

    def _side_part(self, part: str) -> bytes | None:
        """A part other than document.xml; one the archive cannot give (damaged, or inflating
        past the caps) is noted in `parse_errors` and None, so the rest of the letter is read."""
        try:
            return self.parts[part]
        except ArchiveError as exc:
            self.parse_errors[part] = exc.reason
            return None

    def _parse(self, part: str, data: bytes) -> etree._Element:
        if data.count(b"<") > TAG_LIMIT:
            if part == _MAIN:
                raise PartError(
                    self.name,
                    part,
                    _(
                        "more than {count} tags, far more than a letter has; check a letter, not a "
                        "book (or split the document)"
                    ).format(count=count(TAG_LIMIT)),
                )
            # what the part's finding shows as found, in English as every `found` is
            self.parse_errors[part] = f"more than {TAG_LIMIT:,} tags, far more than a letter has; not read"
            return etree.Element("empty")
        parsed = parse(data)
        if parsed.control_chars:
            self.control_chars[part] = parsed.control_chars
        if parsed.complaint is not None:
            self.parse_errors[part] = parsed.complaint
        return parsed.root

    def _relationships(self, kinds: tuple[str, ...] | None = None) -> dict[str, str]:
        """The document's relationships, id -> part name (of the kinds asked for, by the end
        of their type)."""
        rels = "word/_rels/document.xml.rels"
        out: dict[str, str] = {}
        if rels not in self.parts:
            return out
        for rel in self.tree(rels):
            rid, target = rel.get("Id"), rel.get("Target")
            if not rid or target is None or rel.get("TargetMode") == "External":
                continue
            if kinds is None or rel.get("Type", "").endswith(kinds):
                out.setdefault(rid, "word/" + target.lstrip("/").removeprefix("word/"))
        return out

    def _theme_fonts(self) -> dict[str, str]:
        name = next((n for n in self.parts if re.match(r"word/theme/theme\d*\.xml$", n)), None)
        if not name:
            return {}
        root = self.tree(name)
        out: dict[str, str] = {}
        for kind in ("major", "minor"):
            font = root.find(f".//{{{A_NS}}}{kind}Font")
            if font is None:
                continue
            for tag, slots in (("latin", ("HAnsi", "Ascii")), ("ea", ("EastAsia",)), ("cs", ("Bidi",))):
                el = font.find(f"{{{A_NS}}}{tag}")
                if el is not None:
                    for slot in slots:
                        out[f"{kind}{slot}"] = el.get("typeface", "")
        return out

    def style_chain(self, sid: str | None) -> list[etree._Element]:
        """The style and the styles it is based on, root first."""
        return self.resolver.chain(sid)

    def _base_ppr(self, style: str | None) -> ParaProps:
        """A paragraph of `style` with nothing of its own: defaults and the style's chain."""
        return self.resolver.paragraph(paragraph_style=style, direct=ParaProps())

    def _base_rpr(self, style: str | None) -> RunProps:
        """A run with nothing of its own in a paragraph of `style`."""
        return self.resolver.run(paragraph_style=style, character_style=None, direct=None)

    def has_style(self, sid: str) -> bool:
        return sid in self._styles

    def style_name(self, sid: str) -> str | None:
        st = self._styles.get(sid)
        name = st.find(w("name")) if st is not None else None
        return name.get(w("val")) if name is not None else None

    def _style_rpr(self, sid: str | None) -> RunProps:
        """What a style and its bases say of a run (a paragraph or a character style)."""
        st = self._styles.get(sid or "")
        kind = st.get(w("type"), "paragraph") if st is not None else "paragraph"
        return self.resolver.level(sid, kind).rpr

    def _style_ppr(self, sid: str | None) -> ParaProps:
        return self.resolver.level(sid).ppr

    def paragraphs(self, part: str = "word/document.xml") -> list[Paragraph]:
        """The part's paragraphs in reading order (read once; callers must not change them)."""
        if part not in self._paragraphs:
            self._paragraphs[part] = self._read_paragraphs(part)
        return self._paragraphs[part]

    def _read_paragraphs(self, part: str) -> list[Paragraph]:
        root = self.tree(part)
        out: list[Paragraph] = []
        # keeping the elements in these dicts keeps lxml's proxies alive, so identity lookups hold
        tables = {t: i for i, t in enumerate(root.iter(w("tbl")))}
        places: dict[etree._Element, int] = {}  # a row's place in its table, a cell's in its row
        cells = TablePlaces()  # each cell's place, for its table style
        counters = self.numbering.counters()
        pieces = 0  # paragraphs and runs read so far
        resolver = self.resolver
        for p in root.iter(w("p")):
            ppr = p.find(w("pPr"))
            style_el = ppr.find(w("pStyle")) if ppr is not None else None
            style = style_el.get(w("val")) if style_el is not None else self.default_paragraph_style
            if style is not None and style not in resolver.styles:
                style = self.default_paragraph_style  # a style the file does not define: Word uses Normal
            tc = next((a for a in p.iterancestors(w("tc"))), None)
            place = cells.place(tc) if tc is not None else None
            direct = para_props(ppr)
            # a list: its level's indents (between the table style and the paragraph style)
            numbered = resolver.paragraph(paragraph_style=style, direct=direct, table=place).numbering
            level = self.numbering.level(numbered) if numbered else None
            pprops = resolver.paragraph(
                paragraph_style=style,
                direct=direct,
                table=place,
                numbering=level.ppr if level is not None else None,
            )
            pieces += 1
            runs, hidden, drawn = self._runs(p, style, place, part, PIECE_LIMIT - pieces)
            label = ""
            if level is not None and numbered is not None and (runs or not self.numbering.hides_empty):
                label = counters.label(numbered, level)
                if label:
                    props = resolver.run(
                        paragraph_style=style, character_style=None, direct=level.rpr, table=place
                    )
                    runs.insert(0, Run(label, props, label=True))
            pieces += len(runs)
            if pieces > PIECE_LIMIT:
                raise self._too_long(part)
            para = Paragraph("".join(r.text for r in runs), style, pprops, runs, part, tc is not None)
            para.index, para.hidden, para.label = len(out), hidden, label
            para.lines_drawn = [width for _offset, width in drawn]
            breaks(p, ppr, para)
            if pprops.page_break_before:
                para.page_break_before = True
            if tc is not None:
                cell_of(tc, para, tables, places)
            para._drawn = drawn  # type: ignore[attr-defined]  # (offset, width): lines() splits them
            out.append(para)
        return out

    def _runs(
        self, p: etree._Element, style: str | None, place: TablePlace | None, part: str, room: int
    ) -> tuple[list[Run], str, list[tuple[int, int]]]:
        """The paragraph's runs with their effective properties and text as Word shows it (tabs
        and line breaks included, soft hyphens not, a non-breaking hyphen as "-"), the text of
        its hidden runs, and the line shapes drawn in it (where in the text, and how long);
        more than `room` runs is a letter too long to read."""
        runs: list[Run] = []
        hidden: list[str] = []
        drawn: list[tuple[int, int]] = []
        offset = 0
        resolver = self.resolver
        for r in p.iter(w("r")):
            if next(r.iterancestors(w("p")), None) is not p:
                continue  # a text box's paragraph inside this one: read as its own paragraph
            if len(runs) >= room:
                raise self._too_long(part)
            rpr = r.find(w("rPr"))
            rstyle_el = rpr.find(w("rStyle")) if rpr is not None else None
            props = resolver.run(
                paragraph_style=style,
                character_style=rstyle_el.get(w("val")) if rstyle_el is not None else None,
                direct=run_props(rpr, self.theme_fonts),
                table=place,
            )
            text = []
            for el in r:
                tag = el.tag
                if tag == w("t"):
                    text.append(el.text or "")
                elif tag in (w("tab"), w("ptab")):
                    text.append("\t")
                elif tag in (w("br"), w("cr")):
                    text.append("\n")
                elif tag == w("noBreakHyphen"):
                    text.append("-")
                elif tag == w("sym"):
                    text.append(symbol(el.get(w("char"))))
                elif tag in (w("drawing"), w("pict")) or tag == MC_ALTERNATE:
                    for width in line_shapes(el):
                        drawn.append((offset + len("".join(text)), width))
                # w:softHyphen: shown only where Word breaks the line there, so not in the text
            joined = "".join(text)
            if props.vanish:
                hidden.append(joined)
                continue
            offset += len(joined)
            runs.append(Run(joined, props))
        return runs, "".join(hidden), drawn

    def _too_long(self, part: str) -> ArchiveError:
        return PartError(
            self.name,
            part,
            _(
                "more than {count} paragraphs and runs, far more than a letter has; check a letter, "
                "not a book (or split the document)"
            ).format(count=count(PIECE_LIMIT)),
        )

    def sections(self) -> list[Section]:
        return [section_of(sp) for sp in self.document.iter(w("sectPr"))]

    def part_for_rel(self, rel_id: str) -> str | None:
        if self._rels is None:
            self._rels = self._relationships()
        return self._rels.get(rel_id)

    def lines(self, part: str = "word/document.xml") -> list[Paragraph]:
        """The part's lines in reading order: each paragraph, cut where Word breaks its line
        by hand (w:br, w:cr: Shift+Enter), so that an element typed on its own line of a
        paragraph is found as if it were a paragraph (read once; callers must not change
        them). A paragraph without a break is itself; `index` and `line` say where a line
        comes from."""
        key = f"lines:{part}"
        if key not in self._paragraphs:
            out: list[Paragraph] = []
            for p in self.paragraphs(part):
                out.extend(split_lines(p))
            self._paragraphs[key] = out
        return self._paragraphs[key]

    def text_lines(self) -> list[str]:
        """Every paragraph's text in reading order (tables row by row, cell by cell)."""
        return [p.text for p in self.paragraphs()]


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NUMBERING = "word/numbering.xml"
# what callers read a letter's paragraphs as (tests, the renderer's own tests) besides Docx
__all__ = ["Docx", "ParaProps", "Paragraph", "Run", "RunProps", "Section", "as_int", "split_lines"]
