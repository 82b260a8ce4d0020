"""ND 30 conformance of any .docx letter: every departure from the decree, in a clerk's words.

The checker reads the letter as a reader sees it (docx_read resolves each paragraph's and
run's effective formatting through styles, defaults and theme fonts), finds the decree's
elements by their text and place (the Quốc hiệu, "Số:", the date line, "Kính gửi", the body,
the signature block, "Nơi nhận", each "Phụ lục"), so Word's splitting of runs changes nothing,
and checks each against Nghị định 30/2020, Phụ lục I. A rule the decree states strictly gives
an error; one where it allows latitude, or where the letter may have a reason, a warning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..letter.metrics import text_width_twips
from .docx import Docx, Paragraph, RunProps, as_int

TNR = "Times New Roman"
MM = 56.7  # twips per millimetre
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Finding:
    rule: str  # e.g. "date.format"
    severity: str  # "error" | "warning"
    element: str  # the element in the decree's words, e.g. "date line"
    found: str
    expected: str
    message: str
    where: str = ""  # the paragraph's text, shortened

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        detail = f' (found "{self.found}", expected "{self.expected}")' if self.found or self.expected else ""
        place = f' in "{self.where}"' if self.where else ""
        return f"{self.severity}: {self.element}: {self.message}{detail}{place}"


_QUOC_HIEU = re.compile(r"^CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM$")
_TIEU_NGU = re.compile(r"^Độc\s+lập\s*[-–—‐‑]\s*Tự\s+do\s*[-–—‐‑]\s*Hạnh\s+phúc$", re.IGNORECASE)
_TIEU_NGU_RIGHT = "Độc lập - Tự do - Hạnh phúc"
_SO = re.compile(r"^Số\b\s*(:?)\s*(.*)$")
_DATE = re.compile(
    r"^(?P<place>[^,]*?)(?P<comma>,?)\s*ngày\s*(?P<d>[^\s]*)\s+tháng\s*(?P<m>[^\s]*)\s+năm\s*(?P<y>[^\s]*)\s*$"
)
_AUTHORITY = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s*\S")
_APPENDIX = re.compile(r"^Phụ\s+lục(?:\s+(?P<n>[IVXLCDM]+|\d+))?\.?$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PAGE_FIELD = re.compile(r"\s*PAGE\b")
_URGENCY = {"KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC"}


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _tail(text: str) -> str:
    """The end of a line, from a word boundary: where its punctuation is."""
    if len(text) <= 40:
        return text
    cut = text[-30:]
    return "…" + cut[cut.find(" ") + 1 :] if " " in cut else "…" + cut


def _sizes(p: Paragraph) -> set[float]:
    return {r.size for r in p.run_props() if r.size is not None}


def _all(p: Paragraph, attr: str) -> bool:
    props = p.run_props()
    return bool(props) and all(bool(getattr(r, attr)) for r in props)


def _caps(p: Paragraph) -> bool:
    shown = "".join(r.text.upper() if r.props.caps else r.text for r in p.runs)
    return shown == shown.upper()


def _size_text(sizes: set[float]) -> str:
    return ", ".join(f"{s:g} pt" for s in sorted(sizes)) or "no size"


class _Check:
    def __init__(self, docx: Docx) -> None:
        self.docx = docx
        self.findings: list[Finding] = []
        self.paragraphs = docx.paragraphs()
        self.texts = [p.text.strip() for p in self.paragraphs]

    # -- helpers ----------------------------------------------------------------------------

    def add(
        self,
        rule: str,
        severity: str,
        element: str,
        message: str,
        *,
        found: str = "",
        expected: str = "",
        where: Paragraph | str | None = None,
    ) -> None:
        place = _short(where.text) if isinstance(where, Paragraph) else (where or "")
        self.findings.append(Finding(rule, severity, element, found, expected, message, place))

    def find(self, pattern: re.Pattern[str], start: int = 0, stop: int | None = None) -> int | None:
        for i in range(start, len(self.paragraphs) if stop is None else min(stop, len(self.paragraphs))):
            if pattern.search(self.texts[i]):
                return i
        return None

    def require(
        self, p: Paragraph, attr: str, rule: str, element: str, message: str, expected: str = ""
    ) -> bool:
        """An error unless every run of `p` is `attr` (bold, italic)."""
        if _all(p, attr):
            return True
        found = {"bold": "not bold", "italic": "upright"}.get(attr, f"not {attr}")
        self.add(rule, "error", element, message, found=found, expected=expected or attr, where=p)
        return False

    def size_range(
        self, p: Paragraph, rule: str, element: str, low: float, high: float, severity: str = "error"
    ) -> bool:
        sizes = _sizes(p)
        bad = {s for s in sizes if not low <= s <= high}
        if bad:
            want = f"{low:g} pt" if low == high else f"{low:g}-{high:g} pt"
            self.add(
                rule,
                severity,
                element,
                f"size {_size_text(bad)}, the decree asks {want}",
                found=_size_text(bad),
                expected=want,
                where=p,
            )
            return False
        return True

    def next_in_cell(self, i: int) -> list[int]:
        """The paragraphs after i in the same table cell (or, outside tables, up to the next
        empty-text run of paragraphs)."""
        p = self.paragraphs[i]
        out = []
        for j in range(i + 1, len(self.paragraphs)):
            q = self.paragraphs[j]
            if p.in_table:
                if (q.table_index, q.row, q.cell) != (p.table_index, p.row, p.cell):
                    break
            elif q.in_table:
                break
            out.append(j)
        return out

    # -- the rules ---------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        self._read_headers()
        self.page()
        self.fonts()
        self.text()
        qh = self.quoc_hieu()
        tn = self.tieu_ngu(qh)
        so = self.number()
        self.agency(so, (qh, tn))
        self.date()
        kg = self.kinh_gui()
        sig = self.find(re.compile(r"^Nơi\s+nhận|^(TM|KT|TL|TUQ|Q)\.\s*\S"), start=(kg or 0) + 1)
        self.body(kg, sig, so)
        self.signature(kg)
        self.page_numbers()
        self.appendices()
        return self.findings

    def _read_headers(self) -> None:
        """Parse the headers and footers first, so that a damaged one is reported with the
        other damaged parts (and the rest of the letter still checked)."""
        for section in self.docx.sections():
            for rel_id in [*section.header_refs.values(), *section.footer_refs.values()]:
                part = self.docx.part_for_rel(rel_id)
                if part and part in self.docx.parts:
                    self.docx.tree(part)

    def page(self) -> None:
        for n, s in enumerate(self.docx.sections(), start=1):
            element = "page" if n == 1 else f"page (section {n})"
            w, h = sorted((s.page_width, s.page_height))
            if abs(w - 11906) > MM or abs(h - 16838) > MM:
                self.add(
                    "page.size",
                    "error",
                    element,
                    "the paper must be A4 (210 x 297 mm)",
                    found=f"{s.page_width / MM:.0f} x {s.page_height / MM:.0f} mm",
                    expected="210 x 297 mm",
                )
            limits = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
            names = {"top": "top", "bottom": "bottom", "left": "left", "right": "right"}
            for side, (low, high) in limits.items():
                value = s.margins.get(side)
                if value is None:
                    continue
                mm = value / MM
                if not low - 0.5 <= mm <= high + 0.5:
                    self.add(
                        "page.margins",
                        "error",
                        element,
                        f"margin {names[side]} {mm:.0f} mm, the decree asks {low}-{high} mm",
                        found=f"{mm:.1f} mm",
                        expected=f"{low}-{high} mm",
                    )

    def fonts(self) -> None:
        wrong: dict[str, Paragraph] = {}
        colored: dict[str, Paragraph] = {}
        for p in self.paragraphs:
            for run in p.runs:
                if not run.text.strip():
                    continue
                for slot in ("ascii", "hAnsi"):
                    name = run.props.fonts.get(slot) or TNR  # Word's own default is TNR
                    if name != TNR:
                        wrong.setdefault(name, p)
                color = (run.props.color or "auto").lower()
                if color not in ("auto", "000000") and p.text.strip().upper() not in _URGENCY:
                    colored.setdefault(color, p)
        for name, p in wrong.items():
            self.add(
                "font.name",
                "error",
                "font",
                f"text in {name}; the decree asks Times New Roman",
                found=name,
                expected=TNR,
                where=p,
            )
        for color, p in colored.items():
            self.add(
                "font.color",
                "warning",
                "font",
                f"text in colour #{color}; the decree asks black",
                found=f"#{color}",
                expected="black",
                where=p,
            )

    def text(self) -> None:
        for _part, chars in self.docx.control_chars.items():
            for ch, around in chars:
                code = f"U+{ord(ch):04X}" if len(ch) == 1 else ch
                self.add(
                    "text.control",
                    "error",
                    "text",
                    f"a control character {code} in the text; Word may refuse the file: delete it",
                    found=around,
                    expected="text without control characters",
                    where=around,
                )
        for part, err in self.docx.parse_errors.items():
            self.add(
                "text.control",
                "error",
                "file",
                f"{part} is damaged and was read in part only; open the letter in Word, which "
                "repairs what it can, and save it again as .docx",
                found=_short(err),
                expected="well-formed XML",
            )
        nfc = control = tags = 0
        for p in self.paragraphs:
            if p.text and not unicodedata.is_normalized("NFC", p.text) and nfc < 3:
                nfc += 1
                self.add(
                    "text.nfc",
                    "error",
                    "text",
                    "letters with decomposed diacritics (not Unicode NFC, "
                    "as TCVN 6909:2001 asks); retype them or convert the text to Unicode dựng sẵn",
                    found=_short(p.text, 30),
                    expected="NFC text",
                    where=p,
                )
            if _CONTROL.search(p.text) and control < 3:
                control += 1
                ch = _CONTROL.search(p.text).group()  # type: ignore[union-attr]
                self.add(
                    "text.control",
                    "error",
                    "text",
                    f"a control character U+{ord(ch):04X} in the text",
                    found=f"U+{ord(ch):04X}",
                    expected="none",
                    where=p,
                )
            if ("{{" in p.text or "{%" in p.text) and tags < 3:
                tags += 1
                m = re.search(r"\{[{%].{0,40}", p.text)
                self.add(
                    "template.tags",
                    "error",
                    "text",
                    "a template tag was left in the letter",
                    found=m.group() if m else "{{",
                    expected="no tags",
                    where=p,
                )

    def quoc_hieu(self) -> int | None:
        i = next(
            (k for k, t in enumerate(self.texts[:40]) if _QUOC_HIEU.match(" ".join(t.upper().split()))), None
        )
        if i is None:
            self.add(
                "quoc_hieu.missing",
                "error",
                "Quốc hiệu",
                "the Quốc hiệu is missing",
                found="",
                expected="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            )
            return None
        p = self.paragraphs[i]
        if not _caps(p):
            self.add(
                "quoc_hieu.format",
                "error",
                "Quốc hiệu",
                "must be in capitals",
                found=_short(p.text),
                expected="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                where=p,
            )
        self.require(p, "bold", "quoc_hieu.format", "Quốc hiệu", "must be bold")
        self.size_range(p, "quoc_hieu.format", "Quốc hiệu", 12, 13)
        return i

    def _rule_under(
        self,
        i: int,
        text_width: int,
        element: str,
        rule: str,
        *,
        ratio: tuple[float, float] | None,
        column: int | None,
    ) -> None:
        p = self.paragraphs[i]
        line: Paragraph | None = None
        if p.props.border_bottom:
            line = p
        else:
            for j in self.next_in_cell(i)[:2]:
                q = self.paragraphs[j]
                if q.props.border_bottom or q.drawing:
                    line = q
                    break
                if q.text.strip():
                    if set(q.text.strip()) <= {"_", "-", "‗"}:
                        self.add(
                            rule,
                            "warning",
                            element,
                            "the line is typed with underscores; draw a real line",
                            found=q.text.strip(),
                            expected="a drawn line",
                            where=q,
                        )
                        return
                    break
            if line is None and p.drawing:
                line = p
        if line is None:
            self.add(
                rule,
                "error",
                element,
                f"no line under the {element}",
                found="no line",
                expected="a solid line under it",
                where=p,
            )
            return
        if ratio is None or line.drawing or line is p or not column:
            return
        length = column - line.props.ind.get("left", 0) - line.props.ind.get("right", 0)
        low, high = ratio
        if not (low * text_width * 0.95 <= length <= high * text_width * 1.05):
            want = "as long as the text" if low == high else f"{low:.2g}-{high:.2g} of the text's length"
            self.add(
                rule,
                "warning",
                element,
                f"the line under the {element} is {length / MM:.0f} mm, "
                f"the decree asks {want} ({text_width / MM:.0f} mm of text)",
                found=f"{length / MM:.0f} mm",
                expected=want,
                where=p,
            )

    def tieu_ngu(self, qh: int | None) -> int | None:
        i = next((k for k, t in enumerate(self.texts[:40]) if _TIEU_NGU.match(" ".join(t.split()))), None)
        if i is None:
            self.add(
                "tieu_ngu.missing", "error", "Tiêu ngữ", "the Tiêu ngữ is missing", expected=_TIEU_NGU_RIGHT
            )
            return None
        p = self.paragraphs[i]
        shown = " ".join(p.text.split())
        if shown != _TIEU_NGU_RIGHT:
            self.add(
                "tieu_ngu.text",
                "error",
                "Tiêu ngữ",
                "the phrases are joined by a hyphen with a space on each side",
                found=shown,
                expected=_TIEU_NGU_RIGHT,
                where=p,
            )
        self.require(p, "bold", "tieu_ngu.format", "Tiêu ngữ", "must be bold")
        self.size_range(p, "tieu_ngu.format", "Tiêu ngữ", 13, 14)
        sizes = _sizes(p) or {13}
        width = text_width_twips(_TIEU_NGU_RIGHT, max(sizes), bold=True)
        self._rule_under(i, width, "Tiêu ngữ", "tieu_ngu.rule", ratio=(1.0, 1.0), column=p.cell_width)
        return i

    def number(self) -> int | None:
        i = self.find(_SO, stop=40)
        if i is None:
            return None
        p = self.paragraphs[i]
        m = _SO.match(self.texts[i])
        assert m
        colon, rest = m.group(1), m.group(2)
        if not colon:
            self.add(
                "number.format",
                "error",
                "Số, ký hiệu",
                'write a colon after "Số"',
                found=self.texts[i],
                expected="Số: 05/...",
                where=p,
            )
        number, slash, symbol = rest.partition("/")
        if slash:
            if number.strip() and (
                number != number.strip() or symbol != symbol.strip() or re.search(r"\s-|-\s", symbol)
            ):
                self.add(
                    "number.format",
                    "error",
                    "Số, ký hiệu",
                    "no spaces around '/' and '-' in the number and ký hiệu",
                    found=rest,
                    expected=re.sub(r"\s*([/-])\s*", r"\1", rest.strip()),
                    where=p,
                )
            elif re.search(r"\s-|-\s", symbol.strip()):
                self.add(
                    "number.format",
                    "error",
                    "Số, ký hiệu",
                    "no spaces around '-' in the ký hiệu",
                    found=symbol,
                    expected=re.sub(r"\s*-\s*", "-", symbol.strip()),
                    where=p,
                )
            n = number.strip()
            if len(n) == 1 and n.isdecimal() and int(n) < 10:
                self.add(
                    "number.format",
                    "error",
                    "Số, ký hiệu",
                    "a number under 10 is written with a leading 0",
                    found=f"{n}/",
                    expected=f"0{n}/",
                    where=p,
                )
        sizes = _sizes(p)
        if sizes and sizes != {13}:
            self.add(
                "number.size",
                "warning",
                "Số, ký hiệu",
                f"size {_size_text(sizes)}, the decree asks 13 pt",
                found=_size_text(sizes),
                expected="13 pt",
                where=p,
            )
        return i

    def agency(self, so: int | None, motto: tuple[int | None, int | None]) -> None:
        if so is None:
            return
        p_so = self.paragraphs[so]
        lines = []
        for k in range(so):
            q = self.paragraphs[k]
            if k in motto or not q.text.strip():
                continue
            if p_so.in_table and (q.table_index, q.cell) != (p_so.table_index, p_so.cell):
                continue
            if q.text.strip().upper() == q.text.strip() or _caps(q):
                lines.append(k)
        if not lines:
            return
        name = self.paragraphs[lines[-1]]
        self.require(
            name, "bold", "agency.format", "tên cơ quan ban hành", "the issuing agency's name must be bold"
        )
        if not _caps(name):
            self.add(
                "agency.format",
                "error",
                "tên cơ quan ban hành",
                "must be in capitals",
                found=name.text,
                expected=name.text.upper(),
                where=name,
            )
        self.size_range(name, "agency.format", "tên cơ quan ban hành", 12, 13)
        for k in lines[:-1]:
            self.size_range(self.paragraphs[k], "agency.format", "tên cơ quan chủ quản", 12, 13)
        sizes = _sizes(name) or {13}
        width = max(text_width_twips(t, max(sizes), bold=True, caps=True) for t in name.text.split("\n"))
        column = name.cell_width
        self._rule_under(
            lines[-1],
            min(width, column or width),
            "agency name",
            "agency.rule",
            ratio=(1 / 3, 1 / 2),
            column=column,
        )

    def date(self) -> None:
        i = self.find(_DATE, stop=40)
        if i is None:
            return
        p = self.paragraphs[i]
        m = _DATE.match(self.texts[i])
        assert m
        if m.group("place").strip() and not m.group("comma"):
            self.add(
                "date.format",
                "error",
                "date line",
                "a comma follows the place name",
                found=f"{m.group('place').strip()} ngày",
                expected=f"{m.group('place').strip()}, ngày",
                where=p,
            )
        d, mo = m.group("d"), m.group("m")
        if len(d) == 1 and d.isdecimal() and int(d) < 10:
            self.add(
                "date.format",
                "error",
                "date line",
                f"day {d} is written with a leading 0",
                found=f"ngày {d}",
                expected=f"ngày 0{d}",
                where=p,
            )
        if mo.isdecimal() and len(mo) <= 4:  # a longer one is no month (and int() refuses 4,300 digits)
            month = int(mo)
            if month in (1, 2) and len(mo) == 1:
                self.add(
                    "date.format",
                    "error",
                    "date line",
                    f"month {month} is written 0{month}",
                    found=f"tháng {mo}",
                    expected=f"tháng 0{month}",
                    where=p,
                )
            if month >= 3 and mo.startswith("0"):
                self.add(
                    "date.format",
                    "error",
                    "date line",
                    f"month {month} must not be written {mo}",
                    found=f"tháng {mo}",
                    expected=f"tháng {month}",
                    where=p,
                )
        self.require(p, "italic", "date.style", "date line", "must be italic")
        self.size_range(p, "date.style", "date line", 13, 14)

    def kinh_gui(self) -> int | None:
        i = self.find(re.compile(r"^Kính\s+gửi"))
        if i is None:
            return None
        p = self.paragraphs[i]
        after = re.sub(r"^Kính\s+gửi", "", self.texts[i])
        if not after.startswith(":"):
            self.add(
                "kinh_gui.format",
                "error",
                "Kính gửi",
                'write a colon after "Kính gửi"',
                found=self.texts[i][:30],
                expected="Kính gửi: ...",
                where=p,
            )
        self.size_range(p, "kinh_gui.format", "Kính gửi", 13, 14)
        if after.lstrip(":").strip():
            return i
        items = []
        for j in range(i + 1, len(self.paragraphs)):
            t = self.texts[j]
            if not t:
                continue
            if not re.match(r"^[-–+•]", t):
                break
            items.append(j)
        self._dash_list(items, "kinh_gui.format", "Kính gửi", "recipient")
        return items[-1] if items else i

    def _dash_list(self, items: list[int], rule: str, element: str, noun: str) -> None:
        """The decree's punctuation of a list (Kính gửi, Nơi nhận): each line starts "- " and
        ends ";", the last one "."."""
        for n, j in enumerate(items):
            text, q = self.texts[j], self.paragraphs[j]
            last = n == len(items) - 1
            if not text.startswith("- "):
                self.add(
                    rule,
                    "error",
                    element,
                    f'each {noun} starts with "- "',
                    found=text[:20],
                    expected="- " + text.lstrip("-–+• ")[:18],
                    where=q,
                )
            end = "." if last else ";"
            if not text.endswith(end):
                self.add(
                    rule,
                    "error",
                    element,
                    f"the last {noun} ends with '.'" if last else f"each {noun} but the last ends with ';'",
                    found=_tail(text),
                    expected=text.rstrip(";.,")[-14:] + end,
                    where=q,
                )

    def body(self, kg: int | None, sig: int | None, so: int | None) -> None:
        start = (kg + 1) if kg is not None else None
        if start is None:
            anchors = [
                k
                for k in (so, self.find(_DATE, stop=40), self.find(re.compile(r"^V/v"), stop=40))
                if k is not None
            ]
            if not anchors:
                return
            start = max(anchors) + 1
        stop = sig if sig is not None else len(self.paragraphs)
        body = [k for k in range(start, stop) if self.texts[k] and not self.paragraphs[k].in_table]
        if not body:
            return
        seen = {"alignment": 0, "indent": 0, "size": 0, "line": 0, "spacing": 0}
        previous: Paragraph | None = None
        for k in body:
            p = self.paragraphs[k]
            if p.props.jc not in ("both", "distribute") and seen["alignment"] < 3:
                seen["alignment"] += 1
                self.add(
                    "body.alignment",
                    "error",
                    "body",
                    "body text is justified on both sides",
                    found=p.props.jc or "left",
                    expected="justified",
                    where=p,
                )
            first = p.props.ind.get("firstLine", 0) - p.props.ind.get("hanging", 0)
            if not any(abs(first - want) <= 0.5 * MM for want in (567, 720)) and seen["indent"] < 3:
                seen["indent"] += 1
                self.add(
                    "body.indent",
                    "warning",
                    "body",
                    "the first line is indented 1 cm or 1.27 cm",
                    found=f"{first / 567:.2f} cm",
                    expected="1 cm or 1.27 cm",
                    where=p,
                )
            if seen["size"] < 3 and not self.size_range(p, "body.size", "body", 13, 14):
                seen["size"] += 1
            rule = p.props.spacing.get("lineRule", "auto")
            line = as_int(p.props.spacing.get("line"), 240)
            size = max(_sizes(p) or {14})
            if rule == "auto":
                lines_ = line / 240
                bad = not 0.99 <= lines_ <= 1.51
                shown = f"{lines_:.2f} lines"
            else:
                points = line / 20
                bad = not size <= points <= 1.5 * 1.15 * size + 0.5
                shown = f"{'exactly' if rule == 'exact' else 'at least'} {points:g} pt"
            if bad and seen["line"] < 3:
                seen["line"] += 1
                self.add(
                    "body.line_spacing",
                    "error",
                    "body",
                    "line spacing is from single to 1.5 lines",
                    found=shown,
                    expected="single to 1.5 lines",
                    where=p,
                )
            if previous is not None:
                gap = as_int(previous.props.spacing.get("after")) + as_int(p.props.spacing.get("before"))
                if gap < 120 and seen["spacing"] < 3:
                    seen["spacing"] += 1
                    self.add(
                        "body.spacing",
                        "error",
                        "body",
                        "paragraphs are at least 6 pt apart",
                        found=f"{gap / 20:g} pt",
                        expected="at least 6 pt",
                        where=p,
                    )
            previous = p
        last = self.paragraphs[body[-1]]
        if not self.texts[body[-1]].endswith("./."):
            self.add(
                "body.closing",
                "warning",
                "body",
                'the content ends with "./."',
                found=self.texts[body[-1]][-12:],
                expected="./.",
                where=last,
            )

    def signature(self, kg: int | None) -> None:
        start = (kg or 0) + 1
        auth = self.find(_AUTHORITY, start=start)
        head = self.find(re.compile(r"^Nơi\s+nhận"), start=start)
        # the head signing in person has no prefix: the capitals line beside Nơi nhận
        if auth is None and head is not None and self.paragraphs[head].in_table:
            p = self.paragraphs[head]
            auth = next(
                (
                    k
                    for k, q in enumerate(self.paragraphs)
                    if q.in_table
                    and (q.table_index, q.row) == (p.table_index, p.row)
                    and q.cell != p.cell
                    and self.texts[k]
                    and self.texts[k] == self.texts[k].upper()
                ),
                None,
            )
        if auth is not None:
            self._authority(auth)
        if head is not None:
            self._noi_nhan(head, kg is not None)

    def _authority(self, auth: int) -> None:
        lines = [auth]
        for j in self.next_in_cell(auth):
            t = self.texts[j]
            if not t:
                break
            if t != t.upper():
                break
            lines.append(j)
        for k in lines:
            p = self.paragraphs[k]
            m = re.match(r"^(TM|KT|TL|TUQ|Q)\.(\S)", self.texts[k])
            if m:
                self.add(
                    "authority.format",
                    "error",
                    "quyền hạn, chức vụ",
                    f'write a space after "{m.group(1)}."',
                    found=self.texts[k][:20],
                    expected=f"{m.group(1)}. {self.texts[k][len(m.group(1)) + 1 :][:16]}",
                    where=p,
                )
            if not _all(p, "bold") or not _caps(p):
                self.add(
                    "authority.format",
                    "error",
                    "quyền hạn, chức vụ",
                    "must be bold capitals",
                    found="not bold" if not _all(p, "bold") else "not capitals",
                    expected="bold capitals",
                    where=p,
                )
            self.size_range(p, "authority.format", "quyền hạn, chức vụ", 13, 14)
        rest = [j for j in self.next_in_cell(lines[-1]) if self.texts[j]]
        if self.paragraphs[auth].in_table:
            names = rest[-1:] if rest else []
        else:
            names = [j for j in rest if self.texts[j] != self.texts[j].upper()][:1]
        for j in names:
            p = self.paragraphs[j]
            self.require(p, "bold", "signer.format", "họ tên người ký", "the signer's name is bold")
            self.size_range(p, "signer.format", "họ tên người ký", 13, 14)

    def _noi_nhan(self, head: int, cong_van: bool) -> None:
        p = self.paragraphs[head]
        t = self.texts[head]
        if not re.match(r"^Nơi\s+nhận\s*:", t):
            self.add(
                "noi_nhan.heading",
                "error",
                "Nơi nhận",
                'write a colon after "Nơi nhận"',
                found=t[:20],
                expected="Nơi nhận:",
                where=p,
            )
        if not (_all(p, "bold") and _all(p, "italic")):
            self.add(
                "noi_nhan.heading",
                "error",
                "Nơi nhận",
                '"Nơi nhận:" is bold italic',
                found=("bold" if _all(p, "bold") else "not bold")
                + ", "
                + ("italic" if _all(p, "italic") else "upright"),
                expected="bold italic",
                where=p,
            )
        self.size_range(p, "noi_nhan.heading", "Nơi nhận", 12, 12)
        items = [j for j in self.next_in_cell(head) if self.texts[j]]
        if not p.in_table:
            kept = []
            for j in items:
                if not re.match(r"^[-–+•]", self.texts[j]):
                    break
                kept.append(j)
            items = kept
        if not items:
            return
        self._dash_list(items, "noi_nhan.list", "Nơi nhận", "line")
        for j in items:
            if not self.size_range(self.paragraphs[j], "noi_nhan.list", "Nơi nhận", 11, 11):
                break
        last_text = self.texts[items[-1]]
        if re.match(r"^-?\s*Lưu\b", last_text):
            if not re.match(r"^-?\s*Lưu\s*:", last_text):
                self.add(
                    "noi_nhan.list",
                    "error",
                    "Nơi nhận",
                    '"Lưu" is followed by a colon',
                    found=last_text[:12],
                    expected=re.sub(r"^(-?\s*Lưu)\s*", r"\1: ", last_text)[:14],
                    where=self.paragraphs[items[-1]],
                )
        else:
            self.add(
                "noi_nhan.list",
                "error",
                "Nơi nhận",
                'the last line is "- Lưu: VT, <đơn vị soạn thảo>."',
                found=last_text[:20],
                expected="- Lưu: VT, ...",
                where=self.paragraphs[items[-1]],
            )
        if cong_van and not re.match(r"^-\s*Như\s+trên\s*;", self.texts[items[0]]):
            self.add(
                "noi_nhan.nhu_tren",
                "warning",
                "Nơi nhận",
                'a công văn lists "- Như trên;" first',
                found=self.texts[items[0]][:20],
                expected="- Như trên;",
                where=self.paragraphs[items[0]],
            )

    def _has_page(self, part: str | None) -> bool:
        """Whether the part holds a PAGE field (complex or simple), read from its parsed XML,
        so that a header in UTF-16 or another encoding is read like one in UTF-8."""
        if not part or part not in self.docx.parts:
            return False
        for el in self.docx.tree(part).iter(f"{_W}instrText", f"{_W}fldSimple"):
            code = el.text if el.tag == f"{_W}instrText" else el.get(f"{_W}instr")
            if code and _PAGE_FIELD.match(code):
                return True
        return False

    def page_numbers(self) -> None:
        sections = self.docx.sections()
        if not sections:
            return
        rel = self.docx.part_for_rel
        headers = {t: rel(r) for s in sections for t, r in s.header_refs.items()}
        footers = {t: rel(r) for s in sections for t, r in s.footer_refs.items()}
        in_header = any(self._has_page(part) for part in headers.values())
        in_footer = any(self._has_page(part) for part in footers.values())
        long_letter = sum(len(t) for t in self.texts) > 2500 or len(sections) > 1
        if in_footer and not in_header:
            self.add(
                "page_number.place",
                "error",
                "page numbers",
                "page numbers stand centred at the top, in the header",
                found="in the footer",
                expected="in the header",
            )
        elif not in_header and long_letter:
            self.add(
                "page_number.missing",
                "error",
                "page numbers",
                "pages are numbered from page 2, in the header",
                found="no page numbers",
                expected="a PAGE field in the header",
            )
        first = sections[0]
        default = rel(first.header_refs.get("default", "")) if first.header_refs.get("default") else None
        first_header = rel(first.header_refs["first"]) if first.header_refs.get("first") else None
        shows_on_one = (self._has_page(default) and not first.title_page) or (
            first.title_page and self._has_page(first_header)
        )
        if shows_on_one:
            self.add(
                "page_number.first_page",
                "error",
                "page numbers",
                "page 1 shows no number",
                found="a number on page 1",
                expected="no number on page 1 (different first page)",
            )
        for part in {p for p in headers.values() if self._has_page(p)}:
            assert part is not None
            for q in self.docx.paragraphs(part):
                if q.props.jc != "center" and (q.text.strip().isdigit() or not q.text.strip()):
                    self.add(
                        "page_number.place",
                        "error",
                        "page numbers",
                        "the page number is centred",
                        found=q.props.jc or "left",
                        expected="centred",
                    )
                    break

    def appendices(self) -> None:
        heads = [
            k for k, t in enumerate(self.texts) if _APPENDIX.match(t) and not self.paragraphs[k].in_table
        ]
        numbers = [m.group("n") for k in heads if (m := _APPENDIX.match(self.texts[k]))]
        if len(heads) >= 2 and any(n and n.isdigit() for n in numbers):
            self.add(
                "appendix.numbering",
                "error",
                "Phụ lục",
                "two or more phụ lục are numbered with Roman numerals",
                found=", ".join(self.texts[k] for k in heads),
                expected=", ".join(f"Phụ lục {r}" for r in ("I", "II", "III")[: len(heads)]),
            )
        for k in heads:
            p = self.paragraphs[k]
            if not self._starts_page(k):
                self.add(
                    "appendix.new_page",
                    "error",
                    "Phụ lục",
                    "each phụ lục starts on a new page",
                    found="on the same page as the text before",
                    expected="a page or section break before it",
                    where=p,
                )
            self.require(p, "bold", "appendix.format", "Phụ lục", '"Phụ lục" is bold', expected="bold 14 pt")
            self.size_range(p, "appendix.format", "Phụ lục", 14, 14)
            following = [j for j in range(k + 1, min(k + 6, len(self.paragraphs))) if self.texts[j]]
            if following:
                title = self.paragraphs[following[0]]
                if not self.texts[following[0]].startswith("(") and not (
                    _all(title, "bold") and _caps(title)
                ):
                    self.add(
                        "appendix.format",
                        "error",
                        "tên phụ lục",
                        "the phụ lục's title is bold capitals",
                        found=_short(title.text, 30),
                        expected="bold capitals",
                        where=title,
                    )
            kem = next((j for j in following if self.texts[j].startswith("(Kèm theo")), None)
            if kem is not None and not _all(self.paragraphs[kem], "italic"):
                self.add(
                    "appendix.format",
                    "error",
                    "Phụ lục",
                    'the "(Kèm theo ...)" line is italic',
                    found="upright",
                    expected="italic",
                    where=self.paragraphs[kem],
                )

    def _starts_page(self, k: int) -> bool:
        p = self.paragraphs[k]
        if p.page_break_before:
            return True
        for j in range(k - 1, -1, -1):
            q = self.paragraphs[j]
            if q.section_break:
                return not q.section_continuous
            if q.page_break_after or q.page_break_before:
                # an empty paragraph holding a page break (or starting a page): what follows,
                # with nothing but empty paragraphs between, is on a new page
                return True
            if q.text.strip() or q.in_table:
                return False
        return True  # the first thing in the document


def check_docx(source: Path | str | bytes | Docx, *, name: str | None = None) -> list[Finding]:
    """Every departure from ND 30 that can be read from the file; a file that cannot be read
    as a letter (damaged, not a .docx, a zip bomb) is an ArchiveError naming it (`name`, or
    the path) and the part."""
    docx = source if isinstance(source, Docx) else Docx(source, name=name)
    return _Check(docx).run()


def check_file(path: Path) -> list[Finding]:
    """check_docx for a file a user names: a missing or broken file is a WfhDocError."""
    from ..errors import InputError, Problem

    if path.exists() and not path.is_dir() and not path.is_file():
        # a device such as /dev/zero or a pipe: zipfile would read it without end
        raise InputError(
            str(path), [Problem("", "not a regular file (a device or a pipe)", "give .docx files")]
        )
    try:
        return check_docx(path)
    except FileNotFoundError:
        raise InputError(
            str(path), [Problem("", "file not found", "check the path and the file name")]
        ) from None
    except IsADirectoryError:
        raise InputError(str(path), [Problem("", "this is a folder", "give .docx files")]) from None
    except OSError as exc:
        raise InputError(
            str(path),
            [Problem("", f"the file cannot be read ({exc.strerror or exc})", "check that you may read it")],
        ) from None


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


# --- templates ---------------------------------------------------------------------------------

# What the renderer gives a template (render.context), and the attributes of each.
CONTEXT: dict[str, set[str]] = {
    "issuer": {"parent", "name", "contact"},
    "issuer_rule": set(),
    "number_symbol": set(),
    "date_line": set(),
    "subject": set(),
    "urgency_box": set(),
    "recipients": set(),
    "body": set(),
    "cc_lines": set(),
    "signer": {"lines", "other_title", "name"},
    "appendices": set(),
    "signature_space": set(),
}
# Without these the letter would lose the data they carry.
REQUIRED_VARIABLES = {
    "issuer.name",
    "number_symbol",
    "date_line",
    "subject",
    "recipients",
    "body",
    "cc_lines",
    "signer.lines",
    "signer.name",
    "appendices",
}


def check_template(path: Path | str) -> list[Finding]:
    """A template's variables against the data model, tags Word split or broke, and what the
    template sandbox would refuse."""
    from jinja2 import TemplateError as JinjaTemplateError

    from ..errors import ArchiveError
    from ..files.safezip import Archive
    from ..render.sandbox import LetterSandbox, unsafe_accesses
    from ..render.template import _RENDERED_PART, _patch, broken_tags, numbered_source, paragraph_at

    def file_error(found: str, message: str = "not a .docx file") -> list[Finding]:
        return [
            Finding(
                "template.file",
                "error",
                "template",
                found=found,
                expected="a .docx template",
                message=message,
            )
        ]

    findings: list[Finding] = []
    used: dict[str, str] = {}  # variable -> the paragraph it is first used in
    parts: dict[str, str] = {}
    try:
        with Archive(path, what=str(path)) as archive:
            for name in archive.names():
                if not _RENDERED_PART.match(name):
                    continue
                data = archive.read(name)
                try:
                    parts[name] = data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    findings.append(
                        Finding(
                            "template.encoding",
                            "error",
                            name,
                            found=f"byte {exc.start}: {data[exc.start : exc.start + 4]!r}",
                            expected="UTF-8 text",
                            message="the part is not UTF-8 text; open the template in Word or "
                            "LibreOffice and save it again as .docx",
                        )
                    )
    except FileNotFoundError:
        return file_error(str(path), "template not found")
    except IsADirectoryError:
        return file_error(str(path), "this is a folder, not a .docx template")
    except ArchiveError as exc:
        return file_error(exc.reason)
    except OSError as exc:
        return file_error(str(exc))
    env = LetterSandbox()
    for name, xml in sorted(parts.items()):
        for text in broken_tags(xml):
            findings.append(
                Finding(
                    "template.broken_tag",
                    "error",
                    name,
                    found=_short(text),
                    expected="{{ name }} or {%p ... %} whole in one paragraph",
                    message="a tag does not close in its paragraph",
                    where=_short(text),
                )
            )
        for m in re.finditer(r"<w:p[ >].*?</w:p>", xml, re.DOTALL):
            para = m.group()
            texts = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", para)
            joined = "".join(texts)
            for tag in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", joined):
                if not any(tag in t for t in texts):
                    findings.append(
                        Finding(
                            "template.split_tag",
                            "warning",
                            name,
                            found=tag,
                            expected=tag,
                            where=_short(joined),
                            message="Word split this tag across runs (spell-check or formatting marks); "
                            "wfhdoc joins it, but retyping it in one go keeps the template clean",
                        )
                    )
        source = numbered_source(_patch(xml))
        try:
            ast = env.parse(source)
        except JinjaTemplateError as exc:
            findings.append(
                Finding(
                    "template.syntax",
                    "error",
                    name,
                    found=str(exc),
                    expected="valid docxtpl/Jinja tags",
                    message=f"template syntax error: {exc}",
                    where=_where_in(source, getattr(exc, "lineno", None), paragraph_at),
                )
            )
            continue
        for line, attr in unsafe_accesses(ast):
            findings.append(
                Finding(
                    "template.unsafe",
                    "error",
                    name,
                    found=attr,
                    expected="the fields the README lists",
                    message=f"the tag reaches for {attr!r}, one of Python's internals (names starting "
                    "with '_', mro, frames and code); the template sandbox refuses it and the "
                    "letter would not be built: remove it",
                    where=_where_in(source, line, paragraph_at),
                )
            )
        uses: list[tuple[str, int]] = []
        _template_names(ast, frozenset(_part_bound(ast)), uses)
        for var, line in uses:
            used.setdefault(var, _where_in(source, line, paragraph_at))
    for var, where in sorted(used.items()):
        top, _, attr = var.partition(".")
        if top in _TEMPLATE_GLOBALS:
            continue
        if top not in CONTEXT or (attr and attr not in CONTEXT[top]):
            near = [k for k in CONTEXT] + [f"{k}.{a}" for k, attrs in CONTEXT.items() for a in attrs]
            import difflib

            close = difflib.get_close_matches(var, near, n=1)
            findings.append(
                Finding(
                    "template.unknown_variable",
                    "error",
                    "template",
                    found=var,
                    expected=close[0] if close else "a variable the README lists",
                    message=f"{var} is not something wfhdoc provides"
                    + (f"; did you mean {close[0]}?" if close else ""),
                    where=where,
                )
            )
    for var in sorted(REQUIRED_VARIABLES):
        top = var.split(".")[0]
        if var not in used and not (top in used and "." not in var):
            findings.append(
                Finding(
                    "template.unused_variable",
                    "error",
                    "template",
                    found="not used",
                    expected=var,
                    message=f"the template never uses {var}: the letters would lose that data",
                )
            )
    return findings


# Names every template sees besides CONTEXT: the sandbox's globals.
_TEMPLATE_GLOBALS = {"range", "lipsum", "dict", "cycler", "joiner", "namespace"}


def _where_in(source: str, line: int | None, paragraph_at: Any) -> str:
    shown: str = paragraph_at(source, line)
    return _short(shown.removeprefix(", in the paragraph '").removesuffix("'")) if shown else ""


def _stored(target: Any) -> set[str]:
    from jinja2 import nodes

    if isinstance(target, nodes.Name):
        return {target.name}
    return {n.name for n in target.find_all(nodes.Name)}


def _part_bound(ast: Any) -> set[str]:
    """Names a part defines for all its tags: {% set %}, macros, imports."""
    from jinja2 import nodes

    bound: set[str] = set()
    for node in ast.find_all((nodes.Assign, nodes.AssignBlock)):
        bound |= _stored(node.target)
    for macro in ast.find_all(nodes.Macro):
        bound.add(macro.name)
    for imp in ast.find_all(nodes.Import):
        bound.add(imp.target)
    for from_imp in ast.find_all(nodes.FromImport):
        bound |= {n if isinstance(n, str) else n[1] for n in from_imp.names}
    return bound


def _template_names(node: Any, bound: frozenset[str], uses: list[tuple[str, int]]) -> None:
    """The variables a part reads from what wfhdoc gives it, with their lines: `x` and `x.attr`,
    a loop's own variables (and `loop`) known inside the loop only, a macro's arguments inside
    the macro."""
    from jinja2 import nodes

    def walk_all(children: Iterable[Any], names: frozenset[str]) -> None:
        for child in children:
            _template_names(child, names, uses)

    if isinstance(node, nodes.For):
        _template_names(node.iter, bound, uses)
        inner = bound | _stored(node.target) | {"loop"}
        walk_all([*node.body, *([node.test] if node.test else [])], inner)
        walk_all(node.else_, bound)
    elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
        if isinstance(node, nodes.CallBlock):
            _template_names(node.call, bound, uses)
        walk_all(node.defaults, bound)
        inner = bound | {a.name for a in node.args} | {"varargs", "kwargs", "caller"}
        walk_all(node.body, inner)
    elif isinstance(node, nodes.With):
        walk_all(node.values, bound)
        walk_all(node.body, bound | {n for t in node.targets for n in _stored(t)})
    elif (
        isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name not in bound
    ):
        if node.node.ctx == "load":
            uses.append((node.node.name, node.lineno))
            uses.append((f"{node.node.name}.{node.attr}", node.lineno))
    elif isinstance(node, nodes.Name):
        if node.ctx == "load" and node.name not in bound:
            uses.append((node.name, node.lineno))
    else:
        walk_all(node.iter_child_nodes(), bound)


__all__ = ["Finding", "check_docx", "check_template", "errors", "RunProps"]
