"""PAdES signing and verification of letters, with signature images, seals and stamps placed as the
decree says: keys, images, fonts, pdftext (text positions), placement, appearance (the only module
touching pyHanko's internals), signing (the flow: Signing, an open key for a run), blanks and
issue (the văn thư's number, date and seal stamped into the blanks a letter left for them), many
(many files in one run, with its manifest) and verify.
"""

from ..errors import SigningError
from .base import Box, Level, Role
from .keys import KeySource
from .requests import SignOptions, SignRequest
from .signing import Signing, SignResult, sign_file, sign_pdf
from .verify import SignatureReport, verify_pdf

__all__ = [
    "Box",
    "KeySource",
    "Level",
    "Role",
    "SignOptions",
    "SignRequest",
    "SignResult",
    "Signing",
    "SignatureReport",
    "SigningError",
    "sign_file",
    "sign_pdf",
    "verify_pdf",
]
