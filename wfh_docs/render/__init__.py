"""Letter -> .docx bytes: the WordprocessingML builders (builders, inline, signatureline), the
template contract (contract), template loading and rendering (template) in Jinja's sandbox
(sandbox) within its limits (limits), assembly and zip writing behind one seam (assemble,
package), verification that nothing was lost (verify).
"""

from .contract import (
    REQUIRED_STYLES,
    REQUIRED_VARIABLES,
    VARIABLES,
    W_NS,
    LetterContext,
    broken_tags,
    cc_lines,
    context,
    numbered_source,
    recipient_lines,
)
from .template import DEFAULT_TEMPLATE, RenderedLetter, Template, letter_warnings, render
from .verify import document_text, expected_texts, xml_text

__all__ = [
    "DEFAULT_TEMPLATE",
    "REQUIRED_STYLES",
    "REQUIRED_VARIABLES",
    "VARIABLES",
    "W_NS",
    "LetterContext",
    "RenderedLetter",
    "Template",
    "broken_tags",
    "cc_lines",
    "context",
    "document_text",
    "expected_texts",
    "letter_warnings",
    "numbered_source",
    "recipient_lines",
    "render",
    "xml_text",
]
