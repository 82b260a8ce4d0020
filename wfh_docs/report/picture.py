"""Pictures in a rendered .docx, until the render package has an image block: each marker
paragraph the letter data holds ('[[wfhdoc:bieu-do-1.png]]') becomes a centred paragraph with
the PNG inline at the text's width, the picture stored as word/media/<name> and related from
the document part; every other member byte for byte as it was."""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from . import package
from .charts import Chart

REL_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
EMU_PER_INCH = 914400
MAX_WIDTH_EMU = int(6.3 * EMU_PER_INCH)  # 16 cm: the text width


def marker(name: str) -> str:
    """The paragraph text that stands where the picture goes."""
    return f"[[wfhdoc:{name}]]"


def _drawing(rid: str, chart: Chart, n: int) -> str:
    width = MAX_WIDTH_EMU
    height = round(width * chart.height_px / chart.width_px)
    name = quoteattr(chart.title)
    return (
        '<w:p><w:pPr><w:spacing w:before="120" w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:r><w:drawing>'
        '<wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{width}" cy="{height}"/><wp:docPr id="{9000 + n}" name={name} descr={name}/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:nvPicPr><pic:cNvPr id="{9000 + n}" name="{chart.name}"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )


def insert_charts(docx: bytes, charts: Sequence[Chart]) -> bytes:
    """`docx` with each chart in place of its marker paragraph (a chart without one is left out)."""
    document = package.read(docx, "word/document.xml").decode("utf-8")
    rels = package.read(docx, package.DOCUMENT_RELS)
    types = package.add_default(package.read(docx, package.CONTENT_TYPES), "png", "image/png")
    changed: dict[str, bytes] = {}
    for n, chart in enumerate(charts, start=1):
        text = re.escape(marker(chart.name))
        paragraph = re.compile(r"<w:p\b(?:(?!</w:p>).)*?" + text + r"(?:(?!</w:p>).)*?</w:p>", re.S)
        found = paragraph.search(document)
        if found is None:
            continue
        rels, rid = package.add_relationship(rels, REL_IMAGE, f"media/{chart.name}")
        document = document[: found.start()] + _drawing(rid, chart, n) + document[found.end() :]
        changed[f"word/media/{chart.name}"] = chart.png
    changed |= {
        "word/document.xml": document.encode("utf-8"),
        package.DOCUMENT_RELS: rels,
        package.CONTENT_TYPES: types,
    }
    return package.rewrite(docx, changed)
