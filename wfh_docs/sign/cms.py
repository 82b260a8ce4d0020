"""The encodings real signers produce that asn1crypto refuses, read as what they mean.

One is known: a VGCA signer (the leader's signature of the real letter 21-…Khung_PPCT… in
tests/data/signed-pdfs) writes its SignerInfo's signatureAlgorithm as rsaEncryption followed by
RSASSA-PSS parameters, where rsaEncryption takes NULL; its signature is PKCS#1 v1.5 (checked by
pdfsig and by hand). That field is not covered by the signature (RFC 5652 §5.4 signs the signed
attributes only), so writing it as rsaEncryption with NULL parameters changes nothing that was
signed: the digests and the signature are then checked as for any other signature.
"""

from __future__ import annotations

from typing import Any

from asn1crypto import cms
from pyhanko.sign.general import extract_signer_info

_RSA = bytes.fromhex("06092a864886f70d010101")  # OID 1.2.840.113549.1.1.1, rsaEncryption
_RSA_WITH_NULL = bytes.fromhex("300d") + _RSA + bytes.fromhex("0500")


def _header(der: bytes, at: int) -> tuple[int, int, bool]:
    """(offset of the content, length of the content, constructed) of the TLV at `at` (DER:
    one-byte tags below 31, definite lengths)."""
    tag = der[at]
    if tag & 0x1F == 0x1F:
        raise ValueError("multi-byte tag")
    first = der[at + 1]
    if first < 0x80:
        return at + 2, first, bool(tag & 0x20)
    count = first & 0x7F
    if count == 0 or count > 4:
        raise ValueError("indefinite or huge length")
    length = int.from_bytes(der[at + 2 : at + 2 + count], "big")
    return at + 2 + count, length, bool(tag & 0x20)


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _splice(der: bytes, at: int, start: int, end: int, new: bytes) -> bytes:
    """The TLV at `at` with its bytes `start:end` (a whole TLV inside it) replaced by `new`, the
    lengths of every TLV that holds them written anew."""
    body, length, constructed = _header(der, at)
    stop = body + length
    if (at, stop) == (start, end):
        return new
    if not constructed:
        raise ValueError("the span is inside a primitive value")
    pos, parts = body, []
    while pos < stop:
        child_body, child_length, _c = _header(der, pos)
        child_end = child_body + child_length
        if pos <= start and end <= child_end:
            parts.append(_splice(der, pos, start, end, new))
        else:
            parts.append(der[pos:child_end])
        pos = child_end
    content = b"".join(parts)
    return der[at : at + 1] + _length(len(content)) + content


def repaired(der: bytes) -> bytes | None:
    """The CMS `der` with the known bad encodings written as they mean, or None when it has none
    of them (or they cannot be found in it)."""
    try:
        signer_info = extract_signer_info(cms.ContentInfo.load(der)["content"])
        algorithm = signer_info["signature_algorithm"]
        raw = algorithm.dump()
        if not raw.startswith(b"\x30") or _RSA not in raw[:16] or raw == _RSA_WITH_NULL:
            return None
        try:
            algorithm.native  # noqa: B018 - parsed here: only a field asn1crypto refuses is rewritten
            return None
        except ValueError:
            pass
        start = der.find(raw)
        if start < 0 or der.find(raw, start + 1) >= 0:
            return None
        return _splice(der, 0, start, start + len(raw), _RSA_WITH_NULL)
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def reread(sig: Any, der: bytes) -> None:
    """Make pyHanko's EmbeddedPdfSignature `sig` read its CMS from `der` (the same signature,
    re-encoded by `repaired`): what its constructor parses from /Contents, parsed again. The raw
    /Contents stays as it is in the file: the coverage check measures it."""
    sig.signed_data = cms.ContentInfo.load(der)["content"]
    sig.signer_info = extract_signer_info(sig.signed_data)
