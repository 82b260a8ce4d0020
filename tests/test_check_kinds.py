"""The checker on every kind of document wfhdoc makes (Phụ lục III, Mẫu 1.1-1.10): each sample
of data/examples, built through the library, passes; a defect planted in it with python-docx (the
tên loại not bold, the trích yếu italic, a căn cứ upright, "Điều 1." not bold, the last căn cứ
ending ";" ...) is found under its rule, with the decree's clause, in what the clerk reads."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from helpers import EXAMPLES

from wfh_docs.check import Finding, check_docx, rule
from wfh_docs.i18n import using
from wfh_docs.letter.sources import load_letter
from wfh_docs.render.template import Template

SAMPLES = sorted(EXAMPLES.glob("*.json"))
QD = "quyet-dinh-to-cong-tac"
NQ = "nghi-quyet-hoi-dong"
KH = "ke-hoach-lam-viec-tai-nha"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with using("en"):
        yield


@cache
def built(stem: str) -> bytes:
    return Template().render(load_letter(EXAMPLES / f"{stem}.json").letter).data


def listing(findings: list[Finding]) -> str:
    return "\n".join(str(f) for f in findings) or "(none)"


@pytest.mark.parametrize("source", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_of_every_kind_passes(source: Any) -> None:
    found = check_docx(built(source.stem))
    assert not found, f"{source.name}:\n{listing(found)}"


def _paragraphs(d: Any) -> list[Any]:
    out = list(d.paragraphs)
    for table in d.tables:
        for cell in table._cells:
            out += cell.paragraphs
    return out


def planted(stem: str, prefix: str, change: Callable[[Any], None]) -> bytes:
    """The sample with `change` made to the first paragraph that starts with `prefix`."""
    d = docx.Document(io.BytesIO(built(stem)))
    p = next(p for p in _paragraphs(d) if p.text.strip().startswith(prefix))
    change(p)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _runs(attr: str, value: Any) -> Callable[[Any], None]:
    def change(p: Any) -> None:
        for r in p.runs:
            setattr(r.font, attr, value)

    return change


def _first_run(attr: str, value: Any) -> Callable[[Any], None]:
    return lambda p: setattr(p.runs[0].font, attr, value)


def _retext_end(old: str, new: str) -> Callable[[Any], None]:
    def change(p: Any) -> None:
        last = [r for r in p.runs if r.text][-1]
        assert last.text.endswith(old)
        last.text = last.text[: -len(old)] + new

    return change


def _retext_start(old: str, new: str) -> Callable[[Any], None]:
    def change(p: Any) -> None:
        first = p.runs[0]
        assert first.text.startswith(old)
        first.text = new + first.text[len(old) :]

    return change


def _left(p: Any) -> None:
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT


# (sample, the paragraph's start, the defect, the rule, a word of the message the clerk reads)
DEFECTS = [
    (QD, "QUYẾT ĐỊNH", _runs("bold", False), "type_name.format", "bold"),
    (KH, "KẾ HOẠCH", _runs("bold", False), "type_name.format", "bold"),
    (KH, "KẾ HOẠCH", _runs("size", Pt(16)), "type_name.format", "13-14"),
    (KH, "KẾ HOẠCH", _left, "type_name.format", "centred"),
    (QD, "Về việc thành lập", _runs("italic", True), "type_subject.format", "upright"),
    (KH, "Tổ chức làm việc", _runs("bold", False), "type_subject.format", "bold"),
    (QD, "Căn cứ Luật", _runs("italic", False), "can_cu.format", "italics"),
    (NQ, "Căn cứ kết quả", _runs("italic", False), "can_cu.format", "italics"),
    (QD, "Theo đề nghị", _runs("italic", False), "can_cu.format", "Theo đề nghị của"),
    (QD, "Theo đề nghị", _retext_end(".", ";"), "can_cu.punctuation", "last"),
    (NQ, "Căn cứ kết quả", _retext_end(".", ";"), "can_cu.punctuation", "last"),
    (QD, "Căn cứ Luật", _retext_end(";", ","), "can_cu.punctuation", "but the last"),
    (QD, "Điều 1.", _first_run("bold", False), "article.format", "bold"),
    (NQ, "Điều 2.", _first_run("italic", True), "article.format", "upright"),
    (QD, "QUYẾT ĐỊNH:", _runs("bold", False), "decision.command", "bold capitals"),
    (QD, "CHỦ TỊCH ỦY BAN", _runs("bold", False), "decision.authority", "bold capitals"),
    (QD, "- Như Điều 3;", _retext_end("Như Điều 3;", "Như trên;"), "cc.nhu_dieu", "Như Điều"),
    (
        "cong-dien-cach-ly",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH điện",
        _retext_end("điện:", "gửi"),
        "telegram.recipients",
        "điện:",
    ),  # fmt: skip
    (
        "giay-moi-hop-truc-tuyen",
        "Địa điểm",
        _retext_start("Địa điểm", "Nơi họp"),
        "invitation.content",
        "Địa điểm",
    ),  # fmt: skip
    (
        "bien-ban-hop-truc-tuyen",
        "THƯ KÝ",
        _retext_end("THƯ KÝ", "NGƯỜI GHI"),
        "minutes.signers",
        "THƯ KÝ",
    ),  # fmt: skip
    ("bao-cao-gui-cap-tren", "Kính gửi", _runs("bold", True), "recipients.style", "not bold"),
]


@pytest.mark.parametrize(
    ("stem", "prefix", "change", "rule_id", "word"),
    DEFECTS,
    ids=[f"{n:02}" for n in range(len(DEFECTS))],
)
def test_a_planted_defect_is_found_with_its_clause(
    stem: str, prefix: str, change: Callable[[Any], None], rule_id: str, word: str
) -> None:
    found = check_docx(planted(stem, prefix, change))
    if not rule_id:
        assert not found, listing(found)
        return
    hits = [f for f in found if f.rule == rule_id]
    assert hits, f"{rule_id} not found:\n{listing(found)}"
    assert any(word in f.message for f in hits), listing(hits)
    r = rule(rule_id)
    assert all(f.severity == r.severity and f.clause == r.clause and f.clause for f in hits)
    others = {f.rule for f in found if f.severity == "error"} - {rule_id}
    assert not others, listing(found)


def test_the_clauses_are_the_decrees() -> None:
    """Phụ lục I writes the tên loại, trích yếu, căn cứ and articles in words: errors; what only
    the Mẫu of Phụ lục III show is a warning."""
    for rule_id, clause in (
        ("type_name.format", "Mục II.5.b Phụ lục I"),
        ("type_subject.format", "Mục II.5.b Phụ lục I"),
        ("type_subject.rule", "Mục II.5.b Phụ lục I"),
        ("can_cu.format", "Mục II.6.a Phụ lục I"),
        ("can_cu.punctuation", "Mục II.6.a Phụ lục I"),
        ("article.format", "Mục II.6.đ Phụ lục I"),
        ("recipients.style", "Mục II.9.d Phụ lục I"),
    ):
        assert (rule(rule_id).severity, rule(rule_id).clause) == ("error", clause)
    for rule_id in (
        "decision.command",
        "decision.authority",
        "cc.nhu_dieu",
        "minutes.signers",
        "telegram.recipients",
        "invitation.content",
    ):
        assert rule(rule_id).severity == "warning" and rule(rule_id).clause.startswith("Mẫu 1.")


def test_a_vietnamese_clerk_reads_the_clause() -> None:
    data = planted(QD, "Căn cứ Luật", _runs("italic", False))
    with using("vi"):
        [hit] = [f for f in check_docx(data) if f.rule == "can_cu.format"]
    assert hit.message.endswith("(Mục II.6.a Phụ lục I)") and hit.element == "Căn cứ ban hành"


@pytest.mark.parametrize("stem", [QD, "quyet-dinh-ban-hanh-quy-che"])
def test_an_upright_theo_de_nghi_line_is_named_as_the_can_cu_are(stem: str) -> None:
    # Mẫu 1.1-1.3 print "Theo đề nghị của ..." in italics, the căn cứ's last line (Mục II.6.a)
    ready = check_docx(built(stem))
    assert not ready, listing(ready)
    found = check_docx(planted(stem, "Theo đề nghị", _runs("italic", False)))
    assert [(f.rule, f.severity) for f in found] == [("can_cu.format", "error")], listing(found)
    assert found[0].where.startswith("Theo đề nghị của") and found[0].found == "upright"


def test_a_bien_ban_needs_no_date_line_and_a_quyet_dinh_does() -> None:
    assert not check_docx(built("bien-ban-hop-truc-tuyen"))
    data = planted(QD, "Can Lộc, ngày", _retext_end("năm 2020", "2020"))
    assert "date.missing" in {f.rule for f in check_docx(data)}


def test_a_trich_yeu_line_of_the_wrong_length_is_a_warning() -> None:
    def full(p: Any) -> None:
        ind = p._p.get_or_add_pPr().find(qn("w:ind"))
        for side in ("w:left", "w:right", "w:start", "w:end"):
            ind.attrib.pop(qn(side), None)

    d = docx.Document(io.BytesIO(built(KH)))
    ps = d.paragraphs
    k = next(n for n, p in enumerate(ps) if p.text.startswith("KẾ HOẠCH"))
    full(next(p for p in ps[k + 1 :] if not p.text.strip()))
    out = io.BytesIO()
    d.save(out)
    found = check_docx(out.getvalue())
    assert {(f.rule, f.severity) for f in found} == {("type_subject.rule_length", "warning")}, listing(found)


def test_a_title_missing_its_trich_yeu_is_an_error_but_not_a_giay_gioi_thieu() -> None:
    assert not check_docx(built("giay-gioi-thieu"))
    d = docx.Document(io.BytesIO(built(KH)))
    ps = d.paragraphs
    k = next(n for n, p in enumerate(ps) if p.text.startswith("KẾ HOẠCH"))
    for p in ps[k + 1 : k + 3]:  # its two lines
        p._p.getparent().remove(p._p)
    out = io.BytesIO()
    d.save(out)
    found = check_docx(out.getvalue())
    assert {f.rule for f in found if f.severity == "error"} == {"type_subject.missing"}, listing(found)
