"""Reading any .docx as a reader sees it: paragraphs with their effective formatting.

Formatting in WordprocessingML comes in layers: document defaults, the paragraph style and
the styles it is based on, the run's character style, then the run's own properties; fonts
may point at the theme. This module resolves those layers into the value that applies, so
tests (and the ND 30 checker) can ask "what size is the Nơi nhận heading?" of any letter,
whether wfhdoc made it or a clerk typed it in Word.
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import ArchiveError
from ..files.safezip import Archive

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_W = f"{{{W_NS}}}"
_ON_OFF_FALSE = {"0", "false", "off"}


# characters XML 1.0 does not allow, raw or as character references (matched in the decoded text)
_ILLEGAL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#(?:x0*[0-8bBcCeEfF]|x0*1[0-9a-fA-F]|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));"
)
_TAG = re.compile(r"<[^>]*>")
_DECLARATION = re.compile(r"\A\ufeff?\s*<\?xml\b[^>]*\?>")
_ENCODING = re.compile(rb"\A\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose mark it starts with
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"<\x00?\x00", "utf-16-le"),  # UTF-16 without a byte order mark
    (b"\x00<\x00?", "utf-16-be"),
)

# The parts a letter's check reads are XML of a few hundred KB (the reference letter with its
# phụ lục: 0.3 MB); a part read for checking may inflate to this much, well under safezip's
# own cap, so that its parsed tree and paragraphs stay within a few hundred MB.
PART_LIMIT = 32 << 20
# What a part may hold, for the same reason: the size alone does not bound it (32 MB of
# "<w:p/>" are 5 million paragraphs, 4 GB once read). A real letter with a long phụ lục has
# some ten thousand paragraphs and runs and a few hundred thousand tags.
TAG_LIMIT = 2_000_000  # "<" in a part: its parsed tree
PIECE_LIMIT = 200_000  # paragraphs and runs in a part: what the checker reads of it


def _encoding(data: bytes) -> str:
    """The encoding a part's XML is in: its byte order mark, else its declaration, else UTF-8."""
    for mark, name in _BOMS:
        if data.startswith(mark):
            return name
    m = _ENCODING.match(data[:256])
    if m:
        name = m.group(1).decode("ascii")
        try:
            codecs.lookup(name)
            return name
        except LookupError:
            pass
    return "utf-8"


def _decode(data: bytes) -> tuple[str, bool]:
    """The part's text as the XML parser reads it, whatever encoding it declares (UTF-16 and
    ISO-8859-1 are as legal as UTF-8), and whether it decoded exactly: what cannot be decoded
    (bytes wrong for the encoding, or one Python does not know) becomes U+FFFD."""
    encoding = _encoding(data)
    try:
        return data.decode(encoding), True
    except UnicodeDecodeError:
        return data.decode(encoding, "replace"), False


def _utf8(text: str) -> bytes:
    """Decoded XML back to bytes for the parser: UTF-8, without a declaration naming another
    encoding."""
    return _DECLARATION.sub("", text, count=1).encode("utf-8")


def _text_around(text: str, start: int, end: int) -> str:
    """The document's text on each side of a character, without the XML tags, and with
    character references (how ISO-8859-1 writes "ộ") as the characters they stand for."""
    before = html.unescape(_TAG.sub("", text[max(0, start - 400) : start]))
    after = html.unescape(_TAG.sub("", text[end : end + 400]))
    return f"{before[-30:]}␣{after[:30]}".strip()


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


def _w(tag: str) -> str:
    return f"{_W}{tag}"


def _on(el: etree._Element | None) -> bool | None:
    if el is None:
        return None
    return el.get(_w("val"), "true").lower() not in _ON_OFF_FALSE


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


def _rpr(el: etree._Element | None, theme: dict[str, str]) -> RunProps:
    props = RunProps()
    if el is None:
        return props
    fonts = el.find(_w("rFonts"))
    if fonts is not None:
        for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
            name = fonts.get(_w(slot))
            theme_ref = fonts.get(_w(f"{slot}Theme"))
            if theme_ref:
                # asciiTheme="minorHAnsi" etc.: the theme's major or minor latin/ea/cs font
                name = theme.get(theme_ref, name or "")
            if name:
                props.fonts[slot] = name
    sz = el.find(_w("sz"))
    if sz is not None and sz.get(_w("val")):
        props.size = as_int(sz.get(_w("val"))) / 2
    props.bold = _on(el.find(_w("b")))
    props.italic = _on(el.find(_w("i")))
    props.caps = _on(el.find(_w("caps")))
    color = el.find(_w("color"))
    if color is not None:
        props.color = color.get(_w("val"))
    return props


def _ppr(el: etree._Element | None) -> ParaProps:
    props = ParaProps()
    if el is None:
        return props
    jc = el.find(_w("jc"))
    if jc is not None:
        props.jc = jc.get(_w("val"))
    ind = el.find(_w("ind"))
    if ind is not None:
        for key in ("left", "right", "firstLine", "hanging", "start", "end"):
            value = ind.get(_w(key))
            if value is not None:
                props.ind[{"start": "left", "end": "right"}.get(key, key)] = as_int(value)
    spacing = el.find(_w("spacing"))
    if spacing is not None:
        for key in ("before", "after", "line", "lineRule"):
            value = spacing.get(_w(key))
            if value is not None:
                props.spacing[key] = value
    props.keep_next = _on(el.find(_w("keepNext")))
    bdr = el.find(_w("pBdr"))
    if bdr is not None:
        bottom, top = bdr.find(_w("bottom")), bdr.find(_w("top"))
        props.border_bottom = bottom is not None and bottom.get(_w("val")) not in (None, "nil", "none")
        props.border_top = top is not None and top.get(_w("val")) not in (None, "nil", "none")
    return props


@dataclass
class _StyleBook:
    """A styles part read and resolved: the same for every letter made from one template, so
    shared by the Docx objects that have it (the batch checks a letter of every agency)."""

    styles: dict[str, etree._Element] = field(default_factory=dict)
    default_rpr: RunProps = field(default_factory=RunProps)
    default_ppr: ParaProps = field(default_factory=ParaProps)
    default_paragraph_style: str | None = None
    rpr_cache: dict[str | None, RunProps] = field(default_factory=dict)  # style -> resolved props
    ppr_cache: dict[str | None, ParaProps] = field(default_factory=dict)


_MAIN = "word/document.xml"
_STYLE_BOOK_BYTES = 2 << 20  # the largest styles part whose book is kept for other letters
_STYLE_BOOKS: dict[tuple[bytes | None, tuple[tuple[str, str], ...]], _StyleBook] = {}


def _parser(*, recover: bool = False) -> etree.XMLParser:
    """A parser for a part from outside: no DTD, entities or network, lxml's default bounds on
    depth and text size; `recover` reads what it can of a damaged part."""
    return etree.XMLParser(
        recover=recover, resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
    )


def _place(
    places: dict[etree._Element, int], el: etree._Element, parent: etree._Element, tag: str
) -> int | None:
    """The element's place among its parent's children of its tag (None when it is not one
    of them, as a cell inside a content control), each parent's children counted once."""
    if el not in places:
        for i, child in enumerate(parent.iterchildren(tag)):
            places[child] = i
    return places.get(el)


def _clip(text: str, n: int = 120) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class _PartError(ArchiveError):
    """An ArchiveError whose message already says how to fix it."""


def _hint(exc: ArchiveError) -> str:
    """What a clerk can do about a letter safezip refused."""
    if "inflates" in exc.reason:
        return "this is not a letter as Word saves one: do not open it, ask its sender for it again"
    if not exc.member:
        return (
            "give a Word document saved as .docx (one protected by a password: open it in Word "
            "and save it without)"
        )
    if "encrypted" in exc.reason:
        return "open it in Word and save it without a password"
    return "open the letter in Word, which repairs what it can, and save it again as .docx"


class _Parts(Mapping[str, bytes]):
    """A letter's parts by name, each inflated from the archive the first time it is asked for
    (under safezip's caps and PART_LIMIT), so that media and other parts the checker never
    reads are never inflated. A part asked for after the Docx is made reopens the archive."""

    def __init__(self, source: Path | bytes, what: str, archive: Archive) -> None:
        self._source = source
        self._what = what
        self._names = archive.names()
        self._known = set(self._names)
        self._data: dict[str, bytes] = {}
        self._archive: Archive | None = archive  # open while the Docx is being made

    def __getitem__(self, name: str) -> bytes:
        data = self._data.get(name)
        if data is None:
            if name not in self._known:
                raise KeyError(name)
            if self._archive is not None:
                data = self._archive.read(name, limit=PART_LIMIT)
            else:
                with Archive(self._source, what=self._what) as archive:
                    data = archive.read(name, limit=PART_LIMIT)
            self._data[name] = data
        return data

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class Docx:
    """A .docx opened for reading: styles resolved, paragraphs in reading order.

    Only the parts asked for are inflated, each under safezip's caps; a damaged archive, or a
    document.xml that is missing, empty or not XML, is an ArchiveError naming the file and
    the part. Other parts that are damaged are read leniently and noted in `parse_errors`,
    so that the rest of the letter can still be checked."""

    def __init__(self, source: Path | str | bytes, *, name: str | None = None) -> None:
        if not isinstance(source, bytes):
            source = Path(source)
        self.name = name or (str(source) if isinstance(source, Path) else "the letter")
        # what a strict parser refused, by part; such a part is read leniently so that the
        # rest of the letter can still be looked at
        self.parse_errors: dict[str, str] = {}
        self.control_chars: dict[str, list[tuple[str, str]]] = {}  # part -> (character, text around it)
        self._trees: dict[str, etree._Element] = {}
        self._paragraphs: dict[str, list[Paragraph]] = {}
        self._rels: dict[str, str] | None = None
        try:
            with Archive(source, what=self.name) as archive:
                self.parts = _Parts(source, self.name, archive)
                try:
                    self._open()
                finally:
                    self.parts._archive = None
        except _PartError:
            raise
        except ArchiveError as exc:
            raise _PartError(exc.source, exc.member, f"{exc.reason}; {_hint(exc)}") from None

    def _open(self) -> None:
        main = _MAIN
        if main not in self.parts:
            raise _PartError(
                self.name, main, "missing: this is not a Word document; save the letter from Word as .docx"
            )
        if not self.parts[main].strip():
            raise _PartError(
                self.name,
                main,
                "empty: the letter's text is not in the file; open it in Word, which repairs what it "
                "can, and save it again as .docx, or ask its sender for it again",
            )
        self.document = self.tree(main)
        if main in self.parse_errors and not len(self.document):
            raise _PartError(
                self.name,
                main,
                f"not readable XML ({_clip(self.parse_errors[main])}); open the letter in Word, "
                "which repairs what it can, and save it again as .docx",
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
        self.default_rpr, self.default_ppr = book.default_rpr, book.default_ppr
        self.default_paragraph_style = book.default_paragraph_style
        self._rpr_cache, self._ppr_cache = book.rpr_cache, book.ppr_cache

    def _read_styles(self) -> _StyleBook:
        book = _StyleBook()
        if "word/styles.xml" in self.parts:
            styles = self.tree("word/styles.xml")
            defaults = styles.find(_w("docDefaults"))
            if defaults is not None:
                book.default_rpr = _rpr(defaults.find(f"{_w('rPrDefault')}/{_w('rPr')}"), self.theme_fonts)
                book.default_ppr = _ppr(defaults.find(f"{_w('pPrDefault')}/{_w('pPr')}"))
            for st in styles.iter(_w("style")):
                sid = st.get(_w("styleId"))
                if sid:
                    book.styles[sid] = st
                    if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true"):
                        book.default_paragraph_style = sid
        return book

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
            complaint = f"more than {TAG_LIMIT:,} tags, far more than a letter has"
            if part == _MAIN:
                raise _PartError(
                    self.name, part, f"{complaint}; check a letter, not a book (or split the document)"
                )
            self.parse_errors[part] = f"{complaint}; not read"
            return etree.Element("empty")
        try:
            return etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as exc:
            complaint = str(exc)
        # control characters are the usual cause (pasted from old software): note each with
        # the text around it, and read the part without them. The scan runs on the decoded
        # text, so a part in UTF-16 or ISO-8859-1 is read as its declaration says.
        text, exact = _decode(data)
        found = [m for _, m in zip(range(5), _ILLEGAL.finditer(text), strict=False)]
        if found:
            self.control_chars[part] = [(m.group(), _text_around(text, m.start(), m.end())) for m in found]
        if found and exact:  # not when the text could not be decoded: that would hide the damage
            try:
                return etree.fromstring(_utf8(_ILLEGAL.sub("", text)), _parser())
            except etree.XMLSyntaxError:
                pass
        del text
        self.parse_errors[part] = complaint
        try:
            root = etree.fromstring(data, _parser(recover=True))
        except etree.XMLSyntaxError:
            root = None
        return root if root is not None else etree.Element("empty")

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
        chain: list[etree._Element] = []
        seen: set[str] = set()
        while sid and sid in self._styles and sid not in seen:
            seen.add(sid)
            st = self._styles[sid]
            chain.append(st)
            based = st.find(_w("basedOn"))
            sid = based.get(_w("val")) if based is not None else None
        return list(reversed(chain))

    def _base_ppr(self, style: str | None) -> ParaProps:
        key = f"base:{style}"
        if key not in self._ppr_cache:
            self._ppr_cache[key] = self.default_ppr.merged(self._style_ppr(style))
        return self._ppr_cache[key]

    def _base_rpr(self, style: str | None) -> RunProps:
        key = f"base:{style}"
        if key not in self._rpr_cache:
            self._rpr_cache[key] = self.default_rpr.merged(self._style_rpr(style))
        return self._rpr_cache[key]

    def has_style(self, sid: str) -> bool:
        return sid in self._styles

    def style_name(self, sid: str) -> str | None:
        st = self._styles.get(sid)
        name = st.find(_w("name")) if st is not None else None
        return name.get(_w("val")) if name is not None else None

    def _style_rpr(self, sid: str | None) -> RunProps:
        if sid in self._rpr_cache:
            return self._rpr_cache[sid]
        props = RunProps()
        for st in self.style_chain(sid):
            props = props.merged(_rpr(st.find(_w("rPr")), self.theme_fonts))
        self._rpr_cache[sid] = props
        return props

    def _style_ppr(self, sid: str | None) -> ParaProps:
        if sid in self._ppr_cache:
            return self._ppr_cache[sid]
        props = ParaProps()
        for st in self.style_chain(sid):
            props = props.merged(_ppr(st.find(_w("pPr"))))
        self._ppr_cache[sid] = props
        return props

    def paragraphs(self, part: str = "word/document.xml") -> list[Paragraph]:
        """The part's paragraphs in reading order (read once; callers must not change them)."""
        if part not in self._paragraphs:
            self._paragraphs[part] = self._read_paragraphs(part)
        return self._paragraphs[part]

    def _read_paragraphs(self, part: str) -> list[Paragraph]:
        root = self.tree(part)
        out: list[Paragraph] = []
        # keeping the elements in these dicts keeps lxml's proxies alive, so identity lookups hold
        tables = {t: i for i, t in enumerate(root.iter(_w("tbl")))}
        places: dict[etree._Element, int] = {}  # a row's place in its table, a cell's in its row
        pieces = 0
        for p in root.iter(_w("p")):
            ppr = p.find(_w("pPr"))
            style_el = ppr.find(_w("pStyle")) if ppr is not None else None
            style = style_el.get(_w("val")) if style_el is not None else self.default_paragraph_style
            pprops = self._base_ppr(style).merged(_ppr(ppr))
            base_rpr = self._base_rpr(style)
            runs: list[Run] = []
            pieces += 1
            for r in p.iter(_w("r")):
                pieces += 1
                if pieces > PIECE_LIMIT:
                    raise self._too_long(part)
                rpr = r.find(_w("rPr"))
                rstyle_el = rpr.find(_w("rStyle")) if rpr is not None else None
                props = base_rpr
                if rstyle_el is not None:
                    props = props.merged(self._style_rpr(rstyle_el.get(_w("val"))))
                props = props.merged(_rpr(rpr, self.theme_fonts))
                text = []
                for el in r:
                    if el.tag == _w("t"):
                        text.append(el.text or "")
                    elif el.tag == _w("tab"):
                        text.append("\t")
                    elif el.tag in (_w("br"), _w("cr")):
                        text.append("\n")
                runs.append(Run("".join(text), props))
            if pieces > PIECE_LIMIT:
                raise self._too_long(part)
            tc = next((a for a in p.iterancestors(_w("tc"))), None)
            para = Paragraph("".join(r.text for r in runs), style, pprops, runs, part, tc is not None)
            if ppr is not None:
                para.page_break_before = bool(_on(ppr.find(_w("pageBreakBefore"))))
                sect = ppr.find(_w("sectPr"))
                if sect is not None:
                    para.section_break = True
                    kind = sect.find(_w("type"))
                    para.section_continuous = kind is not None and kind.get(_w("val")) == "continuous"
            seen_text = False
            for el in p.iter(_w("t"), _w("br"), _w("drawing"), _w("pict")):
                if el.tag == _w("t") and (el.text or "").strip():
                    seen_text = True
                elif el.tag == _w("br") and el.get(_w("type")) == "page":
                    if seen_text:
                        para.page_break_after = True
                    else:
                        para.page_break_before = True
                elif el.tag in (_w("drawing"), _w("pict")):
                    para.drawing = True
            if tc is not None:
                tr = tc.getparent()
                tbl = tr.getparent() if tr is not None else None
                if tr is not None and tbl is not None:
                    para.table_index = tables.get(tbl)
                    para.row = _place(places, tr, tbl, _w("tr"))
                    para.cell = _place(places, tc, tr, _w("tc"))
                tcw = tc.find(f"{_w('tcPr')}/{_w('tcW')}")
                if (
                    tcw is not None
                    and tcw.get(_w("type"), "dxa") == "dxa"
                    and (tcw.get(_w("w")) or "").isdigit()
                ):
                    para.cell_width = as_int(tcw.get(_w("w")))
            out.append(para)
        return out

    def _too_long(self, part: str) -> ArchiveError:
        return _PartError(
            self.name,
            part,
            f"more than {PIECE_LIMIT:,} paragraphs and runs, far more than a letter has; "
            "check a letter, not a book (or split the document)",
        )

    def sections(self) -> list[Section]:
        out = []
        for sp in self.document.iter(_w("sectPr")):
            size = sp.find(_w("pgSz"))
            mar = sp.find(_w("pgMar"))
            num = sp.find(_w("pgNumType"))
            out.append(
                Section(
                    page_width=as_int(size.get(_w("w"))) if size is not None else 0,
                    page_height=as_int(size.get(_w("h"))) if size is not None else 0,
                    orient=(size.get(_w("orient")) or "portrait") if size is not None else "portrait",
                    margins={
                        k: as_int(mar.get(_w(k)))
                        for k in ("top", "bottom", "left", "right", "header", "footer")
                    }
                    if mar is not None
                    else {},
                    title_page=bool(_on(sp.find(_w("titlePg")))),
                    page_start=as_int(num.get(_w("start")), -1)
                    if num is not None and (num.get(_w("start")) or "").isdigit()
                    else None,
                    header_refs={
                        h.get(_w("type"), ""): h.get(f"{{{_R}}}id", "")
                        for h in sp.iter(_w("headerReference"))
                    },
                    footer_refs={
                        h.get(_w("type"), ""): h.get(f"{{{_R}}}id", "")
                        for h in sp.iter(_w("footerReference"))
                    },
                )
            )
        return out

    def part_for_rel(self, rel_id: str) -> str | None:
        if self._rels is None:
            self._rels = self._relationships()
        return self._rels.get(rel_id)

    def text_lines(self) -> list[str]:
        """Every paragraph's text in reading order (tables row by row, cell by cell)."""
        return [p.text for p in self.paragraphs()]


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
