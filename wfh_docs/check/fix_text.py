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


class Edits:
    """The text edits of one letter's main part, each applied at once to its paragraph."""

    def __init__(self) -> None:
        self.changed: set[int] = set()  # paragraph indexes

    def _apply(self, p: etree._Element, i: int, start: int, end: int, new: str) -> None:
        if replace(p, start, end, new):
            self.changed.add(i)

    def number(self, p: etree._Element, i: int) -> None:
        """ "Số 5 / STP - VP" -> "Số: 05/STP-VP"; a number left blank (filled in by hand) is kept."""
        text = text_of(p)
        m = _SO.match(text)
        if not m or not m.group(5):
            return
        symbol = m.group(7)
        fixed_symbol = re.sub(r"\s*-\s*", "-", symbol.strip())
        digits = m.group(5).zfill(2)
        new = f"{m.group(1)}: {digits}/{fixed_symbol}"
        if new != text.rstrip():
            self._apply(p, i, 0, len(text.rstrip()), new)

    def date(self, p: etree._Element, i: int) -> None:
        """ "Hà Tĩnh ngày 7 tháng 04 năm" -> "Hà Tĩnh, ngày 07 tháng 4 năm"."""
        text = text_of(p)
        m = _DATE.match(text)
        if not m:
            return
        month = int(m.group("m"))
        month_text = f"{month:02d}" if month in (1, 2) else str(month)
        # edits from the end, so that the offsets before them stay right
        if m.group("m") != month_text:
            self._apply(p, i, m.start("m"), m.end("m"), month_text)
        if m.group("d") != f"{int(m.group('d')):02d}":
            self._apply(p, i, m.start("d"), m.end("d"), f"{int(m.group('d')):02d}")
        if m.group("place").strip() and not m.group("comma"):
            self._apply(p, i, m.end("place"), m.end("place"), ",")

    def tieu_ngu(self, p: etree._Element, i: int, start: int, end: int) -> None:
        """The Tiêu ngữ's phrases joined by a hyphen with a space on each side."""
        text = text_of(p)[start:end]
        lead = len(text) - len(text.lstrip())
        core = text.strip()
        fixed = _TIEU_NGU_PART.sub(" - ", core)
        if fixed != core:
            self._apply(p, i, start + lead, start + lead + len(core), fixed)

    def prefix_space(self, p: etree._Element, i: int, start: int = 0) -> None:
        """ "KT.GIÁM ĐỐC" -> "KT. GIÁM ĐỐC"."""
        m = _PREFIX.match(text_of(p)[start:])
        if m:
            self._apply(p, i, start + m.end(), start + m.end(), " ")

    def heading_colon(self, p: etree._Element, i: int) -> None:
        """ "Kính gửi Sở ..." -> "Kính gửi: Sở ..."; "Nơi nhận" -> "Nơi nhận:"."""
        text = text_of(p)
        m = _HEAD_COLON.match(text)
        if not m:
            return
        rest = text[m.end() :]
        self._apply(p, i, m.end(1), m.end(), ": " if rest.strip() else ":")

    def list_line(self, p: etree._Element, i: int, *, last: bool) -> None:
        """A list line (Kính gửi's recipients, Nơi nhận) starting "- " and ending ";", the last
        ".", and "- Lưu: VT, ..." with its colon."""
        text = text_of(p)
        if not text.strip():
            return
        body = text.rstrip()
        end = "." if last else ";"
        if not body.endswith(end):
            core = body.rstrip(";.,")
            self._apply(p, i, len(core), len(body), end)
        text = text_of(p)
        lead = _LEAD.match(text)
        if lead and text[: lead.end()] != "- ":
            self._apply(p, i, 0, lead.end(), "- ")
        text = text_of(p)
        luu = _LUU.match(text)
        if luu:
            self._apply(p, i, luu.end(1), luu.end(), ": ")

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
