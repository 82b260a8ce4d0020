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


def _packer(level: int, size: int) -> zlib._Compress:
    # A window no larger than the data loses no match, and zlib prepares a 32 KiB window at
    # a cost that dominates for the small pieces a letter is mostly made of (8 us, not 48, for
    # 3 KB). Any deflate reader takes any window up to 32 KiB.
    return zlib.compressobj(level, zlib.DEFLATED, -min(15, max(10, size.bit_length())))


def compress(name: str, data: bytes, level: int = 6) -> Entry:
    packer = _packer(level, len(data))
    body = packer.compress(data) + packer.flush()
    return Entry(name.encode("utf-8"), zlib.crc32(data), len(data), body)


@dataclass(frozen=True)
class Segment:
    """A piece of a part compressed on its own: deflate blocks that end on a byte boundary and
    refer to nothing before them, so that pieces can be joined into one part in any order."""

    crc: int
    size: int
    compressed: bytes


_FINAL_BLOCK = b"\x03\x00"  # an empty last block (fixed Huffman codes): the end of the stream


def segment(data: bytes, level: int = 1) -> Segment:
    packer = _packer(level, len(data))
    body = packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)
    return Segment(zlib.crc32(data), len(data), body)


def joined(name: str, segments: list[Segment], crc: int) -> Entry:
    """One part made of segments; `crc` is the CRC-32 of the whole part (zlib.crc32 carried
    across the pieces' bytes)."""
    body = b"".join(s.compressed for s in segments) + _FINAL_BLOCK
    return Entry(name.encode("utf-8"), crc, sum(s.size for s in segments), body)


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
