"""`check --fix` for the elements of the kinds with a tên loại (kinds.py, decision.py): the body's
lines of a quyết định or nghị quyết given their own look, as Phụ lục I sets it.

Finder (fix_elements) reads every line between the title and the signature as body; here the
lines that are not are given their role: "QUYẾT ĐỊNH:" / "QUYẾT NGHỊ:" and the other centred bold
headings keep their centring (the body's justification would move them), each "Căn cứ ..." and
"Theo đề nghị của ..." is set in italics and the căn cứ's lines end ";", the last one "." (Mục
II.6.a), and each "Điều N." is set in bold, upright (Mục II.6.đ) on the runs of those words only,
a run that goes on past them cut in two so that the article's text keeps its look.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import replace

from lxml import etree

from .fix_elements import Finder, Look, Target
from .fix_text import Edits
from .fix_xml import props_of, runs, set_on
from .kinds import is_heading
from .props import Paragraph, w

LOOKS = {
    "command": Look(bold=True, italic=False, caps=True, size=(13, 14), jc="center"),
    "heading": Look(size=(13, 14)),  # a Chương's or Mục's title: centred bold, as it is
    "can_cu": Look(italic=True, size=(13, 14), jc="both"),
    "proposal": Look(italic=True, size=(13, 14), jc="both"),  # "Theo đề nghị của ...", as the căn cứ
    "basis": Look(size=(13, 14), jc="both"),  # "Xét ...", the căn cứ's last line
    "article": Look(size=(13, 14), jc="both"),
}
# the paragraphs the body's layout is written on
BODY_ROLES = {"body", "can_cu", "proposal", "basis", "article"}
_DECISIONS = {"QUYẾT ĐỊNH", "NGHỊ QUYẾT"}
_CAN_CU = re.compile(r"^Căn\s+cứ\b")
_PROPOSAL = re.compile(r"^Theo\s+đề\s+nghị\b")
_BASIS = re.compile(r"^Xét\b")
_ARTICLE = re.compile(r"^\s*Điều\s+\d+\s*\.?")


def roles(finder: Finder, targets: list[Target]) -> list[Target]:
    """The targets, the body's lines of a quyết định or nghị quyết given their role."""
    title = next((t for t in targets if t.role == "type_name"), None)
    decision = title is not None and " ".join(finder.ps[title.i].text.upper().split()) in _DECISIONS
    out = []
    for t in targets:
        if t.role == "body":
            t = replace(t, role=_role(finder.ps[t.i], decision))
        out.append(t)
    return out


def _role(p: Paragraph, decision: bool) -> str:
    text = p.text.strip()
    props = p.run_props()
    if decision and is_heading(text):
        return "command"
    if p.props.jc == "center" and props and all(r.bold for r in props):
        return "heading"
    if decision and _CAN_CU.match(text):
        return "can_cu"
    if decision and _PROPOSAL.match(text):
        return "proposal"
    if decision and _BASIS.match(text):
        return "basis"
    if decision and _ARTICLE.match(text):
        return "article"
    return "body"


def bases_punctuation(els: list[etree._Element], targets: list[Target], edits: Edits) -> None:
    """The căn cứ and "Theo đề nghị của ..." before "QUYẾT ĐỊNH:": each line ends ";", the last
    "." (Mục II.6.a Phụ lục I), as a list's lines do, without a dash."""
    block: list[Target] = []
    for t in targets:
        if t.role in ("can_cu", "proposal", "basis"):
            block.append(t)
        elif block and t.role in ("command", "article"):
            break
    for n, t in enumerate(block):
        edits.list_line(els[t.i], t.i, t.k, last=n == len(block) - 1, lead=False)


def _t_only(r: etree._Element) -> etree._Element | None:
    """The run's one w:t when it holds text only (no tab, break or field in it), else None."""
    content = [c for c in r if c.tag != w("rPr")]
    return content[0] if len(content) == 1 and content[0].tag == w("t") else None


def article_prefix(p: etree._Element) -> None:
    """ "Điều N." bold and upright on its own runs: a run holding more than the prefix is cut
    where the prefix ends (its text kept, character for character)."""
    text = "".join(t.text or "" for t in p.iter(w("t")))
    m = _ARTICLE.match(text)
    if m is None:
        return
    end, at = m.end(), 0
    for r in runs(p):
        if at >= end:
            break
        here = "".join(t.text or "" for t in r.iter(w("t")))
        t = _t_only(r)
        if at + len(here) > end and t is not None:
            cut = end - at
            rest = deepcopy(r)
            t.text = here[:cut]
            rest_t = _t_only(rest)
            assert rest_t is not None
            rest_t.text = here[cut:]
            for el in (t, rest_t):
                el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.addnext(rest)
        if here.strip():
            rpr = props_of(r, "rPr")
            for name, value in (("b", True), ("bCs", True), ("i", False), ("iCs", False)):
                set_on(rpr, name, value)
        at += len(here)
