"""Writing files so that a failure never leaves a half-written file at the output path."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError


def _file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777  # replacing a file keeps its mode
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, data: bytes | Iterable[bytes], *, durable: bool = True) -> None:
    """Write `data` (bytes, or pieces of it: a large file need not be held whole) to a
    temporary file beside `path`, then rename it: the file at `path` is always whole.
    `durable` also waits for the disk first (a batch syncs once at its end)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot create the folder ({exc.strerror})") from None
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name ending in .docx")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        # mkstemp makes the file private (0600); a letter gets the mode any new file would get
        os.chmod(tmp, _file_mode(path))
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
        raise OutputError(f"{path}: cannot write the file ({exc.strerror or exc})") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_in_place(path: Path, data: bytes) -> None:
    """write_atomic for a batch, in four system calls: the folder is known to exist, the
    name is this run's own, and the file gets the mode any new file gets (the umask applies).
    Not durable: the batch waits for the disk once, at its end."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    done = False
    try:
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            done = True  # not ours to remove: a stale temporary of a killed run
            write_atomic(path, data, durable=False)
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
            raise OutputError(f"{path}: is a folder; give a file name ending in .docx") from None
        raise OutputError(f"{path}: cannot write the file ({exc.strerror or exc})") from None
    finally:
        if not done:  # an error, or Ctrl-C between the write and the rename
            with contextlib.suppress(OSError):
                os.unlink(tmp)
