"""Digital signatures on PDF letters as Nghị định 30/2020 lays them out, and checking them.

This module owns signing a letter's PDF (PAdES, `/SubFilter /ETSI.CAdES.detached`, SHA-256, by
incremental update so an earlier signature stays valid) in the three roles of Phụ lục I:

* ``signer`` (ô 7c, II.7.d): the competent person's handwritten signature image, blue, PNG with a
  transparent background, centred between the signer's title lines and the name.
* ``agency`` (ô 8, II.8.a): the agency's seal image, red, at the seal's real size, PNG with a
  transparent background, covering about the left third of the signer's signature image; beside
  it "Ký bởi: <agency>" and "Thời gian ký: <ISO 8601, +07:00>" in Times New Roman 10 pt, black
  (practice from TT 01/2019/TT-BNV, not the decree; see docs/nd30-format.md §4.3).
* ``appendix`` (II.8.b, III.1.d): an attachment in its own file, signed by the agency with no
  image at the top right of page 1: "Số: <number>" and the signing time, TNR 10 pt, black.

Keys come from a PKCS#12 file (tests, demos) or a PKCS#11 token (the SafeNet/Bit4id USB tokens
agencies sign with). It also owns `verify_pdf`, which reports each signature's integrity, trust,
coverage and whether the document was changed after it in a way that is not allowed.

Positions come from the PDF's own text (pdfminer.six, pure Python, so signing also works on the
Windows PCs that hold the tokens, with no poppler). Signing is done by pyHanko; the input file is
never written to, and the output appears whole or not at all.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import logging
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import InputError, OutputError, Problem, WfhDocError
from ..files.output import write_atomic
from ..letter.vn import iso_vn_time

_MISSING: ImportError | None = None
try:
    import pkcs11
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTPage, LTTextContainer, LTTextLine
    from PIL import Image, ImageStat, UnidentifiedImageError
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils import generic, layout
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.text import TextBox, TextBoxStyle
    from pyhanko.pdf_utils.writer import BasePdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.ades.report import AdESIndeterminate
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.general import SigningError as PyhankoSigningError
    from pyhanko.sign.pkcs11 import PKCS11Signer
    from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko.stamp.base import BaseStamp, BaseStampStyle
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.errors import PathBuildingError
except ImportError as exc:  # pragma: no cover - only without the signing extra
    _MISSING = exc

__all__ = [
    "Level",
    "Role",
    "SignResult",
    "SignatureReport",
    "SigningError",
    "parse_box",
    "sign_pdf",
    "verify_pdf",
]

Role = Literal["signer", "agency", "appendix"]
Level = Literal["B-B", "B-T", "B-LT", "B-LTA"]
ROLES: tuple[Role, ...] = ("signer", "agency", "appendix")
LEVELS: tuple[Level, ...] = ("B-B", "B-T", "B-LT", "B-LTA")

MM = 72 / 25.4
# Field names: what the document systems call the steps (ký phê duyệt, đóng dấu phát hành, phụ lục).
FIELD_NAMES: dict[Role, str] = {"signer": "NguoiKy", "agency": "CoQuan", "appendix": "PhuLuc"}
REASONS: dict[Role, str] = {
    "signer": "Ký phê duyệt văn bản",
    "agency": "Ký số của cơ quan, tổ chức (phát hành văn bản)",
    "appendix": "Ký số của cơ quan, tổ chức trên văn bản kèm theo",
}
# A round seal of a Sở or a UBND is 35-40 mm across; used when the PNG does not say its dpi.
DEFAULT_SEAL_MM = 36.0
# A dpi giving a seal outside this is taken for an editor's default (72, 96), not the seal's size.
SEAL_MM_RANGE = (20.0, 60.0)
TEXT_SIZE = 10  # Phụ lục I II.8.b: cỡ chữ 10
TEXT_LEADING = 12
TEXT_COLOUR = (0.0, 0.0, 0.0)  # màu đen
# The font ND 30 names first; Liberation Serif has the same metrics and is what LibreOffice
# puts in the letter's PDF in its place on Linux.
FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf",
    "/usr/share/fonts/truetype/msttcorefonts/times.ttf",
    os.path.join(os.environ.get("WINDIR", "C:/Windows"), "Fonts", "times.ttf"),
    "/Library/Fonts/Times New Roman.ttf",
    "/System/Library/Fonts/Supplemental/Times New Roman.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/liberation-serif/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/liberation/LiberationSerif-Regular.ttf",
)
PKCS11_HINT = (
    "give the token's PKCS#11 library: SafeNet eToken libeTPkcs11.so (eTPKCS11.dll on Windows), "
    "Bit4id libbit4xpki.so (bit4xpki.dll), SoftHSM2 /usr/lib/softhsm/libsofthsm2.so"
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A seal scanned at 1200 dpi is about 1900 pixels across, a signature 4000 x 2000: an image above
# this is not one, and decoding it would take gigabytes. Checked from the PNG's header first.
MAX_IMAGE_PIXELS = 25_000_000
MAX_IMAGE_BYTES = 50 << 20
_PAD = 2.0  # points kept free between an image and the text around it
_FONT_RECIPE = "r1"  # in the cached font's name: a change to _font_1000 must not reuse old files

# pyHanko, its certificate validator, pdfminer and fontTools log every doubt they have, with
# tracebacks; with no handler of the application's, Python would print them all on stderr. A
# NullHandler keeps them quiet there and still passes them on to whatever logging the app sets up.
for _name in ("pyhanko", "pyhanko_certvalidator", "pdfminer", "fontTools"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


class SigningError(WfhDocError):
    """The signing device, its library or a time-stamping service failed, or pyHanko refused."""


def _bad(source: str | Path, where: str, message: str, hint: str = "") -> InputError:
    """An InputError with one problem: what goes wrong in signing is one thing at a time."""
    return InputError(str(source), [Problem(where, message, hint)])


def _require() -> None:
    if _MISSING is not None:
        raise SigningError(
            f"signing needs packages that are not installed ({_MISSING.name or _MISSING}): "
            "pip install 'wfhdoc[sign]'"
        )


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignResult:
    """What `sign_pdf` did: where the signature went and who signed when."""

    output: Path
    role: Role
    field_name: str
    page: int  # 1-based
    box: tuple[float, float, float, float]  # the widget's rectangle, PDF points, origin bottom-left
    image_box: tuple[float, float, float, float] | None  # where the image landed on the page
    signer: str  # the certificate's subject CN
    signing_time: dt.datetime  # in Vietnam time
    level: Level
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignatureReport:
    """One signature (or document time-stamp) of a PDF, as `verify_pdf` found it."""

    field: str
    kind: Literal["signature", "document timestamp"]
    signer: str  # subject CN of the signing certificate
    organisation: str | None  # subject O
    signing_time: dt.datetime | None
    time_source: Literal["timestamp", "signer", "none"]  # a TSA's token, or the signer's own clock
    intact: bool  # the signed bytes hash to what was signed
    valid: bool  # the signature over that hash checks out
    trust: Literal["trusted", "untrusted", "unknown"]  # unknown: no trust roots were given
    coverage: Literal["entire file", "entire revision", "partial"]
    modified_after: bool  # changed after this signature in a way that is not allowed
    changes: str  # in plain words, what happened to the document after this signature
    problems: tuple[str, ...] = ()
    # bytes at the end of the file after its last revision (its last %%EOF): in no revision, so no
    # signature covers them and no PDF reader shows them (pdfsig: "Not total document signed")
    unsigned_bytes: int = 0

    @property
    def ok(self) -> bool:
        """Intact, valid, not distrusted and not modified in a disallowed way."""
        return self.intact and self.valid and self.trust != "untrusted" and not self.modified_after

    def describe(self) -> str:
        """A few lines for a person: what `wfhdoc verify` prints for this signature."""
        when = iso_vn_time(self.signing_time) if self.signing_time else "unknown"
        source = {"timestamp": " (time-stamp)", "signer": " (signer's clock)", "none": ""}[self.time_source]
        org = f", {self.organisation}" if self.organisation else ""
        lines = [
            f"{self.field} ({self.kind}): {self.signer}{org}",
            f"  signed at: {when}{source}",
            f"  integrity: {'intact' if self.intact and self.valid else 'BROKEN'}",
            f"  certificate: {self.trust}",
            f"  covers: {self.coverage}",
            f"  after signing: {self.changes}",
        ]
        if self.unsigned_bytes:
            lines.append(
                f"  unsigned bytes: {self.unsigned_bytes} after the end of the PDF, covered by no signature"
            )
        lines += [f"  problem: {p}" for p in self.problems]
        return "\n".join(lines)


# -- geometry and the letter's text ---------------------------------------------------------


@dataclass(frozen=True)
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def union(self, other: _Box) -> _Box:
        return _Box(
            min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1)
        )

    def intersects(self, other: _Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, other: _Box) -> bool:
        return self.x0 >= other.x0 and self.y0 >= other.y0 and self.x1 <= other.x1 and self.y1 <= other.y1

    def shift(self, dx: float, dy: float) -> _Box:
        return _Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (round(self.x0, 2), round(self.y0, 2), round(self.x1, 2), round(self.y1, 2))


@dataclass(frozen=True)
class _Line:
    text: str
    box: _Box  # from the baseline's descent to one em above it, as pdfminer measures
    baseline: float
    size: float

    @property
    def upper(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)


@dataclass(frozen=True)
class _Page:
    index: int  # 0-based
    box: _Box  # the media box
    lines: tuple[_Line, ...]


@dataclass(frozen=True)
class _Block:
    """ô 7 of a letter: the authority and title lines, the room for the signature, the name."""

    page: _Page
    titles: tuple[_Line, ...]
    name: _Line
    gap: _Box  # the free room between the last title line and the name


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _read_lines(data: bytes, source: Path, pages: Sequence[int] | None = None) -> list[_Page]:
    """The text lines of the PDF's pages (all, or the 0-based `pages`), with their positions."""
    result: list[_Page] = []
    try:
        layout_pages: Iterator[LTPage] = extract_pages(
            io.BytesIO(data), page_numbers=list(pages) if pages is not None else None, laparams=LAParams()
        )
        for number, page in enumerate(layout_pages):
            index = pages[number] if pages is not None else number
            lines: list[_Line] = []
            for element in page:
                if not isinstance(element, LTTextContainer):
                    continue
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    text = unicodedata.normalize("NFC", line.get_text()).strip()
                    chars = [c for c in line if isinstance(c, LTChar)]
                    if not text or not chars:
                        continue
                    # the glyph origin is on the baseline; pdfminer's boxes depend on the font's
                    # declared descent, which LibreOffice writes inconsistently
                    baseline = min(c.matrix[5] for c in chars)
                    size = max(c.size for c in chars)
                    lines.append(_Line(text, _Box(*line.bbox), baseline, size))
            result.append(_Page(index, _Box(*page.bbox), tuple(lines)))
    except Exception as exc:  # pdfminer raises many kinds; all mean "cannot read this PDF"
        raise _bad(source, "", f"cannot read the PDF's text ({exc})") from None
    return result


def _same_column(a: _Line, b: _Line) -> bool:
    overlap = min(a.box.x1, b.box.x1) - max(a.box.x0, b.box.x0)
    return overlap > 0.3 * min(a.box.width, b.box.width) or abs(a.box.cx - b.box.cx) < 20


def _looks_like_name(line: _Line) -> bool:
    words = line.text.split()
    if not 2 <= len(words) <= 7 or line.upper:
        return False
    if any(ch.isdigit() for ch in line.text) or any(ch in ":;,/()" for ch in line.text):
        return False
    return all(w[0].isupper() for w in words if w[0].isalpha())


def _blocks(page: _Page, name_hint: str | None) -> list[_Block]:
    found = []
    for name in page.lines:
        hinted = name_hint is not None and _norm(name.text) == _norm(name_hint)
        if not hinted and not _looks_like_name(name):
            continue
        above = [
            line
            for line in page.lines
            if line is not name
            and line.baseline > name.baseline + 0.5 * name.size
            and _same_column(line, name)
        ]
        if not above:
            continue
        title = min(above, key=lambda line: line.baseline)
        name_top = max(name.box.y1, name.baseline + 0.95 * name.size)  # over the diacritics
        title_bottom = title.baseline - 0.22 * title.size  # under the descenders
        # ND 30 leaves several empty lines for the signature: a normal line spacing is no block
        if not title.upper or title_bottom - name_top < 1.5 * name.size:
            continue
        titles = [title]
        while True:
            higher = [
                line
                for line in page.lines
                if line.upper
                and _same_column(line, titles[-1])
                and 0 < line.baseline - titles[-1].baseline < 2.2 * titles[-1].size
            ]
            if not higher:
                break
            titles.append(min(higher, key=lambda line: line.baseline))
        gap = _Box(min(title.box.x0, name.box.x0), name_top, max(title.box.x1, name.box.x1), title_bottom)
        found.append(_Block(page, tuple(reversed(titles)), name, gap))
    # reading order: the lowest block last
    found.sort(key=lambda b: (-b.name.baseline, b.name.box.x0))
    return found


def _find_block(pages: list[_Page], name_hint: str | None) -> _Block | None:
    """The signature block on the last page holding one; a block with the signer's own name
    (the certificate's CN) wins over one that only looks like a block."""
    if name_hint:
        for page in reversed(pages):
            hinted = [b for b in _blocks(page, name_hint) if _norm(b.name.text) == _norm(name_hint)]
            if hinted:
                return hinted[-1]
    for page in reversed(pages):
        blocks = _blocks(page, None)
        if blocks:
            return blocks[-1]
    return None


def _fit_signature(block: _Block, aspect: float) -> _Box:
    """The signer's image box: centred on the name, in the gap, as large as the gap allows."""
    page = block.page
    gap = _Box(block.gap.x0, block.gap.y0 + _PAD, block.gap.x1, block.gap.y1 - _PAD)
    cx = block.name.box.cx
    # how wide it may grow: up to the text beside the gap (the "Nơi nhận" column) or the margin
    left, right = page.box.x0 + 10 * MM, page.box.x1 - 10 * MM
    for line in page.lines:
        if line.box.y1 <= gap.y0 or line.box.y0 >= gap.y1:
            continue
        if line.box.x1 <= cx:
            left = max(left, line.box.x1 + 4)
        elif line.box.x0 >= cx:
            right = min(right, line.box.x0 - 4)
    half = max(10.0, min(cx - left, right - cx))
    # a signature as wide as the page looks like no signature: at most half again the block's width
    widest = max(line.box.width for line in (*block.titles, block.name))
    half = min(half, 0.75 * widest)
    height = gap.height
    width = height * aspect
    if width > 2 * half:
        width = 2 * half
        height = width / aspect
    y0 = gap.cy - height / 2
    return _Box(cx - width / 2, y0, cx + width / 2, y0 + height)


# -- images -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Picture:
    image: Any  # PIL.Image.Image, RGBA, cropped to what is drawn
    dpi: float | None
    warnings: tuple[str, ...] = ()


def _load_png(path: Path, what: str, colour: Literal["blue", "red"]) -> _Picture:
    where = f"{what} image"
    hint = "Phụ lục I asks for a PNG with a transparent background " + (
        "(the signature in blue, II.7.d)"
        if colour == "blue"
        else "(the seal in red at its real size, II.8.a)"
    )
    too_big = (
        f"save it smaller: at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels and "
        f"{MAX_IMAGE_BYTES >> 20} MB (a seal scanned at 600 dpi is about 1000 x 1000 pixels)"
    )
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        raise _bad(path, where, f"cannot read the file ({exc.strerror or exc})") from None
    if not data.startswith(PNG_MAGIC):
        kind = "a JPEG image" if data.startswith(b"\xff\xd8\xff") else "not a PNG image"
        raise _bad(path, where, f"is {kind}", hint)
    if len(data) > MAX_IMAGE_BYTES:
        raise _bad(path, where, f"is larger than {MAX_IMAGE_BYTES >> 20} MB", too_big)
    # the first chunk is IHDR: width and height, read before anything is decoded
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise _bad(path, where, "is a damaged PNG (no IHDR header)", hint)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if width * height > MAX_IMAGE_PIXELS:
        raise _bad(
            path,
            where,
            f"is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels): too large to be "
            "a signature or seal image",
            too_big,
        )
    try:
        img: Any = Image.open(io.BytesIO(data))
        img.load()
    except Image.DecompressionBombError as exc:
        raise _bad(path, where, f"is too large to decode safely ({exc})", too_big) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _bad(path, where, f"is a damaged PNG ({exc})", hint) from None
    dpi_info = img.info.get("dpi")
    has_alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    if not has_alpha:
        raise _bad(
            path, where, "has no transparency (no alpha channel): it would hide the text under it", hint
        )
    img = img.convert("RGBA")
    alpha = img.getchannel("A")
    low, high = alpha.getextrema()
    if low == 255:
        raise _bad(path, where, "has no transparent pixels: the background is opaque", hint)
    if high == 0:
        raise _bad(path, where, "is empty: every pixel is transparent", hint)
    # crop to what is drawn: the margins of a scan would throw the centring and the size off
    bbox = alpha.point(lambda a: 255 if a > 8 else 0).getbbox()
    if bbox:
        img = img.crop(bbox)
    warnings = []
    # ND 30 wants the signature blue and the seal red; a wrong colour is the user's choice, but say so
    mask = img.getchannel("A").point(lambda a: 255 if a > 128 else 0)
    if mask.getbbox():
        r, g, b = ImageStat.Stat(img.convert("RGB"), mask=mask).mean
        if colour == "blue" and not (b > r + 20 and b > g):
            warnings.append(f"{path.name}: the signature image is not blue (Phụ lục I II.7.d asks for blue)")
        if colour == "red" and not (r > g + 40 and r > b + 40):
            warnings.append(f"{path.name}: the seal image is not red (Phụ lục I II.8.a asks for red)")
    dpi = None
    if isinstance(dpi_info, tuple) and dpi_info and float(dpi_info[0]) > 1:
        dpi = float(dpi_info[0])
    return _Picture(img, dpi, tuple(warnings))


def _seal_size(picture: _Picture) -> tuple[float, float, str | None]:
    """The seal's real size in points: from the PNG's dpi, else a usual 36 mm across."""
    img = picture.image
    longest = max(img.width, img.height)
    if picture.dpi:
        mm = longest / picture.dpi * 25.4
        if SEAL_MM_RANGE[0] <= mm <= SEAL_MM_RANGE[1]:
            scale = 72 / picture.dpi
            return img.width * scale, img.height * scale, None
        note = (
            f"the seal image's {picture.dpi:g} dpi would make it {mm:.0f} mm across; "
            f"drawn {DEFAULT_SEAL_MM:g} mm across instead (save the PNG with its real dpi)"
        )
    else:
        note = f"the seal image has no dpi; drawn {DEFAULT_SEAL_MM:g} mm across (save the PNG with its dpi)"
    scale = DEFAULT_SEAL_MM * MM / longest
    return img.width * scale, img.height * scale, note


def _downsample(img: Any, box: _Box, dpi: float = 300) -> Any:
    """No need to embed more pixels than a 300-dpi print shows."""
    want = round(box.width / 72 * dpi)
    if img.width > want * 1.3 and want > 0:
        return img.resize((want, max(1, round(img.height * want / img.width))), Image.Resampling.LANCZOS)
    return img


# -- the stamp font ---------------------------------------------------------------------------


def _find_font(font: Path | None) -> Path:
    wanted = font or (Path(os.environ["WFHDOC_SIGN_FONT"]) if os.environ.get("WFHDOC_SIGN_FONT") else None)
    if wanted is not None:
        if not wanted.is_file():
            raise _bad(wanted, "font", "no such font file")
        return wanted
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise _bad(
        "font",
        "",
        "neither Times New Roman nor Liberation Serif was found for the signature text",
        "apt-get install fonts-liberation2, or give the font file (WFHDOC_SIGN_FONT)",
    )


def _private_dir(path: Path) -> bool:
    """Make `path` (and its missing parents) a folder only this user can use, or say it is not:
    it must be a real folder (no symlink), owned by this user, with no group or other rights. A
    folder that another user could write into may hold a font planted for the agency's stamp."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=0o700)
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid"):
        if info.st_uid != os.getuid() or info.st_mode & 0o022:
            return False  # someone else's, or others may write into it: nothing in it is trusted
        if info.st_mode & 0o077:
            # ours and only readable by others (made by an older wfhdoc with the umask): close it
            try:
                os.chmod(path, 0o700)
            except OSError:
                return False
        return os.access(path, os.W_OK | os.X_OK)
    return os.access(path, os.W_OK)


_FRESH_CACHE: list[Path] = []


def _cache_dir() -> Path:
    """Where the rescaled stamp font is kept: ~/.cache/wfhdoc/fonts ($XDG_CACHE_HOME), else
    $TMPDIR/wfhdoc-fonts-<uid>, each only if private to this user (see _private_dir); else a
    fresh private folder for this process, removed at its exit."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    for path in (Path(base) / "wfhdoc" / "fonts", Path(tempfile.gettempdir()) / f"wfhdoc-fonts-{uid}"):
        if _private_dir(path):
            return path
    if not _FRESH_CACHE:
        fresh = Path(tempfile.mkdtemp(prefix="wfhdoc-fonts-"))  # 0700, made anew: nobody else's
        atexit.register(shutil.rmtree, fresh, True)
        _FRESH_CACHE.append(fresh)
    return _FRESH_CACHE[0]


def _cached(folder: Path, prefix: str) -> Path | None:
    """A cached font `prefix-<content hash>.ttf` that is still what was written: a regular file of
    this user's, not writable by others, whose content has the hash in its name."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not (entry.name.startswith(prefix + "-") and entry.name.endswith(".ttf")):
                continue
            info = entry.stat(follow_symlinks=False)
            if (
                not stat.S_ISREG(info.st_mode)
                or info.st_mode & 0o022
                or (uid is not None and info.st_uid != uid)
            ):
                continue
            data = Path(entry.path).read_bytes()
            if entry.name == f"{prefix}-{hashlib.sha256(data).hexdigest()[:32]}.ttf":
                return Path(entry.path)
    return None


def _font_1000(path: Path) -> Path:
    """The font rescaled to 1000 units per em, cached.

    pyHanko (0.38) writes a CID font's /W widths and TJ adjustments in font units as if there
    were 1000 per em; Times New Roman and Liberation Serif have 2048, so letters came out spread
    twice too wide. fontTools' scale_upem rewrites the font at 1000 units per em. The cached file
    is named after the source font's hash (and the recipe) and its own content's hash, checked on
    every use, in a folder private to the user."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    folder = _cache_dir()
    prefix = f"{path.stem}-{digest}-1000upem-{_FONT_RECIPE}"
    found = _cached(folder, prefix)
    if found is not None:
        return found
    try:
        font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # the same bytes each time
    except Exception as exc:  # fontTools raises many kinds for a bad file
        raise _bad(path, "font", f"not a TrueType/OpenType font ({exc})") from None
    if font["head"].unitsPerEm == 1000:
        return path
    scale_upem(font, 1000)
    # FontForge's timestamp table: the subsetter cannot subset it and says so on stderr
    if "FFTM" in font:
        del font["FFTM"]
    out = io.BytesIO()
    font.save(out)
    rescaled = out.getvalue()
    target = folder / f"{prefix}-{hashlib.sha256(rescaled).hexdigest()[:32]}.ttf"
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(rescaled)
        os.replace(tmp, target)  # another process making the same file at once is harmless
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return target


@dataclass(frozen=True)
class _Text:
    lines: tuple[str, ...]
    font: Path  # at 1000 units per em
    width: float
    height: float  # from the lowest descender to the top line's ascender

    @property
    def content(self) -> str:
        return "\n".join(self.lines)


def _measure(lines: Sequence[str], font_path: Path) -> _Text:
    lines = [unicodedata.normalize("NFC", line) for line in lines]  # precomposed, as the font maps them
    font = TTFont(str(font_path), lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    upem = font["head"].unitsPerEm
    missing = sorted({ch for line in lines for ch in line if not ch.isspace() and ord(ch) not in cmap})
    if missing:
        raise _bad(
            font_path, "font", f"has no glyph for {''.join(missing)!r}", "use a font with Vietnamese letters"
        )
    width = 0.0
    for line in lines:
        units = sum(hmtx[cmap[ord(ch)]][0] for ch in line if ord(ch) in cmap)
        width = max(width, units / upem * TEXT_SIZE)
    height = (len(lines) - 1) * TEXT_LEADING + 1.15 * TEXT_SIZE
    font.close()
    return _Text(tuple(lines), font_path, width, height)


# -- the appearance ---------------------------------------------------------------------------

if _MISSING is None:

    @dataclass(frozen=True)
    class _Nd30StampStyle(BaseStampStyle):
        """An image and a block of text at fixed places inside the widget; no border."""

        picture: Any = None  # PIL image, RGBA
        picture_box: tuple[float, float, float, float] | None = None  # x, y, width, height in the widget
        text: _Text | None = None
        text_origin: tuple[float, float] = (0.0, 0.0)  # the block's lower left corner in the widget
        border_width: int = 0
        background_opacity: float = 1.0

        def create_stamp(
            self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict[str, Any]
        ) -> _Nd30Stamp:
            return _Nd30Stamp(writer, self, box)

    @dataclass(frozen=True)
    class _FontFactory(GlyphAccumulatorFactory):
        """GlyphAccumulatorFactory reading the font into memory: pyHanko's own opens the file and
        never closes it (a ResourceWarning for every stamp)."""

        def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: Any = None) -> GlyphAccumulator:
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(
                writer=writer,
                font_handle=io.BytesIO(Path(self.font_file).read_bytes()),
                font_size=self.font_size,
                ot_script_tag=self.ot_script_tag,
                ot_language_tag=self.ot_language_tag,
                writing_direction=self.writing_direction,
                bcp47_lang_code=self.bcp47_lang_code,
                obj_stream=obj_stream,
            )

    class _Nd30Stamp(BaseStamp):
        def __init__(self, writer: BasePdfFileWriter, style: _Nd30StampStyle, box: layout.BoxConstraints):
            super().__init__(writer=writer, style=style, box=box)

        def _render_inner_content(self) -> list[bytes]:
            style: _Nd30StampStyle = self.style
            commands: list[bytes] = []
            if style.picture is not None and style.picture_box is not None:
                x, y, w, h = style.picture_box
                image = PdfImage(
                    style.picture,
                    writer=self.writer,
                    resources=self.resources,
                    box=layout.BoxConstraints(w, h),
                )
                commands.append(b"q 1 0 0 1 %g %g cm %s Q" % (x, y, image.render()))
            if style.text is not None:
                # keep the engine's font_size equal to the box's (pyHanko #733: lines drift otherwise)
                text_style = TextBoxStyle(
                    font=_FontFactory(str(style.text.font), font_size=TEXT_SIZE),
                    font_size=TEXT_SIZE,
                    leading=TEXT_LEADING,
                    text_color=TEXT_COLOUR,
                    box_layout_rule=layout.SimpleBoxLayoutRule(
                        x_align=layout.AxisAlignment.ALIGN_MIN,
                        y_align=layout.AxisAlignment.ALIGN_MIN,
                        margins=layout.Margins(0, 0, 0, 0),
                        inner_content_scaling=layout.InnerScaling.NO_SCALING,
                    ),
                )
                box = TextBox(text_style, writer=self.writer, resources=self.resources, box=None)
                box.content = style.text.content
                x, y = style.text_origin
                # the box's lowest baseline sits on its bottom edge: lift it over the descenders
                commands.append(b"q 1 0 0 1 %g %g cm %s Q" % (x, y + 0.25 * TEXT_SIZE, box.render()))
            return commands

    class _TimedPdfSigner(signers.PdfSigner):
        """PdfSigner whose signing time (/M, the stamp's time) is the one we print."""

        def __init__(self, *args: Any, when: dt.datetime, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._when = when

        def init_signing_session(self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False) -> Any:
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            session.system_time = self._when
            return session


# -- keys -------------------------------------------------------------------------------------


@dataclass
class _Key:
    signer: Any  # a pyHanko Signer
    cert: Any  # cryptography x509.Certificate
    session: Any = None  # the PKCS#11 session, closed (logged out) when done

    def release(self) -> None:
        # the library itself stays loaded: python-pkcs11 keeps one instance per path for the
        # process, and unloading it under that cache crashes the next use
        if self.session is not None:
            with contextlib.suppress(Exception):
                self.session.close()
            self.session = None


def _load_certs(paths: Sequence[Path], what: str) -> list[Any]:
    certs: list[Any] = []
    for path in paths:
        try:
            certs.extend(load_certs_from_pemder_data(path.read_bytes()))
        except OSError as exc:
            raise _bad(path, what, f"cannot read the file ({exc.strerror or exc})") from None
        except Exception:  # asn1crypto raises ValueError, TypeError ... on bad data
            raise _bad(path, what, "is not a PEM or DER certificate") from None
    return certs


def _pkcs12_key(path: Path, passphrase: bytes | None, chain: list[Any]) -> _Key:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _bad(path, "PKCS#12", f"cannot read the file ({exc.strerror or exc})") from None
    try:
        key, cert, _others = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError:
        # OpenSSL says the same for a wrong passphrase and for a file that is no PKCS#12 at all
        if passphrase is None:
            message = "cannot open it without a passphrase (or it is not a PKCS#12 .p12/.pfx file)"
            hint = "give the passphrase"
        else:
            message = "wrong passphrase, or not a PKCS#12 (.p12/.pfx) file"
            hint = "check the passphrase the certificate was issued with"
        raise _bad(path, "PKCS#12", message, hint) from None
    if key is None or cert is None:
        raise _bad(path, "PKCS#12", "holds no private key with its certificate")
    signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=chain, passphrase=passphrase)
    return _Key(signer, cert)


def _pkcs11_key(
    lib_path: str,
    token_label: str | None,
    key_label: str | None,
    cert_label: str | None,
    pin: str | None,
    chain: list[Any],
) -> _Key:
    source = f"PKCS#11 {lib_path}"
    # a bare name ("libsofthsm2.so") is for the loader to find; a path must be there
    if (os.sep in lib_path or "/" in lib_path) and not Path(lib_path).is_file():
        raise _bad(source, "library", "no such file", PKCS11_HINT)
    try:
        lib = pkcs11.lib(lib_path)
    except pkcs11.exceptions.PKCS11Error as exc:
        raise _bad(source, "library", f"cannot load it ({exc})", PKCS11_HINT) from None
    key = _Key(None, None)
    try:
        tokens = []
        for slot in lib.get_slots(token_present=True):
            with contextlib.suppress(pkcs11.exceptions.PKCS11Error):
                token = slot.get_token()
                # an empty slot of an HSM (SoftHSM always offers one) holds no key
                if token.flags & pkcs11.TokenFlag.TOKEN_INITIALIZED:
                    tokens.append(token)
        labels = [t.label for t in tokens]
        if not tokens:
            raise _bad(source, "token", "no token found", "plug the USB token in")
        if token_label is not None:
            tokens = [t for t in tokens if t.label == token_label]
            if not tokens:
                raise _bad(
                    source,
                    "token",
                    f"no token labelled {token_label!r}",
                    f"tokens found: {', '.join(labels)}",
                )
        elif len(tokens) > 1:
            raise _bad(source, "token", "several tokens found", f"choose one by label: {', '.join(labels)}")
        token = tokens[0]
        if not pin:  # None, or empty (refused by sign_pdf too): no empty PIN reaches the token
            if token.flags & pkcs11.TokenFlag.PROTECTED_AUTHENTICATION_PATH:
                user_pin: Any = pkcs11.PROTECTED_AUTH  # the PIN is typed on the token's own pad
            else:
                raise _bad(source, "PIN", f"token {token.label!r} needs its PIN", "give the PIN")
        else:
            user_pin = pin
        try:
            session = token.open(user_pin=user_pin)
        except (pkcs11.exceptions.PinIncorrect, pkcs11.exceptions.PinInvalid, pkcs11.exceptions.PinLenRange):
            raise _bad(
                source,
                "PIN",
                f"wrong PIN for token {token.label!r}",
                "careful: the token locks itself after a few wrong PINs",
            ) from None
        except pkcs11.exceptions.PinLocked:
            raise _bad(source, "PIN", f"token {token.label!r} is locked", "ask the CA to unlock it") from None
        key.session = session
        key_id = cert_id = None
        if key_label is None and cert_label is None:
            # a signing token usually holds one key: use it, with the certificate of the same ID
            found = list(session.get_objects({pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY}))
            if len(found) != 1:
                names = ", ".join(repr(k[pkcs11.Attribute.LABEL]) for k in found) or "none"
                raise _bad(
                    source, "key", f"{len(found)} private keys on the token ({names})", "give the key label"
                )
            key_id = found[0][pkcs11.Attribute.ID]
            cert_id = key_id
        signer = PKCS11Signer(
            session,
            cert_label=cert_label,
            key_label=key_label,
            key_id=key_id,
            cert_id=cert_id,
            ca_chain=chain,
            other_certs_to_pull=None,  # the CA certificates a token carries go into the signature
        )
        try:
            cert_asn1 = signer.signing_cert
        except Exception as exc:  # pyHanko raises its own PKCS11Error, python-pkcs11 NoSuchKey ...
            raise _bad(
                source,
                "key",
                f"no usable key and certificate ({exc})",
                "check the key and certificate labels",
            ) from None
        key.signer = signer
        key.cert = x509.load_der_x509_certificate(cert_asn1.dump())
        return key
    except BaseException:
        key.release()
        raise


def _subject(cert: Any, oid: Any) -> str | None:
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def _check_cert(cert: Any, when: dt.datetime, source: str) -> None:
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    who = _subject(cert, x509.NameOID.COMMON_NAME) or cert.subject.rfc4514_string()
    if when < start:
        raise _bad(
            source,
            "certificate",
            f"{who}'s certificate is not valid yet at the signing time: valid from {iso_vn_time(start)}",
        )
    if when > end:
        raise _bad(
            source,
            "certificate",
            f"{who}'s certificate expired on {iso_vn_time(end)}",
            "renew it with the CA (Ban Cơ yếu Chính phủ for public-duty certificates)",
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise _bad(source, "certificate", f"{who}'s certificate is not for signing (key usage)")


# -- signing ----------------------------------------------------------------------------------


def _read_pdf(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _bad(path, "", f"cannot read the file ({exc.strerror or exc})") from None
    if b"%PDF-" not in data[:1024]:
        raise _bad(path, "", "is not a PDF", "sign the PDF of the letter (wfhdoc pdf)")
    return data


def _existing_widgets(reader: Any) -> list[tuple[str, int, _Box, bool]]:
    """Signature fields with a widget: (name, 0-based page, rectangle, signed)."""
    page_of: dict[int, int] = {}
    for index in range(int(reader.root["/Pages"]["/Count"])):
        page = reader.find_page_for_modification(index)[0]
        annots = page.get_object().get("/Annots")
        if annots is None:
            continue
        for annot in annots.get_object():
            if isinstance(annot, generic.IndirectObject):
                page_of[annot.idnum] = index
    result = []
    for name, value, ref in fields.enumerate_sig_fields(reader, filled_status=None):
        field_dict = ref.get_object()
        widgets = [ref]
        if "/Rect" not in field_dict and "/Kids" in field_dict:
            widgets = list(field_dict["/Kids"])
        for widget in widgets:
            widget_dict = widget.get_object()
            rect = widget_dict.get("/Rect")
            if rect is None:
                continue
            x0, y0, x1, y1 = (float(v) for v in rect)
            box = _Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            index = page_of.get(getattr(widget, "idnum", -1), -1)
            result.append((str(name), index, box, value is not None))
    return result


def _unique_name(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    return name


def _place_text(text: _Text, anchor: _Box, page: _Page, avoid: _Box | None) -> _Box:
    """Where the agency's text goes: under the seal or beside it, clear of the letter's text and
    of the signer's signature (`avoid`); the first place that is free, in this order."""
    w, h = text.width + 1, text.height
    below = anchor.y0 - 1 - h
    candidates = [
        _Box(anchor.x1 - w, below, anchor.x1, below + h),  # under the seal, ending with it
        _Box(anchor.x0, below, anchor.x0 + w, below + h),  # under the seal, starting with it
        _Box(anchor.x0 - 3 - w, anchor.y0, anchor.x0 - 3, anchor.y0 + h),  # left of the seal
    ]
    # under the seal, ending with it, but lower: below the text it would hit (the signer's name)
    low = candidates[0]
    for _ in range(5):
        hits = [line.box for line in page.lines if low.intersects(line.box)]
        if not hits:
            break
        low = low.shift(0, min(b.y0 for b in hits) - 1 - low.y1)
    candidates.append(low)
    inner = _Box(page.box.x0 + 5 * MM, page.box.y0 + 5 * MM, page.box.x1 - 5 * MM, page.box.y1 - 5 * MM)
    obstacles = [line.box for line in page.lines] + ([avoid] if avoid is not None else [])
    for box in candidates:
        if box.inside(inner) and not any(box.intersects(other) for other in obstacles):
            return box
    # no free place: under the seal, kept on the page
    return low.shift(max(0.0, inner.x0 - low.x0), max(0.0, inner.y0 - low.y0))


def sign_pdf(
    input: Path,
    output: Path,
    *,
    role: Role,
    pkcs12: Path | None = None,
    passphrase: bytes | None = None,
    pkcs11_lib: str | None = None,
    token_label: str | None = None,
    key_label: str | None = None,
    cert_label: str | None = None,
    pin: str | None = None,
    image: Path | None = None,
    agency_name: str | None = None,
    document_number: str | None = None,
    signer_name: str | None = None,
    page: int | None = None,
    box: tuple[float, float, float, float] | None = None,
    tsa_url: str | None = None,
    timestamper: TimeStamper | None = None,
    level: Level = "B-B",
    trust_roots: Sequence[Path] = (),
    crls: Sequence[Path] = (),
    allow_fetching: bool = True,
    font: Path | None = None,
    when: dt.datetime | None = None,
) -> SignResult:
    """Sign the PDF `input` into `output` in one of the roles of Phụ lục I (see the module).

    Keys: `pkcs12` (+ `passphrase`) or `pkcs11_lib` (+ `token_label`, `key_label`/`cert_label`,
    `pin`; with no label the token's only key is used). `image`: the signature PNG (signer) or
    the seal PNG (agency); none for an appendix. `signer_name` is the name printed under the
    signature (default: the certificate's CN; else the block is found by its shape). `page`
    (1-based) and `box` (x0, y0, x1, y1 in points) override the automatic placement.
    `level`: B-B, or B-T with a time-stamp from `tsa_url` or `timestamper`, or B-LT/B-LTA
    with revocation data embedded (fetched when `allow_fetching`, or from `crls`).
    `trust_roots`, PEM/DER files: CA certificates to put in the signature and validate with.
    `when`: the signing time (default now); a naive one is Vietnam time.

    `output` may be `input`: the signed file replaces it only once it is whole.
    Raises InputError for bad input, SigningError when the token or pyHanko fails,
    OutputError when the output cannot be written.
    """
    _require()
    if role not in ROLES:
        raise WfhDocError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if level not in LEVELS:
        raise WfhDocError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    input, output = Path(input), Path(output)
    if output.is_dir():
        raise OutputError(f"{output}: is a folder; give a file name ending in .pdf")
    if (pkcs12 is None) == (pkcs11_lib is None):
        raise _bad("key", "", "give exactly one key: a PKCS#12 file or a PKCS#11 token library", PKCS11_HINT)
    moment = when or dt.datetime.now(dt.timezone.utc)
    if moment.tzinfo is None:
        moment = dt.datetime.fromisoformat(iso_vn_time(moment))  # naive: Vietnam time
    vn_time = dt.datetime.fromisoformat(iso_vn_time(moment))
    if pin is not None and not pin:
        # an empty PIN is a wrong PIN to the token, and costs one of its few tries: never sent
        raise _bad(
            f"PKCS#11 {pkcs11_lib}" if pkcs11_lib else "PIN",
            "PIN",
            "the PIN is empty (WFHDOC_PIN set to nothing?)",
            "set WFHDOC_PIN to the token's PIN, or unset it to be asked "
            "(--pin-pad for a token with its own keypad)",
        )
    if level != "B-B" and timestamper is None and not tsa_url:
        raise _bad(
            "level", level, "needs a time-stamp", "give the time-stamping service URL of your CA (--tsa-url)"
        )

    # everything about the inputs is checked before the token is asked for its PIN
    data = _read_pdf(input)
    picture = None
    if role == "appendix":
        if image is not None:
            raise _bad(image, "image", "an appendix's signature shows no image (II.8.b)")
        if not document_number:
            raise _bad(input, "document number", "an appendix's signature shows the letter's number (II.8.b)")
    else:
        if image is None:
            what = "the signature (blue PNG)" if role == "signer" else "the seal (red PNG)"
            raise _bad(input, "image", f"signing as {role} needs the image of {what}")
        picture = _load_png(
            Path(image), "signature" if role == "signer" else "seal", "blue" if role == "signer" else "red"
        )
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise _bad(input, "", "the PDF is encrypted", "remove its password first")
        n_pages = int(reader.root["/Pages"]["/Count"])
        widgets = _existing_widgets(reader)
    except (PdfError, KeyError, ValueError, TypeError) as exc:
        raise _bad(input, "", f"cannot read the PDF ({exc})") from None
    if page is not None and not 1 <= page <= n_pages:
        raise _bad(input, "page", f"there is no page {page}: the PDF has {n_pages}")
    chain = _load_certs(trust_roots, "trust root")
    revocation = _load_crls(crls)

    key = (
        _pkcs12_key(Path(pkcs12), passphrase, chain)
        if pkcs12 is not None
        else _pkcs11_key(str(pkcs11_lib), token_label, key_label, cert_label, pin, chain)
    )
    try:
        source = str(pkcs12) if pkcs12 is not None else f"PKCS#11 token {token_label or ''}".strip()
        _check_cert(key.cert, moment, source)
        common_name = _subject(key.cert, x509.NameOID.COMMON_NAME) or key.cert.subject.rfc4514_string()
        warnings: list[str] = list(picture.warnings) if picture else []
        layout_ = _layout(
            role, data, input, picture, widgets, n_pages, page, box, common_name, signer_name,
            agency_name, document_number, vn_time, font, warnings,
        )  # fmt: skip
        warnings.extend(_covered(layout_, widgets))
        field_name = _unique_name(FIELD_NAMES[role], {w[0] for w in widgets})
        stamp = _Nd30StampStyle(
            picture=layout_.picture,
            picture_box=layout_.picture_box,
            text=layout_.text,
            text_origin=layout_.text_origin,
        )
        signed = _sign(
            data, input, key, field_name, role, layout_, stamp, level, timestamper, tsa_url, chain,
            revocation, allow_fetching, moment,
        )  # fmt: skip
    finally:
        key.release()
    write_atomic(output, signed)
    return SignResult(
        output=output,
        role=role,
        field_name=field_name,
        page=layout_.page + 1,
        box=layout_.widget.as_tuple(),
        image_box=layout_.image_on_page.as_tuple() if layout_.image_on_page else None,
        signer=common_name,
        signing_time=vn_time,
        level=level,
        warnings=tuple(warnings),
    )


def _load_crls(paths: Sequence[Path]) -> list[Any]:
    from asn1crypto import crl, pem

    result: list[Any] = []
    for path in paths:
        try:
            raw = path.read_bytes()
            ders = [der for _, _, der in pem.unarmor(raw, multiple=True)] if pem.detect(raw) else [raw]
            for der in ders:
                item = crl.CertificateList.load(der)
                item.native  # parse now: a bad file fails here, not deep inside pyHanko  # noqa: B018
                result.append(item)
        except OSError as exc:
            raise _bad(path, "CRL", f"cannot read the file ({exc.strerror or exc})") from None
        except Exception:  # asn1crypto raises ValueError, TypeError ... on bad data
            raise _bad(path, "CRL", "is not a PEM or DER certificate revocation list") from None
    return result


@dataclass(frozen=True)
class _Layout:
    page: int  # 0-based
    widget: _Box
    picture: Any
    picture_box: tuple[float, float, float, float] | None  # inside the widget
    image_on_page: _Box | None
    text: _Text | None
    text_origin: tuple[float, float]
    over: str | None = None  # the signature the seal is meant to cover a third of (agency)


def _layout(
    role: Role,
    data: bytes,
    input: Path,
    picture: _Picture | None,
    widgets: list[tuple[str, int, _Box, bool]],
    n_pages: int,
    page: int | None,
    box: tuple[float, float, float, float] | None,
    common_name: str,
    signer_name: str | None,
    agency_name: str | None,
    document_number: str | None,
    when: dt.datetime,
    font: Path | None,
    warnings: list[str],
) -> _Layout:
    explicit = _Box(*box) if box is not None else None
    if explicit is not None and (explicit.width <= 0 or explicit.height <= 0):
        raise _bad(input, "box", "give x0 y0 x1 y1 with x1 > x0 and y1 > y0")

    if role == "signer":
        assert picture is not None
        aspect = picture.image.width / picture.image.height
        if explicit is not None:
            index = (page or n_pages) - 1
            target = explicit
        else:
            pages = _read_lines(data, input, [page - 1] if page else None)
            block = _find_block(pages, signer_name or common_name)
            if block is None:
                raise _bad(
                    input,
                    "signature block",
                    "found no signer's title lines (e.g. 'KT. GIÁM ĐỐC' / 'PHÓ GIÁM ĐỐC') with the name "
                    "under them",
                    "sign the letter's PDF as wfhdoc made it, or give the page and box",
                )
            index = block.page.index
            target = _fit_signature(block, aspect)
        # keep the image's proportions inside an explicit box too
        w = min(target.width, target.height * aspect)
        h = w / aspect
        image_box = _Box(target.cx - w / 2, target.cy - h / 2, target.cx + w / 2, target.cy + h / 2)
        img = _downsample(picture.image, image_box)
        return _Layout(index, image_box, img, (0, 0, w, h), image_box, None, (0, 0))

    text_font = _font_1000(_find_font(font))
    if role == "appendix":
        text = _measure([f"Số: {document_number}", f"Thời gian ký: {iso_vn_time(when)}"], text_font)
        index = (page or 1) - 1
        if explicit is not None:
            widget = explicit
        else:
            (first,) = _read_lines(data, input, [index])
            widget = _appendix_box(first, text)
        return _Layout(index, widget, None, None, None, text, (widget.width - text.width - 1, 0))

    # agency: the seal over the left third of the signer's signature image
    assert picture is not None
    seal_w, seal_h, note = _seal_size(picture)
    if note:
        warnings.append(note)
    name = agency_name or common_name
    text = _measure([f"Ký bởi: {name}", f"Thời gian ký: {iso_vn_time(when)}"], text_font)
    signed = [w for w in widgets if w[3] and w[2].width > 1 and w[2].height > 1 and w[1] >= 0]
    ours = [w for w in signed if w[0].startswith(FIELD_NAMES["signer"])]
    # the signer's signature: wfhdoc's own field, else the first visible signature
    signer_widget = (ours or signed)[0] if signed else None
    if explicit is not None:
        index = (page or (signer_widget[1] + 1 if signer_widget else n_pages)) - 1
        seal = _Box(explicit.x0, explicit.y0, explicit.x0 + seal_w, explicit.y0 + seal_h)
        seal = seal.shift(explicit.cx - seal.cx, explicit.cy - seal.cy)
        sig_box = None
    else:
        if signer_widget is None:
            # ND 30 places the seal by the signer's signature; with none there is no right place,
            # and an issued letter needs the competent person's signature first (Điều 5.1)
            raise _bad(
                input,
                "signatures",
                "has no visible signature of the signer for the seal to cover",
                "sign it as 'signer' first; an attachment in its own file is signed as 'appendix'",
            )
        index = signer_widget[1]
        sig_box = signer_widget[2]
        right = sig_box.x0 + sig_box.width / 3  # "trùm lên khoảng 1/3 ... về bên trái"
        seal = _Box(right - seal_w, sig_box.cy - seal_h / 2, right, sig_box.cy + seal_h / 2)
    (page_lines,) = _read_lines(data, input, [index])
    text_box = _place_text(text, seal, page_lines, sig_box)
    widget = seal.union(text_box)
    img = _downsample(picture.image, seal)
    return _Layout(
        index,
        widget,
        img,
        (seal.x0 - widget.x0, seal.y0 - widget.y0, seal_w, seal_h),
        seal,
        text,
        (text_box.x0 - widget.x0, text_box.y0 - widget.y0),
        signer_widget[0] if signer_widget is not None and explicit is None else None,
    )


def _covered(layout_: _Layout, widgets: list[tuple[str, int, _Box, bool]]) -> list[str]:
    """Warnings for the signatures already on the page that the new one would lie over: a reader
    would see one on top of the other (a second signer's signature placed like the first). The
    seal over a third of the signer's signature is what ND 30 asks: only more than half counts."""
    found = []
    new = layout_.widget
    for name, page, box, signed in widgets:
        if not signed or page != layout_.page or not new.intersects(box):
            continue
        overlap = (min(new.x1, box.x1) - max(new.x0, box.x0)) * (min(new.y1, box.y1) - max(new.y0, box.y0))
        area = max(1e-6, box.width * box.height)
        limit = 0.5 if name == layout_.over else 0.1
        if overlap / max(1e-6, min(area, new.width * new.height)) > limit:
            found.append(
                f"the new signature on page {layout_.page + 1} at {new.as_tuple()} covers "
                f"{overlap / area:.0%} of the existing signature {name!r} at {box.as_tuple()}: one "
                "would hide the other; give --page and --box to put it elsewhere"
            )
    return found


def _appendix_box(page: _Page, text: _Text) -> _Box:
    """Top right of page 1 (II.8.b): right-aligned with the letter's text, above it."""
    rights = [line.box.x1 for line in page.lines if line.box.x1 > page.box.cx]
    right = min(max(rights), page.box.x1 - 10 * MM) if rights else page.box.x1 - 20 * MM
    w, h = text.width + 1, text.height
    for top_margin in (8 * MM, 5 * MM):
        top = page.box.y1 - top_margin
        candidate = _Box(right - w, top - h, right, top)
        if not any(candidate.intersects(line.box) for line in page.lines):
            return candidate
    return _Box(right - w, page.box.y1 - 8 * MM - h, right, page.box.y1 - 8 * MM)


def _sign(
    data: bytes,
    source: Path,
    key: _Key,
    field_name: str,
    role: Role,
    layout_: _Layout,
    stamp: Any,
    level: Level,
    timestamper: TimeStamper | None,
    tsa_url: str | None,
    chain: list[Any],
    crls: list[Any],
    allow_fetching: bool,
    when: dt.datetime,
) -> bytes:
    if timestamper is None and level != "B-B":
        timestamper = HTTPTimeStamper(str(tsa_url))
    validation = None
    if level in ("B-LT", "B-LTA"):
        validation = ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(c.dump()) for c in chain] or None,
            crls=crls,
            allow_fetching=allow_fetching,
        )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=REASONS[role],
        embed_validation_info=validation is not None,
        validation_context=validation,
        use_pades_lta=level == "B-LTA",
    )
    spec = fields.SigFieldSpec(
        field_name,
        on_page=layout_.page,
        box=layout_.widget.as_tuple(),  # type: ignore[arg-type]
    )
    pdf_signer = _TimedPdfSigner(
        meta,
        signer=key.signer,
        timestamper=timestamper if level != "B-B" else None,
        stamp_style=stamp,
        new_field_spec=spec,
        when=when,
    )
    out = io.BytesIO()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        pdf_signer.sign_pdf(writer, output=out)
    except TimestampRequestError as exc:
        raise SigningError(f"the time-stamping service did not give a time-stamp: {exc}") from None
    except PathBuildingError as exc:
        raise SigningError(
            f"cannot build the certificate chain for {level} ({exc}); give the CA certificates (--trust-root)"
        ) from None
    except pkcs11.exceptions.PKCS11Error as exc:
        raise SigningError(f"the token failed to sign: {type(exc).__name__} {exc}".strip()) from None
    except PyhankoSigningError as exc:
        raise SigningError(f"pyHanko refused to sign: {exc}") from None
    except PdfError as exc:
        raise _bad(source, "", f"cannot sign this PDF ({exc})") from None
    except OSError as exc:  # the network, on the way to a TSA, OCSP responder or CRL server
        raise SigningError(f"a network service needed for {level} could not be reached: {exc}") from None
    return out.getvalue()


# -- verifying --------------------------------------------------------------------------------

_CHANGES = {
    "NONE": "no changes",
    "LTA_UPDATES": "only validation data and time-stamps were added (allowed)",
    "FORM_FILLING": "only signatures or form fields were added or filled in (allowed)",
    "ANNOTATIONS": "annotations were added or changed (allowed)",
    "OTHER": "CHANGED in a way that is not allowed",
}


def _coverage(level: Any) -> Literal["entire file", "entire revision", "partial"]:
    if level == SignatureCoverageLevel.ENTIRE_FILE:
        return "entire file"
    if level == SignatureCoverageLevel.ENTIRE_REVISION:
        return "entire revision"
    return "partial"


def _cert_names(cert: Any) -> tuple[str, str | None]:
    """CN and O of an asn1crypto certificate's subject."""
    native = cert.subject.native
    cn = native.get("common_name") or cert.subject.human_friendly
    org = native.get("organization_name")
    if isinstance(cn, list):
        cn = ", ".join(cn)
    if isinstance(org, list):
        org = ", ".join(org)
    return str(cn), (str(org) if org else None)


def verify_pdf(
    path: Path,
    *,
    trust_roots: Sequence[Path] | None = None,
    crls: Sequence[Path] = (),
    allow_fetching: bool = False,
) -> list[SignatureReport]:
    """Check every signature and document time-stamp of the PDF at `path`, in signing order.

    With `trust_roots` (PEM/DER files of CA certificates, e.g. the VGCA root and intermediate)
    each signer's certificate is checked against them (revocation from `crls`, or fetched when
    `allow_fetching`); with none, trust is "unknown". An empty list means: no signature.
    """
    _require()
    path = Path(path)
    data = _read_pdf(path)
    roots = _load_certs(trust_roots or (), "trust root")
    revocation = _load_crls(crls)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise _bad(path, "", "the PDF is encrypted", "remove its password first")
        embedded = list(reader.embedded_signatures)
    except (PdfError, KeyError, ValueError, TypeError) as exc:
        raise _bad(path, "", f"cannot read the PDF ({exc})") from None
    tail = _unsigned_tail(data, reader)
    reports = []
    for sig in embedded:
        # a fresh context per signature: pyHanko's contexts cache what they found
        context = ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(c.dump()) for c in roots],
            crls=revocation,
            allow_fetching=allow_fetching,
        )
        report = _report(sig, context, trust_known=bool(roots))
        if tail:
            report = dataclasses.replace(
                report,
                coverage="partial" if report.coverage == "entire file" else report.coverage,
                modified_after=True,
                changes=f"{report.changes}; then {tail} bytes were appended after the end of the PDF "
                "(after the %%EOF of its last revision), which no signature covers",
                problems=(
                    *report.problems,
                    f"{tail} unsigned bytes after the end of the PDF: the file is not the one that was "
                    "signed (get the original from the sender)",
                ),
                unsigned_bytes=tail,
            )
        reports.append(report)
    return reports


_WHITESPACE = b" \t\r\n\x00\x0c"


def _unsigned_tail(data: bytes, reader: Any) -> int:
    """How many bytes follow the end of the PDF's last revision (the `startxref N %%EOF` of its
    last cross-reference section), not counting blank space: bytes that are in no revision, so
    that no signature can cover them and readers ignore them."""
    try:
        xrefs = reader.xrefs
        last = xrefs.total_revisions - 1
        startxref = int(xrefs.get_startxref_for_revision(last))
    except Exception:  # a damaged file pyHanko opened in its lenient mode
        return 0
    found = re.compile(rb"startxref\s+%d\s+%%%%EOF" % startxref).search(data, max(0, startxref))
    if found is None:
        return 0
    end = found.end()
    end += 2 if data[end : end + 2] == b"\r\n" else 1 if data[end : end + 1] in (b"\n", b"\r") else 0
    return len(data) - end if data[end:].strip(_WHITESPACE) else 0


def _report(sig: EmbeddedPdfSignature, context: Any, trust_known: bool) -> SignatureReport:
    field_name = str(sig.field_name)
    is_timestamp = sig.sig_object_type == "/DocTimeStamp"
    kind: Literal["signature", "document timestamp"] = "document timestamp" if is_timestamp else "signature"
    try:
        cn, org = _cert_names(sig.signer_cert)
    except Exception:  # a CMS with no usable certificate
        cn, org = "(no certificate)", None
    problems: list[str] = []
    try:
        if is_timestamp:
            status: Any = validate_pdf_timestamp(sig, validation_context=context)
        else:
            status = validate_pdf_signature(sig, signer_validation_context=context)
    except Exception as exc:  # a malformed signature: report it, do not stop at it
        claimed = sig.self_reported_timestamp
        return SignatureReport(
            field_name, kind, cn, org, claimed, "signer" if claimed else "none", False, False,
            "unknown" if not trust_known else "untrusted", "partial", True,
            "cannot tell: the signature could not be checked", (f"{type(exc).__name__}: {exc}",),
        )  # fmt: skip
    when: dt.datetime | None
    if is_timestamp:
        when, source = status.timestamp, "timestamp"
    elif status.timestamp_validity is not None:
        when, source = status.timestamp_validity.timestamp, "timestamp"
        ts = status.timestamp_validity
        if not (ts.intact and ts.valid):
            problems.append("the signature's time-stamp token is broken")
        elif trust_known and not ts.trusted:
            problems.append("the time-stamping authority is not trusted")
    else:
        when = status.signer_reported_dt or sig.self_reported_timestamp
        source = "signer" if when else "none"
    if not trust_known:
        trust: Literal["trusted", "untrusted", "unknown"] = "unknown"
    elif status.trusted:
        trust = "trusted"
    else:
        trust = "untrusted"
        indication = status.trust_problem_indic
        if status.revoked:
            problems.append("the certificate was revoked")
        elif indication is not None:
            problems.append(f"certificate: {str(indication.name).lower().replace('_', ' ')}")
        if indication == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
            problems[-1] = "certificate: no chain to the given trust roots"
    coverage = _coverage(status.coverage)
    level = status.modification_level
    level_name = level.name if isinstance(level, ModificationLevel) else None
    docmdp_ok = getattr(status, "docmdp_ok", None)
    if not (status.intact and status.valid):
        problems.append("the signed bytes were changed, or the signature does not match them")
    if coverage == "partial":
        modified, changes = True, "cannot tell: the signature covers only part of its revision"
    elif coverage == "entire file":
        modified, changes = False, "none: the signature covers the whole file"
    elif level_name is None:
        modified, changes = True, "cannot tell: later changes could not be analysed"
    else:
        modified = level_name == "OTHER" or docmdp_ok is False
        changes = _CHANGES.get(level_name, level_name)
        if docmdp_ok is False and level_name != "OTHER":
            changes = f"{changes.replace(' (allowed)', '')}, which the first signer's permissions forbid"
    return SignatureReport(
        field=field_name,
        kind=kind,
        signer=cn,
        organisation=org,
        signing_time=when,
        time_source=source,  # type: ignore[arg-type]
        intact=bool(status.intact),
        valid=bool(status.valid),
        trust=trust,
        coverage=coverage,
        modified_after=modified,
        changes=changes,
        problems=tuple(problems),
    )


def parse_box(text: str) -> tuple[float, float, float, float]:
    """ "x0,y0,x1,y1" (points; spaces or commas) into a box, for the CLI's --box."""
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4:
        raise _bad("--box", "", f"{text!r} is not four numbers x0,y0,x1,y1 (points)")
    return values  # type: ignore[return-value]
