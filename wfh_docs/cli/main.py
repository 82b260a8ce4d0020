"""The command line's group, and the one place that turns errors into exit codes and messages.

Exit codes: 0 done; 1 the job failed (bad data, template or output; the message says what and
where); 2 bad usage (click's own); 128 + the signal for a run stopped by one: 130 Ctrl-C
(SIGINT), 143 SIGTERM, 129 SIGHUP. Tracebacks only with --verbose. The language of the run is
Vietnamese unless English is asked for (--lang en, WFHDOC_LANG=en, an English locale).
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from typing import Any

import click

from .. import __version__
from ..errors import WfhDocError
from ..i18n import LANGUAGES, N_, _, choose_language, using
from . import state
from .batch import batch
from .build import build
from .check import check
from .click_messages import speaking
from .console import error, utf8_console
from .issue import issue
from .mau_excel import mau_excel
from .options import SHOW_VERSION, Group, Option, option
from .pdf import pdf
from .register import register
from .report import report_form
from .schema import schema
from .sign import sign, verify
from .tong_hop import tong_hop
from .web import web


@click.group(
    cls=Group,
    context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 80, "max_content_width": 80},
    help=N_(
        "wfhdoc: Vietnamese official letters (công văn) in the layout of Nghị định 30/2020/NĐ-CP.\n\n"
        "Write the letter as data (JSON), and wfhdoc makes the finished .docx: header, Số and date, "
        "V/v, Kính gửi, body, signature block, Nơi nhận and phụ lục, ready to open in Word and sign."
    ),
)
@click.version_option(
    __version__,
    "--version",
    prog_name="wfhdoc",
    message="%(prog)s %(version)s",
    cls=Option,
    help=SHOW_VERSION,
)
@option("--verbose", is_flag=True, help=N_("On an error, also print the Python traceback."))
@option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help=N_(
        "The language of messages and help: vi (Vietnamese, the default) or en (English); also "
        "WFHDOC_LANG, or an English locale."
    ),
)
def cli(verbose: bool, lang: str | None) -> None:
    # both are read from the command line before click runs (see main), so that click's own
    # messages and the help are in the language of the run
    state.verbose = verbose


for _command in (
    build,
    batch,
    register,
    check,
    pdf,
    sign,
    issue,
    verify,
    web,
    mau_excel,
    report_form,
    tong_hop,
    schema,
):
    cli.add_command(_command)
cli.add_command(mau_excel, name="excel-template")


def _global(argv: list[str], name: str) -> str | None:
    """The value of the group's option `name` in `argv` (before the command), or None; a flag
    gives ""."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        token = argv[i]
        if token == name:
            return argv[i + 1] if name == "--lang" and i + 1 < len(argv) else ""
        if token.startswith(name + "="):
            return token.split("=", 1)[1]
        i += 2 if token == "--lang" else 1
    return None


@contextlib.contextmanager
def _stop_signals() -> Iterator[None]:
    """SIGTERM (a service stopped, `kill`) and SIGHUP (the terminal closed) stop a command as
    Ctrl-C does: each command finishes or abandons the work in hand, writes what it must and
    removes its temporaries. The exit code is 128 + the signal. Installed for the run of one
    command only, by the command line: the library changes no process-wide state. A signal
    ignored when wfhdoc started (nohup) stays ignored."""
    state.signal = int(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        state.signal = signum  # for the exit code
        raise KeyboardInterrupt

    before: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) in (signal.SIG_DFL, signal.default_int_handler):
            before[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script exits with it)."""
    args = list(sys.argv[1:] if argv is None else argv)
    state.verbose = _global(args, "--verbose") is not None
    lang = _global(args, "--lang")
    with utf8_console(), using(choose_language(lang or None)), speaking(), _stop_signals():
        return _main(args)


def _main(argv: list[str]) -> int:
    try:
        cli.main(args=argv, prog_name="wfhdoc", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo(_("Interrupted."), err=True)
            return 128 + state.signal
        click.echo(_("Aborted."), err=True)  # a prompt's input ended (Ctrl-D)
        return 1
    except KeyboardInterrupt:
        click.echo(_("Interrupted."), err=True)
        return 128 + state.signal
    except WfhDocError as exc:
        if state.verbose:
            traceback.print_exc()
        error(exc)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a bug, said as one
        if state.verbose:
            traceback.print_exc()
        error(
            _(
                "internal error in wfhdoc ({error}). This is a bug; run again with --verbose "
                "and report the output."
            ).format(error=f"{type(exc).__name__}: {exc}")
        )
        return 1
    return 0


def entry() -> None:
    sys.exit(main())
