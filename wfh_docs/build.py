"""`wfhdoc build`: one data file in, one finished letter out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .naming import letter_stem
from .output import write_atomic
from .render import Template
from .sources import load_letter


@dataclass(frozen=True)
class Built:
    path: Path
    warnings: list[str]


def output_path(requested: Path | None, stem: str) -> Path:
    """-o FILE is used as given; -o FOLDER (existing, or ending in a slash) gets the default name."""
    if requested is None:
        return Path(f"{stem}.docx")
    if requested.is_dir() or str(requested).endswith(("/", "\\")):
        return requested / f"{stem}.docx"
    return requested


def build(data: Path, output: Path | None = None, template: Path | None = None) -> Built:
    loaded = load_letter(data)
    rendered = Template(template).render(loaded.letter)
    target = output_path(output, letter_stem(loaded.letter))
    write_atomic(target, rendered.data)
    return Built(target, loaded.warnings + [f"{data}: {w}" for w in rendered.warnings])
