"""The image block ({"image": {...}} in a body or a phụ lục): drawn by the render package as Word
draws a picture, read safely (only beside the data file, only a PNG or JPEG of sane size, its
header alone decoded), passing openxml-audit, LibreOffice and the decree's check."""

from __future__ import annotations

import base64
import copy
import io
import json
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from helpers import EXAMPLES
from PIL import Image

from wfh_docs.batch.prepare import prepare
from wfh_docs.check import check_docx
from wfh_docs.letter.images import images_beside
from wfh_docs.letter.model import Letter
from wfh_docs.render.template import Template

REFERENCE = EXAMPLES / "cong-van-451-SCT-VP-2020.json"
EMU_PER_CM = 360_000


def _png(width: int = 800, height: int = 400, dpi: int = 200) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def _jpeg(width: int = 600, height: int = 300) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), "grey").save(buf, "JPEG", dpi=(150, 150))
    return buf.getvalue()


def _letter_data(*blocks: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    data["body"] = [data["body"][0], *blocks, *data["body"][1:]]
    return data


def _letter(data: dict[str, Any], folder: Path | None = None) -> Letter:
    with images_beside(folder):
        prepared = prepare(data)
    assert prepared.letter is not None, [str(p) for p in prepared.problems]
    return prepared.letter


def _problems(data: dict[str, Any], folder: Path | None = None) -> list[str]:
    with images_beside(folder):
        prepared = prepare(data)
    assert prepared.letter is None
    return [str(p) for p in prepared.problems]


@pytest.fixture
def built(tmp_path: Path) -> Path:
    (tmp_path / "bieu-do-1.png").write_bytes(_png())
    data = _letter_data(
        {"image": {"file": "bieu-do-1.png", "width_cm": 12, "alt": "Biểu đồ tỷ lệ"}},
        {"paragraph": "Biểu đồ 1. Tỷ lệ làm việc tại nhà", "align": "center"},
        {"image": {"data": base64.b64encode(_jpeg()).decode()}, "align": "center"},
    )
    out = tmp_path / "letter.docx"
    out.write_bytes(Template().render(_letter(data, tmp_path)).data)
    return out


def test_the_letter_has_its_pictures_at_their_size(built: Path) -> None:
    shapes = Document(str(built)).inline_shapes
    assert len(shapes) == 2
    assert shapes[0].width == 12 * EMU_PER_CM and shapes[0].height == 6 * EMU_PER_CM
    section = Document(str(built)).sections[0]
    assert section.page_width and section.left_margin and section.right_margin
    widest = section.page_width - section.left_margin - section.right_margin
    assert abs(shapes[1].width - widest) < 1000  # the text's width by default, in proportion
    assert abs(shapes[1].height * 2 - shapes[1].width) < 1000
    with zipfile.ZipFile(built) as z:
        assert z.read("word/media/image1.png") == (built.parent / "bieu-do-1.png").read_bytes()
        assert z.read("word/media/image2.jpeg")[:3] == b"\xff\xd8\xff"
        types = z.read("[Content_Types].xml").decode()
        assert 'Extension="png" ContentType="image/png"' in types
        assert 'Extension="jpeg" ContentType="image/jpeg"' in types
        rels = z.read("word/_rels/document.xml.rels").decode()
        assert 'Target="media/image1.png"' in rels and 'Target="media/image2.jpeg"' in rels
        document = z.read("word/document.xml").decode()
    assert 'descr="Biểu đồ tỷ lệ"' in document  # the alt text, not body text
    assert "Biểu đồ tỷ lệ<" not in document


def test_the_same_picture_twice_is_one_member(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(_png())
    data = _letter_data({"image": {"file": "a.png"}}, {"image": {"file": "./a.png"}})
    docx = Template().render(_letter(data, tmp_path)).data
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        assert [n for n in z.namelist() if n.startswith("word/media/")] == ["word/media/image1.png"]
    assert len(Document(io.BytesIO(docx)).inline_shapes) == 2


def test_no_open_xml_finding(built: Path) -> None:
    from openxml_audit import OpenXmlValidator

    result = OpenXmlValidator().validate(str(built))
    assert [f"{e.error_type}: {e.description}" for e in result.errors] == []


def test_the_decree_check_leaves_a_centred_picture_and_its_caption_alone(built: Path) -> None:
    findings = [f for f in check_docx(built.read_bytes()) if f.rule.startswith("body.")]
    assert findings == []


def test_libreoffice_prints_the_pictures(built: Path) -> None:
    from wfh_docs.pdf.soffice import find_soffice

    if find_soffice() is None or shutil.which("pdfimages") is None:
        pytest.skip("LibreOffice or poppler is not installed")
    from wfh_docs.pdf.convert import convert

    [result] = convert([built], built.parent)
    assert result.ok and result.output is not None, result.message
    listed = subprocess.run(["pdfimages", "-list", str(result.output)], capture_output=True, text=True)
    rows = [line.split() for line in listed.stdout.splitlines()[2:]]
    assert sorted((int(r[3]), int(r[4])) for r in rows) == [(600, 300), (800, 400)]


def test_a_letter_without_pictures_is_the_same_bytes() -> None:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    template = Template()
    plain = template.render(_letter(data)).data
    with_one = copy.deepcopy(data)
    with_one["body"].insert(1, {"image": {"data": base64.b64encode(_png()).decode()}})
    template.render(_letter(with_one))
    assert template.render(_letter(data)).data == plain
    with zipfile.ZipFile(io.BytesIO(plain)) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/image")]


def test_a_picture_in_a_phu_luc(tmp_path: Path) -> None:
    (tmp_path / "so-do.png").write_bytes(_png(1200, 400))
    data = _letter_data()
    data["appendices"] = [
        {"title": "Sơ đồ", "landscape": True, "content": [{"image": {"file": "so-do.png", "width_cm": 16}}]}
    ]
    docx = Template().render(_letter(data, tmp_path)).data
    [shape] = Document(io.BytesIO(docx)).inline_shapes
    assert shape.width == 16 * EMU_PER_CM


def _huge_png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("not.png", b"GIF89a this is no picture", "is not a PNG or JPEG image"),
        ("huge.png", _huge_png_header(30000, 30000), "30000 x 30000 pixels (900 megapixels)"),
        ("cut.png", _png()[:-40], "is a damaged PNG"),
        ("empty.png", b"", "is not a PNG or JPEG image"),
    ],
)
def test_a_hostile_file_is_refused_at_its_field(tmp_path: Path, name: str, content: bytes, said: str) -> None:
    (tmp_path / name).write_bytes(content)
    [problem] = _problems(_letter_data({"image": {"file": name}}), tmp_path)
    assert problem.startswith("$.body[1].image.file: ") and said in problem and repr(name) in problem


def test_a_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (tmp_path / "secret.png").write_bytes(_png())
    [outside] = _problems(_letter_data({"image": {"file": "../secret.png"}}), folder)
    assert outside.startswith("$.body[1].image.file: ") and "outside the data file's folder" in outside
    [absolute] = _problems(_letter_data({"image": {"file": str(tmp_path / "secret.png")}}), folder)
    assert "outside the data file's folder" in absolute
    (folder / "link.png").symlink_to(tmp_path / "secret.png")
    [link] = _problems(_letter_data({"image": {"file": "link.png"}}), folder)
    assert "a link that leads out of the data file's folder" in link
    (folder / "sub").mkdir()
    [a_folder] = _problems(_letter_data({"image": {"file": "sub"}}), folder)
    assert "is not a regular file" in a_folder
    [missing] = _problems(_letter_data({"image": {"file": "none.png"}}), folder)
    assert "is not found" in missing


def test_a_file_without_a_data_file_is_refused() -> None:
    [problem] = _problems(_letter_data({"image": {"file": "a.png"}}))
    assert problem.startswith("$.body[1].image.file: ") and '"data" (base64)' in problem


@pytest.mark.parametrize(
    ("image", "where", "said"),
    [
        ({"data": "not base64 !!"}, "image.data", "is not base64 text"),
        ({"data": base64.b64encode(b"plain text").decode()}, "image.data", "is not a PNG or JPEG image"),
        ({"data": base64.b64encode(_huge_png_header(30000, 30000)).decode()}, "image.data", "900 megapixels"),
        ({"data": "A" * (30 << 20)}, "image.data", "larger than 20 MB"),
        ({}, "image", 'give the picture as "file"'),
        ({"data": base64.b64encode(_png()).decode(), "width_cm": 17}, "image.width_cm", ""),
        ({"data": base64.b64encode(_png()).decode(), "width_cm": True}, "image.width_cm", "centimetres"),
        ({"data": base64.b64encode(_png()).decode(), "height": 3}, "image.height", ""),
    ],
)
def test_hostile_data_is_refused_at_its_field(image: dict[str, Any], where: str, said: str) -> None:
    [problem] = _problems(_letter_data({"image": image}))
    assert problem.startswith(f"$.body[1].{where}: ") and said in problem


def test_the_folder_can_be_given_as_validation_context(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(_png())
    data = _letter_data({"image": {"file": "a.png"}})
    letter = Letter.model_validate(data, context={"folder": tmp_path})
    assert letter.model_dump(by_alias=True, exclude_defaults=True)["body"][1] == {"image": {"file": "a.png"}}


def test_a_batch_reads_the_pictures_beside_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wfh_docs.cli import main

    source = tmp_path / "letters"
    source.mkdir()
    (source / "bieu-do.png").write_bytes(_png())
    for n in (1, 2):
        data = _letter_data({"image": {"file": "bieu-do.png"}})
        data["number"] = 450 + n
        (source / f"letter-{n}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code = main(["batch", str(source), "-o", str(tmp_path / "out"), "--workers", "2"])
    assert code == 0, capsys.readouterr()
    for n in (451, 452):
        assert len(Document(str(tmp_path / "out" / f"{n}-SCT-VP.docx")).inline_shapes) == 1


def test_build_reads_the_picture_beside_the_letter_and_a_changed_picture_is_built_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wfh_docs.cli import main

    data = _letter_data({"image": {"file": "bieu-do.png", "alt": "Biểu đồ"}, "align": "center"})
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "a.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "letters" / "bieu-do.png").write_bytes(_png(800, 400))
    assert main(["build", str(tmp_path / "letters" / "a.json"), "-o", str(tmp_path / "a.docx")]) == 0
    assert len(Document(str(tmp_path / "a.docx")).inline_shapes) == 1
    out = tmp_path / "out"
    assert main(["batch", str(tmp_path / "letters"), "-o", str(out), "-q"]) == 0
    assert main(["batch", str(tmp_path / "letters"), "-o", str(out), "-q"]) == 0
    statuses = [r["status"] for r in json.loads((out / "manifest.json").read_text(encoding="utf-8"))]
    assert statuses == ["unchanged"]
    (tmp_path / "letters" / "bieu-do.png").write_bytes(_png(600, 600))  # the same data, another picture
    assert main(["batch", str(tmp_path / "letters"), "-o", str(out), "-q"]) == 0
    statuses = [r["status"] for r in json.loads((out / "manifest.json").read_text(encoding="utf-8"))]
    assert statuses == ["built"]
    capsys.readouterr()
