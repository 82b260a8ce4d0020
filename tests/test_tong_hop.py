"""The consolidated report of a round (wfhdoc tong-hop), on the Quảng Trị samples: every rule
with an answer that breaks it, totals recomputed from the workbook's own cells, the report's
sentences, the charts' figures read back, letters carrying their data there and back, the
decree's check on what is written, and the command from end to end."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from helpers import ROOT, require_tool
from lxml import etree
from openpyxl import load_workbook
from PIL import Image

from wfh_docs.check import check_docx
from wfh_docs.cli.tong_hop import tong_hop as tong_hop_command
from wfh_docs.errors import InputError
from wfh_docs.report.answers import Answer, check_answer
from wfh_docs.report.charts import read_data
from wfh_docs.report.collect import collect
from wfh_docs.report.consolidate import REPORT, TRACE, tong_hop
from wfh_docs.report.embed import embed_docx, read_docx
from wfh_docs.report.figures import appendix
from wfh_docs.report.form import ReportForm, load_form
from wfh_docs.report.letters import answer_letters
from wfh_docs.report.pdfdata import attach_pdf, read_pdf
from wfh_docs.report.sheet import read_workbook

SAMPLES = ROOT / "data" / "examples" / "tong-hop"
FORM = SAMPLES / "report-form.yaml"
ANSWERS = SAMPLES / "answers.xlsx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
GOOD = {
    "staff": 48, "home": 37, "office": 11, "sent": 96, "signed": 91, "meetings": 3,
    "online_services": 20, "budget": None, "mobile": "có", "readiness": "Tốt",
}  # fmt: skip


@pytest.fixture(scope="module")
def form() -> ReportForm:
    return load_form(FORM)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, form: ReportForm) -> Path:
    outdir = tmp_path_factory.mktemp("tong-hop")
    tong_hop(form, [ANSWERS], outdir, register=outdir.parent / "so-dang-ky.sqlite")
    return outdir


def _paragraphs(docx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def _answer(**changes: Any) -> Answer:
    return Answer(agency="Sở Nội vụ", origin="a.xlsx", sheet="Văn bản", row=7, raw=GOOD | changes,
                  cells={k: f"{c}7" for k, c in zip(GOOD, "ABCDEFGHIJ", strict=True)})  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "rule", "indicator", "cell"),
    [
        ({"meetings": None}, "missing", "meetings", "F7"),
        ({"meetings": "  "}, "missing", "meetings", "F7"),
        ({"meetings": "khoảng 20"}, "number", "meetings", "F7"),
        ({"meetings": 2.5}, "number", "meetings", "F7"),
        ({"meetings": -1}, "number", "meetings", "F7"),
        ({"office": 12}, "sum", "staff", "A7"),
        ({"home": 50, "office": -2}, "at-most", "home", "B7"),
        ({"signed": 97}, "at-most", "signed", "E7"),
        ({"online_services": 112}, "over-100", "online_services", "G7"),
        ({"readiness": "Rất tốt"}, "choice", "readiness", "J7"),
        ({"mobile": "có lẽ"}, "choice", "mobile", "I7"),
    ],
)
def test_each_rule_names_agency_sheet_row_cell(
    form: ReportForm, changes: dict[str, Any], rule: str, indicator: str, cell: str
) -> None:
    assert check_answer(form, _answer()) == []
    findings = check_answer(form, _answer(**changes))
    hit = [f for f in findings if f.rule == rule and f.indicator == indicator]
    assert hit, findings
    text = str(hit[0])
    for part in ("a.xlsx", "'Văn bản'", "7", cell, "Sở Nội vụ", form.indicator(indicator).label, rule):
        assert part in text, text


def test_figures_typed_as_text_read_the_vietnamese_way(form: ReportForm) -> None:
    answer = _answer(staff="1.530", home="1.245", office="285", online_services="81,4", budget="12.500.000")
    assert check_answer(form, answer) == []
    assert (answer.values["staff"], answer.values["online_services"]) == (1530, Decimal("81.4"))
    assert answer.values["budget"] == 12500000


def test_a_computed_percentage_typed_otherwise_is_found(form: ReportForm) -> None:
    findings = check_answer(form, _answer(home_rate="90"))
    assert [f.rule for f in findings] == ["computed"]
    assert "77,1" in findings[0].message
    assert check_answer(form, _answer(home_rate="77,1")) == []


def test_the_samples_mistakes_are_each_found(form: ReportForm) -> None:
    found = {
        (a.agency, f.rule, f.place.rsplit(" ", 1)[-1])
        for a in read_workbook(form, ANSWERS)
        for f in check_answer(form, a)
    }
    assert found == {
        ("Sở Tư pháp", "over-100", "AN5"),
        ("Sở Xây dựng", "sum", "AH8"),
        ("Sở Công Thương", "number", "AM14"),
        ("Thanh tra tỉnh", "at-most", "AL16"),
        ("Thanh tra tỉnh", "over-100", "signed_rate"),
        ("UBND huyện Hải Lăng", "missing", "AM24"),
    }


def _cell_value(path: Path, place: str) -> Any:
    cell = place.rsplit(" ", 1)[-1]
    wb = load_workbook(path, data_only=True)
    try:
        return wb.worksheets[0][cell].value
    finally:
        wb.close()


def test_every_total_is_recomputed_from_the_workbook_cells(out: Path, form: ReportForm) -> None:
    import json

    trace = json.loads((out / TRACE).read_text(encoding="utf-8"))
    wb = load_workbook(ANSWERS, data_only=True)
    sheet = wb.worksheets[0]
    try:
        for ident in ("staff", "home", "office", "sent", "signed", "meetings", "budget"):
            total = trace["totals"][ident]
            read = [sheet[s["place"].rsplit(" ", 1)[-1]].value for s in total["sources"]]
            assert [str(v) for v in read] == [s["value"] for s in total["sources"]]
            assert sum(int(v) for v in read) == int(total["value"])
            assert {s["agency"] for s in total["sources"]} <= set(trace["status"]["valid"])
    finally:
        wb.close()
    home, staff = trace["totals"]["home_rate"]["parts"]
    assert (home, staff) == (int(trace["totals"]["home"]["value"]), int(trace["totals"]["staff"]["value"]))
    assert Decimal(trace["totals"]["home_rate"]["value"]) == (Decimal(100 * home) / staff).quantize(
        Decimal("0.1")
    )


def _valid_rows(form: ReportForm) -> list[Answer]:
    answers = read_workbook(form, ANSWERS)
    return [a for a in answers if not check_answer(form, a)]


def test_the_report_says_the_figures_in_sentences(out: Path, form: ReportForm) -> None:
    text = _paragraphs((out / REPORT).read_bytes())
    valid = _valid_rows(form)
    home = sum(int(a.values["home"]) for a in valid)
    staff = sum(int(a.values["staff"]) for a in valid)
    assert (home, staff, len(valid)) == (1238, 1892, 20)
    assert "25/27 cơ quan, đơn vị đã báo cáo." in text
    assert "2 cơ quan, đơn vị chưa báo cáo: Sở Y tế, UBND huyện Cồn Cỏ." in text
    assert "1 cơ quan, đơn vị báo cáo sau hạn ngày 09/4/2020: UBND huyện Đakrông." in text
    assert "- 1.238/1.892 cán bộ, công chức, viên chức và người lao động (65,4 %) làm việc tại nhà." in text
    assert "- Tổng số cán bộ, công chức, viên chức và người lao động: 1.892 người." in text
    assert "- Kinh phí bảo đảm làm việc trực tuyến: 87.500.000 đồng." in text
    assert "Số liệu dưới đây được tổng hợp từ báo cáo của 20 cơ quan, đơn vị." in text
    assert text.count("Tổng cộng") == 1
    assert "Sở Xây dựng (*)" in text and "khoảng 20" in text  # in Phụ lục I as given, not added up
    assert any(t.startswith("Chưa báo cáo") for t in text)


def test_the_charts_carry_their_figures_and_are_in_the_report(out: Path, form: ReportForm) -> None:
    valid = {a.agency: a for a in _valid_rows(form)}
    png = (out / "bieu-do-2.png").read_bytes()
    data = read_data(png)
    assert data["categories"] == [a for a in valid]
    expected = [str((Decimal(100 * int(a.raw["home"])) / int(a.raw["staff"])).quantize(Decimal("0.1")))
                for a in valid.values()]  # fmt: skip
    assert data["series"]["%"] == expected
    assert data["overall"] == "65.4"
    with Image.open(io.BytesIO(png)) as image:
        assert round(image.info["dpi"][0]) >= 200
        assert image.mode in ("RGBA", "RGB")
    stacked = read_data((out / "bieu-do-1.png").read_bytes())
    assert list(stacked["series"]) == ["Làm việc tại nhà", "Trực tại cơ quan"]
    charts = sorted(out.glob("bieu-do-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    with zipfile.ZipFile(out / REPORT) as z:  # drawn by the render package, in the body's order
        media = [z.read(f"word/media/image{n}.png") for n in range(1, len(charts) + 1)]
        assert "media/image2.png" in z.read("word/_rels/document.xml.rels").decode()
    assert media == [p.read_bytes() for p in charts] and media[1] == png
    shapes = Document(str(out / REPORT)).inline_shapes
    assert len(shapes) == len(charts)
    with Image.open(io.BytesIO(png)) as image:  # at the text's width, in the chart's proportions
        assert abs(shapes[1].height / shapes[1].width - image.height / image.width) < 0.001
    text = _paragraphs((out / REPORT).read_bytes())
    assert not any("[[wfhdoc:" in t for t in text)
    assert text.count("") >= len(charts) and any(t.startswith("Biểu đồ 2. ") for t in text)


def test_the_report_carries_its_totals(out: Path, form: ReportForm) -> None:
    import json

    trace = json.loads((out / TRACE).read_text(encoding="utf-8"))
    [(form_id, totals)] = read_docx(out / REPORT)
    assert form_id == form.id and totals.agency == "Sở Thông tin và Truyền thông"
    assert totals.raw["home"] == int(trace["totals"]["home"]["value"]) == 1238
    assert totals.raw["home_rate"] == Decimal("65.4")


def test_the_report_and_the_reminders_pass_the_check(out: Path) -> None:
    letters = [out / REPORT, *sorted((out / "don-doc").glob("*.docx"))]
    assert len(letters) == 1 + 7
    for letter in letters:
        errors = [f for f in check_docx(letter.read_bytes()) if f.severity == "error"]
        assert errors == [], (letter.name, [str(e) for e in errors])


def test_the_reminders_are_numbered_from_the_register(out: Path) -> None:
    import json

    manifest = json.loads((out / "don-doc" / "manifest.json").read_text(encoding="utf-8"))
    rows = manifest["rows"] if isinstance(manifest, dict) else manifest
    assert [r["number"] for r in rows] == [f"{n:02d}/STTTT-CNTT" for n in range(1, 8)]
    first = _paragraphs((out / "don-doc" / "don-doc-01.docx").read_bytes())
    assert any("chưa nhận được báo cáo của Sở Y tế" in t for t in first)
    fix = _paragraphs((out / "don-doc" / "don-doc-03.docx").read_bytes())
    assert any("Sở Tư pháp" in t and "chưa hợp lệ" in t for t in fix)


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory, form: ReportForm) -> Path:
    folder = tmp_path_factory.mktemp("letters")
    built = answer_letters(form, ANSWERS, folder)
    assert len(built.written) == 20 and built.problems == []
    return folder


def test_letters_round_trip_their_figures(letters: Path, form: ReportForm) -> None:
    by_agency = {a.agency: a for a in _valid_rows(form)}
    for path in sorted(letters.glob("*.docx")):
        [(form_id, answer)] = read_docx(path)
        assert form_id == form.id
        assert answer.raw == by_agency[answer.agency].values
        assert check_answer(form, answer) == []
        errors = [f for f in check_docx(path.read_bytes()) if f.severity == "error"]
        assert errors == []


def test_embedding_keeps_every_other_member_byte_for_byte(form: ReportForm) -> None:
    from wfh_docs.letter.sources import load_letter
    from wfh_docs.render.template import render

    plain = render(load_letter(ROOT / "data" / "examples" / "bao-cao-gui-cap-tren.json").letter).data
    answer = _answer()
    check_answer(form, answer)
    carried = embed_docx(plain, form.id, answer)
    with zipfile.ZipFile(io.BytesIO(plain)) as a, zipfile.ZipFile(io.BytesIO(carried)) as b:
        changed = {"[Content_Types].xml", "word/_rels/document.xml.rels"}
        for name in a.namelist():
            if name not in changed:
                assert a.read(name) == b.read(name), name
        assert set(b.namelist()) - set(a.namelist()) == {
            "customXml/item1.xml", "customXml/itemProps1.xml", "customXml/_rels/item1.xml.rels"
        }  # fmt: skip
        assert "../customXml/item1.xml" in b.read("word/_rels/document.xml.rels").decode()
        assert "/customXml/itemProps1.xml" in b.read("[Content_Types].xml").decode()
    [(_, back)] = read_docx("x.docx", carried)
    assert back.raw == answer.values


def test_a_pdf_carries_the_answer_as_an_attached_file(tmp_path: Path, form: ReportForm) -> None:
    original = sorted((ROOT / "tests" / "data" / "signed-pdfs").glob("*.pdf"))[0].read_bytes()
    answer = _answer()
    check_answer(form, answer)
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(attach_pdf(original, form.id, answer))
    assert pdf.read_bytes().startswith(original)  # an incremental update: the signed bytes kept
    [(form_id, back)] = read_pdf(pdf)
    assert (form_id, back.raw, back.agency) == (form.id, answer.values, "Sở Nội vụ")


def test_a_hostile_data_part_is_read_without_entities(tmp_path: Path) -> None:
    from wfh_docs.report.embed import parse_answer

    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<wfh:answer xmlns:wfh="urn:wfhdoc:report:1" form="f" agency="A&x;"/>'
    )
    with pytest.raises(InputError) as caught:
        parse_answer(xxe, "x.docx", "customXml/item1.xml")
    assert "customXml/item1.xml" in str(caught.value) and "root:" not in str(caught.value)
    laughs = b'<!DOCTYPE a [<!ENTITY l "lol">]><wfh:answer xmlns:wfh="urn:wfhdoc:report:1" form="f"/>'
    with pytest.raises(InputError):
        parse_answer(laughs, "x.docx", "customXml/item1.xml")
    with pytest.raises(InputError):
        parse_answer(b"<wfh:answer", "x.docx", "customXml/item1.xml")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(Exception) as broken:
        read_docx(bad)
    assert "bad.docx" in str(broken.value)


def test_duplicates_and_conflicts_are_reported(tmp_path: Path, letters: Path, form: ReportForm) -> None:
    collected = collect(form, [ANSWERS, letters])
    duplicates = [n for n in collected.notes if "same figures" in n]
    assert len(duplicates) == 20
    one = sorted(letters.glob("*.docx"))[0]
    [(_, answer)] = read_docx(one)
    answer.values = dict(answer.raw) | {"meetings": 99}
    other = tmp_path / "other.docx"
    other.write_bytes(embed_docx(_strip_custom(one.read_bytes()), form.id, answer))
    collected = collect(form, [ANSWERS, other])
    [conflict] = [n for n in collected.notes if "other figures" in n]
    assert answer.agency in conflict and "meetings" in conflict and "99" in conflict


def _strip_custom(docx: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if not info.filename.startswith("customXml/"):
                zout.writestr(info, zin.read(info.filename))
    return out.getvalue()


def test_the_command_end_to_end_and_its_files_kept(tmp_path: Path) -> None:
    import hashlib

    outdir = tmp_path / "out"
    args = [str(ANSWERS), "--report", str(FORM), "-o", str(outdir)]
    before = hashlib.sha256(ANSWERS.read_bytes()).hexdigest(), hashlib.sha256(FORM.read_bytes()).hexdigest()
    runner = CliRunner()
    first = runner.invoke(tong_hop_command, args)
    assert first.exit_code == 0, (first.output, first.exception)
    assert "25/27" in first.output
    for name in (REPORT, TRACE, "bieu-do-1.png", "bieu-do-2.png", "bieu-do-3.png", "don-doc.json"):
        assert (outdir / name).is_file(), name
    reminders = sorted((outdir / "don-doc").glob("*.docx"))
    assert len(reminders) == 7
    for letter in reminders:  # unnumbered, undated: left for the document system
        assert [f for f in check_docx(letter.read_bytes()) if f.severity == "error"] == [], letter.name
        assert any(t.startswith("Số:") for t in _paragraphs(letter.read_bytes()))
    again = runner.invoke(tong_hop_command, args)
    assert again.exit_code == 0, (again.output, again.exception)
    (outdir / "bieu-do-1.png").write_bytes(b"my own picture")
    kept = runner.invoke(tong_hop_command, args)
    assert kept.exit_code != 0
    assert (outdir / "bieu-do-1.png").read_bytes() == b"my own picture"
    after = hashlib.sha256(ANSWERS.read_bytes()).hexdigest(), hashlib.sha256(FORM.read_bytes()).hexdigest()
    assert after == before  # the inputs untouched


def test_the_phu_luc_of_a_letter_writes_figures_the_vietnamese_way(form: ReportForm) -> None:
    answer = _answer(staff=1530, home=1245, office=285, budget=12500000)
    assert check_answer(form, answer) == []
    rows = {r[1]: r[3] for r in appendix(form, answer)["content"][0]["table"]["rows"]}
    assert rows["Tổng số cán bộ, công chức, viên chức và người lao động"] == "1.530"
    assert rows["Tỷ lệ làm việc tại nhà"] == "81,4"
    assert rows["Kinh phí bảo đảm làm việc trực tuyến"] == "12.500.000"
    assert rows["Xử lý văn bản trên thiết bị di động"] == "Có"


def test_the_samples_are_made_again_byte_for_byte(tmp_path: Path) -> None:
    import subprocess
    import sys

    subprocess.run([sys.executable, str(ROOT / "tools" / "make_tong_hop_samples.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)  # fmt: skip
    for name in ("report-form.yaml", "answers.xlsx"):
        # compared by hash: pytest's diff of two large byte strings takes minutes
        made, kept = (hashlib.sha256((d / name).read_bytes()).hexdigest() for d in (tmp_path, SAMPLES))
        assert made == kept, f"{name}: run tools/make_tong_hop_samples.py and commit what it writes"


def _audit(path: Path) -> list[str]:
    from openxml_audit import OpenXmlValidator

    result = OpenXmlValidator().validate(str(path))
    return [f"{e.error_type}: {e.description} at {e.part_uri} {e.path}" for e in result.errors]


def test_pictures_and_data_parts_add_no_open_xml_finding(out: Path, letters: Path, tmp_path: Path) -> None:
    import json

    from wfh_docs.batch.prepare import prepare
    from wfh_docs.letter.images import images_beside
    from wfh_docs.render.template import Template

    assert _audit(sorted(letters.glob("*.docx"))[0]) == []
    assert _audit(out / REPORT) == []
    # the report's data, written beside its charts, names them by file: built again from there,
    # it is the same report but for its embedded totals
    data = json.loads((out / "bao-cao-tong-hop.json").read_text(encoding="utf-8"))
    files = [b["image"]["file"] for b in data["body"] if isinstance(b, dict) and "image" in b]
    assert files == ["bieu-do-1.png", "bieu-do-2.png", "bieu-do-3.png"]
    with images_beside(out):
        letter = prepare(data).letter
    assert letter is not None
    again = Template().render(letter).data
    with zipfile.ZipFile(io.BytesIO(again)) as z, zipfile.ZipFile(out / REPORT) as report:
        for name in ("word/document.xml", "word/media/image1.png", "word/media/image3.png"):
            assert z.read(name) == report.read(name), name


def test_letters_as_pdf_carry_their_figures(tmp_path: Path, form: ReportForm) -> None:
    import shutil

    from wfh_docs.pdf.soffice import find_soffice
    from wfh_docs.report.letters import Letters, attach_pdfs

    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    built = answer_letters(form, ANSWERS, tmp_path / "all")
    one = Letters()
    first = built.written[0]
    shutil.copy(first, tmp_path / first.name)
    one.written = [tmp_path / first.name]
    one.answers = {first.name: built.answers[first.name]}
    attach_pdfs(form, one, tmp_path)
    assert one.problems == []
    [pdf] = one.pdfs
    [(form_id, back)] = read_pdf(pdf)
    assert (form_id, back.raw) == (form.id, built.answers[first.name].values)
    assert collect(form, [pdf]).answers[back.agency].values == built.answers[first.name].values


def test_a_workbook_without_figures_is_named_with_a_header_to_add(form: ReportForm) -> None:
    plain = ROOT / "data" / "examples" / "bao-cao-wfh-quang-tri.xlsx"
    with pytest.raises(InputError) as caught:
        read_workbook(form, plain)
    text = str(caught.value)
    assert "bao-cao-wfh-quang-tri.xlsx" in text and "[staff]" in text


def test_answers_of_another_form_or_agency_are_left_out_and_said(tmp_path: Path, form: ReportForm) -> None:
    from wfh_docs.letter.sources import load_letter
    from wfh_docs.render.template import render

    plain = render(load_letter(ROOT / "data" / "examples" / "bao-cao-gui-cap-tren.json").letter).data
    other_form = _answer()
    check_answer(form, other_form)
    (tmp_path / "a.docx").write_bytes(embed_docx(plain, "another-round", other_form))
    stranger = _answer()
    stranger.agency = "Sở Ngoại vụ tỉnh khác"
    check_answer(form, stranger)
    (tmp_path / "b.docx").write_bytes(embed_docx(plain, form.id, stranger))
    collected = collect(form, [tmp_path])
    assert collected.answers == {}
    assert any("another-round" in n and "a.docx" in n for n in collected.notes)
    assert any("Sở Ngoại vụ tỉnh khác" in n and "b.docx" in n for n in collected.notes)


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from wfh_docs.cli import main

    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_mau_excel_report_writes_the_agencies_workbook(
    tmp_path: Path, form: ReportForm, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "so-lieu.xlsx"
    code, out, err = _cli(["mau-excel", "--report", str(FORM), str(target)], capsys)
    assert (code, err) == (0, "") and str(target) in out
    ws = load_workbook(target).active
    assert ws is not None
    headers = [c.value for c in ws[1]]
    assert "Tổng số cán bộ, công chức, viên chức và người lao động (người) [staff] *" in headers
    assert all(f"[{i.id}]" in " ".join(map(str, headers)) for i in form.indicators if i.typed)
    assert not any("[home_rate]" in str(h) for h in headers)  # computed, not typed
    assert "SỞ CÔNG THƯƠNG" in [c.value for c in ws[2]]  # the example row: the reference letter
    again, _out, kept = _cli(["mau-excel", "--report", str(FORM), str(target)], capsys)
    assert again == 1 and "--overwrite" in kept  # a filled workbook is never replaced
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    code, _out, said = _cli(["mau-excel", "--report", str(bad), str(tmp_path / "x.xlsx")], capsys)
    assert code == 1 and "bad.yaml" in said and not (tmp_path / "x.xlsx").exists()


def test_batch_report_builds_each_agencys_letter_with_its_figures(
    tmp_path: Path, form: ReportForm, capsys: pytest.CaptureFixture[str]
) -> None:
    outdir = tmp_path / "out"
    code, out, err = _cli(["batch", str(ANSWERS), "--report", str(FORM), "-o", str(outdir)], capsys)
    assert code == 1  # the sample's wrong answers are named, and not built
    assert "20 letters in" in out
    assert "Thanh tra tỉnh" in err and "at-most" in err and "AL16" in err
    by_agency = {a.agency: a for a in _valid_rows(form)}
    letters = sorted(outdir.glob("*.docx"))
    assert len(letters) == 20
    for path in letters[:3]:
        [(form_id, answer)] = read_docx(path)
        assert form_id == form.id and answer.raw == by_agency[answer.agency].values
        assert any(t.startswith("Phụ lục") for t in _paragraphs(path.read_bytes()))
    refused, _out, said = _cli(
        ["batch", str(ANSWERS), "--report", str(FORM), "-o", str(outdir), "--register", "r.sqlite"], capsys
    )
    assert refused == 2 and "--register cannot be used with --report" in said


def test_batch_report_with_pdf_attaches_the_figures(
    tmp_path: Path, form: ReportForm, capsys: pytest.CaptureFixture[str]
) -> None:
    from wfh_docs.pdf.soffice import find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    answers = tmp_path / "answers.xlsx"
    wb = load_workbook(ANSWERS)
    ws = wb.active
    assert ws is not None
    ws.delete_rows(3, ws.max_row)  # one agency is enough for a PDF
    wb.save(answers)
    outdir = tmp_path / "out"
    code, out, err = _cli(["batch", str(answers), "--report", str(FORM), "-o", str(outdir), "--pdf"], capsys)
    assert code == 0, err
    assert "1 letter in" in out and "1 PDF carrying its figures" in out
    [pdf] = outdir.glob("*.pdf")
    [(form_id, back)] = read_pdf(pdf)
    [(_, docx_answer)] = read_docx(pdf.with_suffix(".docx"))
    assert form_id == form.id and back.raw == docx_answer.raw


def test_batch_report_with_pdfa_makes_pdf_a_3_carrying_the_figures(
    tmp_path: Path, form: ReportForm, capsys: pytest.CaptureFixture[str]
) -> None:
    # PDF/A-2 allows no attached file of this kind; PDF/A-3 does, with the file's relationship
    # to the document (AFRelationship) listed in the catalog's /AF (ISO 19005-3, 6.8)
    require_tool("soffice")
    answers = tmp_path / "answers.xlsx"
    wb = load_workbook(ANSWERS)
    ws = wb.active
    assert ws is not None
    ws.delete_rows(3, ws.max_row)
    wb.save(answers)
    outdir = tmp_path / "out"
    args = ["batch", str(answers), "--report", str(FORM), "-o", str(outdir), "--pdf", "--pdfa"]
    code, out, err = _cli(args, capsys)
    assert code == 0, err
    [pdf] = outdir.glob("*.pdf")
    data = pdf.read_bytes()
    assert re.search(rb"<pdfaid:part>3</pdfaid:part>|pdfaid:part=\"3\"", data)
    from pyhanko.pdf_utils.reader import PdfFileReader

    root = PdfFileReader(io.BytesIO(data), strict=False).root
    [spec] = [s.get_object() for s in root["/AF"]]
    assert spec["/AFRelationship"] == "/Data" and spec["/F"] == "wfhdoc-answer.xml"
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/xml"
    [(form_id, _answer)] = read_pdf(pdf)
    assert form_id == form.id
