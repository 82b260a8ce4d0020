"""The command line: thin click commands, and the one place that turns errors into exit codes.

Exit codes: 0 done; 1 the job failed (bad data, template or output; the message says what and
where); 2 bad usage (click's own). Tracebacks only with --verbose.
"""

from __future__ import annotations

import contextlib
import json
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .build import build as build_letter
from .errors import InputError, WfhDocError
from .model import json_schema

_state = {"verbose": False}


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 80, "max_content_width": 80}
)
@click.version_option(__version__, "--version", prog_name="wfhdoc", message="%(prog)s %(version)s")
@click.option("--verbose", is_flag=True, help="On an error, also print the Python traceback.")
def cli(verbose: bool) -> None:
    """wfhdoc: Vietnamese official letters (công văn) in the layout of Nghị định 30/2020/NĐ-CP.

    Write the letter as data (JSON), and wfhdoc makes the finished .docx: header, Số and date,
    V/v, Kính gửi, body, signature block, Nơi nhận and phụ lục, ready to open in Word and sign.
    """
    _state["verbose"] = verbose


@cli.command()
@click.argument("data", type=click.Path(path_type=Path, dir_okay=True, exists=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="The .docx to write, or a folder to write it in (an existing folder, or a path ending "
    "in / or without an extension). Default: a name made from the number and ký hiệu, e.g. "
    "451-SCT-VP.docx, in the current folder.",
)
@click.option(
    "--template",
    type=click.Path(path_type=Path),
    help="A docxtpl .docx template to use instead of wfhdoc's own templates/cong-van.docx.",
)
def build(data: Path, output: str | None, template: Path | None) -> None:
    """Build one letter from DATA, a JSON file.

    \b
    Example:
      wfhdoc build data/examples/cong-van-451-SCT-VP-2020.json -o out/451-SCT-VP.docx
    """
    result = build_letter(data, output, template)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {result.path}")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of a letter file, for editors to check and autocomplete.

    \b
    Example:
      wfhdoc schema > data/letter.schema.json
    """
    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def _console_utf8() -> None:
    # A Windows console or a redirected stream may use a code page without Vietnamese
    # letters; print UTF-8 there rather than fail or print question marks.
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            # a stream that cannot be changed keeps its encoding
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script exits with it)."""
    _console_utf8()
    _state["verbose"] = "--verbose" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="wfhdoc", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except InputError as exc:
        if _state["verbose"]:
            traceback.print_exc()
        click.echo(f"error: {exc}", err=True)
        return 1
    except WfhDocError as exc:
        if _state["verbose"]:
            traceback.print_exc()
        click.echo(f"error: {exc}", err=True)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a bug, said as one
        if _state["verbose"]:
            traceback.print_exc()
        click.echo(
            f"error: internal error in wfhdoc ({type(exc).__name__}: {exc}). This is a bug; "
            "run again with --verbose and report the output.",
            err=True,
        )
        return 1
    return 0


def entry() -> None:
    sys.exit(main())
