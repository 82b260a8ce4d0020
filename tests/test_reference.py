"""The reference letter, công văn 451/SCT-VP, rebuilt from data: its text line by line."""

from __future__ import annotations

import re

import pytest
from helpers import REFERENCE_TXT

# Where the letter as received departs from the decree, wfhdoc follows the decree
# (tests/data/reference/README.md lists these); the expected text is the reference with exactly
# these corrections, and nothing else.
DECREE_CORRECTIONS = [
    ("Số: 451 /SCT-VP", "Số: 451/SCT-VP"),  # no space before "/" (Phụ lục I, II.3.c)
    ("số: 451 /SCT-VP", "số: 451/SCT-VP"),
    ("KT.GIÁM ĐỐC", "KT. GIÁM ĐỐC"),  # "KT." then a space (II.7.b)
    ("- Lưu VT, VP.", "- Lưu: VT, VP."),  # "Lưu" then a colon (II.9.d)
    ("Độc lập – Tự do – Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),  # hyphens (II.1.b)
]
# Two places where the received text carries its own page layout, not text: the phụ lục
# title was broken by hand over three lines (the letter sets it as one centred paragraph that
# wraps by itself), and one paragraph was cut in two by a page break.
LAYOUT_JOINS = [
    "Báo cáo tình hình công chức, viên chức ứng dụng CNTT làm việc tại nhà,",
    "làm việc trực tuyến qua môi trường mạng trong thời gian",
    "- Việc ứng dụng hệ thống thư điện tử công vụ: Hiện nay, tất cả các văn bản chính thống "
    "liên quan đến công việc của Sở thì toàn thể cán bộ, công chức,",
]


def expected_lines() -> list[str]:
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    text = text.replace("**", "")
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    for wrong, right in DECREE_CORRECTIONS:
        assert wrong in text, f"the reference no longer contains {wrong!r}"
        text = text.replace(wrong, right)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined: list[str] = []
    previous = ""
    for line in lines:
        if previous in LAYOUT_JOINS:
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
        previous = line
    return joined


def letter_lines(docx) -> list[str]:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    for p in docx.paragraphs():
        lines += [piece.strip() for piece in p.text.split("\n") if piece.strip()]
    return lines


def test_reference_text_line_by_line(reference_docx) -> None:  # type: ignore[no-untyped-def]
    expected = expected_lines()
    got = letter_lines(reference_docx)
    for i, (want, have) in enumerate(zip(expected, got, strict=False)):
        assert have == want, f"line {i + 1} differs"
    assert len(got) == len(expected)


def test_expected_text_really_has_the_reference_content() -> None:
    lines = expected_lines()
    # a guard against an over-eager normalisation: the anchors of the letter are all there
    for anchor in (
        "UBND TỈNH QUẢNG TRỊ",
        "Kính gửi: Sở Thông tin và Truyền thông Quảng Trị",
        "Nguyễn Hữu Hưng",
        "Phụ lục",
        "1.4 Ứng dụng CNTT phục vụ người dân, doanh nghiệp",
    ):
        assert anchor in lines
    assert len(lines) > 40


@pytest.mark.parametrize(
    "line",
    [
        "Số: 451/SCT-VP",
        "Quảng Trị, ngày 08 tháng 4 năm 2020",
        "(Kèm theo Công văn số: 451/SCT-VP ngày 08/4/2020 của Sở Công Thương)",
        "Vậy, Sở Công Thương gửi Sở Thông tin và Truyền thông tổng hợp./.",
        "- Như trên;",
        "- Lưu: VT, VP.",
    ],
)
def test_decree_forms(reference_docx, line: str) -> None:  # type: ignore[no-untyped-def]
    assert line in letter_lines(reference_docx)
