"""The browser app (`wfhdoc web`): Starlette routes and Jinja pages over the same library as the CLI.

    config.py   what the app is started with (host, token, register, keys, upload limits)
    files.py    the private scratch folders and the uploads saved in them, bounded and checked
    preview.py  page images of a letter: LibreOffice (wfh_docs.pdf.convert) and pdftoppm
    jobs.py     batches run off the request thread, one at a time, with their progress
    app.py      the routes, the guard (login, CSRF, language, Host) and the error pages
    server.py   uvicorn, started by the CLI

Only this package imports starlette; it imports the library by absolute names.
"""

from __future__ import annotations

from wfh_docs.web.config import WebConfig

__all__ = ["WebConfig"]
