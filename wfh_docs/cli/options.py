"""The commands' building blocks: click classes whose help is translated when it is shown, and
the options several commands share (-o/--output, --workers, -q/--quiet, --template, --pdfa,
--overwrite, --json).

Help texts are msgids (English, marked with N_()), kept as given and looked up in the catalog
each time help is printed: one process may show `--lang vi` help, then `--lang en`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..i18n import N_, _

F = TypeVar("F", bound=Callable[..., Any])
SHOW_HELP = N_("Show this message and exit.")
SHOW_VERSION = N_("Show the version and exit.")
# click's usage line: the msgids of its defaults
METAVARS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))


def _translated(text: str | None) -> str | None:
    return _(text) if text else text


class Option(click.Option):
    """An option whose help is said in the language of the run."""

    @property
    def help(self) -> str | None:
        return _translated(self._msgid)

    @help.setter
    def help(self, value: str | None) -> None:
        self._msgid = value


class _Translated:
    """A command's help (and short help) in the language of the run; click's own help option,
    which click makes once and keeps, gets its text again each time."""

    _msgid: str | None
    _short_msgid: str | None
    _options_metavar: str | None

    @property
    def help(self) -> str | None:
        return _translated(self._msgid)

    @help.setter
    def help(self, value: str | None) -> None:
        self._msgid = value

    @property
    def short_help(self) -> str | None:
        return _translated(self._short_msgid)

    @short_help.setter
    def short_help(self, value: str | None) -> None:
        self._short_msgid = value

    @property
    def options_metavar(self) -> str | None:
        return _translated(self._options_metavar)

    @options_metavar.setter
    def options_metavar(self, value: str | None) -> None:
        # click's own "[OPTIONS]", marked below
        self._options_metavar = value

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _(SHOW_HELP)
        return option  # type: ignore[no-any-return]


class Command(_Translated, click.Command):
    pass


class Group(_Translated, click.Group):
    command_class = Command
    group_class = type  # a group's groups are of its class
    _subcommand_metavar: str

    @property
    def subcommand_metavar(self) -> str:
        return _(self._subcommand_metavar)

    @subcommand_metavar.setter
    def subcommand_metavar(self, value: str) -> None:
        self._subcommand_metavar = value


def option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """click.option with a help said in the language of the run."""
    return click.option(*decls, cls=Option, **attrs)


def command(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], Command]:
    """click.command whose help (a msgid: `help=N_(...)`) is said in the language of the run."""
    return click.command(name, cls=Command, **attrs)


def output_option(
    help: str, *, dest: str = "output", required: bool = False, path: bool = True
) -> Callable[[F], F]:
    """-o/--output: the file or folder a command writes."""
    kind = click.Path(path_type=Path) if path else click.Path()
    return option("-o", "--output", dest, type=kind, required=required, help=help)


def template_option(help: str = N_("A docxtpl .docx template to use.")) -> Callable[[F], F]:
    return option("--template", type=click.Path(path_type=Path), help=help)


def workers_option(help: str) -> Callable[[F], F]:
    return option("--workers", type=click.IntRange(min=1), help=help)


def quiet_option() -> Callable[[F], F]:
    return option("-q", "--quiet", is_flag=True, help=N_("No progress bar, only the summary and the errors."))


def pdfa_option(help: str = N_("Write PDF/A-2b, the archival form.")) -> Callable[[F], F]:
    return option("--pdfa", is_flag=True, help=help)


def overwrite_option(help: str) -> Callable[[F], F]:
    return option("--overwrite", is_flag=True, help=help)


def json_option(help: str = N_("Print JSON instead of a table.")) -> Callable[[F], F]:
    return option("--json", "as_json", is_flag=True, help=help)


_CERT = click.Path(path_type=Path, dir_okay=False)


def key_options(fn: F) -> F:
    """The key a signing command signs with, and how (the same for sign and issue): a PKCS#12
    file or a PKCS#11 token, the PAdES level, the time-stamping service, the CA certificates."""
    decorators = [
        option(
            "--pkcs12",
            type=_CERT,
            help=N_("A PKCS#12 (.p12/.pfx) key file; its passphrase from WFHDOC_P12_PASSPHRASE or a prompt."),
        ),
        option(
            "--pkcs11-lib",
            help=N_(
                "The USB token's PKCS#11 library (e.g. libeTPkcs11.so, bit4xpki.dll); "
                "the PIN from WFHDOC_PIN or a prompt."
            ),
        ),
        option("--token-label", help=N_("The token's label, when several are plugged in.")),
        option("--key-label", help=N_("The key's label on the token (default: its only key).")),
        option("--cert-label", help=N_("The certificate's label on the token (default: the key's).")),
        option("--pin-pad", is_flag=True, help=N_("The token has its own PIN pad: ask for no PIN here.")),
        option(
            "--level",
            type=click.Choice(["B-B", "B-T", "B-LT", "B-LTA"]),
            help=N_(
                "PAdES level: B-T adds a time-stamp (--tsa-url), B-LT/B-LTA revocation data "
                "(default: B-T with --tsa-url, else B-B)."
            ),
        ),
        option("--tsa-url", help=N_("A time-stamp server (RFC 3161): every signature is time-stamped.")),
        option(
            "--trust-root",
            "trust_roots",
            multiple=True,
            type=_CERT,
            help=N_(
                "A CA certificate (PEM/DER) to include and validate with, e.g. the VGCA root; repeatable."
            ),
        ),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn
