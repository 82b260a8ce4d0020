"""The committed template is exactly what tools/make_template.py makes, and is a usable one."""

from __future__ import annotations

import importlib.util
import re
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT

from wfh_docs.render import REQUIRED_STYLES, Template

TEMPLATE = ROOT / "wfh_docs" / "templates" / "cong-van.docx"


def _maker():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_template", ROOT / "tools" / "make_template.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_template_is_what_the_script_makes() -> None:
    assert TEMPLATE.read_bytes() == _maker().build(), "run: python tools/make_template.py"


def test_template_is_found_from_the_package() -> None:
    assert Path(Template().path).resolve() == TEMPLATE.resolve()


def test_template_parts_and_styles() -> None:
    with zipfile.ZipFile(TEMPLATE) as zf:
        names = set(zf.namelist())
        styles = zf.read("word/styles.xml").decode()
        document = zf.read("word/document.xml").decode()
    assert {"word/document.xml", "word/styles.xml", "word/header1.xml", "word/footer1.xml"} <= names
    ids = set(re.findall(r'w:styleId="([^"]+)"', styles))
    assert set(REQUIRED_STYLES) <= ids
    # Times New Roman in all four slots of the document defaults, and no theme font named
    defaults = styles[styles.index("<w:docDefaults>") : styles.index("</w:docDefaults>")]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        assert f'w:{slot}="Times New Roman"' in defaults
    assert "Theme=" not in styles
    # the tags a clerk sees in Word
    for tag in (
        "{{ issuer.name }}",
        "Số: {{ number_symbol }}",
        "{{ date_line }}",
        "V/v {{ subject }}",
        "{{p body }}",
        "{{ signer.name }}",
        "{{p appendices }}",
    ):
        assert tag in document


@pytest.mark.parametrize("part", ["word/document.xml", "word/footer1.xml"])
def test_template_tags_are_whole_in_their_paragraphs(part: str) -> None:
    from wfh_docs.render import broken_tags

    with zipfile.ZipFile(TEMPLATE) as zf:
        assert broken_tags(zf.read(part).decode()) == []


def test_the_contract_names_what_context_really_builds() -> None:
    # render.contract.VARIABLES is what `wfhdoc check --template` checks templates against:
    # it must be the variables and attributes the reference letter's context holds
    from wfh_docs.letter.sources import load_letter
    from wfh_docs.render import REQUIRED_VARIABLES, VARIABLES, context

    reference = ROOT / "data" / "examples" / "cong-van-451-SCT-VP-2020.json"
    built = context(load_letter(reference).letter, Template().letter_sect).values
    assert {k: frozenset(v) if isinstance(v, dict) else frozenset() for k, v in built.items()} == VARIABLES
    for var in REQUIRED_VARIABLES:
        top, _, attr = var.partition(".")
        assert top in VARIABLES and (not attr or attr in VARIABLES[top]), var
