"""`wfhdoc build`: one data file in, one finished letter out."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..check import check_docx
from ..errors import OutputError
from ..files.naming import letter_stem
from ..files.output import made_by_wfhdoc, write_atomic
from ..i18n import _
from ..render.apart import split
from ..render.template import Template
from .prepare import load


@dataclass(frozen=True)
class Built:
    path: Path
    warnings: list[str]
    appendices: tuple[Path, ...] = ()  # with appendices_apart: each phụ lục's file


def output_path(requested: str | Path | None, stem: str) -> Path:
    """Where the letter goes. -o FILE.docx is used as given; -o FOLDER (an existing folder, a
    path ending in a slash, or a name without an extension) gets the default name inside it."""
    if requested is None:
        return Path(f"{stem}.docx")
    text = str(requested)
    path = Path(text)
    if path.is_dir() or text.endswith(("/", "\\")) or not path.suffix:
        return path / f"{stem}.docx"
    if path.suffix.lower() != ".docx":
        raise OutputError(
            _("{path}: the letter is a Word file; give a name ending in .docx, or a folder").format(path=text)
        )
    return path


def build(
    data: Path,
    output: str | Path | None = None,
    template: Path | None = None,
    *,
    signature_line: bool = False,
    overwrite: bool = True,
    appendices_apart: bool = False,
) -> Built:
    """Build the letter of `data` at `output`. Without `overwrite`, a file there that is not a
    letter wfhdoc wrote (typed in Word, or edited and saved since) is kept: OutputError. With
    `appendices_apart`, each phụ lục goes into a file of its own beside it (Mẫu 2.2,
    render.apart): LETTER-phu-luc.docx, or LETTER-phu-luc-I.docx, -II … for several."""
    loaded = load(data)
    rendered = Template(template).render(loaded.letter, signature_line=signature_line)
    target = output_path(output, letter_stem(loaded.letter))
    files = [(target, rendered.data)]
    if appendices_apart:
        cut = split(rendered.data, loaded.letter)
        files = [(target, cut.letter)]
        files += [(target.with_name(f"{target.stem}-{label}.docx"), part) for label, part in cut.appendices]
    for path, _part in files:
        if not overwrite and os.path.lexists(path) and not path.is_dir() and not made_by_wfhdoc(path):
            raise OutputError(
                _(
                    "{path}: already exists and is not a letter written by wfhdoc (a file typed in "
                    "Word, or a letter edited and saved since); give another -o, or --overwrite to "
                    "replace it"
                ).format(path=path)
            )
    for path, part in files:
        write_atomic(path, part)
    findings = [f"{target}: " + _("check: {finding}").format(finding=f) for f in check_docx(files[0][1])]
    warnings = loaded.warnings + [f"{data}: {w}" for w in rendered.warnings] + findings
    return Built(target, warnings, tuple(path for path, _part in files[1:]))
