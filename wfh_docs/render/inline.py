"""The body's emphasis markup: wfh_docs.letter.inline, where the letter's validation reads it too
(a stray asterisk is refused at its JSON path before anything is rendered)."""

from __future__ import annotations

from ..letter.inline import Span, ends_with, leftovers, parse, plain

__all__ = ["Span", "ends_with", "leftovers", "parse", "plain"]
