"""click's own words (Usage:, Options:, its errors) in the language of the run.

click looks its messages up with the standard library's gettext, for the whole process. For
the run of one command, main() points the `_` and `ngettext` of click's modules at wfhdoc's
catalog (`speaking`), and puts them back after: the messages below are its msgids, marked here
so that the catalog has them.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from types import ModuleType

from .. import i18n
from ..i18n import N_

_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "shell_completion",
    "termui",
    "types",
    "utils",
)

MESSAGES = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Missing command."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Option {name!r} does not take a value."),
    N_("Argument {name!r} takes {nargs} values."),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("integer"),
    N_("float"),
    N_("Aborted!"),
    N_("Value must be an iterable."),
)


def _plurals() -> None:
    """Never called: click's messages with a count, marked for the catalog."""
    ngettext = i18n.ngettext
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1)
    ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1)
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1)
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1)
    ngettext("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given.", 1)


@contextlib.contextmanager
def speaking() -> Iterator[None]:
    """click's messages through wfhdoc's catalog for the block, as they were after it."""
    saved: list[tuple[ModuleType, str, object]] = []
    try:
        for name in _MODULES:
            try:
                module = importlib.import_module(f"click.{name}")
            except ImportError:  # pragma: no cover - a click without that module
                continue
            for attr, ours in (("_", i18n._), ("ngettext", i18n.ngettext)):
                if hasattr(module, attr):
                    saved.append((module, attr, getattr(module, attr)))
                    setattr(module, attr, ours)
        yield
    finally:
        for module, attr, theirs in reversed(saved):
            setattr(module, attr, theirs)
