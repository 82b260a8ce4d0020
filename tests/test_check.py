"""The ND 30 checker against letters wfhdoc did not make.

The material is in handmade.py: clean công văn built with python-docx the way a clerk builds
them in Word (and re-saved by LibreOffice), and mutations that each plant exactly one defect.
A mutated letter must give exactly its planted error and no other; a clean letter no error;
wfhdoc's own sample letters nothing at all; and changes the decree allows (runs split anywhere,
"HOÀ" for "HÒA", a page break instead of a section break) must change nothing.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import handmade as hm
import pytest
from helpers import EXAMPLES, require_tool, soffice_pdf

from wfh_docs.check import Finding, check_docx
from wfh_docs.check.docx import Docx
from wfh_docs.cli import main
from wfh_docs.letter.sources import load_letter
from wfh_docs.render.template import Template

# The clean letters: name -> clean_letter() options.
CLEAN = {
    "short": {},
    "long": {"long": True},
    "one_appendix": {"appendices": 1},
    "two_appendices": {"appendices": 2},
    "long_two_appendices": {"long": True, "appendices": 2},
    "three_recipients": {"recipients": 3},
}
# Re-saved by LibreOffice: one of each shape.
ROUNDTRIP = ["short", "long_two_appendices", "three_recipients"]
SAMPLES = sorted(EXAMPLES.glob("*.json"))
MUTATIONS = {m.name: m for m in hm.MUTATIONS}
FIELDS = {"rule", "severity", "element", "found", "expected", "message", "where", "clause"}


def listing(findings: Iterable[Finding]) -> str:
    lines = [
        f"  {f.severity} {f.rule} [{f.element}] found {f.found!r} expected {f.expected!r}: "
        f"{f.message} (where {f.where!r})"
        for f in findings
    ]
    return "\n".join(lines) or "  (no findings)"


def kinds(findings: Iterable[Finding], severity: str | None = None) -> set[tuple[str, str]]:
    return {(f.rule, f.severity) for f in findings if severity is None or f.severity == severity}


def _key(options: dict[str, object]) -> str:
    return next(name for name, o in CLEAN.items() if o == options)


@pytest.fixture(scope="session")
def clean_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("handmade")
    out = {}
    for name, options in CLEAN.items():
        path = folder / f"{name}.docx"
        path.write_bytes(hm.to_bytes(hm.clean_letter(**options)))
        out[name] = path
    return out


@pytest.fixture(scope="session")
def clean_findings(clean_files: dict[str, Path]) -> dict[str, list[Finding]]:
    return {name: check_docx(path) for name, path in clean_files.items()}


@pytest.fixture(scope="session")
def roundtrip_files(
    clean_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    soffice = require_tool("soffice")
    outdir = tmp_path_factory.mktemp("libreoffice")
    paths = hm.libreoffice_roundtrip([clean_files[n] for n in ROUNDTRIP], outdir, soffice)
    return dict(zip(ROUNDTRIP, paths, strict=True))


def save(variant: hm.Variant, folder: Path) -> Path:
    path = folder / f"{variant.name}.docx"
    path.write_bytes(variant.build())
    return path


# --- the material itself (no checker): is the clean letter what handmade.py says? ----------------


@pytest.mark.parametrize("name", list(CLEAN))
def test_handmade_letter_is_what_it_claims(name: str, clean_files: dict[str, Path]) -> None:
    doc = Docx(clean_files[name])
    for section in doc.sections():
        assert (section.page_width, section.page_height) == (hm.PAGE_W, hm.PAGE_H)
        assert {k: section.margins[k] for k in hm.MARGINS} == hm.MARGINS
        assert section.title_page
    first = doc.sections()[0]
    header = doc.part_for_rel(first.header_refs["default"])
    assert header and b"PAGE" in doc.parts[header]
    first_header = doc.part_for_rel(first.header_refs["first"])
    assert first_header and not "".join(p.text for p in doc.paragraphs(first_header)).strip()
    assert b"Theme" not in doc.parts["word/styles.xml"].split(b"</w:docDefaults>")[0]
    for part in ["word/document.xml", header]:
        for p in doc.paragraphs(part):
            for run in p.runs:
                if run.text.strip():
                    assert run.props.fonts.get("ascii") == hm.TNR, (p.text, run.props)
                    assert run.props.fonts.get("hAnsi") == hm.TNR, (p.text, run.props)
                    assert run.props.color is None
    texts = [p.text for p in doc.paragraphs()]
    for line in (hm.QUOC_HIEU, hm.TIEU_NGU, hm.NUMBER, hm.DATE, hm.AUTHORITY, hm.SIGNER, *hm.NOI_NHAN):
        assert line in texts
    assert unicodedata.is_normalized("NFC", "".join(texts))
    # the rule under the agency name: 2/5 of the name, in a table without cell margins
    paras = doc.paragraphs()
    agency = next(i for i, p in enumerate(paras) if p.text == hm.AGENCY)
    rule = paras[agency + 1]
    assert rule.text == "" and rule.props.border_bottom
    length = hm.HEADER_COLS[0] - rule.props.ind["left"] - rule.props.ind["right"]
    assert 1 / 3 < length / hm.AGENCY_WIDTH < 1 / 2


def test_handmade_letters_have_the_pages_they_claim(
    clean_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """As LibreOffice lays them out: the short letter is one page, the long one several, and
    each phụ lục starts a page."""
    outdir = tmp_path_factory.mktemp("handmade-pdf")
    names = ["short", "long", "long_two_appendices"]
    soffice_pdf([clean_files[n] for n in names], outdir)

    def pages(name: str) -> list[str]:
        out = subprocess.run(
            [require_tool("pdftotext"), str(outdir / f"{name}.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return [unicodedata.normalize("NFC", page).strip() for page in out.split("\f") if page.strip()]

    assert len(pages("short")) == 1
    assert len(pages("long")) >= 2
    appendix_pages = [p for p in pages("long_two_appendices") if p.startswith("Phụ lục")]
    assert [p.splitlines()[0] for p in appendix_pages] == ["Phụ lục I", "Phụ lục II"]


@pytest.mark.parametrize("variant", [*hm.MUTATIONS, *hm.NEUTRAL], ids=lambda v: v.name)
def test_each_variant_changes_the_letter(variant: hm.Variant) -> None:
    clean = Docx(hm.to_bytes(hm.clean_letter(**variant.base))).parts
    changed = Docx(variant.build()).parts if variant.post is None else None
    if changed is None:  # the vertical tab makes document.xml unreadable for lxml's strict parser
        assert b"\x0b" in variant.build()
        return
    assert any(changed.get(name) != data for name, data in clean.items() if name.startswith("word/"))


def test_the_mutations_cover_the_rules() -> None:
    assert len(hm.MUTATIONS) >= 20
    assert len({m.rule for m in hm.MUTATIONS}) >= 15
    assert len(MUTATIONS) == len(hm.MUTATIONS), "mutation names must be unique"


# --- clean letters ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CLEAN))
def test_clean_handmade_letter_has_no_errors(name: str, clean_findings: dict[str, list[Finding]]) -> None:
    found = clean_findings[name]
    assert not [f for f in found if f.severity == "error"], f"{name}:\n{listing(found)}"


@pytest.mark.parametrize("name", list(CLEAN))
def test_clean_handmade_letter_has_no_warnings_either(
    name: str, clean_findings: dict[str, list[Finding]]
) -> None:
    # Every value in these letters sits inside the decree's ranges (the rule under the agency
    # name is 2/5 of it, the motto's rule as long as the motto): a warning is a false alarm.
    found = clean_findings[name]
    assert not found, f"{name}:\n{listing(found)}"


@pytest.mark.parametrize("name", ROUNDTRIP)
def test_libreoffice_resaved_letter_has_no_errors(name: str, roundtrip_files: dict[str, Path]) -> None:
    found = check_docx(roundtrip_files[name])
    assert not [f for f in found if f.severity == "error"], f"{name} (LibreOffice):\n{listing(found)}"


@pytest.fixture(scope="module")
def template() -> Template:
    return Template()


@pytest.mark.parametrize("source", SAMPLES, ids=lambda p: p.stem)
def test_wfhdoc_sample_letter_has_no_findings(source: Path, template: Template) -> None:
    data = template.render(load_letter(source).letter).data
    found = check_docx(data)
    assert not found, f"{source.name}:\n{listing(found)}"


# --- one defect, one finding ----------------------------------------------------------------------


@pytest.mark.parametrize("mutation", hm.MUTATIONS, ids=lambda m: m.name)
def test_mutation_gives_exactly_its_finding(mutation: hm.Mutation, tmp_path: Path) -> None:
    found = check_docx(save(mutation, tmp_path))
    expected_errors = {(mutation.rule, "error")} if mutation.severity == "error" else set()
    assert kinds(found, "error") == expected_errors, (
        f"{mutation.name}: planted {mutation.severity} {mutation.rule}, got:\n{listing(found)}"
    )
    if mutation.severity == "warning":
        assert (mutation.rule, "warning") in kinds(found), (
            f"{mutation.name}: planted warning {mutation.rule}, got:\n{listing(found)}"
        )


@pytest.mark.parametrize("variant", hm.NEUTRAL, ids=lambda v: v.name)
def test_allowed_change_changes_no_finding(
    variant: hm.Variant, clean_findings: dict[str, list[Finding]], tmp_path: Path
) -> None:
    base = clean_findings[_key(variant.base)]
    found = check_docx(save(variant, tmp_path))
    assert kinds(found) == kinds(base), (
        f"{variant.name}:\n{listing(found)}\nthe clean letter it started from:\n{listing(base)}"
    )


# Mutations whose text the checker reads by pattern: splitting their runs (and the date's, and
# every other paragraph's) must not change a single field of a single finding.
SPLIT = [
    "date_month_04",
    "date_no_comma",
    "number_space_before_slash",
    "number_no_colon",
    "tieu_ngu_en_dashes",
    "kinh_gui_no_colon",
    "authority_no_space",
    "noi_nhan_luu_no_colon",
    "body_no_closing_mark",
    "leftover_variable_tag",
    "leftover_block_tag",
    "body_text_red",
]


@pytest.mark.parametrize("name", SPLIT)
def test_split_runs_give_identical_findings(name: str) -> None:
    mutation = MUTATIONS[name]
    doc = mutation.document()
    whole = check_docx(hm.to_bytes(doc))
    hm.split_all(doc)
    split = check_docx(hm.to_bytes(doc))
    assert split == whole, f"whole:\n{listing(whole)}\nsplit:\n{listing(split)}"


def test_split_runs_of_a_clean_letter_give_identical_findings(clean_files: dict[str, Path]) -> None:
    for options in (CLEAN["short"], CLEAN["long_two_appendices"]):
        doc = hm.clean_letter(**options)
        whole = check_docx(hm.to_bytes(doc))
        hm.split_all(doc)
        assert check_docx(hm.to_bytes(doc)) == whole


# --- what a finding says ----------------------------------------------------------------------------

# mutation -> text the planted finding's `found` must show
FOUND = {
    "date_month_04": "04",
    "date_day_7": "7",
    "number_space_before_slash": "451 /",
    "number_no_leading_zero": "5/",
    "tieu_ngu_en_dashes": "–",
    "authority_no_space": "KT.GIÁM",
    "noi_nhan_luu_no_colon": "Lưu VT",
    "leftover_variable_tag": "{{",
    "margin_left_25mm": "25",
    "body_font_arial": "Arial",
    "run_theme_font": "Cambria",
    "quoc_hieu_14pt": "14",
}
_REPR = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|RunProps|Paragraph\(|<lxml|\{'|\['")


@pytest.mark.parametrize("name", list(FOUND))
def test_finding_names_element_found_and_expected(name: str) -> None:
    mutation = MUTATIONS[name]
    found = check_docx(mutation.build())
    planted = [f for f in found if f.rule == mutation.rule and f.severity == mutation.severity]
    assert planted, listing(found)
    for f in planted:
        assert f.element.strip() and f.message.strip(), f
        assert f.found.strip() and f.expected.strip(), f
        assert f.found != f.expected, f
        for text in (f.element, f.found, f.expected, f.message):
            assert not _REPR.search(text), f"Python, not words: {text!r}"
    assert any(FOUND[name] in f.found for f in planted), listing(planted)


def test_every_finding_is_filled_in() -> None:
    for mutation in hm.MUTATIONS:
        for f in check_docx(mutation.build()):
            assert f.severity in ("error", "warning"), f
            assert re.fullmatch(r"[a-z_]+\.[a-z_]+", f.rule), f
            assert f.element.strip() and f.message.strip(), f
            assert not _REPR.search(f.message), f


def test_finding_is_a_frozen_dataclass() -> None:
    assert {f.name for f in dataclasses.fields(Finding)} == FIELDS
    finding = check_docx(MUTATIONS["date_month_04"].build())[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.rule = "x"  # type: ignore[misc]


def test_path_and_bytes_give_the_same_findings(tmp_path: Path) -> None:
    mutation = MUTATIONS["date_month_04"]
    path = save(mutation, tmp_path)
    assert check_docx(path) == check_docx(path.read_bytes()) != []


# --- the command line --------------------------------------------------------------------------------


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out + err


def test_cli_check_clean_letter(clean_files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["check", str(clean_files["short"])], capsys)
    assert code == 0, out
    assert not [line for line in out.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize("name", ["date_month_04", "number_no_leading_zero", "noi_nhan_luu_no_colon"])
def test_cli_check_prints_a_line_per_finding(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = save(MUTATIONS[name], tmp_path)
    findings = check_docx(path)
    code, out = run(["check", str(path)], capsys)
    assert code == 1, out
    lines = [line for line in out.splitlines() if line.startswith(("error: ", "warning: "))]
    assert len(lines) == len(findings), out
    for f, line in zip(findings, lines, strict=True):
        assert line.startswith(f"{f.severity}: "), line
        assert f.element in line and f.found in line, line


def test_cli_check_warnings_only_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = save(MUTATIONS["body_no_closing_mark"], tmp_path)
    code, out = run(["check", str(path)], capsys)
    assert code == 0, out
    assert any(line.startswith("warning: ") for line in out.splitlines()), out


def test_cli_check_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = save(MUTATIONS["date_month_04"], tmp_path)
    code = main(["check", "--json", str(path)])
    out, _ = capsys.readouterr()
    assert code == 1
    data = json.loads(out)
    assert isinstance(data, list) and data
    assert all(set(item) >= FIELDS for item in data), data
    assert [{k: item[k] for k in FIELDS} for item in data] == [
        dataclasses.asdict(f) for f in check_docx(path)
    ]


def test_cli_check_json_clean(clean_files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--json", str(clean_files["short"])])
    out, _ = capsys.readouterr()
    assert code == 0
    assert [item for item in json.loads(out) if item["severity"] == "error"] == []


def test_cli_check_missing_or_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["check", str(tmp_path / "nowhere.docx")], capsys)
    assert code == 1 and "error: " in out and "Traceback" not in out
    broken = tmp_path / "broken.docx"
    broken.write_text("not a zip", encoding="utf-8")
    code, out = run(["check", str(broken)], capsys)
    assert code == 1 and "error: " in out and "Traceback" not in out


def test_control_character_finding_shows_the_text() -> None:
    found = check_docx(MUTATIONS["vertical_tab_in_text"].build())
    planted = [f for f in found if f.rule == "text.control"]
    assert planted, listing(found)
    for f in planted:
        # what the clerk typed around the character, not the XML parser's complaint
        assert "PCDATA" not in f.found and "column" not in f.found, f
        assert "hệ thống" in f.found + f.where, f


def test_check_goes_on_past_a_file_it_cannot_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from helpers import REFERENCE_JSON

    from wfh_docs.cli import main

    reference_path = tmp_path / "451-SCT-VP.docx"
    assert main(["build", str(REFERENCE_JSON), "-o", str(reference_path)]) == 0
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    code = main(["check", str(tmp_path / "missing.docx"), str(bad), str(reference_path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "missing.docx" in err and "file not found" in err
    assert "bad.docx: not a zip archive" in err
    assert f"== {reference_path}" in out  # the readable letter was still checked
    assert f"{reference_path}: 0 errors, 0 warnings" in err


# --- small capitals: what a reader sees ------------------------------------------------------------


def _typed_lower(prefix: str, *, small_caps: bool) -> set[str]:
    """The errors of the clean letter with the line typed in lower case, in small caps or not."""
    doc = hm.clean_letter()
    p = hm.find(doc, prefix)
    hm.retext(p, p.text[:4] + p.text[4:].lower())
    for r in p.runs:
        r.font.small_caps = small_caps
    return {f.message for f in check_docx(hm.to_bytes(doc)) if f.severity == "error"}


@pytest.mark.parametrize("prefix", [hm.QUOC_HIEU, hm.AGENCY, "KT.", "PHÓ GIÁM ĐỐC"])
def test_small_capitals_read_as_capitals(prefix: str) -> None:
    """w:smallCaps draws lower-case letters as capitals a little smaller: a reader reads the
    line in capitals, so it passes where the decree asks capitals."""
    assert _typed_lower(prefix, small_caps=True) == set()


def test_the_quoc_hieu_typed_in_lower_case_is_not_in_capitals() -> None:
    assert _typed_lower(hm.QUOC_HIEU, small_caps=False) == {"must be in capitals"}
