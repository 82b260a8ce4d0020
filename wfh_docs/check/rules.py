"""The names callers imported from here before the checker was split into its parts; import them
from wfh_docs.check instead (batch, web and cli still do: this module goes once they no longer)."""

from __future__ import annotations

from . import Finding, check_docx, check_file, check_template

__all__ = ["Finding", "check_docx", "check_file", "check_template"]
