"""What a template may spend, and the measures that hold it to that: the limits (MAX_*), the
budget of one part's rendering (steps and time), and the sizes of the values a template makes,
checked before each is made where it could be large. wfh_docs.render.sandbox puts them in the
environment every template renders in; its docstring says what each limit covers.
"""

from __future__ import annotations

import contextvars
import re
import string
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2.runtime import Context
from jinja2.utils import Namespace

from ..i18n import N_, _

MAX_STEPS = 1_000_000  # loop iterations and calls a part may make
MAX_TEXT = 64 << 20  # characters in one string a template makes
MAX_ITEMS = 1_000_000  # items in one list a template makes
MAX_INT_BITS = 100_000  # bits of an integer a template computes
MAX_OUTPUT = 64 << 20  # characters a part renders to (the body and phụ lục are set aside)
RENDER_SECONDS = 30.0  # wall-clock time a part may take to render

# Attribute names the sandbox refuses whatever the object: check_template and Template report
# them in a template's tags before any letter is made.

_HINT = N_("a letter template needs only its fields, if and for; remove the expression")


class LimitError(Exception):
    """A template went past one of the limits; the message says which and how to fix it."""


def grouped(count: int) -> str:
    return f"{count:,}"


def too_long(size: int, what: str = N_("a string")) -> LimitError:
    return LimitError(
        _(
            "the template makes {what} of {size} characters, more than the {limit} a "
            "template may make ({hint})"
        ).format(what=_(what), size=grouped(size), limit=grouped(MAX_TEXT), hint=_(_HINT))
    )


def too_many(size: int) -> LimitError:
    return LimitError(
        _(
            "the template makes a list of {size} items, more than the {limit} a template may make ({hint})"
        ).format(size=grouped(size), limit=grouped(MAX_ITEMS), hint=_(_HINT))
    )


# --- the budget of one part's rendering ----------------------------------------------------


class Budget:
    """What one part's rendering has spent: steps (loop iterations and calls), and time."""

    __slots__ = ("deadline", "steps", "ticks", "sizes")

    def __init__(self) -> None:
        self.steps = 0
        self.ticks = 0  # filters, tests, comparisons, operators: timed, not counted as steps
        self.deadline = time.monotonic() + RENDER_SECONDS
        self.sizes: dict[int, tuple[Any, int]] = {}  # id -> (container, tree_size), see tree_size

    def step(self, what: str) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS or not self.steps & 63:
            self.checkpoint(what)

    def checkpoint(self, what: str) -> None:
        """Past the count of steps, or past the time? (every 64 steps, and at the last)"""
        if self.steps > MAX_STEPS:
            raise LimitError(
                _(
                    "the template runs more than {limit} {what} in one part; a letter "
                    "template loops over the recipients and Nơi nhận lines, not over numbers: "
                    "remove the loop or the range"
                ).format(limit=grouped(MAX_STEPS), what=_(what))
            )
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitError(
                _(
                    "the template took more than {seconds} seconds to render one part; a "
                    "letter renders in milliseconds: remove the loops or macros that run so long"
                ).format(seconds=f"{RENDER_SECONDS:g}")
            )


BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("wfh_template_budget", default=None)


def step(what: str) -> None:
    budget = BUDGET.get()
    if budget is not None:
        budget.step(what)


def tick() -> None:
    """An operation that may take a while on a large value: the clock is read every 64."""
    budget = BUDGET.get()
    if budget is not None:
        budget.ticks += 1
        if not budget.ticks & 63:
            budget.check_time()


def render_part(root: Callable[[Context], Iterator[str]], context: Context) -> str:
    """The part, rendered from its compiled root function under a fresh budget; the output is
    counted as it is generated, and the clock read every 256 pieces of it, at every 64th loop
    iteration or call, and every 64th filter, test, comparison or operator."""
    budget = Budget()
    token = BUDGET.set(budget)
    try:
        out: list[str] = []
        append = out.append
        size = 0
        limit = MAX_OUTPUT
        for chunk in root(context):
            size += len(chunk)
            append(chunk)
            if size > limit:
                raise LimitError(
                    _(
                        "the part renders to more than {limit} characters; a letter's "
                        "part is a few hundred kilobytes ({hint})"
                    ).format(limit=grouped(MAX_OUTPUT), hint=_(_HINT))
                )
            if not len(out) & 255:
                budget.check_time()
        return "".join(out)
    finally:
        BUDGET.reset(token)


# --- sizes -----------------------------------------------------------------------------------

_VIEWS: tuple[type, ...] = (type({}.keys()), type({}.values()), type({}.items()))
CONTAINERS = (list, tuple, dict, set, frozenset, deque, Namespace, *_VIEWS)


def printed_size(value: Any) -> int:
    """About how many characters `str(value)` makes, without making it; a list, dict or
    namespace is walked (at most MAX_ITEMS elements, shared ones counted each time they are
    printed). Raises LimitError past MAX_TEXT."""
    if isinstance(value, str):
        return len(value)
    if not isinstance(value, CONTAINERS):
        return 32 if not isinstance(value, int) else value.bit_length() // 3 + 2
    size = 0
    seen = 0
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        seen += 1
        if seen > MAX_ITEMS:
            raise too_many(seen)
        if isinstance(item, (str, bytes)):
            size += len(item) + 4  # quotes and the separator
        elif isinstance(item, Namespace):
            size += 16
            stack.append(object.__getattribute__(item, "_Namespace__attrs"))
        elif isinstance(item, dict):
            size += 2
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, CONTAINERS):
            size += 2
            stack.extend(item)  # type: ignore[arg-type]
        elif isinstance(item, int):
            size += item.bit_length() // 3 + 4
        else:
            size += 32
        if size > MAX_TEXT:
            raise too_long(size, N_("a printed list or dict"))
    return size


def check_printable(values: Iterable[Any]) -> int:
    total = 0
    for value in values:
        if isinstance(value, str):
            total += len(value)
        elif isinstance(value, CONTAINERS):
            total += printed_size(value)
    return total


_NESTING = (list, tuple, dict, set, frozenset, deque, *_VIEWS)  # what == and hash() walk into


def tree_size(value: Any) -> int:
    """How many containers and items `value` holds, a shared one counted each time it is held:
    what comparing or hashing it walks. `[a, a]` holds `a` twice, so ten lines of such literals
    make 2**10 times `a`, and `x == y` on two such values walks all of it in one uninterruptible
    call. Measured once a container (the part's budget remembers it: a template cannot change a
    list, tuple or dict); a namespace counts as one item, since == and hash() do not look into
    it. Raises LimitError past MAX_ITEMS."""
    if not isinstance(value, _NESTING):
        return 1
    budget = BUDGET.get()
    memo = budget.sizes if budget is not None else {}
    if len(memo) > 65536:
        memo.clear()
    hit = memo.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    open_ids = {id(value)}
    frames: list[list[Any]] = [[value, _members(value), 1]]
    visits = 0
    while True:
        frame = frames[-1]
        for child in frame[1]:
            visits += 1
            if not isinstance(child, _NESTING) or id(child) in open_ids:
                frame[2] += 1
                continue
            hit = memo.get(id(child))
            if hit is not None and hit[0] is child:
                frame[2] += hit[1]
                if frame[2] > MAX_ITEMS:
                    raise _too_many_nested(frame[2])
                continue
            open_ids.add(id(child))
            frames.append([child, _members(child), 1])
            break
        else:
            frames.pop()
            obj, _, size = frame
            open_ids.discard(id(obj))
            memo[id(obj)] = (obj, size)
            if not frames:
                return int(size)
            frames[-1][2] += size
            if frames[-1][2] > MAX_ITEMS:
                raise _too_many_nested(frames[-1][2])
        if visits > MAX_ITEMS:
            raise _too_many_nested(visits)


def _members(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield item
    else:
        yield from value


def _too_many_nested(size: int) -> LimitError:
    return LimitError(
        _(
            "the template builds lists or dicts holding more than {limit} items in all "
            "(a list held twice counts twice; found {size}) ({hint})"
        ).format(limit=grouped(MAX_ITEMS), size=grouped(size), hint=_(_HINT))
    )


def check_result(value: Any) -> Any:
    if isinstance(value, (str, bytes)):
        if len(value) > MAX_TEXT:
            raise too_long(len(value))
    elif isinstance(value, _NESTING):
        if isinstance(value, (list, tuple, dict, set, frozenset)) and len(value) > MAX_ITEMS:
            raise too_many(len(value))
        tree_size(value)
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise _too_big_int(value.bit_length())
    return value


def _too_big_int(bits: int) -> LimitError:
    return LimitError(
        _(
            "the template computes a number of about {bits} bits, more than the {limit} a "
            "template may compute ({hint})"
        ).format(bits=grouped(bits), limit=grouped(MAX_INT_BITS), hint=_(_HINT))
    )


def check_width(value: Any, what: str) -> None:
    if isinstance(value, int) and value > MAX_TEXT:
        raise LimitError(
            _("{what} {value} is more than the {limit} characters a template may make ({hint})").format(
                what=_(what), value=grouped(value), limit=grouped(MAX_TEXT), hint=_(_HINT)
            )
        )


_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_NUMBER = re.compile(r"\d+")


def check_printf(fmt: str, args: Any) -> None:
    """`fmt % args`: no field wider than a template may make, no width taken from the data."""
    for m in _PRINTF_FIELD.finditer(fmt):
        for part in m.groups():
            if part == "*":
                raise LimitError(
                    _(
                        "the format {format} takes a field's width from its arguments ('*'), which "
                        "a template may not do; write the width in the format"
                    ).format(format=repr(fmt[:40]))
                )
            if part:
                check_width(int(part), N_("a field width of"))
    check_printable(args if isinstance(args, tuple) else (args,))
    if isinstance(args, dict):
        check_printable(args.values())


def _check_format_spec(spec: str) -> None:
    if "{" in spec:
        raise LimitError(
            _(
                "the format spec {spec} takes a width from its arguments, which a template may "
                "not do; write the width in the format"
            ).format(spec=repr(spec[:40]))
        )
    for number in _NUMBER.findall(spec):
        check_width(int(number), N_("a field width of"))


def check_str_format(fmt: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format reports it
    for _text, _name, spec, _conversion in fields:
        if spec:
            _check_format_spec(spec)
    check_printable(args)
    check_printable(kwargs.values())


def check_mul(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        bits = left.bit_length() + right.bit_length()
        if bits > MAX_INT_BITS:
            raise _too_big_int(bits)
        return
    seq, count = (left, right) if isinstance(right, int) else (right, left)
    if not isinstance(count, int) or count <= 0:
        return
    if isinstance(seq, (str, bytes)):
        if len(seq) * count > MAX_TEXT:
            raise too_long(len(seq) * count)
    elif isinstance(seq, (list, tuple)) and len(seq) * count > MAX_ITEMS:
        raise too_many(len(seq) * count)


def check_pow(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        bits = left.bit_length() * right
        if bits > MAX_INT_BITS:
            raise _too_big_int(bits)


def check_add(left: Any, right: Any) -> None:
    if isinstance(left, (str, bytes)) and isinstance(right, (str, bytes)):
        if len(left) + len(right) > MAX_TEXT:
            raise too_long(len(left) + len(right))
    elif (
        isinstance(left, (list, tuple))
        and isinstance(right, (list, tuple))
        and len(left) + len(right) > MAX_ITEMS
    ):
        raise too_many(len(left) + len(right))


def check_replace(s: Any, old: Any, new: Any, count: Any = None) -> None:
    if not isinstance(s, str) or not isinstance(old, str) or not isinstance(new, str):
        return
    hits = len(s) + 1 if not old else s.count(old)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    size = len(s) + hits * (len(new) - len(old))
    if size > MAX_TEXT:
        raise too_long(size)


def check_join(sep: Any, items: Any) -> list[Any]:
    listed: list[Any] = list(items)
    total = check_printable(listed) + max(0, len(listed) - 1) * len(str(sep))
    if total > MAX_TEXT:
        raise too_long(total)
    return listed
