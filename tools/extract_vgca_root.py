"""Extract the government's root certificate ("Cơ quan chứng thực số chuyên dùng Chính phủ", the
RootCA of Ban Cơ yếu Chính phủ) from the time-stamp tokens of the real signed letters in
tests/data/signed-pdfs, into wfh_docs/sign/roots/, where wfhdoc verify trusts it with no option;
and beside it the CA certificates it issued that the letters carry ("Cơ quan chứng thực số Chính
phủ", which issued the agencies' and leaders' certificates), to build chains with, not trusted
by themselves. Most signatures do not carry that intermediate; one letter (16-…) does.

Run once (python tools/extract_vgca_root.py); the certificate is public: every token embeds it.
It prints each self-signed certificate found, with its SHA-256 fingerprint, and writes the one
whose subject names the government's CA.
"""

from __future__ import annotations

import hashlib
import io
import sys
import unicodedata
from pathlib import Path

from asn1crypto import pem
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "data" / "signed-pdfs"
TARGET = ROOT / "wfh_docs" / "sign" / "roots" / "vgca-rootca.pem"
INTERMEDIATES = TARGET.with_name("vgca-intermediates.pem")
NAME = "Cơ quan chứng thực số chuyên dùng Chính phủ"  # written without diacritics in the certificate


def _folded(text: str) -> str:
    """Lower case without diacritics: the certificate spells the name in ASCII."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def main() -> int:
    found: dict[bytes, object] = {}
    issued: dict[bytes, object] = {}
    for path in sorted(SOURCE.glob("*.pdf")):
        reader = PdfFileReader(io.BytesIO(path.read_bytes()), strict=False)
        for sig in reader.embedded_signatures:
            try:
                tokens = list(extract_tst_data_iter(sig.signer_info, signed=False))
            except (ValueError, KeyError):
                continue
            for signed_data in (sig.signed_data, *tokens):
                for choice in signed_data["certificates"]:
                    cert = choice.chosen
                    if cert.self_signed in ("maybe", "yes"):
                        found.setdefault(cert.dump(), cert)
                    elif cert.ca:
                        issued.setdefault(cert.dump(), cert)
    chosen = None
    for der, cert in found.items():
        subject = cert.subject.human_friendly  # type: ignore[attr-defined]
        print(hashlib.sha256(der).hexdigest(), subject)
        if _folded(NAME) in _folded(subject):
            chosen = der
    if chosen is None:
        print(f"no self-signed certificate named {NAME!r} in the time-stamp tokens", file=sys.stderr)
        return 1
    TARGET.write_bytes(pem.armor("CERTIFICATE", chosen))
    print(f"wrote {TARGET.relative_to(ROOT)}")
    root = found[chosen]
    below = [der for der, cert in issued.items() if cert.issuer == root.subject]  # type: ignore[attr-defined]
    INTERMEDIATES.write_bytes(b"".join(pem.armor("CERTIFICATE", der) for der in below))
    print(f"wrote {INTERMEDIATES.relative_to(ROOT)}: {len(below)} certificate(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
