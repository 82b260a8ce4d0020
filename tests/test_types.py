"""Every kind of document of Phụ lục III that wfhdoc makes, built from its sample in data/examples/
and read back: its lines in the order of its Mẫu, the formatting of each part, its ký hiệu; then
each sample through LibreOffice once, read with pdftotext."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from helpers import EXAMPLES, require_tool, soffice_pdf

from wfh_docs.check.docx import Docx
from wfh_docs.errors import InputError, TemplateError
from wfh_docs.letter.model import Letter
from wfh_docs.letter.sources import load_letter, validate
from wfh_docs.letter.types import NAMES, TYPES, type_id
from wfh_docs.render import Template

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

# sample -> (Mẫu, the lines in the order the Mẫu has them: each must come after the one before)
SAMPLES: dict[str, tuple[str, list[str]]] = {
    "quyet-dinh-to-cong-tac": (
        "1.2",
        [
            "Số: 1205/QĐ-UBND",
            "Can Lộc, ngày 02 tháng 4 năm 2020",
            "QUYẾT ĐỊNH",
            "Về việc thành lập Tổ công tác hỗ trợ làm việc trực tuyến trong thời gian cách ly toàn xã hội",
            "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CAN LỘC",
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            "Theo đề nghị của Trưởng phòng Nội vụ huyện.",
            "QUYẾT ĐỊNH:",
            "Điều 1. Thành lập Tổ công tác hỗ trợ làm việc trực tuyến",
            "Điều 2.",
            "Điều 3.",
            "Nơi nhận:",
            "- Như Điều 3;",
            "- Chủ tịch, các Phó Chủ tịch UBND huyện;",
            "- Lưu: VT, NV (2).",
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            "Phan Đình Dũng",
        ],
    ),
    "quyet-dinh-ban-hanh-quy-che": (
        "1.3",
        [
            "Số: 86/QĐ-SCT",
            "QUYẾT ĐỊNH",
            "Ban hành Quy chế làm việc tại nhà",
            "GIÁM ĐỐC SỞ CÔNG THƯƠNG",
            "Theo đề nghị của Chánh Văn phòng Sở.",
            "QUYẾT ĐỊNH:",
            "Điều 1. Ban hành kèm theo Quyết định này Quy chế",
            "- Như Điều 3;",
            "GIÁM ĐỐC",
            "Lê Minh Tuấn",
            # the văn bản it issues, on pages of its own (Mẫu 1.3, "Mẫu văn bản ... kèm theo")
            QUOC_HIEU,
            "QUY CHẾ",
            "Làm việc tại nhà, xử lý công việc qua môi trường mạng của Sở Công Thương",
            "(Kèm theo Quyết định số 86/QĐ-SCT ngày 10 tháng 4 năm 2020 của Sở Công Thương)",
            "Chương I",
            "QUY ĐỊNH CHUNG",
            "Điều 1. Phạm vi điều chỉnh",
            "Chương II",
            "Điều 3. Trách nhiệm thi hành",
        ],
    ),
    "nghi-quyet-hoi-dong": (
        "1.1",
        [
            "Số: 03/NQ-HĐQL",
            "NGHỊ QUYẾT",
            "Về việc tổ chức họp Hội đồng bằng hình thức trực tuyến",
            "HỘI ĐỒNG QUẢN LÝ QUỸ KHUYẾN CÔNG TỈNH QUẢNG TRỊ",
            "Căn cứ kết quả biểu quyết của các thành viên Hội đồng ngày 17 tháng 4 năm 2020.",
            "QUYẾT NGHỊ:",
            "Điều 1.",
            "- Như Điều 3;",
            "TM. HỘI ĐỒNG",
            "CHỦ TỊCH",
        ],
    ),
    "ke-hoach-lam-viec-tai-nha": (
        "1.4",
        [
            "Số: 512/KH-SCT",
            "Quảng Trị, ngày 03 tháng 4 năm 2020",
            "KẾ HOẠCH",
            "Tổ chức làm việc tại nhà, xử lý công việc qua môi trường mạng",
            "trong thời gian thực hiện cách ly toàn xã hội",
            "Thực hiện Chỉ thị số 16/CT-TTg",
            "I. MỤC ĐÍCH, YÊU CẦU",
            "Cộng",
            "Nơi nhận:",
            "- UBND tỉnh (b/c);",
            "- Lưu: VT, VP.",
        ],
    ),
    "bao-cao-gui-cap-tren": (
        "1.4",
        [
            "Số: 98/BC-SCT",
            "BÁO CÁO",
            "Kết quả làm việc tại nhà, xử lý công việc qua môi trường mạng",
            "Kính gửi: Ủy ban nhân dân tỉnh Quảng Trị",
            "Sở Công Thương kính báo cáo UBND tỉnh xem xét, chỉ đạo./.",
            "- Như trên;",
            "- Sở Nội vụ;",
        ],
    ),
    "cong-dien-cach-ly": (
        "1.6",
        [
            "Số: 02/CĐ-UBND",
            "HỎA TỐC",
            "CÔNG ĐIỆN",
            "Về việc thực hiện cách ly toàn xã hội",
            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH điện:",
            "- Giám đốc các sở, Thủ trưởng các ban, ngành cấp tỉnh;",
            "- Chủ tịch UBND các huyện, thị xã, thành phố.",
            "Thực hiện Chỉ thị số 16/CT-TTg",
            "- Như trên;",
            "CHỦ TỊCH",
        ],
    ),
    "giay-moi-hop-truc-tuyen": (
        "1.7",
        [
            "Số: 35/GM-SCT",
            "GIẤY MỜI",
            "Họp trực tuyến triển khai làm việc tại nhà",
            "Sở Công Thương trân trọng kính mời: Trưởng các phòng, đơn vị thuộc Sở",
            "Tới dự cuộc họp trực tuyến",
            "Chủ trì:",
            "Thời gian:",
            "Địa điểm:",
            "- Như thành phần mời;",
            "TL. GIÁM ĐỐC",
        ],
    ),
    "giay-gioi-thieu": (
        "1.8",
        [
            "Số: 14/GGT-SCT",
            "GIẤY GIỚI THIỆU",
            "Sở Công Thương trân trọng giới thiệu:",
            "Ông (bà): Hoàng Thị Lan",
            "Được cử đến:",
            "Giấy này có giá trị đến hết ngày 31/5/2020./.",
            "- Như trên;",
            "- Lưu: VT.",
        ],
    ),
    "bien-ban-hop-truc-tuyen": (
        "1.9",
        [
            "Số: 07/BB-SCT",
            "BIÊN BẢN",
            "Cuộc họp trực tuyến triển khai làm việc tại nhà",
            "Thời gian bắt đầu:",
            "Cuộc họp kết thúc vào 09 giờ 30, ngày 08 tháng 4 năm 2020./.",
            "THƯ KÝ",
            "Hoàng Thị Lan",
            "Nơi nhận:",
            "- Lãnh đạo Sở;",
            "- Lưu: VT, Hồ sơ.",
        ],
    ),
    "giay-nghi-phep": (
        "1.10",
        [
            "Số: 21/GNP-SCT",
            "GIẤY NGHỈ PHÉP",
            "Xét Đơn đề nghị nghỉ phép",
            "Được nghỉ phép trong thời gian 05 ngày",
            "- Bà Hoàng Thị Lan;",
            "- Lưu: VT, VP.",
            "GIÁM ĐỐC",
            "Lê Minh Tuấn",
            "Xác nhận của cơ quan (tổ chức) hoặc",  # under the signature, on the left (Mẫu 1.10)
            "chính quyền địa phương nơi nghỉ phép",
        ],
    ),
}


def sample(name: str) -> Letter:
    return load_letter(EXAMPLES / f"{name}.json").letter


@pytest.fixture(scope="module")
def built(template: Template) -> dict[str, Docx]:
    return {name: Docx(template.render(sample(name)).data) for name in SAMPLES}


def lines_of(docx: Docx) -> list[str]:
    return [line for p in docx.paragraphs() for line in p.text.split("\n") if line.strip()]


def in_order(got: list[str], wanted: list[str]) -> None:
    """Each wanted line starts a line of `got`, after the one before it."""
    at = 0
    for want in wanted:
        found = next((i for i in range(at, len(got)) if got[i].startswith(want)), None)
        assert found is not None, f"{want!r} not found after {got[at - 1] if at else 'the start'!r}"
        at = found + 1


def test_every_kind_has_a_sample_and_the_samples_cover_each_mau() -> None:
    kinds = {sample(name).doc_type for name in SAMPLES}
    assert {"quyet-dinh", "nghi-quyet", "ke-hoach", "bao-cao", "cong-dien", "giay-moi"} <= kinds
    assert {"giay-gioi-thieu", "bien-ban", "giay-nghi-phep"} <= kinds
    assert {sample(name).kind.mau for name in SAMPLES} | {"1.3"} >= {mau for mau, _lines in SAMPLES.values()}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_lines_in_the_order_of_the_mau(built: dict[str, Docx], name: str) -> None:
    got = lines_of(built[name])
    assert got[:2] == [got[0], got[1]] and QUOC_HIEU in got and TIEU_NGU in got
    in_order(got, SAMPLES[name][1])
    assert "Kính gửi:" not in " ".join(got) or name == "bao-cao-gui-cap-tren"
    assert not any(line.startswith("V/v ") for line in got)  # V/v is the công văn's alone


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_title_and_trich_yeu_are_bold_centred_14_with_the_rule_under(
    built: dict[str, Docx], name: str
) -> None:
    docx = built[name]
    letter = sample(name)
    ps = docx.paragraphs()
    i = next(i for i, p in enumerate(ps) if p.text == letter.kind.name)
    title = ps[i]
    assert title.props.jc == "center" and not title.in_table
    assert all(r.bold and r.size == 14 and not r.italic for r in title.run_props())
    j = i + 1
    for line in [x for x in letter.subject.split("\n") if x.strip()]:
        assert ps[j].text == line and ps[j].props.jc == "center"
        assert all(r.bold and r.size == 14 for r in ps[j].run_props())
        j += 1
    rule = ps[j]
    if letter.kind.layout == "minutes":  # Mẫu 1.9 draws none
        assert not rule.props.border_bottom
    else:
        assert rule.props.border_bottom and rule.text == ""
        left, right = rule.props.ind.get("left", 0), rule.props.ind.get("right", 0)
        assert left == right and left > 0


DECISIONS = ["quyet-dinh-to-cong-tac", "quyet-dinh-ban-hanh-quy-che", "nghi-quyet-hoi-dong"]


@pytest.mark.parametrize("name", DECISIONS)
def test_a_decision_has_its_authority_bases_in_italics_and_bold_articles(
    built: dict[str, Docx], name: str
) -> None:
    docx = built[name]
    letter = sample(name)
    ps = docx.paragraphs()
    authority = next(p for p in ps if p.text == letter.issuing_authority)
    assert authority.props.jc == "center" and all(r.bold for r in authority.run_props())
    bases = [p for p in ps if p.style == "CanCu"]
    assert len(bases) == len(letter.bases) + (1 if letter.proposal else 0)
    assert all(p.text.endswith(";") for p in bases[:-1]) and bases[-1].text.endswith(".")
    assert all(r.italic for p in bases for r in p.run_props())
    command = next(p for p in ps if p.text == letter.kind.command)
    assert command.props.jc == "center" and all(r.bold for r in command.run_props())
    article = next(p for p in ps if p.text.startswith("Điều 2."))
    assert article.runs[0].text == "Điều 2." and article.runs[0].props.bold
    assert not any(r.props.bold for r in article.runs[1:] if r.text.strip())


def test_the_attached_van_ban_starts_its_own_numbered_section(built: dict[str, Docx]) -> None:
    docx = built["quyet-dinh-ban-hanh-quy-che"]
    sections = docx.sections()
    assert len(sections) == 2
    ps = docx.paragraphs()
    kem = next(p for p in ps if p.text.startswith("(Kèm theo Quyết định số 86/QĐ-SCT"))
    assert all(r.italic for r in kem.run_props()) and kem.props.jc == "center"
    chapter = next(p for p in ps if p.text == "Chương I")
    assert chapter.props.jc == "center" and all(r.bold for r in chapter.run_props())


def test_the_confirmation_of_a_giay_nghi_phep_stands_left_under_the_signature(built: dict[str, Docx]) -> None:
    ps = built["giay-nghi-phep"].paragraphs()
    name = next(p for p in ps if p.text == "Lê Minh Tuấn")
    confirm = next(p for p in ps if p.text == "Xác nhận của cơ quan (tổ chức) hoặc")
    assert confirm.in_table and confirm.table_index != name.table_index and confirm.cell == 0
    assert all(r.bold for r in confirm.run_props()) and confirm.props.jc == "center"


def test_a_bien_ban_has_no_date_line_and_two_signers_side_by_side(built: dict[str, Docx]) -> None:
    docx = built["bien-ban-hop-truc-tuyen"]
    got = lines_of(docx)
    assert not any(", ngày " in line and line.startswith("Quảng Trị") for line in got)
    ps = docx.paragraphs()
    secretary = next(p for p in ps if p.text == "THƯ KÝ")
    chair = next(p for p in ps if p.text == "CHỦ TỌA")
    assert secretary.in_table and chair.in_table
    assert (secretary.table_index, secretary.row) == (chair.table_index, chair.row)
    assert secretary.cell == 0 and chair.cell == 1
    noi_nhan = next(p for p in ps if p.text == "Nơi nhận:")
    assert not noi_nhan.in_table  # under both signers (Mẫu 1.9)


@pytest.mark.parametrize(
    ("kind", "symbol"),
    [("cong-van", "UBND-NV"), ("quyet-dinh", "QĐ-UBND"), ("ke-hoach", "KH-UBND"), ("bao-cao", "BC-UBND")],
)
def test_the_ky_hieu_and_the_number_series_of_each_kind(kind: str, symbol: str) -> None:
    data = json.loads((EXAMPLES / "quyet-dinh-to-cong-tac.json").read_text(encoding="utf-8"))
    data["type"] = kind
    if TYPES[kind].layout != "decision":
        for key in ("issuing_authority", "bases", "proposal"):
            data.pop(key)
    if kind == "cong-van":
        data["recipients"] = ["Các phòng, ban"]
    letter = validate(data, "test")
    assert letter.symbol == symbol
    assert letter.series == ("UBND" if kind == "cong-van" else symbol)


def _data(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("name", "change", "where", "message"),
    [
        ("cong-van-451-SCT-VP-2020", {"type": "quyet-dinh-x"}, "$.type", "quyet-dinh"),
        ("cong-van-451-SCT-VP-2020", {"type": 3}, "$.type", ""),
        ("cong-van-451-SCT-VP-2020", {"bases": ["Căn cứ Luật A"]}, "$", "'bases' has no place in a Công văn"),
        ("cong-van-451-SCT-VP-2020", {"recipients": []}, "$.recipients", "give at least one item"),
        ("quyet-dinh-to-cong-tac", {"issuing_authority": None}, "$", "issuing_authority"),
        ("quyet-dinh-to-cong-tac", {"body": ["Thành lập Tổ công tác."]}, "$", "Điều 1."),
        ("quyet-dinh-to-cong-tac", {"subject": ""}, "$.subject", "must not be empty"),
        ("bien-ban-hop-truc-tuyen", {"secretary": None}, "$", "secretary"),
        ("bien-ban-hop-truc-tuyen", {"secretary": {"name": ""}}, "$.secretary.name", ""),
        ("giay-gioi-thieu", {"subject": "Về việc X"}, "$", "'subject' has no place in a Giấy giới thiệu"),
        ("cong-dien-cach-ly", {"recipients": None}, "$.recipients", ""),
        ("ke-hoach-lam-viec-tai-nha", {"secretary": {"name": "A"}}, "$", "'secretary' has no place"),
    ],
)
def test_data_that_does_not_fit_its_kind_is_refused_at_its_field(
    name: str, change: dict[str, Any], where: str, message: str
) -> None:
    data = _data(name)
    for key, value in change.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    with pytest.raises(InputError) as info:
        validate(data, "test")
    problems = info.value.problems
    assert [p.where for p in problems] == [where], problems
    assert message in problems[0].message + problems[0].hint


def test_a_template_that_makes_cong_van_only_says_so(tmp_path: Path, template: Template) -> None:
    source = template.path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{p title_block }}", b"")
            zout.writestr(info, data)
    path = tmp_path / "old.docx"
    path.write_bytes(out.getvalue())
    old = Template(path)
    old.render(load_letter(EXAMPLES / "cong-van-451-SCT-VP-2020.json").letter)  # still a công văn
    with pytest.raises(TemplateError, match="makes công văn only.*title_block"):
        old.render(sample("ke-hoach-lam-viec-tai-nha"))


# --- through LibreOffice, once for all the samples -----------------------------------------


@pytest.fixture(scope="session")
def pdf_texts(template: Template, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    require_tool("pdftotext")
    out = tmp_path_factory.mktemp("kinds")
    docs = []
    for name in SAMPLES:
        path = out / f"{name}.docx"
        path.write_bytes(template.render(sample(name)).data)
        docs.append(path)
    texts = {}
    for pdf in soffice_pdf(docs, out):
        run = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True)
        texts[pdf.stem] = run.stdout.decode("utf-8")
    return texts


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_pdf_reads_as_the_mau(pdf_texts: dict[str, str], name: str) -> None:
    text = pdf_texts[name]
    page1 = text.split("\f")[0]
    letter = sample(name)
    first = [line.strip() for line in page1.splitlines() if line.strip()]
    # the header: agency left, Quốc hiệu right, on the same lines; the tên loại centred below it
    top = (letter.issuer.parent or letter.issuer.name).split("\n")[0]
    assert any(QUOC_HIEU in line and top in line for line in first[:3]), first[:3]
    title_line = next(line for line in page1.splitlines() if line.strip() == letter.kind.name)
    width = max(len(line) for line in page1.splitlines())
    middle = (len(title_line) - len(title_line.lstrip()) + len(title_line.rstrip())) / 2
    assert abs(middle - width / 2) < width * 0.1, f"{letter.kind.name} is not centred: {title_line!r}"
    flat = " ".join(text.split())
    for want in SAMPLES[name][1]:
        assert " ".join(want.split()) in flat, want


@pytest.mark.parametrize(
    ("field", "value", "told"),
    [
        ("unit", "PGD&ĐT", "write 'PGDĐT'"),
        ("unit", "GDTrH, GDTX", "write 'GDTrH-GDTX'"),
        ("abbreviation", "SGD/ĐT", "write 'SGD-ĐT'"),
        ("unit", "", "II.3.b"),
    ],
)
def test_a_refused_ky_hieu_says_the_decree_and_the_conforming_form(field: str, value: str, told: str) -> None:
    data = _data("cong-van-451-SCT-VP-2020")
    data["issuer"][field] = value
    with pytest.raises(InputError) as info:
        validate(data, "test")
    (problem,) = info.value.problems
    assert problem.where == f"$.issuer.{field}" and told in problem.message
    assert "leave the field out" not in problem.message + problem.hint  # no loop with "required"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"type": ["quyet-dinh"]}, "$.type"),
        ({"bases": {"Căn cứ": "Luật A"}}, "$.bases"),
        ({"bases": [""]}, "$.bases[0]"),
        ({"issuing_authority": 5}, "$.issuing_authority"),
        ({"attachment": {"name": "QUY CHẾ", "subject": "X", "content": []}}, "$.attachment.content"),
        ({"attachment": {"name": "QUY CHẾ", "subject": "X", "content": ["a"], "x": 1}}, "$.attachment.x"),
        (
            {"body": ["Điều 1. A", {"table": {"columns": ["A"], "rows": [[{"text": "x", "colspan": 0}]]}}]},
            None,
        ),
        (
            {
                "body": [
                    "Điều 1. A",
                    {"table": {"columns": ["A"], "rows": [[{"text": "x", "colspan": True}]]}},
                ]
            },
            None,
        ),
        (
            {"body": ["Điều 1. A", {"table": {"columns": ["A"], "rows": [[{"text": "x", "rowspan": 999}]]}}]},
            None,
        ),
        ({"body": ["Điều 1. A", {"paragraph": "x", "align": "middle"}]}, "$.body[1].align"),
        ({"body": ["Điều 1. A", {"page_break": False}]}, "$.body[1].page_break"),
    ],
)
def test_hostile_values_of_the_new_fields_are_one_problem_each(
    change: dict[str, Any], where: str | None
) -> None:
    data = _data("quyet-dinh-to-cong-tac")
    data.update(change)
    with pytest.raises(InputError) as info:
        validate(data, "test")
    problems = info.value.problems
    assert len(problems) == 1, problems
    if where is not None:
        assert problems[0].where == where
    else:
        assert problems[0].where.startswith("$.body[1].table")


def test_a_phu_luc_of_a_quyet_dinh_is_tied_to_the_quyet_dinh(template: Template) -> None:
    data = _data("quyet-dinh-ban-hanh-quy-che")
    data["appendices"] = [{"title": "Danh sách các phòng", "content": ["Văn phòng."]}]
    docx = Docx(template.render(validate(data, "test")).data)
    got = lines_of(docx)
    in_order(got, ["QUY CHẾ", "Điều 3. Trách nhiệm thi hành", "Phụ lục", "Danh sách các phòng"])
    # Mẫu 2.1: the tên loại's long date, as on the văn bản it issues
    assert got.count("(Kèm theo Quyết định số 86/QĐ-SCT ngày 10 tháng 4 năm 2020 của Sở Công Thương)") == 2
    assert len(docx.sections()) == 3  # the quyết định, the văn bản it issues, the phụ lục


def test_a_phu_luc_has_the_long_date_of_its_ten_loai_and_a_cong_van_the_short_one(template: Template) -> None:
    plan = _data("ke-hoach-lam-viec-tai-nha")
    plan["appendices"] = [{"title": "Danh sách các phòng", "content": ["Văn phòng."]}]
    got = lines_of(Docx(template.render(validate(plan, "test")).data))
    assert "(Kèm theo Kế hoạch số 512/KH-SCT ngày 03 tháng 4 năm 2020 của Sở Công Thương)" in got
    letter = _data("cong-van-451-SCT-VP-2020")  # as the reference letter has it
    got = lines_of(Docx(template.render(validate(letter, "test")).data))
    assert "(Kèm theo Công văn số: 451/SCT-VP ngày 08/4/2020 của Sở Công Thương)" in got


def test_a_phu_luc_of_a_letter_made_for_issuance_has_the_blanks_of_the_date_line(template: Template) -> None:
    from wfh_docs.letter import vn

    plan = _data("ke-hoach-lam-viec-tai-nha")
    for key in ("number", "date"):
        plan.pop(key, None)
    plan["appendices"] = [{"title": "Danh sách các phòng", "content": ["Văn phòng."]}]
    got = lines_of(Docx(template.render(validate(plan, "test")).data))
    blanks = f"ngày{vn.DAY_BLANK}tháng{vn.MONTH_BLANK}năm{vn.YEAR_BLANK}"
    assert f"(Kèm theo Kế hoạch số {vn.NUMBER_BLANK}/KH-SCT {blanks} của Sở Công Thương)" in got


def test_the_template_defines_what_the_other_kinds_need() -> None:
    from wfh_docs.render import contract
    from wfh_docs.render.template import DEFAULT_TEMPLATE

    with zipfile.ZipFile(DEFAULT_TEMPLATE) as z:
        assert contract.missing_styles(z.read("word/styles.xml"), contract.KIND_STYLES) == []
        document = z.read("word/document.xml").decode("utf-8")
    for name in contract.KIND_VARIABLES:
        assert name in document, name
    assert Template()._kinds == ""


@pytest.mark.parametrize(
    ("name", "kept"), [("giay-moi-hop-truc-tuyen", True), ("cong-van-451-SCT-VP-2020", False)]
)
def test_nhu_tren_typed_by_the_clerk_is_kept_where_wfhdoc_does_not_write_it(name: str, kept: bool) -> None:
    from wfh_docs.letter.sources import tidy_list_items

    data = _data(name)
    data["cc"] = ["Như trên", "Lãnh đạo Sở"]
    warnings: list[str] = []
    tidy_list_items(data, warnings)
    assert ("Như trên" in data["cc"]) is kept
    assert bool(warnings) is not kept
    assert contract_cc(validate(data, "test")).count("Như trên;") == 1


def contract_cc(letter: Letter) -> list[str]:
    from wfh_docs.render.contract import cc_lines

    return cc_lines(letter)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("Quyết định", "quyet-dinh"),
        ("QUYẾT ĐỊNH", "quyet-dinh"),
        ("quyet dinh", "quyet-dinh"),
        ("Quye\u0302\u0301t đi\u0323nh", "quyet-dinh"),  # NFD, as Excel on a Mac writes it
        ("QĐ", "quyet-dinh"),
        ("Mẫu 1.9", "bien-ban"),
        ("Kế hoạch", "ke-hoach"),
        ("Giấy uỷ quyền", "giay-uy-quyen"),  # the old place of the tone mark
        ("ĐA", "de-an"),
        ("DA", "du-an"),  # abbreviations that differ by a diacritic are told apart
        ("Công văn", "cong-van"),
        ("CV", "cong-van"),
    ],
)
def test_a_kind_is_read_as_a_clerk_names_it(typed: str, kind: str) -> None:
    data = _data("cong-van-451-SCT-VP-2020")
    assert type_id(typed) == kind
    if kind == "cong-van":
        data["type"] = typed
        assert validate(data, "test").doc_type == "cong-van"


def test_the_names_a_clerk_picks_are_the_decrees_in_its_order() -> None:
    assert NAMES[:3] == ("Công văn", "Nghị quyết", "Quyết định")
    assert len(NAMES) == len(set(NAMES)) == len(TYPES)
    assert all(type_id(name) == t for name, t in zip(NAMES, TYPES, strict=True))


def test_building_a_kind_again_replaces_wfhdocs_own_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a báo cáo's properties say "BÁO CÁO ...", not "V/v ...": its own earlier output is still
    # wfhdoc's to replace, and a file saved in Word since is still kept
    from wfh_docs.cli import main

    source = EXAMPLES / "bao-cao-gui-cap-tren.json"
    target = tmp_path / "bao-cao.docx"
    assert main(["build", str(source), "-o", str(target)]) == 0
    assert main(["build", str(source), "-o", str(target)]) == 0, capsys.readouterr().err
    saved = docx.Document(str(target))
    saved.core_properties.last_modified_by = "Nguyễn Văn A"  # as Word does when it saves
    saved.save(str(target))
    kept = target.read_bytes()
    assert main(["build", str(source), "-o", str(target)]) == 1
    assert target.read_bytes() == kept
