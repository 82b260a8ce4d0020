"""What the checks share: the letter read once, the elements found so far, and the findings.

Each part of the checker (page, header, body, signature, appendix) reads the Context and adds
to it; the indexes of the elements it found (the Quốc hiệu, "Số:", "Kính gửi" ...) are kept here
for the parts after it, which look for their own elements from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..i18n import N_, _
from .docx import Docx
from .finding import Finding
from .lines import split_columns
from .props import Paragraph
from .table import rule

TNR = "Times New Roman"
MM = 56.7  # twips per millimetre

DATE = re.compile(
    r"^(?P<place>[^,]*?)(?P<comma>,?)\s*ngày\s*(?P<d>[^\s]*)\s+tháng\s*(?P<m>[^\s]*)\s+năm\s*(?P<y>[^\s]*)\s*$"
)
_DASH = re.compile(r"^[-–+•]")
_RULE_CHARS = set("_‗-–—.…·")


# how the second line of an agency's name broken in two starts (its place, or "VÀ ...")
CONTINUES = re.compile(r"^(?:VÀ|&|TỈNH|THÀNH PHỐ|TP\.|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\b")
# Phụ lục III, Mục I: the names of the document types that have a tên loại (no công văn)
TYPE_NAMES = {
    "NGHỊ QUYẾT", "QUYẾT ĐỊNH", "CHỈ THỊ", "QUY CHẾ", "QUY ĐỊNH", "THÔNG CÁO", "THÔNG BÁO", "HƯỚNG DẪN",
    "CHƯƠNG TRÌNH", "KẾ HOẠCH", "PHƯƠNG ÁN", "ĐỀ ÁN", "DỰ ÁN", "BÁO CÁO", "BIÊN BẢN", "TỜ TRÌNH",
    "HỢP ĐỒNG", "CÔNG ĐIỆN", "BẢN GHI NHỚ", "BẢN THỎA THUẬN", "BẢN THOẢ THUẬN", "GIẤY ỦY QUYỀN",
    "GIẤY UỶ QUYỀN", "GIẤY MỜI", "GIẤY GIỚI THIỆU", "GIẤY NGHỈ PHÉP", "PHIẾU GỬI", "PHIẾU CHUYỂN",
    "PHIẾU BÁO",
}  # fmt: skip


def short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def tail(text: str) -> str:
    """The end of a line, from a word boundary: where its punctuation is."""
    if len(text) <= 40:
        return text
    cut = text[-30:]
    return "…" + cut[cut.find(" ") + 1 :] if " " in cut else "…" + cut


def sizes(p: Paragraph) -> set[float]:
    return {r.size for r in p.run_props() if r.size is not None}


_HEADER_END = re.compile(r"^\s*(Kính\s+gửi|V/v\b)")
_HEADER_LINES = 40


def _header_columns(lines: list[Paragraph]) -> list[Paragraph]:
    """The lines with a header laid out by tabs cut into its two columns (outside tables, up to
    "Kính gửi" or "V/v"), so that each element is found in its column as in a table."""
    out: list[Paragraph] = []
    for k, p in enumerate(lines):
        if k >= _HEADER_LINES or _HEADER_END.match(p.text):
            out.extend(lines[k:])
            break
        out.extend([p] if p.in_table else split_columns(p))
    return out


def is_rule_line(text: str) -> bool:
    """A line typed to draw a rule: underscores (the decree's own files), or dashes or dots."""
    t = text.strip()
    return len(t) >= 3 and set(t) <= _RULE_CHARS


def every(p: Paragraph, attr: str) -> bool:
    """Whether every run of `p` with text is `attr` (bold, italic)."""
    props = p.run_props()
    return bool(props) and all(bool(getattr(r, attr)) for r in props)


def caps(p: Paragraph) -> bool:
    """Whether `p` shows in capitals (typed so, or through w:caps or w:smallCaps): small caps draw
    lower-case letters as capitals a little smaller, which a reader reads as capitals."""
    shown = "".join(r.text.upper() if r.props.caps or r.props.small_caps else r.text for r in p.runs)
    return shown == shown.upper()


def size_text(found: set[float]) -> str:
    return ", ".join(f"{s:g} pt" for s in sorted(found)) or "no size"


def is_dash_line(text: str) -> bool:
    """A line of a list as clerks type it: "- ", or another dash or bullet."""
    return bool(_DASH.match(text))


def finding(
    rule_id: str,
    message: str,
    *,
    found: str = "",
    expected: str = "",
    where: str = "",
    element: str | None = None,
) -> Finding:
    """A finding of the rule: its severity, part and clause from the table, `message` (in the
    language of the run) citing the clause; `element` names the part when the table's name is
    not precise enough (a section of the page, a part of a template)."""
    r = rule(rule_id)
    shown = element if element is not None else r.element_shown()
    return Finding(r.id, r.severity, shown, found, expected, r.cite(message), where, r.clause)


@dataclass
class Context:
    """The letter being checked, its findings, and the elements found (paragraph indexes)."""

    docx: Docx
    findings: list[Finding] = field(default_factory=list)
    quoc_hieu: int | None = None
    tieu_ngu: int | None = None
    number: int | None = None  # the "Số:" line
    recipients: int | None = None  # "Kính gửi", or its last recipient line
    signature: int | None = None  # the first line of the signature block or of "Nơi nhận"
    subject: int | None = None  # the "V/v ..." line of a công văn
    date: int | None = None  # the place and date line
    named_type: bool = False  # the letter has a tên loại (BÁO CÁO, TỜ TRÌNH ...): no công văn
    type_line: int | None = None  # its tên loại line

    def __post_init__(self) -> None:
        # each line of each paragraph: an element typed after Shift+Enter is found on its line
        self.paragraphs = _header_columns(self.docx.lines())
        self.texts = [p.text.strip() for p in self.paragraphs]

    @property
    def cong_van(self) -> bool:
        """Whether the letter reads as a công văn (Mẫu 1.5): it has a "V/v" line, or no tên loại."""
        return self.subject is not None or not self.named_type

    def add(
        self,
        rule_id: str,
        message: str,
        *,
        found: str = "",
        expected: str = "",
        where: Paragraph | str | None = None,
        element: str | None = None,
    ) -> None:
        place = short(where.text) if isinstance(where, Paragraph) else (where or "")
        self.findings.append(
            finding(rule_id, message, found=found, expected=expected, where=place, element=element)
        )

    def find(self, pattern: re.Pattern[str], start: int = 0, stop: int | None = None) -> int | None:
        end = len(self.paragraphs) if stop is None else min(stop, len(self.paragraphs))
        for i in range(start, end):
            if pattern.search(self.texts[i]):
                return i
        return None

    def require(self, p: Paragraph, attr: str, rule_id: str, message: str, expected: str = "") -> bool:
        """A finding unless every run of `p` is `attr` (bold, italic)."""
        if every(p, attr):
            return True
        found = {"bold": "not bold", "italic": "upright"}.get(attr, f"not {attr}")
        self.add(rule_id, message, found=found, expected=expected or attr, where=p)
        return False

    def forbid(self, p: Paragraph, attr: str, rule_id: str, message: str, expected: str = "") -> bool:
        """A finding if a run of `p` with text is `attr` (bold, italic) where the decree asks
        "kiểu chữ đứng" (upright) or does not ask for bold."""
        if not any(bool(getattr(r, attr)) for r in p.run_props()):
            return True
        found = {"bold": "bold", "italic": "italic"}.get(attr, attr)
        default = {"bold": "not bold", "italic": "upright"}.get(attr, f"not {attr}")
        self.add(rule_id, message, found=found, expected=expected or default, where=p)
        return False

    def size_range(self, p: Paragraph, rule_id: str, low: float, high: float) -> bool:
        """A finding unless every run of `p` with a size is `low` to `high` points."""
        bad = {s for s in sizes(p) if not low <= s <= high}
        if not bad:
            return True
        if low == high:
            want = f"{low:g} pt"
            message = _("size {found}, the decree asks {size:g} pt").format(found=size_text(bad), size=low)
        else:
            want = f"{low:g}-{high:g} pt"
            message = _("size {found}, the decree asks {low:g}-{high:g} pt").format(
                found=size_text(bad), low=low, high=high
            )
        self.add(rule_id, message, found=size_text(bad), expected=want, where=p)
        return False

    def next_in_cell(self, i: int) -> list[int]:
        """The paragraphs after i in the same table cell (or, outside tables, up to the next
        table)."""
        p = self.paragraphs[i]
        out = []
        for j in range(i + 1, len(self.paragraphs)):
            q = self.paragraphs[j]
            if p.in_table:
                if (q.table_index, q.row, q.cell) != (p.table_index, p.row, p.cell):
                    break
            elif q.in_table:
                break
            elif None not in (p.column, q.column) and q.column != p.column:
                continue  # the other column of a header laid out with tabs
            out.append(j)
        return out

    def next_in_column(self, i: int) -> list[int]:
        """The lines after i in its table cell and, below it, in the same column of the table's
        next rows (a list a clerk carried over into another row); outside tables, next_in_cell."""
        p = self.paragraphs[i]
        if not p.in_table:
            return self.next_in_cell(i)
        out = []
        for j in range(i + 1, len(self.paragraphs)):
            q = self.paragraphs[j]
            if not q.in_table or q.table_index != p.table_index:
                if q.in_table or q.text.strip():
                    break
                continue  # an empty paragraph of a nested table's end
            if q.cell == p.cell and (q.row or 0) >= (p.row or 0):
                out.append(j)
        return out

    def dash_list(self, items: list[int], rule_id: str, noun: str) -> None:
        """The decree's punctuation of a list (Kính gửi, Nơi nhận): each line starts "- " and
        ends ";", the last one "."; `noun` is what a line is ("recipient" or "line")."""
        start, middle, end_ = _LIST_MESSAGES[noun]
        for n, j in enumerate(items):
            text, q = self.texts[j], self.paragraphs[j]
            last = n == len(items) - 1
            if not text.startswith("- "):
                self.add(
                    rule_id, _(start), found=text[:20], expected="- " + text.lstrip("-–+• ")[:18], where=q
                )
            end = "." if last else ";"
            if not text.endswith(end):
                message = _(end_) if last else _(middle)
                self.add(rule_id, message, found=tail(text), expected=text.rstrip(";.,")[-14:] + end, where=q)


# What dash_list says of a line of each list: its start, a line's end, the last line's end.
_LIST_MESSAGES = {
    "recipient": (
        N_('each recipient starts with "- "'),
        N_("each recipient but the last ends with ';'"),
        N_("the last recipient ends with '.'"),
    ),
    "line": (
        N_('each line starts with "- "'),
        N_("each line but the last ends with ';'"),
        N_("the last line ends with '.'"),
    ),
}
