"""The width table we ship is Liberation Serif's (= Times New Roman's metrics), read from the font."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT

from wfh_docs.letter.metrics import text_width_twips
from wfh_docs.letter.metrics_data import WIDTHS

FONTS = Path("/usr/share/fonts/truetype/liberation2")


def test_table_matches_the_installed_font() -> None:
    if not FONTS.exists():
        import os

        if os.environ.get("CI"):
            pytest.fail("fonts-liberation2 is not installed: .ci/run must install it")
        pytest.skip("Liberation Serif 2 is not installed")
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_metrics", ROOT / "tools" / "make_metrics.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.widths(FONTS) == WIDTHS


@pytest.mark.parametrize(
    ("text", "size", "bold", "twips"),
    [
        # measured from the font with fontTools, glyph by glyph (Vietnamese letters included)
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, 5007),
        ("Độc lập - Tự do - Hạnh phúc", 13, True, 3183),
        ("Kính gửi:", 14, False, 1077),
        ("SỞ CÔNG THƯƠNG", 13, True, 2432),
    ],
)
def test_known_widths(text: str, size: float, bold: bool, twips: int) -> None:
    assert abs(text_width_twips(text, size, bold=bold) - twips) <= 1
