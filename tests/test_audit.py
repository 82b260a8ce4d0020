"""Every letter wfhdoc makes passes openxml-audit, which validates as Word's Open XML SDK does."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import EXAMPLES, ROOT
from openxml_audit import OpenXmlValidator

from wfh_docs.letter.sources import load_letter
from wfh_docs.render.template import Template


def findings(path: Path) -> list[str]:
    result = OpenXmlValidator().validate(str(path))
    return [f"{e.error_type}: {e.description} ({getattr(e, 'path', '')})" for e in result.errors]


@pytest.mark.parametrize("source", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_sample_letters_have_no_findings(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "letter.docx"
    out.write_bytes(Template().render(load_letter(source).letter).data)
    assert findings(out) == []


def test_the_template_itself_has_no_findings() -> None:
    assert findings(ROOT / "wfh_docs" / "templates" / "cong-van.docx") == []
