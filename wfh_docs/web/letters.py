"""A letter as the compose page and the batch page handle it: validated as the CLI validates it,
its problems as JSON for the page, the example letters, and rendering through the library only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException

from wfh_docs.batch.prepare import Prepared, prepare
from wfh_docs.errors import Problem
from wfh_docs.i18n import _
from wfh_docs.letter.model import Letter
from wfh_docs.render.template import RenderedLetter, Template

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SAMPLE_WORKBOOK = EXAMPLES / "bao-cao-wfh-quang-tri.xlsx"
REFERENCE_EXAMPLE = "cong-van-451-SCT-VP-2020"


def check_letter(data: Any) -> Prepared:
    """The CLI's own validation (batch.prepare: clean, tidy, validate) of a letter given as data."""
    return prepare(data)


def not_read(problems: list[Problem]) -> Prepared:
    """What the page is told of a letter whose text is not even data (not JSON)."""
    return Prepared(None, "", problems, [])


def problems_json(checked: Prepared) -> dict[str, Any]:
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
