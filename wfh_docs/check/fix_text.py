"""The only changes `check --fix` makes to a letter's words, and the proof that it made no other.

The decree's punctuation and digits are fixed in place: a leading 0 on a number under 10 in "Số:"
and on a day under 10 and the months 1 and 2 (none on the months 3 to 12, Mục II.3.c and II.4.b
Phụ lục I), the colon after "Số", "Kính gửi", "Nơi nhận" and "Lưu", the comma after the place name,
the hyphens of the Tiêu ngữ, the space after "KT." and the like, no spaces around "/" and "-" in
the ký hiệu, and the "- ... ;" / "." of the lines of a list. Each edit names the paragraph it
changes; `verify` then compares the texts of the original and the fixed letter: only those
paragraphs may differ, and only by those characters (SAME_WORDS)."""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

from .fix_xml import replace, text_of

_SO = re.compile(r"^(\s*Số)(\s*)(:?)(\s*)(\d*)(\s*)/(.*)$")
_DATE = re.compile(
    r"^(?P<place>[^,]*?)(?P<comma>,?)(?P<sp>\s*)ngày\s*(?P<d>\d{1,2})\s+tháng\s*(?P<m>\d{1,2})\s"
)
_TIEU_NGU_PART = re.compile(r"\s*[-–—‐‑]\s*")
_LEAD = re.compile(r"^\s*(?:[-–—+•]\s*)?")
_PREFIX = re.compile(r"^\s*(TM|KT|TL|TUQ|Q)\.(?=\S)")
_LUU = re.compile(r"^(\s*-?\s*Lưu)(\s*)(?=\S)(?!:)")
_HEAD_COLON = re.compile(r"^(\s*(?:Kính\s+gửi|Nơi\s+nhận))(\s*)(?!\s*:)")


def _digits(text: str) -> str:
    return re.sub(r"(?<!\d)0+(?=\d)", "", text)


def skeleton(text: str) -> str:
    """The words and numbers of a line without what `check --fix` may change: the punctuation
    ".,;:", the kind of dash, a list line's lead, spaces, leading zeros."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    text = re.sub(r"[–—‐‑+•]", "-", text)
    text = re.sub(r"\s*([-/:;,.])\s*", r"\1", text)
    text = re.sub(r"[:;,.]", "", text).lstrip("- ")
    return _digits("".join(text.split()))


def span(p: etree._Element, k: int | None, seg: int | None = None) -> tuple[int, int]:
    """Where line k of the paragraph's text is (all of it when None), or column `seg` of it (a
    line typed with tabs, cut as re.split(r"\t+") cuts it)."""
    text = text_of(p)
    if k is None:
        return 0, len(text)
    lines = text.split("\n")
    if k >= len(lines):
        return len(text), len(text)
    start = sum(len(x) + 1 for x in lines[:k])
    if seg is None:
        return start, start + len(lines[k])
    bounds = [0, *(x for m in re.finditer(r"\t+", lines[k]) for x in (m.start(), m.end())), len(lines[k])]
    if 2 * seg + 1 >= len(bounds):
        return start + len(lines[k]), start + len(lines[k])
    return start + bounds[2 * seg], start + bounds[2 * seg + 1]


class Edits:
    """The text edits of one letter's main part, each applied at once to its line (line k of
    paragraph i; None: the paragraph); the indexes of the paragraphs changed are kept."""

    def __init__(self) -> None:
        self.changed: set[int] = set()  # paragraph indexes

    def _apply(self, p: etree._Element, i: int, start: int, end: int, new: str) -> None:
        if replace(p, start, end, new):
            self.changed.add(i)

    def _line(self, p: etree._Element, k: int | None, seg: int | None = None) -> tuple[int, str]:
        start, end = span(p, k, seg)
        return start, text_of(p)[start:end]

    def number(self, p: etree._Element, i: int, k: int | None = None, seg: int | None = None) -> None:
        """ "Số 5 / STP - VP" -> "Số: 05/STP-VP"; a number left blank (filled in by hand) is kept."""
        at, text = self._line(p, k, seg)
        m = _SO.match(text)
        if not m or not m.group(5):
            return
        fixed_symbol = re.sub(r"\s*-\s*", "-", m.group(7).strip())
        new = f"{m.group(1)}: {m.group(5).zfill(2)}/{fixed_symbol}"
        if new != text.rstrip():
            self._apply(p, i, at, at + len(text.rstrip()), new)

    def date(self, p: etree._Element, i: int, k: int | None = None, seg: int | None = None) -> None:
        """ "Hà Tĩnh ngày 7 tháng 04 năm" -> "Hà Tĩnh, ngày 07 tháng 4 năm"."""
        at, text = self._line(p, k, seg)
        m = _DATE.match(text)
        if not m:
            return
        month = int(m.group("m"))
        month_text = f"{month:02d}" if month in (1, 2) else str(month)
        # edits from the end, so that the offsets before them stay right
        if m.group("m") != month_text:
            self._apply(p, i, at + m.start("m"), at + m.end("m"), month_text)
        if m.group("d") != f"{int(m.group('d')):02d}":
            self._apply(p, i, at + m.start("d"), at + m.end("d"), f"{int(m.group('d')):02d}")
        if m.group("place").strip() and not m.group("comma"):
            self._apply(p, i, at + m.end("place"), at + m.end("place"), ",")

    def tieu_ngu(self, p: etree._Element, i: int, k: int | None = None, seg: int | None = None) -> None:
        """The Tiêu ngữ's phrases joined by a hyphen with a space on each side."""
        at, text = self._line(p, k, seg)
        lead = len(text) - len(text.lstrip())
        core = text.strip()
        fixed = _TIEU_NGU_PART.sub(" - ", core)
        if fixed != core:
            self._apply(p, i, at + lead, at + lead + len(core), fixed)

    def prefix_space(self, p: etree._Element, i: int, k: int | None = None, seg: int | None = None) -> None:
        """ "KT.GIÁM ĐỐC" -> "KT. GIÁM ĐỐC"."""
        at, text = self._line(p, k, seg)
        m = _PREFIX.match(text)
        if m:
            self._apply(p, i, at + m.end(), at + m.end(), " ")

    def heading_colon(self, p: etree._Element, i: int, k: int | None = None, seg: int | None = None) -> None:
        """ "Kính gửi Sở ..." -> "Kính gửi: Sở ..."; "Nơi nhận" -> "Nơi nhận:"."""
        at, text = self._line(p, k, seg)
        m = _HEAD_COLON.match(text)
        if m:
            rest = text[m.end() :]
            self._apply(p, i, at + m.end(1), at + m.end(), ": " if rest.strip() else ":")

    def list_line(self, p: etree._Element, i: int, k: int | None, *, last: bool, lead: bool = True) -> None:
        """A list line (Kính gửi's recipients, Nơi nhận) starting "- " (unless not `lead`: Word
        writes the line's dash) and ending ";", the last ".", and "- Lưu: VT, ..." with its colon."""
        at, text = self._line(p, k)
        if not text.strip():
            return
        body = text.rstrip()
        end = "." if last else ";"
        if not body.endswith(end):
            core = body.rstrip(";.,")
            self._apply(p, i, at + len(core), at + len(body), end)
        at, text = self._line(p, k)
        typed = _LEAD.match(text)
        if lead and typed and text[: typed.end()] != "- ":
            self._apply(p, i, at, at + typed.end(), "- ")
        at, text = self._line(p, k)
        luu = _LUU.match(text)
        if luu:
            self._apply(p, i, at + luu.end(1), at + luu.end(), ": ")

    def nfc(self, p: etree._Element, i: int) -> None:
        """Letters with decomposed diacritics written precomposed (Unicode NFC, TCVN 6909:2001),
        each text element on its own: they look the same, and the checker reads them right."""
        for t in p.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"):
            if t.text and not unicodedata.is_normalized("NFC", t.text):
                t.text = unicodedata.normalize("NFC", t.text)
                self.changed.add(i)


def differences(before: list[str], after: list[str], allowed: set[int]) -> list[str]:
    """The paragraphs whose words changed between the original and the fixed part (empty when
    the fix kept them): paragraphs are compared in order, empty ones aside (the fix may add an
    empty paragraph that draws a line); one not in `allowed` must be the same to the
    character, one in it the same but for SAME_WORDS."""
    old = [(k, t) for k, t in enumerate(before) if t.strip()]
    new = [(k, t) for k, t in enumerate(after) if t.strip()]
    if len(old) != len(new):
        return [f"{len(old)} → {len(new)}"]
    out = []
    for (k, a), (_k, b) in zip(old, new, strict=True):
        if a == b:
            continue
        if k not in allowed or skeleton(a) != skeleton(b):
            out.append(a)
    return out
