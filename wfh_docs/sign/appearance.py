"""What a signature looks like and where its widget is: the one module that touches pyHanko's
internals (a stamp style with an image and a text block at fixed places, the font engine, the
signer whose time is the one printed, the signature fields of a PDF)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBox, TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.stamp.base import BaseStamp, BaseStampStyle

from .base import Box, Widget
from .fonts import TEXT_COLOUR, Text

DESCENT = 0.25  # of the font size: where a text block's lowest baseline sits above its bottom


@dataclass(frozen=True)
class Nd30StampStyle(BaseStampStyle):
    """An image and a block of text at fixed places inside the widget; no border."""

    picture: Any = None  # PIL image, RGBA
    picture_box: tuple[float, float, float, float] | None = None  # x, y, width, height in the widget
    text: Text | None = None
    text_origin: tuple[float, float] = (0.0, 0.0)  # the block's lower left corner in the widget
    # more blocks of text, each at its own place: the day and the month in their blanks
    more: tuple[tuple[Text, tuple[float, float]], ...] = ()
    border_width: int = 0
    background_opacity: float = 1.0

    def create_stamp(
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict[str, Any]
    ) -> _Nd30Stamp:
        return _Nd30Stamp(writer, self, box)


@dataclass(frozen=True)
class _FontFactory(GlyphAccumulatorFactory):
    """GlyphAccumulatorFactory reading the font into memory: pyHanko's own opens the file and
    never closes it (a ResourceWarning for every stamp)."""

    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()  # type: ignore[no-untyped-call]
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(Path(self.font_file).read_bytes()),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )


class _Nd30Stamp(BaseStamp):
    def __init__(self, writer: BasePdfFileWriter, style: Nd30StampStyle, box: layout.BoxConstraints):
        super().__init__(writer=writer, style=style, box=box)

    def _render_inner_content(self) -> list[bytes]:
        style: Nd30StampStyle = self.style
        commands: list[bytes] = []
        if style.picture is not None and style.picture_box is not None:
            x, y, w, h = style.picture_box
            image = PdfImage(
                style.picture,
                writer=self.writer,
                resources=self.resources,
                box=layout.BoxConstraints(w, h),
            )
            commands.append(b"q 1 0 0 1 %g %g cm %s Q" % (x, y, image.render()))
        blocks = ([(style.text, style.text_origin)] if style.text is not None else []) + list(style.more)
        # one text box (one font engine, one subset) per font and size, drawn at every place: two
        # engines under one resource name would each think the font theirs
        boxes: dict[tuple[str, int, int], TextBox] = {}
        for text, (x, y) in blocks:
            key = (str(text.font), text.size, text.leading)
            if key not in boxes:
                boxes[key] = self._box(text, f"F{len(boxes) + 1}")
            box = boxes[key]
            box.content = text.content
            # the box's lowest baseline sits on its bottom edge: lift it over the descenders
            lift = y + DESCENT * text.size
            commands.append(b"q 1 0 0 1 %g %g cm %s Q" % (x, lift, box.render()))  # type: ignore[no-untyped-call]
        return commands

    def _box(self, text: Text, font_name: str) -> TextBox:
        # keep the engine's font_size equal to the box's (pyHanko #733: lines drift otherwise)
        text_style = TextBoxStyle(
            font=_FontFactory(str(text.font), font_size=text.size),
            font_size=text.size,
            leading=text.leading,
            text_color=TEXT_COLOUR,
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN,
                y_align=layout.AxisAlignment.ALIGN_MIN,
                margins=layout.Margins(0, 0, 0, 0),
                inner_content_scaling=layout.InnerScaling.NO_SCALING,
            ),
        )
        return TextBox(
            text_style, writer=self.writer, resources=self.resources, box=None, font_name=font_name
        )


class TimedPdfSigner(signers.PdfSigner):
    """PdfSigner whose signing time (/M, the stamp's time) is the one we print."""

    def __init__(self, *args: Any, when: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._when = when

    def init_signing_session(self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._when
        return session


def existing_widgets(reader: Any) -> list[Widget]:
    """The signature fields of the PDF that have a widget, signed or not."""
    page_of: dict[int, int] = {}
    for index in range(int(reader.root["/Pages"]["/Count"])):
        page = reader.find_page_for_modification(index)[0]
        annots = page.get_object().get("/Annots")
        if annots is None:
            continue
        for annot in annots.get_object():
            if isinstance(annot, generic.IndirectObject):
                page_of[annot.idnum] = index
    result = []
    for name, value, ref in fields.enumerate_sig_fields(reader, filled_status=None):
        field_dict = ref.get_object()
        widgets = [ref]
        if "/Rect" not in field_dict and "/Kids" in field_dict:
            widgets = list(field_dict["/Kids"])
        for widget in widgets:
            rect = widget.get_object().get("/Rect")
            if rect is None:
                continue
            x0, y0, x1, y1 = (float(v) for v in rect)
            box = Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            index = page_of.get(getattr(widget, "idnum", -1), -1)
            result.append(Widget(str(name), index, box, value is not None, _shows_image(widget.get_object())))
    return result


def _shows_image(widget: Any, depth: int = 4) -> bool:
    """Whether the widget's normal appearance draws an image, in it or in a form it draws."""
    try:
        appearance = widget.get("/AP")
        stack = [(appearance["/N"].get_object(), 0)] if appearance is not None else []
        while stack:
            form, level = stack.pop()
            resources = form.get("/Resources")
            xobjects = resources.get_object().get("/XObject") if resources is not None else None
            for ref in xobjects.get_object().values() if xobjects is not None else ():
                item = ref.get_object()
                if item.get("/Subtype") == "/Image":
                    return True
                if item.get("/Subtype") == "/Form" and level < depth:
                    stack.append((item, level + 1))
    except (KeyError, AttributeError, TypeError, ValueError):  # a damaged appearance shows nothing
        return False
    return False


def field_spec(name: str, page: int, box: Box) -> Any:
    """A new signature field's widget at `box` on the 0-based `page`."""
    return fields.SigFieldSpec(name, on_page=page, box=box.as_tuple())  # type: ignore[arg-type]


def stamp(
    picture: Any,
    picture_box: tuple[float, float, float, float] | None,
    text: Text | None,
    text_origin: tuple[float, float],
    more: tuple[tuple[Text, tuple[float, float]], ...] = (),
) -> Nd30StampStyle:
    """The appearance: the image at `picture_box` and the text block at `text_origin` (widget
    coordinates), and the `more` blocks at theirs."""
    return Nd30StampStyle(
        picture=picture, picture_box=picture_box, text=text, text_origin=text_origin, more=more
    )


@dataclass(frozen=True)
class Unparsed:
    """A signature field whose signature pyHanko cannot even read (its CMS is no CMS)."""

    field: str
    reason: str


def signatures(reader: Any) -> list[EmbeddedPdfSignature | Unparsed]:
    """The PDF's signatures in signing order, as pyHanko's `embedded_signatures` lists them, but
    one it cannot parse is kept as `Unparsed` instead of failing the whole file."""
    known = {s.value for s in fields.SigSeedSubFilter}
    found: list[tuple[int, int, EmbeddedPdfSignature | Unparsed]] = []
    for order, (name, value, field) in enumerate(fields.enumerate_sig_fields(reader, filled_status=True)):
        if value.get_object().get("/SubFilter") not in known:
            continue  # as pyHanko: a signature of a kind it does not know is not listed
        try:
            signature = EmbeddedPdfSignature(reader, field, name)
            found.append((signature.signed_revision, order, signature))
        except Exception as exc:  # asn1crypto and pyHanko raise many kinds on a damaged CMS
            try:
                revision = reader.xrefs.get_last_change(field.get_object().raw_get("/V").reference)
            except Exception:  # no revision to place it in: last
                revision = 1 << 30
            found.append((revision, order, Unparsed(str(name), f"{type(exc).__name__}: {exc}")))
    return [item for _r, _o, item in sorted(found, key=lambda t: (t[0], t[1]))]
