"""The look of "Kính gửi:" and its recipients (Phụ lục I, Mục II.9.d, ô 9a): upright, and not
bold (the decree writes "đậm" for every element it sets in bold, and not here; Mẫu 1.5 prints
it plain). body.py finds Kính gửi and checks its colon, size and list; this reads the same lines
for their weight and slant, after it."""

from __future__ import annotations

import re

from ..i18n import _
from .context import Context

_KINH_GUI = re.compile(r"^Kính\s+gửi")


def check(ctx: Context) -> None:
    i = ctx.find(_KINH_GUI, stop=ctx.signature)
    if i is None:
        return
    last = ctx.recipients if ctx.recipients is not None and ctx.recipients >= i else i
    for j in range(i, last + 1):
        p = ctx.paragraphs[j]
        if not ctx.texts[j]:
            continue
        if not ctx.forbid(p, "bold", "recipients.style", _('"Kính gửi" and its recipients are not bold')):
            break
    for j in range(i, last + 1):
        if ctx.texts[j] and not ctx.forbid(
            ctx.paragraphs[j], "italic", "recipients.style", _("must be upright, not italic")
        ):
            break
