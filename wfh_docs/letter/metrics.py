"""Text widths in Times New Roman, for rules and alignments the decree ties to a text's length.

ND 30 sets the rule under the agency name to 1/3-1/2 of the name's length, the rule under the
tiêu ngữ to the tiêu ngữ's length, and the dashes of several recipients under the colon of
"Kính gửi:". Word cannot size a line to a text, so we measure the text ourselves.
"""

from __future__ import annotations

import functools
import unicodedata

from .metrics_data import UNITS_PER_EM, WIDTHS

# A character outside the table (rare symbols, CJK, emoji) is taken as one em wide: wide
# enough that a rule is never longer than the text it underlines by much.
_FALLBACK = UNITS_PER_EM


def _base(ch: str) -> str:
    """The base letter of a Vietnamese letter: 'Ộ' -> 'O', 'ữ' -> 'ư'."""
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0]
    # NFD splits ư/ơ into u/o + horn; TNR's ư/ơ are wider than u/o, keep the horned form.
    if len(decomposed) > 1 and "\u031b" in decomposed:
        base = unicodedata.normalize("NFC", base + "\u031b")
    # ă/â/ê/ô (breve/circumflex) share the advance of their base letter in TNR.
    return base


@functools.lru_cache(maxsize=4096)
def text_width_twips(
    text: str, size_pt: float, *, bold: bool = False, italic: bool = False, caps: bool = False
) -> int:
    """Width of one line of `text` at `size_pt` in twips (1/20 pt)."""
    face = ("bold" if bold else "") + ("italic" if italic else "") or "regular"
    table = WIDTHS[face]
    if caps:
        text = text.upper()
    units = sum(table.get(_base(ch), table.get(ch, _FALLBACK)) for ch in text)
    return round(units * size_pt * 20 / UNITS_PER_EM)
