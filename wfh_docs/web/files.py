"""The app's private scratch space, and uploads saved in it under names the app chose.

Everything a request writes goes in a folder of its own under one root (mode 0700, made by
`tempfile.mkdtemp`), removed when the request, or the batch, is done with it; the root goes
when the app stops. A client's file name is only ever shown (escaped) or turned into a download
name by `wfh_docs.files.naming.safe_stem`: no name or path from the client reaches the file system.
A .docx or .xlsx is inflated in full under `wfh_docs.files.safezip`'s caps before anything reads it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import UploadFile

from wfh_docs.errors import WfhDocError
from wfh_docs.files.naming import safe_stem
from wfh_docs.files.safezip import Archive
from wfh_docs.i18n import _

ZIPPED = {"docx", "xlsx"}
_CHUNK = 1 << 16


class Scratch:
    """The root folder of one running app."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="wfhdoc-web-"))
        os.chmod(self.root, 0o700)  # mkdtemp makes it so; said again for the reader

    def folder(self, prefix: str = "req-") -> Path:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.root))

    @contextlib.contextmanager
    def request_folder(self) -> Iterator[Path]:
        folder = self.folder()
        try:
            yield folder
        finally:
            remove(folder)

    def close(self) -> None:
        remove(self.root)


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Saved:
    path: Path  # under a name the app chose
    shown: str  # the client's file name, to show (never used as a path)

    @property
    def stem(self) -> str:
        """A safe stem for a download named after the upload."""
        return safe_stem(self.shown.rsplit(".", 1)[0])


def shown_name(filename: str | None) -> str:
    """The last part of a client's file name, for messages: '../../etc/passwd.docx' -> 'passwd.docx'."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return (name[:80] or _("(no name)")).strip()


def extension(filename: str | None) -> str:
    name = shown_name(filename).lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


async def save_upload(
    upload: UploadFile, folder: Path, *, kinds: tuple[str, ...], limit: int, name: str
) -> Saved:
    """Write `upload` to `folder/name.<kind>` after checking its kind, size and, for a .docx or
    .xlsx, every member of the archive; a WfhDocError saying what is wrong otherwise."""
    shown = shown_name(upload.filename)
    kind = extension(upload.filename)
    if kind not in kinds:
        raise WfhDocError(
            _("{name}: this is not a {kinds} file").format(
                name=shown, kinds=" / ".join(f".{k}" for k in kinds)
            )
        )
    data = bytearray()
    while True:
        chunk = await upload.read(_CHUNK)
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            raise WfhDocError(
                _("{name}: the file is larger than {size} MB").format(name=shown, size=limit >> 20)
            )
    if not data:
        raise WfhDocError(_("{name}: the file is empty").format(name=shown))
    if kind in ZIPPED:
        check_archive(bytes(data), shown)
    path = folder / f"{name}.{kind}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Saved(path, shown)


def check_archive(data: bytes, shown: str) -> None:
    """Every member inflated under the caps (a zip bomb, a bad CRC, not a zip: WfhDocError)."""
    with Archive(data, what=shown) as archive:
        archive.check_all()
