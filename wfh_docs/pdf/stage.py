"""The copies LibreOffice reads: each input under an ASCII name unique in the run, with every link
to outside content (pictures, frames, templates by URL, share or path) cut; hyperlinks stay."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import quoteattr

from ..files.naming import ascii_slug
from ..i18n import _

__all__ = ["Item", "stage"]

# External relationships of an OOXML package that only point somewhere: kept (a hyperlink in the
# letter becomes a link in the PDF; LibreOffice never fetches it). Any other external one (an
# image, an OLE object, a frame, an attached template) would be loaded: it is cut.
_LINK_ONLY_TYPES = ("/hyperlink",)
# The elements that use a hyperlink relationship as a link (WordprocessingML, DrawingML).
_HYPERLINK_ELEMENTS = frozenset({"hyperlink", "hlinkClick", "hlinkHover", "hlinkMouseOver"})
_MAX_PART = 256 << 20  # a part larger than this, inflated, is not read for its hyperlinks
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_BLOCKED_TARGET = "wfhdoc-blocked-external-link"


@dataclass
class Item:
    """One input of a run and what became of it so far."""

    index: int
    source: Path
    target: Path
    staged: Path = Path()  # the copy LibreOffice reads: an ASCII name, unique in the run
    attempts: int = 0
    state: str = "queued"  # queued | running | done


def stage(item: Item, folder: Path) -> str:
    """Copy the input under an ASCII name unique in the run: LibreOffice names its PDF after the
    file, so two inputs `a.docx` must not meet in one call, and names with '#', '%', a leading
    '-' or Vietnamese letters under a C locale are not all taken the same way by soffice. Links
    to outside content are cut in the copy (see _cut_external_links)."""
    if not item.source.is_file():
        return _("no such file") if not item.source.exists() else _("not a file")
    slug = ascii_slug(item.source.stem)[:40] or "letter"
    item.staged = folder / f"{item.index + 1:05d}-{slug}{item.source.suffix.lower() or '.docx'}"
    try:
        shutil.copyfile(item.source, item.staged)
    except OSError as exc:
        return _("cannot read the file ({reason})").format(reason=exc.strerror or exc)
    # a package zipfile cannot read: LibreOffice says what is wrong; its profile still blocks links
    with contextlib.suppress(
        OSError, zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, ValueError, EOFError
    ):
        _cut_external_links(item.staged)
    return ""


def _cut_external_links(path: Path) -> None:
    """Point every external relationship of an OOXML package (.docx ...) that LibreOffice would
    load (`<a:blip r:link>` images, OLE objects, frames, attached templates: by URL, UNC or local
    path) at a part that does not exist, so that converting makes no request and reads no other
    file; hyperlinks used as hyperlinks only stay. Reads the small .rels parts (and, for a package
    with external hyperlinks, the parts using them); rewrites the copy only when needed."""
    if not zipfile.is_zipfile(path):
        return
    with zipfile.ZipFile(path) as package:
        infos = package.infolist()
        changed: dict[str, bytes] = {}
        for info in infos:
            if not info.filename.lower().endswith(".rels") or info.file_size > 4 << 20:
                continue
            cut = _cut_rels(package.read(info), functools.partial(_hyperlinks_only, package, info.filename))
            if cut is not None:
                changed[info.filename] = cut
        if not changed:
            return
        tmp = path.with_name(path.name + ".cut")
        with zipfile.ZipFile(tmp, "w") as copy:
            for info in infos:
                if info.filename in changed:
                    copy.writestr(info, changed[info.filename])
                else:
                    with package.open(info) as src, copy.open(info, "w") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
    os.replace(tmp, path)


def _hyperlinks_only(package: zipfile.ZipFile, rels: str, ids: set[str]) -> set[str]:
    """Of the relationship ids `ids` of the .rels part `rels`, those that the part it belongs to
    (word/_rels/document.xml.rels: word/document.xml) uses from hyperlink elements only."""
    folder, _, name = rels.rpartition("_rels/")
    try:
        with package.open(folder + name[: -len(".rels")]) as fh:
            data = fh.read(_MAX_PART + 1)
    except (KeyError, OSError, zipfile.BadZipFile):
        return set()  # no such part: nothing needs them
    if len(data) > _MAX_PART:
        return set()
    misused: set[str] = set()
    try:
        for _, element in ElementTree.iterparse(io.BytesIO(data)):
            local = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
            for value in element.attrib.values():
                if value in ids and local not in _HYPERLINK_ELEMENTS:
                    misused.add(value)
            element.clear()
    except ElementTree.ParseError:
        return set()
    return ids - misused


def _cut_rels(data: bytes, hyperlinks_only: Callable[[set[str]], set[str]]) -> bytes | None:
    """A .rels part with its external relationships that LibreOffice would load pointed at a part
    that does not exist (an internal target), written anew; None when there is none to cut. Read
    as XML, so that an attribute written with character references is seen as LibreOffice sees it.
    A hyperlink stays only if `hyperlinks_only` says its part uses it from hyperlinks alone:
    LibreOffice loads a picture from a relationship of any type."""
    if b"External" not in data and b"&" not in data:
        return None
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None  # LibreOffice cannot read it either; its profile still blocks the links
    rels = [el for el in root if el.tag.rsplit("}", 1)[-1] == "Relationship"]
    external = [rel for rel in rels if (rel.get("TargetMode") or "").strip().casefold() == "external"]
    links = {
        rel.get("Id", "") for rel in external if (rel.get("Type") or "").strip().endswith(_LINK_ONLY_TYPES)
    }
    kept = hyperlinks_only(links) if links else set()
    cut = False
    for rel in external:
        if rel.get("Id", "") in kept:
            continue
        rel.attrib.pop("TargetMode", None)
        for key in [k for k in rel.attrib if k.casefold() == "targetmode"]:
            del rel.attrib[key]
        rel.set("Target", _BLOCKED_TARGET)
        cut = True
    if not cut:
        return None
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', f'<Relationships xmlns="{_RELS_NS}">']
    for rel in rels:
        attrs = " ".join(f"{k}={quoteattr(v)}" for k, v in rel.attrib.items() if "}" not in k)
        lines.append(f"<Relationship {attrs}/>")
    lines.append("</Relationships>")
    return "".join(lines).encode("utf-8")
