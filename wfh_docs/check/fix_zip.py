"""A letter's archive as `check --fix` changes it: the parts it edits parsed from the bounded
reader the checker uses, new parts it adds, and the new archive written with every other member
copied as it was (its bytes, name, date and compression)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

from lxml import etree

from ..errors import ArchiveError
from ..files.safezip import Archive
from ..i18n import _
from .parts import TAG_LIMIT, clip, count, parse

CONTENT_TYPES = "[Content_Types].xml"
DOCUMENT_RELS = "word/_rels/document.xml.rels"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MARK = b"wfhdoc check --fix"  # the archive's comment: a file this command wrote


class FixError(ArchiveError):
    """A letter `check --fix` cannot rewrite safely (a part it must change is damaged)."""


class Package:
    """The parts of one letter: `tree(name)` parses a part to change it, `add` makes a new one,
    `data()` is the new archive."""

    def __init__(
        self, name: str, source: Path | bytes, parts: Mapping[str, bytes], infos: list[zipfile.ZipInfo]
    ) -> None:
        self.name = name
        self._source = source
        self._parts = parts  # the checker's bounded reader (check/parts.Parts): the XML parts
        self._infos = infos
        self.trees: dict[str, etree._Element] = {}
        self._first: dict[str, bytes] = {}  # each part as parsed, to tell whether it changed
        self.new: dict[str, etree._Element] = {}

    def __contains__(self, part: object) -> bool:
        return part in self.new or part in self._parts

    def names(self) -> list[str]:
        return [*self._parts, *self.new]

    def tree(self, part: str) -> etree._Element:
        """The part parsed to be changed; one that is not well-formed XML, or holds characters
        XML does not allow, is a FixError: writing it back would lose what could not be read."""
        if part in self.new:
            return self.new[part]
        if part not in self.trees:
            data = self._parts[part]
            if data.count(b"<") > TAG_LIMIT:
                raise FixError(
                    self.name,
                    part,
                    _("more than {count} tags, far more than a letter has").format(count=count(TAG_LIMIT)),
                )
            parsed = parse(data)
            if parsed.complaint is not None or parsed.control_chars:
                raise FixError(
                    self.name,
                    part,
                    _(
                        "damaged ({complaint}); open the letter in Word, which repairs what it can, save "
                        "it again as .docx and fix that copy"
                    ).format(complaint=clip(parsed.complaint or _("a control character in the text"))),
                )
            self.trees[part] = parsed.root
            self._first[part] = etree.tostring(parsed.root)
        return self.trees[part]

    def changed(self) -> bool:
        """Whether a part was changed or added since it was read."""
        return bool(self.new) or any(etree.tostring(t) != self._first[n] for n, t in self.trees.items())

    def add(self, part: str, root: etree._Element, content_type: str) -> None:
        self.new[part] = root
        types = self.tree(CONTENT_TYPES)
        override = etree.SubElement(types, f"{{{CT_NS}}}Override")
        override.set("PartName", "/" + part)
        override.set("ContentType", content_type)

    def free_name(self, stem: str, ext: str = ".xml") -> str:
        n = 1
        while f"{stem}{n}{ext}" in self:
            n += 1
        return f"{stem}{n}{ext}"

    def relate(self, kind: str, target: str) -> str:
        """A relationship of the document to `target` (a part name under word/); its id."""
        rels = self.tree(DOCUMENT_RELS)
        ids = {r.get("Id") for r in rels}
        n = 1
        while f"rIdFix{n}" in ids:
            n += 1
        rel = etree.SubElement(rels, f"{{{REL_NS}}}Relationship")
        rel.set("Id", f"rIdFix{n}")
        rel.set("Type", f"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}")
        rel.set("Target", target.removeprefix("word/"))
        return f"rIdFix{n}"

    def data(self) -> bytes:
        """The new archive: the members in their order, changed ones serialised again, new ones
        after them, the others copied byte for byte."""
        out = io.BytesIO()
        # the members copied as they are read within safezip's own caps (a picture may be larger
        # than an XML part the checker reads)
        with (
            Archive(self._source, what=self.name) as archive,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf,
        ):
            for info in self._infos:
                name = info.filename
                data = _xml(self.trees[name]) if name in self.trees else archive.read(name)
                copy = zipfile.ZipInfo(name, date_time=info.date_time)
                copy.compress_type = info.compress_type
                copy.external_attr = info.external_attr
                zf.writestr(copy, data)
            for name, root in self.new.items():
                zf.writestr(
                    zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), _xml(root), zipfile.ZIP_DEFLATED
                )
            zf.comment = MARK
        return out.getvalue()


def _xml(root: etree._Element) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def written_by_fix(data: bytes) -> bool:
    """Whether the archive's comment says `check --fix` wrote it (Word drops the comment when it
    saves the file again, so a fixed letter edited since is no longer one)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.comment == MARK
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
