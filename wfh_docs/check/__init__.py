"""Conformance of any .docx with Nghị định 30/2020: every departure, in a clerk's words.

The checker reads the letter as a reader sees it: docx reads each paragraph and run with the
formatting Word gives it, resolved by styles (document defaults, the table style with its
conditional formats, paragraph and character style chains, direct formatting, toggle properties
XOR-ed across the levels as ISO/IEC 29500-1 §17.7.3 says, theme fonts), numbering (a list's
label as it shows), tables (a cell's place for its table style) and lines (a paragraph cut at
its manual line breaks, the line shapes it draws), from the properties of props and the parts
read within bounds by parts. It finds the decree's elements by their text and place, whatever
the paragraph, line-break, tab or table structure, so Word's splitting of runs changes nothing,
and checks each against Phụ lục I of the decree, part by part in the order of the letter:

    page       the paper, margins, font and colour, Unicode NFC, control characters, tags left
    header     Quốc hiệu, Tiêu ngữ, the agency's name, Số, the date line, V/v (and rule_lines:
               the lines under the agency and the Tiêu ngữ, however they are drawn)
    body       Kính gửi and its recipients, the body's paragraphs
    signature  the authority and title lines, the signer's name, Nơi nhận and its list
    appendix   page numbers, each phụ lục
    copies     a bản sao's block under what it copies: the hình thức sao, its Số, its date

over one Context (context: the letter, the elements found so far, the findings), run in that
order by run.check_docx. Every rule is one line of the rule table (table: id, severity, part,
clause, and why that severity), the source of each finding's severity and clause and of
docs/check-rules.md; finding holds the Finding and Rule types. template checks a template
(`wfhdoc check --template`) against the template contract of wfh_docs.render.contract.
"""

from __future__ import annotations

from pathlib import Path

from .finding import Finding, Rule
from .run import FileResult, check_docx, check_file, check_files
from .table import RULES, rule


def check_template(path: Path | str) -> list[Finding]:
    """A template's variables against the data model, tags Word split or broke, and what the
    template sandbox would refuse (template.check_template)."""
    # imported here: templates are read through docxtpl and Jinja, which checking a letter never
    # needs, so that `import wfh_docs.check` stays as light as the checker (47 ms, not 230)
    from .template import check_template as check

    return check(path)


__all__ = [
    "RULES",
    "FileResult",
    "Finding",
    "Rule",
    "check_docx",
    "check_file",
    "check_files",
    "check_template",
    "rule",
]
