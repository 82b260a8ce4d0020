"""The Office signature line (Word's Insert > Signature Line) in the signature block.

With it, Word shows the letter's signer a "Sign" button on opening: the leader signs the .docx
in Word with his or her certificate, the way many agencies still do before the PDF workflow.
Word writes the line as a VML shape holding an `o:signatureline` element and a picture of the
line; we write the same structure, with a picture drawn here (an "X" and a line, transparent),
which Word replaces with the signature once signed.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from xml.sax.saxutils import quoteattr

from ..letter.model import Letter

RELATIONSHIP_ID = "rIdWfhSignatureLine"
MEDIA = "word/media/wfh-signature-line.png"
IMAGE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
# the picture's size on the page: Word's own default signature line is 192 x 96 pt
WIDTH_PT, HEIGHT_PT = 192, 96


def _png(width: int, height: int, pixels: list[bytearray]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(row) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def line_picture() -> bytes:
    """A 384 x 192 transparent PNG: an "X" above the left end of a signing line."""
    width, height = 384, 192
    rows = [bytearray(width * 4) for _ in range(height)]

    def dot(x: int, y: int) -> None:
        if 0 <= x < width and 0 <= y < height:
            rows[y][x * 4 : x * 4 + 4] = b"\x00\x00\x00\xff"

    for x in range(16, width - 16):  # the line, 3 px thick
        for y in (150, 151, 152):
            dot(x, y)
    for i in range(28):  # the X, 3 px strokes
        for t in (-1, 0, 1):
            dot(20 + i + t, 112 + i)
            dot(47 - i + t, 112 + i)
    return _png(width, height, rows)


def shape_run(letter: Letter) -> str:
    """The run that holds the signature line, as Word writes it."""
    signer = letter.signer
    title = " ".join(signer.authority_lines()).replace("\n", " ")
    # a stable id: the same letter gives the same file
    ident = uuid.uuid5(uuid.NAMESPACE_URL, f"wfhdoc:{letter.symbol}:{letter.number}:{signer.name}")
    return (
        "<w:r><w:pict>"
        '<v:shapetype id="_x0000_t75" coordsize="21600,21600" o:spt="75" o:preferrelative="t" '
        'path="m@4@5l@4@11@9@11@9@5xe" filled="f" stroked="f">'
        '<v:stroke joinstyle="miter"/><v:formulas>'
        + "".join(
            f'<v:f eqn="{eqn}"/>'
            for eqn in (
                "if lineDrawn pixelLineWidth 0",
                "sum @0 1 0",
                "sum 0 0 @1",
                "prod @2 1 2",
                "prod @3 21600 pixelWidth",
                "prod @3 21600 pixelHeight",
                "sum @0 0 1",
                "prod @6 1 2",
                "prod @7 21600 pixelWidth",
                "sum @8 21600 0",
                "prod @7 21600 pixelHeight",
                "sum @10 21600 0",
            )
        )
        + '</v:formulas><v:path o:extrusionok="f" gradientshapeok="t" o:connecttype="rect"/>'
        '<o:lock v:ext="edit" aspectratio="t"/></v:shapetype>'
        f'<v:shape id="WfhSignatureLine" o:spid="_x0000_i1025" type="#_x0000_t75" '
        f'alt="Microsoft Office Signature Line..." style="width:{WIDTH_PT}pt;height:{HEIGHT_PT}pt">'
        f'<v:imagedata r:id="{RELATIONSHIP_ID}" o:title=""/>'
        '<o:lock v:ext="edit" ungrouping="t" rotation="t" cropping="t" verticies="t" text="t" grouping="t"/>'
        f'<o:signatureline v:ext="edit" id="{{{str(ident).upper()}}}" '
        'provid="{00000000-0000-0000-0000-000000000000}" '
        f"o:suggestedsigner={quoteattr(signer.name)} o:suggestedsigner2={quoteattr(title)} "
        'o:suggestedsigneremail="" issignatureline="t"/>'
        "</v:shape></w:pict></w:r>"
    )


def add_to_package(content_types: bytes, document_rels: bytes) -> tuple[bytes, bytes]:
    """[Content_Types].xml knowing PNG, and the document's relationships naming the picture."""
    types = content_types.decode("utf-8")
    if 'Extension="png"' not in types:
        types = types.replace("<Default ", '<Default Extension="png" ContentType="image/png"/><Default ', 1)
    rels = document_rels.decode("utf-8")
    if RELATIONSHIP_ID not in rels:
        target = MEDIA.removeprefix("word/")
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="{RELATIONSHIP_ID}" Type="{IMAGE_TYPE}" Target="{target}"/></Relationships>',
        )
    return types.encode("utf-8"), rels.encode("utf-8")
