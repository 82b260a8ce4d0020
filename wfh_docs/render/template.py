"""The one entry point that turns a Letter into .docx bytes through a docxtpl template.

A Template is loaded once: its parts are patched with docxtpl's own tag clean-up (tags Word
split across runs, {%p %} and {{p }} tags) and compiled by Jinja once, so rendering a letter
costs a Jinja render and a zip write, not a reload and recompile as docxtpl's render() does.

The template is a file from outside, so it is read through safezip and renders in Jinja's
immutable sandbox with limits on loops, calls, values, output and time (render.sandbox); a
tag reaching for Python's internals is refused when the template is loaded, and whatever goes
wrong while rendering is a TemplateError naming the template, the part and the paragraph.

Data never meets the template as raw text (render.builders escapes it); what the template is
given is render.contract's; after rendering the letter is verified (render.verify):
well-formed XML, no template tag left, every input string present. A letter that fails any of
these is never returned. The speed machinery is render.assemble's.
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import TemplateError as JinjaTemplateError
from jinja2.exceptions import SecurityError
from lxml import etree

from ..errors import ArchiveError, TemplateError
from ..files.safezip import Archive
from ..i18n import _, language
from ..letter.labels import field_name
from ..letter.layout import LAYOUT
from ..letter.metrics import text_width_twips
from ..letter.model import Letter
from . import inline, package, pictures, sandbox, signatureline
from .assemble import Assembler, SetAside
from .builders import core_properties
from .contract import (
    HAS_TAG,
    KIND_STYLES,
    KIND_VARIABLES,
    RENDERED_PART,
    broken_tags,
    context,
    final_sect_span,
    missing_styles,
    numbered_source,
    paragraph_at,
    patch,
)
from .pictures import Media
from .verify import LetterText, check_xml, verify, xml_text

DEFAULT_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "cong-van.docx"
_README = "'Changing the template in Word'"


@dataclass
class RenderedLetter:
    data: bytes
    warnings: list[str] = field(default_factory=list)


def _read(path: Path) -> list[tuple[str, bytes]]:
    """Every member of the template, read within safezip's bounds."""
    try:
        with Archive(path, what=str(path)) as archive:
            return [(name, archive.read(name)) for name in archive.names()]
    except FileNotFoundError:
        raise TemplateError(_("{path}: template not found").format(path=path)) from None
    except IsADirectoryError:
        raise TemplateError(_("{path}: is a folder, not a .docx template").format(path=path)) from None
    except ArchiveError as exc:
        raise TemplateError(
            _("{error}; a template is a .docx file saved by Word or LibreOffice").format(error=exc)
        ) from None
    except OSError as exc:
        raise TemplateError(_("{path}: not a .docx file ({error})").format(path=path, error=exc)) from None


def _decoded(path: Path, name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(
            _(
                "{path}: {name}: the part is not UTF-8 text (byte {position}: {bytes}); Word writes "
                "UTF-8: open the template in Word or LibreOffice and save it again as .docx"
            ).format(path=path, name=name, position=exc.start, bytes=repr(data[exc.start : exc.start + 4]))
        ) from None


class Template:
    """A docxtpl template loaded and compiled once; `render` makes one letter from it."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else DEFAULT_TEMPLATE
        self._entries = _read(self.path)
        originals = dict(self._entries)
        if "word/document.xml" not in originals:
            raise TemplateError(
                _("{path}: not a Word document (no word/document.xml)").format(path=self.path)
            )
        self._env = sandbox.LetterSandbox()
        self._compiled: dict[str, Any] = {}
        self._sources: dict[str, str] = {}  # each compiled part's source, a line per paragraph
        self.letter_sect = ""
        for name, data in self._entries:
            if RENDERED_PART.match(name) and HAS_TAG.search(data):
                self._compile(name, _decoded(self.path, name, data))
            # a part without tags is copied as it is
        self._check_styles(originals.get("word/styles.xml"))
        self._kinds = self._kinds_problem(originals.get("word/styles.xml"))
        # the parts no letter changes are compressed once, here
        self._packed = {name: package.compress(name, data, level=9) for name, data in self._entries}
        self._assembler = Assembler(originals["word/document.xml"])

    @property
    def rendered_parts(self) -> list[str]:
        """The parts with tags in them, which each letter renders; the others are copied."""
        return sorted(self._compiled)

    def _compile(self, name: str, raw: str) -> None:
        broken = broken_tags(raw)
        if broken:
            shown = "; ".join(repr(t[:100]) for t in broken[:3])
            raise TemplateError(
                _(
                    "{path}: {name}: unclosed tag in the paragraph(s) {shown}; a tag opens "
                    "and closes in one paragraph: {example}"
                ).format(path=self.path, name=name, shown=shown, example="{{ name }}, {%p if x %}")
            )
        xml = patch(raw)
        if name == "word/document.xml":
            span = final_sect_span(xml)
            if span is None:
                raise TemplateError(
                    _("{path}: the document has no section properties").format(path=self.path)
                )
            self.letter_sect = xml[span[0] : span[1]]
        source = self._sources[name] = numbered_source(xml)
        try:
            tree = self._env.parse(source)
            for line, attr in sandbox.unsafe_accesses(tree):
                raise TemplateError(
                    _(
                        "{path}: {name}{where}: the tag reaches for {attr}, one of Python's internals, "
                        "which templates may not use (names starting with '_', mro, frames and code); "
                        "a letter template needs only the fields the README lists ({readme}): remove it"
                    ).format(
                        path=self.path,
                        name=name,
                        where=paragraph_at(source, line),
                        attr=repr(attr),
                        readme=_README,
                    )
                )
            self._compiled[name] = self._env.from_string(sandbox.guard_loops(tree, self._env))
        except JinjaTemplateError as exc:
            where = paragraph_at(source, getattr(exc, "lineno", None))
            raise TemplateError(
                _("{path}: {name}: template error{where}: {error}").format(
                    path=self.path, name=name, where=where, error=exc
                )
            ) from None

    def _check_styles(self, styles: bytes | None) -> None:
        try:
            missing = missing_styles(styles)
        except etree.XMLSyntaxError as exc:
            raise TemplateError(
                _(
                    "{path}: word/styles.xml is not well-formed XML ({error}); open the "
                    "template in Word or LibreOffice and save it again as .docx"
                ).format(path=self.path, error=exc)
            ) from None
        if missing:
            raise TemplateError(
                _(
                    "{path}: the template lacks the style(s) {styles}; wfhdoc lays out the body and "
                    "phụ lục with them (see the README, {readme})"
                ).format(path=self.path, styles=", ".join(missing), readme=_README)
            )

    def _kinds_problem(self, styles: bytes | None) -> str:
        """Why this template cannot make the kinds other than the công văn ("" if it can): it
        lacks their parts ({{p title_block }}, the doc.* switches) or their styles."""
        source = self._sources.get("word/document.xml", "")
        lacking = sorted(v for v in KIND_VARIABLES if v.split(".")[-1] not in source)
        styles_missing = missing_styles(styles, KIND_STYLES)
        if not lacking and not styles_missing:
            return ""
        return _(
            "{path}: the template makes công văn only: it lacks {what} that the other kinds of "
            "Phụ lục III need; build it again from tools/make_template.py, or add them (see the "
            "README, {readme})"
        ).format(path=self.path, what=", ".join(lacking + styles_missing), readme=_README)

    def _render_part(self, name: str, ctx: dict[str, Any]) -> str:
        """One part rendered in the sandbox; whatever goes wrong is the template's, said with
        the paragraph it happened in."""
        compiled = self._compiled[name]
        try:
            return sandbox.render_part(compiled.root_render_func, compiled.new_context(ctx))
        except Exception as exc:  # noqa: BLE001 - only the template's own code runs here
            raise TemplateError(self._render_failure(name, compiled, exc)) from None

    def _render_failure(self, name: str, compiled: Any, exc: Exception) -> str:
        line = None
        tb = exc.__traceback__
        while tb is not None:  # the innermost frame of the template's own code
            if tb.tb_frame.f_code.co_filename == "<template>":
                line = compiled.get_corresponding_lineno(tb.tb_lineno)
            tb = tb.tb_next
        where = f"{self.path}: {name}{paragraph_at(self._sources[name], line)}"
        if isinstance(exc, sandbox.LimitError):
            return f"{where}: {exc}"
        if isinstance(exc, SecurityError):
            message = _(
                "{where}: refused by the template sandbox: {error} Templates may not reach "
                "Python's internals; a letter template needs only the fields the README lists"
            )
        elif isinstance(exc, JinjaTemplateError):
            message = _(
                "{where}: {error}; the README lists the fields a template can use "
                "({readme}), and `wfhdoc check --template` checks them"
            )
        elif isinstance(exc, RecursionError):
            message = _(
                "{where}: the template nests too deeply (a macro that calls itself without end, "
                "or lists inside lists); make the macro stop"
            )
        elif isinstance(exc, MemoryError):
            message = _("{where}: the template ran out of memory; remove what makes such large values")
        else:
            message = _(
                "{where}: the template failed while rendering ({kind}: {error}); "
                "check the expression in this paragraph"
            )
        return message.format(where=where, error=exc, kind=type(exc).__name__, readme=_README)

    def render(self, letter: Letter, *, signature_line: bool = False) -> RenderedLetter:
        """One letter; `signature_line` adds Word's signature line to the signature block."""
        if letter.kind.name and self._kinds:
            raise TemplateError(self._kinds)
        ctx = context(letter, self.letter_sect, signature_line=signature_line, aside=SetAside())
        assert ctx.aside is not None
        packed: dict[str, package.Entry] = {}
        texts: dict[str, str] = {}
        known: list[str] = []  # texts that stand whole in the letter's, besides the body's
        document_head = b""
        for name in self._compiled:
            xml = self._render_part(name, ctx.values)
            if name == "word/document.xml" and ctx.final_sect != self.letter_sect:
                span = final_sect_span(xml)
                assert span is not None  # the template was checked to have one
                xml = xml[: span[0]] + ctx.final_sect + xml[span[1] :]
            data = xml.encode("utf-8")
            if name == "word/document.xml":
                document_head = data[:2000]
                document = self._assembler.document(data, ctx.aside)
                packed[name], texts[name] = document.entry, document.text
                known += document.between
            else:
                check_xml(name, data)
                packed[name], texts[name] = self._assembler.pack(name, data), xml_text(data)
                known.append(texts[name])
        text = LetterText("\n".join(texts[name] for name in sorted(texts)))
        text.known = tuple(known)
        verify(letter, text)
        packed["docProps/core.xml"] = self._assembler.pack("docProps/core.xml", core_properties(letter))
        names = [name for name, _data in self._entries]
        if signature_line:
            self._add_signature_line(document_head, packed, names)
        if ctx.media is not None:
            self._add_pictures(ctx.media, packed, names)
        entries = [packed[name] if name in packed else self._packed[name] for name in names]
        return RenderedLetter(package.write(entries), letter_warnings(letter))

    def _part(self, name: str, packed: dict[str, package.Entry]) -> bytes:
        """A part as this letter has it so far: changed (and packed) or the template's."""
        entry = packed.get(name)
        return zlib.decompress(entry.compressed, -15) if entry is not None else dict(self._entries)[name]

    def _add_pictures(self, media: Media, packed: dict[str, package.Entry], names: list[str]) -> None:
        """The image blocks' pictures as members, with their relationships and content types."""
        types, rels, members = pictures.add_to_package(
            self._part("[Content_Types].xml", packed),
            self._part("word/_rels/document.xml.rels", packed),
            media,
            set(names),
        )
        packed["[Content_Types].xml"] = self._assembler.pack("[Content_Types].xml", types)
        packed["word/_rels/document.xml.rels"] = self._assembler.pack("word/_rels/document.xml.rels", rels)
        for name, data in members:
            packed[name] = package.compress(name, data, level=1)
            names.append(name)

    def _add_signature_line(
        self, document_head: bytes, packed: dict[str, package.Entry], names: list[str]
    ) -> None:
        if any(b"xmlns:%s=" % prefix not in document_head for prefix in (b"v", b"o", b"r")):
            raise TemplateError(
                _(
                    "{path}: the document does not declare the namespaces (v:, o:, r:) "
                    "that a signature line needs; rebuild it from tools/make_template.py"
                ).format(path=self.path)
            )
        originals = dict(self._entries)
        for name, data in zip(
            ("[Content_Types].xml", "word/_rels/document.xml.rels"),
            signatureline.add_to_package(
                originals["[Content_Types].xml"], originals["word/_rels/document.xml.rels"]
            ),
            strict=True,
        ):
            packed[name] = self._assembler.pack(name, data)
        packed[signatureline.MEDIA] = self._assembler.pack(signatureline.MEDIA, signatureline.line_picture())
        names.append(signatureline.MEDIA)


def letter_warnings(letter: Letter) -> list[str]:
    """What the letter's reader should know: an agency name too wide for its column, a phụ lục
    the body never points to."""
    out = list(_name_warnings(letter.issuer.parent, letter.issuer.name, language()))
    if letter.appendices and not _mentions_phu_luc(tuple(b for b in letter.body if isinstance(b, str))):
        out.append(
            _(
                "the body never mentions the phụ lục; ND 30 (Phụ lục I, III.1.a) asks the "
                "letter to point to it, e.g. '... tại Phụ lục đính kèm.'"
            )
        )
    return out


@functools.lru_cache(maxsize=1024)
def _name_warnings(parent: str | None, name: str, lang: str) -> tuple[str, ...]:
    """Cached (by language too): the letters of a batch share their agency."""
    out = []
    for field_id, value, bold in (("issuer.parent", parent, False), ("issuer.name", name, True)):
        for line in (value or "").split("\n"):
            width = text_width_twips(line, LAYOUT.agency_size, bold=bold, caps=True)
            if width > LAYOUT.header_left:
                out.append(
                    _(
                        "{field}: '{line}' is wider than the header's left column and will "
                        "wrap where Word decides; put a line break (\\n) where it should break"
                    ).format(field=field_name(field_id), line=line)
                )
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def _mentions_phu_luc(paragraphs: tuple[str, ...]) -> bool:
    return "phụ lục" in " ".join(inline.plain(p) for p in paragraphs).casefold()


def render(letter: Letter, template: Path | str | None = None) -> RenderedLetter:
    """Render one letter with the given template (default: wfh_docs/templates/cong-van.docx)."""
    return Template(template).render(letter)


__all__ = ["DEFAULT_TEMPLATE", "RenderedLetter", "Template", "letter_warnings", "render"]
