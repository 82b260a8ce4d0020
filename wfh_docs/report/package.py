"""Post-processing a .docx wfhdoc rendered: parts replaced or added, every other member copied
byte for byte (its name, time, compression and content as they were)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping

from ..files.safezip import Archive, Limits

# what a letter of ours may inflate to here: far above any letter, far below harm
LIMITS = Limits(member=64 << 20, total=256 << 20)
CONTENT_TYPES = "[Content_Types].xml"
DOCUMENT_RELS = "word/_rels/document.xml.rels"


def rewrite(docx: bytes, changed: Mapping[str, bytes]) -> bytes:
    """`docx` with the members of `changed` replaced (in place) or added (at the end)."""
    out = io.BytesIO()
    with (
        Archive(docx, what="docx", limits=LIMITS) as archive,
        zipfile.ZipFile(io.BytesIO(docx)) as zin,
        zipfile.ZipFile(out, "w") as zout,
    ):
        for info in zin.infolist():
            data = changed.get(info.filename)
            zout.writestr(info, data if data is not None else archive.read(info.filename))
        stamp = zin.infolist()[0].date_time if zin.infolist() else (1980, 1, 1, 0, 0, 0)
        for name, data in changed.items():
            if name not in archive:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(info, data)
    return out.getvalue()


def read(docx: bytes, name: str) -> bytes:
    with Archive(docx, what="docx", limits=LIMITS) as archive:
        return archive.read(name)


def names(docx: bytes) -> list[str]:
    with Archive(docx, what="docx", limits=LIMITS) as archive:
        return archive.names()


def add_relationship(rels: bytes, rel_type: str, target: str) -> tuple[bytes, str]:
    """The relationships part with one more relationship, and its new id."""
    text = rels.decode("utf-8")
    taken = set(re.findall(r'Id="([^"]+)"', text))
    n = 1
    while f"rIdWfh{n}" in taken:
        n += 1
    rid = f"rIdWfh{n}"
    rel = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/>'
    return text.replace("</Relationships>", rel + "</Relationships>", 1).encode("utf-8"), rid


def add_override(types: bytes, part: str, content_type: str) -> bytes:
    text = types.decode("utf-8")
    if f'PartName="{part}"' in text:
        return types
    entry = f'<Override PartName="{part}" ContentType="{content_type}"/>'
    return text.replace("</Types>", entry + "</Types>", 1).encode("utf-8")


def add_default(types: bytes, extension: str, content_type: str) -> bytes:
    text = types.decode("utf-8")
    if re.search(rf'<Default Extension="{extension}"', text, re.I):
        return types
    entry = f'<Default Extension="{extension}" ContentType="{content_type}"/>'
    return text.replace("<Default ", entry + "<Default ", 1).encode("utf-8")
