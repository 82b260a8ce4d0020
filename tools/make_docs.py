"""Write docs/cli.md from the real --help of every command, so the reference cannot drift.

Run: python tools/make_docs.py   (tests/test_cli.py fails when docs/cli.md is out of date)
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wfh_docs.cli import cli, main  # noqa: E402


def help_text(args: list[str]) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(args)
    return buf.getvalue().strip()


def render() -> str:
    parts = [
        "# wfhdoc command reference",
        "",
        "Generated from the real `--help` by `python tools/make_docs.py`; do not edit by hand.",
        "",
    ]
    for args in (["--help"], *[[name, "--help"] for name in sorted(cli.commands)]):
        title = "wfhdoc" if args == ["--help"] else f"wfhdoc {args[0]}"
        parts += [f"## {title}", "", "```", help_text(args), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    (ROOT / "docs" / "cli.md").write_text(render(), encoding="utf-8")
    print("wrote docs/cli.md")
