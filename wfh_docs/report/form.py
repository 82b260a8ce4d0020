"""The report form (đề cương and biểu mẫu số liệu) a requesting agency writes once: the request it
answers, the period and deadline, the indicators and how they add up, the narrative's outline,
the agencies expected to answer, and who writes the consolidated report to whom.

Read from YAML (yaml.safe_load only, within a size limit) or JSON; every problem names its field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError, Problem
from ..i18n import _
from ..letter.problems import problem_from_error

FORM_MAX = 1 << 20  # a report form is a few kilobytes; anything past 1 MB is not one

Kind = Literal["count", "percentage", "amount", "yes/no", "text", "choice"]
NUMERIC = ("count", "percentage", "amount")
_ID = r"^[a-z][a-z0-9_]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


Text = Annotated[str, Field(min_length=1)]


class Request(_Model):
    """The văn bản the agencies answer."""

    number: Text = Field(description="số và ký hiệu, e.g. '249/STTTT-CNTT'")
    date: dt.date = Field(description="ngày ban hành")
    agency: Text = Field(description="cơ quan ban hành, e.g. 'Sở Thông tin và Truyền thông Quảng Trị'")
    subject: Text = Field(description="trích yếu nội dung")


class Period(_Model):
    start: dt.date = Field(description="từ ngày")
    end: dt.date = Field(description="đến ngày")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(_("the period ends before it starts"))
        return self


class Ratio(_Model):
    numerator: Text = Field(description="id of the count above the line")
    denominator: Text = Field(description="id of the count below the line")


class Indicator(_Model):
    id: Annotated[str, Field(pattern=_ID)] = Field(description="short name, e.g. 'home'")
    label: Text = Field(description="the Vietnamese label, as the table and the workbook show it")
    short: str = Field("", description="a short label for charts and narrow columns")
    unit: str = Field("", description="đơn vị tính, e.g. 'người', 'văn bản', 'đồng'")
    type: Kind = Field(description="count, percentage, amount, yes/no, text or choice")
    required: bool = Field(True, description="an agency must give it")
    choices: list[Text] = Field(default_factory=list, description="the values of a 'choice'")
    parts: list[Text] = Field(default_factory=list, description="ids whose sum this total equals")
    at_most: str = Field("", description="id of a count this one cannot exceed (e.g. the staff)")
    computed: Ratio | None = Field(None, description="a percentage computed from two counts, not typed")
    sentence: str = Field(
        "",
        description="how the report says a computed percentage: '{numerator}', '{denominator}' and "
        "'{value}' stand for the figures, e.g. '{numerator}/{denominator} công chức ({value}) làm "
        "việc tại nhà'",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.type == "choice" and not self.choices:
            raise ValueError(_("a 'choice' indicator needs its 'choices'"))
        if self.type != "choice" and self.choices:
            raise ValueError(_("'choices' belongs to a 'choice' indicator only"))
        if self.computed is not None and self.type != "percentage":
            raise ValueError(_("only a percentage is computed from two counts"))
        if self.parts and self.type not in ("count", "amount"):
            raise ValueError(_("only a count or an amount is the sum of parts"))
        return self

    @property
    def typed(self) -> bool:
        """Whether agencies type this figure (a computed percentage is not typed)."""
        return self.computed is None


class Agency(_Model):
    """An agency expected to answer."""

    name: Text = Field(description="the agency's name in running text, e.g. 'Sở Nội vụ'")
    abbreviation: str = Field("", description="its ký hiệu, e.g. 'SNV' (to match letters)")


class Issuer(_Model):
    parent: str = ""
    name: Text
    short_name: Text
    abbreviation: Text
    unit: Text
    place: Text


class Signer(_Model):
    authority: str = ""
    head_title: str = ""
    title: Text
    name: Text


class Consolidated(_Model):
    """Who writes the consolidated report, to whom."""

    issuer: Issuer
    signer: Signer
    recipients: list[Text] = Field(min_length=1)
    cc: list[Text] = Field(default_factory=list)
    number: int | None = Field(None, description="số of the report; empty for the document system")
    date: dt.date | None = None
    subject: Text = Field(description="trích yếu of the consolidated report")


class Section(_Model):
    title: Text = Field(description="the heading, e.g. 'Khó khăn, vướng mắc'")
    hint: str = Field("", description="what the agencies write under it")


class ReportForm(_Model):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")] = Field(
        description="the form's identifier, carried by every answer (e.g. 'wfh-2020-quang-tri')"
    )
    title: Text = Field(description="what the report is about")
    request: Request
    period: Period
    deadline: dt.date = Field(description="hạn gửi báo cáo")
    indicators: list[Indicator] = Field(min_length=1)
    sections: list[Section] = Field(default_factory=list)
    agencies: list[Agency] = Field(default_factory=list)
    consolidated: Consolidated

    def indicator(self, ident: str) -> Indicator:
        return next(i for i in self.indicators if i.id == ident)


def reference_problems(form: ReportForm) -> list[Problem]:
    """What pydantic cannot see: ids used twice, references to no indicator or to no number."""
    problems: list[Problem] = []
    kinds: dict[str, str] = {}
    for n, ind in enumerate(form.indicators):
        if ind.id in kinds:
            problems.append(
                Problem(f"$.indicators[{n}].id", _("the id '{id}' is used twice").format(id=ind.id))
            )
        kinds[ind.id] = ind.type
    for n, ind in enumerate(form.indicators):
        refs = [(f"parts[{k}]", p) for k, p in enumerate(ind.parts)]
        refs += [("at_most", ind.at_most)] if ind.at_most else []
        if ind.computed is not None:
            refs += [("computed.numerator", ind.computed.numerator)]
            refs += [("computed.denominator", ind.computed.denominator)]
        for field, ref in refs:
            where = f"$.indicators[{n}].{field}"
            if ref not in kinds:
                problems.append(Problem(where, _("no indicator has the id '{ref}'").format(ref=ref)))
            elif kinds[ref] not in NUMERIC or ref == ind.id:
                problems.append(Problem(where, _("'{ref}' is not another number").format(ref=ref)))
            elif ind.computed is not None and kinds[ref] != "count":
                problems.append(Problem(where, _("a percentage is computed from two counts")))
    names: set[str] = set()
    for n, agency in enumerate(form.agencies):
        if agency.name in names:
            problems.append(Problem(f"$.agencies[{n}].name", _("this agency is listed twice")))
        names.add(agency.name)
    return problems


def schema() -> dict[str, Any]:
    """The JSON Schema of a report form (data/report-form.schema.json)."""
    out = ReportForm.model_json_schema()
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = "wfhdoc report form"
    return out


def parse_form(raw: bytes, source: str) -> ReportForm:
    """A report form from YAML or JSON bytes: InputError naming each field wrong."""
    if len(raw) > FORM_MAX:
        raise InputError(source, [Problem("", _("the file is larger than 1 MB: not a report form"))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            source, [Problem("", _("not UTF-8 text (byte {at})").format(at=exc.start), _("save it as UTF-8"))]
        ) from None
    try:
        data = json.loads(text) if source.lower().endswith(".json") else _safe_yaml(text)
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise InputError(
            source, [Problem("", _("cannot be read: {error}").format(error=_brief(exc)))]
        ) from None
    if not isinstance(data, dict):
        raise InputError(source, [Problem("", _("a report form is a mapping of fields (id, title, ...)"))])
    try:
        form = ReportForm.model_validate(data)
    except ValidationError as exc:
        problems = [problem_from_error(dict(e)) for e in exc.errors()]
        raise InputError(source, problems) from None
    problems = reference_problems(form)
    if problems:
        raise InputError(source, problems)
    return form


def _safe_yaml(text: str) -> Any:
    """yaml.safe_load, after refusing aliases: a few hundred bytes of nested aliases expand to
    gigabytes (the 'billion laughs')."""
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, yaml.AliasToken):
            raise ValueError(_("YAML aliases (*name) are not accepted in a report form; write the value out"))
    return yaml.safe_load(text)


def _brief(exc: Exception) -> str:
    return re.sub(r"\s+", " ", str(exc)).strip()[:300]


def load_form(path: Path) -> ReportForm:
    """Read and validate the report form at `path`."""
    try:
        with path.open("rb") as f:
            raw = f.read(FORM_MAX + 1)
    except OSError as exc:
        raise InputError(
            str(path), [Problem("", _("cannot be read: {error}").format(error=exc.strerror))]
        ) from None
    return parse_form(raw, str(path))
