"""A throw-away public-key infrastructure for the signing tests, made offline with `cryptography`.

It mirrors what Vietnamese agencies hold, without any real material: a root CA standing in for
Ban Cơ yếu Chính phủ's, a personal certificate for the person who signs the letter, an agency
certificate for the văn thư's seal signature, a time-stamping authority (EKU timeStamping) for
PAdES B-T, an expired certificate and one not valid yet, and an empty CRL so that B-LT and
B-LTA can be made and checked with no network. RSA-2048 like the tokens in use; every key is
made anew for each test session (about half a second in all).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

if TYPE_CHECKING:
    from pyhanko.sign.timestamps import DummyTimeStamper

PASSPHRASE = b"mat-khau-thu"
ROOT_CN = "wfhdoc test root CA"
SIGNER_CN = "Nguyễn Hữu Hưng"
SIGNER_O = "Sở Công Thương Quảng Trị"
AGENCY_CN = "Sở Công Thương Quảng Trị"
AGENCY_O = "UBND tỉnh Quảng Trị"


@dataclass(frozen=True)
class Identity:
    """A key and its certificate, in the forms the tests hand to signers and tokens."""

    name: str
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    p12: Path  # PKCS#12 with the key, the certificate and the root, encrypted with PASSPHRASE
    cert_pem: Path
    cert_der: Path
    key_pk8: Path  # unencrypted PKCS#8 PEM, what `softhsm2-util --import` reads


@dataclass(frozen=True)
class Pki:
    root: Identity
    signer: Identity
    agency: Identity
    tsa: Identity
    expired: Identity
    not_yet_valid: Identity
    crl_der: Path  # the root's CRL, empty: nothing is revoked

    @property
    def root_pem(self) -> Path:
        return self.root.cert_pem


def _name(cn: str, org: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _save(
    folder: Path, name: str, key: rsa.RSAPrivateKey, cert: x509.Certificate, chain: list[x509.Certificate]
) -> Identity:
    p12 = folder / f"{name}.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            name.encode(), key, cert, chain, serialization.BestAvailableEncryption(PASSPHRASE)
        )
    )
    cert_pem = folder / f"{name}.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    cert_der = folder / f"{name}.der"
    cert_der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    key_pk8 = folder / f"{name}.pk8"
    key_pk8.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return Identity(name, key, cert, p12, cert_pem, cert_der, key_pk8)


def make_pki(folder: Path, now: dt.datetime | None = None) -> Pki:
    """Every certificate the tests need, written to `folder`."""
    now = now or dt.datetime.now(dt.timezone.utc)
    day = dt.timedelta(days=1)
    root_key = _key()
    root_name = _name(ROOT_CN, "wfhdoc tests")
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    root_cert = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - 3650 * day)
        .not_valid_after(now + 3650 * day)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(root_ski, critical=False)
        .sign(root_key, hashes.SHA256())
    )
    root = _save(folder, "root", root_key, root_cert, [])

    def issue(
        name: str,
        cn: str,
        org: str | None,
        *,
        start: dt.datetime,
        end: dt.datetime,
        timestamping: bool = False,
    ) -> Identity:
        key = _key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(cn, org))
            .issuer_name(root_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=not timestamping,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False
            )
        )
        if timestamping:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
        cert = builder.sign(root_key, hashes.SHA256())
        return _save(folder, name, key, cert, [root_cert])

    valid_from, valid_to = now - 365 * day, now + 730 * day
    signer = issue("signer", SIGNER_CN, SIGNER_O, start=valid_from, end=valid_to)
    agency = issue("agency", AGENCY_CN, AGENCY_O, start=valid_from, end=valid_to)
    tsa = issue("tsa", "wfhdoc test TSA", "wfhdoc tests", start=valid_from, end=valid_to, timestamping=True)
    expired = issue("expired", "Trần Văn Cũ", SIGNER_O, start=now - 1000 * day, end=now - 30 * day)
    not_yet = issue("not-yet-valid", "Lê Thị Mới", SIGNER_O, start=now + 30 * day, end=now + 1000 * day)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root_name)
        .last_update(now - day)
        .next_update(now + 30 * day)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), False)
        .add_extension(x509.CRLNumber(1), False)
        .sign(root_key, hashes.SHA256())
    )
    crl_der = folder / "root.crl"
    crl_der.write_bytes(crl.public_bytes(serialization.Encoding.DER))
    return Pki(root, signer, agency, tsa, expired, not_yet, crl_der)


def dummy_timestamper(pki: Pki) -> DummyTimeStamper:
    """pyHanko's in-process TSA (no network), signing with the test TSA certificate."""
    from asn1crypto import keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der_key = pki.tsa.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(pki.tsa.cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(der_key),
        certs_to_embed=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(pki.root.cert.public_bytes(serialization.Encoding.DER))]
        ),
    )
