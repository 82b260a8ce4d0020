"""The consolidated report's charts as a reader sees them: compared with golden images within a
tolerance (anti-aliasing may move a pixel; a bar, a hatch, a letter of a label or the legend may not),
grey only, so that they read the same printed in black and white.

After a deliberate change of the charts, write the goldens again and look at them:
    WFHDOC_UPDATE_GOLDENS=1 .venv/bin/pytest tests/test_charts.py
"""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from wfh_docs.report.charts import Chart, parts_chart, ratio_chart, read_data

GOLDENS = Path(__file__).resolve().parent / "goldens" / "charts"
UPDATE = bool(os.environ.get("WFHDOC_UPDATE_GOLDENS"))
AGENCIES = ["Sở Nội vụ", "Sở Tài chính", "Sở Y tế", "UBND huyện Hướng Hóa", "Thanh tra tỉnh"]


def _ratio() -> Chart:
    values = [Decimal("81.4"), Decimal("65.0"), Decimal("42.5"), Decimal("90.0"), Decimal("12.3")]
    return ratio_chart("bieu-do-2.png", "Tỷ lệ làm việc tại nhà", AGENCIES, values, Decimal("65.4"))


def _parts() -> Chart:
    series = {"Làm việc tại nhà": [45, 60, 120, 210, 8], "Trực tại cơ quan": [10, 32, 163, 23, 57]}
    return parts_chart("bieu-do-1.png", "Cán bộ, công chức", AGENCIES, series, "người")


@pytest.mark.parametrize("make", [_ratio, _parts], ids=["ratio", "parts"])
def test_the_chart_looks_as_its_golden(make: object) -> None:
    chart = make()  # type: ignore[operator]
    golden = GOLDENS / chart.name
    if UPDATE:
        golden.write_bytes(chart.png)
        return
    with Image.open(io.BytesIO(chart.png)) as got, Image.open(golden) as want:
        assert got.size == want.size
        diff = ImageChops.difference(got.convert("L"), want.convert("L"))
        # the share of pixels that differ visibly: a bar 60 units shorter changes 0.6 % of them,
        # one letter of a label losing its diacritic 0.05 %; anti-aliasing a handful
        changed = sum(diff.histogram()[65:]) / (got.size[0] * got.size[1])
        assert changed < 0.0003, f"{chart.name}: {changed:.3%} of the pixels differ from the golden"
        assert ImageStat.Stat(diff).mean[0] < 0.05


@pytest.mark.parametrize("make", [_ratio, _parts], ids=["ratio", "parts"])
def test_the_chart_is_grey_and_says_what_it_plots(make: object) -> None:
    chart = make()  # type: ignore[operator]
    with Image.open(io.BytesIO(chart.png)) as image:
        rgb = image.convert("RGB")
        r, g, b = (ImageStat.Stat(band).extrema[0] for band in rgb.split())
        # no colour: every pixel's channels equal, so printing in black and white loses nothing
        assert ImageChops.difference(rgb.getchannel("R"), rgb.getchannel("G")).getbbox() is None
        assert ImageChops.difference(rgb.getchannel("G"), rgb.getchannel("B")).getbbox() is None
        assert r[0] < 64  # black is used: bars' edges, text
    assert read_data(chart.png)["categories"] == AGENCIES
