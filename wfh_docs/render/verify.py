"""What must be in a finished letter, the letter's text as a reader sees it, and the check that
nothing was lost: well-formed XML, no template tag left, every input string present.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Iterator
from xml.parsers import expat

from lxml import etree

from ..errors import RenderError
from ..i18n import _
from ..letter import vn
from ..letter.blocks import Cell, MergedCell, text_of
from ..letter.model import Block, Heading, Letter, TableBlock
from . import builders, copying, inline, kinds
from .contract import W_NS, cc_lines, date_line

_W = f"{{{W_NS}}}"
_TAG_LEFT = re.compile(rb"\{\{|\{%|%\}|\}\}|\{#|#\}")


@functools.lru_cache(maxsize=8192)
def _lines_read(text: str, markup: bool) -> tuple[str, ...]:
    """The non-empty lines of a paragraph as the reader sees them (cached, as
    builders.paragraphs: the letters of a batch share most of their paragraphs)."""
    return tuple(p for p in (inline.plain(text) if markup else text).split("\n") if p.strip())


def closed(shown: str) -> str:
    """The last line of the content as the reader must see it: ending with ND 30's "./." once.
    Judged here on the reader's text, apart from builders.closing, which works on the markup:
    a slip there (")./../.") is caught."""
    shown = shown.rstrip()
    if shown.endswith("/."):
        return shown
    return shown + ("/." if shown.endswith(".") else "./.")


def _cell_lines(cell: Cell, markup: bool) -> tuple[str, ...]:
    value = cell.text if isinstance(cell, MergedCell) else cell
    text, numeric = builders.cell_text(value)
    return _lines_read(text, markup and not numeric)


@functools.lru_cache(maxsize=8192)
def _paragraph_lines(text: str, last: bool) -> tuple[tuple[str, bool], ...]:
    """A paragraph's lines as the reader must see them, each with whether it is its markup's
    text less markup alone (cached: the letters of a batch share most of their paragraphs)."""
    shown = list(_lines_read(text, True))
    if last and shown:
        shown[-1] = closed(shown[-1])
    return tuple((line, only_markup_removed(text, line)) for line in shown)


Line = tuple[str, int, str, bool]  # the list's JSON path, the block's index, the line, markup ok
Lines = tuple[tuple[int, str, bool], ...]


def block_lines(items: Iterable[Block], where: str) -> list[Line]:
    """Each line a block list puts on a line of its own, as the reader must see it."""
    blocks = tuple(items)
    try:
        found = _cached_lines(blocks)  # paragraphs and headings: hashable, shared in a batch
    except TypeError:  # a table holds lists
        found = _lines_of(blocks)
    return [(where, i, line, ok) for i, line, ok in found]


@functools.lru_cache(maxsize=1024)
def _cached_lines(blocks: tuple[Block, ...]) -> Lines:
    return _lines_of(blocks)


def _lines_of(blocks: tuple[Block, ...]) -> Lines:
    last = len(blocks) - 1 if blocks and text_of(blocks[-1]) is not None else -1
    out: list[tuple[int, str, bool]] = []
    for i, b in enumerate(blocks):
        text = text_of(b)
        if text is not None:
            out += ((i, line, ok) for line, ok in _paragraph_lines(text, i == last))
        elif isinstance(b, Heading):
            out += ((i, line, True) for line in _lines_read(b.heading, False))
        elif isinstance(b, TableBlock):
            t = b.table
            for c in t.columns:
                out += ((i, line, True) for line in _cell_lines(c, False))
            for row in t.rows:
                for cell in row:
                    value = cell.text if isinstance(cell, MergedCell) else cell
                    if isinstance(value, str) and ("*" in value or "\\" in value):
                        out += ((i, line, ok) for line, ok in _paragraph_lines(value, False))
                    else:
                        out += ((i, line, True) for line in _cell_lines(cell, True))
    return tuple(out)


def _pieces(letter: Letter) -> list[str]:
    """What must stand in the letter besides the blocks: header, recipients, signature, Nơi nhận."""
    out: list[str] = []
    issuer = letter.issuer
    out += [s for s in (issuer.parent, issuer.name, issuer.contact) if s]
    out.append(vn.format_number_reference(letter.number, letter.symbol))
    out.append(date_line(letter))
    out.append(letter.subject)
    out += kinds.expected(letter)
    out += copying.expected(letter)  # a bản sao's block: a template without it would drop it
    if letter.urgency:
        out.append(letter.urgency)
    out += list(letter.recipients) + list(letter.cc)
    out += letter.signer.authority_lines() + [letter.signer.name]
    out += [s for s in (letter.signer.other_title, letter.signer.signature_text) if s]
    out += cc_lines(letter)
    for a in letter.appendices:
        out.append(a.title)
    if letter.appendices:
        out.append(builders.kem_theo(letter))
    return [s for s in out if s]


def letter_lines(letter: Letter) -> list[Line]:
    """The lines of the body and of each phụ lục, each a line of its own in the letter."""
    out = block_lines(letter.body, "$.body")
    for i, a in enumerate(letter.appendices):
        out += block_lines(a.content, f"$.appendices[{i}].content")
    if letter.attachment:
        out += block_lines(letter.attachment.content, "$.attachment.content")
    return out


def expected_texts(letter: Letter) -> list[str]:
    """Every piece of the input as the reader must find it in the finished letter."""
    return _pieces(letter) + [line for _where, _i, line, _ok in letter_lines(letter)]


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


def text_pieces(xml: bytes) -> list[bytes]:
    """The text of a part in reading order, as raw XML text: each run's text, b"\\n" for a line
    break and for the end of a paragraph, b"\\t" for a tab. Each search starts from a literal
    ("<w:t", "</w:p>"), which the regular expression engine finds at C speed; the pieces of a
    part cut between elements are the pieces of the whole."""
    if b"<w:br" in xml or b"<w:cr" in xml:
        xml = _W_BREAK.sub(b"<w:t>\n</w:t>", xml)
    if b"<w:tab/>" in xml:
        xml = xml.replace(b"<w:tab/>", b"<w:t>\t</w:t>")
    return _W_T.findall(xml.replace(b"</w:p>", b"<w:t>\n</w:t>"))


def pieces_text(pieces: list[bytes]) -> str:
    text = b"".join(pieces).decode("utf-8")
    return html.unescape(text) if "&" in text else text


def xml_text(xml: bytes) -> str:
    """document_text for one well-formed part, read with regular expressions: the same text,
    several times faster, for the check every rendered letter goes through (tests/test_render.py
    holds it to document_text on every example)."""
    pieces = text_pieces(xml)
    # paragraphs are joined by newlines: the last one's end is dropped
    return pieces_text(pieces[:-1] if pieces and pieces[-1] == b"\n" else pieces)


def check_xml(name: str, xml: bytes, *, block: bool = False, namespaces: bool = True) -> None:
    """Is it XML Word can read (a parse with namespaces, without building a tree), with no
    template tag left in it? `block`: a set-aside body or phụ lục (wfh_docs.render.assemble)."""
    try:
        (expat.ParserCreate(namespace_separator=" ") if namespaces else expat.ParserCreate()).Parse(xml, True)
    except expat.ExpatError as exc:
        message = (
            _("{name} (body or phụ lục) is not well-formed after rendering: {error}")
            if block
            else _("{name} is not well-formed after rendering: {error}")
        )
        raise RenderError(message.format(name=name, error=exc)) from None
    # every tag has a brace; data's braces were written as character references
    m = _TAG_LEFT.search(xml) if b"{" in xml or b"}" in xml else None
    if m:
        start = max(0, m.start() - 60)
        shown = xml[start : m.end() + 60].decode("utf-8", "replace")
        raise RenderError(
            _(
                "a template tag was left unrendered in {name}: ...{shown}... "
                "(check the template's tags with the template documentation)"
            ).format(name=name, shown=shown)
        )


class LetterText(str):
    """A letter's text, with the texts known to stand whole in it (the parts of the document
    between its set-aside blocks, the headers and footers), which `verify` searches first."""

    known: tuple[str, ...] = ()


def verify(letter: Letter, text: str) -> None:
    """Every piece of the input is in the letter's text; every line of the body and the phụ lục
    is a whole line of it, the input's characters less its markup (no asterisk left over, no
    character lost or added, the closing "./." once)."""
    known = list(text.known) if isinstance(text, LetterText) else []
    missing = list(absent(_pieces(letter), text, known))
    lines = set(text.split("\n"))
    for where, i, line, ok in letter_lines(letter):
        if not ok or line not in lines:
            missing.append(f"{where.removeprefix('$.')}[{i}]: {line}")
    if missing:
        shown = "; ".join(repr(s[:80]) for s in missing[:5])
        raise RenderError(
            _(
                "{count} piece(s) of the input are missing from the rendered letter: {shown}. "
                "This is a bug in wfhdoc or a template that drops a field: please report it"
            ).format(count=len(missing), shown=shown)
        )


_ESCAPE_OR_STARS = re.compile(r"\\[*\\]|\*+")


def only_markup_removed(source: str, line: str) -> bool:
    """Is `line` a line of `source` less markup alone: whole runs of asterisks dropped (a run is
    printed whole or not at all), escapes read as their character, the closing mark added?
    Checked apart from the parser (inline), so that a slip there is caught."""
    if "*" not in source and "\\" not in source:
        return True
    targets = {line}
    if not source.rstrip().rstrip("*").rstrip().endswith("/."):  # the mark was added, once
        targets |= {line.removesuffix("./."), line.removesuffix("/.")}
    return any(_fits(piece, t) for piece in source.split("\n") for t in targets)


def _fits(source: str, line: str) -> bool:
    """Can `line` be made from `source` by dropping whole runs of asterisks, reading escapes?
    (the positions in `line` reachable after each piece of `source`: a handful at most)."""
    reach = {0}
    pos = 0
    for m in [*_ESCAPE_OR_STARS.finditer(source), None]:
        literal = source[pos : m.start() if m else len(source)]
        reach = {j + len(literal) for j in reach if line.startswith(literal, j)}
        if m is None or not reach:
            break
        token = m.group()
        if token[0] == "\\":
            reach = {j + 1 for j in reach if line.startswith(token[1], j)}
        else:
            reach |= {j + len(token) for j in reach if line.startswith(token, j)}
        pos = m.end()
    return len(line) in reach


_SEARCH_PLAIN = 100_000


def absent(expected: list[str], text: str, known: list[str]) -> Iterator[str]:
    """The strings of `expected` that are not substrings of `text`, in time linear in the text.

    Searching the whole text for each string costs the text's length times their number, which
    grows with the square of a letter's paragraphs (benchmarks/linear.py). Nearly every string
    is a whole paragraph, a table cell or a run of them, so it is looked up in the set of the
    text's lines (or as a run of consecutive lines); then in the small texts known to stand
    whole in `text` (where the recipients and Nơi nhận are); only what none of these finds is
    searched for in the whole text. Each of the first steps proves the string is in the text, so
    the answer is the same (tests/test_adversarial_templates.py compares it with the plain
    search). A short letter with few strings (under _SEARCH_PLAIN characters searched in all)
    is searched plainly, which is faster there: 7 us against 10 for a one-page report; 51
    against 23 for the reference letter."""
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
