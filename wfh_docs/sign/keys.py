"""Where the key is: a PKCS#12 file (tests, demos) or a PKCS#11 token (the SafeNet/Bit4id USB
tokens agencies sign with); the certificates and revocation lists given with it."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import crl, pem
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.sign import signers
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from ..i18n import _
from ..letter.vn import iso_vn_time
from .base import PKCS11_HINT, bad


@dataclass(frozen=True)
class KeySource:
    """Where the signing key is: exactly one of a PKCS#12 file (with its passphrase) or a PKCS#11
    library (with the token's label, the key's or certificate's label, and the PIN; no PIN for a
    token with its own PIN pad). Checked when made, before any token is asked for anything."""

    pkcs12: Path | None = None
    passphrase: bytes | None = None
    pkcs11_lib: str | None = None
    token_label: str | None = None
    key_label: str | None = None
    cert_label: str | None = None
    pin: str | None = None

    def __post_init__(self) -> None:
        if (self.pkcs12 is None) == (self.pkcs11_lib is None):
            raise bad(
                _("key"),
                "",
                _("give exactly one key: a PKCS#12 file or a PKCS#11 token library"),
                _(PKCS11_HINT),
            )
        if self.pin is not None and not self.pin:
            # an empty PIN is a wrong PIN to the token, and costs one of its few tries: never sent
            raise bad(
                f"PKCS#11 {self.pkcs11_lib}" if self.pkcs11_lib else "PIN",
                "PIN",
                _("the PIN is empty (WFHDOC_PIN set to nothing?)"),
                _(
                    "set WFHDOC_PIN to the token's PIN, or unset it to be asked "
                    "(--pin-pad for a token with its own keypad)"
                ),
            )

    @property
    def name(self) -> str:
        """How messages name the key."""
        if self.pkcs12 is not None:
            return str(self.pkcs12)
        return f"PKCS#11 token {self.token_label or ''}".strip()

    def open(self, chain: list[Any]) -> Key:
        """The key, ready to sign; `release()` it when done."""
        if self.pkcs12 is not None:
            return pkcs12_key(Path(self.pkcs12), self.passphrase, chain)
        return pkcs11_key(
            str(self.pkcs11_lib), self.token_label, self.key_label, self.cert_label, self.pin, chain
        )


@dataclass
class Key:
    """An open key: pyHanko's signer, its certificate and the token's session."""

    signer: Any  # a pyHanko Signer
    cert: Any  # cryptography x509.Certificate
    session: Any = None  # the PKCS#11 session, closed (logged out) when done

    def release(self) -> None:
        # the library itself stays loaded: python-pkcs11 keeps one instance per path for the
        # process, and unloading it under that cache crashes the next use
        if self.session is not None:
            with contextlib.suppress(Exception):
                self.session.close()
            self.session = None


def _unreadable(exc: OSError) -> str:
    return _("cannot read the file ({reason})").format(reason=exc.strerror or exc)


def load_certs(paths: Sequence[Path], what: str) -> list[Any]:
    """The certificates (asn1crypto) in the PEM or DER files `paths`."""
    certs: list[Any] = []
    for path in paths:
        try:
            certs.extend(load_certs_from_pemder_data(path.read_bytes()))
        except OSError as exc:
            raise bad(path, what, _unreadable(exc)) from None
        except Exception:  # asn1crypto raises ValueError, TypeError ... on bad data
            raise bad(path, what, _("is not a PEM or DER certificate")) from None
    return certs


def load_crls(paths: Sequence[Path]) -> list[Any]:
    """The certificate revocation lists in the PEM or DER files `paths`, parsed now."""
    result: list[Any] = []
    for path in paths:
        try:
            raw = path.read_bytes()
            ders = [der for _t, _h, der in pem.unarmor(raw, multiple=True)] if pem.detect(raw) else [raw]
            for der in ders:
                item = crl.CertificateList.load(der)
                item.native  # parse now: a bad file fails here, not deep inside pyHanko  # noqa: B018
                result.append(item)
        except OSError as exc:
            raise bad(path, "CRL", _unreadable(exc)) from None
        except Exception:  # asn1crypto raises ValueError, TypeError ... on bad data
            raise bad(path, "CRL", _("is not a PEM or DER certificate revocation list")) from None
    return result


def pkcs12_key(path: Path, passphrase: bytes | None, chain: list[Any]) -> Key:
    """The key and certificate of a PKCS#12 file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise bad(path, "PKCS#12", _unreadable(exc)) from None
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError:
        # OpenSSL says the same for a wrong passphrase and for a file that is no PKCS#12 at all
        if passphrase is None:
            message = _("cannot open it without a passphrase (or it is not a PKCS#12 .p12/.pfx file)")
            hint = _("give the passphrase")
        else:
            message = _("wrong passphrase, or not a PKCS#12 (.p12/.pfx) file")
            hint = _("check the passphrase the certificate was issued with")
        raise bad(path, "PKCS#12", message, hint) from None
    if key is None or cert is None:
        raise bad(path, "PKCS#12", _("holds no private key with its certificate"))
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cert_der = cert.public_bytes(serialization.Encoding.DER)
    extra = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in others]
    signer = KeptKeySigner(
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        signing_cert=asn1_x509.Certificate.load(cert_der),
        cert_registry=SimpleCertificateStore.from_certs([*extra, *chain]),  # type: ignore[no-untyped-call]
    )
    signer.kept = key
    return Key(signer, cert)


class KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, but the private key is parsed once, not at every signature (its
    RSA check took 30 ms of each); the PKCS#12 file is read and decrypted once too."""

    kept: Any = None  # the cryptography private key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = mechanism.signature_algo
        except ValueError:
            name = mechanism["algorithm"].native
        if name == "rsassa_pkcs1v15" and isinstance(self.kept, rsa.RSAPrivateKey):
            return self.kept.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


def _token(lib: Any, source: str, token_label: str | None) -> Any:
    """The one token meant: the only one plugged in, or the one with that label."""
    tokens = []
    for slot in lib.get_slots(token_present=True):
        with contextlib.suppress(pkcs11.exceptions.PKCS11Error):
            token = slot.get_token()
            # an empty slot of an HSM (SoftHSM always offers one) holds no key
            if token.flags & pkcs11.TokenFlag.TOKEN_INITIALIZED:
                tokens.append(token)
    labels = ", ".join(t.label for t in tokens)
    if not tokens:
        raise bad(source, "token", _("no token found"), _("plug the USB token in"))
    if token_label is not None:
        tokens = [t for t in tokens if t.label == token_label]
        if not tokens:
            raise bad(
                source,
                "token",
                _("no token labelled {label}").format(label=repr(token_label)),
                _("tokens found: {labels}").format(labels=labels),
            )
    elif len(tokens) > 1:
        raise bad(
            source,
            "token",
            _("several tokens found"),
            _("choose one by label: {labels}").format(labels=labels),
        )
    return tokens[0]


def _login(token: Any, source: str, pin: str | None) -> Any:
    """A session on the token, logged in with `pin` (or on its own PIN pad)."""
    label = repr(token.label)
    if not pin:  # None, or empty (refused by KeySource too): no empty PIN reaches the token
        if not token.flags & pkcs11.TokenFlag.PROTECTED_AUTHENTICATION_PATH:
            raise bad(source, "PIN", _("token {label} needs its PIN").format(label=label), _("give the PIN"))
        user_pin: Any = pkcs11.PROTECTED_AUTH  # the PIN is typed on the token's own pad
    else:
        user_pin = pin
    try:
        return token.open(user_pin=user_pin)
    except (pkcs11.exceptions.PinIncorrect, pkcs11.exceptions.PinInvalid, pkcs11.exceptions.PinLenRange):
        raise bad(
            source, "PIN", _("wrong PIN for token {label}").format(label=label), tries_left(token)
        ) from None
    except pkcs11.exceptions.PinLocked:
        raise bad(
            source, "PIN", _("token {label} is locked").format(label=label), _("ask the CA to unlock it")
        ) from None


def tries_left(token: Any) -> str:
    """What the token says of the PINs left before it locks itself (PKCS#11 tells no number, only
    that few are left or one), read again after the wrong PIN."""
    flags = 0
    with contextlib.suppress(Exception):  # a token pulled out now tells nothing
        flags = int(token.slot.get_token().flags)
    if flags & pkcs11.TokenFlag.USER_PIN_LOCKED:
        return _("the token is now locked: ask the CA to unlock it")
    if flags & pkcs11.TokenFlag.USER_PIN_FINAL_TRY:
        return _("the token says one try is left: a wrong PIN now locks it")
    if flags & pkcs11.TokenFlag.USER_PIN_COUNT_LOW:
        return _("the token says few tries are left before it locks itself")
    return _("careful: the token locks itself after a few wrong PINs")


def _signer(
    session: Any, source: str, key_label: str | None, cert_label: str | None, chain: list[Any]
) -> Any:
    key_id = cert_id = None
    if key_label is None and cert_label is None:
        # a signing token usually holds one key: use it, with the certificate of the same ID
        found = list(session.get_objects({pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY}))
        if len(found) != 1:
            names = ", ".join(repr(k[pkcs11.Attribute.LABEL]) for k in found) or "none"
            raise bad(
                source,
                "key",
                _("{count} private keys on the token ({names})").format(count=len(found), names=names),
                _("give the key label"),
            )
        key_id = found[0][pkcs11.Attribute.ID]
        cert_id = key_id
    return PKCS11Signer(
        session,
        cert_label=cert_label,
        key_label=key_label,
        key_id=key_id,
        cert_id=cert_id,
        ca_chain=chain,
        other_certs_to_pull=None,  # the CA certificates a token carries go into the signature
    )


def pkcs11_key(
    lib_path: str,
    token_label: str | None,
    key_label: str | None,
    cert_label: str | None,
    pin: str | None,
    chain: list[Any],
) -> Key:
    """The key and certificate on a token, through its PKCS#11 library."""
    source = f"PKCS#11 {lib_path}"
    # a bare name ("libsofthsm2.so") is for the loader to find; a path must be there
    if (os.sep in lib_path or "/" in lib_path) and not Path(lib_path).is_file():
        raise bad(source, "library", _("no such file"), _(PKCS11_HINT))
    try:
        lib = pkcs11.lib(lib_path)
    except pkcs11.exceptions.PKCS11Error as exc:
        raise bad(
            source, "library", _("cannot load it ({reason})").format(reason=exc), _(PKCS11_HINT)
        ) from None
    key = Key(None, None)
    try:
        token = _token(lib, source, token_label)
        key.session = _login(token, source, pin)
        signer = _signer(key.session, source, key_label, cert_label, chain)
        try:
            cert_asn1 = signer.signing_cert
        except Exception as exc:  # pyHanko raises its own PKCS11Error, python-pkcs11 NoSuchKey ...
            raise bad(
                source,
                "key",
                _("no usable key and certificate ({reason})").format(reason=exc),
                _("check the key and certificate labels"),
            ) from None
        key.signer = signer
        key.cert = x509.load_der_x509_certificate(cert_asn1.dump())
        return key
    except BaseException:
        key.release()
        raise


def subject(cert: Any, oid: Any) -> str | None:
    """A field of a (cryptography) certificate's subject."""
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def common_name(cert: Any) -> str:
    """The subject's CN, else the whole subject."""
    return subject(cert, x509.NameOID.COMMON_NAME) or str(cert.subject.rfc4514_string())


def check_cert(cert: Any, when: dt.datetime, source: str) -> None:
    """Refuse a certificate that is not valid at `when`, or not for signing."""
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    who = common_name(cert)
    if when < start:
        raise bad(
            source,
            _("certificate"),
            _("{who}'s certificate is not valid yet at the signing time: valid from {start}").format(
                who=who, start=iso_vn_time(start)
            ),
        )
    if when > end:
        raise bad(
            source,
            _("certificate"),
            _("{who}'s certificate expired on {end}").format(who=who, end=iso_vn_time(end)),
            _("renew it with the CA (Ban Cơ yếu Chính phủ for public-duty certificates)"),
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise bad(
            source, _("certificate"), _("{who}'s certificate is not for signing (key usage)").format(who=who)
        )
