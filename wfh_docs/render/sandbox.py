"""The Jinja environment every template renders in: Jinja's immutable sandbox, with limits.

A template is a file from outside: a clerk's edited copy, or anything passed as `--template`.
Jinja's own sandbox refuses Python's internals (`__class__`, `__globals__`, `mro`, names
starting with `_`, ...) and calls that change lists and dicts; this environment adds limits to
what a template may spend, so that no template can take the machine:

- loop iterations and macro calls: at most MAX_STEPS a part (ranges larger are refused as such);
- values: a string a template makes (`*`, `+`, `~`, `%`, `format`, `center`, `replace`, `join`,
  str methods such as `ljust`, ...) at most MAX_TEXT characters, a list MAX_ITEMS items, an
  integer MAX_INT_BITS bits, each checked before the value is made where it could be large;
  a list or dict printed as text is measured first;
- output: a part at most MAX_OUTPUT characters, counted as it is generated;
- time: RENDER_SECONDS of wall-clock time a part, checked as output is generated, at loop
  iterations and calls, and at filters, tests, comparisons and operators;
- lists, tuples and dicts: at most MAX_ITEMS items in all, a shared one counted each time it is
  held (what == and hash() walk).

Each limit raises LimitError with what was refused and how to fix it; render.Template turns
it, and the sandbox's SecurityError, into a TemplateError naming the template, part and
paragraph. A normal letter template (fields, `if`, `for` over the recipients) meets none of
these and pays a few microseconds a letter for them.
"""

from __future__ import annotations

import contextvars
import functools
import re
import string
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.filters import FILTERS
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
    ImmutableSandboxedEnvironment,
)
from jinja2.utils import Namespace, generate_lorem_ipsum
from jinja2.visitor import NodeTransformer

from ..i18n import N_, _

MAX_STEPS = 1_000_000  # loop iterations and calls a part may make
MAX_TEXT = 64 << 20  # characters in one string a template makes
MAX_ITEMS = 1_000_000  # items in one list a template makes
MAX_INT_BITS = 100_000  # bits of an integer a template computes
MAX_OUTPUT = 64 << 20  # characters a part renders to (the body and phụ lục are set aside)
RENDER_SECONDS = 30.0  # wall-clock time a part may take to render

# Attribute names the sandbox refuses whatever the object: check_template and Template report
# them in a template's tags before any letter is made.
UNSAFE_NAMES = frozenset(
    {"mro", "format_map"}
    | UNSAFE_FUNCTION_ATTRIBUTES
    | UNSAFE_METHOD_ATTRIBUTES
    | UNSAFE_GENERATOR_ATTRIBUTES
    | UNSAFE_COROUTINE_ATTRIBUTES
    | UNSAFE_ASYNC_GENERATOR_ATTRIBUTES
    | {"f_globals", "f_locals", "f_builtins", "f_back", "f_code", "tb_frame", "tb_next"}
    | {"co_code", "func_globals", "func_code", "im_func", "im_self"}
)

_HINT = N_("a letter template needs only its fields, if and for; remove the expression")


class LimitError(Exception):
    """A template went past one of the limits; the message says which and how to fix it."""


def unsafe_name(name: str) -> bool:
    """Would the sandbox refuse an attribute or item of this name on some object?"""
    return name.startswith("_") or name in UNSAFE_NAMES


def _n(count: int) -> str:
    return f"{count:,}"


def _too_long(size: int, what: str = N_("a string")) -> LimitError:
    return LimitError(
        _(
            "the template makes {what} of {size} characters, more than the {limit} a "
            "template may make ({hint})"
        ).format(what=_(what), size=_n(size), limit=_n(MAX_TEXT), hint=_(_HINT))
    )


def _too_many(size: int) -> LimitError:
    return LimitError(
        _(
            "the template makes a list of {size} items, more than the {limit} a template may make ({hint})"
        ).format(size=_n(size), limit=_n(MAX_ITEMS), hint=_(_HINT))
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
                ).format(limit=_n(MAX_STEPS), what=_(what))
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


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("wfh_template_budget", default=None)


def _step(what: str) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.step(what)


def _tick() -> None:
    """An operation that may take a while on a large value: the clock is read every 64."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.ticks += 1
        if not budget.ticks & 63:
            budget.check_time()


def render_part(root: Callable[[Context], Iterator[str]], context: Context) -> str:
    """The part, rendered from its compiled root function under a fresh budget; the output is
    counted as it is generated, and the clock read every 256 pieces of it, at every 64th loop
    iteration or call, and every 64th filter, test, comparison or operator."""
    budget = Budget()
    token = _BUDGET.set(budget)
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
                    ).format(limit=_n(MAX_OUTPUT), hint=_(_HINT))
                )
            if not len(out) & 255:
                budget.check_time()
        return "".join(out)
    finally:
        _BUDGET.reset(token)


# --- sizes -----------------------------------------------------------------------------------

_VIEWS: tuple[type, ...] = (type({}.keys()), type({}.values()), type({}.items()))
_CONTAINERS = (list, tuple, dict, set, frozenset, deque, Namespace, *_VIEWS)


def printed_size(value: Any) -> int:
    """About how many characters `str(value)` makes, without making it; a list, dict or
    namespace is walked (at most MAX_ITEMS elements, shared ones counted each time they are
    printed). Raises LimitError past MAX_TEXT."""
    if isinstance(value, str):
        return len(value)
    if not isinstance(value, _CONTAINERS):
        return 32 if not isinstance(value, int) else value.bit_length() // 3 + 2
    size = 0
    seen = 0
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        seen += 1
        if seen > MAX_ITEMS:
            raise _too_many(seen)
        if isinstance(item, (str, bytes)):
            size += len(item) + 4  # quotes and the separator
        elif isinstance(item, Namespace):
            size += 16
            stack.append(object.__getattribute__(item, "_Namespace__attrs"))
        elif isinstance(item, dict):
            size += 2
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, _CONTAINERS):
            size += 2
            stack.extend(item)  # type: ignore[call-overload,arg-type]
        elif isinstance(item, int):
            size += item.bit_length() // 3 + 4
        else:
            size += 32
        if size > MAX_TEXT:
            raise _too_long(size, N_("a printed list or dict"))
    return size


def _check_printable(values: Iterable[Any]) -> int:
    total = 0
    for value in values:
        if isinstance(value, str):
            total += len(value)
        elif isinstance(value, _CONTAINERS):
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
    budget = _BUDGET.get()
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
        ).format(limit=_n(MAX_ITEMS), size=_n(size), hint=_(_HINT))
    )


def _check_result(value: Any) -> Any:
    if isinstance(value, (str, bytes)):
        if len(value) > MAX_TEXT:
            raise _too_long(len(value))
    elif isinstance(value, _NESTING):
        if isinstance(value, (list, tuple, dict, set, frozenset)) and len(value) > MAX_ITEMS:
            raise _too_many(len(value))
        tree_size(value)
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise _too_big_int(value.bit_length())
    return value


def _too_big_int(bits: int) -> LimitError:
    return LimitError(
        _(
            "the template computes a number of about {bits} bits, more than the {limit} a "
            "template may compute ({hint})"
        ).format(bits=_n(bits), limit=_n(MAX_INT_BITS), hint=_(_HINT))
    )


def _width(value: Any, what: str) -> None:
    if isinstance(value, int) and value > MAX_TEXT:
        raise LimitError(
            _("{what} {value} is more than the {limit} characters a template may make ({hint})").format(
                what=_(what), value=_n(value), limit=_n(MAX_TEXT), hint=_(_HINT)
            )
        )


_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_NUMBER = re.compile(r"\d+")


def _check_printf(fmt: str, args: Any) -> None:
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
                _width(int(part), N_("a field width of"))
    _check_printable(args if isinstance(args, tuple) else (args,))
    if isinstance(args, dict):
        _check_printable(args.values())


def _check_format_spec(spec: str) -> None:
    if "{" in spec:
        raise LimitError(
            _(
                "the format spec {spec} takes a width from its arguments, which a template may "
                "not do; write the width in the format"
            ).format(spec=repr(spec[:40]))
        )
    for number in _NUMBER.findall(spec):
        _width(int(number), N_("a field width of"))


def _check_str_format(fmt: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format reports it
    for _text, _name, spec, _conversion in fields:
        if spec:
            _check_format_spec(spec)
    _check_printable(args)
    _check_printable(kwargs.values())


def _check_mul(left: Any, right: Any) -> None:
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
            raise _too_long(len(seq) * count)
    elif isinstance(seq, (list, tuple)) and len(seq) * count > MAX_ITEMS:
        raise _too_many(len(seq) * count)


def _check_pow(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        bits = left.bit_length() * right
        if bits > MAX_INT_BITS:
            raise _too_big_int(bits)


def _check_add(left: Any, right: Any) -> None:
    if isinstance(left, (str, bytes)) and isinstance(right, (str, bytes)):
        if len(left) + len(right) > MAX_TEXT:
            raise _too_long(len(left) + len(right))
    elif (
        isinstance(left, (list, tuple))
        and isinstance(right, (list, tuple))
        and len(left) + len(right) > MAX_ITEMS
    ):
        raise _too_many(len(left) + len(right))


def _check_replace(s: Any, old: Any, new: Any, count: Any = None) -> None:
    if not isinstance(s, str) or not isinstance(old, str) or not isinstance(new, str):
        return
    hits = len(s) + 1 if not old else s.count(old)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    size = len(s) + hits * (len(new) - len(old))
    if size > MAX_TEXT:
        raise _too_long(size)


def _check_join(sep: Any, items: Any) -> list[Any]:
    items = list(items)
    total = _check_printable(items) + max(0, len(items) - 1) * len(str(sep))
    if total > MAX_TEXT:
        raise _too_long(total)
    return items


# --- str and bytes methods called from a template -------------------------------------------


def _method_check(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...] | None:
    """Check a call of a str/bytes/int method whose result may be large; return the arguments
    to call it with (an iterator given to join is read once, here)."""
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if isinstance(owner, (str, bytes)):
        if name in {"ljust", "rjust", "center", "zfill"}:
            _width(args[0] if args else kwargs.get("width"), N_("a width of"))
        elif name == "expandtabs":
            tabsize = args[0] if args else kwargs.get("tabsize", 8)
            if isinstance(tabsize, int) and len(owner) * max(tabsize, 1) > MAX_TEXT:
                raise _too_long(len(owner) * tabsize)
        elif name == "replace" and len(args) >= 2:
            _check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count"))
        elif name == "join" and args:
            return (_check_join(owner, args[0]),)
        elif name in {"split", "rsplit", "splitlines"} and isinstance(owner, str):
            sep = args[0] if args and name != "splitlines" else kwargs.get("sep")
            if name == "splitlines":
                pieces = owner.count("\n") + owner.count("\r") + 1
            elif isinstance(sep, str) and sep:
                pieces = owner.count(sep) + 1
            else:
                pieces = len(owner) // 2 + 1
            if pieces > MAX_ITEMS:
                raise _too_many(pieces)
        elif name == "translate" and args and isinstance(args[0], dict):
            longest = max((printed_size(v) for v in args[0].values()), default=1)
            if len(owner) * longest > MAX_TEXT:
                raise _too_long(len(owner) * longest)
    elif isinstance(owner, int) and name == "to_bytes":
        _width(args[0] if args else kwargs.get("length"), N_("a length of"))
    return None


# --- the filters -----------------------------------------------------------------------------


# filters that make a list of what they are given: of its characters when it is a string
_ITERATING = frozenset({"list", "sort", "batch", "slice", "groupby", "join", "sum", "dictsort", "unique"})


def _guarded(name: str, f: Callable[..., Any]) -> Callable[..., Any]:
    """A filter with its arguments measured first and its result after; the filters that can
    make much from little are checked for that before they run."""
    pass_arg = getattr(f, "jinja_pass_arg", None)
    skip = 1 if pass_arg is not None else 0

    @functools.wraps(f)
    def checked(*args: Any, **kwargs: Any) -> Any:
        given = args[skip:]
        _check_printable(given)
        _check_printable(kwargs.values())
        value = given[0] if given else None
        rest = given[1:]
        if name in _ITERATING and isinstance(value, str) and len(value) > MAX_ITEMS:
            raise _too_many(len(value))  # a list of its characters
        if name == "center":
            _width(rest[0] if rest else kwargs.get("width", 80), N_("a width of"))
        elif name == "indent":
            width = rest[0] if rest else kwargs.get("width", 4)
            pad = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
            lines = str(value).count("\n") + 1 if isinstance(value, str) else 1
            if pad * lines > MAX_TEXT:
                raise _too_long(pad * lines + printed_size(value))
        elif name == "format" and isinstance(value, str):
            _check_printf(value, kwargs or rest)
        elif name == "replace" and len(rest) >= 2:
            _check_replace(value, rest[0], rest[1], rest[2] if len(rest) > 2 else kwargs.get("count"))
        elif name == "join" and value is not None:
            sep = rest[0] if rest else kwargs.get("d", "")
            args = (*args[:skip], _check_join(sep, value), *rest)
        elif name == "wordwrap" and isinstance(value, str):
            wrap = kwargs.get("wrapstring") or (rest[2] if len(rest) > 2 else None) or "\n"
            if len(value) * (1 + len(str(wrap))) > MAX_TEXT:
                raise _too_long(len(value) * (1 + len(str(wrap))))
        elif name in {"batch", "slice"}:
            count = rest[0] if rest else kwargs.get("linecount", kwargs.get("slices"))
            if isinstance(count, int) and count > MAX_ITEMS:
                raise _too_many(count)
        elif name == "sum":
            start = kwargs.get("start", rest[1] if len(rest) > 1 else 0)
            if isinstance(start, (str, bytes, list, tuple)) and value is not None:
                items = list(value)
                total = len(start) + sum(len(i) for i in items if isinstance(i, (str, bytes, list, tuple)))
                if total > MAX_ITEMS:
                    raise _too_many(total)
                args = (*args[:skip], items, *rest)
        _tick()
        return _check_result(f(*args, **kwargs))

    return checked


def _timed_test(f: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(f)
    def timed(*args: Any, **kwargs: Any) -> Any:
        _tick()
        return f(*args, **kwargs)

    return timed


def _loop_guard(iterable: Any) -> Iterator[Any]:
    """The iterable of every {% for %}: each iteration counted against the part's budget."""
    budget = _BUDGET.get()
    if budget is None:
        yield from iterable
        return
    for item in iterable:
        budget.steps += 1
        if budget.steps > MAX_STEPS or not budget.steps & 63:
            budget.checkpoint(N_("loop iterations"))
        yield item


LOOP_GUARD = "wfh_counted_loop"


def _range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_STEPS:
        raise LimitError(
            _(
                "range({arguments}) has {count} numbers, more than the "
                "{limit} a template may loop over; a letter template loops over the "
                "recipients and Nơi nhận lines, not over numbers"
            ).format(arguments=", ".join(map(str, args)), count=_n(len(rng)), limit=_n(MAX_STEPS))
        )
    return rng


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    if n > 1000 or max > 10_000 or min > 10_000:
        raise LimitError(
            _("lipsum({n}, ..., {min}, {max}) is more placeholder text than a template may make").format(
                n=n, min=min, max=max
            )
        )
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


# --- the environment --------------------------------------------------------------------------


class _CodeGenerator(CodeGenerator):
    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        # a comparison of large values takes time: it ticks the clock
        self.write("environment.wfh_timed(")
        super().visit_Compare(node, frame)
        self.write(")")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # `a ~ b` goes through the environment's measured join (Jinja's calls markup_join)
        self.write("environment.wfh_concat(context.eval_ctx, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class LetterSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, as render.Template configures it, with the limits above."""

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
        self.finalize = self._finalize
        self.concat = self._concat  # type: ignore[method-assign,assignment]
        self.filters = {name: _guarded(name, f) for name, f in FILTERS.items()}
        self.tests = {name: _timed_test(f) for name, f in self.tests.items()}  # type: ignore[arg-type]
        self.filters[LOOP_GUARD] = _loop_guard
        self.filters[MEASURED] = _measure
        self.globals["range"] = _range
        self.globals["lipsum"] = _lipsum

    @staticmethod
    def _finalize(value: Any) -> Any:
        # what a {{ tag }} prints: a list or dict is measured before it is made text
        if not isinstance(value, str) and isinstance(value, _CONTAINERS):
            printed_size(value)
        return value

    @staticmethod
    def _concat(items: Iterable[str]) -> str:
        # every buffer a macro, a {% set %} block or a {% filter %} block joins
        parts = items if isinstance(items, list) else list(items)
        size = sum(map(len, parts))
        if size > MAX_TEXT:
            raise _too_long(size)
        return "".join(parts)

    def wfh_concat(self, eval_ctx: nodes.EvalContext, items: tuple[Any, ...]) -> str:
        _tick()
        size = _check_printable(items) + 32 * len(items)
        if size > MAX_TEXT:
            raise _too_long(size)
        return markup_join(items) if eval_ctx.autoescape else str_join(items)

    @staticmethod
    def wfh_timed(value: Any) -> Any:
        _tick()
        return value

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "*":
            _check_mul(left, right)
        elif operator == "**":
            _check_pow(left, right)
        elif operator == "+":
            _check_add(left, right)
        elif operator == "%" and isinstance(left, str):
            _check_printf(left, right)
        return _check_result(self.binop_table[operator](left, right))

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        _step(N_("loop iterations and calls"))
        replaced = _method_check(obj, args, kwargs)
        if replaced is not None:
            args = replaced
        return _check_result(super().call(context, obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt: str = value.__self__
        is_map = value.__name__ == "format_map"

        def checked(*args: Any, **kwargs: Any) -> str:
            _check_str_format(fmt, () if is_map else args, args[0] if is_map and args else kwargs)
            result: str = wrapped(*args, **kwargs)
            return _check_result(result)  # type: ignore[no-any-return]

        return checked


class _MeasureLiterals(NodeTransformer):
    """Each list, tuple or dict a template writes, [a, b], (a, b), {'k': v}, goes through the
    measuring filter (tree_size)."""

    def _measured(self, node: nodes.Node) -> nodes.Node:
        node = self.generic_visit(node)
        if getattr(node, "ctx", "load") != "load":
            return node  # the target of a {% for %} or {% set %}
        return nodes.Filter(node, MEASURED, [], [], None, None, lineno=node.lineno)

    visit_List = visit_Tuple = visit_Dict = _measured


def _measure(value: Any) -> Any:
    tree_size(value)
    return value


MEASURED = "wfh_measured"


def guard_loops(tree: nodes.Template, env: LetterSandbox) -> nodes.Template:
    """Every {% for %} of a parsed template iterates through the counting filter, and every
    list, tuple or dict it writes is measured."""
    tree = _MeasureLiterals().visit(tree)
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Filter(loop.iter, LOOP_GUARD, [], [], None, None, lineno=loop.iter.lineno)
    tree.set_environment(env)
    return tree


def unsafe_accesses(tree: nodes.Template) -> Iterator[tuple[int, str]]:
    """(line, name) of each attribute or item with a constant name the sandbox would refuse:
    x.__class__, x['__globals__'], x|attr('_private'), ..."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        name: Any = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const):
                name = node.arg.value
        elif (
            isinstance(node, nodes.Filter)
            and node.name == "attr"
            and node.args
            and isinstance(node.args[0], nodes.Const)
        ):
            name = node.args[0].value
        if isinstance(name, str) and unsafe_name(name):
            yield node.lineno, name
