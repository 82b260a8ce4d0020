"""`wfhdoc web`: check the configuration, open the browser, serve the app with uvicorn."""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable

import uvicorn

from wfh_docs.i18n import _
from wfh_docs.web.app import create_app
from wfh_docs.web.config import WebConfig, check


def url_of(config: WebConfig) -> str:
    host = "127.0.0.1" if config.loopback else config.host
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{config.port}/"


def serve(config: WebConfig, *, open_browser: bool = True, say: Callable[[str], None] = print) -> None:
    """Serve until Ctrl-C. Raises WfhDocError before listening when the configuration is unsafe."""
    check(config)
    app = create_app(config)
    url = url_of(config)
    say(_("wfhdoc web: open {url} in a browser (Ctrl-C stops it)").format(url=url))
    if config.token:
        say(_("the page asks for the password given with --token or WFHDOC_WEB_TOKEN"))
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning")
