"""The template contract: what a template is given (`context`), the variables and attributes that
makes, the ones a template must use, the styles it must define, the parts rendered, and the tag
clean-up and checks of docxtpl tags; the one statement of it that rendering and
`wfhdoc check --template` both use.

For the checker: `VARIABLES` (each variable with its attributes, as `context` builds them: a test
renders the reference letter's context and compares), `REQUIRED_VARIABLES`, `TEMPLATE_GLOBALS`,
`RENDERED_PART`, `patch`, `broken_tags`, `numbered_source`, `paragraph_at`, `missing_styles`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docxtpl import DocxTemplate
from lxml import etree
from markupsafe import Markup

from ..i18n import _
from ..letter import typed, vn
from ..letter.layout import agency_rule_indent
from ..letter.model import Letter
from . import builders, copying, kinds, pictures, sandbox

if TYPE_CHECKING:
    from .assemble import SetAside

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"

# the parts a template's tags may stand in; any other part is copied as it is
RENDERED_PART = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
HAS_TAG = re.compile(rb"\{[{%#]")

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

# What `context` gives a template: each variable with its attributes (tests/test_template.py
# builds the reference letter's context and compares).
VARIABLES: dict[str, frozenset[str]] = {
    "issuer": frozenset({"parent", "name", "contact"}),
    "issuer_rule": frozenset(),
    "number_symbol": frozenset(),
    "date_line": frozenset(),
    "subject": frozenset(),
    "urgency_box": frozenset(),
    "recipients": frozenset(),
    "body": frozenset(),
    "cc_lines": frozenset(),
    "signer": frozenset({"lines", "other_title", "name"}),
    "appendices": frozenset(),
    "signature_space": frozenset(),
    # the kinds other than the công văn (letter.types): which parts of the form to show, the
    # tên loại and what follows it, a biên bản's thư ký
    "doc": frozenset({"id", "mau", "name", "cong_van", "kinh_gui", "minutes"}),
    "title_block": frozenset(),
    "secretary": frozenset({"title", "name"}),
    # a bản sao (Mẫu 3.1): the block under the letter; every value "" when it is no copy
    "copy": copying.ATTRIBUTES,
}
# A template making the other kinds uses these too, and defines kinds.KIND_STYLES; one that does
# not makes công văn only, and is told so when asked for another kind.
KIND_VARIABLES = frozenset({"doc.cong_van", "doc.kinh_gui", "doc.minutes", "title_block"})
# Without these the letter would lose the data they carry.
REQUIRED_VARIABLES = frozenset(
    {
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
)
# Names every template sees besides VARIABLES: the sandbox's globals (range, dict, ...).
TEMPLATE_GLOBALS = frozenset(sandbox.LetterSandbox().globals)


# --- the context ---------------------------------------------------------------------------


def _numbered(items: list[str], last: str = ".") -> list[str]:
    return [f"{item}{';' if i < len(items) - 1 else last}" for i, item in enumerate(items)]


def _first_cc(letter: Letter) -> list[str]:
    """What Nơi nhận opens with: "Như trên" where the recipients were named above (a công văn,
    a báo cáo to a superior, a công điện, a giấy giới thiệu), "Như Điều N" in a quyết định or
    nghị quyết, N its last article, which says who carries it out (Mẫu 1.1-1.3)."""
    kind = letter.kind
    if kind.layout == "decision":
        last = typed.last_article(letter.body)
        given = bool(letter.cc) and letter.cc[0].startswith("Như Điều")
        return [] if last is None or given else [f"Như Điều {last}"]
    if kind.layout == "cong-van" or kind.id == "giay-gioi-thieu":
        return ["Như trên"]
    return ["Như trên"] if letter.recipients and kind.layout != "minutes" else []


def _archive_unit(letter: Letter) -> str:
    if letter.archive and letter.archive.unit:
        return letter.archive.unit
    # Mẫu 1.9: "Lưu: VT, Hồ sơ."; Mẫu 1.8: "Lưu: VT."
    return {"bien-ban": "Hồ sơ", "giay-gioi-thieu": ""}.get(letter.doc_type, letter.issuer.unit)


def cc_lines(letter: Letter) -> list[str]:
    """Nơi nhận lines after their dash: "Như trên;", the user's names, "Lưu: VT, <unit>."."""
    archive_unit = _archive_unit(letter)
    keep = f"Lưu: VT, {archive_unit}" if archive_unit else "Lưu: VT"
    if letter.archive and letter.archive.copies:
        keep += f" ({letter.archive.copies})"
    if letter.drafter:
        # ô 12 after the Lưu line: "PL.(300)", or just "PL" before the line's final "."
        copies = f".({letter.drafter.copies})" if letter.drafter.copies else ""
        keep += f". {letter.drafter.initials}{copies}"
    names = [*_first_cc(letter), *letter.cc]
    return [f"{n};" for n in names] + [f"{keep}."]


def recipient_lines(letter: Letter) -> list[str]:
    """Kính gửi: one recipient on the "Kính gửi:" line; several as "- X;" lines, the last "."."""
    if len(letter.recipients) == 1:
        return list(letter.recipients)
    return _numbered(list(letter.recipients))


def date_line(letter: Letter) -> str:
    """Ô 4, "<địa danh>, ngày ... tháng ... năm ..."; a biên bản has none (Mẫu 1.9: its time and
    place are in its content)."""
    if letter.kind.layout == "minutes":
        return ""
    return vn.format_date_line(letter.issuer.place, letter.date)


@dataclass(frozen=True)
class LetterContext:
    """What the template's tags see (`values`, every value already escaped), the sectPr the
    document must end with, and the set-aside blocks the values' markers stand for."""

    values: dict[str, Any]
    final_sect: str
    aside: SetAside | None = None
    media: pictures.Media | None = None  # the pictures of the image blocks, in the order drawn


def _kept(xml: str) -> str:
    return xml


def context(
    letter: Letter, letter_sect: str, *, signature_line: bool = False, aside: SetAside | None = None
) -> LetterContext:
    """What the template's tags see, and the final sectPr. With `aside` (an
    assemble.SetAside), the body and each phụ lục's content are set aside there and the
    context holds markers for them; the same `aside` comes back in the result."""
    f = builders.field_text
    keep = aside.keep if aside is not None else _kept
    attached = kinds.attachment_page if letter.attachment else None
    lead = kinds.confirmation_block(letter)
    issuer = letter.issuer
    kind = letter.kind
    width = builders.text_width(letter_sect)
    decision = kind.layout == "decision"
    media = pictures.Media()
    body = builders.blocks(list(letter.body), width, keep_last=True, articles=decision, media=media)
    appendices, final_sect = builders.appendices(letter, letter_sect, keep, attached, lead, media)
    kinh_gui = bool(letter.recipients) and kind.layout in ("cong-van", "named")
    secretary = letter.secretary
    values = {
        "issuer": {
            "parent": f(issuer.parent) if issuer.parent else "",
            "name": f(issuer.name),
            "contact": f(issuer.contact) if issuer.contact else "",
        },
        "issuer_rule": Markup(builders.rule(agency_rule_indent(issuer.name.split("\n")))),
        "number_symbol": f(vn.format_number_reference(letter.number, letter.symbol)),
        "date_line": f(date_line(letter)),
        "subject": f(letter.subject),
        "urgency_box": Markup(builders.urgency_box(letter)),
        "recipients": [f(r) for r in recipient_lines(letter)],
        "body": Markup(keep(body)),
        "cc_lines": [f(line) for line in cc_lines(letter)],
        "signer": {
            "lines": [f(line) for line in letter.signer.authority_lines()],
            "other_title": f(letter.signer.other_title) if letter.signer.other_title else "",
            "name": f(letter.signer.name),
        },
        "appendices": Markup(appendices),
        "signature_space": Markup(builders.signature_space(letter, signature_line)),
        "doc": {
            "id": kind.id,
            "mau": kind.mau,
            "name": kind.name,
            "cong_van": not kind.name,
            "kinh_gui": kinh_gui,
            "minutes": kind.layout == "minutes",
        },
        "title_block": Markup(kinds.title_block(letter, width)),
        "secretary": {
            "title": f(secretary.title) if secretary else "",
            "name": f(secretary.name) if secretary else "",
        },
        "copy": copying.values(letter),
    }
    return LetterContext(values, final_sect, aside, media if media.pictures else None)


# --- the template's tags -------------------------------------------------------------------


def patch(xml: str) -> str:
    """docxtpl's own clean-up of tags split by Word, and of its {%p %}/{{p }} paragraph tags;
    it uses no instance state, so it serves a compile-once template as it is."""
    patched: str = DocxTemplate.patch_xml(None, xml)
    return patched


_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def _closes(text: str) -> bool:
    for opener, closer in (("{{", "}}"), ("{%", "%}"), ("{#", "#}")):
        pos = 0
        while True:
            start = text.find(opener, pos)
            if start < 0:
                break
            end = text.find(closer, start + 2)
            if end < 0:
                return False
            pos = end + 2
    return text.count("}}") <= text.count("{{") and text.count("%}") <= text.count("{%")


def broken_tags(xml: str) -> list[str]:
    """Paragraphs whose tags do not close within the paragraph, as the clerk sees them.

    docxtpl's clean-up would join an unclosed tag with whatever closes later in the
    document, silently swallowing the text between; we refuse such a template instead.
    """
    bad = []
    for m in _PARAGRAPH.finditer(xml):
        text = "".join(_TEXT.findall(m.group(0)))
        if not _closes(text):
            bad.append(text)
    return bad


JINJA_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
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
    for m in JINJA_TAG.finditer(xml):
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


def paragraph_text(source: str, line: int | None) -> str:
    """The text of the paragraph on `line` of numbered_source, as the clerk sees it ("" if none)."""
    if not line:
        return ""
    lines = source.split("\n")
    if not 0 < line <= len(lines):
        return ""
    text = lines[line - 1].removeprefix("#}").removesuffix("{#")
    return re.sub(r"<[^>]+>", "", text).strip()[:120]


def paragraph_at(source: str, line: int | None) -> str:
    """ ", in the paragraph '...'" for a line of numbered_source, as the clerk sees it."""
    shown = paragraph_text(source, line)
    return _(", in the paragraph '{text}'").format(text=shown) if shown else ""


_BODY_END = re.compile(r"</w:sectPr>\s*</w:body>")


def final_sect_span(xml: str) -> tuple[int, int] | None:
    """Where the body's own sectPr (the last section's properties) stands in `xml`."""
    end = _BODY_END.search(xml)
    start = xml.rfind("<w:sectPr", 0, end.start()) if end else -1
    if not end or start < 0:
        return None
    return start, end.start() + len("</w:sectPr>")


def missing_styles(styles: bytes | None, required: tuple[str, ...] = REQUIRED_STYLES) -> list[str]:
    """The `required` styles (REQUIRED_STYLES; KIND_STYLES for the kinds other than the công văn)
    that word/styles.xml does not define; etree.XMLSyntaxError if the part is not well-formed."""
    found: set[str] = set()
    if styles:
        root = etree.fromstring(styles)
        found = {s.get(f"{_W}styleId") or "" for s in root.iter(f"{_W}style")}
    return [s for s in required if s not in found]


KIND_STYLES = kinds.KIND_STYLES
