"""The one entry point that turns a Letter into .docx bytes through a docxtpl template.

A Template is loaded once: its parts are patched with docxtpl's own tag clean-up (tags Word
split across runs, {%p %} and {{p }} tags) and compiled by Jinja once, so rendering a letter
costs a Jinja render and a zip write, not a reload and recompile as docxtpl's render() does.

The template is a file from outside, so it is read through safezip and renders in Jinja's
immutable sandbox with limits on loops, calls, values, output and time (wfh_docs.sandbox); a
tag reaching for Python's internals is refused when the template is loaded, and whatever goes
wrong while rendering is a TemplateError naming the template, the part and the paragraph.

Data never meets the template as raw text. Every string is escaped here (&, <, >, and the
braces too, as character references, so that text looking like a tag stays text and cannot be
mistaken for a leftover tag), newlines become paragraphs or line breaks by design, and after
rendering the letter is verified: well-formed XML, no template tag left, every input string
present in the document. A letter that fails any of these is never returned.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import secrets
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.parsers import expat
from xml.sax.saxutils import escape as _xml_escape

from docxtpl import DocxTemplate
from jinja2 import TemplateError as JinjaTemplateError
from jinja2 import nodes as jinja_nodes
from jinja2.exceptions import SecurityError
from lxml import etree
from markupsafe import Markup

from ..errors import ArchiveError, RenderError, TemplateError
from ..files.safezip import Archive
from ..letter import vn
from ..letter.layout import LAYOUT, agency_rule_indent
from ..letter.metrics import text_width_twips
from ..letter.model import Appendix, Block, Heading, Letter, Table, TableBlock
from . import inline, package, sandbox, signatureline

DEFAULT_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "cong-van.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
_RENDERED_PART = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
_HAS_TAG = re.compile(rb"\{[{%#]")
_TAG_LEFT = re.compile(rb"\{\{|\{%|%\}|\}\}|\{#|#\}")
_BODY_END = re.compile(r"</w:sectPr>\s*</w:body>")

# Styles the renderer refers to by id; the template must define each (README, "Changing the
# template in Word").
REQUIRED_STYLES = (
    "NoiDung",
    "DeMuc1",
    "DeMuc2",
    "DeMuc3",
    "DuongKe",
    "DauKhan",
    "PhuLucSo",
    "PhuLucTen",
    "PhuLucKemTheo",
    "BangChu",
    "BangTieuDe",
    "BangPhuLuc",
    "ChoKy",
)


# --- text to WordprocessingML ------------------------------------------------------------


def _esc(text: str) -> str:
    # Braces become character references: Word reads them as braces, while the raw XML can
    # be searched for leftover template tags without tripping over the user's own text.
    return _xml_escape(text).replace("{", "&#123;").replace("}", "&#125;")


def _in_run(text: str) -> str:
    """Text for inside an open <w:t>: newlines become line breaks, tabs become tabs."""
    out = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append('</w:t><w:br/><w:t xml:space="preserve">')
        out.append('</w:t><w:tab/><w:t xml:space="preserve">'.join(_esc(p) for p in line.split("\t")))
    return "".join(out)


def field_text(text: str) -> Markup:
    """A string for a {{ field }} that stands inside a run of the template."""
    return Markup(_in_run(text))


def _run(text: str, *, bold: bool = False, italic: bool = False) -> str:
    props = ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{_in_run(text)}</w:t></w:r>'


def _para(style: str, runs: str, *, ppr_extra: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr_extra}</w:pPr>{runs}</w:p>'


def _rich(text: str) -> str:
    return "".join(_run(s.text, bold=s.bold, italic=s.italic) for s in inline.parse(text))


@functools.lru_cache(maxsize=8192)
def _paragraphs(style: str, text: str, *, markup: bool = True, keep_next: bool = False) -> tuple[str, ...]:
    """A data string with newlines is several paragraphs: a line break inside a justified
    paragraph would stretch the line before it across the page (docxtpl #544). Cached: the
    letters of a batch share most of their paragraphs."""
    pieces = [piece for piece in text.split("\n") if piece.strip()]
    return tuple(
        _para(
            style,
            _rich(piece) if markup else _run(piece),
            ppr_extra="<w:keepNext/>" if keep_next and i == len(pieces) - 1 else "",
        )
        for i, piece in enumerate(pieces)
    )


def _rule(indent: int) -> str:
    return _para("DuongKe", "", ppr_extra=f'<w:ind w:left="{indent}" w:right="{indent}"/>')


_TINY = (
    '<w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
    '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>{sect}</w:pPr>'
)


def _tiny_paragraph(sect_pr: str = "") -> str:
    """An empty 1-twip paragraph: ends a section, or the body after a table, without
    taking a line that could spill onto a page of its own."""
    return f"<w:p>{_TINY.format(sect=sect_pr)}</w:p>"


def _cell_text(value: str | int | Decimal) -> tuple[str, bool]:
    if isinstance(value, bool):  # pragma: no cover - the model refuses booleans
        raise TypeError("bool cell")
    if isinstance(value, (int, Decimal)):
        return vn.format_number(value), True
    return value, False


def _table(table: Table, width: int) -> str:
    n = len(table.columns)
    weights = table.widths or [1.0] * n
    total = sum(weights)
    cols = [int(width * w / total) for w in weights]
    cols[-1] += width - sum(cols)
    grid = "".join(f'<w:gridCol w:w="{c}"/>' for c in cols)

    def row(cells: Iterable[str], header: bool) -> str:
        trpr = (
            "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
        )
        tcs = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{c}" w:type="dxa"/></w:tcPr>{body}</w:tc>'
            for c, body in zip(cols, cells, strict=True)
        )
        return f"<w:tr>{trpr}{tcs}</w:tr>"

    head = row((_para("BangTieuDe", _run(c)) for c in table.columns), True)
    rows = []
    for r in table.rows:
        cells = []
        for value in r:
            text, numeric = _cell_text(value)
            jc = '<w:jc w:val="center"/>' if numeric else ""
            cells.append(_para("BangChu", _run(text) if numeric else _rich(text), ppr_extra=jc))
        rows.append(row(cells, False))
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="BangPhuLuc"/><w:tblW w:w="{width}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{head}{''.join(rows)}</w:tbl>" + _tiny_paragraph()
        # a table is followed by a paragraph, so two tables never merge into one
    )


def _closing(text: str) -> str:
    """ND 30's mark of the end of the content, "./.", after the last paragraph."""
    stripped = text.rstrip()
    if stripped.endswith("./.") or stripped.endswith("/."):
        return text
    return stripped + ("/." if stripped.endswith(".") else "./.")


def _blocks(blocks: list[Block], width: int, *, keep_last: bool = False) -> str:
    """Paragraphs, headings and tables; `keep_last` holds the last paragraph on the page of
    what follows (the signature block must not stand alone on a page)."""
    out: list[str] = []
    last_para = max((i for i, b in enumerate(blocks) if isinstance(b, str)), default=-1)
    closing_ok = last_para == len(blocks) - 1
    for i, block in enumerate(blocks):
        if isinstance(block, str):
            last = i == last_para and closing_ok
            text = _closing(block) if last else block
            out.extend(_paragraphs("NoiDung", text, keep_next=keep_last and last))
        elif isinstance(block, Heading):
            out.extend(_paragraphs(f"DeMuc{block.level}", block.heading, markup=False))
        elif isinstance(block, TableBlock):
            out.append(_table(block.table, width))
    return "".join(out)


# --- sections ----------------------------------------------------------------------------


def _appendix_sect_pr(letter_sect: str, landscape: bool) -> str:
    """The letter's section properties for a phụ lục: page numbers from 1 again (III.1.đ)
    and no ô 13 footer, which belongs to page 1 of the letter only."""
    sect = letter_sect
    default_footer = re.search(r'<w:footerReference w:type="default" r:id="([^"]+)"/>', sect)
    if default_footer:
        sect = re.sub(
            r'(<w:footerReference w:type="first" r:id=")[^"]+(")',
            rf"\g<1>{default_footer.group(1)}\g<2>",
            sect,
        )
    if "<w:pgNumType" in sect:
        sect = re.sub(r"<w:pgNumType\b[^>]*/>", '<w:pgNumType w:start="1"/>', sect)
    if landscape:
        size = re.search(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"([^>]*)/>', sect)
        if size:
            w, h = sorted((int(size.group(1)), int(size.group(2))))
            rest = size.group(3).replace(' w:orient="portrait"', "")
            sect = sect.replace(size.group(0), f'<w:pgSz w:w="{h}" w:h="{w}" w:orient="landscape"{rest}/>')
    return sect


def _text_width(sect: str) -> int:
    size = re.search(r'<w:pgSz w:w="(\d+)"', sect)
    left = re.search(r'w:left="(\d+)"', sect[sect.find("<w:pgMar") :])
    right = re.search(r'w:right="(\d+)"', sect[sect.find("<w:pgMar") :])
    if not (size and left and right):
        return LAYOUT.text_width
    return int(size.group(1)) - int(left.group(1)) - int(right.group(1))


def _kem_theo(letter: Letter) -> str:
    number = vn.format_number_reference(letter.number, letter.symbol)
    when = vn.format_short_date(letter.date)
    return f"(Kèm theo Công văn số: {number} ngày {when} của {letter.issuer.short_name})"


def _appendices(letter: Letter, letter_sect: str, fragments: list[str] | None = None) -> tuple[str, str]:
    """The phụ lục pages, and the section properties the document must end with."""
    out: list[str] = []
    previous = letter_sect
    many = len(letter.appendices) > 1
    for i, appendix in enumerate(letter.appendices, start=1):
        sect = _appendix_sect_pr(letter_sect, appendix.landscape)
        out.append(_tiny_paragraph(previous))
        label = f"Phụ lục {vn.roman(i)}" if many else "Phụ lục"
        out.append(_para("PhuLucSo", _run(label)))
        out.append(_para("PhuLucTen", _run(appendix.title)))
        out.append(_para("PhuLucKemTheo", _run(_kem_theo(letter))))
        width = _text_width(sect)
        out.append(_rule((width - width // 4) // 2))
        out.append(_set_aside(_blocks(list(appendix.content), width), fragments))
        previous = sect
    out.append(_tiny_paragraph())
    return "".join(out), previous


# A letter of a batch often shares its body and phụ lục with many others (one letter to forty
# districts): the bulk of the document. Such a block is set aside, and the template renders a
# marker in its place; the document is then put together from pieces, and a piece already seen
# is neither parsed, read for its text nor compressed again (Template._piece). The marker holds
# a token of this process, so no template or data can forge one. A block under 2 KB stays in
# place: a piece of its own costs more than reading it again.
_FRAGMENT_MIN = 2048
_FRAGMENT_TOKEN = secrets.token_hex(8)
_FRAGMENT_MARK = f"<wfh-fragment-{_FRAGMENT_TOKEN}-{{}}/>"
_FRAGMENT_SPLIT = re.compile(rf"<wfh-fragment-{_FRAGMENT_TOKEN}-(\d+)/>".encode())


def _set_aside(xml: str, fragments: list[str] | None) -> str:
    if fragments is None or len(xml) < _FRAGMENT_MIN:
        return xml
    fragments.append(xml)
    return _FRAGMENT_MARK.format(len(fragments) - 1)


# --- the context the template sees --------------------------------------------------------


def _numbered(items: list[str], last: str = ".") -> list[str]:
    return [f"{item}{';' if i < len(items) - 1 else last}" for i, item in enumerate(items)]


def cc_lines(letter: Letter) -> list[str]:
    """Nơi nhận lines after their dash: "Như trên;", the user's names, "Lưu: VT, <unit>."."""
    archive_unit = letter.archive.unit if letter.archive and letter.archive.unit else letter.issuer.unit
    keep = f"Lưu: VT, {archive_unit}"
    if letter.archive and letter.archive.copies:
        keep += f" ({letter.archive.copies})"
    if letter.drafter:
        # ô 12 after the Lưu line: "PL.(300)", or just "PL" before the line's final "."
        copies = f".({letter.drafter.copies})" if letter.drafter.copies else ""
        keep += f". {letter.drafter.initials}{copies}"
    names = ["Như trên", *letter.cc]
    return [f"{n};" for n in names] + [f"{keep}."]


def recipient_lines(letter: Letter) -> list[str]:
    """Kính gửi: one recipient on the "Kính gửi:" line; several as "- X;" lines, the last "."."""
    if len(letter.recipients) == 1:
        return list(letter.recipients)
    return _numbered(list(letter.recipients))


def _urgency_box(letter: Letter) -> str:
    if not letter.urgency:
        return ""
    # Phụ lục I, III.2.b: HỎA TỐC 30 x 8 mm, THƯỢNG KHẨN 40 x 8 mm, KHẨN 20 x 8 mm
    width_mm = {"HỎA TỐC": 30, "THƯỢNG KHẨN": 40, "KHẨN": 20}[letter.urgency]
    indent = max(0, (LAYOUT.header_left - round(width_mm * 56.7)) // 2)
    return _para("DauKhan", _run(letter.urgency), ppr_extra=f'<w:ind w:left="{indent}" w:right="{indent}"/>')


def _signature_space(letter: Letter, signature_line: bool) -> str:
    """The room for the signature (ô 7c), or Word's signature line in it."""
    if not signature_line:
        return _para("ChoKy", "")
    # a picture needs its own line height: the style's exact height would clip it
    spacing = '<w:spacing w:before="120" w:after="120" w:line="240" w:lineRule="auto"/>'
    return _para("ChoKy", signatureline.shape_run(letter), ppr_extra=spacing)


def context(
    letter: Letter, letter_sect: str, *, signature_line: bool = False, fragments: list[str] | None = None
) -> tuple[dict[str, Any], str]:
    """What the template's tags see, every value already escaped; and the final sectPr. With
    `fragments`, the body and each phụ lục's content are set aside there (see _set_aside)."""
    f = field_text
    appendices, final_sect = _appendices(letter, letter_sect, fragments)
    issuer = letter.issuer
    ctx = {
        "issuer": {
            "parent": f(issuer.parent) if issuer.parent else "",
            "name": f(issuer.name),
            "contact": f(issuer.contact) if issuer.contact else "",
        },
        "issuer_rule": Markup(_rule(agency_rule_indent(issuer.name.split("\n")))),
        "number_symbol": f(vn.format_number_reference(letter.number, letter.symbol)),
        "date_line": f(vn.format_date_line(issuer.place, letter.date)),
        "subject": f(letter.subject),
        "urgency_box": Markup(_urgency_box(letter)),
        "recipients": [f(r) for r in recipient_lines(letter)],
        "body": Markup(
            _set_aside(_blocks(list(letter.body), _text_width(letter_sect), keep_last=True), fragments)
        ),
        "cc_lines": [f(line) for line in cc_lines(letter)],
        "signer": {
            "lines": [f(line) for line in letter.signer.authority_lines()],
            "other_title": f(letter.signer.other_title) if letter.signer.other_title else "",
            "name": f(letter.signer.name),
        },
        "appendices": Markup(appendices),
        "signature_space": Markup(_signature_space(letter, signature_line)),
    }
    return ctx, final_sect


# --- verification --------------------------------------------------------------------------


def _strings(value: Any, *, rich: bool = False) -> Iterator[str]:
    if isinstance(value, str):
        yield inline.plain(value) if rich else value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v, rich=rich)


@functools.lru_cache(maxsize=8192)
def _lines_read(text: str, markup: bool) -> tuple[str, ...]:
    """The non-empty lines of a paragraph as the reader sees them (cached, as _paragraphs)."""
    return tuple(p for p in (inline.plain(text) if markup else text).split("\n") if p.strip())


def expected_texts(letter: Letter) -> list[str]:
    """Every piece of the input as the reader must find it in the finished letter."""
    out: list[str] = []
    issuer = letter.issuer
    out += [s for s in (issuer.parent, issuer.name, issuer.contact) if s]
    out.append(vn.format_number_reference(letter.number, letter.symbol))
    out.append(vn.format_date_line(issuer.place, letter.date))
    out.append(letter.subject)
    if letter.urgency:
        out.append(letter.urgency)
    out += list(letter.recipients) + list(letter.cc)
    out += letter.signer.authority_lines() + [letter.signer.name]
    if letter.signer.other_title:
        out.append(letter.signer.other_title)
    out += cc_lines(letter)

    def blocks(bs: Iterable[Block]) -> None:
        for b in bs:
            if isinstance(b, str):
                out.extend(_lines_read(b, True))
            elif isinstance(b, Heading):
                out.extend(_lines_read(b.heading, False))
            elif isinstance(b, TableBlock):
                out.extend(b.table.columns)
                out.extend(inline.plain(_cell_text(c)[0]) for r in b.table.rows for c in r)

    blocks(letter.body)
    for a in letter.appendices:
        out.append(a.title)
        blocks(a.content)
    if letter.appendices:
        out.append(_kem_theo(letter))
    return [s for s in out if s]


def document_text(parts: dict[str, bytes]) -> str:
    """The text a reader sees: paragraphs joined by newlines, line breaks as newlines."""
    chunks: list[str] = []
    for name in sorted(parts):
        root = etree.fromstring(parts[name])
        for p in root.iter(f"{_W}p"):
            buf = []
            for el in p.iter(f"{_W}t", f"{_W}br", f"{_W}tab", f"{_W}cr"):
                if el.tag == f"{_W}t":
                    buf.append(el.text or "")
                elif el.tag == f"{_W}tab":
                    buf.append("\t")
                else:
                    buf.append("\n")
            chunks.append("".join(buf))
    return "\n".join(chunks)


_W_T = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
_W_BREAK = re.compile(rb"<w:(?:br|cr)\b[^>]*/>")


def _text_pieces(xml: bytes) -> list[bytes]:
    """The text of a part in reading order, as raw XML text: each run's text, b"\\n" for a line
    break and for the end of a paragraph, b"\\t" for a tab. Each search starts from a literal
    ("<w:t", "</w:p>"), which the regular expression engine finds at C speed; the pieces of a
    part cut between elements are the pieces of the whole."""
    if b"<w:br" in xml or b"<w:cr" in xml:
        xml = _W_BREAK.sub(b"<w:t>\n</w:t>", xml)
    if b"<w:tab/>" in xml:
        xml = xml.replace(b"<w:tab/>", b"<w:t>\t</w:t>")
    return _W_T.findall(xml.replace(b"</w:p>", b"<w:t>\n</w:t>"))


def _pieces_text(pieces: list[bytes]) -> str:
    text = b"".join(pieces).decode("utf-8")
    return html.unescape(text) if "&" in text else text


def xml_text(xml: bytes) -> str:
    """document_text for one well-formed part, read with regular expressions: the same text,
    several times faster, for the check every rendered letter goes through."""
    pieces = _text_pieces(xml)
    # paragraphs are joined by newlines: the last one's end is dropped
    return _pieces_text(pieces[:-1] if pieces and pieces[-1] == b"\n" else pieces)


def _check_xml(name: str, xml: bytes, *, what: str = "", namespaces: bool = True) -> None:
    """Is it XML Word can read (a parse without building a tree; namespaces checked unless the
    template was found unable to get them wrong, see _namespaces_settled), with no template tag
    left in it?"""
    try:
        (expat.ParserCreate(namespace_separator=" ") if namespaces else expat.ParserCreate()).Parse(xml, True)
    except expat.ExpatError as exc:
        raise RenderError(f"{name}{what} is not well-formed after rendering: {exc}") from None
    # every tag has a brace; data's braces were written as character references
    m = _TAG_LEFT.search(xml) if b"{" in xml or b"}" in xml else None
    if m:
        start = max(0, m.start() - 60)
        shown = xml[start : m.end() + 60].decode("utf-8", "replace")
        raise RenderError(
            f"a template tag was left unrendered in {name}: ...{shown}... "
            "(check the template's tags with the template documentation)"
        )


class _LetterText(str):
    """A letter's text, with the texts known to stand whole in it (the parts of the document
    between its set-aside blocks, the headers and footers), which _verify searches first."""

    known: tuple[str, ...] = ()


def _verify(letter: Letter, text: str) -> None:
    """Every piece of the input is in the letter's text."""
    known = list(text.known) if isinstance(text, _LetterText) else []
    missing = list(_absent(expected_texts(letter), text, known))
    if missing:
        shown = "; ".join(repr(s[:80]) for s in missing[:5])
        raise RenderError(
            f"{len(missing)} piece(s) of the input are missing from the rendered letter: {shown}. "
            "This is a bug in wfhdoc or a template that drops a field: please report it"
        )


_SEARCH_PLAIN = 100_000


def _absent(expected: list[str], text: str, known: list[str]) -> Iterator[str]:
    """The strings of `expected` that are not substrings of `text`, in time linear in the text.

    Searching the whole text for each string costs the text's length times their number, which
    grows with the square of a letter's paragraphs. Nearly every string is a whole paragraph,
    a table cell or a run of them, so it is looked up in the set of the text's lines (or as a run
    of consecutive lines); then in the small texts known to stand whole in `text` (where the
    recipients and Nơi nhận are); only what none of these finds is searched for in the whole
    text. Each of the first steps proves the string is in the text, so the answer is the same.
    A short letter with few strings (under _SEARCH_PLAIN characters searched in all) is searched
    plainly, which is faster there: 7 us against 10 for a one-page report; 51 against 23 for
    the reference letter."""
    if len(text) * len(expected) <= _SEARCH_PLAIN:
        yield from (s for s in expected if s not in text)
        return
    lines = text.split("\n")
    line_set = set(lines)
    firsts = {s.split("\n", 1)[0] for s in expected if "\n" in s}
    starts: dict[str, list[int]] = {}
    if firsts:
        for i, line in enumerate(lines):
            if line in firsts:
                starts.setdefault(line, []).append(i)
    for s in expected:
        if "\n" not in s:
            if s in line_set:
                continue
        else:
            run = s.split("\n")
            if any(lines[i : i + len(run)] == run for i in starts.get(run[0], ())[:16]):
                continue
        if any(s in k for k in known) or s in text:
            continue
        yield s


def _packed_and_read(data: bytes) -> tuple[package.Segment, str]:
    """A piece of document.xml compressed on its own, and its text."""
    return package.segment(data), _pieces_text(_text_pieces(data))


@dataclass(frozen=True)
class _Piece:
    """A set-aside block of a document, checked, read and compressed once."""

    data: bytes
    segment: package.Segment
    text: str


_PIECES_KEPT = 32  # set-aside blocks remembered by a template ...
_PIECES_BYTES = 8 << 20  # ... within this many bytes


# --- the template ---------------------------------------------------------------------------


@dataclass
class RenderedLetter:
    data: bytes
    warnings: list[str] = field(default_factory=list)


_PARAGRAPH_EDGE = re.compile(r"(?<!\{)(?=<w:p[ >])|(?<=</w:p>)")
_RAW_START = re.compile(r"\{%-?\s*raw\s*-?%\}")
_RAW_END = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_LINE = "{#\n#}"  # a Jinja comment with a newline: no output, one line more


def numbered_source(xml: str) -> str:
    """A part's source with each paragraph, and each tag between paragraphs ({%p for %} once
    docxtpl moved it), on a line of its own, through comments that render to nothing, so that
    the line of a syntax or runtime error names its paragraph; the output is byte for byte the
    same (never inside a tag, nor inside {% raw %})."""
    out: list[str] = []
    pos = 0
    raw = False
    for m in _JINJA_TAG.finditer(xml):
        between = xml[pos : m.start()]
        out.append(between if raw else _PARAGRAPH_EDGE.sub(_LINE, between))
        tag = m.group()
        if _RAW_START.fullmatch(tag):
            raw = True
        elif _RAW_END.fullmatch(tag):
            raw = False
        out.append(tag)
        pos = m.end()
    rest = xml[pos:]
    out.append(rest if raw else _PARAGRAPH_EDGE.sub(_LINE, rest))
    return "".join(out)


def paragraph_at(source: str, line: int | None) -> str:
    """ ", in the paragraph '...'" for a line of numbered_source, as the clerk sees it."""
    if not line:
        return ""
    lines = source.split("\n")
    if not 0 < line <= len(lines):
        return ""
    text = lines[line - 1].removeprefix("#}").removesuffix("{#")
    shown = re.sub(r"<[^>]+>", "", text).strip()
    return f", in the paragraph '{shown[:120]}'" if shown else ""


def _final_sect_span(xml: str) -> tuple[int, int] | None:
    """Where the body's own sectPr (the last section's properties) stands in `xml`."""
    end = _BODY_END.search(xml)
    start = xml.rfind("<w:sectPr", 0, end.start()) if end else -1
    if not end or start < 0:
        return None
    return start, end.start() + len("</w:sectPr>")


_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def broken_tags(xml: str) -> list[str]:
    """Paragraphs whose tags do not close within the paragraph, as the clerk sees them.

    docxtpl's clean-up would join an unclosed tag with whatever closes later in the
    document, silently swallowing the text between; we refuse such a template instead.
    """
    bad = []
    for m in _PARAGRAPH.finditer(xml):
        text = "".join(_TEXT.findall(m.group(0)))
        depth_ok = True
        for opener, closer in (("{{", "}}"), ("{%", "%}"), ("{#", "#}")):
            pos = 0
            while True:
                start = text.find(opener, pos)
                if start < 0:
                    break
                end = text.find(closer, start + 2)
                if end < 0:
                    depth_ok = False
                    break
                pos = end + 2
        if not depth_ok or text.count("}}") > text.count("{{") or text.count("%}") > text.count("{%"):
            bad.append(text)
    return bad


_JINJA_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
_RAW_MARKUP = {"safe", "xmlattr", "urlize"}  # filters whose output is not escaped


def _namespaces_settled(tree: jinja_nodes.Template, xml: str) -> bool:
    """Can no letter rendered from this part get an XML prefix wrong? Then a letter is checked
    for well-formedness without namespace processing, at half the cost.

    A letter's elements and attributes come from three places: the template's own XML, which
    is checked here (its tags taken out, it must parse with namespaces); wfhdoc's own markup
    for the body, tables and the signature line, which uses the prefixes every template
    declares (w:, and v:, o: checked where a signature line is added); and the data, which is
    escaped and so brings no markup at all, unless the template lets raw markup through (the
    filters above, or autoescape turned off), which sends it back to the full check."""
    try:
        expat.ParserCreate(namespace_separator=" ").Parse(_JINJA_TAG.sub("", xml).encode("utf-8"), True)
    except expat.ExpatError:
        return False
    if any(f.name in _RAW_MARKUP for f in tree.find_all(jinja_nodes.Filter)):
        return False
    return not any(True for _ in tree.find_all((jinja_nodes.EvalContextModifier,)))


def _patch(xml: str) -> str:
    # docxtpl's own clean-up of tags split by Word, and of its {%p %}/{{p }} paragraph tags;
    # it uses no instance state, so it serves our compile-once template as it is.
    patched: str = DocxTemplate.patch_xml(None, xml)  # type: ignore[arg-type]
    return patched


class Template:
    """A docxtpl template loaded and compiled once; `render` makes one letter from it."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else DEFAULT_TEMPLATE
        self._entries = self._read(self.path)
        names = {n for n, _ in self._entries}
        if "word/document.xml" not in names:
            raise TemplateError(f"{self.path}: not a Word document (no word/document.xml)")
        self._env = sandbox.LetterSandbox()
        self._compiled: dict[str, Any] = {}
        self._sources: dict[str, str] = {}  # each compiled part's source, a line per paragraph
        self._namespaces: dict[str, bool] = {}  # does a letter's part need its prefixes checked?
        self.letter_sect = ""
        for name, data in self._entries:
            if not _RENDERED_PART.match(name) or not _HAS_TAG.search(data):
                continue  # a part without tags is copied as it is
            try:
                raw = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise TemplateError(
                    f"{self.path}: {name}: the part is not UTF-8 text (byte {exc.start}: "
                    f"{data[exc.start : exc.start + 4]!r}); Word writes UTF-8: open the template in "
                    "Word or LibreOffice and save it again as .docx"
                ) from None
            broken = broken_tags(raw)
            if broken:
                shown = "; ".join(repr(t[:100]) for t in broken[:3])
                raise TemplateError(
                    f"{self.path}: {name}: unclosed tag in the paragraph(s) {shown}; a tag opens "
                    "and closes in one paragraph: {{ name }}, {%p if x %}"
                )
            xml = _patch(raw)
            if name == "word/document.xml":
                span = _final_sect_span(xml)
                if span is None:
                    raise TemplateError(f"{self.path}: the document has no section properties")
                self.letter_sect = xml[span[0] : span[1]]
            source = self._sources[name] = numbered_source(xml)
            try:
                tree = self._env.parse(source)
            except JinjaTemplateError as exc:
                where = paragraph_at(source, getattr(exc, "lineno", None))
                raise TemplateError(f"{self.path}: {name}: template error{where}: {exc}") from None
            for line, attr in sandbox.unsafe_accesses(tree):
                raise TemplateError(
                    f"{self.path}: {name}{paragraph_at(source, line)}: the tag reaches for {attr!r}, "
                    "one of Python's internals, which templates may not use (names starting with "
                    "'_', mro, frames and code); a letter template needs only the fields the README "
                    "lists ('Changing the template in Word'): remove it"
                )
            self._namespaces[name] = not _namespaces_settled(tree, xml)
            try:
                self._compiled[name] = self._env.from_string(sandbox.guard_loops(tree, self._env))
            except JinjaTemplateError as exc:
                where = paragraph_at(source, getattr(exc, "lineno", None))
                raise TemplateError(f"{self.path}: {name}: template error{where}: {exc}") from None
        self._check_styles(dict(self._entries).get("word/styles.xml"))
        # the parts no letter changes are compressed once, here
        self._packed = {name: package.compress(name, data, level=9) for name, data in self._entries}
        self._small_packed: dict[tuple[str, bytes], package.Entry] = {}
        # a set-aside block is checked on its own inside an element declaring the namespaces
        # the document's root declares
        root = re.search(rb"<w:document\b[^>]*>", dict(self._entries)["word/document.xml"])
        declared = b" ".join(re.findall(rb'xmlns(?::[\w.-]+)?="[^"]*"', root.group(0))) if root else b""
        self._wrap = (b"<wfh-fragment " + declared + b">", b"</wfh-fragment>")
        self._pieces: OrderedDict[str, _Piece] = OrderedDict()
        self._pieces_bytes = 0
        self._small_pieces: dict[bytes, tuple[package.Segment, str]] = {}

    @staticmethod
    def _read(path: Path) -> list[tuple[str, bytes]]:
        """Every member of the template, read within safezip's bounds."""
        try:
            with Archive(path, what=str(path)) as archive:
                return [(name, archive.read(name)) for name in archive.names()]
        except FileNotFoundError:
            raise TemplateError(f"{path}: template not found") from None
        except IsADirectoryError:
            raise TemplateError(f"{path}: is a folder, not a .docx template") from None
        except ArchiveError as exc:
            raise TemplateError(f"{exc}; a template is a .docx file saved by Word or LibreOffice") from None
        except OSError as exc:
            raise TemplateError(f"{path}: not a .docx file ({exc})") from None

    def _render_part(self, name: str, ctx: dict[str, Any]) -> str:
        """One part rendered in the sandbox; whatever goes wrong is the template's, said with
        the paragraph it happened in."""
        compiled = self._compiled[name]
        try:
            return sandbox.render_part(compiled.root_render_func, compiled.new_context(ctx))
        except Exception as exc:  # noqa: BLE001 - only the template's own code runs here
            raise TemplateError(self._render_failure(name, compiled, exc)) from None

    def _render_failure(self, name: str, compiled: Any, exc: Exception) -> str:
        line = None
        tb = exc.__traceback__
        while tb is not None:  # the innermost frame of the template's own code
            if tb.tb_frame.f_code.co_filename == "<template>":
                line = compiled.get_corresponding_lineno(tb.tb_lineno)
            tb = tb.tb_next
        where = f"{self.path}: {name}{paragraph_at(self._sources[name], line)}"
        if isinstance(exc, sandbox.LimitError):
            return f"{where}: {exc}"
        if isinstance(exc, SecurityError):
            return (
                f"{where}: refused by the template sandbox: {exc} Templates may not reach "
                "Python's internals; a letter template needs only the fields the README lists"
            )
        if isinstance(exc, JinjaTemplateError):
            return (
                f"{where}: {exc}; the README lists the fields a template can use "
                "('Changing the template in Word'), and `wfhdoc check --template` checks them"
            )
        if isinstance(exc, RecursionError):
            return (
                f"{where}: the template nests too deeply (a macro that calls itself without end, "
                "or lists inside lists); make the macro stop"
            )
        if isinstance(exc, MemoryError):
            return f"{where}: the template ran out of memory; remove what makes such large values"
        return (
            f"{where}: the template failed while rendering ({type(exc).__name__}: {exc}); "
            "check the expression in this paragraph"
        )

    def _pack(self, name: str, data: bytes) -> package.Entry:
        # a header or footer comes out the same for every letter of an agency: compress it once
        if len(data) > 4096:
            return package.compress(name, data, level=1)
        key = (name, data)
        entry = self._small_packed.get(key)
        if entry is None:
            if len(self._small_packed) > 256:
                self._small_packed.clear()
            entry = self._small_packed[key] = package.compress(name, data, level=1)
        return entry

    def _check_styles(self, styles: bytes | None) -> None:
        found: set[str] = set()
        if styles:
            try:
                root = etree.fromstring(styles)
            except etree.XMLSyntaxError as exc:
                raise TemplateError(
                    f"{self.path}: word/styles.xml is not well-formed XML ({exc}); open the "
                    "template in Word or LibreOffice and save it again as .docx"
                ) from None
            found = {s.get(f"{_W}styleId") or "" for s in root.iter(f"{_W}style")}
        missing = [s for s in REQUIRED_STYLES if s not in found]
        if missing:
            raise TemplateError(
                f"{self.path}: the template lacks the style(s) {', '.join(missing)}; "
                "wfhdoc lays out the body and phụ lục with them (see the README, "
                "'Changing the template in Word')"
            )

    def _piece(self, xml: str) -> _Piece:
        """A set-aside block: checked, read and compressed the first time it is seen."""
        piece = self._pieces.get(xml)
        if piece is not None:
            self._pieces.move_to_end(xml)
            return piece
        data = xml.encode("utf-8")
        _check_xml("word/document.xml", self._wrap[0] + data + self._wrap[1], what=" (body or phụ lục)")
        piece = _Piece(data, *_packed_and_read(data))
        self._pieces[xml] = piece
        self._pieces_bytes += len(data)
        while len(self._pieces) > _PIECES_KEPT or self._pieces_bytes > _PIECES_BYTES:
            self._pieces_bytes -= len(self._pieces.popitem(last=False)[1].data)
        return piece

    def _skeleton_piece(self, data: bytes) -> tuple[package.Segment, str]:
        """A piece of the rendered template between set-aside blocks, compressed and read; a
        small one (the end of the document, the same in every letter) is remembered."""
        if len(data) > 2048:
            return _packed_and_read(data)
        known = self._small_pieces.get(data)
        if known is None:
            if len(self._small_pieces) >= 64:
                self._small_pieces.clear()
            known = self._small_pieces[data] = _packed_and_read(data)
        return known

    def _document(self, skeleton: bytes, fragments: list[str]) -> tuple[package.Entry, str, list[str]]:
        """document.xml put together from the rendered template (the skeleton, with markers)
        and the set-aside blocks: the zip entry and the text (as xml_text reads it, but for a
        newline after the last paragraph); and the texts of the pieces between the blocks."""
        _check_xml("word/document.xml", skeleton, namespaces=self._namespaces["word/document.xml"])
        cut = _FRAGMENT_SPLIT.split(skeleton)
        segments: list[package.Segment] = []
        text: list[str] = []
        between: list[str] = []
        crc = 0
        for i, part in enumerate(cut):
            if i % 2:
                piece = self._piece(fragments[int(part)])
                segments.append(piece.segment)
                text.append(piece.text)
                crc = zlib.crc32(piece.data, crc)
            elif part:
                segment, part_text = self._skeleton_piece(part)
                segments.append(segment)
                text.append(part_text)
                between.append(part_text)
                crc = zlib.crc32(part, crc)
        return package.joined("word/document.xml", segments, crc), "".join(text), between

    def render(self, letter: Letter, *, signature_line: bool = False) -> RenderedLetter:
        """One letter; `signature_line` adds Word's signature line to the signature block."""
        fragments: list[str] = []
        ctx, final_sect = context(
            letter, self.letter_sect, signature_line=signature_line, fragments=fragments
        )
        packed: dict[str, package.Entry] = {}
        texts: dict[str, str] = {}
        known: list[str] = []  # texts that stand whole in the letter's, besides the body's
        document_head = b""
        for name in self._compiled:
            xml = self._render_part(name, ctx)
            if name == "word/document.xml" and final_sect != self.letter_sect:
                span = _final_sect_span(xml)
                assert span is not None  # the template was checked to have one
                xml = xml[: span[0]] + final_sect + xml[span[1] :]
            data = xml.encode("utf-8")
            if name == "word/document.xml":
                document_head = data[:2000]
                packed[name], texts[name], between = self._document(data, fragments)
                known += between
            else:
                _check_xml(name, data, namespaces=self._namespaces[name])
                packed[name], texts[name] = self._pack(name, data), xml_text(data)
                known.append(texts[name])
        text = _LetterText("\n".join(texts[name] for name in sorted(texts)))
        text.known = tuple(known)
        _verify(letter, text)
        packed["docProps/core.xml"] = self._pack("docProps/core.xml", core_properties(letter))
        names = [name for name, _ in self._entries]
        if signature_line:
            if any(b"xmlns:%s=" % prefix not in document_head for prefix in (b"v", b"o", b"r")):
                raise TemplateError(
                    f"{self.path}: the document does not declare the namespaces (v:, o:, r:) "
                    "that a signature line needs; rebuild it from tools/make_template.py"
                )
            originals = dict(self._entries)
            for name, data in zip(
                ("[Content_Types].xml", "word/_rels/document.xml.rels"),
                signatureline.add_to_package(
                    originals["[Content_Types].xml"], originals["word/_rels/document.xml.rels"]
                ),
                strict=True,
            ):
                packed[name] = self._pack(name, data)
            packed[signatureline.MEDIA] = self._pack(signatureline.MEDIA, signatureline.line_picture())
            names.append(signatureline.MEDIA)
        entries = [packed[name] if name in packed else self._packed[name] for name in names]
        return RenderedLetter(package.write(entries), _warnings(letter))


def _warnings(letter: Letter) -> list[str]:
    out = list(_name_warnings(letter.issuer.parent, letter.issuer.name))
    if letter.appendices and not _mentions_phu_luc(tuple(b for b in letter.body if isinstance(b, str))):
        out.append(
            "the body never mentions the phụ lục; ND 30 (Phụ lục I, III.1.a) asks the "
            "letter to point to it, e.g. '... tại Phụ lục đính kèm.'"
        )
    return out


@functools.lru_cache(maxsize=1024)
def _name_warnings(parent: str | None, name: str) -> tuple[str, ...]:
    out = []
    for field_name, value, bold in (("issuer.parent", parent, False), ("issuer.name", name, True)):
        for line in (value or "").split("\n"):
            width = text_width_twips(line, LAYOUT.agency_size, bold=bold, caps=True)
            if width > LAYOUT.header_left:
                out.append(
                    f"{field_name}: '{line}' is wider than the header's left column and will "
                    "wrap where Word decides; put a line break (\\n) where it should break"
                )
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def _mentions_phu_luc(paragraphs: tuple[str, ...]) -> bool:
    return "phụ lục" in " ".join(inline.plain(p) for p in paragraphs).casefold()


def core_properties(letter: Letter) -> bytes:
    """Document properties from the data, so the same input gives the same bytes."""
    when = letter.date or dt.date(2000, 1, 1)
    stamp = f"{when.isoformat()}T00:00:00Z"
    title = "V/v " + letter.subject.replace("\n", " ")
    number = vn.format_number_reference(letter.number, letter.symbol).strip()
    creator = letter.issuer.name.replace("\n", " ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_xml_escape(title)}</dc:title><dc:subject>{_xml_escape(number)}</dc:subject>"
        f"<dc:creator>{_xml_escape(creator)}</dc:creator><cp:keywords>{_xml_escape(number)}</cp:keywords>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def render(letter: Letter, template: Path | str | None = None) -> RenderedLetter:
    """Render one letter with the given template (default: wfh_docs/templates/cong-van.docx)."""
    return Template(template).render(letter)


__all__ = ["Appendix", "RenderedLetter", "Template", "render"]
