"""Hostile input through the real CLI: odd characters, broken files, wrong shapes, bad paths.

Every test builds through `wfh_docs.cli.main` as a user would, and checks what that user would
check: either the finished letter opens and says exactly what the data said, or the run fails
with exit code 1, a message naming the place (JSON path, or line and column) and a hint, no
traceback, and nothing left at the output path.
"""

from __future__ import annotations

import codecs
import copy
import json
import os
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from wfh_docs.cli import main
from wfh_docs.render import document_text

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "examples" / "cong-van-451-SCT-VP-2020.json"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DEFAULT_NAME = "451-SCT-VP.docx"  # the default output name of the reference letter


# --- helpers ------------------------------------------------------------------------------


_REFERENCE_DATA: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))


def reference() -> dict[str, Any]:
    """A fresh copy of the reference letter, to modify."""
    return copy.deepcopy(_REFERENCE_DATA)


@dataclass
class Run:
    rc: int
    out: str
    err: str
    output: Path  # where the letter was asked to go

    def docx_parts(self) -> dict[str, bytes]:
        with zipfile.ZipFile(self.output) as z:
            return {n: z.read(n) for n in z.namelist()}

    def text(self) -> str:
        """What a reader sees in the letter (body, headers, footers)."""
        parts = {
            n: data
            for n, data in self.docx_parts().items()
            if n.startswith("word/")
            and n.endswith(".xml")
            and ("document" in n or "header" in n or "footer" in n)
        }
        return document_text(parts)

    def paragraphs(self) -> list[etree._Element]:
        root = etree.fromstring(self.docx_parts()["word/document.xml"])
        return list(root.iter(f"{W}p"))


def para_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


@pytest.fixture
def build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """build(data) writes `data` (a dict as UTF-8 JSON, or raw bytes) and runs
    `wfhdoc build DATA -o OUT`; extra `args` go before "build" (e.g. --verbose)."""

    def run(
        data: Any,
        *,
        ascii_escapes: bool = False,
        output: Path | None = None,
        args: tuple[str, ...] = (),
    ) -> Run:
        source = tmp_path / "letter.json"
        if isinstance(data, bytes):
            source.write_bytes(data)
        else:
            source.write_text(json.dumps(data, ensure_ascii=ascii_escapes), encoding="utf-8")
        target = output if output is not None else tmp_path / "out" / "letter.docx"
        capsys.readouterr()
        rc = main([*args, "build", str(source), "-o", str(target)])
        captured = capsys.readouterr()
        return Run(rc, captured.out, captured.err, target)

    return run


def assert_built(run: Run) -> str:
    """The letter was written, every XML part parses, and no traceback: return its text."""
    assert run.rc == 0, run.err
    assert "Traceback" not in run.err
    assert run.output.is_file()
    for name, data in run.docx_parts().items():
        if name.endswith(".xml") or name.endswith(".rels"):
            etree.fromstring(data)  # raises if not well-formed
    assert not leftovers(run.output)
    return run.text()


def assert_fails(run: Run, *fragments: str) -> None:
    """Exit 1 with an error naming each fragment, no traceback, no file left behind."""
    assert run.rc == 1, (run.rc, run.out, run.err)
    assert "Traceback" not in run.err
    assert run.err.startswith("error: "), run.err
    for fragment in fragments:
        assert fragment in run.err, f"{fragment!r} not in:\n{run.err}"
    assert not run.output.exists()
    assert not leftovers(run.output)


def leftovers(output: Path) -> list[Path]:
    """Temporary files of a write to `output` still lying in its folder."""
    if not output.parent.is_dir():
        return []
    return [
        p for p in output.parent.iterdir() if p.name.endswith(".tmp") or p.name.startswith(f".{output.name}")
    ]


def set_at(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def delete_at(data: Any, path: tuple[Any, ...]) -> None:
    for key in path[:-1]:
        data = data[key]
    del data[path[-1]]


def _setter(*path: Any) -> Callable[[dict[str, Any], Any], None]:
    return lambda data, value: set_at(data, path, value)


def _table_cell(data: dict[str, Any], value: Any) -> None:
    data["body"].insert(1, {"table": {"columns": ["STT", "Nội dung"], "rows": [[1, value]]}})


# Places a user types text into; each puts a value there in a copy of the reference.
PLACES: dict[str, Callable[[dict[str, Any], Any], None]] = {
    "body": _setter("body", 0),
    "subject": _setter("subject"),
    "recipient": _setter("recipients", 0),
    "signer name": _setter("signer", "name"),
    "agency name": _setter("issuer", "name"),
    "appendix title": _setter("appendices", 0, "title"),
    "table cell": _table_cell,
}


def line_col(text: str, index: int) -> str:
    """'line L, column C' of a character index, as editors count (from 1)."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


# --- the reference itself ----------------------------------------------------------------


def test_reference_builds(build: Callable[..., Run]) -> None:
    run = build(reference())
    text = assert_built(run)
    assert run.err == ""
    assert "Sở Thông tin và Truyền thông Quảng Trị" in text


# --- XML-special characters ---------------------------------------------------------------

XML_HOSTILE = ["& < > \" '", "<select>", "</w:t>", "]]>"]


@pytest.mark.parametrize("hostile", XML_HOSTILE)
@pytest.mark.parametrize("place", list(PLACES))
def test_xml_special_characters_kept_exactly(build: Callable[..., Run], place: str, hostile: str) -> None:
    data = reference()
    value = f"Trước {hostile} sau"
    PLACES[place](data, value)
    text = assert_built(build(data))
    assert value in text


def test_all_xml_special_characters_in_every_place_at_once(build: Callable[..., Run]) -> None:
    data = reference()
    values = {}
    for place, put in PLACES.items():
        values[place] = f"{place}: &amp; A & B < C > D \" E ' F <select> </w:t> ]]> <!-- x -->"
        put(data, values[place])
    text = assert_built(build(data))
    for value in values.values():
        assert value in text


# --- control characters ------------------------------------------------------------------

CONTROLS = ["\u0000", "\u0007", "\u000b", "\u001f", "\u007f", "\u0085"]


@pytest.mark.parametrize("ascii_escapes", [True, False], ids=["escaped", "raw"])
@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize(
    ("path", "json_path"),
    [(("body", 0), "$.body[0]"), (("signer", "name"), "$.signer.name")],
    ids=["body", "signer-name"],
)
def test_control_character_removed_with_warning(
    build: Callable[..., Run], path: tuple[Any, ...], json_path: str, char: str, ascii_escapes: bool
) -> None:
    data = reference()
    set_at(data, path, f"Nguyễn{char}Văn")
    run = build(data, ascii_escapes=ascii_escapes)
    text = assert_built(run)
    assert "NguyễnVăn" in text
    assert char not in text
    warnings = [line for line in run.err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1, run.err
    assert f"{json_path}: removed U+{ord(char):04X}" in warnings[0]


def test_every_control_character_warned_separately(build: Callable[..., Run]) -> None:
    data = reference()
    data["body"][1] = "a" + "".join(CONTROLS) + "b"
    run = build(data, ascii_escapes=True)
    text = assert_built(run)
    assert "\nab\n" in f"\n{text}\n"
    for char in CONTROLS:
        assert f"$.body[1]: removed U+{ord(char):04X}" in run.err


def test_lone_surrogate_removed_with_warning(build: Callable[..., Run]) -> None:
    # JSON can carry "\ud800", which is not a character and cannot go into XML.
    data = reference()
    data["subject"] = "trước\ud800sau"
    run = build(data, ascii_escapes=True)
    text = assert_built(run)
    assert "trướcsau" in text
    assert "$.subject: removed U+D800" in run.err


def test_name_of_only_control_characters_is_empty(build: Callable[..., Run]) -> None:
    data = reference()
    data["issuer"]["name"] = "\u0007\u0000"
    assert_fails(build(data, ascii_escapes=True), "$.issuer.name", "must not be empty")


# --- Unicode: normalisation, astral planes, CJK ----------------------------------------------


def test_nfd_body_and_place_become_nfc(build: Callable[..., Run]) -> None:
    data = reference()
    body = data["body"][0]
    place = data["issuer"]["place"]
    data["body"][0] = unicodedata.normalize("NFD", body)
    data["issuer"]["place"] = unicodedata.normalize("NFD", place)
    assert data["body"][0] != body  # really decomposed
    run = build(data)
    text = assert_built(run)
    assert body in text
    assert f"{place}, ngày 08 tháng 4 năm 2020" in text
    assert unicodedata.normalize("NFC", text) == text
    assert run.err == ""  # normalising is silent


EXOTIC = "Mặt cười 😀, chữ 𝕏, 中文 漢字, 한국어, ﷺ, 𓂀"


@pytest.mark.parametrize("ascii_escapes", [True, False], ids=["surrogate-pairs", "utf8"])
@pytest.mark.parametrize("place", ["body", "subject", "recipient", "signer name", "table cell"])
def test_emoji_non_bmp_and_cjk_kept(build: Callable[..., Run], place: str, ascii_escapes: bool) -> None:
    data = reference()
    PLACES[place](data, EXOTIC)
    text = assert_built(build(data, ascii_escapes=ascii_escapes))
    assert EXOTIC in text


def test_one_paragraph_of_20000_characters(build: Callable[..., Run]) -> None:
    long = ("Một câu rất dài, " * 2000)[:19_999] + "x"
    assert len(long) == 20_000
    data = reference()
    data["body"][0] = long
    text = assert_built(build(data))
    assert long in text.split("\n")  # whole, and one paragraph


# --- text that looks like template tags ----------------------------------------------------

TEMPLATE_LOOKING = [
    "{{ issuer.name }}",
    "{% for x in y %}",
    "{#",
    "}}",
    "{%p if x %}",
    "{{r x }}",
    "{% endfor %} #} %}",
]


@pytest.mark.parametrize("tag", TEMPLATE_LOOKING)
@pytest.mark.parametrize("place", ["body", "subject", "recipient", "signer name", "agency name"])
def test_template_tags_in_data_stay_literal(build: Callable[..., Run], place: str, tag: str) -> None:
    data = reference()
    value = f"trước {tag} sau"
    PLACES[place](data, value)
    text = assert_built(build(data))
    assert value in text


def test_template_tag_naming_a_field_is_not_filled_in(build: Callable[..., Run]) -> None:
    data = reference()
    data["body"][0] = "Tên: {{ issuer.name }}."
    text = assert_built(build(data))
    assert "Tên: {{ issuer.name }}." in text
    assert "Tên: SỞ CÔNG THƯƠNG" not in text


# --- newlines -------------------------------------------------------------------------------


def test_newline_in_body_makes_two_paragraphs(build: Callable[..., Run]) -> None:
    data = reference()
    data["body"][0] = "Dòng thứ nhất của đoạn.\nDòng thứ hai của đoạn."
    run = build(data)
    assert_built(run)
    paragraphs = run.paragraphs()
    first = [p for p in paragraphs if para_text(p) == "Dòng thứ nhất của đoạn."]
    second = [p for p in paragraphs if para_text(p) == "Dòng thứ hai của đoạn."]
    assert len(first) == 1 and len(second) == 1
    assert first[0] is not second[0]
    assert not list(first[0].iter(f"{W}br"))


def test_newline_in_subject_is_a_line_break(build: Callable[..., Run]) -> None:
    data = reference()
    data["subject"] = "dòng đầu của trích yếu\ndòng sau của trích yếu"
    run = build(data)
    text = assert_built(run)
    assert "dòng đầu của trích yếu\ndòng sau của trích yếu" in text
    holders = [p for p in run.paragraphs() if "dòng đầu của trích yếu" in para_text(p)]
    assert len(holders) == 1
    assert "dòng sau của trích yếu" in para_text(holders[0])
    assert len(list(holders[0].iter(f"{W}br"))) == 1


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_windows_and_old_mac_line_ends_in_body(build: Callable[..., Run], newline: str) -> None:
    data = reference()
    data["body"][0] = f"Đoạn một.{newline}Đoạn hai."
    run = build(data)
    text = assert_built(run)
    lines = text.split("\n")
    assert "Đoạn một." in lines and "Đoạn hai." in lines
    assert "\r" not in text


# --- empty lists ------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["recipients", "body"])
def test_empty_required_list_is_an_error(build: Callable[..., Run], field: str) -> None:
    data = reference()
    data[field] = []
    assert_fails(build(data), f"$.{field}: must not be an empty list", "(give at least one item)")


@pytest.mark.parametrize("field", ["cc", "appendices"])
def test_empty_optional_list_is_fine(build: Callable[..., Run], field: str) -> None:
    data = reference()
    data[field] = []
    text = assert_built(build(data))
    assert data["subject"] in text
    assert "Như trên;" in text


# --- missing fields ---------------------------------------------------------------------------

REQUIRED = [
    ("issuer",),
    ("issuer", "name"),
    ("issuer", "abbreviation"),
    ("issuer", "unit"),
    ("issuer", "place"),
    ("subject",),
    ("recipients",),
    ("body",),
    ("signer",),
    ("signer", "name"),
]


@pytest.mark.parametrize("path", REQUIRED, ids=".".join)
def test_missing_required_field(build: Callable[..., Run], path: tuple[str, ...]) -> None:
    data = reference()
    delete_at(data, path)
    json_path = "$." + ".".join(path)
    run = build(data)
    assert_fails(run, "1 problem in the data", f"{json_path}: this field is required but missing")
    assert f'(add "{path[-1]}"' in run.err  # the hint


def test_all_missing_fields_reported_in_one_run(build: Callable[..., Run]) -> None:
    data = reference()
    for path in [("issuer", "name"), ("subject",), ("signer", "name")]:
        delete_at(data, path)
    run = build(data)
    assert_fails(
        run,
        "3 problems in the data",
        "$.issuer.name: this field is required but missing",
        "$.subject: this field is required but missing",
        "$.signer.name: this field is required but missing",
    )


# --- unknown keys -------------------------------------------------------------------------------


def test_typo_at_top_level_suggests_the_field(build: Callable[..., Run]) -> None:
    data = reference()
    data["subjetc"] = data.pop("subject")
    assert_fails(
        build(data),
        '$.subjetc: unknown field "subjetc" (did you mean "subject"?)',
        "$.subject: this field is required but missing",
    )


def test_typo_inside_issuer_suggests_the_field(build: Callable[..., Run]) -> None:
    data = reference()
    data["issuer"]["nmae"] = data["issuer"].pop("name")
    assert_fails(build(data), '$.issuer.nmae: unknown field "nmae" (did you mean "name"?)')


def test_unknown_field_far_from_any_lists_the_allowed_ones(build: Callable[..., Run]) -> None:
    data = reference()
    data["signer"]["zzzzzz"] = 1
    assert_fails(build(data), '$.signer.zzzzzz: unknown field "zzzzzz"', "the fields allowed here are")


# --- wrong types and values --------------------------------------------------------------------


def _heading_level(data: dict[str, Any], value: Any) -> None:
    data["appendices"][0]["content"][1]["level"] = value


def _bad_row(data: dict[str, Any], value: Any) -> None:
    data["body"].insert(1, {"table": {"columns": ["STT", "Nội dung"], "rows": [[1, "a"], value]}})


def _body_item(data: dict[str, Any], value: Any) -> None:
    data["body"].insert(1, value)


WRONG = [
    ("number-abc", _setter("number"), "abc", "$.number", "must be a whole number"),
    ("number-true", _setter("number"), True, "$.number", "not true/false"),
    ("number-4.5", _setter("number"), 4.5, "$.number", "must be a whole number"),
    ("number-negative", _setter("number"), -3, "$.number", "greater than or equal to 1"),
    ("number-zero", _setter("number"), 0, "$.number", "greater than or equal to 1"),
    ("date-words", _setter("date"), "hôm nay", "$.date", "'hôm nay' is not a date"),
    ("date-31-feb", _setter("date"), "31/02/2020", "$.date", "'31/02/2020' is not a real date"),
    ("date-number", _setter("date"), 20200408, "$.date", "write the date as text"),
    ("issuer-name-number", _setter("issuer", "name"), 123, "$.issuer.name", "must be text"),
    ("recipients-string", _setter("recipients"), "Sở Tài chính", "$.recipients", "must be a list"),
    ("body-item-number", _body_item, 42, "$.body[1]", "42 is not a block"),
    ("body-item-null", _body_item, None, "$.body[1]", "null is not a block"),
    ("heading-level-7", _heading_level, 7, "$.appendices[0].content[1].level", "use one of 1, 2"),
    ("table-row-short", _bad_row, ["x"], "$.body[1].table", "row 2 has 1 cells but there are 2"),
    ("authority-unknown", _setter("signer", "authority"), "XYZ", "$.signer.authority", "'KT.'"),
]


@pytest.mark.parametrize(
    ("put", "value", "json_path", "message"),
    [w[1:] for w in WRONG],
    ids=[w[0] for w in WRONG],
)
def test_wrong_type_or_value_names_its_path(
    build: Callable[..., Run],
    put: Callable[[dict[str, Any], Any], None],
    value: Any,
    json_path: str,
    message: str,
) -> None:
    data = reference()
    put(data, value)
    run = build(data)
    assert_fails(run, "1 problem in the data", f"  - {json_path}: ", message)


# --- malformed JSON ----------------------------------------------------------------------------

REFERENCE_TEXT = REFERENCE.read_text(encoding="utf-8")


# Each breaker returns the broken text and the places where the error may be reported
# (Python versions differ: a trailing comma is reported at the comma or at the bracket).


def _missing_comma(text: str) -> tuple[str, list[int]]:
    broken = text.replace('"number": 451,', '"number": 451', 1)
    return broken, [broken.index('"date"')]


def _trailing_comma(text: str) -> tuple[str, list[int]]:
    broken = text.replace('"Lãnh đạo Sở"\n  ]', '"Lãnh đạo Sở",\n  ]', 1)
    comma = broken.index('"Lãnh đạo Sở",') + len('"Lãnh đạo Sở"')
    return broken, [comma, broken.index("]", comma)]


def _single_quotes(text: str) -> tuple[str, list[int]]:
    broken = text.replace('"number": 451', "'number': 451", 1)
    return broken, [broken.index("'number'")]


def _unclosed_string(text: str) -> tuple[str, list[int]]:
    broken = text.replace('"VP"', '"VP', 1)
    start = broken.index('"VP')
    return broken, [start, broken.index("\n", start)]  # the quote, or the line end it runs into


@pytest.mark.parametrize(
    "breaker",
    [_missing_comma, _trailing_comma, _single_quotes, _unclosed_string],
    ids=["missing-comma", "trailing-comma", "single-quotes", "unclosed-string"],
)
def test_malformed_json_gives_line_and_column(
    build: Callable[..., Run], breaker: Callable[[str], tuple[str, list[int]]]
) -> None:
    broken, places = breaker(REFERENCE_TEXT)
    assert broken != REFERENCE_TEXT
    run = build(broken.encode("utf-8"))
    assert_fails(run, "1 problem in the data", "(look for a missing comma, quote or bracket")
    assert any(f"  - {line_col(broken, i)}: not valid JSON" in run.err for i in places), run.err


def test_duplicate_key_is_an_error(build: Callable[..., Run]) -> None:
    broken = REFERENCE_TEXT.replace('"number": 451,', '"number": 451,\n  "subject": "khác",', 1)
    assert_fails(build(broken.encode("utf-8")), 'the key "subject" appears twice in one object')


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_refused(build: Callable[..., Run], constant: str) -> None:
    broken = REFERENCE_TEXT.replace('"number": 451', f'"number": {constant}', 1)
    assert_fails(build(broken.encode("utf-8")), "not valid JSON", constant)


@pytest.mark.parametrize(
    "raw",
    [b"", b"  \n\t \r\n ", codecs.BOM_UTF8, codecs.BOM_UTF16_LE],
    ids=["empty", "spaces", "bom", "utf16-bom"],
)
def test_empty_file(build: Callable[..., Run], raw: bytes) -> None:
    assert_fails(build(raw), "the file is empty")


@pytest.mark.parametrize(
    ("raw", "what"),
    [
        (b"[1, 2]", "not a list"),
        ('"Sở Công Thương"'.encode(), "holding one letter"),
        (b"451", "holding one letter"),
    ],
    ids=["array", "string", "number"],
)
def test_top_level_not_an_object(build: Callable[..., Run], raw: bytes, what: str) -> None:
    assert_fails(build(raw), "$: the top level must be an object", what)


# --- encodings --------------------------------------------------------------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # the five tone marks cp1258 keeps as combining


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese as Windows-1258 does: a base letter, then a combining tone mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in _TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out += (base + tones).encode("cp1258")
    return bytes(out)


def test_cp1258_file_is_not_utf8(build: Callable[..., Run]) -> None:
    raw = to_cp1258(REFERENCE_TEXT)
    assert raw.decode("cp1258") != REFERENCE_TEXT  # decomposed, but the same words
    # line 4 is '    "parent": "UBND TỈNH ...': Ỉ is I (column 22) then the hook 0xD2 (23)
    assert_fails(build(raw), "line 4, column 23: the file is not UTF-8 text (byte 0xD2)", "UTF-8")


def test_latin1_file_is_not_utf8(build: Callable[..., Run]) -> None:
    raw = REFERENCE_TEXT.encode("latin-1", errors="replace")
    # line 5 is '    "name": "SỞ CÔNG THƯƠNG": Ở is lost as "?", Ô is 0xD4 at column 18
    assert_fails(build(raw), "line 5, column 18: the file is not UTF-8 text (byte 0xD4)")


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),
        lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    ],
    ids=["utf8-bom", "utf16-native-bom", "utf16le-bom", "utf16be-bom"],
)
def test_bom_files_build_the_same_letter(
    build: Callable[..., Run], tmp_path: Path, encode: Callable[[str], bytes]
) -> None:
    plain = build(REFERENCE_TEXT.encode("utf-8"), output=tmp_path / "plain.docx")
    assert_built(plain)
    run = build(encode(REFERENCE_TEXT))
    assert_built(run)
    assert run.output.read_bytes() == plain.output.read_bytes()


# --- the input path ---------------------------------------------------------------------------


def test_input_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    rc = main(["build", str(folder), "-o", str(tmp_path / "out.docx")])
    err = capsys.readouterr().err
    assert rc == 1
    assert f"error: {folder}: 1 problem in the data" in err
    assert "this is a folder, not a file" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out.docx").exists()


def test_input_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "khong-co.json"
    rc = main(["build", str(missing), "-o", str(tmp_path / "out.docx")])
    err = capsys.readouterr().err
    assert rc == 1
    assert f"error: {missing}" in err
    assert "file not found" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out.docx").exists()


# --- the output path --------------------------------------------------------------------------


def test_output_folder_that_does_not_exist_is_created(build: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / "mới" / "sâu" / "hơn" / "cv.docx"
    run = build(reference(), output=target)
    assert_built(run)
    assert f"wrote {target}" in run.out


def test_output_existing_folder_gets_default_name(build: Callable[..., Run], tmp_path: Path) -> None:
    folder = tmp_path / "ra"
    folder.mkdir()
    run = build(reference(), output=folder)
    assert run.rc == 0, run.err
    assert (folder / DEFAULT_NAME).is_file()
    assert sorted(p.name for p in folder.iterdir()) == [DEFAULT_NAME]


def test_output_new_folder_with_trailing_slash_gets_default_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "letter.json"
    source.write_text(REFERENCE_TEXT, encoding="utf-8")
    folder = tmp_path / "newdir"
    rc = main(["build", str(source), "-o", f"{folder}{os.sep}"])
    capsys.readouterr()
    assert rc == 0
    assert (folder / DEFAULT_NAME).is_file()


def test_output_name_without_extension_is_a_folder(build: Callable[..., Run], tmp_path: Path) -> None:
    folder = tmp_path / "cong-van-di"
    run = build(reference(), output=folder)
    assert run.rc == 0, run.err
    assert (folder / DEFAULT_NAME).is_file()


@pytest.mark.parametrize("name", ["cv.pdf", "cv.doc", "cv.json"])
def test_output_with_another_extension_is_refused(
    build: Callable[..., Run], tmp_path: Path, name: str
) -> None:
    run = build(reference(), output=tmp_path / "ra" / name)
    assert_fails(run, name, ".docx")
    assert not (tmp_path / "ra").exists() or not any((tmp_path / "ra").iterdir())


def test_output_parent_is_a_file(build: Callable[..., Run], tmp_path: Path) -> None:
    blocker = tmp_path / "ghi-chu.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    run = build(reference(), output=blocker / "cv.docx")
    assert_fails(run, str(blocker), "cannot create the folder")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_output_grandparent_is_a_file(build: Callable[..., Run], tmp_path: Path) -> None:
    blocker = tmp_path / "ghi-chu.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    run = build(reference(), output=blocker / "sub" / "cv.docx")
    assert_fails(run, "cannot create the folder")


def test_output_default_name_is_taken_by_a_folder(build: Callable[..., Run], tmp_path: Path) -> None:
    folder = tmp_path / "ra"
    (folder / DEFAULT_NAME).mkdir(parents=True)
    run = build(reference(), output=folder)
    assert run.rc == 1
    assert "Traceback" not in run.err
    assert "is a folder" in run.err
    assert [p.name for p in folder.iterdir()] == [DEFAULT_NAME]
    assert (folder / DEFAULT_NAME).is_dir()


def test_failed_build_leaves_existing_output_untouched(build: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / "cv.docx"
    target.write_bytes(b"previous letter")
    data = reference()
    del data["subject"]
    run = build(data, output=target)
    assert run.rc == 1
    assert target.read_bytes() == b"previous letter"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cv.docx", "letter.json"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_output_file_mode_follows_umask(build: Callable[..., Run]) -> None:
    old = os.umask(0o022)
    try:
        run = build(reference())
    finally:
        os.umask(old)
    assert_built(run)
    assert run.output.stat().st_mode & 0o777 == 0o644


# --- --verbose and usage ----------------------------------------------------------------------


def test_verbose_prints_traceback_and_the_message(build: Callable[..., Run]) -> None:
    data = reference()
    del data["subject"]
    run = build(data, args=("--verbose",))
    assert run.rc == 1
    assert "Traceback" in run.err
    assert "$.subject: this field is required but missing" in run.err
    assert not run.output.exists()


def test_no_argument_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert "Missing argument" in err
    assert "Traceback" not in err


def test_unknown_command_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nosuchcommand"]) == 2
    err = capsys.readouterr().err
    assert "No such command" in err
    assert "Traceback" not in err


# --- bugs these tests found (now fixed): inputs that once ended in an internal error ----


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("1000000000000000000000000000", "1.000.000.000.000.000.000.000.000.000"),
        ("1e28", "10.000.000.000.000.000.000.000.000.000"),
    ],
    ids=["int-10e27", "decimal-1e28"],
)
def test_huge_number_in_table_cell(build: Callable[..., Run], raw: str, shown: str) -> None:
    table = '{"table": {"columns": ["Số tiền"], "rows": [[' + raw + "]]}}"
    text = REFERENCE_TEXT.replace('"body": [', f'"body": [{table}, ', 1)
    run = build(text.encode("utf-8"))
    assert "internal error" not in run.err
    assert shown in assert_built(run)


def test_deeply_nested_json(build: Callable[..., Run]) -> None:
    run = build(b"[" * 100_000 + b"]" * 100_000)
    assert "internal error" not in run.err
    assert_fails(run)


def test_number_with_superscript_digit(build: Callable[..., Run]) -> None:
    data = reference()
    data["number"] = "²"
    assert_fails(build(data), "$.number: must be a whole number")


@pytest.mark.parametrize("cell", [{"x": 1}, ["a"]], ids=["object", "list"])
def test_table_cell_of_wrong_type_is_one_problem_at_the_cell(build: Callable[..., Run], cell: Any) -> None:
    data = reference()
    _table_cell(data, cell)
    run = build(data)
    assert_fails(run, "1 problem in the data", "  - $.body[1].table.rows: row 1, cell 2 is ")
    assert "constrained-str" not in run.err


@pytest.mark.parametrize("typed", ["KT", "kt.", "Kt", " kt . "])
def test_an_authority_typed_another_way_is_read_as_the_decrees(build: Callable[..., Run], typed: str) -> None:
    data = reference()
    set_at(data, ("signer", "authority"), typed)
    run = build(data)
    assert run.rc == 0, run.err
    assert f"$.signer.authority: {json.dumps(typed)} read as 'KT.'" in run.err
    assert "KT. GIÁM ĐỐC" in run.text()


# --- in Vietnamese ----------------------------------------------------------------------------


def _problems_of(data: dict[str, Any], lang: str) -> str:
    from wfh_docs.errors import InputError
    from wfh_docs.i18n import using
    from wfh_docs.letter.sources import prepare_data, validate

    with using(lang):
        cleaned, _warnings = prepare_data(data)
        with pytest.raises(InputError) as caught:
            validate(cleaned, "cong-van.json")
        return str(caught.value)


def test_a_problem_names_its_field_by_its_label_in_vietnamese() -> None:
    data = reference()
    del data["signer"]["name"]
    data["date"] = "31/02/2020"
    english = _problems_of(copy.deepcopy(data), "en")
    assert english.startswith("cong-van.json: 2 problems in the data\n")
    assert '  - $.signer.name: this field is required but missing (add "name"' in english
    vietnamese = _problems_of(data, "vi")
    assert vietnamese.startswith("cong-van.json: dữ liệu có 2 lỗi\n")
    assert '  - Người ký (signer.name): thiếu trường bắt buộc (thêm "name"' in vietnamese
    assert "  - Ngày ban hành (date): '31/02/2020' không phải ngày có thật" in vietnamese
    # the hint of a missing field is the clerk's note on it
    assert '(thêm "name": Họ và tên người ký (ô 7b)' in vietnamese


def test_an_unknown_key_is_named_in_the_object_it_stands_in() -> None:
    data = reference()
    data["issuer"]["nam"] = "SỞ CÔNG THƯƠNG"
    assert '  - $.issuer.nam: unknown field "nam" (did you mean "name"?)' in _problems_of(
        copy.deepcopy(data), "en"
    )
    assert '  - Cơ quan ban hành (issuer.nam): trường không hợp lệ "nam"' in _problems_of(data, "vi")


def test_a_nested_field_is_named_by_its_label_in_vietnamese() -> None:
    data = reference()
    data["appendices"][0]["content"].append({"table": {"columns": ["STT"], "rows": [[1, 2]]}})
    where = f"appendices[0].content[{len(data['appendices'][0]['content']) - 1}].table"
    assert f"  - $.{where}: row 1 has 2 cells but there are 1 columns" in _problems_of(
        copy.deepcopy(data), "en"
    )
    assert f"  - Bảng ({where}): dòng 1 có 2 ô nhưng bảng có 1 cột" in _problems_of(data, "vi")


def test_warnings_of_the_tidying_name_the_field_in_vietnamese() -> None:
    from wfh_docs.i18n import using
    from wfh_docs.letter.sources import prepare_data

    data = reference()
    data["recipients"] = ["- Sở Nội vụ;", "Sở Tài chính"]
    data["signer"]["authority"] = "kt"
    with using("en"):
        english = prepare_data(copy.deepcopy(data))[1]
    with using("vi"):
        vietnamese = prepare_data(data)[1]
    assert english == [
        "$.recipients[0]: wrote \"Sở Nội vụ\"; wfhdoc adds the dash and the ';' or '.' itself",
        "$.signer.authority: \"kt\" read as 'KT.'",
    ]
    assert vietnamese == [
        'Kính gửi (recipients[0]): đã ghi thành "Sở Nội vụ"; '
        "wfhdoc tự thêm gạch đầu dòng và dấu ';' hoặc '.'",
        "Thẩm quyền ký (signer.authority): \"kt\" được hiểu là 'KT.'",
    ]


def test_every_field_of_the_letter_has_a_vietnamese_label() -> None:
    import typing

    from pydantic import BaseModel

    from wfh_docs.letter.labels import field_label
    from wfh_docs.letter.model import Heading, Letter, TableBlock

    def models(annotation: Any) -> list[type[BaseModel]]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [annotation]
        return [m for arg in typing.get_args(annotation) for m in models(arg)]

    def lists(annotation: Any) -> bool:
        return typing.get_origin(annotation) is list or any(lists(a) for a in typing.get_args(annotation))

    unnamed = []

    def walk(cls: type[BaseModel], prefix: str) -> None:
        for name, info in cls.model_fields.items():
            path = f"{prefix}.{info.alias or name}"
            if not field_label(path):
                unnamed.append(path)
            item = f"{path}[0]" if lists(info.annotation) else path
            for model in models(info.annotation):
                walk(model, item)

    walk(Letter, "$")
    for block in (Heading, TableBlock):  # a block of the body or of a phụ lục's content
        walk(block, "$.body[2]")
        walk(block, "$.appendices[1].content[3]")
    assert field_label("$.appendices[0].content[3].table.rows[1][0]") == "Ô của bảng"
    assert not unnamed


def test_template_errors_in_vietnamese(tmp_path: Path) -> None:
    from wfh_docs.errors import TemplateError
    from wfh_docs.i18n import using
    from wfh_docs.render import Template

    missing = tmp_path / "mau.docx"
    with using("en"), pytest.raises(TemplateError, match=r"mau\.docx: template not found$"):
        Template(missing)
    with using("vi"), pytest.raises(TemplateError, match=r"mau\.docx: không tìm thấy tệp mẫu$"):
        Template(missing)
