"""The blocks of a body or a phụ lục's content (ô 6 of ND 30): paragraphs, headings, tables with
merged cells, page breaks.

A block is a string (a justified paragraph, with **bold**, *italic* and ***both***), or an object:
{"paragraph": ..., "align": "center"} for a line the decree centres or sets right ("MÔN: …"),
{"heading": ..., "level": 1, "align": "center"} (Phần, Chương, Mục: centred, bold),
{"table": ...}, {"image": {"file": "bieu-do-1.png"}, "align": "center"} (a PNG or JPEG, read by
letter.images) and {"page_break": true}.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from ..i18n import N_, _
from . import inline
from .images import ImageBlock as ImageBlock


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


MultiLine = Annotated[str, Field(min_length=1)]


def markup(text: str) -> str:
    """Text with **bold** and *italic*: refused where a run of asterisks is only partly markup
    (`***a**`), which would print a stray asterisk beside the bold or italic text."""
    for at in inline.leftovers(text):
        stars = len(text[at:]) - len(text[at:].lstrip("*"))
        raise ValueError(
            _(
                "the asterisks '{stars}' at '{context}' are partly bold/italic markup and partly "
                "printed: pair them (**bold**, *italic*, ***bold italic***), or write \\* for an "
                "asterisk to print"
            ).format(stars="*" * stars, context=text[max(0, at - 20) : at + stars + 20])
        )
    return text


Marked = Annotated[str, Field(min_length=1), AfterValidator(markup)]
Align = Literal["left", "center", "right"]


class Paragraph(_Model):
    """A paragraph set otherwise than the body's justified, indented text."""

    paragraph: Marked = Field(description="the text, with **bold** and *italic* as in the body")
    align: Align = Field(
        "center", description="'center' (headings of a phụ lục, 'MÔN: …'), 'right' or 'left'"
    )


class Heading(_Model):
    """A numbered heading ("1.", "1.1", "a)", "Chương I") written as the user wants it read."""

    heading: MultiLine = Field(description="the heading text with its number, e.g. '1.1 Ứng dụng CNTT'")
    level: Literal[1, 2, 3] = Field(
        1, description="1: bold; 2: bold italic; 3: italic (as the reference phụ lục)"
    )
    align: Align | None = Field(
        None,
        description="'center' for 'Phần', 'Chương', 'Mục' and the title under them (Phụ lục I, "
        "II.6); omit for a heading indented as the body",
    )


class PageBreak(_Model):
    """A page break by hand: what follows starts a new page."""

    page_break: Literal[True] = Field(description="true")


class MergedCell(_Model):
    """A table cell spanning columns or rows, or aligned otherwise than its column."""

    text: Annotated[str, AfterValidator(markup)] | int | Decimal = Field(
        "", description="the cell's text or number"
    )
    colspan: Annotated[int, Field(ge=1, le=63, strict=True)] = Field(1, description="columns it spans")
    rowspan: Annotated[int, Field(ge=1, le=999, strict=True)] = Field(1, description="rows it spans")
    align: Align | None = Field(None, description="'left', 'center' or 'right' (numbers: centred)")

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
            raise ValueError(_("a cell's text is text or a number, not {value}").format(value=_json(value)))
        return value


def _cell_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "cell-text"
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return "cell-int"
    if isinstance(value, (float, Decimal)):
        return "cell-number"
    if isinstance(value, (dict, MergedCell)):
        return "merged-cell"
    return None


Cell = Annotated[
    Annotated[Annotated[str, AfterValidator(markup)], Tag("cell-text")]
    | Annotated[int, Tag("cell-int")]
    | Annotated[Decimal, Tag("cell-number")]
    | Annotated[MergedCell, Tag("merged-cell")],
    Discriminator(_cell_tag),
]
_CELL_TAGS = ("cell-text", "cell-int", "cell-number", "merged-cell")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class Placed:
    """A cell where it stands in the table's grid: `merged` for the rows a cell above covers."""

    cell: Cell | None  # None: the continuation of the merged cell above
    column: int
    colspan: int
    restart: bool = False  # the first row of a cell spanning rows


def _span(cell: Cell) -> tuple[int, int]:
    return (cell.colspan, cell.rowspan) if isinstance(cell, MergedCell) else (1, 1)


def lay_out(rows: list[list[Cell]], columns: int) -> list[list[Placed]]:
    """Each row's cells in the grid, with the cells a rowspan carries down; ValueError when a row
    does not fill the grid exactly (rows[0] is the columns' row, named so; then row 1, 2 ... as
    the user counts the table's rows)."""
    below: dict[int, tuple[int, int]] = {}  # column -> (rows still covered, colspan)
    out: list[list[Placed]] = []
    for r, row in enumerate(rows):
        where = _("the columns") if r == 0 else _("row {row}").format(row=r)
        placed: list[Placed] = []
        pos = 0
        cells = iter(enumerate(row, start=1))
        while True:
            if pos in below:
                left, span = below[pos]
                placed.append(Placed(None, pos, span))
                below[pos] = (left - 1, span)
                if left == 1:
                    del below[pos]
                pos += span
                continue
            item = next(cells, None)
            if item is None:
                break
            c, cell = item
            colspan, rowspan = _span(cell)
            hit = next((k for k in below if pos < k < pos + colspan), None)
            if pos + colspan > columns or hit is not None:
                raise ValueError(
                    _(
                        "{where}, cell {cell} goes past {what}: the row has one cell too many, "
                        "or a colspan too wide"
                    ).format(
                        where=where,
                        cell=c,
                        what=_("the last column") if hit is None else _("a cell merged from a row above"),
                    )
                )
            placed.append(Placed(cell, pos, colspan, restart=rowspan > 1))
            if rowspan > 1:
                below[pos] = (rowspan - 1, colspan)
            pos += colspan
        if pos < columns:
            raise ValueError(
                _(
                    "{where} fills {filled} of the {columns} columns; give every row one cell "
                    "per column (a merged cell counts its colspan)"
                ).format(where=where, filled=pos, columns=columns)
            )
        out.append(placed)
    if below:
        raise ValueError(_("a cell's rowspan goes past the last row of the table"))
    return out


class Table(_Model):
    columns: list[MultiLine | MergedCell] = Field(
        min_length=1, description="column headings (a heading object with colspan spans columns)"
    )
    rows: list[list[Cell]] = Field(
        default_factory=list,
        description="rows of cells: text, numbers (grouped 1.234.567) or {text, colspan, rowspan, "
        "align} for merged cells",
    )
    header_rows: Annotated[int, Field(ge=0, strict=True)] = Field(
        0, description="how many of the first rows are headings too (a two-level heading)"
    )
    widths: list[Annotated[float, Field(gt=0)]] | None = Field(
        None, description="relative column widths, one per grid column, e.g. [1, 6, 2, 2] (optional)"
    )

    @field_validator("rows", mode="before")
    @classmethod
    def _cells(cls, rows: Any) -> Any:
        if isinstance(rows, list):
            for r, row in enumerate(rows, start=1):
                if isinstance(row, list):
                    for c, cell in enumerate(row, start=1):
                        if isinstance(cell, dict) and cell.keys() & MergedCell.model_fields.keys():
                            continue  # a merged cell
                        if isinstance(cell, bool) or not isinstance(cell, (str, int, float, Decimal)):
                            raise ValueError(
                                _(
                                    "row {row}, cell {cell} is {value}: a cell is text, a number or "
                                    '{{"text": ..., "colspan": 2, "rowspan": 2}} for a merged cell; '
                                    'write "" for an empty cell'
                                ).format(row=r, cell=c, value=_json(cell))
                            )
        return rows

    @field_validator("widths", mode="before")
    @classmethod
    def _widths(cls, widths: Any) -> Any:
        if isinstance(widths, list) and any(isinstance(w, bool) for w in widths):
            raise ValueError(_("widths are numbers like [1, 6, 2], not true/false"))
        return widths

    @property
    def grid_columns(self) -> int:
        return sum(_span(c)[0] for c in self.columns)

    @functools.cached_property
    def grid(self) -> list[list[Placed]]:
        """The heading row and the rows laid out in the grid (merged cells placed), worked out
        once, when the table is validated."""
        return lay_out([list(self.columns), *self.rows], self.grid_columns)

    @model_validator(mode="after")
    def _shape(self) -> Table:
        n = self.grid_columns
        try:
            self.grid  # noqa: B018 - laid out once, here: a row that does not fit is refused
        except ValueError:
            every: list[list[Any]] = [list(self.columns), *self.rows]
            if any(isinstance(c, MergedCell) for row in every for c in row):
                raise
            bad = next((i for i, row in enumerate(self.rows) if len(row) != n), None)
            if bad is None:
                raise
            raise ValueError(
                _(
                    "row {row} has {cells} cells but there are {columns} columns; "
                    "give every row one cell per column"
                ).format(row=bad + 1, cells=len(self.rows[bad]), columns=n)
            ) from None
        if self.header_rows > len(self.rows):
            raise ValueError(
                _("'header_rows' is {count} but the table has {rows} rows").format(
                    count=self.header_rows, rows=len(self.rows)
                )
            )
        if self.widths is not None and len(self.widths) != n:
            raise ValueError(
                _("'widths' has {count} numbers for {columns} columns").format(
                    count=len(self.widths), columns=n
                )
            )
        return self


class TableBlock(_Model):
    table: Table


_TAGS = {
    "heading": "heading-block",
    "table": "table-block",
    "paragraph": "paragraph-object",
    "page_break": "page-break",
    "image": "image-block",
}
_MODELS: dict[type[BaseModel], str] = {}


def _block_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "paragraph-block"
    if isinstance(value, dict):
        return next((tag for key, tag in _TAGS.items() if key in value), None)
    return _MODELS.get(type(value))


# what a block is, shown (translated) with the error of a value that is none
BLOCK_MESSAGE = N_(
    'a block is a string (a paragraph), {"heading": ...}, {"table": ...}, '
    '{"paragraph": ..., "align": "center"}, {"image": {"file": ...}} or {"page_break": true}'
)
Block = Annotated[
    Annotated[Marked, Tag("paragraph-block")]
    | Annotated[Heading, Tag("heading-block")]
    | Annotated[TableBlock, Tag("table-block")]
    | Annotated[Paragraph, Tag("paragraph-object")]
    | Annotated[PageBreak, Tag("page-break")]
    | Annotated[ImageBlock, Tag("image-block")],
    Discriminator(_block_tag, custom_error_type="block", custom_error_message=BLOCK_MESSAGE),
]
_MODELS.update(
    {
        Heading: "heading-block",
        TableBlock: "table-block",
        Paragraph: "paragraph-object",
        PageBreak: "page-break",
        ImageBlock: "image-block",
    }
)
# Loc parts pydantic adds for the tagged union; the JSON paths we print leave them out.
UNION_TAGS = frozenset({"paragraph-block", *_TAGS.values(), *_CELL_TAGS})
TAG_MODELS: dict[str, type[BaseModel]] = {tag: model for model, tag in _MODELS.items()}
TAG_MODELS["merged-cell"] = MergedCell


def text_of(block: Block) -> str | None:
    """A paragraph's text (a string or a paragraph object), else None."""
    if isinstance(block, str):
        return block
    if isinstance(block, Paragraph):
        return block.paragraph
    return None
