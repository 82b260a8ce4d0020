"""`wfhdoc check` on letters made the way users make them, not by wfhdoc nor by handmade.py's
direct formatting: with named styles, table styles and Shift+Enter in python-docx (docxmade.py),
and with LibreOffice from a flat ODF text it converts itself (lomade.py). Each planted defect of
issue 13's classes gives exactly its rule ids; each clean letter, however its lines are drawn,
gives no finding at all."""

from __future__ import annotations

from pathlib import Path

import docxmade as dm
import lomade as lo
import pytest
from helpers import require_tool

from wfh_docs import i18n
from wfh_docs.check import Finding, check_docx


def _ids(found: list[Finding], severity: str) -> set[str]:
    return {f.rule for f in found if f.severity == severity}


def _listing(found: list[Finding]) -> str:
    return "\n".join(f"  {f.severity} {f.rule}: {f.message} ({f.where})" for f in found) or "  (none)"


@pytest.mark.parametrize("spec", dm.CLEAN, ids=lambda s: f"{s.line}{'_breaks' if s.breaks else ''}{s.defect}")
def test_a_clean_styled_letter_has_no_finding(spec: dm.Letter) -> None:
    found = check_docx(dm.build(spec))
    assert found == [], _listing(found)


@pytest.mark.parametrize("defect", dm.DEFECTS, ids=lambda d: d.name)
def test_a_styled_letter_gives_exactly_its_planted_finding(defect: dm.Defect) -> None:
    found = check_docx(defect.apply())
    assert (_ids(found, "error"), _ids(found, "warning")) == (set(defect.rules), set(defect.warnings)), (
        _listing(found)
    )
    assert all(f.clause for f in found if f.rule not in ("file.damaged",)), _listing(found)


def test_a_defect_found_through_styles_names_the_element_and_clause() -> None:
    with i18n.using("vi"):
        [found] = check_docx(
            next(d for d in dm.DEFECTS if d.name == "quoc_hieu_not_bold_by_two_styles").apply()
        )
    assert (found.rule, found.where, found.clause) == (
        "quoc_hieu.format",
        dm.QUOC_HIEU,
        "Mục II.1.a Phụ lục I",
    )
    assert found.message.endswith("(Mục II.1.a Phụ lục I)")


@pytest.fixture(scope="session")
def resaved_styled_letters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Each styled letter and LibreOffice's re-save of it (Writer's Word export), one soffice run."""
    import handmade as hm

    soffice = require_tool("soffice")
    outdir = tmp_path_factory.mktemp("resaved")
    letters = {f"clean_{n}": dm.build(spec) for n, spec in enumerate(dm.CLEAN)}
    letters |= {f"{d.name}_{n}": d.apply() for n, d in enumerate(dm.DEFECTS)}
    sources = []
    for name, data in letters.items():
        (outdir / f"{name}.docx").write_bytes(data)
        sources.append(outdir / f"{name}.docx")
    resaved = hm.libreoffice_roundtrip(sources, outdir / "resaved", soffice)
    return {s.stem: (s, r) for s, r in zip(sources, resaved, strict=True)}


def test_a_styled_letter_resaved_by_libreoffice_gives_the_same_findings(
    resaved_styled_letters: dict[str, tuple[Path, Path]],
) -> None:
    """LibreOffice writes the styles, the table style and the lines its own way; the findings
    stay. Two things LibreOffice changes, and the checker reads what it wrote: an underlined tab
    drawing the agency's line it drops (its re-save has no line there), and a bold character
    style over a bold paragraph style it shows bold, against §17.7.3, and writes as bold."""
    underline = f"clean_{dm.CLEAN.index(dm.Letter(line='underline'))}"
    names = [d.name for d in dm.DEFECTS]
    toggled = f"quoc_hieu_not_bold_by_two_styles_{names.index('quoc_hieu_not_bold_by_two_styles')}"
    for name, (original, resaved) in resaved_styled_letters.items():
        before = sorted((f.rule, f.severity) for f in check_docx(original))
        after = sorted((f.rule, f.severity) for f in check_docx(resaved))
        if name == underline:
            assert (before, after) == ([], [("issuer.rule", "error")]), name
        elif name == toggled:
            assert (before, after) == ([("quoc_hieu.format", "error")], []), name
        else:
            assert before == after, f"{name}:\n{_listing(check_docx(resaved))}"


@pytest.fixture(scope="session")
def libreoffice_letters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every LibreOffice letter, converted by one soffice run for the whole session."""
    soffice = require_tool("soffice")
    outdir = tmp_path_factory.mktemp("lomade")
    return lo.convert({s.name: lo.letter(s) for s in lo.SPECS}, outdir, soffice)


@pytest.mark.parametrize("spec", lo.SPECS, ids=lambda s: s.name)
def test_a_libreoffice_letter_gives_exactly_its_findings(
    spec: lo.Spec, libreoffice_letters: dict[str, Path]
) -> None:
    found = check_docx(libreoffice_letters[spec.name])
    assert (_ids(found, "error"), _ids(found, "warning")) == (set(spec.errors), set(spec.warnings)), _listing(
        found
    )


def test_the_libreoffice_letters_draw_their_lines_as_claimed(libreoffice_letters: dict[str, Path]) -> None:
    """What LibreOffice wrote for each line technique is what the name says (so that the clean
    letters above do test each technique)."""
    import zipfile

    def xml(name: str) -> str:
        with zipfile.ZipFile(libreoffice_letters[name]) as z:
            return z.read("word/document.xml").decode("utf-8")

    assert "<w:pBdr>" in xml("clean_border") and "<w:bottom " in xml("clean_border")
    assert "___" in xml("clean_underscores") and "<w:pBdr>" not in xml("clean_underscores")
    assert '<w:u w:val="single"/>' in xml("clean_underline")
    assert "wps:wsp" in xml("clean_shape") or "<v:line" in xml("clean_shape")
    assert "<w:br/>" in xml("clean_breaks")


def test_the_decrees_own_forms_have_their_lines_found_and_no_underscores_for_a_name() -> None:
    """Phụ lục III's own Word file draws the lines under the agency name and the Tiêu ngữ with
    underscores: in every form the checker finds each line, and never takes one for a name."""
    from helpers import TEST_DATA

    from wfh_docs.check.context import Context
    from wfh_docs.check.docx import Docx
    from wfh_docs.check.header import _agency_lines
    from wfh_docs.check.rule_lines import _line

    ctx = Context(Docx(TEST_DATA / "nd30-phu-luc-III" / "Phuluc3.docx"))
    mottos = [k for k, t in enumerate(ctx.texts) if t == dm.TIEU_NGU]
    agencies = [k for k, t in enumerate(ctx.texts) if t.startswith("TÊN CƠ QUAN, TỔ")]
    assert len(mottos) >= 12 and len(agencies) >= 10
    for k in mottos + agencies:
        found = _line(ctx, k)
        assert found is not None and set(found.holder.text.strip()) == {"_"}, ctx.texts[k]
    numbers = [k for k, t in enumerate(ctx.texts) if t.startswith("Số:") and ctx.paragraphs[k].in_table]
    for so in numbers:
        assert all("_" not in ctx.texts[k] for k in _agency_lines(ctx, so)), ctx.texts[so]
