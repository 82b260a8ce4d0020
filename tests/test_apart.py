"""Phụ lục in files of their own (Mẫu 2.2): `wfhdoc build --appendices-apart`."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from helpers import EXAMPLES, REFERENCE_JSON, require_tool, soffice_pdf

from wfh_docs.cli import main
from wfh_docs.letter.sources import load_letter
from wfh_docs.render.template import Template

TWO = EXAMPLES / "cong-van-hai-phu-luc.json"  # two phụ lục, the first landscape


def _texts(data: bytes) -> list[str]:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    return re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)


def _build(tmp_path: Path, source: Path, *extra: str) -> tuple[int, list[Path]]:
    code = main(["build", str(source), "-o", str(tmp_path) + "/", "--appendices-apart", *extra])
    return code, sorted(tmp_path.glob("*.docx"))


def test_each_phu_luc_in_its_own_file_and_the_letter_without_them(tmp_path: Path) -> None:
    code, files = _build(tmp_path, TWO)
    assert code == 0
    assert [f.name for f in files] == [
        "538-SGDDT-VP-phu-luc-I.docx",
        "538-SGDDT-VP-phu-luc-II.docx",
        "538-SGDDT-VP.docx",
    ]
    first, second, letter = (Document(str(f)) for f in files)
    letter_text = [p.text for p in letter.paragraphs]
    assert not any(t.startswith("Phụ lục") for t in letter_text)
    assert any("tại Phụ lục I" in t for t in letter_text)  # the body still refers to them
    assert [p.text for p in first.paragraphs][:3] == [
        "Phụ lục I",
        "Số lượng cán bộ, công chức, viên chức làm việc tại nhà, dạy học trực tuyến theo từng đơn vị "
        "(tính đến ngày 13/4/2020)",
        "(Kèm theo Công văn số … ngày … tháng … năm … của Sở Giáo dục và Đào tạo)",
    ]
    assert [p.text for p in second.paragraphs][0] == "Phụ lục II"
    assert len(first.sections) == 1 and first.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert second.sections[0].orientation == WD_ORIENT.PORTRAIT
    assert len(first.tables) == 1 and first.tables[0].cell(1, 1).text == "Cơ quan Sở Giáo dục và Đào tạo"
    # the letter passes the checker; every piece of text of the whole letter is in one file
    result = subprocess.run(
        [sys.executable, "-m", "wfh_docs", "check", str(files[2])], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    whole = Template().render(load_letter(TWO).letter).data
    parts = Counter(t for f in files for t in _texts(f.read_bytes()))
    missing = Counter(_texts(whole)) - parts
    assert list(missing) == ["(Kèm theo Công văn số: 538/SGDĐT-VP ngày 14/4/2020 của Sở Giáo dục và Đào tạo)"]


def test_built_again_the_files_are_replaced_and_anothers_file_is_kept(tmp_path: Path) -> None:
    assert _build(tmp_path, REFERENCE_JSON)[0] == 0
    code, files = _build(tmp_path, REFERENCE_JSON)  # wfhdoc's own files: replaced
    assert code == 0 and [f.name for f in files] == ["451-SCT-VP-phu-luc.docx", "451-SCT-VP.docx"]
    typed = Document()
    typed.add_paragraph("Phụ lục gõ tay")
    typed.save(str(files[0]))
    before = {f: f.read_bytes() for f in files}
    code, _ = _build(tmp_path, REFERENCE_JSON)
    assert code == 1
    assert {f: f.read_bytes() for f in files} == before  # neither file written


def test_a_letter_without_phu_luc_is_the_letter(tmp_path: Path) -> None:
    code, files = _build(tmp_path, EXAMPLES / "cong-van-nhieu-noi-nhan.json")
    assert code == 0 and len(files) == 1
    assert (
        files[0].read_bytes()
        == Template().render(load_letter(EXAMPLES / "cong-van-nhieu-noi-nhan.json").letter).data
    )


def test_libreoffice_prints_the_landscape_phu_luc_on_its_own_page(tmp_path: Path) -> None:
    _code, files = _build(tmp_path, TWO)
    pdfs = soffice_pdf(files, tmp_path / "pdf")
    info = subprocess.run(
        [require_tool("pdfinfo"), str(pdfs[0])], capture_output=True, text=True, check=True
    ).stdout
    assert "Pages:           1" in info and "841.89 x 595.3" in info
    text = subprocess.run(
        [require_tool("pdftotext"), str(pdfs[0]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert (
        "Phụ lục I" in text
        and "(Kèm theo Công văn số … ngày … tháng … năm … của Sở Giáo dục và Đào tạo)" in text
    )
