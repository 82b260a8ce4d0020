"""The letter as a real reader shows it: LibreOffice turns it into a PDF, and we read the pages.

Liberation Serif stands in for Times New Roman here (same metrics), as on any Linux machine.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from helpers import EXAMPLES, require_tool, soffice_pdf
from test_reference import expected_lines

from wfh_docs.letter.types import TYPES

convert = soffice_pdf


def page_count(pdf: Path) -> int:
    out = subprocess.run(
        [require_tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))  # type: ignore[union-attr]


def page_text(pdf: Path, page: int, *, layout: bool = False) -> str:
    args = [require_tool("pdftotext"), "-f", str(page), "-l", str(page)]
    if layout:
        args.append("-layout")
    out = subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return unicodedata.normalize("NFC", out)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdfs(example_pdfs: dict[str, Path]) -> dict[str, Path]:
    return example_pdfs


def body_text(pdf: Path, page: int) -> str:
    """A page's text without its page number, so paragraphs run on across pages."""
    lines = page_text(pdf, page).strip().splitlines()
    if lines and lines[0].strip().isdigit():
        lines = lines[1:]
    return "\n".join(lines)


def test_every_line_of_the_reference_is_in_the_pdf(reference_pdf: Path) -> None:
    pages = page_count(reference_pdf)
    text = words(" ".join(body_text(reference_pdf, i) for i in range(1, pages + 1)))
    folded = text.casefold()
    for line in expected_lines():
        # the phụ lục title is set in capitals by its style, so compare it case-blind
        assert words(line) in text or words(line).casefold() in folded, line


def test_reference_pages(reference_pdf: Path) -> None:
    pages = page_count(reference_pdf)
    # the letter takes two pages and its phụ lục four, in Liberation Serif
    assert pages == 6
    assert page_text(reference_pdf, 3).lstrip().startswith("Phụ lục")


def test_motto_and_quoc_hieu_each_on_one_line(reference_pdf: Path) -> None:
    lines = [line.strip() for line in page_text(reference_pdf, 1, layout=True).splitlines()]
    assert any(line.endswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") for line in lines)
    assert any(line.endswith("Độc lập - Tự do - Hạnh phúc") for line in lines)
    # and the number stands on the date's line, as ô 3 and ô 4 should
    assert any("Số: 451/SCT-VP" in line and "Quảng Trị, ngày 08 tháng 4 năm 2020" in line for line in lines)


def test_page_numbers(reference_pdf: Path) -> None:
    first = page_text(reference_pdf, 1).strip().splitlines()
    assert first[0].strip() == "UBND TỈNH QUẢNG TRỊ"  # no number on page 1
    second = page_text(reference_pdf, 2, layout=True).splitlines()
    top = next(line for line in second if line.strip())
    assert top.strip() == "2"
    # centred: the number stands about mid-line (the layout text is ~ 90 columns wide)
    assert 25 <= top.index("2") <= 60
    # the phụ lục counts its own pages from 1: no number on its first page, "2" on the next
    assert not page_text(reference_pdf, 3).strip().splitlines()[0].strip().isdigit()
    assert page_text(reference_pdf, 4).strip().splitlines()[0].strip() == "2"


def test_signature_block_is_not_alone_on_its_page(reference_pdf: Path) -> None:
    for page in range(1, page_count(reference_pdf) + 1):
        text = page_text(reference_pdf, page)
        if "Nguyễn Hữu Hưng" in text:
            assert "Vậy, Sở Công Thương gửi" in text
            assert "KT. GIÁM ĐỐC" in text and "Nơi nhận:" in text
            return
    pytest.fail("the signer's name is on no page")


def test_every_sample_letter_converts(pdfs: dict[str, Path]) -> None:
    assert len(pdfs) >= 4
    for name, pdf in pdfs.items():
        kind = TYPES[
            json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")).get("type", "cong-van")
        ]
        pages = page_count(pdf)
        assert pages >= 1, name
        first = page_text(pdf, 1)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first, name
        if not kind.name:  # a công văn: Kính gửi, and the body closed with ./. (Mẫu 1.5)
            assert "Kính gửi" in first, name
            last_letter_page = next(i for i in range(1, pages + 1) if "Nơi nhận:" in page_text(pdf, i))
            text = " ".join(page_text(pdf, i) for i in range(1, last_letter_page + 1))
            assert "./." in words(text), name
        else:  # another kind: its tên loại on page 1, in capitals (Mẫu 1.1-1.10)
            assert kind.name.upper() in first, name


def test_contact_line_on_page_one_only(pdfs: dict[str, Path]) -> None:
    # ô 13: address and phone on the first page, under a full-width line, and nowhere else
    pdf = pdfs["cong-van-tl-khong-co-quan-chu-quan"]
    assert "18 Nguyễn Du" in page_text(pdf, 1)
    for page in range(2, page_count(pdf) + 1):
        assert "18 Nguyễn Du" not in page_text(pdf, page)


def test_urgency_box_and_several_recipients(pdfs: dict[str, Path]) -> None:
    first = page_text(pdfs["cong-van-tm-ubnd-huyen"], 1)
    assert "KHẨN" in first
    text = page_text(pdfs["cong-van-nhieu-noi-nhan"], 1, layout=True)
    lines = [line.strip() for line in text.splitlines()]
    assert "Kính gửi:" in lines
    items = [line for line in lines if line.startswith("- ") and ("UBND" in line or "Ủy ban" in line)]
    assert len(items) >= 3 and all(item.endswith(";") for item in items[:-1]) and items[-1].endswith(".")
