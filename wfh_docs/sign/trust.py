"""Whom verify trusts with no option: the government's root, "Cơ quan chứng thực số chuyên dùng
Chính phủ" (RootCA of Ban Cơ yếu Chính phủ), shipped in roots/ with the CA it issued the agencies'
certificates through (to build chains with, not trusted by itself); and what a certificate is:
a person's or an organisation's."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path
from typing import Any, Literal

from pyhanko.keys import load_certs_from_pemder_data

ROOTS = Path(__file__).resolve().parent / "roots"
# made by tools/extract_vgca_root.py from the time-stamp tokens of tests/data/signed-pdfs
BUILTIN_ROOTS = ("vgca-rootca.pem",)
BUILTIN_INTERMEDIATES = ("vgca-intermediates.pem",)
# The subject's first words that name an agency, not a person (Nghị định 30's names of agencies).
_AGENCY_WORDS = (
    "ủy ban", "uỷ ban", "ubnd", "sở ", "phòng ", "bộ ", "cục ", "chi cục", "tổng cục", "ban ",
    "văn phòng", "trường", "trung tâm", "viện", "hội đồng", "đảng ủy", "đảng uỷ", "huyện ủy",
    "tỉnh ủy", "thành ủy", "tòa án", "toà án", "công an", "kho bạc", "bảo hiểm", "công ty",
    "đại học", "học viện", "đài ", "báo ", "liên đoàn", "hội ", "mặt trận", "đoàn ",
)  # fmt: skip

Kind = Literal["personal", "organisation"]


@functools.cache
def _load(names: tuple[str, ...]) -> tuple[Any, ...]:
    certs: list[Any] = []
    for name in names:
        certs.extend(load_certs_from_pemder_data((ROOTS / name).read_bytes()))
    return tuple(certs)


def builtin_roots() -> list[Any]:
    """The trust anchors verify uses with no option (asn1crypto certificates)."""
    return list(_load(BUILTIN_ROOTS))


def builtin_intermediates() -> list[Any]:
    """CA certificates to build chains to the built-in roots with, trusted only through them."""
    return list(_load(BUILTIN_INTERMEDIATES))


def certificate_kind(cert: Any) -> Kind:
    """A person's certificate (a leader's: CN a name, OU the agency) or an organisation's (the
    agency's: CN the agency, often with its tax or budget code, "MST:"/"MNS:", in the UID)."""
    native = cert.subject.native
    uid = str(native.get("user_id") or "")
    if uid.upper().startswith(("MST:", "MNS:", "CMND:MST")):
        return "organisation"
    cn = native.get("common_name") or ""
    cn = " ".join(cn) if isinstance(cn, list) else str(cn)
    folded = unicodedata.normalize("NFC", cn).casefold() + " "
    if folded.startswith(_AGENCY_WORDS):
        return "organisation"
    return "personal"
