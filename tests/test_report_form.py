"""The report form: the starter `report-form new` writes is valid, every problem names its field,
hostile YAML is refused, and the committed JSON Schema is what the model gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ROOT

from wfh_docs.cli.report import report_form
from wfh_docs.errors import InputError
from wfh_docs.report.form import load_form, parse_form
from wfh_docs.report.io import schema_bytes
from wfh_docs.report.starter import STARTER

SAMPLE = ROOT / "data" / "examples" / "tong-hop" / "report-form.yaml"


def _problems(text: str, name: str = "form.yaml") -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_form(text.encode("utf-8"), name)
    return [f"{p.where}: {p.message}" for p in caught.value.problems]


def test_the_starter_is_a_valid_form_in_vietnamese() -> None:
    form = parse_form(STARTER.encode(), "new.yaml")
    assert form.request.number == "249/STTTT-CNTT"
    assert form.indicator("home_rate").computed is not None
    assert "# Các chỉ tiêu" in STARTER


def test_new_writes_the_starter_and_keeps_an_existing_file(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "f.yaml"
    assert runner.invoke(report_form, ["new", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8") == STARTER
    target.write_text("mine", encoding="utf-8")
    result = runner.invoke(report_form, ["new", str(target)])
    assert result.exit_code != 0
    assert target.read_text(encoding="utf-8") == "mine"
    assert runner.invoke(report_form, ["check", str(target.with_name("none.yaml"))]).exit_code != 0


def test_check_accepts_the_sample() -> None:
    result = CliRunner().invoke(report_form, ["check", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "wfh-2020-quang-tri" in result.output


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("at_most: staff", "at_most: stuff", "$.indicators[1].at_most"),
        ("type: count\n    at_most", "type: counts\n    at_most", "$.indicators[1].type"),
        ("  - title: Kết quả thực hiện", "  - titl: Kết quả thực hiện", "$.sections[0].title"),
        ("deadline: 2020-04-10", "deadline: hôm qua", "$.deadline"),
        ("numerator: home", "numerator: home_rate", "$.indicators[2].computed.numerator"),
        ("  - id: home\n", "  - id: staff\n", "$.indicators[1].id"),
        ("  end: 2020-04-15", "  end: 2020-03-15", "$.period"),
        ("    type: percentage\n", "    type: count\n", "$.indicators[2]"),
    ],
)
def test_each_problem_names_its_field(old: str, new: str, where: str) -> None:
    assert old in STARTER
    problems = _problems(STARTER.replace(old, new))
    assert any(p.startswith(where) for p in problems), problems


def test_hostile_yaml_is_refused_not_run() -> None:
    assert _problems("!!python/object/apply:os.system ['true']")
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n'
    assert "alias" in " ".join(_problems(bomb)).lower() or _problems(bomb)
    assert _problems("- just\n- a list\n")
    assert _problems("x" * (2 << 20))


def test_the_cli_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(STARTER.replace("at_most: staff", "at_most: stuff"), encoding="utf-8")
    result = CliRunner().invoke(report_form, ["check", str(bad)])
    assert result.exit_code != 0
    assert "indicators[1].at_most" in str(result.exception) + result.output


def test_the_committed_schema_is_the_models() -> None:
    committed = (ROOT / "data" / "report-form.schema.json").read_bytes()
    assert committed == schema_bytes()
    assert "indicators" in json.loads(committed)["properties"]


def test_a_json_form_reads_as_yaml(tmp_path: Path) -> None:
    form = parse_form(STARTER.encode(), "a.yaml")
    path = tmp_path / "form.json"
    path.write_text(form.model_dump_json(), encoding="utf-8")
    assert load_form(path) == form


def test_letters_builds_the_valid_rows_and_names_the_others(tmp_path: Path) -> None:
    result = CliRunner().invoke(report_form, ["letters", str(SAMPLE), str(SAMPLE.with_name("answers.xlsx")),
                                              "-o", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 1
    assert len(list(tmp_path.glob("*.docx"))) == 20
    assert "AH8" in result.output and "Sở Xây dựng" in result.output


def test_workbook_has_a_column_per_typed_figure(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "so-lieu.xlsx"
    assert CliRunner().invoke(report_form, ["workbook", str(SAMPLE), str(target)]).exit_code == 0
    wb = load_workbook(target)
    heads = [c.value for c in wb.worksheets[0][1] if c.value]
    wb.close()
    assert "Số người làm việc tại nhà (người) [home] *" in heads
    assert not any("[home_rate]" in h for h in heads)  # computed, not typed
    assert heads.index("Số người làm việc tại nhà (người) [home] *") > heads.index("Người ký *")
