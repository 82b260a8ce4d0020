"""The template's `copy`: the block of a bản sao under the letter (Mẫu 3.1; letter.copying), its
values escaped for the template's runs; every value "" when the letter is no copy, so that the
template's {%p if copy.form %} leaves the block out."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..letter import vn
from ..letter.layout import agency_rule_indent
from ..letter.model import Letter
from . import builders

# the attributes of `copy` (render.contract.VARIABLES)
ATTRIBUTES = frozenset({"form", "name", "rule", "number_symbol", "date_line", "signer", "cc_lines"})


def values(letter: Letter) -> dict[str, Any]:
    """What the template's copy block shows."""
    copy = letter.copy_
    if copy is None:
        return {
            "form": "",
            "name": "",
            "rule": "",
            "number_symbol": "",
            "date_line": "",
            "signer": {"lines": [], "other_title": "", "name": "", "signature_text": ""},
            "cc_lines": [],
        }
    f = builders.field_text
    return {
        "form": f(copy.form),
        "name": f(copy.issuer.name),
        "rule": Markup(builders.rule(agency_rule_indent(copy.issuer.name.split("\n")))),
        "number_symbol": f(vn.format_number_reference(copy.number, copy.symbol)),
        "date_line": f(vn.format_date_line(copy.issuer.place, copy.date)),
        "signer": {
            "lines": [f(line) for line in copy.signer.authority_lines()],
            "other_title": f(copy.signer.other_title) if copy.signer.other_title else "",
            "name": f(copy.signer.name),
            # "(đã ký)" where the signature would be, as the letter's own (ô 7c)
            "signature_text": f(copy.signer.signature_text) if copy.signer.signature_text else "",
        },
        "cc_lines": [f(line) for line in copy.cc_lines()],
    }


def expected(letter: Letter) -> list[str]:
    """What of the copy must stand in the document (render.verify's zero-loss check): a template
    without the copy block would otherwise drop it without a word."""
    copy = letter.copy_
    if copy is None:
        return []
    out = [copy.form, *copy.issuer.name.split("\n")]
    out.append(vn.format_number_reference(copy.number, copy.symbol))
    out.append(vn.format_date_line(copy.issuer.place, copy.date))
    out += copy.signer.authority_lines() + [copy.signer.name]
    out += [s for s in (copy.signer.other_title, copy.signer.signature_text) if s]
    return out + copy.cc_lines()
