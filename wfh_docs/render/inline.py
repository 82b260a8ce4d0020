"""Light emphasis inside a paragraph string: **bold**, *italic*, and \\* for a literal asterisk.

The rules are CommonMark's in miniature, so that a lone or unpaired asterisk stays text: a
delimiter opens only when a non-space follows it, closes only when a non-space precedes it,
and one that finds no partner is printed as it was typed. Nothing else is markup.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class _Tok:
    text: str
    delim: bool
    can_open: bool = False
    can_close: bool = False
    paired: bool = False


_PIECE = re.compile(r"\\[*\\]|\*\*|\*|[^*\\]+|\\")


def _tokens(s: str) -> list[_Tok]:
    toks: list[_Tok] = []
    n = len(s)
    for m in _PIECE.finditer(s):
        piece, i = m.group(), m.start()
        if piece[0] == "*":
            before = s[i - 1] if i > 0 else " "
            after = s[m.end()] if m.end() < n else " "
            toks.append(_Tok(piece, True, can_open=not after.isspace(), can_close=not before.isspace()))
        elif len(piece) == 2 and piece[0] == "\\":
            toks.append(_Tok(piece[1], False))  # an escaped * or \
        else:
            toks.append(_Tok(piece, False))
    return toks


@functools.lru_cache(maxsize=4096)
def parse(s: str) -> tuple[Span, ...]:
    """Split `s` into spans of plain, bold and italic text; every character is kept."""
    if "*" not in s and "\\" not in s:
        return (Span(s),) if s else ()
    toks = _tokens(s)
    # the open delimiters, a stack for each kind: a closer pairs with the latest opener of its
    # kind, and the openers of the other kind above that one stay literal. Each opener is pushed
    # and dropped once, so a paragraph of many unpaired asterisks costs no more than its length.
    stacks: dict[str, list[int]] = {"*": [], "**": []}
    for idx, tok in enumerate(toks):
        if not tok.delim:
            continue
        same = stacks[tok.text]
        opener = same[-1] if same else None
        if tok.can_close and opener is not None and opener != idx - 1:
            # pair, and drop openers above it: they stay literal
            tok.paired = toks[opener].paired = True
            same.pop()
            other = stacks["**" if tok.text == "*" else "*"]
            while other and other[-1] > opener:
                other.pop()
        elif tok.can_open:
            same.append(idx)
    spans: list[Span] = []
    bold = italic = False
    buf: list[str] = []

    def flush() -> None:
        if buf:
            spans.append(Span("".join(buf), bold, italic))
            buf.clear()

    for tok in toks:
        if tok.delim and tok.paired:
            flush()
            if tok.text == "**":
                bold = not bold
            else:
                italic = not italic
        else:
            buf.append(tok.text)
    flush()
    return tuple(spans)


def plain(s: str) -> str:
    """The text a reader sees: `s` without its markup."""
    return "".join(span.text for span in parse(s))
