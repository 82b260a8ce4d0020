"""What the checker reports: a Finding, its two severities, and the Rule each one applies.

A Rule is one line of the rule table (table.py): its id, its severity, the part of the letter in
the decree's words, the clause of Nghị định 30/2020 it applies and what it checks. A Finding is
one departure from a rule in one letter; it carries its rule's severity and clause, so that a
reader (or a program, through --json) knows how much it matters and where the decree says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from ..i18n import N_, _, language

Severity = Literal["error", "warning"]
# A strict rule of the decree gives an error; one with latitude, or where the letter may have a
# reason, a warning.
ERROR: Severity = "error"
WARNING: Severity = "warning"
SEVERITY_WORDS = {ERROR: N_("error"), WARNING: N_("warning")}


# The words a finding's "found" and "expected" take when they describe formatting, not text of
# the letter: kept as they are in --json (programs read them), said in the reader's language in
# the line printed (a comma-separated list of them too: "bold, not capitals, centred").
VALUE_WORDS = frozenset(
    {
        N_("bold"),
        N_("not bold"),
        N_("italic"),
        N_("upright"),
        N_("not italic"),
        N_("capitals"),
        N_("not capitals"),
        N_("caps"),
        N_("not caps"),
        N_("centred"),
        N_("center"),
        N_("left"),
        N_("right"),
        N_("both"),
        N_("justified"),
        N_("bold capitals"),
        N_("bold italic"),
        N_("bold 14 pt"),
        N_("black"),
        N_("at least 6 pt"),
        N_("single to 1.5 lines"),
        N_("on the same page as the text before"),
        N_("not used"),
        N_("none"),
        N_("no tags"),
        N_("no page numbers"),
        N_("no number on page 1 (different first page)"),
        N_("no line"),
        N_("a solid line under it"),
        N_("in the header"),
        N_("in the footer"),
        N_("a page or section break before it"),
        N_("a number on page 1"),
        N_("a PAGE field in the header"),
        N_("a .docx template"),
        N_("UTF-8 text"),
        N_("well-formed XML"),
        N_("valid docxtpl/Jinja tags"),
        N_("the fields the README lists"),
        N_("text without control characters"),
    }
)


def shown(value: str) -> str:
    """A finding's found or expected value as the reader is told it."""
    pieces = value.split(", ")
    if value and all(piece in VALUE_WORDS for piece in pieces):
        return ", ".join(_(piece) for piece in pieces)
    return value


@dataclass(frozen=True)
class Rule:
    id: str  # "part.aspect", e.g. "date.format"; the part names the group the browser app shows
    severity: Severity
    element: str  # the part of the letter, as the decree names it: "Địa danh và thời gian ban hành"
    label: str  # the same part as English output has always named it: "date line"
    clause: str  # where the decree says so: "Mục II.4.b Phụ lục I"; "" for what is no rule of it
    checks: str  # what the rule checks, in Vietnamese (docs/check-rules.md)
    why: str = ""  # why this severity: the decree's wording it reads, in Vietnamese

    def element_shown(self) -> str:
        """The part's name in the language of the run: the decree's Vietnamese term, or the
        English label English output has always used."""
        return self.label if language() == "en" else self.element

    def cite(self, message: str) -> str:
        """The message with its clause, as a Vietnamese reader is told: "...; Nghị định 30
        quy định 30–35 mm (Mục I.3 Phụ lục I)". English messages stay as they were (scripts and
        tests read them); the clause is in the finding's own field in both languages."""
        if not self.clause or language() == "en":
            return message
        return f"{message} ({self.clause})"


@dataclass(frozen=True)
class Finding:
    rule: str  # a Rule's id, e.g. "date.format"
    severity: Severity
    element: str  # the part of the letter, e.g. "date line" (in Vietnamese, the decree's term)
    found: str
    expected: str
    message: str
    where: str = ""  # the paragraph's text, shortened
    clause: str = ""  # the decree's clause the rule applies, e.g. "Mục II.4.b Phụ lục I"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        detail = (
            " "
            + _('(found "{found}", expected "{expected}")').format(
                found=shown(self.found), expected=shown(self.expected)
            )
            if self.found or self.expected
            else ""
        )
        place = " " + _('in "{where}"').format(where=self.where) if self.where else ""
        return f"{_(SEVERITY_WORDS[self.severity])}: {self.element}: {self.message}{detail}{place}"
