"""The .docx zip container, written the same way every time and compressed once where it can be.

Two things the standard library's zipfile does not give us: byte-identical output on every
machine (zipfile records the creating system, so Windows and Linux differ), and reuse of the
compressed bytes of the parts that never change between letters (styles, theme, settings...),
which a batch of thousands of letters would otherwise compress thousands of times.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_DOS_TIME = 0  # 00:00:00
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01: the earliest date a zip can hold
_VERSION = 20  # 2.0: deflate
_MADE_BY = (3 << 8) | _VERSION  # "Unix", so that the file mode below is read
_MODE = 0o644 << 16


@dataclass(frozen=True)
class Entry:
    name: bytes
    crc: int
    size: int
    compressed: bytes


def compress(name: str, data: bytes, level: int = 6) -> Entry:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    body = packer.compress(data) + packer.flush()
    return Entry(name.encode("utf-8"), zlib.crc32(data), len(data), body)


def write(entries: list[Entry]) -> bytes:
    """A zip archive of `entries`, in order, with fixed times and modes."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        flags = 0x800 if not e.name.isascii() else 0
        local = (
            struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                _VERSION,
                flags,
                8,
                _DOS_TIME,
                _DOS_DATE,
                e.crc,
                len(e.compressed),
                e.size,
                len(e.name),
                0,
            )
            + e.name
        )
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                _MADE_BY,
                _VERSION,
                flags,
                8,
                _DOS_TIME,
                _DOS_DATE,
                e.crc,
                len(e.compressed),
                e.size,
                len(e.name),
                0,
                0,
                0,
                0,
                _MODE,
                offset,
            )
            + e.name
        )
        out += [local, e.compressed]
        offset += len(local) + len(e.compressed)
    directory = b"".join(central)
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0
    )
    return b"".join(out) + directory + end
