"""Shared fixtures: the reference letter built once per test session, and the examples' PDFs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import EXAMPLES, REFERENCE_JSON, soffice_pdf

from wfh_docs.check.docx import Docx
from wfh_docs.letter.sources import load_letter
from wfh_docs.render.template import Template

# The suite's assertions on wfhdoc's messages are written in English, its source language;
# Vietnamese, the default for users, is tested where a test asks for it (--lang vi,
# WFHDOC_LANG=vi, or i18n.using("vi")). Subprocesses inherit this.
os.environ["WFHDOC_LANG"] = "en"


@pytest.fixture(scope="session")
def template() -> Template:
    return Template()


@pytest.fixture(scope="session")
def reference_bytes(template: Template) -> bytes:
    return template.render(load_letter(REFERENCE_JSON).letter).data


@pytest.fixture(scope="session")
def reference_docx(reference_bytes: bytes) -> Docx:
    return Docx(reference_bytes)


@pytest.fixture(scope="session")
def reference_path(reference_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reference") / "451-SCT-VP.docx"
    path.write_bytes(reference_bytes)
    return path


@pytest.fixture(scope="session")
def example_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example of data/examples/ as LibreOffice prints it, made once for the whole run (one
    soffice call: LibreOffice takes seconds to start) and read by every test file that looks at
    the pages: test_libreoffice.py, test_pdf_layout.py, test_mau_layout.py."""
    folder = tmp_path_factory.mktemp("example-pdfs")
    template = Template()
    docs = []
    for source in sorted(EXAMPLES.glob("*.json")):
        target = folder / f"{source.stem}.docx"
        target.write_bytes(template.render(load_letter(source).letter).data)
        docs.append(target)
    return {p.stem: p for p in soffice_pdf(docs, folder)}


@pytest.fixture(scope="session")
def reference_pdf(example_pdfs: dict[str, Path]) -> Path:
    """The reference letter 451/SCT-VP as LibreOffice prints it (the example's PDF), for the tests
    that sign it, read its pages or compare them."""
    return example_pdfs[REFERENCE_JSON.stem]


def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """Two long byte strings (a .docx, a workbook, a PDF) that differ are said in a few lines:
    pytest's own explanation diffs them with difflib, which takes minutes on 100 kB."""
    if not (op == "==" and isinstance(left, (bytes, str)) and isinstance(right, type(left))):
        return None
    if max(len(left), len(right)) <= 20_000:
        return None
    pairs = zip(left, right, strict=False)
    first = next((i for i, (x, y) in enumerate(pairs) if x != y), min(len(left), len(right)))
    return [
        f"{type(left).__name__} of {len(left)} and {len(right)} items differ",
        f"first difference at index {first}",
    ]
