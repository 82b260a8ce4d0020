"""Each example's first page held against its Mẫu in the decree's own Phụ lục III, and the bản sao
example's copy block against Mẫu 3.1.

The Mẫu are forms (dotted lines and footnote numbers where a letter has words), so pixels cannot
be compared; what a reader checks against the form can: where each element of the thể thức
stands. Both PDFs are read with `pdftotext -bbox-layout` (the decree's Phụ lục III as LibreOffice
prints it, tests/data/nd30-phu-luc-III/Phuluc3.pdf, and the example as LibreOffice prints it), and
for each element present in both the test compares:

- across the page, the centre of the Quốc hiệu, the Tiêu ngữ, the agency's column (the line
  beside the Quốc hiệu), the số line, the place-date line, the tên loại and the signer's title,
  and the left edge of "Nơi nhận:";
- down the page, the Tiêu ngữ, the số, the place-date and the tên loại below the Quốc hiệu, when
  the Mẫu has them on the same page.

Tolerance: the decree's own forms disagree among themselves by up to 7.5 pt (2.6 mm) across the
page (the Quốc hiệu's centre is at 418.3 pt in Mẫu 1.4 and 425.8 pt in Mẫu 1.5), and their header
tables are wider than the page's text (Mẫu 1.4: 3829 + 5670 twips in a text width of 8787; see
nd30-format.md §8), so their right column stands 3-7 mm right of one kept inside the margins, as
wfhdoc's is (measured on the examples: up to 6.9 mm, Mẫu 1.1). An element passes within 8 mm
across and 8 mm down. A title set flush left is 64 mm off (tested below), a header in the wrong
column or a place-date line under the số instead of beside it more.
"""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from helpers import EXAMPLES, ROOT, require_tool, soffice_pdf

from wfh_docs.letter.sources import load_letter
from wfh_docs.render.template import Template

PHU_LUC_III = ROOT / "tests" / "data" / "nd30-phu-luc-III" / "Phuluc3.pdf"
MM = 72 / 25.4
ACROSS = 8 * MM
DOWN = 8 * MM
MIDDLE = 297.6  # the middle of an A4 page, in points

# the tên loại each Mẫu prints in capitals (Mẫu 1.4 stands for every named kind)
MAU_TITLES = {
    "1.1": "NGHỊ QUYẾT",
    "1.2": "QUYẾT ĐỊNH",
    "1.3": "QUYẾT ĐỊNH",
    "1.4": "TÊN LOẠI VĂN BẢN",
    "1.6": "CÔNG ĐIỆN",
    "1.7": "GIẤY MỜI",
    "1.8": "GIẤY GIỚI THIỆU",
    "1.9": "BIÊN BẢN",
    "1.10": "GIẤY NGHỈ PHÉP",
}


@dataclass(frozen=True)
class Line:
    text: str
    page: int
    x0: float
    y0: float
    x1: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


GAP = 5  # points of white between two words that make them two pieces of a printed line: a space
# is 3-4 pt, and an agency name that fills its column ends 5.3 pt before the Quốc hiệu)
COLUMN = 280  # a piece centred left of this is in the left column of a two-column block


def read_lines(pdf: Path, first: int = 1, last: int | None = None) -> list[Line]:
    """The printed pieces of pages first..last in reading order, with their boxes (points): a
    line as pdftotext finds it, cut where its words stand more than GAP apart (pdftotext joins
    the two columns of a header into one line when they come close)."""
    args = [require_tool("pdftotext"), "-bbox-layout", "-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    out = subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>(.*?)</word>')
    lines: list[Line] = []
    for number, page in enumerate(out.split("<page ")[1:], start=first):
        for body in re.findall(r"<line [^>]*>(.*?)</line>", page, re.S):
            piece: list[tuple[float, float, float, str]] = []
            for m in word.finditer(body):
                x0, y0, x1 = float(m.group(1)), float(m.group(2)), float(m.group(3))
                if piece and x0 - piece[-1][2] > GAP:
                    lines.append(_piece(piece, number))
                    piece = []
                piece.append((x0, y0, x1, m.group(4)))
            if piece:
                lines.append(_piece(piece, number))
    return lines


def _piece(words: list[tuple[float, float, float, str]], page: int) -> Line:
    text = unicodedata.normalize("NFC", html.unescape(" ".join(w[3] for w in words)))
    return Line(text, page, words[0][0], min(w[1] for w in words), words[-1][2])


def _row(lines: list[Line], line: Line) -> Line:
    """`line` joined with the pieces beside it in its column: the Mẫu's "Số:", its dots and its
    footnote numbers, or a letter's "ngày", "tháng" and "năm" around blanks left for the văn thư."""
    left = line.centre < COLUMN
    side = [
        other
        for other in lines
        if other.page == line.page and abs(other.y0 - line.y0) < 3 and (other.centre < COLUMN) == left
    ]
    side.sort(key=lambda p: p.x0)
    text = " ".join(p.text for p in side)
    return Line(text, line.page, side[0].x0, line.y0, max(p.x1 for p in side))


def anchors(lines: list[Line], title: str) -> dict[str, Line]:
    """The elements of the thể thức found among `lines`, by name."""
    found: dict[str, Line] = {}

    def first(name: str, test: Callable[[Line], bool]) -> None:
        for line in lines:
            if test(line):
                found[name] = line
                return

    # Mẫu 1.6 spells it "CỘNG HOÀ", the old placing of the tone mark
    first("quoc_hieu", lambda ln: re.match("CỘNG H(ÒA|OÀ) XÃ HỘI CHỦ NGHĨA VIỆT NAM", ln.text) is not None)
    first("tieu_ngu", lambda ln: ln.text.startswith("Độc lập - Tự do - Hạnh phúc"))
    if "quoc_hieu" in found:
        top = found["quoc_hieu"]
        first("issuer", lambda ln: ln.page == top.page and abs(ln.y0 - top.y0) < 3 and ln.centre < COLUMN)
    first("so", lambda ln: ln.text.startswith("Số:") and ln.centre < COLUMN)
    if "so" in found:
        found["so"] = _row(lines, found["so"])
    rows = [_row(lines, ln) for ln in lines if "ngày" in ln.text and ln.centre > COLUMN]
    first("date", lambda ln: any(r.y0 == ln.y0 and re.search(r"ngày .*tháng .*năm", r.text) for r in rows))
    if "date" in found:
        found["date"] = _row(lines, found["date"])
    if title:
        first("title", lambda ln: re.sub(r"[\s\d]+$", "", ln.text) == title)
    first("cc", lambda ln: ln.text.startswith("Nơi nhận:"))
    if title == "BIÊN BẢN":  # two signers side by side, the Nơi nhận under them
        first("signer", lambda ln: ln.text.startswith("CHỦ TỌA"))
        first("secretary", lambda ln: ln.text.startswith("THƯ KÝ") and ln.centre < COLUMN)
    elif "cc" in found:
        left = found["cc"]
        first("signer", lambda ln: ln.page == left.page and abs(ln.y0 - left.y0) < 3 and ln.centre > COLUMN)
    for name in ("issuer", "signer"):
        if name in found:
            found[name] = _row(lines, found[name])
    return found


def mau_lines(mau: str) -> list[Line]:
    """The lines of Mẫu `mau` in Phụ lục III: from its heading "Mẫu 1.x - …" to its "Ghi chú:"."""
    lines = read_lines(PHU_LUC_III)
    start = next(i for i, ln in enumerate(lines) if re.match(rf"Mẫu {re.escape(mau)} -", ln.text))
    end = next(i for i in range(start, len(lines)) if lines[i].text.startswith("Ghi chú:"))
    return lines[start + 1 : end]


SAMPLES = sorted(p.stem for p in EXAMPLES.glob("*.json"))


def _kind(name: str) -> tuple[str, str]:
    """The example's Mẫu, and the tên loại its page prints in capitals ("" for a công văn)."""
    kind = load_letter(EXAMPLES / f"{name}.json").letter.kind
    return kind.mau, (kind.name.upper() if kind.name else "")


@pytest.mark.parametrize("name", SAMPLES)
def test_page_one_stands_as_its_mau(example_pdfs: dict[str, Path], name: str) -> None:
    mau, title = _kind(name)
    form = anchors(mau_lines(mau), MAU_TITLES.get(mau, ""))
    ours_lines = read_lines(example_pdfs[name])
    page_one = [ln for ln in ours_lines if ln.page == 1]
    ours = anchors(page_one, title)
    if "signer" not in ours:  # a long letter: its Nơi nhận and signer are on a later page
        later = anchors(ours_lines, title)
        ours |= {k: later[k] for k in ("cc", "signer") if k in later}
    expected = {"quoc_hieu", "tieu_ngu", "issuer", "so", "cc", "signer"}
    expected |= {"date"} if mau != "1.9" else {"secretary"}  # the biên bản: no place-date line there
    expected |= {"title"} if mau in MAU_TITLES else set()
    assert expected <= form.keys(), f"Mẫu {mau}: {sorted(expected - form.keys())} not found in Phụ lục III"
    assert expected <= ours.keys(), f"{name}: {sorted(expected - ours.keys())} not found on its page"
    off = []
    for key in sorted(expected):
        a, b = form[key], ours[key]
        across = b.x0 - a.x0 if key == "cc" else b.centre - a.centre
        if abs(across) > ACROSS:
            off.append(f"{key} {across / MM:+.1f} mm across ({b.text!r} against the Mẫu's {a.text!r})")
    top_form, top_ours = form["quoc_hieu"], ours["quoc_hieu"]
    for key in sorted(expected & {"tieu_ngu", "so", "date", "title"}):
        a, b = form[key], ours[key]
        if a.page != top_form.page or b.page != top_ours.page:
            continue  # the Mẫu runs over a page break there
        down = (b.y0 - top_ours.y0) - (a.y0 - top_form.y0)
        if abs(down) > DOWN:
            off.append(f"{key} {down / MM:+.1f} mm down ({b.text!r} against the Mẫu's {a.text!r})")
    assert not off, f"{name} (Mẫu {mau}): " + "; ".join(off)


def test_the_comparison_sees_a_title_set_flush_left(tmp_path: Path) -> None:
    """The measure itself: the kế hoạch with its tên loại set flush left, printed by LibreOffice,
    is off its Mẫu; as built, it is not."""
    source = EXAMPLES / "ke-hoach-lam-viec-tai-nha.json"
    built = tmp_path / "dung.docx"
    built.write_bytes(Template().render(load_letter(source).letter).data)
    moved = Document(str(built))
    [title] = [p for p in moved.paragraphs if p.text == "KẾ HOẠCH"]
    title.alignment = WD_ALIGN_PARAGRAPH.LEFT
    moved.save(str(tmp_path / "lech.docx"))
    good, bad = soffice_pdf([built, tmp_path / "lech.docx"], tmp_path)
    form = anchors(mau_lines("1.4"), MAU_TITLES["1.4"])
    for pdf, off in ((good, False), (bad, True)):
        ours = anchors(read_lines(pdf, 1, 1), "KẾ HOẠCH")
        across = ours["title"].centre - form["title"].centre
        assert (abs(across) > ACROSS) is off, f"{pdf.name}: the title {across / MM:+.1f} mm across"


def _copy_block(lines: list[Line], is_form: Callable[[str], bool]) -> dict[str, Line]:
    """The copy block of Mẫu 3.1 (under the copied văn bản): the hình thức sao on the right, the
    copying agency beside it on the left, the copy's số under the agency and its place-date line
    beside the số, then its Nơi nhận and the signer beside it."""
    at = next(i for i, ln in enumerate(lines) if is_form(ln.text))
    form = lines[at]
    after = sorted((ln for ln in lines if ln.page == form.page and ln.y0 > form.y0 - 3), key=lambda ln: ln.y0)
    found = {"form": form}
    found["issuer"] = next(ln for ln in after if abs(ln.y0 - form.y0) < 3 and ln.centre < COLUMN)
    so = next(ln for ln in after if ln.text.startswith("Số:"))
    found["so"] = _row(after, so)
    found["date"] = _row(after, next(ln for ln in after if abs(ln.y0 - so.y0) < 4 and ln.centre > COLUMN))
    found["cc"] = next(ln for ln in after if ln.text.startswith("Nơi nhận:"))
    found["signer"] = _row(
        after, next(ln for ln in after if abs(ln.y0 - found["cc"].y0) < 3 and ln.centre > COLUMN)
    )
    return found


def test_a_copy_stands_as_mau_3_1(tmp_path: Path) -> None:
    """The bản sao example's copy block against Mẫu 3.1's: each element across the page within
    8 mm, and the rows as the Mẫu has them (the hình thức sao beside the copying agency, the
    place-date line beside the số, the signer beside the Nơi nhận). Down the page only the order
    counts: the example's copying agency takes three lines where the Mẫu's takes one."""
    source = EXAMPLES / "ban-sao" / "sao-y-quyet-dinh-to-cong-tac.json"
    built = tmp_path / "sao-y.docx"
    built.write_bytes(Template().render(load_letter(source).letter).data)
    [pdf] = soffice_pdf([built], tmp_path)
    lines = read_lines(PHU_LUC_III)
    start = next(i for i, ln in enumerate(lines) if re.match(r"Mẫu 3 ?\.1 -", ln.text))
    # the Mẫu writes the hình thức sao as its footnote number between dots: "…… 1 ……"
    form = _copy_block(lines[start:], lambda text: re.fullmatch(r"…+ 1 …+", text) is not None)
    ours = _copy_block(read_lines(pdf), lambda text: text == "SAO Y")
    off = []
    for key in form:
        a, b = form[key], ours[key]
        across = b.x0 - a.x0 if key == "cc" else b.centre - a.centre
        if abs(across) > ACROSS:
            off.append(f"{key} {across / MM:+.1f} mm across ({b.text!r} against the Mẫu's {a.text!r})")
    assert not off, "; ".join(off)
    assert ours["form"].y0 == pytest.approx(ours["issuer"].y0, abs=3)
    assert ours["issuer"].y0 < ours["so"].y0 < ours["cc"].y0
    assert ours["so"].y0 == pytest.approx(ours["date"].y0, abs=4)
