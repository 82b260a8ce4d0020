"""A letter as the compose page and the batch page handle it: validated as the CLI validates it,
its problems as JSON for the page, the example letters, and rendering through the library only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException

from wfh_docs.batch.prepare import prepare
from wfh_docs.errors import Problem
from wfh_docs.i18n import _
from wfh_docs.letter.model import Letter
from wfh_docs.render.template import RenderedLetter, Template

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SAMPLE_WORKBOOK = EXAMPLES / "bao-cao-wfh-quang-tri.xlsx"
REFERENCE_EXAMPLE = "cong-van-451-SCT-VP-2020"


@dataclass
class Checked:
    """What validating a letter gave: the letter, or its problems; and the warnings."""

    letter: Letter | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_letter(data: Any) -> Checked:
    """The CLI's own validation (batch.prepare: clean, tidy, validate) of a letter given as data."""
    prepared = prepare(data)
    return Checked(prepared.letter, prepared.problems, prepared.warnings)


def problems_json(checked: Checked) -> dict[str, Any]:
    return {
        "ok": checked.letter is not None,
        "problems": [
            {"path": p.where or "$", "message": p.message, "hint": p.hint} for p in checked.problems
        ],
        "warnings": checked.warnings,
    }


def examples() -> list[dict[str, str]]:
    out = []
    for path in sorted(EXAMPLES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        issuer = data.get("issuer", {})
        number = data.get("number")
        symbol = f"{issuer.get('abbreviation', '')}-{issuer.get('unit', '')}"
        unnumbered = _("no number")
        head = f"{number:02d}/{symbol}" if isinstance(number, int) else f"{symbol} ({unnumbered})"
        subject = str(data.get("subject", ""))
        out.append(
            {"key": path.stem, "title": f"{head}: V/v {subject[:70]}" + ("…" if len(subject) > 70 else "")}
        )
    return out


def example_data(key: str) -> Any:
    known = {p.stem: p for p in EXAMPLES.glob("*.json")}
    path = known.get(key)  # looked up, never joined: the client's text is no path
    if path is None:
        raise HTTPException(404)
    return json.loads(path.read_text(encoding="utf-8"))


def render(template: Path | None, letter: Letter) -> RenderedLetter:
    """Only through the library's Template, which renders in Jinja's sandbox."""
    return Template(template).render(letter)
