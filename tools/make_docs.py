"""Write docs/cli.md (English) and docs/cli.vi.md (Vietnamese) from the real --help of every
command, so the reference cannot drift.

Run: python tools/make_docs.py   (tests/test_cli.py fails when either is out of date)
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wfh_docs.cli import cli, main  # noqa: E402

# the language, its file, and the reference's own words in it
LANGUAGES = {
    "en": (
        "cli.md",
        "wfhdoc command reference",
        "Generated from the real `--help` by `python tools/make_docs.py`; do not edit by hand. "
        "In Vietnamese: [cli.vi.md](cli.vi.md).",
    ),
    "vi": (
        "cli.vi.md",
        "Tra cứu lệnh wfhdoc",
        "Tạo từ `--help` thật bằng `python tools/make_docs.py`; không sửa bằng tay. "
        "Bản tiếng Anh: [cli.md](cli.md).",
    ),
}


def commands() -> list[list[str]]:
    """Every command's words, groups' subcommands too: [], ["build"], ["register", "list"] ..."""
    out: list[list[str]] = [[]]
    for name in sorted(cli.commands):
        out.append([name])
        command = cli.commands[name]
        if isinstance(command, click.Group):
            out += [[name, sub] for sub in sorted(command.commands)]
    return out


def help_text(args: list[str], lang: str = "en") -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["--lang", lang, *args, "--help"])
    return buf.getvalue().strip()


def render(lang: str = "en") -> str:
    _, title, note = LANGUAGES[lang]
    parts = [f"# {title}", "", note, ""]
    for args in commands():
        parts += [f"## {' '.join(['wfhdoc', *args])}", "", "```", help_text(args, lang), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    for lang, (name, _title, _note) in LANGUAGES.items():
        (ROOT / "docs" / name).write_text(render(lang), encoding="utf-8")
        print(f"wrote docs/{name}")
