"""What the commands print on: a console that shows Vietnamese, the progress line, warnings and
errors in one form, and secrets read without echo."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

import click

from ..i18n import _

_UTF8_CODE_PAGE = 65001


def warn(message: object) -> None:
    click.echo(_("warning: {message}").format(message=message), err=True)


def error(message: object) -> None:
    click.echo(_("error: {message}").format(message=message), err=True)


@contextlib.contextmanager
def utf8_console() -> Iterator[None]:
    """Vietnamese printed right for the run, and everything as it was after it.

    A stream that is not UTF-8 (a file or pipe on Windows gets the ANSI code page, cp1252 or
    cp1258; PYTHONIOENCODING=cp1252; a C locale) is switched to UTF-8, with a backslash escape
    for what cannot be encoded at all (a file name that is not text), so that nothing fails or
    turns into question marks. A Windows console already takes Unicode from Python (PEP 528);
    in the legacy mode (PYTHONLEGACYWINDOWSSTDIO) its code page is set to UTF-8 (65001) for
    the run and given back at its end."""
    restore: list[tuple[Any, str, str]] = []
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            # a stream that cannot be changed keeps its encoding
            with contextlib.suppress(ValueError, OSError):
                restore.append((stream, stream.encoding, stream.errors or "strict"))
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    code_page = _console_code_page(_UTF8_CODE_PAGE) if restore else None
    try:
        yield
    finally:
        if code_page is not None:
            _console_code_page(code_page)
        for stream, encoding, errors in restore:
            with contextlib.suppress(ValueError, OSError):
                stream.flush()
                stream.reconfigure(encoding=encoding, errors=errors)


def _console_code_page(code_page: int) -> int | None:
    """Set a Windows console's output code page; the one it had, or None (not a console)."""
    if sys.platform != "win32" or not sys.stdout.isatty():
        return None
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined,unused-ignore]
    before = int(kernel32.GetConsoleOutputCP())
    if before == code_page or not kernel32.SetConsoleOutputCP(code_page):
        return None
    return before


class ProgressLine:
    """ "  37/1000 letters  41.2/s  0:23 left" on one terminal line, redrawn in place."""

    def __init__(self, unit: str) -> None:
        self.start = time.monotonic()
        self.last = 0.0
        self.unit = unit

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        left = (total - done) / rate if rate else 0
        width = 24
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        eta = f"{int(left) // 60}:{int(left) % 60:02d}"
        line = _("{done}/{total} {unit}  {rate}/s  {eta} left").format(
            done=done, total=total, unit=self.unit, rate=f"{rate:.1f}", eta=eta
        )
        click.echo(f"\r[{bar}] {line} ", nl=done >= total, err=True)


def progress(unit: str, quiet: bool) -> ProgressLine | None:
    """A progress line on a terminal, unless `quiet`."""
    return ProgressLine(unit) if not quiet and sys.stderr.isatty() else None


def secret(env: str, prompt: str, *, empty_ok: bool = True) -> str:
    """A PIN or passphrase: from the environment, a hidden prompt on a terminal, or a line of
    standard input; never from the command line, where other users and the history see it.
    Without `empty_ok` an empty value counts as none (an empty PIN costs one of a token's tries)."""
    value = os.environ.get(env)
    if value is not None and (value or empty_ok):
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True, err=True))
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line or not (line.rstrip("\r\n") or empty_ok):
        if value == "":
            message = _("{what} needed ({env} is set but empty): set {env}, or type it when asked")
        else:
            message = _("{what} needed: set {env}, or type it when asked")
        raise click.UsageError(message.format(what=prompt, env=env))
    return line.rstrip("\r\n")
