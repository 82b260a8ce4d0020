"""The speed machinery, behind one seam: a letter's document.xml put together from pieces checked,
read and compressed once, and the small parts every letter of an agency shares compressed once.

Template.render asks three things of it: a `SetAside` for `contract.context` (the body and each
phụ lục's content, set aside behind markers), `Assembler.document` (document.xml from the
rendered skeleton and those blocks: the zip entry and the text) and `Assembler.pack` (any other
part). Without it a letter would be rendered whole, checked, read and compressed whole: the same
bytes (tests/test_render.py: a letter is the same bytes whatever was rendered before).

Gains, on the batches of benchmarks/batch.py (rendering alone, in one process, with and
without, alternating, best of 7, on the shared 2-core machine while it was loaded):
- set-aside blocks with the piece cache: the reference letter to 40 recipients, whose body and
  phụ lục every letter shares, parsed, read and compressed once: 1,040 us a letter instead of
  1,390 (x1.3); the whole batch.py run gives b/a 12-14 on that batch;
- the small-piece and small-part caches: the document's end and the footer, the same in every
  letter, compressed once (a few us a letter: kept because they are a dict look-up).
Pinned by tests/test_render.py (the verified text is the reader's text; byte-identical letters
whatever came before; a set-aside block is checked before it is used).
"""

from __future__ import annotations

import re
import secrets
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field

from . import package
from .verify import check_xml, pieces_text, text_pieces

# A block under 2 KB stays in place: a piece of its own costs more than reading it again.
FRAGMENT_MIN = 2048
# The marker holds a token of this process, so no template or data can forge one.
_FRAGMENT_TOKEN = secrets.token_hex(8)
_FRAGMENT_MARK = f"<wfh-fragment-{_FRAGMENT_TOKEN}-{{}}/>"
_FRAGMENT_SPLIT = re.compile(rf"<wfh-fragment-{_FRAGMENT_TOKEN}-(\d+)/>".encode())

_PIECES_KEPT = 32  # set-aside blocks remembered by a template ...
_PIECES_BYTES = 8 << 20  # ... within this many bytes


@dataclass
class SetAside:
    """The blocks of one letter set aside: `keep(xml)` gives the marker the template renders in
    the block's place (or the block itself, when small)."""

    blocks: list[str] = field(default_factory=list)

    def keep(self, xml: str) -> str:
        if len(xml) < FRAGMENT_MIN:
            return xml
        self.blocks.append(xml)
        return _FRAGMENT_MARK.format(len(self.blocks) - 1)


@dataclass(frozen=True)
class _Piece:
    """A set-aside block of a document, checked, read and compressed once."""

    data: bytes
    segment: package.Segment
    text: str


def _packed_and_read(data: bytes) -> tuple[package.Segment, str]:
    """A piece of document.xml compressed on its own, and its text."""
    return package.segment(data), pieces_text(text_pieces(data))


@dataclass(frozen=True)
class Document:
    """document.xml assembled: its zip entry, its text (as verify.xml_text reads it, but for a
    newline after the last paragraph), and the texts of the pieces between the set-aside blocks
    (known to stand whole in it: verify.absent searches them first)."""

    entry: package.Entry
    text: str
    between: list[str]


class Assembler:
    """One template's caches: set-aside blocks, the small pieces between them, small parts."""

    def __init__(self, document_xml: bytes) -> None:
        # a set-aside block is checked on its own inside an element declaring the namespaces
        # the document's root declares
        root = re.search(rb"<w:document\b[^>]*>", document_xml)
        declared = b" ".join(re.findall(rb'xmlns(?::[\w.-]+)?="[^"]*"', root.group(0))) if root else b""
        self._wrap = (b"<wfh-fragment " + declared + b">", b"</wfh-fragment>")
        self._pieces: OrderedDict[str, _Piece] = OrderedDict()
        self._pieces_bytes = 0
        self._small_pieces: dict[bytes, tuple[package.Segment, str]] = {}
        self._small_packed: dict[tuple[str, bytes], package.Entry] = {}

    def pack(self, name: str, data: bytes) -> package.Entry:
        """A part compressed; a small one (a header or footer comes out the same for every letter
        of an agency) is compressed once."""
        if len(data) > 4096:
            return package.compress(name, data, level=1)
        key = (name, data)
        entry = self._small_packed.get(key)
        if entry is None:
            if len(self._small_packed) > 256:
                self._small_packed.clear()
            entry = self._small_packed[key] = package.compress(name, data, level=1)
        return entry

    def piece(self, xml: str) -> _Piece:
        """A set-aside block: checked, read and compressed the first time it is seen."""
        piece = self._pieces.get(xml)
        if piece is not None:
            self._pieces.move_to_end(xml)
            return piece
        data = xml.encode("utf-8")
        check_xml("word/document.xml", self._wrap[0] + data + self._wrap[1], block=True)
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

    def document(self, skeleton: bytes, aside: SetAside, *, namespaces: bool = True) -> Document:
        """document.xml put together from the rendered template (the skeleton, with markers)
        and the blocks set aside."""
        check_xml("word/document.xml", skeleton, namespaces=namespaces)
        cut = _FRAGMENT_SPLIT.split(skeleton)
        segments: list[package.Segment] = []
        text: list[str] = []
        between: list[str] = []
        crc = 0
        for i, part in enumerate(cut):
            if i % 2:
                piece = self.piece(aside.blocks[int(part)])
                segments.append(piece.segment)
                text.append(piece.text)
                crc = zlib.crc32(piece.data, crc)
            elif part:
                segment, part_text = self._skeleton_piece(part)
                segments.append(segment)
                text.append(part_text)
                between.append(part_text)
                crc = zlib.crc32(part, crc)
        return Document(package.joined("word/document.xml", segments, crc), "".join(text), between)
