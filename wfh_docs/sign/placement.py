"""Where a signature, a seal or a stamp goes on the letter (Phụ lục I II.7.d, II.8.a, II.8.b):
the signature block found from the PDF's own text, the signer's image fitted into it, the seal
over the left third of it, the agency's text beside the seal, the appendix stamp top right."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import _
from ..letter.vn import iso_vn_time
from .base import FIELD_NAMES, MM, Box, Widget, bad
from .fonts import Text, find_font, font_1000, measure
from .images import Picture, downsample, seal_size
from .pdftext import Line, Page, norm, read_lines
from .requests import SignRequest

_PAD = 2.0  # points kept free between an image and the text around it


@dataclass(frozen=True)
class Block:
    """ô 7 of a letter: the authority and title lines, the room for the signature, the name."""

    page: Page
    titles: tuple[Line, ...]
    name: Line
    gap: Box  # the free room between the last title line and the name


def _same_column(a: Line, b: Line) -> bool:
    overlap = min(a.box.x1, b.box.x1) - max(a.box.x0, b.box.x0)
    return overlap > 0.3 * min(a.box.width, b.box.width) or abs(a.box.cx - b.box.cx) < 20


def _looks_like_name(line: Line) -> bool:
    words = line.text.split()
    if not 2 <= len(words) <= 7 or line.upper:
        return False
    if any(ch.isdigit() for ch in line.text) or any(ch in ":;,/()" for ch in line.text):
        return False
    return all(w[0].isupper() for w in words if w[0].isalpha())


def _blocks(page: Page, name_hint: str | None) -> list[Block]:
    found = []
    for name in page.lines:
        hinted = name_hint is not None and norm(name.text) == norm(name_hint)
        if not hinted and not _looks_like_name(name):
            continue
        above = [
            line
            for line in page.lines
            if line is not name
            and line.baseline > name.baseline + 0.5 * name.size
            and _same_column(line, name)
        ]
        if not above:
            continue
        title = min(above, key=lambda line: line.baseline)
        name_top = max(name.box.y1, name.baseline + 0.95 * name.size)  # over the diacritics
        title_bottom = title.baseline - 0.22 * title.size  # under the descenders
        # ND 30 leaves several empty lines for the signature: a normal line spacing is no block
        if not title.upper or title_bottom - name_top < 1.5 * name.size:
            continue
        titles = [title]
        while True:
            higher = [
                line
                for line in page.lines
                if line.upper
                and _same_column(line, titles[-1])
                and 0 < line.baseline - titles[-1].baseline < 2.2 * titles[-1].size
            ]
            if not higher:
                break
            titles.append(min(higher, key=lambda line: line.baseline))
        gap = Box(min(title.box.x0, name.box.x0), name_top, max(title.box.x1, name.box.x1), title_bottom)
        found.append(Block(page, tuple(reversed(titles)), name, gap))
    # reading order: the lowest block last
    found.sort(key=lambda b: (-b.name.baseline, b.name.box.x0))
    return found


def find_block(pages: list[Page], name_hint: str | None) -> Block | None:
    """The signature block on the last page holding one; a block with the signer's own name
    (the certificate's CN) wins over one that only looks like a block."""
    if name_hint:
        for page in reversed(pages):
            hinted = [b for b in _blocks(page, name_hint) if norm(b.name.text) == norm(name_hint)]
            if hinted:
                return hinted[-1]
    for page in reversed(pages):
        blocks = _blocks(page, None)
        if blocks:
            return blocks[-1]
    return None


def _find_block_from_end(doc: Document, page: int | None, name_hint: str | None) -> Block | None:
    """find_block, reading the pages from the last one back and stopping at the first with a
    block: a letter's signature is on its last pages, and reading a page takes pdfminer 0.1 s."""
    if page is not None:
        return find_block([doc.page_text(page - 1)], name_hint)
    indices = list(range(doc.pages - 1, -1, -1))
    if name_hint:
        for index in indices:
            hinted = [
                b for b in _blocks(doc.page_text(index), name_hint) if norm(b.name.text) == norm(name_hint)
            ]
            if hinted:
                return hinted[-1]
    return find_block(doc.all_text(), None)


def fit_signature(block: Block, aspect: float) -> Box:
    """The signer's image box: centred on the name, in the gap, as large as the gap allows."""
    page = block.page
    gap = Box(block.gap.x0, block.gap.y0 + _PAD, block.gap.x1, block.gap.y1 - _PAD)
    cx = block.name.box.cx
    # how wide it may grow: up to the text beside the gap (the "Nơi nhận" column) or the margin
    left, right = page.box.x0 + 10 * MM, page.box.x1 - 10 * MM
    for line in page.lines:
        if line.box.y1 <= gap.y0 or line.box.y0 >= gap.y1:
            continue
        if line.box.x1 <= cx:
            left = max(left, line.box.x1 + 4)
        elif line.box.x0 >= cx:
            right = min(right, line.box.x0 - 4)
    half = max(10.0, min(cx - left, right - cx))
    # a signature as wide as the page looks like no signature: at most half again the block's width
    widest = max(line.box.width for line in (*block.titles, block.name))
    half = min(half, 0.75 * widest)
    height = gap.height
    width = height * aspect
    if width > 2 * half:
        width = 2 * half
        height = width / aspect
    y0 = gap.cy - height / 2
    return Box(cx - width / 2, y0, cx + width / 2, y0 + height)


def unique_name(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    return name


def place_text(text: Text, anchor: Box, page: Page, avoid: Box | None) -> Box:
    """Where the agency's text goes: under the seal or beside it, clear of the letter's text and
    of the signer's signature (`avoid`); the first place that is free, in this order."""
    w, h = text.width + 1, text.height
    below = anchor.y0 - 1 - h
    candidates = [
        Box(anchor.x1 - w, below, anchor.x1, below + h),  # under the seal, ending with it
        Box(anchor.x0, below, anchor.x0 + w, below + h),  # under the seal, starting with it
        Box(anchor.x0 - 3 - w, anchor.y0, anchor.x0 - 3, anchor.y0 + h),  # left of the seal
    ]
    # under the seal, ending with it, but lower: below the text it would hit (the signer's name)
    low = candidates[0]
    for _attempt in range(5):
        hits = [line.box for line in page.lines if low.intersects(line.box)]
        if not hits:
            break
        low = low.shift(0, min(b.y0 for b in hits) - 1 - low.y1)
    candidates.append(low)
    inner = Box(page.box.x0 + 5 * MM, page.box.y0 + 5 * MM, page.box.x1 - 5 * MM, page.box.y1 - 5 * MM)
    obstacles = [line.box for line in page.lines] + ([avoid] if avoid is not None else [])
    for box in candidates:
        if box.inside(inner) and not any(box.intersects(other) for other in obstacles):
            return box
    # no free place: under the seal, kept on the page
    return low.shift(max(0.0, inner.x0 - low.x0), max(0.0, inner.y0 - low.y0))


@dataclass(frozen=True)
class Layout:
    """Where a new signature goes and what it shows."""

    page: int  # 0-based
    widget: Box
    picture: Any
    picture_box: tuple[float, float, float, float] | None  # inside the widget
    image_on_page: Box | None
    text: Text | None
    text_origin: tuple[float, float]
    over: str | None = None  # the signature the seal is meant to cover a third of (agency)
    more: tuple[tuple[Text, tuple[float, float]], ...] = ()  # more text, each at its place


@dataclass(frozen=True)
class Document:
    """The PDF being signed, as placement needs it."""

    data: bytes
    source: Path
    pages: int
    widgets: tuple[Widget, ...]
    # the pages' text read so far, by 0-based index: read once for all the signatures of a run
    text: dict[int, Page] = field(default_factory=dict, compare=False, repr=False)

    def page_text(self, index: int) -> Page:
        """The text of the 0-based page `index`, read once."""
        if index not in self.text:
            (self.text[index],) = read_lines(self.data, self.source, [index])
        return self.text[index]

    def all_text(self) -> list[Page]:
        """The text of every page, read once."""
        missing = [i for i in range(self.pages) if i not in self.text]
        if len(missing) > 1:
            for page in read_lines(self.data, self.source, missing):
                self.text[page.index] = page
        return [self.page_text(i) for i in range(self.pages)]


def plan(
    request: SignRequest, doc: Document, picture: Picture | None, common_name: str, when: dt.datetime
) -> tuple[Layout, list[str]]:
    """Where the signature of `request` goes, and the warnings placing it gave."""
    if request.role == "signer":
        assert picture is not None
        return _signer_layout(request, doc, picture, common_name), []
    font = font_1000(find_font(request.font))
    if request.role == "appendix":
        return _appendix_layout(request, doc, font, when), []
    if request.role == "copy":
        return _copy_layout(request, doc, font, common_name, when), []
    assert picture is not None
    return _agency_layout(request, doc, picture, font, common_name, when)


def _signer_layout(request: SignRequest, doc: Document, picture: Picture, common_name: str) -> Layout:
    aspect = picture.image.width / picture.image.height
    page = request.page
    if request.box is not None:
        index = (page or doc.pages) - 1
        target = request.box
    else:
        block = _find_block_from_end(doc, page, request.signer_name or common_name)
        if block is None:
            raise bad(
                doc.source,
                _("signature block"),
                _(
                    "found no signer's title lines (e.g. 'KT. GIÁM ĐỐC' / 'PHÓ GIÁM ĐỐC') with the name "
                    "under them"
                ),
                _("sign the letter's PDF as wfhdoc made it, or give the page and box"),
            )
        index = block.page.index
        target = fit_signature(block, aspect)
    # keep the image's proportions inside an explicit box too
    w = min(target.width, target.height * aspect)
    h = w / aspect
    image_box = Box(target.cx - w / 2, target.cy - h / 2, target.cx + w / 2, target.cy + h / 2)
    img = downsample(picture.image, image_box)
    return Layout(index, image_box, img, (0, 0, w, h), image_box, None, (0, 0))


def _corner_layout(request: SignRequest, doc: Document, font: Path, lines: list[str]) -> Layout:
    """A stamp of text with no image at the top right of its page (ô 14; page 1 unless asked):
    an appendix in its own file (II.8.b), an electronic bản sao (Phần II, Mục I.3)."""
    text = measure(lines, font)
    index = (request.page or 1) - 1
    widget = request.box if request.box is not None else appendix_box(doc.page_text(index), text)
    return Layout(index, widget, None, None, None, text, (widget.width - text.width - 1, 0))


def _appendix_layout(request: SignRequest, doc: Document, font: Path, when: dt.datetime) -> Layout:
    lines = [f"Số: {request.document_number}", f"Thời gian ký: {iso_vn_time(when)}"]
    return _corner_layout(request, doc, font, lines)


def _copy_layout(
    request: SignRequest, doc: Document, font: Path, common_name: str, when: dt.datetime
) -> Layout:
    """An electronic bản sao: the hình thức sao, the copying agency, the time, TNR 10 upright."""
    name = request.agency_name or common_name
    lines = [request.copy_form or "", name, f"Thời gian ký: {iso_vn_time(when)}"]
    return _corner_layout(request, doc, font, lines)


def signer_widget(widgets: tuple[Widget, ...] | list[Widget]) -> Widget | None:
    """The signer's signature: wfhdoc's own field, else the first visible signature."""
    signed = [w for w in widgets if w.signed and w.visible]
    ours = [w for w in signed if w.name.startswith(FIELD_NAMES["signer"])]
    return (ours or signed)[0] if signed else None


def _agency_layout(
    request: SignRequest, doc: Document, picture: Picture, font: Path, common_name: str, when: dt.datetime
) -> tuple[Layout, list[str]]:
    """The seal over the left third of the signer's signature image, the text beside it."""
    seal_w, seal_h, note = seal_size(picture)
    warnings = [note] if note else []
    name = request.agency_name or common_name
    text = measure([f"Ký bởi: {name}", f"Thời gian ký: {iso_vn_time(when)}"], font)
    under = signer_widget(doc.widgets)
    sig_box: Box | None = None
    if request.box is not None:
        explicit = request.box
        index = (request.page or (under.page + 1 if under else doc.pages)) - 1
        seal = Box(explicit.x0, explicit.y0, explicit.x0 + seal_w, explicit.y0 + seal_h)
        seal = seal.shift(explicit.cx - seal.cx, explicit.cy - seal.cy)
    elif under is None:
        # ND 30 places the seal by the signer's signature; with none there is no right place,
        # and an issued letter needs the competent person's signature first (Điều 5.1)
        raise bad(
            doc.source,
            _("signatures"),
            _("has no visible signature of the signer for the seal to cover"),
            _("sign it as 'signer' first; an attachment in its own file is signed as 'appendix'"),
        )
    else:
        index, sig_box = under.page, under.box
        right = sig_box.x0 + sig_box.width / 3  # "trùm lên khoảng 1/3 ... về bên trái"
        seal = Box(right - seal_w, sig_box.cy - seal_h / 2, right, sig_box.cy + seal_h / 2)
    text_box = place_text(text, seal, doc.page_text(index), sig_box)
    widget = seal.union(text_box)
    layout = Layout(
        index,
        widget,
        downsample(picture.image, seal),
        (seal.x0 - widget.x0, seal.y0 - widget.y0, seal_w, seal_h),
        seal,
        text,
        (text_box.x0 - widget.x0, text_box.y0 - widget.y0),
        under.name if under is not None and request.box is None else None,
    )
    return layout, warnings


def covered(layout: Layout, widgets: tuple[Widget, ...] | list[Widget]) -> list[str]:
    """Warnings for the signatures already on the page that the new one would lie over: a reader
    would see one on top of the other (a second signer's signature placed like the first). The
    seal over a third of the signer's signature is what ND 30 asks: only more than half counts."""
    found = []
    new = layout.widget
    for w in widgets:
        if not w.signed or w.page != layout.page or not new.intersects(w.box):
            continue
        overlap = new.overlap(w.box)
        area = max(1e-6, w.box.width * w.box.height)
        limit = 0.5 if w.name == layout.over else 0.1
        if overlap / max(1e-6, min(area, new.width * new.height)) > limit:
            found.append(
                _(
                    "the new signature on page {page} at {box} covers {share} of the existing signature "
                    "{name} at {other}: one would hide the other; give --page and --box to put it elsewhere"
                ).format(
                    page=layout.page + 1,
                    box=new.as_tuple(),
                    share=f"{overlap / area:.0%}",
                    name=repr(w.name),
                    other=w.box.as_tuple(),
                )
            )
    return found


def appendix_box(page: Page, text: Text) -> Box:
    """Top right of page 1 (II.8.b): right-aligned with the letter's text, above it."""
    rights = [line.box.x1 for line in page.lines if line.box.x1 > page.box.cx]
    right = min(max(rights), page.box.x1 - 10 * MM) if rights else page.box.x1 - 20 * MM
    w, h = text.width + 1, text.height
    for top_margin in (8 * MM, 5 * MM):
        top = page.box.y1 - top_margin
        candidate = Box(right - w, top - h, right, top)
        if not any(candidate.intersects(line.box) for line in page.lines):
            return candidate
    return Box(right - w, page.box.y1 - 8 * MM - h, right, page.box.y1 - 8 * MM)
