"""The pictures of a letter's image blocks: each a centred (or left, right) paragraph holding a
DrawingML inline picture (w:drawing / wp:inline, as Word writes one), its bytes a member
word/media/imageN.png (or .jpeg) related from the document part, and [Content_Types].xml knowing
its extension. A letter without one costs nothing here: the package is touched only when a
letter has pictures."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from ..errors import RenderError
from ..i18n import _
from ..letter.images import Picture

IMAGE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
EMU_PER_TWIP = 635
EMU_PER_CM = 360_000
MAX_LETTER_BYTES = 64 << 20  # the pictures of one letter together: a letter is mailed
_RID = "rIdWfhImage{}"
_FIRST_SHAPE = 50_000  # docPr ids: far above the few a template's own drawings use
_NS = (
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


@dataclass
class Media:
    """The pictures of one letter, in the order they were first drawn (one member each, however
    often drawn), and the shapes drawn."""

    pictures: list[Picture] = field(default_factory=list)
    shapes: int = 0
    _index: dict[bytes, int] = field(default_factory=dict)
    _bytes: int = 0

    def add(self, picture: Picture) -> tuple[str, int]:
        """The relationship id of `picture` and a new shape id for one drawing of it."""
        n = self._index.get(picture.data)
        if n is None:
            self._bytes += len(picture.data)
            if self._bytes > MAX_LETTER_BYTES:
                raise RenderError(
                    _(
                        "the letter's pictures weigh more than {megabytes} MB together: save them "
                        "smaller (a chart at 200 dpi is about 100 KB)"
                    ).format(megabytes=MAX_LETTER_BYTES >> 20)
                )
            self.pictures.append(picture)
            n = self._index[picture.data] = len(self.pictures)
        self.shapes += 1
        return _RID.format(n), _FIRST_SHAPE + self.shapes


def size_emu(picture: Picture, width_cm: float | None, text_width: int) -> tuple[int, int]:
    """The printed size: `width_cm` (default the text's width), never wider than the text."""
    widest = text_width * EMU_PER_TWIP
    width = min(round(width_cm * EMU_PER_CM), widest) if width_cm else widest
    return width, max(1, round(width * picture.height_px / picture.width_px))


def paragraph(rid: str, shape: int, size: tuple[int, int], *, alt: str, align: str) -> str:
    """The paragraph holding the picture, with its own line height (the body style's exact
    height would clip it), kept with the caption under it."""
    cx, cy = size
    name = quoteattr(f"Picture {shape - _FIRST_SHAPE}")
    return (
        '<w:p><w:pPr><w:pStyle w:val="NoiDung"/><w:keepNext/>'
        '<w:spacing w:before="120" w:after="60" w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:firstLine="0"/><w:jc w:val="{align}"/></w:pPr>'
        f'<w:r><w:drawing {_NS}><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape}" name={name} descr={quoteattr(alt)}/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{shape}" name={name} descr={quoteattr(alt)}/>'
        '<pic:cNvPicPr><a:picLocks noChangeAspect="1" noChangeArrowheads="1"/></pic:cNvPicPr></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )


def _member_names(media: Media, taken: set[str]) -> list[str]:
    """word/media/imageN.<ext>, N skipping the names the template's own media hold."""
    out: list[str] = []
    n = 0
    for picture in media.pictures:
        n += 1
        while f"word/media/image{n}.{picture.kind}" in taken:
            n += 1
        out.append(f"word/media/image{n}.{picture.kind}")
    return out


def add_to_package(
    content_types: bytes, document_rels: bytes, media: Media, taken: set[str]
) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """[Content_Types].xml knowing each picture's extension, the document's relationships naming
    each picture, and the members to add."""
    types = content_types.decode("utf-8")
    rels = document_rels.decode("utf-8")
    members: list[tuple[str, bytes]] = []
    for n, (name, picture) in enumerate(zip(_member_names(media, taken), media.pictures, strict=True), 1):
        if f'Extension="{picture.kind}"' not in types:
            default = f'<Default Extension="{picture.kind}" ContentType="{picture.content_type}"/>'
            types = types.replace("<Default ", default + "<Default ", 1)
        target = name.removeprefix("word/")
        added_rel = f'<Relationship Id="{_RID.format(n)}" Type="{IMAGE_TYPE}" Target="{target}"/>'
        rels = rels.replace("</Relationships>", added_rel + "</Relationships>", 1)
        members.append((name, picture.data))
    return types.encode("utf-8"), rels.encode("utf-8"), members
