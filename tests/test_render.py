"""The renderer's rules: punctuation it adds, forms it chooses, and what it refuses to lose."""

from __future__ import annotations

import copy
import json
import re
import zipfile
from pathlib import Path

import pytest
from helpers import REFERENCE_JSON, ROOT

from wfh_docs.check.docx import Docx
from wfh_docs.errors import RenderError, TemplateError
from wfh_docs.letter.model import Letter
from wfh_docs.letter.sources import validate
from wfh_docs.render import W_NS, Template, cc_lines, inline, recipient_lines


def reference_data() -> dict:
    return json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))


def letter(**changes: object) -> Letter:
    data = copy.deepcopy(reference_data())
    for key, value in changes.items():
        target = data
        *path, last = key.split("__")
        for part in path:
            target = target[part]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return validate(data, "test")


def lines(template: Template, let: Letter) -> list[str]:
    return [p.text for p in Docx(template.render(let).data).paragraphs() if p.text]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("plain", [("plain", False, False)]),
        ("**Bold:** rest", [("Bold:", True, False), (" rest", False, False)]),
        ("a *it* b", [("a ", False, False), ("it", False, True), (" b", False, False)]),
        ("**a *b* c**", [("a ", True, False), ("b", True, True), (" c", True, False)]),
        ("2 * 3 = 6", [("2 * 3 = 6", False, False)]),  # spaced asterisks are text
        ("Ghi chú (*)", [("Ghi chú (*)", False, False)]),  # unpaired: kept
        ("**chưa đóng", [("**chưa đóng", False, False)]),
        ("\\*literal\\*", [("*literal*", False, False)]),
        ("a\\\\b", [("a\\b", False, False)]),
        ("****", [("****", False, False)]),
        ("x ** y ** z", [("x ** y ** z", False, False)]),
    ],
)
def test_inline_markup(text: str, spans: list[tuple[str, bool, bool]]) -> None:
    got = [(s.text, s.bold, s.italic) for s in inline.parse(text)]
    assert got == spans
    assert inline.plain(text) == "".join(s[0] for s in spans)


def test_noi_nhan_lines() -> None:
    assert cc_lines(letter()) == ["Như trên;", "Lãnh đạo Sở;", "Lưu: VT, VP."]
    assert cc_lines(letter(cc=[])) == ["Như trên;", "Lưu: VT, VP."]
    with_copies = letter(archive={"unit": "TH", "copies": 2}, drafter={"initials": "NVA", "copies": 15})
    assert cc_lines(with_copies)[-1] == "Lưu: VT, TH (2). NVA.(15)."


def test_recipient_punctuation() -> None:
    assert recipient_lines(letter()) == ["Sở Thông tin và Truyền thông Quảng Trị"]
    several = letter(recipients=["Sở Tài chính", "Sở Nội vụ", "UBND các huyện"])
    assert recipient_lines(several) == ["Sở Tài chính;", "Sở Nội vụ;", "UBND các huyện."]


def test_several_recipients_are_listed_under_kinh_gui(template: Template) -> None:
    got = lines(template, letter(recipients=["Sở Tài chính", "Sở Nội vụ"]))
    i = got.index("Kính gửi:")
    assert got[i + 1 : i + 3] == ["- Sở Tài chính;", "- Sở Nội vụ."]


def test_several_recipients_dashes_stand_under_the_colon(template: Template) -> None:
    docx = Docx(template.render(letter(recipients=["Sở Tài chính", "Sở Nội vụ"])).data)
    head = next(p for p in docx.paragraphs() if p.text == "Kính gửi:")
    item = next(p for p in docx.paragraphs() if p.text == "- Sở Tài chính;")
    from wfh_docs.letter.metrics import text_width_twips

    colon = head.props.ind["left"] + text_width_twips("Kính gửi", 14)
    dash = item.props.ind["left"] - item.props.ind.get("hanging", 0)
    assert abs(dash - colon) < 40  # within 2 pt of the colon


@pytest.mark.parametrize(
    ("signer", "block"),
    [
        (
            {"authority": "KT.", "head_title": "GIÁM ĐỐC", "title": "PHÓ GIÁM ĐỐC", "name": "A"},
            ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "A"],
        ),
        (
            {"authority": "TM.", "head_title": "ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": "B"},
            ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "B"],
        ),
        (
            {
                "authority": "TM.",
                "head_title": "ỦY BAN NHÂN DÂN",
                "deputy_of": "CHỦ TỊCH",
                "title": "PHÓ CHỦ TỊCH",
                "name": "C",
            },
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "C"],
        ),
        (
            {"authority": "TL.", "head_title": "GIÁM ĐỐC", "title": "CHÁNH VĂN PHÒNG", "name": "D"},
            ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "D"],
        ),
        (
            {"authority": "TUQ.", "head_title": "CHỦ TỊCH", "title": "GIÁM ĐỐC SỞ NỘI VỤ", "name": "E"},
            ["TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ NỘI VỤ", "E"],
        ),
        ({"authority": "Q.", "head_title": "GIÁM ĐỐC", "name": "F"}, ["Q. GIÁM ĐỐC", "F"]),
        ({"title": "GIÁM ĐỐC", "name": "G"}, ["GIÁM ĐỐC", "G"]),
        (
            {"title": "GIÁM ĐỐC", "other_title": "CHỦ TỊCH HỘI ĐỒNG", "name": "H"},
            ["GIÁM ĐỐC", "CHỦ TỊCH HỘI ĐỒNG", "H"],
        ),
    ],
)
def test_signature_block_forms(template: Template, signer: dict, block: list[str]) -> None:
    got = lines(template, letter(signer=signer))
    start = got.index(block[0])
    assert got[start : start + len(block)] == block


@pytest.mark.parametrize(
    ("signer", "message"),
    [
        ({"authority": "KT.", "head_title": "GIÁM ĐỐC", "name": "A"}, "own 'title'"),
        ({"authority": "KT.", "title": "PHÓ GIÁM ĐỐC", "name": "A"}, "head_title"),
        ({"head_title": "GIÁM ĐỐC", "name": "A"}, "authority"),
        ({"authority": "Q.", "head_title": "GIÁM ĐỐC", "title": "PHÓ GIÁM ĐỐC", "name": "A"}, "acting head"),
        (
            {"authority": "KT.", "head_title": "X", "deputy_of": "Y", "title": "Z", "name": "A"},
            "only for 'TM.'",
        ),
    ],
)
def test_inconsistent_signers_are_refused(signer: dict, message: str) -> None:
    from wfh_docs.errors import InputError

    with pytest.raises(InputError) as info:
        letter(signer=signer)
    assert message in str(info.value)


def test_blank_number_and_date_for_the_document_system(template: Template) -> None:
    # the blanks' widths are vn.py's; what matters here is that they are blanks of spaces
    got = "\n".join(lines(template, letter(number=None, date=None)))
    assert re.search(r"^Số: {3,}/SCT-VP$", got, re.M)
    assert re.search(r"^Quảng Trị, ngày {3,}tháng {3,}năm {3,}$", got, re.M)
    assert re.search(r"^\(Kèm theo Công văn số: {3,}/SCT-VP ngày {3,}của Sở Công Thương\)$", got, re.M)


@pytest.mark.parametrize(("number", "shown"), [(5, "Số: 05/SCT-VP"), (10, "Số: 10/SCT-VP")])
def test_small_numbers_are_zero_padded(template: Template, number: int, shown: str) -> None:
    assert shown in lines(template, letter(number=number))


@pytest.mark.parametrize(
    ("date", "shown"),
    [
        ("2021-01-05", "Quảng Trị, ngày 05 tháng 01 năm 2021"),
        ("2021-02-28", "Quảng Trị, ngày 28 tháng 02 năm 2021"),
        ("2021-03-09", "Quảng Trị, ngày 09 tháng 3 năm 2021"),
        ("2021-12-31", "Quảng Trị, ngày 31 tháng 12 năm 2021"),
        ("08/04/2020", "Quảng Trị, ngày 08 tháng 4 năm 2020"),
    ],
)
def test_date_line(template: Template, date: str, shown: str) -> None:
    assert shown in lines(template, letter(date=date))


def test_closing_mark_is_added_once(template: Template) -> None:
    got = lines(template, letter(body=["Một.", "Hai./."]))
    assert "Hai./." in got and "Một." in got
    got = lines(template, letter(body=["Không dấu chấm"]))
    assert "Không dấu chấm./." in got


def test_two_appendices_get_roman_numbers_and_a_table(template: Template) -> None:
    appendices = [
        {"title": "Danh sách", "content": ["Nội dung một."]},
        {
            "title": "Số liệu",
            "landscape": True,
            "content": [
                {
                    "table": {
                        "columns": ["STT", "Đơn vị", "Số người"],
                        "rows": [[1, "Văn phòng", 1234]],
                        "widths": [1, 5, 2],
                    }
                },
            ],
        },
    ]
    docx = Docx(template.render(letter(appendices=appendices)).data)
    texts = [p.text for p in docx.paragraphs()]
    assert "Phụ lục I" in texts and "Phụ lục II" in texts
    assert "1.234" in texts  # numbers grouped the Vietnamese way
    sections = docx.sections()
    assert len(sections) == 3
    assert sections[-1].orient == "landscape" and sections[-1].page_width > sections[-1].page_height
    header = next(p for p in docx.paragraphs() if p.text == "Số người")
    assert header.in_table and {r.bold for r in header.run_props()} == {True}


def test_the_same_letter_gives_the_same_bytes(template: Template) -> None:
    one = template.render(letter()).data
    two = Template().render(letter()).data
    assert one == two


def test_document_properties_come_from_the_data(template: Template) -> None:
    with zipfile.ZipFile(__import__("io").BytesIO(template.render(letter()).data)) as zf:
        core = zf.read("docProps/core.xml").decode()
        infos = zf.infolist()
    assert "<dc:title>V/v báo cáo tình hình" in core
    assert "2020-04-08T00:00:00Z" in core and "451/SCT-VP" in core
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def _template_with(tmp_path: Path, find: str, replace: str, part: str = "word/document.xml") -> Path:
    """The default template with `find` replaced, once, in `part`."""
    source = Path(Template().path)
    target = tmp_path / "t.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                text = data.decode()
                assert find in text
                data = text.replace(find, replace, 1).encode()
            zout.writestr(info, data)
    return target


@pytest.mark.parametrize(
    ("find", "replace", "error", "match"),
    [
        # a field dropped: the letter would lose the signer's name
        ("{{ signer.name }}", "", RenderError, "missing from the rendered letter"),
        # the body dropped: it is set aside while rendering, and still missed
        ("{{p body }}", "", RenderError, "missing from the rendered letter"),
        ("{{ signer.name }}", "{{ signer.nmae }}", TemplateError, "nmae"),
        # every value reaches the template escaped; only the template itself can break the XML
        ("{{ signer.name }}", "{{ '<w:p>'|safe }}{{ signer.name }}", RenderError, "not well-formed after"),
    ],
    ids=["drops-a-field", "drops-the-body", "unknown-variable", "writes-broken-xml"],
)
def test_a_broken_template_is_caught(
    tmp_path: Path, find: str, replace: str, error: type[Exception], match: str
) -> None:
    broken = _template_with(tmp_path, find, replace)
    with pytest.raises(error, match=match):
        Template(broken).render(letter())


def test_a_template_with_broken_tag_syntax_is_refused(tmp_path: Path) -> None:
    broken = _template_with(tmp_path, "{{ signer.name }}", "{{ signer.name ")
    with pytest.raises(TemplateError, match=r"unclosed tag.*signer\.name"):
        Template(broken)


def test_a_template_tag_split_by_word_still_works(tmp_path: Path) -> None:
    # Word splits runs at spell-check marks: {{ signer.name }} arrives in three runs
    split = (
        '{{ signer.</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:t>name</w:t></w:r>'
        '<w:proofErr w:type="spellEnd"/><w:r><w:t xml:space="preserve"> }}'
    )
    patched = _template_with(tmp_path, "{{ signer.name }}", split)
    assert "Nguyễn Hữu Hưng" in lines(Template(patched), letter())


def test_a_template_without_the_needed_styles_is_refused(tmp_path: Path) -> None:
    target = _template_with(tmp_path, 'w:styleId="NoiDung"', 'w:styleId="Body"', part="word/styles.xml")
    with zipfile.ZipFile(target) as zf:
        assert 'w:styleId="NoiDung"' not in zf.read("word/styles.xml").decode()
    with pytest.raises(TemplateError, match="NoiDung"):
        Template(target)


@pytest.mark.parametrize("bad", ["missing.docx", "folder", "notzip.docx"])
def test_unusable_template_files(tmp_path: Path, bad: str) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "notzip.docx").write_text("hello")
    with pytest.raises(TemplateError):
        Template(tmp_path / bad)


@pytest.mark.parametrize("source", sorted((ROOT / "data" / "examples").glob("*.json")), ids=lambda p: p.stem)
def test_fast_text_reading_agrees_with_the_xml_parser(template: Template, source: Path) -> None:
    # the verification reads text with a regular expression; it must see what lxml sees
    from wfh_docs.letter.sources import load_letter
    from wfh_docs.render import document_text, xml_text

    with zipfile.ZipFile(__import__("io").BytesIO(template.render(load_letter(source).letter).data)) as zf:
        parts = {
            n: zf.read(n) for n in zf.namelist() if re.match(r"word/(document|header\d*|footer\d*)\.xml$", n)
        }
    for name, data in parts.items():
        assert xml_text(data) == document_text({name: data})


def test_the_zip_is_a_valid_zip_with_fixed_times(template: Template) -> None:
    data = template.render(letter()).data
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as zf:
        assert zf.testzip() is None
        infos = zf.infolist()
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert [i.filename for i in infos][:2] == ["[Content_Types].xml", "_rels/.rels"]
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)


def test_signature_line_is_the_structure_word_writes(template: Template, tmp_path: Path) -> None:
    from lxml import etree as et

    from wfh_docs.render import signatureline

    data = template.render(letter(), signature_line=True).data
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as zf:
        document = et.fromstring(zf.read("word/document.xml"))
        rels = zf.read("word/_rels/document.xml.rels").decode()
        types = zf.read("[Content_Types].xml").decode()
        picture = zf.read(signatureline.MEDIA)
    ns = {
        "w": W_NS,
        "v": "urn:schemas-microsoft-com:vml",
        "o": "urn:schemas-microsoft-com:office:office",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    (line,) = document.findall(".//w:pict/v:shape/o:signatureline", ns)
    assert line.get("issignatureline") == "t"
    assert re.fullmatch(r"\{[0-9A-F-]{36}\}", line.get("id", ""))
    assert line.get("provid") == "{00000000-0000-0000-0000-000000000000}"
    assert line.get("{urn:schemas-microsoft-com:office:office}suggestedsigner") == "Nguyễn Hữu Hưng"
    assert (
        line.get("{urn:schemas-microsoft-com:office:office}suggestedsigner2") == "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC"
    )
    shape = line.getparent()
    assert shape.get("alt") == "Microsoft Office Signature Line..."
    image = shape.find("v:imagedata", ns)
    rel_id = image.get(f"{{{ns['r']}}}id")
    assert f'Id="{rel_id}"' in rels and "media/wfh-signature-line.png" in rels
    assert 'Extension="png" ContentType="image/png"' in types
    assert picture.startswith(b"\x89PNG\r\n\x1a\n")
    # it stands in the signature block, between the title and the name
    cell_texts = [
        p.text for p in Docx(data).paragraphs() if p.in_table and p.cell == 1 and p.table_index == 1
    ]
    assert cell_texts[-1] == "Nguyễn Hữu Hưng"
    # the same letter gives the same file, signature line included
    assert template.render(letter(), signature_line=True).data == data


def test_signature_line_letter_passes_audit_and_opens_in_libreoffice(
    template: Template, tmp_path: Path
) -> None:
    from helpers import soffice_pdf
    from openxml_audit import OpenXmlValidator

    path = tmp_path / "signature-line.docx"
    path.write_bytes(template.render(letter(), signature_line=True).data)
    assert OpenXmlValidator().validate(str(path)).errors == []
    soffice_pdf([path], tmp_path, timeout=180)
    assert (tmp_path / "signature-line.pdf").read_bytes().startswith(b"%PDF")


def _parts_text(data: bytes) -> dict[str, str]:
    from wfh_docs.render import document_text

    with zipfile.ZipFile(__import__("io").BytesIO(data)) as zf:
        return {
            n: document_text({n: zf.read(n)})
            for n in zf.namelist()
            if re.match(r"word/(document|header\d*|footer\d*)\.xml$", n)
        }


def test_the_text_verified_is_the_text_a_reader_sees(monkeypatch: pytest.MonkeyPatch) -> None:
    # the document is put together from pieces (the body and each phụ lục set aside, checked
    # and read once); the text the verification searches must be the finished letter's
    import wfh_docs.render.template as render_module

    seen: list[str] = []
    monkeypatch.setattr(render_module, "verify", lambda _letter, text: seen.append(text))
    template = Template()
    data = template.render(letter()).data
    parts = _parts_text(data)
    rendered = template.rendered_parts  # the parts with tags in them
    assert rendered == ["word/document.xml", "word/footer1.xml"]
    # a newline ends the document's last paragraph too
    assert seen == ["\n".join(parts[n] + "\n" * (n == "word/document.xml") for n in rendered)]


def test_a_letter_is_the_same_bytes_whatever_was_rendered_before() -> None:
    first = Template()
    alone = first.render(letter()).data
    other = letter(number=452, recipients=["UBND huyện Gio Linh"])
    warm = Template()
    warm.render(other)
    assert warm.render(letter()).data == alone  # its body and phụ lục were seen, not this letter
    assert first.render(letter()).data == alone
    assert warm.render(other).data == first.render(other).data


def test_a_set_aside_block_is_checked_before_it_is_used() -> None:
    from wfh_docs.render import DEFAULT_TEMPLATE
    from wfh_docs.render.assemble import Assembler

    with zipfile.ZipFile(DEFAULT_TEMPLATE) as zf:
        document = zf.read("word/document.xml")
    with pytest.raises(RenderError, match=r"word/document.xml \(body or phụ lục\) is not well-formed"):
        Assembler(document).piece('<w:p><w:r><w:t xml:space="preserve">a</w:t></w:r>')
    with pytest.raises(RenderError, match="not well-formed"):
        Assembler(document).piece("<x:p/>")  # a prefix the document does not declare


def test_markup_a_template_lets_through_is_checked_with_its_prefixes(tmp_path: Path) -> None:
    # every letter is checked with its namespaces: markup a |safe filter lets through too
    raw = _template_with(tmp_path, "{{ signer.name }}", "{{ '<x:y/>'|safe }}{{ signer.name }}")
    with pytest.raises(RenderError, match="unbound prefix"):
        Template(raw).render(letter())


def test_a_template_with_an_undeclared_prefix_is_caught(tmp_path: Path) -> None:
    broken = _template_with(tmp_path, "<w:body>", "<w:body><x:note/>")
    with pytest.raises(RenderError, match="unbound prefix"):
        Template(broken).render(letter())
