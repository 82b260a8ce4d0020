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

import functools
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
from jinja2.utils import generate_lorem_ipsum
from jinja2.visitor import NodeTransformer

from ..i18n import N_, _
from .limits import (
    BUDGET,
    CONTAINERS,
    MAX_INT_BITS,
    MAX_ITEMS,
    MAX_OUTPUT,
    MAX_STEPS,
    MAX_TEXT,
    RENDER_SECONDS,
    LimitError,
    check_add,
    check_join,
    check_mul,
    check_pow,
    check_printable,
    check_printf,
    check_replace,
    check_result,
    check_str_format,
    check_width,
    grouped,
    printed_size,
    render_part,
    step,
    tick,
    too_long,
    too_many,
    tree_size,
)

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


def unsafe_name(name: str) -> bool:
    """Would the sandbox refuse an attribute or item of this name on some object?"""
    return name.startswith("_") or name in UNSAFE_NAMES


# --- str and bytes methods called from a template -------------------------------------------


def _method_check(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...] | None:
    """Check a call of a str/bytes/int method whose result may be large; return the arguments
    to call it with (an iterator given to join is read once, here)."""
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if isinstance(owner, (str, bytes)):
        if name in {"ljust", "rjust", "center", "zfill"}:
            check_width(args[0] if args else kwargs.get("width"), N_("a width of"))
        elif name == "expandtabs":
            tabsize = args[0] if args else kwargs.get("tabsize", 8)
            if isinstance(tabsize, int) and len(owner) * max(tabsize, 1) > MAX_TEXT:
                raise too_long(len(owner) * tabsize)
        elif name == "replace" and len(args) >= 2:
            check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count"))
        elif name == "join" and args:
            return (check_join(owner, args[0]),)
        elif name in {"split", "rsplit", "splitlines"} and isinstance(owner, str):
            sep = args[0] if args and name != "splitlines" else kwargs.get("sep")
            if name == "splitlines":
                pieces = owner.count("\n") + owner.count("\r") + 1
            elif isinstance(sep, str) and sep:
                pieces = owner.count(sep) + 1
            else:
                pieces = len(owner) // 2 + 1
            if pieces > MAX_ITEMS:
                raise too_many(pieces)
        elif name == "translate" and args and isinstance(args[0], dict):
            longest = max((printed_size(v) for v in args[0].values()), default=1)
            if len(owner) * longest > MAX_TEXT:
                raise too_long(len(owner) * longest)
    elif isinstance(owner, int) and name == "to_bytes":
        check_width(args[0] if args else kwargs.get("length"), N_("a length of"))
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
        check_printable(given)
        check_printable(kwargs.values())
        value = given[0] if given else None
        rest = given[1:]
        if name in _ITERATING and isinstance(value, str) and len(value) > MAX_ITEMS:
            raise too_many(len(value))  # a list of its characters
        if name == "center":
            check_width(rest[0] if rest else kwargs.get("width", 80), N_("a width of"))
        elif name == "indent":
            width = rest[0] if rest else kwargs.get("width", 4)
            pad = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
            lines = str(value).count("\n") + 1 if isinstance(value, str) else 1
            if pad * lines > MAX_TEXT:
                raise too_long(pad * lines + printed_size(value))
        elif name == "format" and isinstance(value, str):
            check_printf(value, kwargs or rest)
        elif name == "replace" and len(rest) >= 2:
            check_replace(value, rest[0], rest[1], rest[2] if len(rest) > 2 else kwargs.get("count"))
        elif name == "join" and value is not None:
            sep = rest[0] if rest else kwargs.get("d", "")
            args = (*args[:skip], check_join(sep, value), *rest)
        elif name == "wordwrap" and isinstance(value, str):
            wrap = kwargs.get("wrapstring") or (rest[2] if len(rest) > 2 else None) or "\n"
            if len(value) * (1 + len(str(wrap))) > MAX_TEXT:
                raise too_long(len(value) * (1 + len(str(wrap))))
        elif name in {"batch", "slice"}:
            count = rest[0] if rest else kwargs.get("linecount", kwargs.get("slices"))
            if isinstance(count, int) and count > MAX_ITEMS:
                raise too_many(count)
        elif name == "sum":
            start = kwargs.get("start", rest[1] if len(rest) > 1 else 0)
            if isinstance(start, (str, bytes, list, tuple)) and value is not None:
                items = list(value)
                total = len(start) + sum(len(i) for i in items if isinstance(i, (str, bytes, list, tuple)))
                if total > MAX_ITEMS:
                    raise too_many(total)
                args = (*args[:skip], items, *rest)
        tick()
        return check_result(f(*args, **kwargs))

    return checked


def _timed_test(f: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(f)
    def timed(*args: Any, **kwargs: Any) -> Any:
        tick()
        return f(*args, **kwargs)

    return timed


def _loop_guard(iterable: Any) -> Iterator[Any]:
    """The iterable of every {% for %}: each iteration counted against the part's budget."""
    budget = BUDGET.get()
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
            ).format(arguments=", ".join(map(str, args)), count=grouped(len(rng)), limit=grouped(MAX_STEPS))
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
        self.concat = self._concat  # type: ignore[method-assign]
        self.filters = {name: _guarded(name, f) for name, f in FILTERS.items()}
        self.tests = {name: _timed_test(f) for name, f in self.tests.items()}  # type: ignore[arg-type]
        self.filters[LOOP_GUARD] = _loop_guard
        self.filters[MEASURED] = _measure
        self.globals["range"] = _range
        self.globals["lipsum"] = _lipsum

    @staticmethod
    def _finalize(value: Any) -> Any:
        # what a {{ tag }} prints: a list or dict is measured before it is made text
        if not isinstance(value, str) and isinstance(value, CONTAINERS):
            printed_size(value)
        return value

    @staticmethod
    def _concat(items: Iterable[str]) -> str:
        # every buffer a macro, a {% set %} block or a {% filter %} block joins
        parts = items if isinstance(items, list) else list(items)
        size = sum(map(len, parts))
        if size > MAX_TEXT:
            raise too_long(size)
        return "".join(parts)

    def wfh_concat(self, eval_ctx: nodes.EvalContext, items: tuple[Any, ...]) -> str:
        tick()
        size = check_printable(items) + 32 * len(items)
        if size > MAX_TEXT:
            raise too_long(size)
        return markup_join(items) if eval_ctx.autoescape else str_join(items)

    @staticmethod
    def wfh_timed(value: Any) -> Any:
        tick()
        return value

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        tick()
        if operator == "*":
            check_mul(left, right)
        elif operator == "**":
            check_pow(left, right)
        elif operator == "+":
            check_add(left, right)
        elif operator == "%" and isinstance(left, str):
            check_printf(left, right)
        return check_result(self.binop_table[operator](left, right))

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        step(N_("loop iterations and calls"))
        replaced = _method_check(obj, args, kwargs)
        if replaced is not None:
            args = replaced
        return check_result(super().call(context, obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt: str = value.__self__
        is_map = value.__name__ == "format_map"

        def checked(*args: Any, **kwargs: Any) -> str:
            check_str_format(fmt, () if is_map else args, args[0] if is_map and args else kwargs)
            result: str = wrapped(*args, **kwargs)
            return check_result(result)  # type: ignore[no-any-return]

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


__all__ = [
    "MAX_INT_BITS",
    "MAX_ITEMS",
    "MAX_OUTPUT",
    "MAX_STEPS",
    "MAX_TEXT",
    "RENDER_SECONDS",
    "LetterSandbox",
    "LimitError",
    "guard_loops",
    "render_part",
    "unsafe_accesses",
    "unsafe_name",
]
