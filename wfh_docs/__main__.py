"""`python -m wfh_docs` runs the wfhdoc command line."""

from .cli import entry

entry()
