"""`wfhdoc check --template`: a template's tags against the template contract (wfh_docs.render.
contract: the variables wfhdoc gives, the ones a letter needs), tags Word split or broke, and
what the template sandbox would refuse."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import TemplateError as JinjaTemplateError
from jinja2 import nodes

from ..errors import ArchiveError
from ..files.safezip import Archive
from ..i18n import _
from ..render.contract import (
    RENDERED_PART,
    REQUIRED_VARIABLES,
    TEMPLATE_GLOBALS,
    VARIABLES,
    broken_tags,
    numbered_source,
    paragraph_text,
    patch,
)
from ..render.sandbox import LetterSandbox, unsafe_accesses
from .context import finding, short
from .finding import Finding

_PARAGRAPH_XML = r"<w:p[ >].*?</w:p>"
_TEXT_XML = r"<w:t(?: [^>]*)?>([^<]*)</w:t>"
_TAG = r"\{\{.*?\}\}|\{%.*?%\}"


def check_template(path: Path | str) -> list[Finding]:
    """A template's variables against the data model, tags Word split or broke, and what the
    template sandbox would refuse."""
    parts, findings = _read_parts(path)
    if parts is None:
        return findings
    env = LetterSandbox()
    used: dict[str, str] = {}  # variable -> the paragraph it is first used in
    for name, xml in sorted(parts.items()):
        findings += _tags(name, xml)
        source = numbered_source(patch(xml))
        try:
            ast = env.parse(source)
        except JinjaTemplateError as exc:
            findings.append(
                finding(
                    "template.syntax",
                    _("template syntax error: {error}").format(error=exc),
                    found=str(exc),
                    expected="valid docxtpl/Jinja tags",
                    where=_where(source, getattr(exc, "lineno", None)),
                    element=name,
                )
            )
            continue
        for line, attr in unsafe_accesses(ast):
            findings.append(_unsafe(name, attr, _where(source, line)))
        uses: list[tuple[str, int]] = []
        _names(ast, frozenset(_part_bound(ast)), uses)
        for var, line in uses:
            used.setdefault(var, _where(source, line))
    return findings + _variables(used)


def _read_parts(path: Path | str) -> tuple[dict[str, str] | None, list[Finding]]:
    """The parts a template's tags may stand in, as text, and the findings of reading them: a
    part that is not UTF-8 is one and left out; a file that is no .docx is the only one (and
    no parts)."""
    parts: dict[str, str] = {}
    findings: list[Finding] = []
    try:
        with Archive(path, what=str(path)) as archive:
            for name in archive.names():
                if not RENDERED_PART.match(name):
                    continue
                data = archive.read(name)
                try:
                    parts[name] = data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    findings.append(_not_utf8(name, data, exc))
    except FileNotFoundError:
        return None, [_file_error(str(path), _("template not found"))]
    except IsADirectoryError:
        return None, [_file_error(str(path), _("this is a folder, not a .docx template"))]
    except ArchiveError as exc:
        return None, [_file_error(exc.reason, _("not a .docx file"))]
    except OSError as exc:
        return None, [_file_error(str(exc), _("not a .docx file"))]
    return parts, findings


def _file_error(found: str, message: str) -> Finding:
    return finding("template.file", message, found=found, expected="a .docx template")


def _not_utf8(name: str, data: bytes, exc: UnicodeDecodeError) -> Finding:
    return finding(
        "template.encoding",
        _("the part is not UTF-8 text; open the template in Word or LibreOffice and save it again as .docx"),
        found=f"byte {exc.start}: {data[exc.start : exc.start + 4]!r}",
        expected="UTF-8 text",
        element=name,
    )


def _tags(name: str, xml: str) -> list[Finding]:
    """Tags that do not close in their paragraph, and tags Word split across runs."""
    out = [
        finding(
            "template.broken_tag",
            _("a tag does not close in its paragraph"),
            found=short(text),
            expected="{{ name }} or {%p ... %} whole in one paragraph",
            where=short(text),
            element=name,
        )
        for text in broken_tags(xml)
    ]
    for m in re.finditer(_PARAGRAPH_XML, xml, re.DOTALL):
        texts = re.findall(_TEXT_XML, m.group())
        joined = "".join(texts)
        for tag in re.findall(_TAG, joined):
            if not any(tag in t for t in texts):
                out.append(
                    finding(
                        "template.split_tag",
                        _(
                            "Word split this tag across runs (spell-check or formatting marks); wfhdoc "
                            "joins it, but retyping it in one go keeps the template clean"
                        ),
                        found=tag,
                        expected=tag,
                        where=short(joined),
                        element=name,
                    )
                )
    return out


def _unsafe(name: str, attr: str, where: str) -> Finding:
    return finding(
        "template.unsafe",
        _(
            "the tag reaches for {attr!r}, one of Python's internals (names starting with '_', mro, "
            "frames and code); the template sandbox refuses it and the letter would not be built: "
            "remove it"
        ).format(attr=attr),
        found=attr,
        expected="the fields the README lists",
        where=where,
        element=name,
    )


def _variables(used: dict[str, str]) -> list[Finding]:
    """Variables wfhdoc does not give, and variables a letter needs that the template never uses."""
    out = []
    near = [*VARIABLES, *(f"{k}.{a}" for k, attrs in VARIABLES.items() for a in sorted(attrs))]
    for var, where in sorted(used.items()):
        top, _dot, attr = var.partition(".")
        if top in TEMPLATE_GLOBALS or (top in VARIABLES and (not attr or attr in VARIABLES[top])):
            continue
        close = difflib.get_close_matches(var, near, n=1)
        message = (
            _("{var} is not something wfhdoc provides; did you mean {close}?").format(var=var, close=close[0])
            if close
            else _("{var} is not something wfhdoc provides").format(var=var)
        )
        out.append(
            finding(
                "template.unknown_variable",
                message,
                found=var,
                expected=close[0] if close else "a variable the README lists",
                where=where,
            )
        )
    for var in sorted(REQUIRED_VARIABLES):
        top = var.split(".")[0]
        if var not in used and not (top in used and "." not in var):
            out.append(
                finding(
                    "template.unused_variable",
                    _("the template never uses {var}: the letters would lose that data").format(var=var),
                    found="not used",
                    expected=var,
                )
            )
    return out


def _where(source: str, line: int | None) -> str:
    return short(paragraph_text(source, line))


def _stored(target: Any) -> set[str]:
    if isinstance(target, nodes.Name):
        return {target.name}
    return {n.name for n in target.find_all(nodes.Name)}


def _part_bound(ast: Any) -> set[str]:
    """Names a part defines for all its tags: {% set %}, macros, imports."""
    bound: set[str] = set()
    for node in ast.find_all((nodes.Assign, nodes.AssignBlock)):
        bound |= _stored(node.target)
    for macro in ast.find_all(nodes.Macro):
        bound.add(macro.name)
    for imp in ast.find_all(nodes.Import):
        bound.add(imp.target)
    for from_imp in ast.find_all(nodes.FromImport):
        bound |= {n if isinstance(n, str) else n[1] for n in from_imp.names}
    return bound


def _names(node: Any, bound: frozenset[str], uses: list[tuple[str, int]]) -> None:
    """The variables a part reads from what wfhdoc gives it, with their lines: `x` and `x.attr`,
    a loop's own variables (and `loop`) known inside the loop only, a macro's arguments inside
    the macro."""

    def walk_all(children: Iterable[Any], names: frozenset[str]) -> None:
        for child in children:
            _names(child, names, uses)

    if isinstance(node, nodes.For):
        _names(node.iter, bound, uses)
        inner = bound | _stored(node.target) | {"loop"}
        walk_all([*node.body, *([node.test] if node.test else [])], inner)
        walk_all(node.else_, bound)
    elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
        if isinstance(node, nodes.CallBlock):
            _names(node.call, bound, uses)
        walk_all(node.defaults, bound)
        inner = bound | {a.name for a in node.args} | {"varargs", "kwargs", "caller"}
        walk_all(node.body, inner)
    elif isinstance(node, nodes.With):
        walk_all(node.values, bound)
        walk_all(node.body, bound | {n for t in node.targets for n in _stored(t)})
    elif (
        isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name not in bound
    ):
        if node.node.ctx == "load":
            uses.append((node.node.name, node.lineno))
            uses.append((f"{node.node.name}.{node.attr}", node.lineno))
    elif isinstance(node, nodes.Name):
        if node.ctx == "load" and node.name not in bound:
            uses.append((node.name, node.lineno))
    else:
        walk_all(node.iter_child_nodes(), bound)
