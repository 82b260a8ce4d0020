"""Writing files so that a failure never leaves a half-written file at the output path.

No symbolic link is followed or replaced: a link where wfhdoc is to write (a letter, a
manifest, the journal) is refused with a message naming it, so that nothing is written through
it to a file elsewhere. Temporaries are created with O_EXCL (never through a link), and a disk
that is full, a quota reached or a file system gone read-only is a `DiskFull`, which a batch
takes as a reason to stop rather than fail every letter that follows.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from ..errors import OutputError
from ..i18n import _

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted at a path must not hang wfhdoc
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)
# errors that every following write to the same disk will meet too
_DISK_ERRNOS = {errno.ENOSPC, errno.EROFS, getattr(errno, "EDQUOT", errno.ENOSPC)}


class DiskFull(OutputError):
    """The disk is full, a quota is reached or the file system became read-only: every write
    that follows would fail as well."""


def link_message(path: Path | str) -> str:
    return _(
        "{path}: is a symbolic link; wfhdoc never writes through a link nor replaces one: "
        "remove the link, or choose another output folder"
    ).format(path=path)


def write_error(path: Path | str, exc: OSError) -> OutputError:
    """The error to report for `exc`, met writing `path`."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ELOOP:
        return OutputError(link_message(path))
    if exc.errno in _DISK_ERRNOS:
        hint = (
            _("the file system is read-only")
            if exc.errno == errno.EROFS
            else _("the disk is full (or a quota is reached): free some space")
        )
        return DiskFull(
            _("{path}: cannot write the file ({reason}); {hint} and run again").format(
                path=path, reason=reason, hint=hint
            )
        )
    return OutputError(_("{path}: cannot write the file ({reason})").format(path=path, reason=reason))


def _refuse_odd(path: Path) -> os.stat_result | None:
    """The lstat of `path` (None when nothing is there); a link or a folder there is refused."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError:
        return None  # the write itself will say what is wrong
    if stat.S_ISLNK(st.st_mode):
        raise OutputError(link_message(path))
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(_("{path}: is a folder; give a file name ending in .docx").format(path=path))
    return st


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(
    path: Path,
    data: bytes | Iterable[bytes],
    *,
    durable: bool = True,
    temp_dir: Path | None = None,
) -> None:
    """Write `data` (bytes, or pieces of it: a large file need not be held whole) to a
    temporary file beside `path` (or in `temp_dir`, on the same disk), then rename it: the
    file at `path` is always whole. `durable` also waits for the disk first (a batch syncs
    once at its end). A symbolic link or a folder at `path` is refused."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            _("{path}: cannot create the folder ({reason})").format(path=path.parent, reason=exc.strerror)
        ) from None
    st = _refuse_odd(path)
    # replacing a file keeps its mode; a new one gets the mode any new file would get
    mode = st.st_mode & 0o777 if st is not None and stat.S_ISREG(st.st_mode) else _new_file_mode()
    tmp = None
    try:
        # mkstemp opens with O_EXCL: it never follows a link
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=temp_dir or path.parent)
        os.chmod(tmp, mode)  # mkstemp makes the file private (0600)
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                for piece in data:
                    fh.write(piece)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise write_error(path, exc) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_in_place(path: Path, data: bytes, temp_dir: Path | None = None) -> None:
    """write_atomic for a batch, in five system calls: the folder is known to exist, the
    name is this run's own, and the file gets the mode any new file gets (the umask applies).
    The temporary goes in `temp_dir` (the run's own folder, on the same disk) or beside `path`.
    Not durable: the batch waits for the disk once, at its end."""
    _refuse_odd(path)
    tmp = (
        (temp_dir / f"{path.name}.{os.getpid()}.tmp")
        if temp_dir
        else path.with_name(f".{path.name}.{os.getpid()}.tmp")
    )
    done = False
    try:
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY, 0o666)
        except FileExistsError:
            done = True  # not ours to remove: a stale temporary of a killed run
            write_atomic(path, data, durable=False, temp_dir=temp_dir)
            return
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
        done = True
    except OSError as exc:
        if path.is_dir():
            raise OutputError(
                _("{path}: is a folder; give a file name ending in .docx").format(path=path)
            ) from None
        raise write_error(path, exc) from None
    finally:
        if not done:  # an error, or Ctrl-C between the write and the rename
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _open_regular(path: Path, flags: int) -> int:
    """A descriptor of the regular file at `path`, opened without following a link (and
    without hanging on a FIFO); OutputError for a link or anything but a regular file."""
    if not _NOFOLLOW and os.path.islink(path):  # pragma: no cover - systems without O_NOFOLLOW
        raise OutputError(link_message(path))
    try:
        fd = os.open(path, flags | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _BINARY, 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.EMLINK and os.path.islink(path)):
            raise OutputError(link_message(path)) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutputError(
            _("{path}: is not a regular file; remove it, or choose another output folder").format(path=path)
        )
    if _NONBLOCK and hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return fd


def open_append(path: Path) -> IO[str]:
    """`path` opened to append text lines, created if needed; never through a symbolic link."""
    try:
        fd = _open_regular(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(
            _(
                "{path}: cannot write the file ({reason}); check that the folder is writable, or "
                "choose another output folder"
            ).format(path=path, reason=exc.strerror or exc)
        ) from None
    return os.fdopen(fd, "a", encoding="utf-8")


def read_regular(path: Path) -> bytes | None:
    """The bytes of the regular file at `path`, never through a link; None when there is no
    such file (or it cannot be read, or it is a link or no regular file)."""
    try:
        fd = _open_regular(path, os.O_RDONLY)
    except (OSError, OutputError):
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            return fh.read()
        except OSError:
            return None


_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"


def made_by_wfhdoc(path: Path) -> bool:
    """Is the regular file at `path` a letter as wfhdoc wrote it? wfhdoc writes the document
    properties (docProps/core.xml) of every document itself, whatever the template: a title
    ('V/v ...' for a công văn, the tên loại and trích yếu for other kinds: 'BÁO CÁO ...'), the
    số and ký hiệu ('98/BC-SCT', '/SCT-VP' when left blank) as subject and keywords, created =
    modified, and no 'last modified by', which Word adds when it saves a file. A file typed in
    Word, or a letter edited and saved since, is not."""
    from lxml import etree

    from ..errors import ArchiveError
    from .safezip import Archive

    data = read_regular(path)
    if data is None or not data.startswith(b"PK"):
        return False
    try:
        with Archive(data, what=str(path)) as archive:
            if "docProps/core.xml" not in archive:
                return False
            core = archive.read("docProps/core.xml", limit=64 << 10)
        root = etree.fromstring(core, etree.XMLParser(resolve_entities=False, no_network=True))
    except (ArchiveError, etree.XMLSyntaxError, ValueError):
        return False

    def text(tag: str) -> str | None:
        found = root.find(tag)
        return found.text if found is not None else None

    return (
        root.tag == f"{_CP}coreProperties"
        and root.find(f"{_CP}lastModifiedBy") is None
        and bool((text(f"{_DC}title") or "").strip())
        and "/" in (text(f"{_DC}subject") or "")
        and text(f"{_DC}subject") == text(f"{_CP}keywords")
        and text(f"{_DCTERMS}created") is not None
        and text(f"{_DCTERMS}created") == text(f"{_DCTERMS}modified")
    )
