"""The output folder's safety: what earlier runs wrote there, the names of the letters, the run's
own folder for temporaries.

A file in the output folder that no wfhdoc run wrote is never replaced (unless `overwrite`): the
letter that would have had its name goes beside it under the next free name. A name counts as
wfhdoc's when the manifest or the journal of the folder lists it, or lists a file with its
SHA-256. No symbolic link is followed. Temporaries live in one folder of the run,
`.wfhdoc-run-*`, removed at its end, or by the next run when it was killed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..files.output import link_message, read_regular
from ..i18n import _
from .manifest import JOURNAL, MANIFEST_CSV, MANIFEST_JSON, is_wfhdoc_manifest

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

RUN_FOLDER_PREFIX = ".wfhdoc-run-"
_LOCK = "lock"
_RESERVE = "reserve"


def file_sha(path: Path) -> str:
    data = read_regular(path)  # never through a link
    return hashlib.sha256(data).hexdigest() if data is not None else ""


def make_outdir(outdir: Path, overwrite: bool) -> None:
    """The output folder, made if needed, and fit for a batch: its manifests are wfhdoc's (or
    `overwrite`), and what killed runs left there is gone."""
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(
            _(
                "{path}: is a file, not a folder; give -o a folder for the letters and the manifest "
                "(a new one is created)"
            ).format(path=outdir)
        )
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            _(
                "{path}: cannot create the output folder ({reason}); check the path "
                "and that its parent folder is writable"
            ).format(path=outdir, reason=exc.strerror or exc)
        ) from None
    if not outdir.is_dir():
        raise OutputError(_("{path}: is not a folder").format(path=outdir))
    _check_manifests(outdir, overwrite)
    _clean_stale_temporaries(outdir)


class Earlier:
    """What earlier runs in the folder did, from its manifest and an interrupted run's journal:
    their rows by source (to skip what has not changed), and the names and SHA-256 of the
    files they wrote or were about to write (which wfhdoc may replace; no other file)."""

    def __init__(self, outdir: Path) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self.names: set[str] = set()
        self.shas: set[str] = set()
        raw = read_regular(outdir / MANIFEST_JSON)
        try:
            listed = json.loads(raw) if raw is not None else []
        except ValueError:
            listed = []
        for row in listed if isinstance(listed, list) else []:
            self._add(row)
        journal = read_regular(outdir / JOURNAL)
        for line in (journal or b"").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue  # a line cut by a kill
            if isinstance(row, dict) and isinstance(row.get("claimed"), list):
                self.names.update(str(name).casefold() for name in row["claimed"])
            else:
                self._add(row)

    def _add(self, row: Any) -> None:
        if not isinstance(row, dict) or "source" not in row:
            return
        self.rows[f"{row['source']}"] = row
        if row.get("output"):
            self.names.add(str(row["output"]).casefold())
        if row.get("sha256"):
            self.shas.add(str(row["sha256"]))

    def owns(self, name: str, path: Path) -> bool:
        """Did a wfhdoc run write the file at `path`?"""
        return name.casefold() in self.names or (bool(self.shas) and file_sha(path) in self.shas)


class Names:
    """Unique output names, case-blind as on Windows: a second '451-SCT-VP' is '451-SCT-VP-2'.

    A name held in the folder by a file that no wfhdoc run wrote (see Earlier), a symbolic
    link or a folder is stepped over too, and the letter says why."""

    def __init__(self, outdir: Path, earlier: Earlier, *, overwrite: bool = False) -> None:
        self.taken: set[str] = set()
        self.earlier = earlier
        self.overwrite = overwrite
        # one look at the folder, not one per letter
        self.present: dict[str, os.DirEntry[str]] = {}
        with contextlib.suppress(OSError), os.scandir(outdir) as entries:
            for entry in entries:
                self.present[entry.name.casefold()] = entry

    def _foreign(self, name: str) -> str:
        """Why the file at `name` must be kept ("" when the name is free or wfhdoc's)."""
        entry = self.present.get(name.casefold())
        if entry is None:
            return ""
        try:
            if entry.is_symlink():
                return _("{name} is a symbolic link, which wfhdoc never writes through nor replaces").format(
                    name=entry.name
                )
            if entry.is_dir():
                return _("{name} is a folder").format(name=entry.name)
            if not entry.is_file():
                return _("{name} is not a regular file").format(name=entry.name)
        except OSError:
            return _("{name} cannot be looked at").format(name=entry.name)
        if self.overwrite or self.earlier.owns(entry.name, Path(entry.path)):
            return ""
        return _("{name} already existed and was not written by wfhdoc").format(name=entry.name)

    def claim(self, stem: str) -> tuple[str, str]:
        """The name, and why it is not the first choice ("" when it is)."""
        name, n, note = f"{stem}.docx", 1, ""
        while True:
            if name.casefold() not in self.taken:
                why = self._foreign(name)
                if not why:
                    break
                note = note or why
            n += 1
            name = f"{stem}-{n}.docx"
        self.taken.add(name.casefold())
        return name, (_("{why}; this letter is {name}").format(why=note, name=name) if note else "")


def _check_manifests(outdir: Path, overwrite: bool) -> None:
    """The manifests are replaced as the batch runs: refuse, before any letter, a link there,
    or a file of that name that wfhdoc did not write (unless `overwrite`)."""
    for name in (MANIFEST_JSON, MANIFEST_CSV, JOURNAL):
        path = outdir / name
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISLNK(st.st_mode):
            raise OutputError(link_message(path))
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(
                _("{path}: is not a regular file; remove it, or choose another output folder").format(
                    path=path
                )
            )
        if name != JOURNAL and not overwrite and not is_wfhdoc_manifest(path):
            raise OutputError(
                _(
                    "{path}: already exists and is not a manifest written by wfhdoc; move it away, "
                    "choose another output folder, or give --overwrite to replace it"
                ).format(path=path)
            )


class RunFolder:
    """The run's own folder for temporaries, `OUTDIR/.wfhdoc-run-XXXX`: removed at the end of
    the run, or by a later one when this run was killed (it holds a lock on `lock` while it
    lives). It also keeps room on the disk for the final manifest (`reserve`), given back
    when the disk is full."""

    def __init__(self, outdir: Path, rows: int) -> None:
        try:
            self.path = Path(tempfile.mkdtemp(prefix=RUN_FOLDER_PREFIX, dir=outdir))
        except OSError as exc:
            raise _unwritable(outdir, exc) from None
        self._lock: int | None = None
        try:
            self._lock = os.open(self.path / _LOCK, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            if fcntl is not None:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._reserve(64 * 1024 + 1024 * rows)
        except OSError as exc:
            self.remove()
            raise _unwritable(outdir, exc) from None

    def _reserve(self, size: int) -> None:
        if not hasattr(os, "posix_fallocate"):  # pragma: no cover - no cheap way there
            return
        fd = os.open(self.path / _RESERVE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.posix_fallocate(fd, 0, size)  # blocks, not writes: costs no time
        except OSError:
            self.free()  # the disk is nearly full already, or cannot do it: no room kept
        finally:
            os.close(fd)

    def free(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path / _RESERVE)

    def remove(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock)
            self._lock = None
        _remove_folder(self.path)


def _unwritable(outdir: Path, exc: OSError) -> OutputError:
    return OutputError(
        _(
            "{path}: cannot write in the output folder ({reason}); make it writable, "
            "or choose another output folder"
        ).format(path=outdir, reason=exc.strerror or exc)
    )


def _remove_folder(path: Path) -> None:
    # only the files wfhdoc put there; never through a link (rmtree does not follow them)
    shutil.rmtree(path, ignore_errors=True)


def _clean_stale_temporaries(outdir: Path) -> None:
    """Remove what killed runs left: their run folders (a folder whose lock nobody holds), and
    ".NAME.docx.XXXX.tmp" files of older versions; they are never letters."""
    with contextlib.suppress(OSError), os.scandir(outdir) as entries:
        for entry in entries:
            if entry.name.startswith(RUN_FOLDER_PREFIX) and entry.is_dir(follow_symlinks=False):
                if _abandoned(Path(entry.path)):
                    _remove_folder(Path(entry.path))
            elif entry.name.startswith(".") and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)  # a link is removed, not followed


def _abandoned(folder: Path) -> bool:
    try:
        fd = os.open(folder / _LOCK, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        # killed between making the folder and its lock: only if it is not brand new
        try:
            return time.time() - os.lstat(folder).st_mtime > 60
        except OSError:
            return False
    except OSError:
        return False
    try:
        if fcntl is None:  # pragma: no cover - Windows: a live run's open files cannot be removed
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live run holds it
        return True
    finally:
        os.close(fd)
