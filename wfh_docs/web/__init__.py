"""The browser app (`wfhdoc web`): Starlette routes and Jinja pages over the same library as the CLI.

    config.py   what the app is started with (host, token, register, keys, upload limits)
    files.py    the private scratch folders and the uploads saved in them, bounded and checked
    preview.py  page images of a letter: LibreOffice (wfh_docs.pdf) and pdftoppm
    jobs.py     batches run off the request thread, one at a time, with their progress
    guard.py    what every request passes: Host, login (and its rate limit), CSRF, language, size
    forms.py    forms read within the limits, uploads, downloads, JSON with decimals
    letters.py  a letter validated as the CLI does, its problems for the page, the examples
    state.py    the app's state (scratch, jobs, PDFs made here, the page renderer)
    pages/      one module per page: compose, batch, check, register, sign, login
    app.py      create_app: the routes, the guard in front of them, the error pages
    server.py   uvicorn, started by the CLI

Only this package imports starlette; it imports the library by absolute names.
"""

from __future__ import annotations

from wfh_docs.web.config import WebConfig

__all__ = ["WebConfig"]
