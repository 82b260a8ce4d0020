"""Finding LibreOffice: $WFHDOC_SOFFICE, PATH, then where Linux, macOS and Windows install it."""

from __future__ import annotations

import glob
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from ..errors import OutputError
from ..i18n import N_, _

__all__ = ["INSTALL_HINT", "find_soffice", "install_hint", "resolve_soffice"]

INSTALL_HINT = N_("install LibreOffice: apt-get install libreoffice-writer-nogui, or set WFHDOC_SOFFICE")
# Windows and macOS have no package manager wfhdoc can name: the installer from libreoffice.org
_INSTALL_HINT_ELSEWHERE = N_(
    "install LibreOffice from https://www.libreoffice.org/download/ (wfhdoc finds it in its usual "
    "folder, on Windows under Program Files), or set WFHDOC_SOFFICE"
)

# Where LibreOffice installs itself when it is not on PATH. Globs: versions are in the names.
_INSTALL_PATHS: tuple[str, ...] = (
    "/usr/lib/libreoffice/program/soffice",
    "/usr/lib64/libreoffice/program/soffice",
    "/usr/local/lib/libreoffice/program/soffice",
    "/opt/libreoffice*/program/soffice",
    "/usr/local/opt/libreoffice*/program/soffice",
    "/snap/bin/libreoffice",
    "/var/lib/flatpak/exports/bin/org.libreoffice.LibreOffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    # soffice.com before soffice.exe: the console one waits for the conversion and prints its errors
    r"C:\Program Files\LibreOffice\program\soffice.com",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.com",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
# Windows: Program Files is not always on C:, and older versions install to "LibreOffice 7" ...
_WINDOWS_ROOTS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA")
_WINDOWS_PROGRAMS = ("soffice.com", "soffice.exe")


def install_hint() -> str:
    """How to install LibreOffice on this system, in the current language."""
    linux = os.name == "posix" and sys.platform != "darwin"
    return _(INSTALL_HINT if linux else _INSTALL_HINT_ELSEWHERE)


def _runnable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def windows_paths(environ: Mapping[str, str] | None = None) -> list[str]:
    """The places LibreOffice's Windows installer uses, from the environment's Program Files
    folders (and a per-user install under %LOCALAPPDATA%\\Programs), as globs."""
    env = os.environ if environ is None else environ
    found: list[str] = []
    for var in _WINDOWS_ROOTS:
        root = env.get(var, "").strip()
        if not root:
            continue
        base = os.path.join(root, "Programs") if var == "LOCALAPPDATA" else root
        for program in _WINDOWS_PROGRAMS:
            found.append(os.path.join(base, "LibreOffice*", "program", program))
    return found


def _installed() -> str | None:
    patterns = [*(windows_paths() if os.name == "nt" else []), *_INSTALL_PATHS]
    for pattern in patterns:
        for path in sorted(glob.glob(pattern), reverse=True):  # the newest version first
            if _runnable(path):
                return path
    return None


def find_soffice() -> str:
    """The LibreOffice program: $WFHDOC_SOFFICE, else soffice or libreoffice on PATH, else the
    usual install folders of Linux, macOS and Windows. Raises OutputError when there is none."""
    wanted = os.environ.get("WFHDOC_SOFFICE", "").strip()
    if wanted:
        # an explicit choice that does not work is reported, not silently replaced by another one
        path = os.path.expanduser(wanted)
        if _runnable(path):
            return os.path.abspath(path)
        found = shutil.which(path) if os.sep not in path else None
        if found:
            return os.path.abspath(found)
        raise OutputError(
            _("WFHDOC_SOFFICE={wanted}: no such program ({hint})").format(wanted=wanted, hint=install_hint())
        )
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return os.path.abspath(found)
    installed = _installed()
    if installed:
        return installed
    raise OutputError(_("LibreOffice (soffice) was not found ({hint})").format(hint=install_hint()))


def resolve_soffice(soffice: Path | str | None) -> str:
    """The program to run: find_soffice() when `soffice` is None, else that program (by path,
    or by name on PATH). Raises OutputError when it does not exist."""
    if soffice is None:
        return find_soffice()
    found = shutil.which(soffice) if os.sep not in str(soffice) else None
    program = os.path.abspath(found or soffice)
    if not _runnable(program):
        raise OutputError(
            _("{program}: no such program ({hint})").format(program=soffice, hint=install_hint())
        )
    return program
