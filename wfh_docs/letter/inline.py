"""Light emphasis inside a paragraph string: **bold**, *italic*, ***both***, and \\* for a literal
asterisk.

The rules are CommonMark's emphasis in miniature: a run of asterisks opens only when a non-space
follows it and closes only when a non-space precedes it; a closer pairs with the nearest opener
of its kind before it (* with *, ** with **; a run of three serves both, so `***x***` is bold
and italic), and an asterisk that finds no partner is printed as it was typed. Nothing
else is markup. `leftovers` names the runs only part of which was markup (`***a**`): a reader
would see a stray asterisk, so wfhdoc refuses them (render.verify).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class _Run:
    """A run of asterisks: where it starts in the text, how many, which way it can go."""

    start: int
    length: int
    can_open: bool
    can_close: bool
    left: int = 0  # asterisks still unpaired
    used_front: int = 0  # taken from its start (a closer's) ...
    used_back: int = 0  # ... and from its end (an opener's)
    pairs: list[tuple[int, int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.left = self.length


_PIECE = re.compile(r"\\[*\\]|\*+|[^*\\]+|\\")


def _lex(s: str) -> tuple[list[tuple[int, str]], list[_Run]]:
    """The text's pieces (position, literal text; a run of asterisks as '') and its runs."""
    pieces: list[tuple[int, str]] = []
    runs: list[_Run] = []
    n = len(s)
    for m in _PIECE.finditer(s):
        piece, i = m.group(), m.start()
        if piece[0] == "*":
            before = s[i - 1] if i > 0 else " "
            after = s[m.end()] if m.end() < n else " "
            runs.append(_Run(i, len(piece), not after.isspace(), not before.isspace()))
            pieces.append((i, ""))
        elif len(piece) == 2 and piece[0] == "\\":
            pieces.append((i, piece[1]))  # an escaped * or \
        else:
            pieces.append((i, piece))
    return pieces, runs


def _matches(opener: _Run, closer: _Run) -> bool:
    if {opener.left, closer.left} == {1, 2}:
        return False  # * and ** are different kinds: neither closes the other
    both = (opener.can_open and opener.can_close) or (closer.can_open and closer.can_close)
    total = opener.length + closer.length
    # CommonMark's rule of three
    return not (both and total % 3 == 0 and not (opener.length % 3 == 0 and closer.length % 3 == 0))


def _pair(runs: list[_Run]) -> list[tuple[int, int, str]]:
    """CommonMark's "process emphasis" for asterisks, where * and ** are different kinds (a run
    of three or more serves both): the (open, close, kind) ranges, in positions of the text,
    each between the asterisks used for it. As CommonMark's "openers bottom", a closer of a kind
    that found no opener does not search below the same place again, so a paragraph of many
    unpaired asterisks costs about its length."""
    ranges: list[tuple[int, int, str]] = []
    openers: list[int] = []  # indexes into runs, of runs that may still open
    bottom: dict[tuple[int, bool], int] = {}
    for ci, closer in enumerate(runs):
        while closer.can_close and closer.left:
            key = (min(closer.left, 3), closer.can_open)
            lo = min(bottom.get(key, 0), len(openers))
            found = next(
                (k for k in range(len(openers) - 1, lo - 1, -1) if _matches(runs[openers[k]], closer)), None
            )
            if found is None:
                bottom[key] = len(openers)
                break
            opener = runs[openers[found]]
            del openers[found + 1 :]  # the openers between stay text
            use = 2 if opener.left >= 2 and closer.left >= 2 else 1
            opener.left -= use
            closer.left -= use
            open_at = opener.start + opener.left  # its unused asterisks stay on the outside
            close_at = closer.start + closer.used_front
            opener.used_back += use
            closer.used_front += use
            ranges.append((open_at + use, close_at, "bold" if use == 2 else "italic"))
            if not opener.left:
                openers.pop()
        if closer.can_open and closer.left:
            openers.append(ci)
    return ranges


def _marked(runs: list[_Run]) -> set[int]:
    """The positions of the asterisks that are markup."""
    out: set[int] = set()
    for r in runs:
        out.update(range(r.start, r.start + r.used_front))
        out.update(range(r.start + r.length - r.used_back, r.start + r.length))
    return out


@functools.lru_cache(maxsize=4096)
def _parsed(s: str) -> tuple[tuple[Span, ...], tuple[int, ...]]:
    pieces, runs = _lex(s)
    ranges = _pair(runs)
    marked = _marked(runs)
    by_start = {r.start: r for r in runs}
    partial = tuple(r.start for r in runs if 0 < r.used_front + r.used_back < r.length)
    # the pieces in order, each character of a run on its own, then a sweep over the ranges
    chars: list[tuple[int, str]] = []
    for pos, text in pieces:
        if text:
            chars.append((pos, text))
        else:
            run = by_start[pos]
            chars += [(i, "*") for i in range(run.start, run.start + run.length) if i not in marked]
    events = sorted([(a, 1, kind) for a, _b, kind in ranges] + [(b, -1, kind) for _a, b, kind in ranges])
    depth = {"bold": 0, "italic": 0}
    groups: list[tuple[bool, bool, list[str]]] = []
    e = 0
    for pos, text in chars:
        while e < len(events) and events[e][0] <= pos:
            depth[events[e][2]] += events[e][1]
            e += 1
        bold, italic = depth["bold"] > 0, depth["italic"] > 0
        if groups and groups[-1][:2] == (bold, italic):
            groups[-1][2].append(text)
        else:
            groups.append((bold, italic, [text]))
    return tuple(Span("".join(t), b, i) for b, i, t in groups), partial


def parse(s: str) -> tuple[Span, ...]:
    """Split `s` into spans of plain, bold and italic text; every character but the markup's
    asterisks (and the backslash of an escape) is kept."""
    if "*" not in s and "\\" not in s:
        return (Span(s),) if s else ()
    return _parsed(s)[0]


def leftovers(s: str) -> tuple[int, ...]:
    """Where runs of asterisks start that are partly markup and partly printed (`***a**`)."""
    if "*" not in s:
        return ()
    return _parsed(s)[1]


def plain(s: str) -> str:
    """The text a reader sees: `s` without its markup."""
    return "".join(span.text for span in parse(s))


def ends_with(s: str, suffix: str) -> bool:
    """Does the reader's text of `s` end with `suffix`?"""
    return plain(s).rstrip().endswith(suffix)
