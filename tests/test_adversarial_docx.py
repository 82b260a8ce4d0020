"""`wfhdoc check` on hostile and unusual .docx files: each is the reference letter with its zip
members rewritten, run through the real command line in a subprocess.

A damaged or crafted file must end in a message naming the file and the part, exit code 1, and
no traceback or "internal error"; the bombs must stay within a bounded address space; a part in
another legal encoding (UTF-16, ISO-8859-1) is read like the UTF-8 original.
"""

from __future__ import annotations

import io
import json
import re
import resource
import struct
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import pytest
from helpers import ROOT

from wfh_docs.check import check_docx

PYTHON = (
    str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
)
DOCUMENT = "word/document.xml"
MEMORY_LIMIT = 1536 << 20  # address space a bomb's check may use: 1.5 GB
GB = 1 << 30


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def check(path: Path, *args: str, limit_memory: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "wfh_docs", "check", *args, str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=ROOT,
        preexec_fn=_limit_memory if limit_memory else None,
    )


def refused(run: subprocess.CompletedProcess[str], path: Path, part: str, *words: str) -> str:
    """The run failed as a user should see it: exit 1, one message naming the file and part."""
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    assert "MemoryError" not in run.stderr, run.stderr
    assert f"{path}: {part}" in run.stderr, run.stderr
    for word in words:
        assert word in run.stderr, run.stderr
    return run.stderr


def rewrite(
    source: bytes,
    path: Path,
    replace: dict[str, bytes | None] | None = None,
    *,
    extra: Sequence[tuple[str, bytes]] = (),
    stored: Collection[str] = frozenset(),
) -> Path:
    """The letter `source` with members replaced (None: left out) or added, saved at `path`."""
    replace = replace or {}
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            if data is not None:
                kind = zipfile.ZIP_STORED if info.filename in stored else zipfile.ZIP_DEFLATED
                zout.writestr(info.filename, data, compress_type=kind)
        for name, data in extra:
            zout.writestr(name, data)
    return path


def member(source: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(source)) as zf:
        return zf.read(name)


def xml_parts(source: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(source)) as zf:
        return [n for n in zf.namelist() if n.endswith((".xml", ".rels"))]


def flip_in_member(path: Path, name: str) -> None:
    """Flip one byte in the middle of a member's stored data, in the raw file."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    offset = info.header_offset
    name_len, extra_len = struct.unpack("<HH", raw[offset + 26 : offset + 30])
    start = offset + 30 + name_len + extra_len
    raw[start + info.compress_size // 2] ^= 0x55
    path.write_bytes(bytes(raw))


def mark_encrypted(path: Path, name: str) -> None:
    """Set the member's "encrypted" flag in its local and central headers, in the raw file."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        raw[zf.getinfo(name).header_offset + 6] |= 1
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        (length,) = struct.unpack("<H", raw[at + 28 : at + 30])
        if raw[at + 46 : at + 46 + length] == name.encode():
            raw[at + 8] |= 1
        at = raw.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(raw))


# --- the reference letter, and that it is clean ---------------------------------------------------


@pytest.fixture(scope="module")
def letter(reference_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("adversarial") / "letter.docx"
    path.write_bytes(reference_bytes)
    return path


def test_the_reference_letter_is_clean(letter: Path) -> None:
    run = check(letter)
    assert run.returncode == 0, run.stdout + run.stderr
    assert check_docx(letter) == []


# --- a damaged archive --------------------------------------------------------------------------------


@pytest.mark.parametrize("stored", [False, True], ids=["deflated", "stored"])
def test_damaged_member_names_file_and_part(reference_bytes: bytes, tmp_path: Path, stored: bool) -> None:
    path = rewrite(reference_bytes, tmp_path / "crc.docx", stored={DOCUMENT} if stored else set())
    flip_in_member(path, DOCUMENT)
    stderr = refused(check(path), path, DOCUMENT)
    if stored:  # the data inflates (it is stored as is) but is not what the archive says
        assert "CRC" in stderr, stderr


def test_two_members_with_one_name(reference_bytes: bytes, tmp_path: Path) -> None:
    path = tmp_path / "twice.docx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile: "Duplicate name"
        rewrite(reference_bytes, path, extra=[(DOCUMENT, member(reference_bytes, DOCUMENT))])
    refused(check(path), path, DOCUMENT, "two members")


def test_encrypted_member(reference_bytes: bytes, tmp_path: Path) -> None:
    path = rewrite(reference_bytes, tmp_path / "locked.docx")
    mark_encrypted(path, DOCUMENT)
    refused(check(path), path, DOCUMENT, "encrypted", "without a password")


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "not.docx"
    path.write_bytes(b"PK\x03\x04 but not really a zip archive")
    run = check(path)
    assert run.returncode == 1 and f"{path}:" in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    run = check(path)
    assert run.returncode == 1 and f"{path}: not a zip archive" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr, run.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_not_read(tmp_path: Path) -> None:
    run = check(Path("/dev/zero"), limit_memory=True)
    assert run.returncode == 1 and "/dev/zero" in run.stderr and "not a regular file" in run.stderr, (
        run.stderr
    )


# --- the document part: missing, empty, not XML -----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (None, ["missing"]),
        (b"", ["empty"]),
        (b"  \r\n\t", ["empty"]),
        (b"\x00" * 100, ["not readable XML"]),
        (b"this is not XML at all", ["not readable XML"]),
        ('<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16")[:-6], ["not readable XML"]),
    ],
    ids=["missing", "empty", "blank", "nul-bytes", "text", "cut-utf16"],
)
def test_document_missing_empty_or_not_xml(
    reference_bytes: bytes, tmp_path: Path, data: bytes | None, words: list[str]
) -> None:
    path = rewrite(reference_bytes, tmp_path / "doc.docx", {DOCUMENT: data})
    refused(check(path), path, DOCUMENT, *words)


def test_document_cut_short_is_read_in_part(reference_bytes: bytes, tmp_path: Path) -> None:
    doc = member(reference_bytes, DOCUMENT)
    path = rewrite(reference_bytes, tmp_path / "cut.docx", {DOCUMENT: doc[: len(doc) // 2]})
    run = check(path)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert f"{DOCUMENT} is damaged and was read in part only" in run.stdout, run.stdout


# --- other parts damaged: a finding, and the rest of the letter checked ------------------------------


def _header_with_page(source: bytes) -> str:
    return next(
        n
        for n in xml_parts(source)
        if re.fullmatch(r"word/header\d+\.xml", n) and b"PAGE" in member(source, n)
    )


@pytest.mark.parametrize("part", ["word/theme/theme1.xml", "header", "word/_rels/document.xml.rels"])
@pytest.mark.parametrize("damage", ["cut", "garbage", "empty"])
def test_damaged_side_part_is_a_finding_and_the_rest_is_checked(
    reference_bytes: bytes, tmp_path: Path, part: str, damage: str
) -> None:
    if part == "header":
        part = _header_with_page(reference_bytes)
    good = member(reference_bytes, part)
    data = {"cut": good[: len(good) // 2], "garbage": b"<<<not xml", "empty": b""}[damage]
    path = rewrite(reference_bytes, tmp_path / "side.docx", {part: data})
    run = check(path, "--json")
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    found = json.loads(run.stdout)
    assert run.returncode == 1
    assert any(f["rule"] == "file.damaged" and part in f["message"] for f in found), found
    # the letter itself was read: its elements were found (nothing about them is missing)
    rest = [
        f for f in found if not f["rule"].startswith(("file.damaged", "text.control", "page_number", "font"))
    ]
    assert rest == [], rest


@pytest.mark.parametrize("part", ["word/theme/theme1.xml", "header", "word/styles.xml"])
def test_side_part_with_a_bad_crc_is_a_finding(reference_bytes: bytes, tmp_path: Path, part: str) -> None:
    if part == "header":
        part = _header_with_page(reference_bytes)
    path = rewrite(reference_bytes, tmp_path / "crc.docx", stored={part})
    flip_in_member(path, part)
    run = check(path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    damaged = [line for line in run.stdout.splitlines() if f"{part} is damaged" in line]
    assert damaged and "CRC" in damaged[0], run.stdout


def test_damaged_theme_with_a_mistake_in_the_letter_reports_both(
    reference_bytes: bytes, tmp_path: Path
) -> None:
    doc = member(reference_bytes, DOCUMENT).decode("utf-8")
    assert "tháng 4 năm" in doc or "tháng 04 năm" in doc
    path = rewrite(
        reference_bytes,
        tmp_path / "both.docx",
        {"word/theme/theme1.xml": b"<a:theme", DOCUMENT: doc.replace("tháng 4 năm", "tháng 04 năm").encode()},
    )
    rules = {f.rule for f in check_docx(path)}
    assert "file.damaged" in rules and "date.format" in rules, rules


def test_attribute_that_is_not_a_number(reference_bytes: bytes, tmp_path: Path) -> None:
    doc = member(reference_bytes, DOCUMENT).decode("utf-8")
    doc = re.sub(r'(<w:pgSz\b[^>]*?w:w=")\d+"', r'\1wide"', doc, count=1)
    doc = re.sub(r'(<w:sz\b[^>]*?w:val=")\d+"', r'\1NaN"', doc, count=1)
    path = rewrite(reference_bytes, tmp_path / "nan.docx", {DOCUMENT: doc.encode()})
    run = check(path)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert "the paper must be A4" in run.stdout, run.stdout


# --- other encodings are legal XML, read as such ------------------------------------------------------

_DECLARATION = re.compile(r"\A<\?xml[^>]*\?>")


def _reencode(xml: bytes, encoding: str) -> bytes:
    text = _DECLARATION.sub("", xml.decode("utf-8").lstrip("\ufeff"), count=1)
    declared = f'<?xml version="1.0" encoding="{encoding}" standalone="yes"?>\r\n{text}'
    if encoding == "UTF-16":
        return declared.encode("utf-16")  # with its byte order mark
    # ISO-8859-1 holds à, é, ô but not ộ, ư: those become character references, as legal
    return declared.encode("latin-1", "xmlcharrefreplace")


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1"])
def test_parts_in_another_encoding_are_checked_like_utf8(
    reference_bytes: bytes, tmp_path: Path, encoding: str
) -> None:
    parts = [n for n in xml_parts(reference_bytes) if n.startswith("word/")]
    assert DOCUMENT in parts and "word/styles.xml" in parts and any("header" in n for n in parts)
    path = rewrite(
        reference_bytes,
        tmp_path / "enc.docx",
        {n: _reencode(member(reference_bytes, n), encoding) for n in parts},
    )
    if encoding == "ISO-8859-1":
        assert re.search(rb"[\xc0-\xff]", member(path.read_bytes(), DOCUMENT))  # raw Latin-1 bytes
    run = check(path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert check_docx(path) == check_docx(reference_bytes) == []


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1"])
def test_mistakes_in_another_encoding_are_found_like_in_utf8(
    reference_bytes: bytes, tmp_path: Path, encoding: str
) -> None:
    doc = member(reference_bytes, DOCUMENT).decode("utf-8").replace("tháng 4 năm", "tháng 04 năm")
    utf8 = rewrite(reference_bytes, tmp_path / "utf8.docx", {DOCUMENT: doc.encode("utf-8")})
    other = rewrite(
        reference_bytes, tmp_path / "other.docx", {DOCUMENT: _reencode(doc.encode("utf-8"), encoding)}
    )
    assert check_docx(other) == check_docx(utf8) != []


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1"])
def test_control_character_in_another_encoding_shows_the_text(
    reference_bytes: bytes, tmp_path: Path, encoding: str
) -> None:
    doc = member(reference_bytes, DOCUMENT).decode("utf-8")
    word = "Sở Công Thương"
    assert word in doc
    doc = doc.replace(word, "Sở Công\x0bThương", 1)
    path = rewrite(
        reference_bytes, tmp_path / "vt.docx", {DOCUMENT: _reencode(doc.encode("utf-8"), encoding)}
    )
    run = check(path)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    found = [f for f in check_docx(path) if f.rule == "text.control"]
    assert found and all("is damaged" not in f.message for f in found), found
    assert any("Sở Công" in f.found and "U+000B" in f.message for f in found), found


# --- bombs: bounded memory ------------------------------------------------------------------------------


def _bomb_member(zout: zipfile.ZipFile, name: str, size: int, piece: bytes, head: bytes = b"") -> None:
    """A member of `size` bytes written in chunks, so that the test never holds it."""
    chunk = piece * ((1 << 20) // len(piece) + 1)
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zout.open(info, "w", force_zip64=True) as out:
        out.write(head)
        written = len(head)
        while written < size:
            out.write(chunk)
            written += len(chunk)


def _with_member(source: bytes, path: Path, skip: str | None, add: Callable[[zipfile.ZipFile], None]) -> Path:
    with (
        zipfile.ZipFile(io.BytesIO(source)) as zin,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        for info in zin.infolist():
            if info.filename != skip:
                zout.writestr(info.filename, zin.read(info.filename))
        add(zout)
    return path


def test_document_bomb_is_refused_in_bounded_memory(reference_bytes: bytes, tmp_path: Path) -> None:
    doc = member(reference_bytes, DOCUMENT)
    head = doc[: doc.index(b"<w:body>") + len(b"<w:body>")]
    path = _with_member(
        reference_bytes,
        tmp_path / "bomb.docx",
        DOCUMENT,
        lambda z: _bomb_member(z, DOCUMENT, GB, b"<w:p><w:r><w:t>x</w:t></w:r></w:p>", head),
    )
    assert path.stat().st_size < 8 << 20  # a few MB that inflate to 1 GB
    refused(check(path, limit_memory=True), path, DOCUMENT, "inflates to more than")


def test_unused_media_bomb_is_never_inflated(reference_bytes: bytes, tmp_path: Path) -> None:
    path = _with_member(
        reference_bytes,
        tmp_path / "media.docx",
        None,
        lambda z: _bomb_member(z, "word/media/image1.png", GB, b"\x00"),
    )
    run = check(path, limit_memory=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr


def test_many_small_paragraphs_are_refused_in_bounded_memory(reference_bytes: bytes, tmp_path: Path) -> None:
    doc = member(reference_bytes, DOCUMENT)
    head = doc[: doc.index(b"<w:body>") + len(b"<w:body>")]
    path = _with_member(
        reference_bytes,
        tmp_path / "many.docx",
        DOCUMENT,
        lambda z: _bomb_member(z, DOCUMENT, 20 << 20, b"<w:p/>", head),  # under the size cap
    )
    refused(check(path, limit_memory=True), path, DOCUMENT, "far more than a letter has")
