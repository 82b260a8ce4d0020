"""A .docx's parts as the checker reads them: inflated only when asked for and within bounds,
decoded as their XML declares, parsed without DTDs, entities or the network; and what a clerk is
told of a file that cannot be read."""

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
from ..i18n import N_, _, language
from ..letter.vn import format_number

# characters XML 1.0 does not allow, raw or as character references (matched in the decoded text)
ILLEGAL = re.compile(
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


def decode(data: bytes) -> tuple[str, bool]:
    """The part's text as the XML parser reads it, whatever encoding it declares (UTF-16 and
    ISO-8859-1 are as legal as UTF-8), and whether it decoded exactly: what cannot be decoded
    (bytes wrong for the encoding, or one Python does not know) becomes U+FFFD."""
    encoding = _encoding(data)
    try:
        return data.decode(encoding), True
    except UnicodeDecodeError:
        return data.decode(encoding, "replace"), False


def utf8(text: str) -> bytes:
    """Decoded XML back to bytes for the parser: UTF-8, without a declaration naming another
    encoding."""
    return _DECLARATION.sub("", text, count=1).encode("utf-8")


def text_around(text: str, start: int, end: int) -> str:
    """The document's text on each side of a character, without the XML tags, and with
    character references (how ISO-8859-1 writes "ộ") as the characters they stand for."""
    before = html.unescape(_TAG.sub("", text[max(0, start - 400) : start]))
    after = html.unescape(_TAG.sub("", text[end : end + 400]))
    return f"{before[-30:]}␣{after[:30]}".strip()


def parser(*, recover: bool = False) -> etree.XMLParser:
    """A parser for a part from outside: no DTD, entities or network, lxml's default bounds on
    depth and text size; `recover` reads what it can of a damaged part."""
    return etree.XMLParser(
        recover=recover, resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
    )


@dataclass
class Parsed:
    """A part's XML as read: its root, what a strict parser said of it when it had to be read
    leniently, and the control characters it held (each with the text around it)."""

    root: etree._Element
    complaint: str | None = None
    control_chars: list[tuple[str, str]] = field(default_factory=list)


def parse(data: bytes) -> Parsed:
    """A part parsed strictly; if that fails, without the control characters that are the usual
    cause (pasted from old software), else as much of it as a lenient parser recovers."""
    try:
        return Parsed(etree.fromstring(data, parser()))
    except etree.XMLSyntaxError as exc:
        complaint = str(exc)
    # the scan runs on the decoded text, so a part in UTF-16 or ISO-8859-1 is read as its
    # declaration says
    text, exact = decode(data)
    found = [m for _n, m in zip(range(5), ILLEGAL.finditer(text), strict=False)]
    chars = [(m.group(), text_around(text, m.start(), m.end())) for m in found]
    if found and exact:  # not when the text could not be decoded: that would hide the damage
        try:
            return Parsed(etree.fromstring(utf8(ILLEGAL.sub("", text)), parser()), None, chars)
        except etree.XMLSyntaxError:
            pass
    del text
    try:
        root = etree.fromstring(data, parser(recover=True))
    except etree.XMLSyntaxError:
        root = None
    return Parsed(root if root is not None else etree.Element("empty"), complaint, chars)


def clip(text: str, n: int = 120) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class PartError(ArchiveError):
    """An ArchiveError whose message already says how to fix it."""


REPAIR = N_("open the letter in Word, which repairs what it can, and save it again as .docx")


def count(n: int) -> str:
    """A large number as the reader writes it: 2,000,000 in English, 2.000.000 in Vietnamese."""
    return f"{n:,}" if language() == "en" else format_number(n)


def hint(exc: ArchiveError) -> str:
    """What a clerk can do about a letter safezip refused."""
    if exc.kind == "bomb":
        return _("this is not a letter as Word saves one: do not open it, ask its sender for it again")
    if not exc.member:
        return _(
            "give a Word document saved as .docx (one protected by a password: open it in Word "
            "and save it without)"
        )
    if exc.kind == "encrypted":
        return _("open it in Word and save it without a password")
    return _(REPAIR)


class Parts(Mapping[str, bytes]):
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
