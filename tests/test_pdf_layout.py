"""The letters' PDF pages as a reader sees them: golden page images of the reference letter,
and page rules test_libreoffice.py checks only on the reference, checked on every sample here.

Golden images: pages 1 and 3 (the first page of the phụ lục) of công văn 451/SCT-VP, and page 1
of every other example (one of each kind of document), rendered
by `pdftoppm -r 40 -gray` and kept as 8-bit grey PNGs in tests/goldens/. They are read and
written by the tiny PNG/PGM code below, so no imaging library is needed. When a page differs,
the new image and a diff image go to tests/output/ (the diff shows the golden page faded and the
differing pixels black). `WFHDOC_UPDATE_GOLDENS=1` rewrites the goldens on purpose.

Tolerance, measured on page 1 (331 x 468 pixels, ~6 % ink): the whole page moved by one pixel
(0.6 mm) gives a mean absolute difference of 5.2-6.8 % of full scale; rendering it at 41 dpi
scaled back to the same size (as a different rasteriser might) gives 1.7 %. So the page passes
below a mean of 3 %. The mean misses local changes (a word added to the first paragraph: 0.2 %),
so a second measure counts the pixels that differ by more than 64 grey levels from every pixel
within one pixel of them in the other image: 0.09 % for that added word, 0.03-0.05 % for a few
words of body text moved sideways by 2-8 pixels, 0.006 % for the 41-dpi rendering; the page
passes below 0.02 % (~30 pixels). At 40 dpi the image guards the layout (lines, blocks, page
breaks); a single word in small print can stay under the limit, and the text tests see words.
"""

from __future__ import annotations

import os
import struct
import subprocess
import unicodedata
import zlib
from pathlib import Path

import pytest
from helpers import EXAMPLES, REFERENCE_JSON, ROOT, require_tool

from wfh_docs.letter.sources import load_letter

GOLDENS = ROOT / "tests" / "goldens"
OUTPUT = ROOT / "tests" / "output"  # gitignored
DPI = 40
MAX_MEAN = 3.0  # percent of full scale
LEVEL = 64  # grey levels that count as "a different pixel"
REACH = 1  # pixels a pixel may move before it counts as moved
MAX_MOVED = 0.02  # percent of the page's pixels

Image = tuple[int, int, bytes]  # width, height, one byte per pixel, rows top to bottom


# -- tiny image files -------------------------------------------------------------------------------


def read_pgm(data: bytes) -> Image:
    """A binary (P5) 8-bit PGM, as pdftoppm -gray writes it."""
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":  # a comment runs to the end of its line
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    magic, width, height, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    assert magic == b"P5" and maxval == 255, (magic, maxval)
    pixels = data[pos + 1 : pos + 1 + width * height]  # one whitespace byte ends the header
    assert len(pixels) == width * height
    return width, height, pixels


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def write_png(path: Path, image: Image) -> None:
    width, height, pixels = image
    rows = b"".join(b"\0" + pixels[r * width : (r + 1) * width] for r in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey, not interlaced
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def read_png(path: Path) -> Image:
    """An 8-bit grey, non-interlaced PNG (what write_png makes; any row filter, so that a PNG
    optimiser may recompress the goldens)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert (depth, colour, interlace) == (8, 0, 0), f"{path}: not an 8-bit grey PNG"
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    out = bytearray()
    previous = bytearray(width)
    for r in range(height):
        kind = raw[r * (width + 1)]
        row = bytearray(raw[r * (width + 1) + 1 : (r + 1) * (width + 1)])
        for i in range(width):
            left = row[i - 1] if i else 0
            up, corner = previous[i], previous[i - 1] if i else 0
            predictor = (0, left, up, (left + up) // 2, _paeth(left, up, corner))[kind]
            row[i] = (row[i] + predictor) & 0xFF
        out += row
        previous = row
    return width, height, bytes(out)


# -- comparing pages --------------------------------------------------------------------------------


def mean_difference(a: Image, b: Image) -> float:
    return sum(abs(p - q) for p, q in zip(a[2], b[2], strict=True)) / len(a[2]) / 255 * 100


def moved_pixels(a: Image, b: Image) -> list[int]:
    """Pixels that differ by more than LEVEL from every pixel within REACH of them in the other
    image, either way: anti-aliasing and sub-pixel shifts find a match nearby, a change does not."""
    width, height, x = a
    y = b[2]

    def near(img: bytes, index: int, value: int) -> bool:
        r, c = divmod(index, width)
        for rr in range(max(0, r - REACH), min(height, r + REACH + 1)):
            row = rr * width
            for cc in range(max(0, c - REACH), min(width, c + REACH + 1)):
                if abs(img[row + cc] - value) <= LEVEL:
                    return True
        return False

    return [
        i
        for i, (p, q) in enumerate(zip(x, y, strict=True))
        if abs(p - q) > LEVEL and not (near(y, i, p) and near(x, i, q))
    ]


def diff_image(golden: Image, new: Image, moved: list[int]) -> Image:
    width, height, g = golden
    faded = bytearray(255 - (255 - v) // 4 for v in g)
    for i, (p, q) in enumerate(zip(g, new[2], strict=True)):
        if abs(p - q) > LEVEL:
            faded[i] = 128
    for i in moved:
        faded[i] = 0
    return width, height, bytes(faded)


def render_page(pdf: Path, page: int) -> Image:
    out = subprocess.run(
        [require_tool("pdftoppm"), "-r", str(DPI), "-gray", "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
    ).stdout
    return read_pgm(out)


# -- fixtures ---------------------------------------------------------------------------------------

SAMPLES = sorted(p.stem for p in EXAMPLES.glob("*.json"))


@pytest.fixture(scope="module")
def pdfs(example_pdfs: dict[str, Path]) -> dict[str, Path]:
    return example_pdfs


def page_count(pdf: Path) -> int:
    out = subprocess.run(
        [require_tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


def page_lines(pdf: Path, page: int, *, layout: bool = False) -> list[str]:
    args = [require_tool("pdftotext"), "-f", str(page), "-l", str(page), *(["-layout"] if layout else [])]
    out = subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [line for line in unicodedata.normalize("NFC", out).splitlines() if line.strip()]


def letter_pages(pdf: Path) -> int:
    """The pages of the letter itself: up to the one with the Nơi nhận, before any phụ lục."""
    return next(
        p for p in range(1, page_count(pdf) + 1) if any("Nơi nhận:" in ln for ln in page_lines(pdf, p))
    )


# -- golden images ----------------------------------------------------------------------------------


# the reference letter's first page and its phụ lục's, and page 1 of every other example: one
# of each kind of Phụ lục III (test_mau_layout.py holds each against its Mẫu)
GOLDEN_PAGES = [(REFERENCE_JSON.stem, 1, "451-page1.png"), (REFERENCE_JSON.stem, 3, "451-page3.png")] + [
    (name, 1, f"{name}-page1.png") for name in SAMPLES if name != REFERENCE_JSON.stem
]


@pytest.mark.parametrize(("name", "page", "golden"), GOLDEN_PAGES)
def test_page_matches_its_golden_image(pdfs: dict[str, Path], name: str, page: int, golden: str) -> None:
    new = render_page(pdfs[name], page)
    path = GOLDENS / golden
    if os.environ.get("WFHDOC_UPDATE_GOLDENS") == "1":
        write_png(path, new)
        pytest.skip(f"WFHDOC_UPDATE_GOLDENS=1: rewrote {path.relative_to(ROOT)}")
    stem = golden.removesuffix(".png")
    new_path = OUTPUT / f"{stem}.new.png"
    if not path.exists():
        write_png(new_path, new)
        pytest.fail(
            f"no golden {path.relative_to(ROOT)}; this run's page is {new_path.relative_to(ROOT)}: "
            "look at it, then run with WFHDOC_UPDATE_GOLDENS=1 to make it the golden"
        )
    old = read_png(path)
    if old[:2] != new[:2]:
        write_png(new_path, new)
        pytest.fail(
            f"page {page} is {new[0]}x{new[1]} pixels, its golden {old[0]}x{old[1]}: the page size "
            f"or orientation changed; see {new_path.relative_to(ROOT)} "
            "(WFHDOC_UPDATE_GOLDENS=1 accepts it)"
        )
    mean = mean_difference(old, new)
    moved = moved_pixels(old, new)
    share = len(moved) / len(new[2]) * 100
    if mean >= MAX_MEAN or share >= MAX_MOVED:
        diff_path = OUTPUT / f"{stem}.diff.png"
        write_png(new_path, new)
        write_png(diff_path, diff_image(old, new, moved))
        rows = sorted({i // new[0] for i in moved})
        where = f"; changed rows {rows[0]}-{rows[-1]} of {new[1]}" if rows else ""
        pytest.fail(
            f"page {page} differs from {path.relative_to(ROOT)}: mean difference {mean:.2f} % "
            f"(limit {MAX_MEAN} %), {share:.3f} % of pixels changed (limit {MAX_MOVED} %){where}. "
            f"New page: {new_path.relative_to(ROOT)}, diff: {diff_path.relative_to(ROOT)}. "
            "If the change is wanted, run with WFHDOC_UPDATE_GOLDENS=1."
        )


def test_the_comparison_catches_a_moved_line_and_forgives_antialiasing() -> None:
    """The measures themselves, on a synthetic page: text lines as dark bars with grey edges."""
    width, height = 120, 80
    page = bytearray(b"\xff" * (width * height))
    for top in range(10, 70, 12):
        for r in range(top, top + 4):
            for c in range(10, 110):
                page[r * width + c] = 40 if top < r < top + 3 else 160
    base: Image = (width, height, bytes(page))
    assert mean_difference(base, base) == 0 and moved_pixels(base, base) == []
    # anti-aliasing drift: every grey edge one shade darker
    drift = bytes(v - 30 if v == 160 else v for v in page)
    assert moved_pixels(base, (width, height, drift)) == []
    # one line moved down by three pixels
    moved = bytearray(page)
    for r in range(70, 22, -1):
        moved[r * width : (r + 1) * width] = page[(r - 3) * width : (r - 2) * width]
    assert len(moved_pixels(base, (width, height, bytes(moved)))) / (width * height) * 100 > MAX_MOVED


def test_png_round_trip(tmp_path: Path) -> None:
    image: Image = (3, 2, bytes([0, 128, 255, 7, 8, 9]))
    write_png(tmp_path / "a.png", image)
    assert read_png(tmp_path / "a.png") == image
    assert read_pgm(b"P5\n# pdftoppm\n3 2\n255\n" + image[2]) == image


# -- what test_libreoffice.py checks on the reference only, on every sample ------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_motto_on_one_line(pdfs: dict[str, Path], name: str) -> None:
    lines = [ln.strip() for ln in page_lines(pdfs[name], 1, layout=True)]
    assert any(ln.endswith("Độc lập - Tự do - Hạnh phúc") for ln in lines), lines[:6]
    assert any(ln.endswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") for ln in lines), lines[:6]


@pytest.mark.parametrize("name", SAMPLES)
def test_page_numbers(pdfs: dict[str, Path], name: str) -> None:
    pdf = pdfs[name]
    assert not page_lines(pdf, 1)[0].strip().isdigit()  # no number on page 1
    for page in range(2, letter_pages(pdf) + 1):
        top = page_lines(pdf, page, layout=True)[0]
        assert top.strip() == str(page), (page, top)
        assert 25 <= top.index(str(page)) <= 60  # centred on a ~90-column line


@pytest.mark.parametrize("name", SAMPLES)
def test_signature_block_not_alone_on_its_page(pdfs: dict[str, Path], name: str) -> None:
    pdf = pdfs[name]
    letter = load_letter(EXAMPLES / f"{name}.json").letter
    page = letter_pages(pdf)
    text = " ".join(" ".join(page_lines(pdf, page)).split())
    assert letter.signer.name in text
    # body text ends on the signature's page: the closing "./." stands above the signature
    body = text.split("Nơi nhận:")[0]
    if page > 1:
        body = body.split(None, 1)[1]  # drop the page number
    assert "./." in body and len(body.split()) >= 5, body


@pytest.mark.parametrize(
    "name", [n for n in SAMPLES if load_letter(EXAMPLES / f"{n}.json").letter.appendices]
)
def test_each_phu_luc_starts_a_page(pdfs: dict[str, Path], name: str) -> None:
    pdf = pdfs[name]
    appendices = load_letter(EXAMPLES / f"{name}.json").letter.appendices
    labels = ["Phụ lục"] if len(appendices) == 1 else [f"Phụ lục {r}" for r in ("I", "II", "III", "IV")]
    starts = [p for p in range(1, page_count(pdf) + 1) if page_lines(pdf, p)[0].strip() in labels]
    assert [page_lines(pdf, p)[0].strip() for p in starts] == labels[: len(appendices)]
    assert starts[0] == letter_pages(pdf) + 1  # the first right after the letter's last page
    for start, appendix in zip(starts, appendices, strict=True):
        # its title follows on the same page, in capitals
        title = " ".join(" ".join(page_lines(pdf, start)[1:4]).split())
        assert title.startswith(" ".join(appendix.title.split()[:4]).upper()), title
