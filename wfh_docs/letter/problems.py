"""The data's problems in plain words: a pydantic error to a Problem at its JSON path, with a hint,
the field named by its Vietnamese label (wfh_docs.letter.labels) for a Vietnamese reader.
"""

from __future__ import annotations

import difflib
import json
import re
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..errors import Problem
from ..i18n import N_, _, language
from .blocks import BLOCK_MESSAGE, TAG_MODELS, UNION_TAGS
from .labels import BY_FIELD, field_label
from .model import Letter

_TAG_MODELS: dict[str, type[BaseModel]] = TAG_MODELS


def json_path(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """('body', 3, 'heading') -> '$.body[3].heading'."""
    out = "$"
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in UNION_TAGS:
            continue
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


def problem(where: str, message: str, hint: str = "", *, label: str | None = None) -> Problem:
    """A Problem at `where`, with its field's Vietnamese label when `where` is a JSON path."""
    if label is None:
        label = field_label(where) if where.startswith("$") else ""
    return Problem(where, message, hint, label=label)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    cls: type[BaseModel] | None = Letter
    for part in loc:
        if cls is None:
            return None
        if isinstance(part, int):
            continue
        if part in _TAG_MODELS:
            cls = _TAG_MODELS[part]
            continue
        field = cls.model_fields.get(part)
        if field is None:
            return None
        cls = _model_in(field.annotation)
    return cls


def _keys(cls: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in cls.model_fields.items()]


def _describe(cls: type[BaseModel] | None, name: str) -> str:
    if cls is None or name not in cls.model_fields:
        return ""
    return cls.model_fields[name].description or ""


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _missing(err: dict[str, Any], loc: tuple[int | str, ...]) -> tuple[str, str]:
    name = str(loc[-1]) if loc else ""
    column = BY_FIELD.get(".".join(str(p) for p in loc)) if language() == "vi" else None
    # the clerk's note on the field where it has one (in Vietnamese), else the model's
    desc = column.note if column else _describe(_model_at(loc[:-1]), name)
    hint = _('add "{name}": {description}') if desc else _('add "{name}"')
    return _("this field is required but missing"), hint.format(name=name, description=desc)


def _extra(err: dict[str, Any], loc: tuple[int | str, ...]) -> tuple[str, str]:
    name = str(loc[-1]) if loc else ""
    cls = _model_at(loc[:-1])
    allowed = _keys(cls) if cls else []
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    if close:
        hint = _('did you mean "{name}"?').format(name=close[0])
    elif allowed:
        hint = _("the fields allowed here are {fields}").format(fields=", ".join(allowed))
    else:
        hint = _("remove it")
    return _("unknown field {name}").format(name=json.dumps(name, ensure_ascii=False)), hint


def _too_short(err: dict[str, Any], loc: tuple[int | str, ...]) -> tuple[str, str]:
    if isinstance(err.get("input"), str):
        return _("must not be empty"), _("write the text, or leave the field out if it is optional")
    return _("must not be an empty list"), _("give at least one item")


def _literal(err: dict[str, Any], loc: tuple[int | str, ...]) -> tuple[str, str]:
    # pydantic writes the choices in English ("'TM.', 'KT.' or 'Q.'"): they are said again
    # in the run's language
    expected = str(err.get("ctx", {}).get("expected", ""))
    choices = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)
    if len(choices) > 1:
        expected = _("{items} or {last}").format(
            items=", ".join(f"'{c}'" for c in choices[:-1]), last=f"'{choices[-1]}'"
        )
    return (
        _("{value} is not allowed here").format(value=_shown(err.get("input"))),
        _("use one of {choices}").format(choices=expected),
    )


def _bound(err: dict[str, Any], loc: tuple[int | str, ...]) -> tuple[str, str]:
    ctx = err.get("ctx", {})
    if "ge" in ctx:
        return _("the value should be greater than or equal to {limit}").format(limit=ctx["ge"]), ""
    if "gt" in ctx:
        return _("the value should be greater than {limit}").format(limit=ctx["gt"]), ""
    return str(err["msg"]).lower().replace("input ", "the value "), ""


def _typed(message: str, hint: str) -> Any:
    def problem(err: dict[str, Any], loc: tuple[int | str, ...]) -> tuple[str, str]:
        return _(message).format(value=_shown(err.get("input"))), _(hint) if hint else ""

    return problem


_TYPE_ERRORS = {
    "string_type": _typed(N_("must be text, not {value}"), N_("put the value in double quotes")),
    "int_type": _typed(N_("must be a whole number, not {value}"), N_("for example 451")),
    "list_type": _typed(
        N_("must be a list in [ ], not {value}"), N_('for example ["Sở Tài chính", "Sở Nội vụ"]')
    ),
    "model_type": _typed(
        N_("must be an object in {{ }}, not {value}"), N_("see data/examples/ for the shape")
    ),
    "bool_type": _typed(N_("must be true or false, not {value}"), ""),
}
_TYPE_ERRORS["int_parsing"] = _TYPE_ERRORS["int_from_float"] = _TYPE_ERRORS["int_type"]
_TYPE_ERRORS["model_attributes_type"] = _TYPE_ERRORS["dict_type"] = _TYPE_ERRORS["model_type"]
_ERRORS = {
    **_TYPE_ERRORS,
    "missing": _missing,
    "extra_forbidden": _extra,
    "too_short": _too_short,
    "string_too_short": lambda err, loc: (
        _("must not be empty"),
        _("write the text, or leave the field out if it is optional"),
    ),
    "literal_error": _literal,
    "block": lambda err, loc: (
        _("{value} is not a block").format(value=_shown(err.get("input"))),
        _(BLOCK_MESSAGE),
    ),
    "greater_than_equal": _bound,
    "greater_than": _bound,
}


def problem_from_error(err: dict[str, Any]) -> Problem:
    """One pydantic error in plain words, at its JSON path, with a hint."""
    loc = tuple(err["loc"])
    kind = err["type"]
    where = json_path(loc)
    if kind == "value_error":
        # the model's validators raise their messages already in the language of the run
        return problem(where if loc else "$", str(err["msg"]).removeprefix("Value error, "))
    explain = _ERRORS.get(kind)
    if explain is None:
        return problem(where, str(err["msg"]), "")
    message, hint = explain(err, loc)
    if kind == "extra_forbidden" and not field_label(where):
        # a key the letter does not have is named in the object it stands in
        return problem(where, message, hint, label=field_label(json_path(loc[:-1])))
    return problem(where, message, hint)


def json_type(value: Any) -> str:
    """What a JSON value is, in the words of JSON rather than Python."""
    if isinstance(value, bool):
        return _("true/false")
    if value is None:
        return _("null")
    if isinstance(value, (int, float, Decimal)):
        return _("a number")
    if isinstance(value, str):
        return _("a string")
    if isinstance(value, list):
        return _("a list")
    return _("an object")
