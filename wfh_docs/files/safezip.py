"""Zip archives from outside (.docx letters and templates, .xlsx workbooks) read within bounds.

A .docx or .xlsx is a zip archive, and a zip archive can be built to explode: a 1 MB file whose
`word/document.xml` inflates to 1 GB, members that claim one size and inflate to another, two
members with one name, a damaged member. `Archive` reads only the members asked for, streams
each through the decompressor with a cap on what it may inflate to (the member's own cap, the
archive's total, and a ratio to its compressed size), and turns every such fault into an
`ArchiveError` naming the file and the member. Nothing here trusts the sizes the archive claims.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import ArchiveError
from ..i18n import _

_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """How much an archive may inflate to.

    The defaults are far above any real letter, template or workbook (the 4-page reference phụ
    lục inflates to 0.3 MB; a 10,000-row workbook sheet to about 8 MB) and far below what would
    hurt the machine."""

    member: int = 128 << 20  # bytes one member may inflate to
    total: int = 512 << 20  # bytes all members read may inflate to together
    ratio: int = 1000  # inflated / compressed, checked once a member passes `ratio_from`
    ratio_from: int = 8 << 20
    members: int = 20_000  # entries in the archive


DEFAULT_LIMITS = Limits()


def _mib(n: int) -> str:
    return f"{n / (1 << 20):.0f} MB"


class Archive:
    """A zip archive opened for bounded reading; use as a context manager."""

    def __init__(
        self, source: Path | str | bytes, *, what: str | None = None, limits: Limits = DEFAULT_LIMITS
    ):
        self.what = what or (_("the file") if isinstance(source, bytes) else str(source))
        self.limits = limits
        self._read_total = 0
        try:
            self._zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        except zipfile.BadZipFile as exc:
            raise ArchiveError(
                self.what, "", _("not a zip archive ({error})").format(error=exc), kind="not-zip"
            ) from None
        except (zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError) as exc:
            raise ArchiveError(
                self.what, "", _("the archive cannot be read ({error})").format(error=exc), kind="not-zip"
            ) from None
        infos = self._zf.infolist()
        if len(infos) > limits.members:
            self._zf.close()
            raise ArchiveError(
                self.what,
                "",
                _("{count} members, more than {limit}").format(count=len(infos), limit=limits.members),
                kind="damaged",
            )
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.filename in self._infos:
                self._zf.close()
                raise ArchiveError(
                    self.what,
                    info.filename,
                    _("two members have this name; the file is damaged or crafted"),
                    kind="damaged",
                )
            self._infos[info.filename] = info

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zf.close()

    def names(self) -> list[str]:
        return list(self._infos)

    def __contains__(self, name: object) -> bool:
        return name in self._infos

    def read(self, name: str, *, limit: int | None = None) -> bytes:
        """The member's bytes, inflated under the caps; KeyError when there is no such member."""
        out = bytearray()
        self._inflate(name, min(limit or self.limits.member, self.limits.member), out)
        return bytes(out)

    def _inflate(self, name: str, cap: int, out: bytearray | None) -> None:
        info = self._infos[name]
        size = 0
        if info.flag_bits & 0x1:  # zipfile would raise RuntimeError asking for a password
            raise ArchiveError(
                self.what, name, _("the member is encrypted (protected by a password)"), kind="encrypted"
            )
        try:
            with self._zf.open(info) as stream:
                while True:
                    chunk = stream.read(_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    self._bound(info, size, cap)
                    if out is not None:
                        out += chunk
        except zipfile.BadZipFile as exc:
            raise ArchiveError(
                self.what, name, _("the member is damaged ({error})").format(error=exc), kind="damaged"
            ) from None
        except (zlib.error, EOFError, NotImplementedError, ValueError, OSError) as exc:
            raise ArchiveError(
                self.what,
                name,
                _("the member cannot be inflated ({error})").format(error=exc),
                kind="damaged",
            ) from None
        self._read_total += size

    def _bound(self, info: zipfile.ZipInfo, size: int, cap: int) -> None:
        limits = self.limits
        if size > cap:
            raise ArchiveError(
                self.what,
                info.filename,
                _("inflates to more than {size}").format(size=_mib(cap)),
                kind="bomb",
            )
        if self._read_total + size > limits.total:
            raise ArchiveError(
                self.what,
                info.filename,
                _("the archive inflates to more than {size}").format(size=_mib(limits.total)),
                kind="bomb",
            )
        if size > limits.ratio_from and size > limits.ratio * max(1, info.compress_size):
            raise ArchiveError(
                self.what,
                info.filename,
                _("inflates more than {ratio} times its stored size (a zip bomb?)").format(
                    ratio=limits.ratio
                ),
                kind="bomb",
            )

    def check_all(self) -> None:
        """Inflate every member under the caps, keeping nothing: for readers such as openpyxl
        that then read the archive themselves."""
        for name in self._infos:
            self._inflate(name, self.limits.member, None)
