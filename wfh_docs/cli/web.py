"""`wfhdoc web`: the whole job in a browser."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import N_, _
from .console import secret
from .options import command, option


@command(
    help=N_(
        "Open wfhdoc in a browser, in Vietnamese: write a letter, build a workbook's letters, check "
        "letters typed in Word, see the register, sign PDFs.\n\n"
        "Listens on this computer only (127.0.0.1) unless --host, which then needs a password "
        "(WFHDOC_WEB_TOKEN or --token). Ctrl-C stops it.\n\n"
        "\b\nExamples:\n  wfhdoc web\n"
        "  WFHDOC_WEB_TOKEN=... wfhdoc web --host 0.0.0.0 --register so-dang-ky.sqlite"
    )
)
@option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=N_("The address to listen on; any other than this computer's (127.0.0.1) needs a password."),
)
@option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8750,
    show_default=True,
    help=N_("The port to listen on."),
)
@option("--no-browser", is_flag=True, help=N_("Do not open the browser."))
@option(
    "--token",
    envvar="WFHDOC_WEB_TOKEN",
    help=N_(
        "The password the pages ask for (better from WFHDOC_WEB_TOKEN, which others cannot see); "
        "needed with --host."
    ),
)
@option(
    "--register",
    "register_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_(
        "The register of outgoing documents (SQLite) that numbers the batches' letters and that "
        "the Sổ đăng ký page shows."
    ),
)
@option(
    "--pkcs12",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help=N_("A PKCS#12 key file for the Ký số page; its passphrase from WFHDOC_P12_PASSPHRASE or a prompt."),
)
def web(
    host: str, port: int, no_browser: bool, token: str | None, register_path: Path | None, pkcs12: Path | None
) -> None:
    from ..web.config import WebConfig  # Starlette only for this command
    from ..web.server import serve

    passphrase = secret("WFHDOC_P12_PASSPHRASE", _("Passphrase of the key file")).encode() if pkcs12 else None
    config = WebConfig(
        host=host,
        port=port,
        token=token or None,
        register=register_path,
        pkcs12=pkcs12,
        passphrase=passphrase,
    )
    serve(config, open_browser=not no_browser, say=click.echo)
