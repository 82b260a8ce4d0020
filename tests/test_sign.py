"""Signing letters the way Vietnamese agencies do (Nghị định 30/2020, Phụ lục I) and checking them.

The reference letter (451/SCT-VP) is built, exported to PDF by LibreOffice, signed by the
competent person with a PKCS#12 file, then by the agency with a SoftHSM2 token (the PKCS#11 path
of a real USB token) and a time-stamp from pyHanko's in-process TSA. What is checked is what a
reader and other tools see: pyHanko's and poppler's verdicts, the widgets' rectangles against the
letter's own text, the colours of the rendered page and the stamp text's width. No network.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import EXAMPLES, require_tool

try:
    import pyhanko  # noqa: F401
except ImportError:  # pragma: no cover - the signing extra is not installed
    if os.environ.get("CI"):
        raise  # CI installs every extra: a missing one is a setup bug, not a skip
    pytest.skip("signing needs pyHanko (pip install 'wfhdoc[sign]')", allow_module_level=True)

from PIL import Image, ImageChops  # noqa: E402
from pki import AGENCY_CN, AGENCY_O, PASSPHRASE, SIGNER_CN, SIGNER_O, Pki, dummy_timestamper, make_pki  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402

from wfh_docs import sign  # noqa: E402
from wfh_docs.errors import InputError, WfhDocError  # noqa: E402
from wfh_docs.letter.vn import iso_vn_time  # noqa: E402
from wfh_docs.sign import fonts, images  # noqa: E402

SIGNING = EXAMPLES / "signing"
SIGNATURE_PNG = SIGNING / "chu-ky-nguyen-huu-hung.png"
SEAL_PNG = SIGNING / "con-dau-so-cong-thuong.png"
TOKEN = "wfhdoc-test"
PIN = "123456"
ISO_VN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00")


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def font_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The rescaled stamp font is cached in a temporary folder, not in the user's ~/.cache."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def letter_pdf(reference_pdf: Path) -> Path:
    return reference_pdf  # made once for the whole run (conftest.py)


def _softhsm_lib() -> str:
    for path in ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"):
        if os.path.isfile(path):
            return path
    if shutil.which("dpkg"):
        listing = subprocess.run(["dpkg", "-L", "softhsm2", "libsofthsm2"], capture_output=True, text=True)
        for line in listing.stdout.splitlines():
            if line.endswith("libsofthsm2.so") and os.path.isfile(line):
                return line
    if os.environ.get("CI"):
        pytest.fail("libsofthsm2.so is not installed: .ci/run must install softhsm2")
    pytest.skip("libsofthsm2.so is not installed")


@pytest.fixture(scope="session")
def token(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SoftHSM2 token 'wfhdoc-test' holding the agency's key and certificate; the library path.

    SoftHSM reads SOFTHSM2_CONF once, when the library is first loaded, and python-pkcs11 keeps
    the library loaded for the process: so one token, set up before any use, for the session."""
    softhsm = require_tool("softhsm2-util")
    tool = require_tool("pkcs11-tool")
    lib = _softhsm_lib()
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, timeout=60)

    run(softhsm, "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "12345678")
    run(
        softhsm,
        "--import",
        str(pki.agency.key_pk8),
        "--token",
        TOKEN,
        "--label",
        "agency",
        "--id",
        "01",
        "--pin",
        PIN,
    )
    run(
        tool, "--module", lib, "--token-label", TOKEN, "--login", "--pin", PIN,
        "--write-object", str(pki.agency.cert_der), "--type", "cert", "--label", "agency", "--id", "01",
    )  # fmt: skip
    yield lib
    if old is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = old


@pytest.fixture(scope="session")
def signed(
    letter_pdf: Path, pki: Pki, token: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, sign.SignResult, sign.SignResult]:
    """The letter signed by the signer (PKCS#12, B-B), then by the agency (PKCS#11, B-T)."""
    folder = tmp_path_factory.mktemp("signed")
    first = sign.sign_pdf(
        letter_pdf,
        folder / "451-ky-duyet.pdf",
        role="signer",
        pkcs12=pki.signer.p12,
        passphrase=PASSPHRASE,
        image=SIGNATURE_PNG,
        trust_roots=[pki.root_pem],
    )
    second = sign.sign_pdf(
        first.output,
        folder / "451-phat-hanh.pdf",
        role="agency",
        pkcs11_lib=token,
        token_label=TOKEN,
        pin=PIN,
        image=SEAL_PNG,
        agency_name="Sở Công Thương Quảng Trị",
        level="B-T",
        timestamper=dummy_timestamper(pki),
        trust_roots=[pki.root_pem],
    )
    return second.output, first, second


# -- helpers ----------------------------------------------------------------------------------


def _widgets(path: Path) -> dict[str, tuple[float, float, float, float]]:
    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    result = {}
    for sig in reader.embedded_regular_signatures:
        x0, y0, x1, y1 = (float(v) for v in sig.sig_field["/Rect"])
        result[str(sig.field_name)] = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return result


def _words(path: Path, page: int) -> tuple[float, list[tuple[str, float, float, float, float]]]:
    """poppler's words of one page: (text, x0, y0, x1, y1) in PDF points, origin bottom-left."""
    out = subprocess.run(
        [require_tool("pdftotext"), "-f", str(page), "-l", str(page), "-bbox", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    root = ET.fromstring(re.sub(r'\sxmlns="[^"]+"', "", out, count=1))
    page_el = root.find(".//page")
    assert page_el is not None
    height = float(page_el.get("height", "0"))
    words = []
    for w in page_el.iter("word"):
        y_top, y_bottom = float(w.get("yMin", "0")), float(w.get("yMax", "0"))
        words.append(
            (
                w.text or "",
                float(w.get("xMin", "0")),
                height - y_bottom,
                float(w.get("xMax", "0")),
                height - y_top,
            )
        )
    return height, words


def _line_of(
    words: list[tuple[str, float, float, float, float]], *texts: str
) -> tuple[float, float, float, float]:
    """The box of consecutive words reading `texts` (poppler's words of one line)."""
    for i in range(len(words) - len(texts) + 1):
        if tuple(w[0] for w in words[i : i + len(texts)]) == texts:
            chunk = words[i : i + len(texts)]
            return (
                min(w[1] for w in chunk),
                min(w[2] for w in chunk),
                max(w[3] for w in chunk),
                max(w[4] for w in chunk),
            )
    raise AssertionError(f"{' '.join(texts)!r} not found")


def _baseline(path: Path, page: int, text: str) -> float:
    """The baseline of a text line, from the glyph origins (pdfminer)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

    for layout in extract_pages(str(path), page_numbers=[page - 1]):
        for element in layout:
            if isinstance(element, LTTextContainer):
                for line in element:
                    if isinstance(line, LTTextLine) and line.get_text().strip() == text:
                        return min(c.matrix[5] for c in line if isinstance(c, LTChar))
    raise AssertionError(f"{text!r} not found on page {page}")


def _render(path: Path, page: int, folder: Path, dpi: int = 144) -> Image.Image:
    prefix = folder / f"page-{page}"
    subprocess.run(
        [
            require_tool("pdftoppm"),
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-singlefile",
            str(path),
            str(prefix),
        ],
        check=True,
        capture_output=True,
    )
    with Image.open(f"{prefix}.png") as img:
        return img.convert("RGB")


def _colour_box(
    img: Image.Image, colour: str, page_height: float, dpi: int = 144
) -> tuple[float, float, float, float]:
    """The box, in PDF points, of the pixels of one ink colour on a rendered page."""
    r, g, b = img.split()

    def above(band: Image.Image, limit: int) -> Image.Image:
        return band.point(lambda v: 255 if v > limit else 0).convert("1")

    if colour == "blue":  # the signature's ink: much more blue than red or green
        tests = [above(b, 120), above(ImageChops.subtract(b, r), 60), above(ImageChops.subtract(b, g), 40)]
    else:  # the seal's ink
        tests = [above(r, 150), above(ImageChops.subtract(r, g), 80), above(ImageChops.subtract(r, b), 80)]
    mask = tests[0]
    for other in tests[1:]:
        mask = ImageChops.logical_and(mask, other)
    box = mask.getbbox()
    assert box is not None, f"no {colour} pixels on the page"
    scale = 72 / dpi
    x0, top, x1, bottom = box
    return (x0 * scale, page_height - bottom * scale, x1 * scale, page_height - top * scale)


def _pdfsig(path: Path) -> str:
    out = subprocess.run([require_tool("pdfsig"), str(path)], capture_output=True, text=True, timeout=60)
    return out.stdout


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _simple_pdf(lines: list[tuple[float, float, float, str]]) -> bytes:
    """A one-page A4 PDF with Times text at (x, y, size, text): ASCII only."""
    ops = []
    for x, y, size, text in lines:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"BT /F1 {size} Tf 1 0 0 1 {x} {y} Tm ({escaped}) Tj ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.3 841.9] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# -- the two-step flow --------------------------------------------------------------------------


def test_both_signatures_verify(signed: tuple[Path, sign.SignResult, sign.SignResult], pki: Pki) -> None:
    path, first, second = signed
    assert (first.field_name, second.field_name) == ("NguoiKy", "CoQuan")
    assert (first.signer, second.signer) == (SIGNER_CN, AGENCY_CN)
    reports = sign.verify_pdf(path, trust_roots=[pki.root_pem])
    assert [r.field for r in reports] == ["NguoiKy", "CoQuan"]
    approve, issue = reports
    for report in reports:
        assert report.kind == "signature"
        assert report.intact and report.valid, report.describe()
        assert report.trust == "trusted", report.describe()
        assert not report.modified_after and report.ok, report.describe()
        assert report.problems == ()
    assert (approve.signer, approve.organisation) == (SIGNER_CN, SIGNER_O)
    assert (issue.signer, issue.organisation) == (AGENCY_CN, AGENCY_O)
    # the agency's signature came later, as an incremental update the first one allows
    assert approve.coverage == "entire revision"
    assert "allowed" in approve.changes
    assert issue.coverage == "entire file"
    assert issue.time_source == "timestamp" and approve.time_source == "signer"
    assert issue.signing_time is not None and approve.signing_time is not None
    assert abs((issue.signing_time - approve.signing_time).total_seconds()) < 600


def test_pdfsig_says_both_are_valid(signed: tuple[Path, sign.SignResult, sign.SignResult]) -> None:
    report = _pdfsig(signed[0])
    # pdfsig does not know the test root; only the signature validity lines count
    assert report.count("Signature Validation: Signature is Valid.") == 2, report
    assert report.count("Signature Type: ETSI.CAdES.detached") == 2, report
    assert report.count("Signing Hash Algorithm: SHA-256") == 2, report
    assert f"Common Name: {SIGNER_CN}" in report and f"Common Name: {AGENCY_CN}" in report


def test_tampered_pdf_fails_both_checks(
    signed: tuple[Path, sign.SignResult, sign.SignResult], pki: Pki, tmp_path: Path
) -> None:
    data = bytearray(signed[0].read_bytes())
    # a byte of the binary comment on the second line: inside both signed ranges, and the file
    # still parses, so only the signatures can tell
    pos = data.index(b"\n") + 2
    data[pos] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    reports = sign.verify_pdf(tampered, trust_roots=[pki.root_pem])
    assert len(reports) == 2
    for report in reports:
        assert not report.intact and not report.ok, report.describe()
        assert "integrity: BROKEN" in report.describe()
    poppler = _pdfsig(tampered)
    assert "Signature is Valid" not in poppler, poppler
    assert poppler.count("Signature Validation:") == 2


def test_signer_image_sits_between_title_and_name(
    signed: tuple[Path, sign.SignResult, sign.SignResult], letter_pdf: Path
) -> None:
    path, first, _ = signed
    box = _widgets(path)["NguoiKy"]
    assert box == pytest.approx(first.box, abs=0.05)
    _, words = _words(letter_pdf, first.page)
    name = _line_of(words, "Nguyễn", "Hữu", "Hưng")
    title_baseline = _baseline(letter_pdf, first.page, "PHÓ GIÁM ĐỐC")
    x0, y0, x1, y1 = box
    assert y1 <= title_baseline, (box, title_baseline)
    assert y0 >= name[3] - 0.5, (box, name)  # above the top of the name
    assert (x0 + x1) / 2 == pytest.approx((name[0] + name[2]) / 2, abs=2)
    assert y1 - y0 > 40  # it fills the room ND 30 leaves, not a thumbnail


def test_seal_covers_left_third_of_signature(
    signed: tuple[Path, sign.SignResult, sign.SignResult], tmp_path: Path
) -> None:
    path, first, second = signed
    assert second.page == first.page
    widgets = _widgets(path)
    signature, agency = widgets["NguoiKy"], widgets["CoQuan"]
    height, _ = _words(path, first.page)
    img = _render(path, first.page, tmp_path)
    blue = _colour_box(img, "blue", height)
    red = _colour_box(img, "red", height)
    # the ink is where the widgets are
    assert blue[0] >= signature[0] - 2 and blue[2] <= signature[2] + 2
    assert blue[1] >= signature[1] - 2 and blue[3] <= signature[3] + 2
    assert red[0] >= agency[0] - 2 and red[2] <= agency[2] + 2
    assert red[1] >= agency[1] - 2 and red[3] <= agency[3] + 2
    # "trùm lên khoảng 1/3 hình ảnh chữ ký số ... về bên trái"
    width = signature[2] - signature[0]
    overlap = min(red[2], signature[2]) - max(red[0], signature[0])
    assert 0.25 <= overlap / width <= 0.45, (red, signature)
    assert red[0] < signature[0]  # it sits on the left side
    # the seal at its real size: the PNG says 300 dpi, 36 mm across
    assert red[2] - red[0] == pytest.approx(36 / 25.4 * 72, rel=0.06)
    assert second.image_box is not None
    assert second.image_box[2] == pytest.approx(signature[0] + width / 3, abs=1)


def test_agency_text_names_the_agency_and_the_time(
    signed: tuple[Path, sign.SignResult, sign.SignResult],
) -> None:
    path, first, second = signed
    text = subprocess.run(
        [require_tool("pdftotext"), "-f", str(first.page), "-l", str(first.page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Ký bởi: Sở Công Thương Quảng Trị" in text
    assert f"Thời gian ký: {iso_vn_time(second.signing_time)}" in text
    assert ISO_VN.search(text)


# -- the appendix in its own file ----------------------------------------------------------------


@pytest.fixture(scope="module")
def appendix(letter_pdf: Path, pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> sign.SignResult:
    when = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return sign.sign_pdf(
        letter_pdf,
        tmp_path_factory.mktemp("appendix") / "phu-luc.pdf",
        role="appendix",
        pkcs12=pki.agency.p12,
        passphrase=PASSPHRASE,
        document_number="451/SCT-VP",
        when=when,
    )


def test_appendix_stamp_top_right_of_page_one(appendix: sign.SignResult, pki: Pki) -> None:
    assert appendix.page == 1 and appendix.image_box is None
    height, words = _words(appendix.output, 1)
    x0, y0, x1, y1 = _widgets(appendix.output)["PhuLuc"]
    assert x0 > 595.3 / 2 and y0 > height * 0.85  # top right
    top_text = max(w[4] for w in words if w[2] < y0)  # the letter's own text stays below it
    assert top_text < y0
    text = subprocess.run(
        [require_tool("pdftotext"), "-f", "1", "-l", "1", str(appendix.output), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Số: 451/SCT-VP" in text
    assert f"Thời gian ký: {iso_vn_time(appendix.signing_time)}" in text
    assert "+07:00" in text and ISO_VN.search(text)
    (report,) = sign.verify_pdf(appendix.output, trust_roots=[pki.root_pem])
    assert report.ok and report.field == "PhuLuc" and report.signer == AGENCY_CN


def test_stamp_text_has_the_font_width(appendix: sign.SignResult) -> None:
    """pyHanko spreads the letters of a 2048-units-per-em font twice too wide; sign.py rescales
    the font. The printed line must be as wide as the font's advance widths say at 10 pt."""
    from fontTools.ttLib import TTFont

    line = f"Thời gian ký: {iso_vn_time(appendix.signing_time)}"
    font = TTFont(str(fonts.find_font(None)))
    cmap, hmtx, upem = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    expected = sum(hmtx[cmap[ord(ch)]][0] for ch in line) / upem * 10
    _, words = _words(appendix.output, 1)
    stamp = [w for w in words if w[4] > 780]  # the top of the page: the stamp's words only
    first = next(i for i, w in enumerate(stamp) if w[0].startswith("Thời"))
    last = next(i for i, w in enumerate(stamp) if w[0].endswith("+07:00"))
    measured = stamp[last][3] - stamp[first][1]
    assert measured == pytest.approx(expected, rel=0.15), (measured, expected)


# -- an electronic copy (Mẫu 3.2) -----------------------------------------------------------------


def test_an_electronic_copy_is_stamped_top_right_with_its_form_agency_and_time(
    letter_pdf: Path, pki: Pki, tmp_path: Path
) -> None:
    """Phụ lục I, Phần II, Mục I.3: the copying agency's signature on page 1, top right, no image;
    its hình thức sao, the copying agency and the time, Times New Roman 10, upright."""
    from wfh_docs.sign import KeySource, SignOptions, SignRequest

    when = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    result = sign.sign_file(
        letter_pdf,
        tmp_path / "ban-sao.pdf",
        SignRequest("copy", agency_name="VĂN PHÒNG UBND HUYỆN CAN LỘC", copy_form="SAO Y"),
        KeySource(pkcs12=pki.agency.p12, passphrase=PASSPHRASE),
        SignOptions(when=when),
    )
    assert result.page == 1 and result.image_box is None
    height, words = _words(result.output, 1)
    x0, y0, x1, y1 = _widgets(result.output)["BanSao"]
    assert x0 > 595.3 / 2 and y0 > height * 0.85  # top right
    assert max(w[4] for w in words if w[2] < y0) < y0  # above the letter's own text
    text = subprocess.run(
        [require_tool("pdftotext"), "-f", "1", "-l", "1", "-layout", str(result.output), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    head = [line.strip() for line in text.splitlines()[:6] if line.strip()]
    stamped = ["SAO Y", "VĂN PHÒNG UBND HUYỆN CAN LỘC", f"Thời gian ký: {iso_vn_time(when)}"]
    assert head[:3] == stamped, head
    (report,) = sign.verify_pdf(result.output, trust_roots=[pki.root_pem])
    assert report.ok and report.field == "BanSao" and report.role == "copy" and not report.image


@pytest.mark.parametrize(
    ("request_", "said"),
    [
        ({"copy_form": None}, "hình thức sao: SAO Y, TRÍCH SAO, SAO LỤC"),
        ({"copy_form": "BẢN SAO"}, "hình thức sao: SAO Y, TRÍCH SAO, SAO LỤC"),
        ({"copy_form": "SAO Y", "image": SEAL_PNG}, "shows no image"),
    ],
)
def test_a_copy_signature_asks_for_its_form_and_no_image(request_: dict[str, object], said: str) -> None:
    from wfh_docs.sign import SignRequest

    with pytest.raises(InputError) as info:
        SignRequest("copy", **request_)  # type: ignore[arg-type]
    assert said in str(info.value)


# -- more placements and levels ------------------------------------------------------------------


def test_block_found_by_its_shape_without_the_name(pki: Pki, tmp_path: Path) -> None:
    """A letter whose printed name is not the certificate's CN: the block is found by its shape."""
    pdf = tmp_path / "other.pdf"
    pdf.write_bytes(
        _simple_pdf(
            [
                (100, 760, 13, "Kinh gui: So Thong tin va Truyen thong."),
                (72, 700, 12, "Noi nhan:"),
                (72, 686, 11, "- Nhu tren;"),
                (72, 673, 11, "- Luu: VT."),
                (370, 700, 13, "TM. UY BAN NHAN DAN"),
                (400, 685, 13, "CHU TICH"),
                (385, 600, 13, "Tran Van Binh"),
            ]
        )
    )
    result = sign.sign_pdf(
        pdf,
        tmp_path / "signed.pdf",
        role="signer",
        pkcs12=pki.signer.p12,
        passphrase=PASSPHRASE,
        image=SIGNATURE_PNG,
    )
    x0, y0, x1, y1 = result.box
    assert y1 <= 685 and y0 >= 600 + 13 * 0.7
    _, words = _words(pdf, 1)
    name = _line_of(words, "Tran", "Van", "Binh")
    assert (x0 + x1) / 2 == pytest.approx((name[0] + name[2]) / 2, abs=2)


def test_b_lta_offline_with_a_crl(letter_pdf: Path, pki: Pki, tmp_path: Path) -> None:
    result = sign.sign_pdf(
        letter_pdf,
        tmp_path / "lta.pdf",
        role="signer",
        pkcs12=pki.signer.p12,
        passphrase=PASSPHRASE,
        image=SIGNATURE_PNG,
        level="B-LTA",
        timestamper=dummy_timestamper(pki),
        trust_roots=[pki.root_pem],
        crls=[pki.crl_der],
        allow_fetching=False,
    )
    reports = sign.verify_pdf(result.output, trust_roots=[pki.root_pem], crls=[pki.crl_der])
    assert [r.kind for r in reports] == ["signature", "document timestamp"]
    assert all(r.ok and r.trust == "trusted" for r in reports), [r.describe() for r in reports]
    assert "validation data" in reports[0].changes


def test_sign_in_place_replaces_the_file_whole(letter_pdf: Path, pki: Pki, tmp_path: Path) -> None:
    pdf = tmp_path / "letter.pdf"
    shutil.copyfile(letter_pdf, pdf)
    sign.sign_pdf(pdf, pdf, role="signer", pkcs12=pki.signer.p12, passphrase=PASSPHRASE, image=SIGNATURE_PNG)
    (report,) = sign.verify_pdf(pdf, trust_roots=[pki.root_pem])
    assert report.ok and report.coverage == "entire file"
    assert [p.name for p in tmp_path.iterdir()] == ["letter.pdf"]  # no temporary file left


def test_content_changed_after_signing_is_reported(
    signed: tuple[Path, sign.SignResult, sign.SignResult], pki: Pki, tmp_path: Path
) -> None:
    """Text added to a page in a later revision: the signed bytes are intact, but the document
    changed in a way no signature allows, and verify says so."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed[0].read_bytes()))
    extra = generic.StreamObject(stream_data=b"BT /F1 12 Tf 100 100 Td (Da sua) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(extra))
    changed = tmp_path / "changed.pdf"
    with changed.open("wb") as fh:
        writer.write(fh)
    reports = sign.verify_pdf(changed, trust_roots=[pki.root_pem])
    assert len(reports) == 2
    for report in reports:
        assert report.intact and report.coverage == "entire revision"
        assert report.modified_after and not report.ok, report.describe()
        assert "not allowed" in report.changes


def test_seal_without_dpi_is_drawn_36_mm(
    signed: tuple[Path, sign.SignResult, sign.SignResult], pki: Pki, tmp_path: Path
) -> None:
    seal = tmp_path / "seal-no-dpi.png"
    with Image.open(SEAL_PNG) as img:
        img.save(seal)  # Pillow writes no pHYs unless asked
    with Image.open(seal) as img:
        assert "dpi" not in img.info
    result = sign.sign_pdf(
        signed[1].output,
        tmp_path / "out.pdf",
        role="agency",
        pkcs12=pki.agency.p12,
        passphrase=PASSPHRASE,
        image=seal,
    )
    assert any("no dpi" in w for w in result.warnings)
    assert result.image_box is not None
    assert result.image_box[2] - result.image_box[0] == pytest.approx(36 * 72 / 25.4, rel=0.01)
    page = str(result.page)
    text = subprocess.run(
        [require_tool("pdftotext"), "-f", page, "-l", page, str(result.output), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Ký bởi: Sở Công Thương Quảng Trị" in text  # no agency name given: the certificate's CN


def test_verify_without_roots_says_unknown(signed: tuple[Path, sign.SignResult, sign.SignResult]) -> None:
    reports = sign.verify_pdf(signed[0])
    assert [r.trust for r in reports] == ["unknown", "unknown"]
    assert all(r.intact and r.ok for r in reports)


def test_verify_other_root_says_untrusted(
    signed: tuple[Path, sign.SignResult, sign.SignResult], tmp_path: Path
) -> None:
    stranger = make_pki(tmp_path)
    reports = sign.verify_pdf(signed[0], trust_roots=[stranger.root_pem])
    assert [r.trust for r in reports] == ["untrusted", "untrusted"]
    assert all(r.intact and not r.ok and r.problems for r in reports)


def test_verify_unsigned_pdf_has_no_reports(letter_pdf: Path) -> None:
    assert sign.verify_pdf(letter_pdf) == []


def test_sample_images_are_what_nd30_asks(tmp_path: Path) -> None:
    for path, colour in ((SIGNATURE_PNG, "blue"), (SEAL_PNG, "red")):
        picture = images.load_png(path, "sample", colour)  # type: ignore[arg-type]
        assert picture.warnings == ()
        assert picture.dpi == pytest.approx(300, abs=0.1)
    seal = images.load_png(SEAL_PNG, "seal", "red")
    w, h, note = images.seal_size(seal)
    assert note is None and max(w, h) == pytest.approx(36 * 72 / 25.4, rel=0.03)


# -- bad inputs ---------------------------------------------------------------------------------


def _bad_png(kind: str, folder: Path) -> Path:
    path = folder / f"{kind}.png"
    if kind == "jpeg":
        Image.new("RGB", (200, 80), (20, 40, 200)).save(path, format="JPEG")
    elif kind == "text":
        path.write_text("not an image\n")
    elif kind == "no-alpha":
        Image.new("RGB", (200, 80), (20, 40, 200)).save(path)
    elif kind == "opaque":
        Image.new("RGBA", (200, 80), (20, 40, 200, 255)).save(path)
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("wrong-passphrase", "wrong passphrase"),
        ("expired", "expired on"),
        ("not-yet-valid", "not valid yet"),
        ("jpeg", "is a JPEG image"),
        ("text", "is not a PNG image"),
        ("no-alpha", "no transparency"),
        ("opaque", "no transparent pixels"),
        ("no-block", "found no signer's title lines"),
        ("not-a-pdf", "is not a PDF"),
        ("agency-first", "no visible signature of the signer"),
        ("appendix-no-number", "letter's number"),
        ("b-t-without-tsa", "needs a time-stamp"),
    ],
)
def test_bad_input_is_refused_and_input_kept(
    case: str, message: str, letter_pdf: Path, pki: Pki, tmp_path: Path
) -> None:
    pdf = tmp_path / "in.pdf"
    shutil.copyfile(letter_pdf, pdf)
    kwargs: dict[str, object] = {
        "role": "signer",
        "pkcs12": pki.signer.p12,
        "passphrase": PASSPHRASE,
        "image": SIGNATURE_PNG,
    }
    if case == "wrong-passphrase":
        kwargs["passphrase"] = b"sai-mat-khau"
    elif case in ("expired", "not-yet-valid"):
        kwargs["pkcs12"] = pki.expired.p12 if case == "expired" else pki.not_yet_valid.p12
    elif case in ("jpeg", "text", "no-alpha", "opaque"):
        kwargs["image"] = _bad_png(case, tmp_path)
    elif case == "no-block":
        pdf.write_bytes(
            _simple_pdf([(72, 760, 12, "Bao cao tinh hinh."), (72, 740, 12, "Noi dung khong co chu ky.")])
        )
    elif case == "not-a-pdf":
        pdf.write_bytes(b"PK\x03\x04 a .docx, not a PDF")
    elif case == "agency-first":
        kwargs.update(role="agency", pkcs12=pki.agency.p12, image=SEAL_PNG)
    elif case == "appendix-no-number":
        kwargs.update(role="appendix", pkcs12=pki.agency.p12, image=None)
    elif case == "b-t-without-tsa":
        kwargs["level"] = "B-T"
    before = _digest(pdf)
    out = tmp_path / "out.pdf"
    with pytest.raises(WfhDocError, match=re.escape(message)) as info:
        sign.sign_pdf(pdf, out, **kwargs)  # type: ignore[arg-type]
    assert isinstance(info.value, InputError)
    assert _digest(pdf) == before
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".png") == ["in.pdf"]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("wrong-pin", "wrong PIN for token 'wfhdoc-test'"),
        ("no-such-token", "no token labelled 'the-agency-token'"),
        ("no-library", "no such file"),
        ("unloadable-library", "cannot load it"),
        ("no-such-key", "no usable key and certificate"),
    ],
)
def test_token_problems_are_clear(
    case: str, message: str, signed: tuple[Path, sign.SignResult, sign.SignResult], token: str, tmp_path: Path
) -> None:
    _, first, _ = signed
    pdf = first.output  # signed by the signer: what the agency's clerk receives
    before = _digest(pdf)
    kwargs: dict[str, object] = {"pkcs11_lib": token, "token_label": TOKEN, "pin": PIN}
    if case == "wrong-pin":
        kwargs["pin"] = "654321"
    elif case == "no-such-token":
        kwargs["token_label"] = "the-agency-token"
    elif case == "no-library":
        kwargs["pkcs11_lib"] = str(tmp_path / "libeTPkcs11.so")
    elif case == "unloadable-library":
        bogus = tmp_path / "libbit4xpki.so"
        bogus.write_bytes(b"not a shared library")
        kwargs["pkcs11_lib"] = str(bogus)
    elif case == "no-such-key":
        kwargs["key_label"] = "signer-2019"
    out = tmp_path / "out.pdf"
    with pytest.raises(InputError, match=re.escape(message)) as info:
        sign.sign_pdf(pdf, out, role="agency", image=SEAL_PNG, **kwargs)  # type: ignore[arg-type]
    assert "PKCS#11" in str(info.value)
    assert _digest(pdf) == before
    assert not out.exists()


# -- the command line -----------------------------------------------------------------------------


def test_sign_and_verify_from_the_command_line(
    letter_pdf: Path,
    pki: Pki,
    token: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wfh_docs.cli import main

    source = tmp_path / "451-SCT-VP.pdf"
    source.write_bytes(letter_pdf.read_bytes())
    before = source.read_bytes()
    monkeypatch.setenv("WFHDOC_P12_PASSPHRASE", PASSPHRASE.decode())
    code = main(
        [
            "sign",
            str(source),
            "--as",
            "signer",
            "--pkcs12",
            str(pki.signer.p12),
            "--signature-image",
            str(SIGNATURE_PNG),
            "--trust-root",
            str(pki.root_pem),
        ]
    )
    out, err = capsys.readouterr()
    signed = tmp_path / "451-SCT-VP-signer.pdf"
    assert code == 0, err
    assert out.startswith(f"signed {signed} as signer: {SIGNER_CN}, ") and "+07:00" in out
    monkeypatch.setenv("WFHDOC_PIN", PIN)
    code = main(
        [
            "sign",
            str(signed),
            "--as",
            "agency",
            "--pkcs11-lib",
            token,
            "--token-label",
            TOKEN,
            "--seal-image",
            str(SEAL_PNG),
            "--agency-name",
            "Sở Công Thương Quảng Trị",
            "--trust-root",
            str(pki.root_pem),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    final = tmp_path / "451-SCT-VP-signer-agency.pdf"
    assert source.read_bytes() == before  # the input is never changed
    code = main(["verify", str(final), "--trust-root", str(pki.root_pem)])
    out, _ = capsys.readouterr()
    assert code == 0, out
    assert out.count("integrity: intact") == 2 and out.count("certificate: trusted") == 2
    assert SIGNER_CN in out and AGENCY_CN in out
    code = main(["verify", str(final), "--json"])
    rows = __import__("json").loads(capsys.readouterr().out)
    assert [r["trust"] for r in rows] == ["unknown", "unknown"] and code == 0
    # an unsigned PDF, and a wrong PIN: clear words, exit 1, no traceback
    assert main(["verify", str(source)]) == 1
    assert "no signature" in capsys.readouterr().out
    monkeypatch.setenv("WFHDOC_PIN", "000000")
    code = main(
        [
            "sign",
            str(signed),
            "--as",
            "agency",
            "--pkcs11-lib",
            token,
            "--token-label",
            TOKEN,
            "--seal-image",
            str(SEAL_PNG),
            "-o",
            str(tmp_path / "x.pdf"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "PIN" in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_sign_needs_exactly_one_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wfh_docs.cli import main

    assert main(["sign", str(tmp_path / "a.pdf"), "--as", "signer"]) == 2
    assert "give one key" in capsys.readouterr().err


# -- the request types and verify's roles on wfhdoc's own signatures -----------------------------


def test_the_requests_are_checked_when_made(pki: Pki) -> None:
    from wfh_docs.sign import Box, KeySource, SignOptions, SignRequest

    with pytest.raises(InputError, match="letter's number"):
        SignRequest("appendix")
    with pytest.raises(InputError, match="needs the image of the seal"):
        SignRequest("agency")
    with pytest.raises(InputError, match="x1 > x0"):
        SignRequest("signer", image=SIGNATURE_PNG, box=Box(10, 10, 5, 20))
    with pytest.raises(WfhDocError, match="role must be one of"):
        SignRequest("leader", image=SIGNATURE_PNG)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="give exactly one key"):
        KeySource()
    with pytest.raises(InputError, match="the PIN is empty"):
        KeySource(pkcs11_lib="libsofthsm2.so", pin="")
    with pytest.raises(InputError, match="needs a time-stamp"):
        SignOptions(level="B-T")
    request = SignRequest("signer", image=SIGNATURE_PNG)
    with pytest.raises(AttributeError):
        request.role = "agency"  # type: ignore[misc]  # frozen
    assert KeySource(pkcs12=pki.signer.p12).name == str(pki.signer.p12)


def test_sign_file_takes_the_requests(letter_pdf: Path, pki: Pki, tmp_path: Path) -> None:
    from wfh_docs.sign import KeySource, SignRequest, sign_file

    result = sign.sign_file(
        letter_pdf,
        tmp_path / "out.pdf",
        SignRequest("signer", image=SIGNATURE_PNG),
        KeySource(pkcs12=pki.signer.p12, passphrase=PASSPHRASE),
    )
    assert sign_file is sign.sign_file
    assert result.role == "signer" and result.signer == SIGNER_CN and result.output.is_file()


def test_a_message_of_signing_in_vietnamese() -> None:
    from wfh_docs import i18n
    from wfh_docs.sign import KeySource

    with i18n.using("vi"), pytest.raises(InputError) as info:
        KeySource()
    assert "hãy chỉ rõ đúng một khóa" in str(info.value)


def test_verify_names_the_roles_of_wfhdocs_own_signatures(
    signed: tuple[Path, sign.SignResult, sign.SignResult], appendix: sign.SignResult, pki: Pki
) -> None:
    _, _, second = signed
    reports = sign.verify_pdf(second.output, trust_roots=[pki.root_pem])
    assert [(r.role, r.certificate_kind, r.image) for r in reports] == [
        ("approval", "personal", True),
        ("seal", "organisation", True),
    ]
    assert all(r.findings == () for r in reports), [r.describe() for r in reports]
    assert "role: dấu (the agency's seal), page 2" in reports[1].describe()  # the letter's last page
    (stamp,) = sign.verify_pdf(appendix.output, trust_roots=[pki.root_pem])
    assert stamp.role == "appendix" and stamp.findings == () and not stamp.image


def test_a_signature_no_library_can_parse_could_not_be_checked(
    signed: tuple[Path, sign.SignResult, sign.SignResult], tmp_path: Path
) -> None:
    """Not BROKEN: nothing says the signed bytes differ; the reason is given."""
    _, first, _ = signed
    data = bytearray(first.output.read_bytes())
    start = data.index(b"/Contents <") + len(b"/Contents <")
    end = data.index(b">", start)
    garbage = b"3003020101"  # a DER SEQUENCE holding an INTEGER: no CMS
    data[start:end] = garbage + b"0" * (end - start - len(garbage))
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(bytes(data))
    (report,) = sign.verify_pdf(damaged)
    assert not report.checked and not report.ok
    assert "integrity: could not be checked" in report.describe()
    assert "BROKEN" not in report.describe()
    assert report.problems and report.problems[0].startswith("the signature could not be checked: ")
