"""The signature and seal images: PNG checks made before anything is decoded, loading, their
colours and real size (Phụ lục I II.7.d, II.8.a)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from PIL import Image, ImageStat, UnidentifiedImageError

from ..i18n import _
from .base import MM, Box, bad

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A seal scanned at 1200 dpi is about 1900 pixels across, a signature 4000 x 2000: an image above
# this is not one, and decoding it would take gigabytes. Checked from the PNG's header first.
MAX_IMAGE_PIXELS = 25_000_000
MAX_IMAGE_BYTES = 50 << 20
# A round seal of a Sở or a UBND is 35-40 mm across; used when the PNG does not say its dpi.
DEFAULT_SEAL_MM = 36.0
# A dpi giving a seal outside this is taken for an editor's default (72, 96), not the seal's size.
SEAL_MM_RANGE = (20.0, 60.0)


@dataclass(frozen=True)
class Picture:
    """A loaded image, cropped to what is drawn, with the warnings its colours gave."""

    image: Any  # PIL.Image.Image, RGBA, cropped to what is drawn
    dpi: float | None
    warnings: tuple[str, ...] = ()


def _hints(colour: Literal["blue", "red"]) -> tuple[str, str]:
    hint = (
        _("Phụ lục I asks for a PNG with a transparent background (the signature in blue, II.7.d)")
        if colour == "blue"
        else _(
            "Phụ lục I asks for a PNG with a transparent background "
            "(the seal in red at its real size, II.8.a)"
        )
    )
    too_big = _(
        "save it smaller: at most {pixels} megapixels and {megabytes} MB (a seal scanned at 600 dpi is "
        "about 1000 x 1000 pixels)"
    ).format(pixels=MAX_IMAGE_PIXELS // 1_000_000, megabytes=MAX_IMAGE_BYTES >> 20)
    return hint, too_big


def _read_checked(path: Path, where: str, hint: str, too_big: str) -> bytes:
    """The PNG's bytes, refused before decoding when it is no PNG or too large to be an image of
    a signature or a seal (from its size and its IHDR header)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        raise bad(
            path, where, _("cannot read the file ({reason})").format(reason=exc.strerror or exc)
        ) from None
    if not data.startswith(PNG_MAGIC):
        kind = _("is a JPEG image") if data.startswith(b"\xff\xd8\xff") else _("is not a PNG image")
        raise bad(path, where, kind, hint)
    if len(data) > MAX_IMAGE_BYTES:
        raise bad(
            path, where, _("is larger than {megabytes} MB").format(megabytes=MAX_IMAGE_BYTES >> 20), too_big
        )
    # the first chunk is IHDR: width and height, read before anything is decoded
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise bad(path, where, _("is a damaged PNG (no IHDR header)"), hint)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if width * height > MAX_IMAGE_PIXELS:
        message = _(
            "is {width} x {height} pixels ({megapixels} megapixels): "
            "too large to be a signature or seal image"
        ).format(width=width, height=height, megapixels=f"{width * height / 1e6:.0f}")
        raise bad(path, where, message, too_big)
    return data


def _colour_warning(path: Path, img: Any, colour: Literal["blue", "red"]) -> str | None:
    """ND 30 wants the signature blue and the seal red; a wrong colour is the user's choice, but
    it is said."""
    mask = img.getchannel("A").point(lambda a: 255 if a > 128 else 0)
    if not mask.getbbox():
        return None
    r, g, b = ImageStat.Stat(img.convert("RGB"), mask=mask).mean
    if colour == "blue" and not (b > r + 20 and b > g):
        return _("{name}: the signature image is not blue (Phụ lục I II.7.d asks for blue)").format(
            name=path.name
        )
    if colour == "red" and not (r > g + 40 and r > b + 40):
        return _("{name}: the seal image is not red (Phụ lục I II.8.a asks for red)").format(name=path.name)
    return None


def load_png(path: Path, what: str, colour: Literal["blue", "red"]) -> Picture:
    """The transparent PNG at `path` (`what`: "signature" or "seal"), checked and cropped."""
    names = {"signature": _("signature image"), "seal": _("seal image")}
    where = names.get(what) or _("{what} image").format(what=what)
    hint, too_big = _hints(colour)
    data = _read_checked(path, where, hint, too_big)
    try:
        img: Any = Image.open(io.BytesIO(data))
        img.load()
    except Image.DecompressionBombError as exc:
        raise bad(
            path, where, _("is too large to decode safely ({reason})").format(reason=exc), too_big
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise bad(path, where, _("is a damaged PNG ({reason})").format(reason=exc), hint) from None
    dpi_info = img.info.get("dpi")
    if not (img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info):
        raise bad(
            path, where, _("has no transparency (no alpha channel): it would hide the text under it"), hint
        )
    img = img.convert("RGBA")
    alpha = img.getchannel("A")
    low, high = alpha.getextrema()
    if low == 255:
        raise bad(path, where, _("has no transparent pixels: the background is opaque"), hint)
    if high == 0:
        raise bad(path, where, _("is empty: every pixel is transparent"), hint)
    # crop to what is drawn: the margins of a scan would throw the centring and the size off
    bbox = alpha.point(lambda a: 255 if a > 8 else 0).getbbox()
    if bbox:
        img = img.crop(bbox)
    warning = _colour_warning(path, img, colour)
    dpi = None
    if isinstance(dpi_info, tuple) and dpi_info and float(dpi_info[0]) > 1:
        dpi = float(dpi_info[0])
    return Picture(img, dpi, (warning,) if warning else ())


def seal_size(picture: Picture) -> tuple[float, float, str | None]:
    """The seal's real size in points: from the PNG's dpi, else a usual 36 mm across."""
    img = picture.image
    longest = max(img.width, img.height)
    if picture.dpi:
        mm = longest / picture.dpi * 25.4
        if SEAL_MM_RANGE[0] <= mm <= SEAL_MM_RANGE[1]:
            scale = 72 / picture.dpi
            return img.width * scale, img.height * scale, None
        note = _(
            "the seal image's {dpi} dpi would make it {mm} mm across; drawn {default} mm across instead "
            "(save the PNG with its real dpi)"
        ).format(dpi=f"{picture.dpi:g}", mm=f"{mm:.0f}", default=f"{DEFAULT_SEAL_MM:g}")
    else:
        note = _("the seal image has no dpi; drawn {default} mm across (save the PNG with its dpi)").format(
            default=f"{DEFAULT_SEAL_MM:g}"
        )
    scale = DEFAULT_SEAL_MM * MM / longest
    return img.width * scale, img.height * scale, note


def downsample(img: Any, box: Box, dpi: float = 300) -> Any:
    """No need to embed more pixels than a 300-dpi print shows."""
    want = round(box.width / 72 * dpi)
    if img.width > want * 1.3 and want > 0:
        return img.resize((want, max(1, round(img.height * want / img.width))), Image.Resampling.LANCZOS)
    return img
