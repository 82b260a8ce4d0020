"""The report's charts: PNG at print resolution (200 dpi), Times New Roman (Liberation Serif
where it is missing), readable in black and white (hatching and grey, never colour alone), the
plotted figures in the PNG's text metadata ('wfhdoc-data', JSON) so they can be read back."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager, rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ..letter.vn import format_number  # noqa: E402

DPI = 200
WIDTH_IN = 6.3  # 16 cm: the text width of an A4 page with the decree's margins
HATCHES = ("///", "...", "xx", "\\\\\\", "++")
GREYS = ("white", "0.8", "0.6", "white", "0.9")
METADATA_KEY = "wfhdoc-data"


@dataclass(frozen=True)
class Chart:
    name: str  # the file name, 'bieu-do-1.png'
    title: str  # the caption, in Vietnamese
    png: bytes
    data: dict[str, Any]  # what was plotted: categories, series, values (as text)
    width_px: int
    height_px: int


def _font() -> str:
    for family in ("Times New Roman", "Liberation Serif"):
        try:
            font_manager.findfont(family, fallback_to_default=False)
            return family
        except ValueError:
            continue
    return "serif"


def _style() -> Any:
    return {"font.family": [_font()], "font.size": 9, "hatch.linewidth": 0.6, "axes.linewidth": 0.6}


def _saved(fig: Figure, data: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    fig.savefig(
        buf,
        format="png",
        dpi=DPI,
        metadata={"Software": "wfhdoc", METADATA_KEY: json.dumps(data, ensure_ascii=False)},
    )
    return buf.getvalue()


def _axes(rows: int) -> tuple[Figure, Any]:
    fig = Figure(figsize=(WIDTH_IN, 1.0 + 0.2 * rows), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: format_number(float(x))))
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def ratio_chart(
    name: str, title: str, labels: list[str], values: list[Decimal], overall: Decimal | None
) -> Chart:
    """Horizontal bars: each agency's percentage, the round's own as a dashed line."""
    data = {"title": title, "categories": labels, "series": {"%": [str(v) for v in values]}}
    if overall is not None:
        data["overall"] = str(overall)
    with rc_context(_style()):
        fig, ax = _axes(len(labels))
        bars = ax.barh(labels, [float(v) for v in values], color="0.85", edgecolor="black", hatch="///")
        ax.bar_label(bars, labels=[format_number(v, 1) + " %" for v in values], padding=2, fontsize=7)
        if overall is not None:
            ax.axvline(float(overall), color="black", linestyle="--", linewidth=0.8)
            ax.plot([], [], color="black", linestyle="--", label=f"Chung: {format_number(overall, 1)} %")
            ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8, frameon=False)
        ax.set_xlim(0, 110)
        ax.set_xlabel("%")
        png = _saved(fig, data)
    return Chart(name, title, png, data, *_size(fig))


def parts_chart(name: str, title: str, labels: list[str], series: dict[str, list[int]], unit: str) -> Chart:
    """Stacked horizontal bars: each agency's total split into its parts, each part hatched."""
    data = {
        "title": title,
        "categories": labels,
        "series": {k: [str(v) for v in vs] for k, vs in series.items()},
    }
    with rc_context(_style()):
        fig, ax = _axes(len(labels))
        left = [0] * len(labels)
        for n, (part, values) in enumerate(series.items()):
            ax.barh(
                labels,
                values,
                left=left,
                label=part,
                color=GREYS[n % len(GREYS)],
                edgecolor="black",
                hatch=HATCHES[n % len(HATCHES)],
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_xlabel(unit)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8, frameon=False)
        png = _saved(fig, data)
    return Chart(name, title, png, data, *_size(fig))


def _size(fig: Figure) -> tuple[int, int]:
    width, height = fig.get_size_inches()
    return round(width * DPI), round(height * DPI)


def read_data(png: bytes) -> dict[str, Any]:
    """The plotted figures a chart carries in its metadata."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        text = image.info.get(METADATA_KEY, "{}")
    data = json.loads(text)
    return data if isinstance(data, dict) else {}
