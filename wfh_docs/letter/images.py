"""A picture in a letter's body ({"image": {...}}): the PNG or JPEG read safely before the letter
is made. A `file` is read beside the data file only (never a link or a path leading out of its
folder, never a device, at most MAX_IMAGE_BYTES); `data` is base64 of at most as much. Only the
header is decoded, for the pixel size and the dpi: a picture over MAX_IMAGE_PIXELS is refused, as
wfh_docs/sign/images.py refuses signature and seal PNGs, before anything would inflate it.

Where the data file is: `info.context["folder"]` when the letter is validated with one, else
`images_beside(folder)` around the validation; with neither (the browser's compose page) a `file`
is refused and `data` is the way in.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import contextvars
import os
import stat
import struct
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from ..i18n import _

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# as wfh_docs/sign/images.py: an image above this is no picture for a page, and decoding it would
# take gigabytes
MAX_IMAGE_PIXELS = 25_000_000
MAX_IMAGE_BYTES = 20 << 20
_MAX_BASE64 = (MAX_IMAGE_BYTES + 2) // 3 * 4

_FOLDER: contextvars.ContextVar[Path | None] = contextvars.ContextVar("wfh_image_folder", default=None)


@contextlib.contextmanager
def images_beside(folder: Path | str | None) -> Iterator[None]:
    """Letters validated inside read their image files from `folder` (the data file's)."""
    token = _FOLDER.set(Path(folder).resolve() if folder is not None else None)
    try:
        yield
    finally:
        _FOLDER.reset(token)


@dataclass(frozen=True, eq=False)
class Picture:
    """A checked picture: its bytes, 'png' or 'jpeg', its pixel size and dpi (None if unsaid);
    `name` the file it was read from (None for data). Compared and hashed by identity."""

    data: bytes = field(repr=False)
    kind: str
    width_px: int
    height_px: int
    dpi: float | None
    name: str | None = None

    @property
    def content_type(self) -> str:
        return f"image/{self.kind}"


def _png(data: bytes) -> tuple[int, int, float | None]:
    """Width, height and dpi from the PNG's chunks (each chunk's CRC checked, nothing inflated)."""
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise ValueError(_("is a damaged PNG (no IHDR header)"))
    width, height = struct.unpack(">II", data[16:24])
    dpi = None
    pos, seen = 8, set()
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data) or zlib.crc32(data[pos + 4 : end - 4]) != int.from_bytes(
            data[end - 4 : end], "big"
        ):
            raise ValueError(
                _("is a damaged PNG (chunk {kind} is cut short or its checksum is wrong)").format(
                    kind=kind.decode("latin-1")
                )
            )
        if kind == b"pHYs" and length == 9 and data[pos + 16] == 1:  # pixels per metre
            dpi = round(int.from_bytes(data[pos + 8 : pos + 12], "big") * 0.0254, 2) or None
        seen.add(kind)
        pos = end
        if kind == b"IEND":
            break
    if b"IEND" not in seen or b"IDAT" not in seen:
        raise ValueError(_("is a damaged PNG (it ends before its image data)"))
    return width, height, dpi


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> tuple[int, int, float | None]:
    """Width, height and dpi from the JPEG's markers, up to its frame header."""
    pos, dpi = 2, None
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if 0xD0 <= marker <= 0xD8 or marker == 0x01:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        segment = data[pos + 4 : pos + 2 + length]
        if marker == 0xE0 and segment[:5] == b"JFIF\x00" and len(segment) >= 12:
            units, density = segment[7], int.from_bytes(segment[8:10], "big")
            dpi = {1: float(density), 2: density * 2.54}.get(units) or None
        if marker in _SOF and len(segment) >= 5:
            height, width = struct.unpack(">HH", segment[1:5])
            if width and height:
                return width, height, dpi
            break
        pos += 2 + length
    raise ValueError(_("is a damaged JPEG (no frame header with its size)"))


def picture(data: bytes, name: str | None = None) -> Picture:
    """`data` checked: a PNG or JPEG, whole, of a sane size; ValueError saying what it is not."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(_("is larger than {megabytes} MB").format(megabytes=MAX_IMAGE_BYTES >> 20))
    if data.startswith(PNG_MAGIC):
        kind, (width, height, dpi) = "png", _png(data)
    elif data.startswith(JPEG_MAGIC):
        kind, (width, height, dpi) = "jpeg", _jpeg(data)
    else:
        raise ValueError(_("is not a PNG or JPEG image"))
    if not width or not height:
        raise ValueError(_("is an image of no pixels"))
    if width * height > MAX_IMAGE_PIXELS:
        raise ValueError(
            _(
                "is {width} x {height} pixels ({megapixels} megapixels), more than the {limit} a "
                "picture on a page may have: save it smaller"
            ).format(
                width=width,
                height=height,
                megapixels=f"{width * height / 1e6:.0f}",
                limit=MAX_IMAGE_PIXELS // 1_000_000,
            )
        )
    return Picture(data, kind, width, height, dpi, name)


def _folder(info: ValidationInfo | None) -> Path | None:
    given = info.context.get("folder") if info is not None and isinstance(info.context, dict) else None
    return Path(given).resolve() if given is not None else _FOLDER.get()


def _inside(folder: Path, name: str) -> Path:
    given = folder / name
    try:
        path = given.resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise ValueError(
            _("the image file {name} cannot be found ({reason})").format(name=repr(name), reason=exc)
        ) from None
    if not path.is_relative_to(folder):
        how = (
            _("the image file {name} is a link that leads out of the data file's folder, to {path}")
            if Path(os.path.normpath(given)).is_relative_to(folder)
            else _("the image file {name} is outside the data file's folder ({path})")
        )
        raise ValueError(
            how.format(name=repr(name), path=path)
            + _("; wfhdoc reads only files beside the data file: put it in {folder}").format(folder=folder)
        )
    return path


def _read(path: Path, name: str) -> bytes:
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    )
    said = {"name": repr(name), "path": path}
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ValueError(_("the image file {name} is not found ({path})").format(**said)) from None
    except OSError as exc:
        raise ValueError(
            _("the image file {name} cannot be opened ({reason}: {path})").format(**said, reason=exc.strerror)
        ) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a folder, a device, a pipe: never read
        os.close(fd)
        raise ValueError(_("the image file {name} is not a regular file ({path})").format(**said))
    with os.fdopen(fd, "rb") as fh:
        try:
            return fh.read(MAX_IMAGE_BYTES + 1)
        except OSError as exc:
            raise ValueError(
                _("the image file {name} cannot be read ({reason}: {path})").format(
                    **said, reason=exc.strerror
                )
            ) from None


def load_file(value: Any, info: ValidationInfo) -> Picture:
    """The `file` of an image block: a PNG or JPEG beside the data file."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("give the picture's file name, e.g. 'bieu-do-1.png'"))
    name = value.strip()
    folder = _folder(info)
    if folder is None:
        raise ValueError(
            _(
                "the image file {name} cannot be read here: a file is read beside a data file, and "
                'this letter has none; give the picture as "data" (base64) instead'
            ).format(name=repr(name))
        )
    path = _inside(folder, name)
    try:
        key = _key(path)
        known = _SEEN.get(key) if key else None
        if known is None:
            known = picture(_read(path, name), name)
            if key:
                _SEEN[key] = known
                while len(_SEEN) > 1 and (
                    len(_SEEN) > 8 or sum(len(p.data) for p in _SEEN.values()) > 32 << 20
                ):
                    _SEEN.popitem(last=False)  # at most 8 pictures, 32 MB, kept
        return known
    except ValueError as exc:
        raise ValueError(_("the image file {name} {problem}").format(name=repr(name), problem=exc)) from None


# the pictures last read, by file and version: a body naming one file a thousand times holds it once
_SEEN: OrderedDict[tuple[str, int, int, int, int], Picture] = OrderedDict()


def _key(path: Path) -> tuple[str, int, int, int, int] | None:
    try:
        s = path.stat()
    except OSError:
        return None
    return (str(path), s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns)


def load_data(value: Any) -> Picture:
    """The `data` of an image block: base64 (a 'data:image/png;base64,' prefix allowed)."""
    if not isinstance(value, str):
        raise ValueError(_("give the picture as base64 text"))
    text = value.split(",", 1)[1] if value.startswith("data:") and "," in value else value
    text = "".join(text.split())
    if len(text) > _MAX_BASE64:
        raise ValueError(
            _("the picture is larger than {megabytes} MB").format(megabytes=MAX_IMAGE_BYTES >> 20)
        )
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(_("the picture is not base64 text (A-Z, a-z, 0-9, +, / and = at the end)")) from None
    try:
        return picture(raw)
    except ValueError as exc:
        raise ValueError(_("the picture {problem}").format(problem=exc)) from None


# --- the block -------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


ImageFile = Annotated[
    Picture,
    PlainValidator(load_file),
    PlainSerializer(lambda p: p.name, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "description": "a PNG or JPEG beside the data file, its path relative to the data file's "
            "folder, e.g. 'bieu-do-1.png'",
        }
    ),
]
ImageData = Annotated[
    Picture,
    PlainValidator(load_data),
    PlainSerializer(lambda p: base64.b64encode(p.data).decode("ascii"), return_type=str),
    WithJsonSchema(
        {"type": "string", "contentEncoding": "base64", "description": "the PNG or JPEG itself, in base64"}
    ),
]


class ImageSpec(_Model):
    """The picture: from a file beside the data file or from base64 data; its printed width."""

    file: ImageFile | None = None
    data: ImageData | None = None
    width_cm: Annotated[float, Field(gt=0, le=16)] | None = Field(
        None, description="the printed width in cm, at most 16 (default: the width of the text)"
    )
    alt: Annotated[str, Field(max_length=1000)] = Field(
        "", description="what the picture shows, for a reader who cannot see it (not printed)"
    )

    @field_validator("width_cm", mode="before")
    @classmethod
    def _width(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, type(None))):
            raise ValueError(_("the width is a number of centimetres, e.g. 12.5"))
        return value

    @model_validator(mode="after")
    def _one(self) -> ImageSpec:
        if (self.file is None) == (self.data is None):
            one = _('give the picture as "file" (a PNG or JPEG beside the data file) or as "data" (base64)')
            raise ValueError(one + (_(", not both") if self.file is not None else ""))
        return self

    @property
    def picture(self) -> Picture:
        found = self.file or self.data
        assert found is not None  # one of them, checked above
        return found


class ImageBlock(_Model):
    """A picture on a line of its own (a chart, a diagram, a scanned map)."""

    image: ImageSpec
    align: Literal["left", "center", "right"] = Field(
        "center", description="'center' (the default), 'left' or 'right'"
    )
