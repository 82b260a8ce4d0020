"""Write docs/cli.md (English) and docs/cli.vi.md (Vietnamese) from the real --help of every
command, and docs/check-rules.md from the checker's rule table, so the references cannot drift.

Run: python tools/make_docs.py   (tests/test_cli.py and tests/test_check_rules.py fail when one is
out of date)
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wfh_docs.check import RULES  # noqa: E402
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


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "\\<")


def check_rules() -> str:
    """docs/check-rules.md: every rule of `wfhdoc check`, from wfh_docs/check/table.py."""
    severity = {"error": "lỗi", "warning": "cảnh báo"}
    parts = [
        "# wfhdoc check: the rules",
        "",
        "Generated from the checker's rule table (`wfh_docs/check/table.py`) by "
        "`python tools/make_docs.py`; do not edit by hand. Every finding of `wfhdoc check` names its "
        "rule (`rule` in `--json`), its part of the letter (phần), its severity (mức: lỗi, an error, "
        "for what Điều 8.2 lists or Phụ lục I prescribes; cảnh báo, a warning, for what only the "
        "models of Phụ lục III show, what the decree leaves room for, and lengths estimated from "
        "the file; the last column gives each rule's reason) and the clause of Nghị định "
        "30/2020/NĐ-CP it applies (`clause`; Phụ lục I is the decree's appendix on the format of "
        "administrative documents, Phụ lục III its models).",
        "",
        "| id | phần | mức | điều khoản | kiểm tra | vì sao mức này |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in RULES:
        clause = r.clause or "— (không thuộc Nghị định)"
        cells = [f"`{r.id}`", r.element, severity[r.severity], clause, r.checks, r.why]
        parts.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    for lang, (name, _title, _note) in LANGUAGES.items():
        (ROOT / "docs" / name).write_text(render(lang), encoding="utf-8")
        print(f"wrote docs/{name}")
    (ROOT / "docs" / "check-rules.md").write_text(check_rules(), encoding="utf-8")
    print("wrote docs/check-rules.md")
