"""Damaged and crafted files given to `wfhdoc check` when the letter is one a clerk made with styles
(docxmade.py), not wfhdoc's own: a damaged member (bad CRC), an empty word/document.xml, a
broken theme, parts in UTF-16 or ISO-8859-1, a zip bomb, two members with one name; and the
parts the resolver reads besides the document (styles, numbering, table styles) made to cost
time or memory. Each gives a clear message naming the file and the part, in bounded memory, never
a traceback or "internal error"; what can still be read is checked."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import docxmade as dm
import pytest
from test_adversarial_docx import (
    DOCUMENT,
    GB,
    _bomb_member,
    _with_member,
    check,
    flip_in_member,
    member,
    refused,
    rewrite,
)

from wfh_docs.check import check_docx
from wfh_docs.check.docx import Docx

THEME = "word/theme/theme1.xml"
NUMBERING = "word/numbering.xml"
STYLES = "word/styles.xml"


@pytest.fixture(scope="module")
def letter() -> bytes:
    data = dm.build(dm.Letter())
    assert check_docx(data) == []
    return data


def _ok(run_stderr: str) -> None:
    assert "Traceback" not in run_stderr and "internal error" not in run_stderr, run_stderr


def test_a_damaged_document_member_names_file_and_part(letter: bytes, tmp_path: Path) -> None:
    path = rewrite(letter, tmp_path / "crc.docx", stored={DOCUMENT})
    flip_in_member(path, DOCUMENT)
    refused(check(path), path, DOCUMENT, "CRC")


def test_an_empty_document_names_file_and_part(letter: bytes, tmp_path: Path) -> None:
    path = rewrite(letter, tmp_path / "empty.docx", {DOCUMENT: b""})
    refused(check(path), path, DOCUMENT, "empty")


def test_two_members_with_one_name(letter: bytes, tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):  # zipfile's own, while the test writes it
        path = rewrite(letter, tmp_path / "twice.docx", extra=[(DOCUMENT, member(letter, DOCUMENT))])
    refused(check(path), path, DOCUMENT, "two members")


@pytest.mark.parametrize("part", [THEME, NUMBERING, STYLES])
@pytest.mark.parametrize("damage", ["garbage", "crc"])
def test_a_damaged_side_part_is_a_finding_naming_it(
    letter: bytes, tmp_path: Path, part: str, damage: str
) -> None:
    if damage == "crc":
        path = rewrite(letter, tmp_path / "side.docx", stored={part})
        flip_in_member(path, part)
    else:
        path = rewrite(letter, tmp_path / "side.docx", {part: b"<w:styles><<<"})
    run = check(path, "--json")
    _ok(run.stderr)
    found = json.loads(run.stdout)
    assert any(f["rule"] == "file.damaged" and part in f["message"] for f in found), found


def test_a_broken_theme_still_reads_the_letter(letter: bytes, tmp_path: Path) -> None:
    path = rewrite(letter, tmp_path / "theme.docx", {THEME: b"<a:theme xmlns:a='x'><broken"})
    found = check_docx(path)
    assert {f.rule for f in found} == {"file.damaged"}, found


def _in_encoding(xml: bytes, encoding: str) -> bytes:
    text = xml.decode("utf-8")
    text = re.sub(r"^<\?xml[^>]*\?>", f'<?xml version="1.0" encoding="{encoding}" standalone="yes"?>', text)
    if encoding == "UTF-16":
        return text.encode("utf-16")
    return text.encode("latin-1", "xmlcharrefreplace")


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1"])
@pytest.mark.parametrize("part", [DOCUMENT, STYLES, NUMBERING, THEME])
def test_a_part_in_another_encoding_is_read_like_utf8(
    letter: bytes, tmp_path: Path, encoding: str, part: str
) -> None:
    path = rewrite(letter, tmp_path / "enc.docx", {part: _in_encoding(member(letter, part), encoding)})
    assert check_docx(path) == []
    assert [p.text for p in Docx(path).paragraphs()] == [p.text for p in Docx(letter).paragraphs()]


def test_a_document_bomb_is_refused_in_bounded_memory(letter: bytes, tmp_path: Path) -> None:
    doc = member(letter, DOCUMENT)
    head = doc[: doc.index(b"<w:body>") + len(b"<w:body>")]
    bomb = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    path = _with_member(
        letter, tmp_path / "bomb.docx", DOCUMENT, lambda z: _bomb_member(z, DOCUMENT, GB, bomb, head)
    )
    assert path.stat().st_size < 8 << 20  # a few MB that inflate to 1 GB
    refused(check(path, limit_memory=True), path, DOCUMENT, "inflates to more than")


def test_a_numbering_bomb_is_a_damaged_part_in_bounded_memory(letter: bytes, tmp_path: Path) -> None:
    path = _with_member(
        letter, tmp_path / "numbering.docx", NUMBERING, lambda z: _bomb_member(z, NUMBERING, GB, b" ")
    )
    run = check(path, "--json", limit_memory=True)
    _ok(run.stderr)
    found = json.loads(run.stdout)
    assert [f["rule"] for f in found] == ["file.damaged"] and NUMBERING in found[0]["message"], found


def _numbered_letter(letter: bytes, tmp_path: Path, level: str) -> Path:
    """The letter's Nơi nhận lines numbered by a list of the given level."""
    numbering = (
        '<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:abstractNum w:abstractNumId="9">{level}</w:abstractNum>'
        '<w:num w:numId="9"><w:abstractNumId w:val="9"/></w:num></w:numbering>'
    ).encode()
    doc = member(letter, DOCUMENT).decode("utf-8")
    num = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="9"/></w:numPr>'
    doc = re.sub(r'(<w:pStyle w:val="DSnoinhan"/>)', r"\1" + num, doc)
    doc = doc.replace(">- Như trên;<", ">Như trên;<").replace(">- Lưu: VT, VP.<", ">Lưu: VT, VP.<")
    return rewrite(letter, tmp_path / "numbered.docx", {NUMBERING: numbering, DOCUMENT: doc.encode()})


def test_a_list_bullet_reads_as_the_dash_a_reader_sees(letter: bytes, tmp_path: Path) -> None:
    bullet = '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>'
    path = _numbered_letter(letter, tmp_path, bullet)
    texts = [p.text for p in Docx(path).lines()]
    assert "- Như trên;" in texts and "- Lưu: VT, VP." in texts
    assert check_docx(path) == []


def test_a_crafted_list_level_keeps_labels_short(letter: bytes, tmp_path: Path) -> None:
    crafted = (
        '<w:lvl w:ilvl="0"><w:start w:val="999999999999"/><w:numFmt w:val="lowerLetter"/>'
        f'<w:lvlText w:val="{"%1" * 5000}"/></w:lvl>'
    )
    path = _numbered_letter(letter, tmp_path, crafted)
    labels = [p.label for p in Docx(path).paragraphs() if p.label]
    assert labels and all(len(label) < 400 for label in labels), [len(x) for x in labels]


def test_a_style_based_on_itself_in_a_loop_is_read(letter: bytes, tmp_path: Path) -> None:
    styles = member(letter, STYLES).decode("utf-8")
    styles = styles.replace(
        "</w:styles>",
        '<w:style w:type="paragraph" w:styleId="L1"><w:basedOn w:val="L2"/><w:rPr><w:b/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="L2"><w:basedOn w:val="L1"/></w:style></w:styles>',
    )
    doc = member(letter, DOCUMENT).decode("utf-8").replace('w:val="Noidung"', 'w:val="L2"', 1)
    path = rewrite(letter, tmp_path / "loop.docx", {STYLES: styles.encode(), DOCUMENT: doc.encode()})
    assert Docx(path).paragraphs()  # read, not stuck in the loop


def test_a_table_of_many_rows_is_read_row_by_row(letter: bytes, tmp_path: Path) -> None:
    """A table style applied to 20,000 rows: each row read once (quadratic would take hours)."""
    rows = "".join(f"<w:tr><w:tc><w:p><w:r><w:t>{n}</w:t></w:r></w:p></w:tc></w:tr>" for n in range(20_000))
    table = f'<w:tbl><w:tblPr><w:tblStyle w:val="Bangtieude"/></w:tblPr>{rows}</w:tbl>'
    doc = member(letter, DOCUMENT).decode("utf-8").replace("<w:sectPr", table + "<w:p/><w:sectPr", 1)
    path = rewrite(letter, tmp_path / "rows.docx", {DOCUMENT: doc.encode()})
    with zipfile.ZipFile(path) as z:
        assert z.read(DOCUMENT).count(b"<w:tr>") >= 20_000
    paragraphs = Docx(path).paragraphs()
    assert [p.row for p in paragraphs if p.text == "19999"] == [19_999]
