"""`wfhdoc check --fix`: a letter rewritten to the decree where that changes no word of it.

The letter is read as the checker reads it (the same bounded reader, the same findings), then
its parts are changed in place: the paper and margins, Times New Roman in black, the look of each
element of Phụ lục I written explicitly on its runs (fix_elements, fix_layout), the body's
paragraphs, the lines under the agency's name and the Tiêu ngữ, each phụ lục on a new page, the
page numbers (fix_page), and the decree's digits and punctuation (fix_text). Before anything is
written the texts of the original and the fixed letter are compared (fix_text.differences): a
difference other than those edits stops the fix with a message, and nothing is written. The new
archive copies every other member unchanged (fix_zip); the original file is never opened for
writing, and the output never replaces a file wfhdoc did not write.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import InputError, OutputError, Problem, RenderError
from ..files.output import made_by_wfhdoc, read_regular, write_atomic
from ..i18n import _
from . import fix_kinds
from .docx import Docx
from .finding import ERROR, Finding
from .fix_elements import LOOKS, Finder, Target
from .fix_layout import body, look, new_section, page_break_before, rule_length, rule_under
from .fix_lists import dash_lists
from .fix_page import number_pages, paper, remove_page_fields
from .fix_text import Edits, differences
from .fix_xml import props_of, runs, set_black, set_font, set_spacing, text_of
from .fix_zip import Package, written_by_fix
from .placing import starts_page
from .props import Paragraph, as_int, w
from .run import check_docx

TNR = "Times New Roman"
_MAIN = "word/document.xml"
_URGENCY = {"KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC"}


@dataclass
class Fixed:
    """What the fix did: the new letter (None when there was nothing it could change), the
    findings before and after."""

    data: bytes | None
    before: list[Finding]
    after: list[Finding] = field(default_factory=list)

    @property
    def fixed(self) -> list[Finding]:
        """The findings of the original the fixed letter no longer has: by rule and message, so
        that one of two lines of a list fixed counts, whatever text the finding quotes."""
        left = Counter((f.rule, f.message) for f in self.after)
        out = []
        for f in self.before:
            if left[(f.rule, f.message)]:
                left[(f.rule, f.message)] -= 1
            else:
                out.append(f)
        return out

    @property
    def passes(self) -> bool:
        return not any(f.severity == ERROR for f in self.after)


def fix_docx(source: Path | bytes, *, name: str | None = None) -> Fixed:
    """The letter fixed; an ArchiveError (naming the file and part) when it cannot be read or a
    part it must change is damaged, a RenderError when the fix would change its words."""
    docx = Docx(source, name=name)
    before = check_docx(docx)
    with zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source)) as zf:
        infos = zf.infolist()
    pkg = Package(docx.name, source, docx.parts, infos)
    original = {n: deepcopy(t) for n, t in _parts_to_compare(pkg).items()}
    edits = _fix(pkg, docx, {f.rule for f in before})
    _verify(pkg, original, edits, docx.name)
    if not before or not pkg.changed():
        return Fixed(None, before, before)
    data = pkg.data()
    fixed = Fixed(data, before, check_docx(data, name=docx.name))
    if not fixed.fixed:  # nothing the checker found is gone: no file, only the findings
        fixed.data, fixed.after = None, before
    return fixed


def _parts_to_compare(pkg: Package) -> dict[str, etree._Element]:
    """The parts whose text the fix must keep, parsed (the main part, headers, footers)."""
    names = [
        _MAIN,
        *(n for n in pkg.names() if n.startswith(("word/header", "word/footer")) and n.endswith(".xml")),
    ]
    return {n: pkg.tree(n) for n in names}


def _fix(pkg: Package, docx: Docx, rules: set[str]) -> Edits:
    doc = pkg.tree(_MAIN)
    els = list(doc.iter(w("p")))
    paras = docx.paragraphs()  # one per w:p, in document order
    if len(els) != len(paras):  # the checker read the part otherwise: do not guess
        raise RenderError(
            _("{name}: the letter's paragraphs could not be matched; nothing was written").format(
                name=pkg.name
            )
        )
    _fonts_and_colour(pkg, paras, els, rules)
    finder = Finder(paras)
    targets = fix_kinds.roles(finder, finder.find())
    previous: Paragraph | None = None
    for t in targets:
        look(els[t.i], paras[t.i], t, LOOKS.get(t.role) or fix_kinds.LOOKS[t.role])
        if t.role in fix_kinds.BODY_ROLES:
            body(els[t.i], paras[t.i], previous)
            previous = paras[t.i]
        if t.role == "article":
            fix_kinds.article_prefix(els[t.i])
    _subject_gap(els, paras, targets)
    labels = {i: p.label for i, p in enumerate(paras) if p.label}
    edits = _texts(els, targets, finder.lists, labels)
    bulleted = {t.i for items in finder.lists.values() for t in items if t.i in labels}
    dash_lists(pkg, [els[i] for i in sorted(bulleted) if not labels[i].startswith("- ")])
    _lines(doc, els, paras, targets, rules)
    if "appendix.new_page" in rules:
        for t in targets:
            if t.role == "appendix" and not starts_page(paras, t.i) and not new_section(els[t.i]):
                page_break_before(els[t.i])
    if rules & {"page.size", "page.margins"}:
        paper(doc)
    number_pages(pkg, doc, rules)
    return edits


def _subject_gap(els: list[etree._Element], paras: list[Paragraph], targets: list[Target]) -> None:
    """ "V/v ..." 6 pt under the Số line (Mục II.5.b Phụ lục I), where it is a paragraph of its own."""
    subject = next((t for t in targets if t.role == "subject"), None)
    if subject is None or subject.k not in (None, 0) or subject.seg is not None:
        return
    if as_int(paras[subject.i].props.spacing.get("before")) < 120:
        set_spacing(props_of(els[subject.i], "pPr"), before="120")


def _fonts_and_colour(
    pkg: Package, paras: list[Paragraph], els: list[etree._Element], rules: set[str]
) -> None:
    """Times New Roman on every run (and in the styles), black where the text is in a colour."""
    if "font.name" in rules:
        for root in [pkg.tree(n) for n in _parts_to_compare(pkg)]:
            for r in root.iter(w("r")):
                set_font(props_of(r, "rPr"), TNR)
        # stylesWithEffects (Word 2010) repeats the styles: both say the same, as Word expects
        for name in ("word/styles.xml", "word/stylesWithEffects.xml"):
            if name not in pkg:
                continue
            styles = pkg.tree(name)
            defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}")
            if defaults is not None:
                set_font(props_of(defaults, "rPr"), TNR)
            for fonts in styles.iter(w("rFonts")):
                rpr = fonts.getparent()
                if rpr is not None:
                    set_font(rpr, TNR)
    if "font.color" not in rules:
        return
    for p, para in zip(els, paras, strict=True):
        if para.text.strip().upper() in _URGENCY:
            continue
        rs = runs(p)
        own = [r for r in para.runs if not getattr(r, "label", False)]  # a list's label is no run
        props = [r.props for r in own] if len(own) == len(rs) else [None] * len(rs)
        for r, prop in zip(rs, props, strict=True):
            color = (prop.color or "auto").lower() if prop is not None else "?"
            if color not in ("auto", "000000"):
                set_black(props_of(r, "rPr"))


# the elements whose text the decree writes in a set way, and the edit that writes it
_EDITS = {"number": "number", "date": "date", "tieu_ngu": "tieu_ngu", "authority": "prefix_space"}


def _texts(
    els: list[etree._Element], targets: list[Target], lists: dict[str, list[Target]], labels: dict[int, str]
) -> Edits:
    """The decree's digits and punctuation, element by element."""
    edits = Edits()
    for t in targets:
        if t.role in _EDITS:
            getattr(edits, _EDITS[t.role])(els[t.i], t.i, t.k, t.seg)
        elif t.role == "cc" or (t.role == "recipients" and t not in lists.get("recipients", [])):
            edits.heading_colon(els[t.i], t.i, t.k, t.seg)
    for items in lists.values():
        for n, t in enumerate(items):
            # a line Word numbers or bullets itself has its dash from the list: none is typed
            lead = not (labels.get(t.i) and t.k in (None, 0))
            edits.list_line(els[t.i], t.i, t.k, last=n == len(items) - 1, lead=lead)
    fix_kinds.bases_punctuation(els, targets, edits)
    for i, p in enumerate(els):
        edits.nfc(p, i)
    return edits


def _lines(
    doc: etree._Element,
    els: list[etree._Element],
    paras: list[Paragraph],
    targets: list[Target],
    rules: set[str],
) -> None:
    """The lines under the Tiêu ngữ and the agency's name, where the checker found none (or one
    of the wrong length drawn by an empty paragraph's border)."""
    for role, prefix in (("tieu_ngu", "tieu_ngu"), ("issuer", "issuer")):
        if not rules & {f"{prefix}.rule", f"{prefix}.rule_length"}:
            continue
        t = next((x for x in targets if x.role == role), None)
        if t is None or t.seg is not None:  # a header typed with tabs: its lines are a person's
            continue
        para = paras[t.i]
        nxt = t.i + 1 if t.i + 1 < len(els) else None
        reuse = None
        if nxt is not None:
            q = paras[nxt]
            same_cell = (q.table_index, q.row, q.cell) == (para.table_index, para.row, para.cell)
            if same_cell and q.in_table == para.in_table and not q.text.strip() and not q.drawing:
                reuse = els[nxt]
        if f"{prefix}.rule" not in rules and reuse is None:
            continue
        line = para.text.split("\n")[t.k or 0] if t.k is not None else para.text
        sizes = [r.props.size for r in para.runs if r.props.size and r.text.strip()]
        size = min(
            max(max(sizes) if sizes else 13, 12 if role == "issuer" else 13), 13 if role == "issuer" else 14
        )
        column = para.cell_width or _text_width(doc)
        rule_under(els[t.i], reuse, column, rule_length(line.strip(), size, motto=role == "tieu_ngu"))


def _text_width(doc: etree._Element) -> int:
    sect = next(doc.iter(w("sectPr")), None)
    size = sect.find(w("pgSz")) if sect is not None else None
    mar = sect.find(w("pgMar")) if sect is not None else None
    width = as_int(size.get(w("w")), 11906) if size is not None else 11906
    if mar is None:
        return width - 2835
    return width - as_int(mar.get(w("left")), 1701) - as_int(mar.get(w("right")), 1134)


def _texts_of(root: etree._Element) -> list[str]:
    copy = deepcopy(root)
    remove_page_fields(copy)
    return [text_of(p) for p in copy.iter(w("p"))]


def _verify(pkg: Package, original: dict[str, etree._Element], edits: Edits, name: str) -> None:
    """Every word of the original kept: the main part may differ only in the paragraphs edited
    and only by the decree's digits and punctuation; headers and footers only by page numbers;
    a new part holds no text but a page number, or the text of a footer the letter had."""
    changed = differences(_texts_of(original[_MAIN]), _texts_of(pkg.tree(_MAIN)), edits.changed)
    for part in original:
        if part != _MAIN:
            changed += differences(_texts_of(original[part]), _texts_of(pkg.tree(part)), set())
    known = {t for root in original.values() for t in _texts_of(root)}
    for root in pkg.new.values():
        changed += [t for t in _texts_of(root) if t.strip() and t not in known]
    if changed:
        raise RenderError(
            _(
                '{name}: the fix would change the text of the letter ("{text}"), so nothing was '
                "written; fix the letter by hand, and please report this letter"
            ).format(name=name, text=changed[0][:60])
        )


# --- files -------------------------------------------------------------------------------------


def default_output(source: Path) -> Path:
    """LETTER.docx -> LETTER-fixed.docx, beside it."""
    return source.with_name(f"{source.stem}-fixed.docx")


def _readable(path: Path) -> None:
    if not path.exists():
        raise InputError(str(path), [Problem("", _("file not found"), _("check the path and the file name"))])
    if path.is_dir():
        raise InputError(str(path), [Problem("", _("this is a folder"), _("give .docx files"))])
    if not path.is_file():
        raise InputError(
            str(path), [Problem("", _("not a regular file (a device or a pipe)"), _("give .docx files"))]
        )


def _may_write(source: Path, output: Path) -> None:
    """The output is not the original, and replaces only a file wfhdoc wrote."""
    if output.exists() and os.path.samefile(source, output):
        raise OutputError(
            _(
                "{path}: this is the letter being fixed; the original is never changed: give "
                "another name with -o"
            ).format(path=output)
        )
    if output.is_symlink() or not output.exists():
        return  # write_atomic refuses a link with its own message
    if output.is_dir():
        raise OutputError(_("{path}: is a folder; give a file name ending in .docx").format(path=output))
    data = read_regular(output)
    if data is None or not (written_by_fix(data) or made_by_wfhdoc(output)):
        raise OutputError(
            _(
                "{path}: the file exists and wfhdoc did not write it; wfhdoc never replaces such a "
                "file: give another name with -o, or move the file away"
            ).format(path=output)
        )


def fix_file(source: Path, output: Path | None = None) -> tuple[Fixed, Path]:
    """fix_docx for a file a user names, the fixed letter written to `output` (LETTER-fixed.docx
    beside it by default) when there is something to write."""
    _readable(source)
    out = output or default_output(source)
    _may_write(source, out)
    try:
        fixed = fix_docx(source)
    except OSError as exc:
        raise InputError(
            str(source),
            [
                Problem(
                    "",
                    _("the file cannot be read ({reason})").format(reason=exc.strerror or exc),
                    _("check that you may read it"),
                )
            ],
        ) from None
    if fixed.data is not None:
        write_atomic(out, fixed.data)
    return fixed, out


__all__ = ["Fixed", "default_output", "fix_docx", "fix_file"]
