"""Kính gửi's and Nơi nhận's lines that Word numbers or bullets itself, for `check --fix`.

The decree writes each line of these lists "- ...;" (Mục II.9.d Phụ lục I). A clerk who made them
a bulleted list in Word has the dash drawn by the list's level (w:lvlText), often "•" in Symbol;
the fix makes that level draw "-" in Times New Roman, so that the text stays as typed and the
lines read "- ...". The level is changed where the list defines it (numbering.xml), so every line
of that list gets the dash."""

from __future__ import annotations

from lxml import etree

from .fix_xml import child, set_font
from .fix_zip import Package
from .props import w

NUMBERING = "word/numbering.xml"


def _num_pr(p: etree._Element, styles: dict[str, etree._Element]) -> tuple[str, str] | None:
    """The paragraph's list (numId, ilvl): its own w:numPr, else its style's (through basedOn)."""
    ppr = p.find(w("pPr"))
    num = ppr.find(w("numPr")) if ppr is not None else None
    style = ppr.find(w("pStyle")) if ppr is not None else None
    sid = style.get(w("val")) if style is not None else None
    seen: set[str] = set()
    while num is None and sid and sid in styles and sid not in seen:
        seen.add(sid)
        num = styles[sid].find(f"{w('pPr')}/{w('numPr')}")
        based = styles[sid].find(w("basedOn"))
        sid = based.get(w("val")) if based is not None else None
    if num is None:
        return None
    num_id = num.find(w("numId"))
    ilvl = num.find(w("ilvl"))
    if num_id is None or num_id.get(w("val")) in (None, "0"):
        return None
    return num_id.get(w("val"), ""), ilvl.get(w("val"), "0") if ilvl is not None else "0"


def _level(numbering: etree._Element, num_id: str, ilvl: str) -> etree._Element | None:
    """The w:lvl that draws level `ilvl` of list `num_id`: the list's own override, else its
    abstract list's."""
    num = next((n for n in numbering.iter(w("num")) if n.get(w("numId")) == num_id), None)
    if num is None:
        return None
    for override in num.iter(w("lvlOverride")):
        if override.get(w("ilvl")) == ilvl and override.find(w("lvl")) is not None:
            return override.find(w("lvl"))
    abstract = num.find(w("abstractNumId"))
    aid = abstract.get(w("val")) if abstract is not None else None
    for a in numbering.iter(w("abstractNum")):
        if a.get(w("abstractNumId")) == aid:
            return next((lvl for lvl in a.iter(w("lvl")) if lvl.get(w("ilvl")) == ilvl), None)
    return None


# CT_Lvl: the order of its children
_LVL_ORDER = [
    "start", "numFmt", "lvlRestart", "pStyle", "isLgl", "suff", "lvlText", "lvlPicBulletId",
    "legacy", "lvlJc", "pPr", "rPr",
]  # fmt: skip


def dash_lists(pkg: Package, items: list[etree._Element]) -> None:
    """The list levels of `items` (lines of Kính gửi and Nơi nhận that Word bullets) drawing "-"
    in Times New Roman."""
    if NUMBERING not in pkg or not items:
        return
    styles: dict[str, etree._Element] = {}
    if "word/styles.xml" in pkg:
        for st in pkg.tree("word/styles.xml").iter(w("style")):
            styles.setdefault(st.get(w("styleId"), ""), st)
    numbering = pkg.tree(NUMBERING)
    for p in items:
        found = _num_pr(p, styles)
        level = _level(numbering, *found) if found else None
        if level is None:
            continue
        child(level, "numFmt", _LVL_ORDER).set(w("val"), "bullet")
        child(level, "lvlText", _LVL_ORDER).set(w("val"), "-")
        picture = level.find(w("lvlPicBulletId"))
        if picture is not None:
            level.remove(picture)
        rpr = child(level, "rPr", _LVL_ORDER)
        set_font(rpr, "Times New Roman")
        for stale in ("b", "i"):
            el = rpr.find(w(stale))
            if el is not None:
                rpr.remove(el)
